"""Errors every face of the app turns into one clear line, and the one wording of SQLite's errors
(the store raises it, the window and the CLI show it: this module is neutral, both may import it)."""

from __future__ import annotations

import os
import sqlite3


class SponsortrackError(Exception):
    """Base class: the message is meant for the producer, one line."""


class ValidationError(SponsortrackError, ValueError):
    """Bad input for one field. ``str()`` gives ``field: problem``."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class NotFoundError(SponsortrackError, LookupError):
    """An entity named by the user does not exist."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class ConflictError(SponsortrackError):
    """The change is refused because of the state of the data (duplicate, locked, in use)."""


class DatabaseError(SponsortrackError):
    """The database file cannot be used (not SQLite, corrupt, read-only, locked)."""


def _error_name(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_busy(exc: BaseException) -> bool:
    """``database is locked`` / ``busy``: another connection holds the lock we need."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    name = _error_name(exc)
    if name:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    msg = str(exc)
    return "database is locked" in msg or "database table is locked" in msg or "busy" in msg


def raised_by_the_database(exc: BaseException) -> bool:
    """Whether an exception (a ``UnicodeDecodeError`` say) came out of reading the database — its last
    frame is in the store or sqlite-utils — rather than out of reading some other file."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and (f"{os.sep}store{os.sep}" in last or f"{os.sep}sqlite_utils{os.sep}" in last)


def explain(path: str | os.PathLike[str], exc: BaseException, *, waited_s: float | None = None) -> str:
    """One line for the producer about an SQLite error on the database at ``path``."""
    msg = str(exc)
    name = _error_name(exc)
    low = msg.lower()
    where = f"database {path}"
    if is_busy(exc):
        waited = f" for {waited_s:g} s" if waited_s else ""
        return (f"{where}: is locked: another program (a sponsortrack window or command, a sync tool) kept "
                f"writing to it{waited}; nothing was written, try again")
    if name.startswith("SQLITE_FULL") or "database or disk is full" in low:
        return f"{where}: the disk is full (database or disk is full); nothing was written, free some space"
    if name.startswith("SQLITE_NOTADB") or "file is not a database" in low or "file is encrypted" in low:
        return f"{where}: is not an SQLite database file (or its header is corrupt); nothing was written"
    if "could not decode to utf-8" in low or isinstance(exc, UnicodeDecodeError):
        return f"{where}: is corrupt (it holds text that is not valid UTF-8); nothing was written; restore a backup"
    if name.startswith("SQLITE_CORRUPT") or "malformed" in low:
        return f"{where}: is corrupt (database disk image is malformed); nothing was written; restore a backup"
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        return f"{where}: is read-only; nothing was written"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in low:
        return f"{where}: the disk reported an error ({msg}); nothing was written"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in low:
        return f"{where}: cannot be opened ({msg})"
    return f"{where}: {msg}"
