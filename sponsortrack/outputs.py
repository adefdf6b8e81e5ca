"""Where the app writes the files a producer asks for (PDFs, CSVs, backups, screenshots).

Every output path goes through :func:`check_output` (``write_atomic`` and the backup call it), which
refuses a folder, a missing folder, a read-only file — and the live database: any database file this
process has opened (``Store`` records it with :func:`remember_database`) and its ``-wal``, ``-shm`` and
``-journal`` files, whatever spelling reaches them (relative paths, ``~``, symlinks, hard links, a
case-insensitive file system). Overwriting one of those would replace the producer's whole history
with a CSV or a PDF.

No Qt, no SQL: the CLI, the window and the services share this module.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sponsortrack.errors import ValidationError

SIDECARS = ("", "-wal", "-shm", "-journal")
_WHAT = {"": "the open database", "-wal": "the open database's write-ahead log (-wal)",
         "-shm": "the open database's shared-memory file (-shm)",
         "-journal": "the open database's rollback journal (-journal)"}

_lock = threading.Lock()
_databases: set[str] = set()  # normalised paths of the database files opened by this process


def _normal(path: str | os.PathLike[str]) -> str:
    """Absolute, ``~`` expanded, symlinks resolved (also for a file that does not exist yet)."""
    return os.path.normcase(os.path.realpath(os.path.abspath(os.path.expanduser(os.fspath(path)))))


def remember_database(path: str | os.PathLike[str]) -> None:
    """Record a database file opened by this process: outputs may never overwrite it (or its journals)."""
    if os.fspath(path) in ("", ":memory:"):
        return
    with _lock:
        _databases.add(_normal(path))


def _databases_snapshot() -> list[str]:
    with _lock:
        return list(_databases)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _case_insensitive_dir(db: str) -> bool:
    """Whether the database's folder ignores case (macOS, Windows): its name in swapped case is it."""
    head, name = os.path.split(db)
    swapped = name.swapcase()
    return swapped != name and _same_file(db, os.path.join(head, swapped))


def _clash(target: str, db: str) -> str | None:
    """Which file of the database ``db`` the output ``target`` would overwrite (a key of ``_WHAT``)."""
    t_dir, t_name = os.path.split(target)
    d_dir, d_name = os.path.split(db)
    same_dir = t_dir == d_dir or _same_file(t_dir, d_dir)
    fold = same_dir and _case_insensitive_dir(db)
    for suffix in SIDECARS:
        side = db + suffix
        if target == side or (os.path.exists(target) and _same_file(target, side)):
            return suffix
        name = d_name + suffix
        if same_dir and (t_name == name or (fold and t_name.casefold() == name.casefold())):
            return suffix
    return None


def open_database_file(path: str | os.PathLike[str]) -> str | None:
    """What of an open database ``path`` is ("the open database", its -wal, ...), or None. Inputs check
    it too: opening and closing the live database file outside SQLite drops this process's locks."""
    normal = _normal(path)
    for db in sorted(_databases_snapshot()):
        suffix = _clash(normal, db)
        if suffix is not None:
            return _WHAT[suffix]
    return None


def check_output(path: str | os.PathLike[str], *, protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """The file to write, or a one-line ``output: ...`` ValidationError. ``protect`` adds database
    paths to those this process has opened."""
    raw = os.fspath(path)
    if not raw.strip():
        raise ValidationError("output", "no file name given")
    target = Path(raw).expanduser()
    if target.is_dir():
        raise ValidationError("output", f"{target} is a folder; give a file name")
    normal = _normal(target)
    databases = {_normal(p) for p in protect} | set(_databases_snapshot())
    for db in sorted(databases):
        suffix = _clash(normal, db)
        if suffix is not None:
            raise ValidationError("output", f"{target} is {_WHAT[suffix]}; choose another file")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise ValidationError("output", f"folder {parent} does not exist")
    if not parent.is_dir():
        raise ValidationError("output", f"{parent} is not a folder")
    if target.exists() and not target.is_file():
        raise ValidationError("output", f"{target} is not a regular file")
    if target.exists() and not os.access(target, os.W_OK):
        raise ValidationError("output", f"{target} is read-only")
    return target


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, protect: tuple[str | os.PathLike[str], ...] = ()
                  ) -> Iterator[tuple[BinaryIO, Path]]:
    """``(binary file, target)`` to stream a document into: when the block ends the temporary file (in
    the same folder) is synced and renamed over ``path``; when it fails — a write error, a database
    error while rows stream in, Ctrl+C — the temporary file goes and ``path`` is untouched."""
    target = check_output(path, protect=protect)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=parent)
    except OSError as exc:
        raise ValidationError("output", f"cannot write in {parent} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, target
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ValidationError("output", f"cannot write {target} ({exc.strerror or exc})") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        os.chmod(target, 0o644)


def write_atomic(data: bytes, path: str | os.PathLike[str], *,
                 protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    """Write bytes to ``path`` through a temporary file in the same folder and a rename: the file is
    either the whole new document or untouched; a path that may not be written is one clear message."""
    with atomic_output(path, protect=protect) as (fh, target):
        fh.write(data)
    return target
