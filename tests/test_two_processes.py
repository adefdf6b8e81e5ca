"""Two real processes on one database: the window (offscreen, its background workers running) and the
CLI writing at the same time. Nothing either side logs may be lost (issue 9, item 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SAFETY_TIMEOUT = 120  # seconds; a safety net against a hang, never a speed assertion


def cli(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), *args], capture_output=True,
                          text=True, timeout=SAFETY_TIMEOUT, env=env)


@pytest.fixture
def demo_db(tmp_path) -> Path:
    db = tmp_path / "shared.db"
    res = cli(db, "demo")
    assert res.returncode == 0, res.stderr
    return db


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to see the window's open files")
def test_cli_writing_while_the_window_runs_loses_nothing(demo_db, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_SETTINGS": str(tmp_path / "settings.ini")}
    rounds = 9  # every page once: each starts its own background workers
    win = subprocess.Popen([sys.executable, str(HERE / "window_driver.py"), str(demo_db), str(rounds)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    window_reads: list[tuple[int, str]] = []
    cli_reads: list[tuple[int, str]] = []
    fds: list[str] = []

    def log_from_cli(note: str) -> None:
        res = cli(demo_db, "log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Fastly",
                  "--placement", "pre", "--notes", note)
        assert res.returncode == 0, res.stderr
        cli_reads.append((int(res.stdout.split()[2].rstrip(":")), note))
        res = cli(demo_db, "reads", "list", "--format", "json")
        assert res.returncode == 0, res.stderr

    try:
        assert win.stdout is not None and win.stdin is not None
        for i in range(rounds):
            line = win.stdout.readline()
            assert line.strip() == f"ready {i}", line
            # The window's workers have opened and closed their stores; now another process writes,
            # the window writes, and another process writes again.
            log_from_cli(f"cli-{i}a")
            win.stdin.write("go\n")
            win.stdin.flush()
            kind, rid, wnote = win.stdout.readline().split()
            assert kind == "logged"
            window_reads.append((int(rid), wnote))
            log_from_cli(f"cli-{i}b")
        for line in iter(win.stdout.readline, ""):
            if line.startswith("fd "):
                fds.append(line.split(" ", 2)[2].strip())
            if line.strip() == "done":
                break
        win.stdin.close()
        assert win.wait(timeout=SAFETY_TIMEOUT) == 0
    finally:
        if win.poll() is None:
            win.kill()
        win.wait()
        for pipe in (win.stdin, win.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
    # Both sides' reads are there, each with its own id, seen by a fresh process.
    res = cli(demo_db, "reads", "list", "--format", "json")
    assert res.returncode == 0, res.stderr
    notes = {r["id"]: r["notes"] for r in json.loads(res.stdout)}
    assert len(window_reads) == rounds and len(cli_reads) == 2 * rounds
    lost = [(rid, note) for rid, note in cli_reads + window_reads if notes.get(rid) != note]
    # The window never kept a -wal or -shm that another process had deleted under it.
    deleted = [f for f in fds if demo_db.name in f and "(deleted)" in f]
    assert not lost and not deleted, (lost, deleted)
    assert any(f.endswith("shared.db-wal") for f in fds), fds


# -- a writer held up by another process's write transaction (issue 9, item 6) -------------------------

HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO shows (name) VALUES ('held by the other process')")
print("held", flush=True)
if sys.stdin.readline().strip() == "commit":
    con.execute("COMMIT")
else:
    con.execute("ROLLBACK")
con.close()
print("released", flush=True)
"""


def _hold_write_lock(db: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen, how: str = "commit") -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write(how + "\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "released"
    holder.communicate(timeout=SAFETY_TIMEOUT)


def _log_args(db: Path, note: str) -> list[str]:
    return [sys.executable, "-m", "sponsortrack", "--db", str(db), "log", "--show", "Practical AI",
            "--episode", "62", "--sponsor", "Fastly", "--placement", "pre", "--notes", note]


def _notes(db: Path) -> list[str]:
    res = cli(db, "reads", "list", "--format", "json")
    assert res.returncode == 0, res.stderr
    return [r["notes"] for r in json.loads(res.stdout)]


def test_a_held_up_cli_write_says_it_waits_then_writes_when_released(demo_db):
    from sponsortrack.cli import WAIT_NOTICE

    holder = _hold_write_lock(demo_db)
    env = {**os.environ, "SPONSORTRACK_LOCK_TIMEOUT": str(SAFETY_TIMEOUT)}
    try:
        with subprocess.Popen(_log_args(demo_db, "after the wait"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) as writer:
            assert writer.stderr is not None
            assert writer.stderr.readline().strip() == WAIT_NOTICE  # it waits, and says so
            _release(holder)
            out, err = writer.communicate(timeout=SAFETY_TIMEOUT)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.communicate()
    assert writer.returncode == 0, err
    assert out.startswith("Logged read ") and err.strip() == ""
    assert "after the wait" in _notes(demo_db)


def test_a_cli_write_locked_out_past_the_timeout_is_one_line_and_writes_nothing(demo_db):
    from sponsortrack.cli import WAIT_NOTICE

    before = _notes(demo_db)
    holder = _hold_write_lock(demo_db)
    env = {**os.environ, "SPONSORTRACK_LOCK_TIMEOUT": "1.5"}
    try:
        res = subprocess.run(_log_args(demo_db, "never written"), capture_output=True, text=True, env=env,
                             timeout=SAFETY_TIMEOUT)
    finally:
        _release(holder, "rollback")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert lines[0] == WAIT_NOTICE and len(lines) == 2, res.stderr
    assert lines[1].startswith(f"error: database {demo_db}: is locked") and "nothing was written" in lines[1]
    assert "for 1.5 s" in lines[1]
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert _notes(demo_db) == before
