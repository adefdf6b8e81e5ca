"""Opening the database: checks, pragmas, backup, migrations, transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sponsortrack.errors import DatabaseError
from sponsortrack.store.version import MIGRATION_NAMES, MIGRATION_SET

if TYPE_CHECKING:
    from sqlite_utils import Database

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


_savepoints = iter(range(1, 1 << 62))


def _next_savepoint() -> int:
    return next(_savepoints)


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
        self._db: Database | None = None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if str(path) != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise DatabaseError(f"database {self.path}: cannot switch to WAL mode ({mode})")
            conn.execute("PRAGMA synchronous = FULL")
            if migrate and not self._up_to_date():
                try:
                    self.migrate()
                except (DatabaseError, sqlite3.DatabaseError):
                    raise
                except Exception as exc:
                    where = f"; a backup is at {self.backups[-1]}" if self.backups else ""
                    raise DatabaseError(f"database {self.path}: upgrading the schema failed ({exc}); "
                                        f"the file is unchanged{where}") from exc
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

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection, made on first use (its import is not free)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # -- schema ---------------------------------------------------------------------------
    def _up_to_date(self) -> bool:
        """Cheap check, without sqlite-utils, that every known migration is applied."""
        try:
            rows = self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return False
            raise
        applied = {r[0] for r in rows}
        unknown = applied - set(MIGRATION_NAMES)
        if unknown:
            raise DatabaseError(f"database {self.path}: was written by a newer sponsortrack "
                                f"(schema {sorted(unknown)[-1]}); upgrade the app")
        return applied >= set(MIGRATION_NAMES)

    def pending_migrations(self) -> list[str]:
        from sponsortrack.store.migrations import migrations

        return [m.name for m in migrations.pending(self.db)]

    def schema_version(self) -> int:
        from sponsortrack.store.migrations import migrations

        return len(migrations.applied(self.db))

    def migrate(self) -> Path | None:
        """Apply pending migrations, backing the file up first when it already holds data."""
        from sponsortrack.store.migrations import migrations

        pending = migrations.pending(self.db)
        if not pending:
            return None
        backup = None
        has_data = bool(self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
        if has_data and str(self.path) != ":memory:":
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = self.path.with_name(f"{self.path.stem}.backup-{stamp}-before-{pending[0].name}.db")
            backup_to(self.conn, backup)
            self.backups.append(backup)
        # Foreign keys stay off while migrating (transform() needs that); they go on afterwards.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        # All pending migrations in one transaction (each becomes a savepoint): a file is either
        # upgraded completely or left exactly as it was.
        with self.write():
            migrations.apply(self.db)
        return backup

    # -- transactions ---------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction. ``BEGIN IMMEDIATE`` takes the write lock up front, so two
        processes writing at once queue on the busy timeout instead of deadlocking."""
        if self.conn.in_transaction:
            name = f"sp_{id(self)}_{_next_savepoint()}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
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
        cur = self.conn.execute(sql, params or ())  # type: ignore[arg-type]
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]

    def query_one(self, sql: str, params: object = None) -> dict | None:
        cur = self.conn.execute(sql, params or ())  # type: ignore[arg-type]
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

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
