"""Opening the database: checks, pragmas, backup, migrations, transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from sponsortrack.errors import DatabaseError
from sponsortrack.store.migrations import migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


def utc_now() -> str:
    """UTC timestamp in the form SQLite's defaults use: ``2026-11-26T08:00:00.123Z``."""
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"database {path}: is a directory, not an SQLite file")
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except PermissionError:
            raise DatabaseError(f"database {path}: cannot be read (permission denied)") from None
        if head and head != SQLITE_HEADER:
            raise DatabaseError(f"database {path}: is not an SQLite database file")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"database {path}: is read-only; choose a writable file or copy it")
        if not os.access(path.parent, os.W_OK):
            raise DatabaseError(f"database {path}: its folder is read-only (SQLite needs to write beside it)")
    else:
        parent = path.parent
        if not parent.exists():
            raise DatabaseError(f"database {path}: folder {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise DatabaseError(f"database {path}: cannot create it, folder {parent} is read-only")


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to ``target`` with SQLite's online backup API."""
    target = Path(target)
    if target.exists() and target.is_dir():
        raise DatabaseError(f"backup {target}: is a directory")
    tmp = target.with_name(target.name + ".partial")
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise DatabaseError(f"backup {target}: {exc}") from None
    return target


class Store:
    """One open database. Owned by the thread that opened it."""

    def __init__(self, path: str | os.PathLike[str], *, migrate: bool = True):
        self.path = Path(path).expanduser()
        self.backups: list[Path] = []
        if str(path) == ":memory:":
            conn = sqlite3.connect(":memory:")
        else:
            _check_file(self.path)
            try:
                conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000)
            except sqlite3.Error as exc:
                raise DatabaseError(f"database {self.path}: cannot be opened ({exc})") from None
        self.conn = conn
        try:
            self.db = Database(conn, execute_plugins=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if str(path) != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise DatabaseError(f"database {self.path}: cannot switch to WAL mode ({mode})")
            conn.execute("PRAGMA synchronous = FULL")
            if migrate:
                self.migrate()
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            msg = str(exc)
            if "not a database" in msg or "malformed" in msg or "file is encrypted" in msg:
                raise DatabaseError(f"database {self.path}: is corrupt or not an SQLite database") from None
            if "readonly" in msg or "read-only" in msg:
                raise DatabaseError(f"database {self.path}: is read-only") from None
            raise DatabaseError(f"database {self.path}: {msg}") from None
        except BaseException:
            conn.close()
            raise

    # -- schema ---------------------------------------------------------------------------
    def pending_migrations(self) -> list[str]:
        return [m.name for m in migrations.pending(self.db)]

    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def migrate(self) -> Path | None:
        """Apply pending migrations, backing the file up first when it already holds data."""
        pending = migrations.pending(self.db)
        if not pending:
            return None
        backup = None
        has_data = bool(self.db.table_names())
        if has_data and str(self.path) != ":memory:":
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = self.path.with_name(f"{self.path.stem}.backup-{stamp}-before-{pending[0].name}.db")
            backup_to(self.conn, backup)
            self.backups.append(backup)
        # Foreign keys stay off while migrating (transform() needs that); they go on afterwards.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        migrations.apply(self.db)
        return backup

    # -- transactions ---------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction. ``BEGIN IMMEDIATE`` takes the write lock up front, so two
        processes writing at once queue on the busy timeout instead of deadlocking."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: object = None) -> list[dict]:
        return list(self.db.query(sql, params))  # type: ignore[arg-type]

    def query_one(self, sql: str, params: object = None) -> dict | None:
        rows = self.db.query(sql, params)  # type: ignore[arg-type]
        return next(iter(rows), None)

    def scalar(self, sql: str, params: object = None) -> object:
        row = self.conn.execute(sql, params or ()).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None

    def backup(self, target: str | os.PathLike[str]) -> Path:
        return backup_to(self.conn, Path(target))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
