"""Files that are not databases, damaged databases, full disks, interrupted backups: one line, nothing
half written, the file as it was (issue 9, items 6 and 10)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sponsortrack.cli import main
from sponsortrack.errors import DatabaseError
from sponsortrack.store import Store
from sponsortrack.store import db as dbmod

FIXTURES = Path(__file__).parent / "fixtures" / "db"
SAFETY_TIMEOUT = 120  # seconds: only there so a hang fails instead of blocking the suite


def run_cli(*args: str | bytes, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sponsortrack", *args], capture_output=True,
                          timeout=SAFETY_TIMEOUT, env=env, **kw)


def one_line_error(stderr: bytes | str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    assert "Traceback" not in text
    return lines[0]


def count_reads(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM ad_reads").fetchone()[0]
    finally:
        con.close()


def journal_bytes(path: Path) -> tuple[int, int]:
    """Header bytes 18 and 19: 1/1 for a rollback-journal file, 2/2 for WAL."""
    head = path.read_bytes()[:20]
    return head[18], head[19]


# -- files that are not databases -----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    res = run_cli("--db", str(fifo), "reads", "list")  # before the fix this blocked forever on the open
    assert res.returncode == 1
    assert "is a named pipe (FIFO), not an SQLite file" in one_line_error(res.stderr)
    with pytest.raises(DatabaseError, match="named pipe"):
        Store(fifo)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused():
    with pytest.raises(DatabaseError, match="is a device, not an SQLite file"):
        Store("/dev/null")


def test_a_zero_byte_file_is_a_new_database_as_the_readme_says(tmp_path):
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert "An empty (zero-byte) file is a new database" in readme
    empty = tmp_path / "empty.db"
    empty.touch()
    res = run_cli("--db", str(empty), "demo")
    assert res.returncode == 0, res.stderr
    assert empty.read_bytes()[:16] == b"SQLite format 3\x00"
    assert count_reads(empty) > 0


def test_a_text_file_is_refused_through_sqlite_and_left_as_it_was(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("show notes, not a database\n" * 300)
    before = p.read_bytes()
    res = run_cli("--db", str(p), "log", "--show", "X", "--episode", "1", "--sponsor", "Y", "--placement", "pre")
    assert res.returncode == 1
    assert "is not an SQLite database file" in one_line_error(res.stderr)
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.db"]


def test_the_header_is_never_read_with_open(tmp_path, monkeypatch):
    """Checking a file must not open it outside SQLite: closing that descriptor would drop the locks
    of every other connection of the process (tests/test_two_processes.py shows what follows)."""
    import builtins
    import io

    path = tmp_path / "x.db"
    Store(path).close()
    opened = []
    real_open = builtins.open

    def spy(file, *a, **kw):
        opened.append(str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    monkeypatch.setattr(Path, "open", lambda self, *a, **kw: spy(self, *a, **kw))
    first = Store(path)
    second = Store(path)
    second.close()
    first.close()
    assert not [f for f in opened if Path(f).name.startswith("x.db")], opened


# -- a newer schema ---------------------------------------------------------------------------------


def test_a_newer_schema_is_refused_before_switching_to_wal(tmp_path):
    path = tmp_path / "future.db"
    shutil.copy(FIXTURES / "schema_v2.db", path)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('sponsortrack', 'm999_future', 'now')")
    con.commit()
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    before = path.read_bytes()
    assert journal_bytes(path) == (1, 1)
    res = run_cli("--db", str(path), "reads", "list")
    assert res.returncode == 1
    assert "was written by a newer sponsortrack" in one_line_error(res.stderr)
    assert journal_bytes(path) == (1, 1)
    assert path.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["future.db"]


# -- interrupted backups ------------------------------------------------------------------------------


class InterruptedConnection:
    """A live connection whose backup is interrupted (Ctrl+C) after its first page is copied."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def backup(self, dest: sqlite3.Connection, **_kw) -> None:
        def interrupt(_status, _remaining, _total):
            raise KeyboardInterrupt

        self.conn.backup(dest, pages=1, progress=interrupt)


def test_an_interrupted_backup_leaves_no_partial_file(demo_store, tmp_path):
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    with pytest.raises(KeyboardInterrupt):
        dbmod.backup_to(InterruptedConnection(demo_store.conn), target)  # type: ignore[arg-type]
    assert list(target.parent.iterdir()) == []


def test_an_interrupted_backup_before_a_migration_leaves_the_file_and_no_partial(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    applied = _applied(path)

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(dbmod.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        Store(path)
    monkeypatch.undo()
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name or "backup" in p.name]
    assert _applied(path) == applied  # not migrated
    # The next start backs up and migrates as if nothing had happened.
    with Store(path) as s:
        assert s.backups and s.scalar("SELECT count(*) FROM ad_reads") > 0
    assert len(_applied(path)) > len(applied)


def _applied(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT name FROM _sqlite_migrations ORDER BY name")]
    finally:
        con.close()


def test_a_failed_backup_removes_a_stale_partial_left_by_a_crash(demo_store, tmp_path):
    target = tmp_path / "copy.db"
    stale = tmp_path / "copy.db.partial"
    stale.write_bytes(b"half a copy from a crashed run")
    demo_store.backup(target)
    assert not stale.exists()
    with Store(target) as copy:
        assert copy.scalar("SELECT count(*) FROM ad_reads") == demo_store.scalar("SELECT count(*) FROM ad_reads")


# -- SQLite errors after opening: one line, exit 1, nothing written ------------------------------------------


@pytest.fixture
def demo_file(tmp_path) -> Path:
    path = tmp_path / "demo.db"
    res = run_cli("--db", str(path), "demo")
    assert res.returncode == 0, res.stderr
    return path


def _full_after_open(monkeypatch) -> None:
    """Every store opened from now on may not grow its file: SQLite answers "database or disk is full"."""
    real_init = Store.__init__

    def init(self, *a, **kw):
        real_init(self, *a, **kw)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Store, "__init__", init)


def test_a_full_disk_is_one_line_and_nothing_is_written(demo_file, monkeypatch, tmp_path):
    before = count_reads(demo_file)
    _full_after_open(monkeypatch)
    runner = CliRunner()
    notes = "x" * 9_000  # more than the free pages of the file can take
    res = runner.invoke(main, ["--db", str(demo_file), "log", "--show", "Practical AI", "--episode", "62",
                               "--sponsor", "Fastly", "--placement", "pre", "--notes", notes])
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "error: database " in res.output and "the disk is full" in res.output
    assert "Traceback" not in res.output
    csv = tmp_path / "reads.csv"
    rows = ["show,episode,sponsor,placement,notes"]
    rows += [f"Practical AI,62,Fastly,post,{'y' * 2000} {i}" for i in range(40)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = runner.invoke(main, ["--db", str(demo_file), "import", "csv", str(csv), "--kind", "reads"])
    assert res.exit_code == 1, res.output
    assert "the disk is full" in res.output
    monkeypatch.undo()
    assert count_reads(demo_file) == before


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="mounts a small tmpfs")
def test_a_really_full_disk_is_one_line_and_nothing_is_written(demo_file, tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = mnt / "demo.db"
        shutil.copy(demo_file, path)
        before = count_reads(path)
        filler = mnt / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # fill what is left
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        res = run_cli("--db", str(path), "log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Fastly",
                      "--placement", "pre", "--notes", "z" * 50_000)
        line = one_line_error(res.stderr)
        assert res.returncode == 1
        assert "disk is full" in line or "disk reported an error" in line, line
        filler.unlink()
        assert count_reads(path) == before
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def _damage(path: Path, find: bytes, replace: bytes, *, every: bool = False) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    data = path.read_bytes()
    at = data.index(find)
    while at >= 0:
        data = data[:at] + replace + data[at + len(replace):]
        at = data.find(find, at + 1) if every else -1
    path.write_bytes(data)


def test_undecodable_text_on_a_damaged_page_is_one_line(demo_file):
    # The show notes of an episode: the record stays well-formed, its text is no longer UTF-8.
    _damage(demo_file, b"Sponsors", b"Spon\xff\xfe")
    res = run_cli("--db", str(demo_file), "episodes", "list", "--format", "json")
    assert res.returncode == 1
    assert "is corrupt" in one_line_error(res.stderr)


def test_a_damaged_column_name_in_the_schema_is_one_line(demo_file):
    # Python decodes column names itself: this one raised a bare UnicodeDecodeError traceback.
    # every copy: sponsors and agencies both have the column, in an order the schema's history decides
    _damage(demo_file, b"contact_name TEXT", b"contact_n\xffme", every=True)
    for fmt in ("table", "json"):
        res = run_cli("--db", str(demo_file), "sponsors", "list", "--format", fmt)
        assert res.returncode == 1
        assert "is corrupt (it holds text that is not valid UTF-8)" in one_line_error(res.stderr)


def test_a_malformed_table_page_is_one_line(demo_file):
    con = sqlite3.connect(demo_file)
    con.execute("PRAGMA journal_mode = DELETE")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ad_reads'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(demo_file.read_bytes())
    data[(root - 1) * page:root * page] = b"\x0d" + b"\xff" * (page - 1)
    demo_file.write_bytes(bytes(data))
    for args in (["reads", "list"], ["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Fastly",
                                     "--placement", "pre"]):
        res = run_cli("--db", str(demo_file), *args)
        assert res.returncode == 1, res.stderr
        assert "is corrupt" in one_line_error(res.stderr), args
