"""What the CLI prints when the terminal side goes wrong: a closed pipe, bytes that are not UTF-8,
names carrying control characters (issue 9, item 10)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sponsortrack.cli import main
from sponsortrack.cli.output import table_text

SAFETY_TIMEOUT = 120  # seconds: a net against a hang, not a speed assertion


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "demo.db"
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(path), "demo"], capture_output=True,
                         timeout=SAFETY_TIMEOUT)
    assert res.returncode == 0, res.stderr
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")
@pytest.mark.parametrize("args", [["reads", "list"], ["reads", "list", "--format", "json"], ["shows", "list"]])
def test_a_closed_pipe_ends_quietly(demo_file, args):
    # The reader has gone before anything is written: the long lists fail while printing, the short one
    # (it fits the buffer) only at the final flush.
    r, w = os.pipe()
    os.close(r)
    try:
        res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(demo_file), *args], stdout=w,
                             stderr=subprocess.PIPE, timeout=SAFETY_TIMEOUT)
    finally:
        os.close(w)
    assert res.stderr.decode() == ""  # no traceback, no "error: Broken pipe", no "Exception ignored"
    assert res.returncode == 141


def test_a_closed_pipe_with_a_shell(demo_file):
    if not Path("/bin/sh").exists() or shutil.which("head") is None:
        pytest.skip("needs sh and head")
    res = subprocess.run(["/bin/sh", "-c", f'"{sys.executable}" -m sponsortrack --db "{demo_file}" reads list '
                          "| head -1"], capture_output=True, text=True, timeout=SAFETY_TIMEOUT)
    assert res.stdout.startswith("id")
    assert res.stderr == ""


@pytest.mark.skipif(os.name != "posix", reason="arguments are bytes on POSIX only")
def test_an_argument_that_is_not_utf8_is_one_line_naming_it(demo_file):
    base = [sys.executable, "-m", "sponsortrack", "--db", str(demo_file)]
    res = subprocess.run([*base, "log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Fastly",
                          "--placement", "pre", b"--notes", b"caf\xe9 \xff"], capture_output=True,
                         timeout=SAFETY_TIMEOUT)
    assert res.returncode == 2
    assert res.stderr.decode() == "error: --notes: 'caf\\xe9 \\xff' is not valid UTF-8 text\n"
    res = subprocess.run([*base, "shows", "add", b"Bad \xfe name"], capture_output=True, timeout=SAFETY_TIMEOUT)
    assert res.returncode == 2
    assert res.stderr.decode() == "error: name: 'Bad \\xfe name' is not valid UTF-8 text\n"
    res = subprocess.run([*base, "shows", "list", "--format", "json"], capture_output=True, timeout=SAFETY_TIMEOUT)
    assert "Bad" not in res.stdout.decode()


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")
def test_a_file_name_that_is_not_utf8_still_works(tmp_path):
    db = os.fsencode(tmp_path) + b"/caf\xe9.db"
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", db, "shows", "add", "Practical AI"],
                         capture_output=True, timeout=SAFETY_TIMEOUT)
    assert res.returncode == 0, res.stderr
    assert os.path.exists(db)
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", db, "shows", "list"], capture_output=True,
                         timeout=SAFETY_TIMEOUT)
    assert res.returncode == 0 and b"Practical AI" in res.stdout, res.stderr


def test_control_characters_are_escaped_in_tables_and_exact_in_json(db_path):
    runner = CliRunner()
    name = "Evil\x1b[31mRed\x07 \u202eesrever\u202c\tend"
    res = runner.invoke(main, ["--db", str(db_path), "sponsors", "add", name])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["--db", str(db_path), "sponsors", "list"])
    assert res.exit_code == 0, res.output
    assert "Evil\\x1b[31mRed\\x07 \\u202eesrever\\u202c\\tend" in res.output
    assert not any(ch in res.output for ch in "\x1b\x07\u202e\u202c\t")
    res = runner.invoke(main, ["--db", str(db_path), "sponsors", "list", "--format", "json"])
    assert [s["name"] for s in json.loads(res.output)] == [name]


def test_table_text_keeps_ordinary_text():
    assert table_text("Café — 東京 🎙️ naïve") == "Café — 東京 🎙️ naïve"
    assert table_text("two\nlines\r\n") == "two lines  "
    assert table_text(None) == "" and table_text(12) == "12"
    assert table_text("\x00\x9b\u2066x\u2069") == "\\x00\\x9b\\u2066x\\u2069"
