"""The entry point opens the window without loading the click CLI; everything else goes to click."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sponsortrack.launch import parse_gui_args


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {"db": None, "page": None}),
    (["gui"], {"db": None, "page": None}),
    (["--db", "x.db"], {"db": "x.db", "page": None}),
    (["--db=x.db", "gui", "--page", "history"], {"db": "x.db", "page": "history"}),
    (["--db", "x.db", "gui", "--page=links"], {"db": "x.db", "page": "links"}),
])
def test_window_command_lines_take_the_fast_path(argv, expected):
    assert parse_gui_args(argv) == expected


@pytest.mark.parametrize("argv", [
    ["--help"], ["--version"], ["demo"], ["--db", "x.db", "demo"], ["gui", "--screenshot", "a.png"],
    ["gui", "--help"], ["--db"], ["--db", "--help"], ["gui", "--page"], ["gui", "extra"], ["-h"],
    ["reads", "list"], ["--db", "x.db", "gui", "--db", "y.db"],
])
def test_everything_else_goes_to_click(argv):
    assert parse_gui_args(argv) is None


def _run(code: str, tmp_path, **env):
    full = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_SETTINGS": str(tmp_path / "s.ini"), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=120)


def test_opening_the_window_does_not_import_click_or_the_services(tmp_path, demo_store):
    code = (  # what is loaded when the window is shown and idle (the dashboard's worker loads more after)
        "import builtins, sys\n"
        "_print = builtins.print\n"
        "def spy(*a, **k):\n"
        "    if a == ('idle',):\n"
        "        _print('LOADED', sorted(m for m in sys.modules if m == 'click' or m.startswith(("
        "'sponsortrack.cli', 'sponsortrack.services', 'sqlite_utils', 'reportlab', 'httpx', 'feedparser'))))\n"
        "    _print(*a, **k)\n"
        "builtins.print = spy\n"
        "from sponsortrack.launch import main\n"
        f"main(['--db', {str(demo_store.path)!r}, 'gui'])\n"
    )
    res = _run(code, tmp_path, SPONSORTRACK_QUIT_WHEN_IDLE="1")
    assert res.returncode == 0, res.stderr
    assert "idle" in res.stdout
    assert "LOADED []" in res.stdout, res.stdout


def test_help_still_comes_from_click(tmp_path):
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0 and "Usage:" in res.stdout and "gui" in res.stdout


def test_garbage_collection_is_back_on_once_the_window_is_painted(tmp_path, demo_store):
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('GC', gc.isenabled()))\n"
        "from sponsortrack.launch import main\n"
        f"main(['--db', {str(demo_store.path)!r}, 'gui'])\n"
    )
    res = _run(code, tmp_path, SPONSORTRACK_QUIT_WHEN_IDLE="1")
    assert res.returncode == 0, res.stderr
    assert "GC True" in res.stdout, res.stdout


def test_the_window_keeps_a_floor_under_the_references_to_none(tmp_path, demo_store):
    """PySide6 6.12 on Python 3.11 drops references to None (sponsortrack.ui.refguard): the window tops them up."""
    code = (
        "import atexit\n"
        "from sponsortrack.ui import refguard\n"
        "atexit.register(lambda: print('FLOORS', len(refguard.started), refguard.ACTIVE))\n"
        "from sponsortrack.launch import main\n"
        f"main(['--db', {str(demo_store.path)!r}, 'gui'])\n"
    )
    res = _run(code, tmp_path, SPONSORTRACK_QUIT_WHEN_IDLE="1")
    assert res.returncode == 0, res.stderr
    assert "FLOORS 1 True" in res.stdout or "FLOORS 0 False" in res.stdout, res.stdout
