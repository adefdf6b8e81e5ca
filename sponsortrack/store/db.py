"""Opening the database: checks, pragmas, backup, migrations, transactions."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sponsortrack.errors import DatabaseError, explain, is_busy
from sponsortrack.outputs import check_output, remember_database
from sponsortrack.store.version import MIGRATION_NAMES, MIGRATION_SET
from sponsortrack.wording import natural_key

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 15_000
NOTICE_AFTER_MS = 1_000  # with ``on_wait``: how long a write waits quietly before saying it waits


def utc_now() -> str:
    """UTC timestamp in the form SQLite's defaults use: ``2026-11-26T08:00:00.123Z``."""
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _check_path(path: Path) -> None:
    """What can be said about the file without opening it (``stat`` and ``access`` only).

    Nothing but SQLite ever opens the database file: on POSIX, closing *any* descriptor of a file drops
    every advisory lock the process holds on it, so a stray ``open()``/``close()`` while another
    connection of this process (the window's, or a worker's) is open would let another process delete
    the ``-wal`` and ``-shm`` files still in use. The header is checked through SQLite (:meth:`Store._check_header`).
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        parent = path.parent
        if not parent.exists():
            raise DatabaseError(f"database {path}: folder {parent} does not exist") from None
        if not os.access(parent, os.W_OK):
            raise DatabaseError(f"database {path}: cannot create it, folder {parent} is read-only") from None
        return
    except PermissionError:
        raise DatabaseError(f"database {path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise DatabaseError(f"database {path}: cannot be used ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise DatabaseError(f"database {path}: is a directory, not an SQLite file")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO would block the open (or the first read) forever; a device is no place for a database.
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "a device" if
                stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
        raise DatabaseError(f"database {path}: is {kind}, not an SQLite file")
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"database {path}: cannot be read (permission denied)")
    if not os.access(path, os.W_OK):
        raise DatabaseError(f"database {path}: is read-only; choose a writable file or copy it")
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"database {path}: its folder is read-only (SQLite needs to write beside it)")


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to ``target`` with SQLite's online backup API.

    The copy is written to ``<target>.partial`` and renamed into place when complete; an error or an
    interruption (Ctrl+C included) removes the partial file and its journal."""
    target = check_output(target)  # never the live database, its -wal/-shm/-journal, or a folder
    tmp = target.with_name(target.name + ".partial")
    leftovers = [tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))]
    for p in leftovers:  # removed below: never the live database's files either (a database named "x.partial")
        check_output(p)

    def clean() -> None:
        for p in leftovers:
            with contextlib.suppress(OSError):
                p.unlink()

    clean()  # a partial copy left by a crash of another process
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        clean()
        raise DatabaseError(f"backup {target}: {exc}") from None
    except BaseException:
        clean()
        raise
    return target


_savepoints = iter(range(1, 1 << 62))


def _next_savepoint() -> int:
    return next(_savepoints)




# bound parameters of one statement: positional (a list or tuple) or named (a dict)
Params: TypeAlias = Sequence[Any] | Mapping[str, Any] | None


class Store:
    """One open database. Owned by the thread that opened it.

    ``busy_timeout_ms`` is how long a write waits for another process's write lock before
    ``database is locked``. With ``on_wait`` given, a write first waits :data:`NOTICE_AFTER_MS`
    quietly, then calls ``on_wait()`` (the CLI prints "waiting for the database…") and waits the rest."""

    def __init__(self, path: str | os.PathLike[str], *, migrate: bool = True,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS, on_wait: Callable[[], None] | None = None):
        self.path = Path(path).expanduser()
        self.backups: list[Path] = []
        self.busy_timeout_ms = int(busy_timeout_ms)
        self.on_wait = on_wait
        if str(path) == ":memory:":
            conn = sqlite3.connect(":memory:")
        else:
            _check_path(self.path)
            try:
                conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout_ms / 1000)
            except sqlite3.Error as exc:
                raise DatabaseError(explain(self.path, exc)) from None
            remember_database(self.path)  # no output (PDF, CSV, backup) may overwrite it from now on
        self.conn = conn
        conn.create_function("natural_key", 1, natural_key, deterministic=True)  # lists sort titles 2, 10, 100
        self._db: Database | None = None
        try:
            conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
            # Read through SQLite first, changing nothing: the header (not SQLite, corrupt) and the
            # applied migrations (a newer schema is refused before WAL mode is switched on).
            conn.execute("PRAGMA schema_version").fetchone()
            applied = self._applied_migrations()
            if str(path) != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    raise DatabaseError(f"database {self.path}: cannot switch to WAL mode ({mode})")
            conn.execute("PRAGMA synchronous = FULL")
            if migrate and not applied >= set(MIGRATION_NAMES):
                try:
                    self.migrate()
                except (DatabaseError, sqlite3.DatabaseError):
                    raise
                except Exception as exc:
                    where = f"; a backup is at {self.backups[-1]}" if self.backups else ""
                    raise DatabaseError(f"database {self.path}: upgrading the schema failed ({exc}); "
                                        f"the file is unchanged{where}") from exc
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise DatabaseError(explain(self.path, exc)) from None
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
    def _applied_migrations(self) -> set[str]:
        """The migrations applied to the file, read without sqlite-utils; a newer schema is refused."""
        try:
            rows = self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return set()
            raise
        applied = {r[0] for r in rows}
        unknown = applied - set(MIGRATION_NAMES)
        if unknown:
            raise DatabaseError(f"database {self.path}: was written by a newer sponsortrack "
                                f"(schema {sorted(unknown)[-1]}); upgrade the app")
        return applied

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
        self._begin_immediate()
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

    def set_busy_timeout(self, ms: int) -> None:
        """How long a write waits for another process's lock before ``database is locked``. The window
        uses a short one and retries itself, so a lock never freezes it for 15 s."""
        self.busy_timeout_ms = int(ms)
        self.conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")

    def _begin_immediate(self) -> None:
        """``BEGIN IMMEDIATE``, waiting up to the busy timeout for another writer to finish."""
        if self.on_wait is None or self.busy_timeout_ms <= NOTICE_AFTER_MS:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        self.conn.execute(f"PRAGMA busy_timeout = {NOTICE_AFTER_MS}")
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            self.on_wait()
            self.conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms - NOTICE_AFTER_MS}")
            self.conn.execute("BEGIN IMMEDIATE")
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")

    def query(self, sql: str, params: Params = None) -> list[dict]:
        cur = self.conn.execute(sql, params or ())
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]

    def query_one(self, sql: str, params: Params = None) -> dict | None:
        cur = self.conn.execute(sql, params or ())
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def scalar(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row, or None: an SQLite value (int, float, str, bytes or None),
        ``Any`` so that callers convert it as the query they wrote says (``int(...)``, ``str(...)``)."""
        row = self.conn.execute(sql, params or ()).fetchone()
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
