"""The command line's rooms: the command tree and every page of help stay as they were when ``cli/core.py``
was split by noun; usage errors in one line; read-only commands never create a database; counts in words."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from sponsortrack.cli import main

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
