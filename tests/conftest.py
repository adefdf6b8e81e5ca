"""Shared fixtures: a fresh temporary database per test; Qt offscreen; nothing touches real user data."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Pages read on the window's thread within a wall-clock budget, else on a worker: a loaded machine must not
# send a small test database down the worker path a test did not ask for (tests that want it set -1).
os.environ.setdefault("SPONSORTRACK_GUI_BUDGET_S", "3600")

from pathlib import Path

import pytest

from sponsortrack.store import Store


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the user data/config folders at a temp dir so no test can touch a real database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SPONSORTRACK_DB", raising=False)
    # No test may ask the internet whether it is online: a test that wants the probe names a loopback one.
    monkeypatch.setenv("SPONSORTRACK_PROBE_URL", "")
    # ... nor may a window left open check the demo's real promo links on its schedule
    monkeypatch.setenv("SPONSORTRACK_AUTO_RECHECK", "0")
    yield


@pytest.fixture(autouse=True)
def _keep_none_alive():
    """Give back, after each test, the references to None/True/False its Qt calls dropped (PySide6 6.12 on
    Python 3.11 drops one per call answering None: see sponsortrack.ui.refguard), so that a long run of
    GUI tests cannot add up to "Fatal Python error: none_dealloc". tests/test_ui_soak.py checks the app's
    own code drops none; here a test's own calls (setText, qtbot.wait, ...) are forgiven."""
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    yield
    guard = sys.modules.get("sponsortrack.ui.refguard")  # only once a test used the GUI
    if guard is not None:
        guard.restore(before)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def cli(db_path):
    """The CLI in this process (click's runner) on the test's database: ``cli("reads", "list")``."""
    from click.testing import CliRunner

    from sponsortrack.cli import main

    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)
    return run


@pytest.fixture
def demo_cli(cli):
    """:func:`cli` on a database the demo network was loaded into."""
    assert cli("demo").exit_code == 0
    return cli


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def demo_store(store):
    from sponsortrack.services.demo import load_demo

    load_demo(store)
    return store


@pytest.fixture
def served(tmp_path):
    """A loopback HTTP server handing out the files of a folder: (folder, base URL)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


# -- the link checks: the demo network's sponsors stood in for by loopback servers (tests/support/linkcheck.py)

@pytest.fixture(scope="module")
def servers():
    """The loopback sponsors by role (``support.linkcheck.HOSTS``), for a whole test module."""
    from support.linkcheck import sponsor_servers

    with sponsor_servers() as s:
        yield s


@pytest.fixture
def wired(demo_store, servers):
    """The demo with its promo links pointed at ``servers``: ``(store, the new URLs by role)``."""
    from support.linkcheck import rewire_demo

    return demo_store, rewire_demo(demo_store, servers)
