"""Issue 11 item 6: ``import shownotes`` given a file that is not show notes says, in one line, what the file
is and what to run instead, and writes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner
from support import samples

from sponsortrack.cli import main
from sponsortrack.errors import ValidationError
from sponsortrack.importers import sniff
from sponsortrack.services import imports


def mp3() -> bytes:
    # an ID3v2.3 tag (a TIT2 title frame) before one MPEG-1 Layer III frame header, as encoders write them
    frame = b"TIT2" + (6).to_bytes(4, "big") + b"\x00\x00" + b"\x00Ep 1\x00"
    return b"ID3\x03\x00\x00" + bytes([0, 0, 0, len(frame)]) + frame + b"\xff\xfb\x90\x64" + b"\x00" * 400


def bare_mpeg_frames() -> bytes:
    return b"\xff\xfb\x90\x64" + b"\x55" * 413 + b"\xff\xfb\x90\x64"


def m4a() -> bytes:
    return (24).to_bytes(4, "big") + b"ftypM4A \x00\x00\x02\x00M4A isomiso2" + b"\x00" * 100


def xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buf.getvalue()


CHAPTERS = json.dumps({"version": "1.2.0", "chapters": [
    {"startTime": 0, "title": "Intro"}, {"startTime": 95.5, "title": "Sponsor: Linode"}]}).encode()


@pytest.mark.parametrize(("data", "says", "run"), [
    (mp3(), "this is an MP3 audio file (the episode itself), not show notes", "sponsortrack import chapters FILE"),
    (bare_mpeg_frames(), "MP3 audio file", "sponsortrack import rss"),
    (m4a(), "M4A/MP4 audio or video file", "sponsortrack import rss"),
    (xlsx(), "this is an Excel workbook (XLSX), not show notes", "sponsortrack import csv FILE --kind reads"),
    (CHAPTERS, "this is a podcast chapters file (JSON), not show notes", "sponsortrack import chapters FILE"),
    (b'[{"sponsor": "Acme", "episode": 3}]', "this is a JSON file, not show notes",
     "sponsortrack import csv FILE --kind reads"),
    (samples.feed_xml(3), "this is a whole RSS feed (3 episodes), not one episode's notes",
     "sponsortrack import rss FILE_OR_URL"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "this is a PDF document", "copy its text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this is an image", "text, Markdown or HTML"),
])
def test_wrong_file_is_named_with_what_to_run_instead(data, says, run):
    problem = sniff.wrong_for_show_notes(data)
    assert problem is not None and says in problem and run in problem
    assert "\n" not in problem


@pytest.mark.parametrize("text", [
    "Sponsors:\n- Acme – learn more at acme.com/pod\n",
    "<p>This episode is sponsored by <a href='https://acme.com'>Acme</a>.</p>",
    "# Episode 3\n\n[Acme](https://acme.com) {not json}\n",
    "{{ template }} Sponsored by Acme.",
    "",
])
def test_show_notes_in_any_format_pass(text):
    assert sniff.wrong_for_show_notes(text.encode("utf-8")) is None
    assert sniff.wrong_for_show_notes(text.encode("utf-16")) is None


def test_the_service_refuses_with_a_field_problem_and_writes_nothing(demo_store):
    before = demo_store.query("SELECT COUNT(*) AS n FROM ad_reads")[0]["n"]
    with pytest.raises(ValidationError) as err:
        imports.import_show_notes(demo_store, mp3(), show="Practical AI", episode="59", apply=True)
    assert str(err.value).startswith("file: this is an MP3 audio file")
    with pytest.raises(ValidationError, match="whole RSS feed"):
        imports.import_show_notes(demo_store, samples.feed_xml(2))  # pasted text too
    assert demo_store.query("SELECT COUNT(*) AS n FROM ad_reads")[0]["n"] == before


@pytest.mark.parametrize(("name", "data", "says"), [
    ("episode.mp3", mp3(), "MP3 audio file"),
    ("reads.xlsx", xlsx(), "Excel workbook"),
    ("chapters.json", CHAPTERS, "podcast chapters file"),
    ("feed.xml", samples.feed_xml(2), "whole RSS feed"),
])
def test_cli_one_line_exit_2_nothing_written(db_path, tmp_path, name, data, says):
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db_path), "demo"]).exit_code == 0
    con = sqlite3.connect(db_path)
    before = hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    con.close()
    f = tmp_path / name
    f.write_bytes(data)
    res = runner.invoke(main, ["--db", str(db_path), "import", "shownotes", str(f)], catch_exceptions=False)
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: file: this is ") and says in lines[0], res.output
    assert "Traceback" not in res.output
    con = sqlite3.connect(db_path)
    assert hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest() == before
    con.close()


# --------------------------------------------------------------------------- one table of magic numbers

HEADS = {
    "mp3": mp3(), "mpeg frames": bare_mpeg_frames(), "m4a": m4a(),
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ", "ogg": b"OggS\x00\x02" + b"\x00" * 20, "flac": b"fLaC\x00\x00\x00\x22",
    "aiff": b"FORM\x00\x00\x10\x00AIFFCOMM", "wma": b"\x30\x26\xb2\x75\x8e\x66\xcf\x11" + b"\x00" * 8,
    "xlsx": xlsx(), "pdf": b"%PDF-1.7\n", "sqlite": b"SQLite format 3\x00" + b"\x00" * 84,
}


@pytest.mark.parametrize("name", sorted(HEADS))
def test_show_notes_and_chapters_imports_read_one_table_of_magic_numbers(name):
    """Both imports that ask "what is this file?" answer from ``sniff.MAGIC``: an AIFF or WMA episode is audio
    to both (the show-notes import used to call it "a binary file"), an SQLite database is named."""
    from sponsortrack.services import chapters as chsvc

    head = HEADS[name]
    family, what = sniff.magic(head)
    assert sniff.what_it_is(head) == what
    assert (chsvc.sniff(head) == "audio") == (family == "audio") == ("(the episode itself)" in what)
    problem = sniff.wrong_for_show_notes(head)
    assert problem.startswith(f"this is {what}, not show notes")
    if family == "audio":
        assert "sponsortrack import chapters FILE" in problem
    if name == "sqlite":
        assert what == "an SQLite database" and chsvc.sniff(head) == "sqlite"
