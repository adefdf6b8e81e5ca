"""The command line's rooms: the command tree and every page of help stay as they were when ``cli/core.py``
was split by noun; usage errors in one line; read-only commands never create a database; counts in words."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sponsortrack import wording
from sponsortrack.cli import READ_ONLY, main

HELP_FIXTURE = Path(__file__).parent / "fixtures" / "cli" / "core_help.txt"
#: the commands that lived in cli/core.py (other modules' commands change with their own features)
CORE_COMMANDS = ("demo", "gui", "log", "backup", "shows", "episodes", "sponsors", "agencies", "campaigns",
                 "reads", "settings")


def help_pages(group: click.Group, names: tuple[str, ...]) -> str:
    """Every command's ``--help`` under ``names`` of ``group``, walked depth first, at a fixed width."""
    runner = CliRunner()
    pages: list[str] = []

    def walk(path: list[str], cmd: click.Command) -> None:
        res = runner.invoke(main, [*path, "--help"], terminal_width=80, catch_exceptions=False)
        assert res.exit_code == 0, (path, res.output)
        pages.append(f"=== sponsortrack {' '.join(path)}\n{res.output}")
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                walk([*path, name], cmd.commands[name])

    for name in names:
        walk([name], group.commands[name])
    return "".join(pages)


def test_the_core_commands_and_their_help_are_as_before_the_split():
    # regenerate on purpose only: python -c "import tests.test_cli_rooms as t; t.write_fixture()"
    assert help_pages(main, CORE_COMMANDS) == HELP_FIXTURE.read_text(encoding="utf-8")


def write_fixture() -> None:
    HELP_FIXTURE.write_text(help_pages(main, CORE_COMMANDS), encoding="utf-8")


# -- usage errors in one line -----------------------------------------------------------------------

@pytest.mark.parametrize(("args", "line"), [
    (["reads", "list", "--format", "xml"], "Error: --format: 'xml' is not one of 'table', 'csv', 'json'."),
    (["episodes", "list", "--limit", "0"], "Error: --limit: 0 is not in the range x>=1."),
    (["reads", "delete", "abc"], "Error: READ_IDS: 'abc' is not a valid integer."),
    (["reads", "delete"], "Error: Missing argument 'READ_IDS...'."),
    (["log", "--show", "Practical AI"], "Error: Missing option '--episode'."),
    (["reads", "list", "--fomat", "json"], "Error: No such option '--fomat'. Did you mean '--format'?"),
    (["nosuch"], "Error: No such command 'nosuch'."),
    (["reads", "nosuch"], "Error: No such command 'nosuch'."),
    (["--dbx", "x"], "Error: No such option '--dbx'. Did you mean '--db'?"),
    (["episodes", "add", "--show", "Practical AI"], "Error: Missing option '--title'."),
])
def test_a_usage_error_is_one_line_with_exit_code_2(demo_store, db_path, args, line):
    res = CliRunner().invoke(main, ["--db", str(db_path), *args])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [line]
    assert res.stdout == ""


def test_a_group_without_its_command_still_shows_its_help(db_path):
    res = CliRunner().invoke(main, ["--db", str(db_path), "reads"])
    assert res.exit_code in (0, 2)  # click 8.2 says 2, 8.1 said 0
    lines = res.output.splitlines()
    assert lines[0].startswith("Usage:") and "Commands:" in lines and any("history" in line for line in lines)
    assert not db_path.exists()


def test_a_usage_error_in_a_real_process_is_one_line_too(tmp_path):
    import subprocess
    import sys

    assert CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "demo"]).exit_code == 0
    out = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(tmp_path / "x.db"), "reads", "list",
                          "--month", "2019-13"], capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.splitlines() == ["error: month: '2019-13' is not a month (YYYY-MM)"]
    out = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(tmp_path / "x.db"), "campaigns",
                          "pacing", "--format", "xml"], capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.splitlines() == [
        "Error: --format: 'xml' is not one of 'table', 'csv', 'json'."]


def test_python_m_sponsortrack_calls_itself_sponsortrack(tmp_path):
    """``python -m sponsortrack`` is the command ``sponsortrack``, not ``__main__.py``, in usage and help."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sponsortrack", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("Usage: sponsortrack [OPTIONS] COMMAND [ARGS]...")
    out = subprocess.run([sys.executable, "-m", "sponsortrack", "reads", "list", "--help"], capture_output=True,
                         text=True)
    assert out.stdout.startswith("Usage: sponsortrack reads list [OPTIONS]") and "__main__" not in out.stdout


# -- read-only commands never create a database -------------------------------------------------------

READ_ONLY_ARGS = {
    "backup": ["-o", "{tmp}/backup.db"],
    "export csv": ["--what", "reads", "-o", "{tmp}/reads.csv"],
    "invoice pdf": ["INV-1", "-o", "{tmp}/inv.pdf"],
    "invoice show": ["INV-1"],
    "reads history": ["1"],
    "reconcile": ["--month", "2019-10"],
    "report monthly": ["--month", "2019-10", "-o", "{tmp}/pop.pdf"],
    "report packet": ["--month", "2019-10", "-o", "{tmp}/packet"],
}


def test_every_read_only_command_exists():
    for path in READ_ONLY:
        cmd: click.Command = main
        for name in path.split():
            assert isinstance(cmd, click.Group) and name in cmd.commands, path
            cmd = cmd.commands[name]


@pytest.mark.parametrize("path", sorted(READ_ONLY))
def test_a_read_only_command_given_a_missing_database_says_so_and_creates_nothing(tmp_path, path):
    db = tmp_path / "nope.db"
    extra = [a.replace("{tmp}", str(tmp_path)) for a in READ_ONLY_ARGS.get(path, [])]
    res = CliRunner().invoke(main, ["--db", str(db), *path.split(), *extra])
    assert res.exit_code != 0
    assert res.stderr.splitlines() == [f"error: db: no database at {db} (a command that only reads never "
                                       "creates one)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_writing_commands_and_demo_still_create_the_database(tmp_path):
    runner = CliRunner()
    for args in (["shows", "add", "Practical AI"], ["demo"], ["settings", "set", "seller_name=Changelog"]):
        db = tmp_path / f"{args[0]}.db"
        res = runner.invoke(main, ["--db", str(db), *args])
        assert res.exit_code == 0, res.output
        assert db.exists()


def test_a_read_only_command_on_an_existing_database_reads_it(tmp_path):
    runner = CliRunner()
    db = tmp_path / "x.db"
    assert runner.invoke(main, ["--db", str(db), "demo"]).exit_code == 0
    res = runner.invoke(main, ["--db", str(db), "shows", "list", "--format", "json"])
    assert res.exit_code == 0 and "Practical AI" in res.stdout


# -- counts in words ------------------------------------------------------------------------------------

def test_counts_in_cli_messages_have_grammar(tmp_path):
    runner = CliRunner()
    db = tmp_path / "x.db"
    demo = runner.invoke(main, ["--db", str(db), "demo"]).stdout
    assert "1 setting," in demo and "1 agency," in demo and "2 shows" in demo and "85 reads" in demo
    assert "1 settings" not in demo and "1 agencies" not in demo
    rows = json.loads(runner.invoke(main, ["--db", str(db), "reads", "list", "--format", "json"]).stdout)
    free = [r["id"] for r in rows if r["invoice_id"] is None]
    assert runner.invoke(main, ["--db", str(db), "reads", "delete", str(free[0])]).stdout == "Deleted 1 read.\n"
    two = runner.invoke(main, ["--db", str(db), "reads", "delete", *map(str, free[1:3])]).stdout
    assert two == "Deleted 2 reads.\n"
    one = runner.invoke(main, ["--db", str(db), "settings", "set", "seller_name=Changelog Media"]).stdout
    assert one == "Saved 1 setting.\n"


def test_the_plural_helper_knows_y_and_ies():
    assert wording.count(1, "agency") == "1 agency" and wording.count(2, "agency") == "2 agencies"
    assert wording.count(2, "day") == "2 days" and wording.count(0, "read") == "0 reads"
    assert wording.count_of(1, "agencies") == "1 agency" and wording.count_of(1, "download_snapshots") == \
        "1 download snapshot"
    assert wording.count(1_204, "check") == "1,204 checks"


def test_the_link_run_summary_counts_its_stored_checks_in_words():
    from sponsortrack.linkcheck.model import LinkResult
    from sponsortrack.services.links import run_summary

    one = [LinkResult("https://do.co/x", "ok", "answered 200 OK")]
    assert run_summary(one, saved=1) == "1 checked, 1 fine, 0 not fine; 1 check stored."


def test_invoice_export_and_packet_messages_count_in_words(tmp_path):
    runner = CliRunner()
    db = ["--db", str(tmp_path / "x.db")]
    assert runner.invoke(main, [*db, "demo"]).exit_code == 0
    made = runner.invoke(main, [*db, "invoice", "create", "--sponsor", "Brave", "--month", "2019-10"])
    assert made.exit_code == 0 and ": 4 lines, total " in made.stderr and "line(s)" not in made.stderr
    out = runner.invoke(main, [*db, "export", "csv", "--what", "invoices", "-o", str(tmp_path / "inv.csv")])
    assert out.stdout == f"Wrote 1 invoice to {tmp_path / 'inv.csv'}.\n"
    packet = runner.invoke(main, [*db, "report", "packet", "--month", "2019-10", "--sponsor", "Brave", "-o",
                                  str(tmp_path / "packet")])
    assert packet.exit_code == 0 and f"Wrote 2 files for 1 sponsor to {tmp_path / 'packet'}." in packet.stdout
