"""The app context every page gets: the open store, the undo stack, the task runner, change notices.

Pages never poke each other. A page that changes data goes through :meth:`AppContext.perform` (one undo
command that calls the services) and the context emits :attr:`AppContext.changed` with the set of
entities touched (``{"reads", "episodes"}`` ...); each page refreshes only when it shows one of them —
Anki's "operation did execute".
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication

from sponsortrack.errors import DatabaseError, SponsortrackError
from sponsortrack.store import Store

if TYPE_CHECKING:
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.tasks import TaskRunner

T = TypeVar("T")

# Entities named in change notices.
READS = "reads"
EPISODES = "episodes"
SHOWS = "shows"
SPONSORS = "sponsors"
AGENCIES = "agencies"
CAMPAIGNS = "campaigns"
SETTINGS = "settings"
INVOICES = "invoices"
LINKS = "links"

LOCK_RETRIES = 6
LOCK_WAIT_MS = 150  # busy timeout per attempt; the window stays responsive between attempts


class DatabaseLocked(SponsortrackError):
    """Another program holds the write lock for longer than the retries allow."""


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def as_database_error(path: Path, exc: BaseException) -> DatabaseError:
    """Any other SQLite error (disk full, damaged file) as the one line a dialog shows. SQLite rolled
    the write transaction back, so nothing was half written."""
    from sponsortrack.errors import explain

    return DatabaseError(explain(path, exc))


class AppContext(QObject):
    """What every page gets. ``changed`` carries a ``frozenset`` of entity names."""

    changed = Signal(object)
    message = Signal(str)          # one line for the status bar
    error = Signal(str, str)       # title, text: shown by the main window in a message box
    navigate = Signal(str, object)  # page key, {argument: value} for its open_with(): show another page

    def __init__(self, store: Store, config: Config, tasks: TaskRunner | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.db_path: Path = store.path
        self.config = config
        self.undo_stack = QUndoStack(self)
        self._tasks = tasks
        self._task_watchers: list[Callable[[TaskRunner], None]] = []
        self._short_timeout = False
        self._painted = True          # a main window sets this False until it has painted its first frame
        self._after_paint: list[Callable[[], None]] = []

    # -- long tasks -------------------------------------------------------------------------
    @property
    def tasks(self) -> TaskRunner:
        """The task runner, made on first use: the first frame needs neither its module nor its thread pool
        (the dashboard's worker is the first task, after that frame)."""
        if self._tasks is None:
            from sponsortrack.ui.tasks import TaskRunner

            self._tasks = TaskRunner(self)
            for fn in self._task_watchers:
                fn(self._tasks)
        return self._tasks

    def when_tasks(self, fn: Callable[[TaskRunner], None]) -> None:
        """Call ``fn(runner)`` once the task runner exists (now, if it does): the main window watches it so."""
        if self._tasks is not None:
            fn(self._tasks)
        else:
            self._task_watchers.append(fn)

    # -- start-up ---------------------------------------------------------------------------
    def wait_for_first_paint(self) -> None:
        """Called by the main window before it is shown: :meth:`after_first_paint` work waits for the frame."""
        self._painted = False

    def first_paint_done(self) -> None:
        """The window's first frame is painted: run the deferred work from the event loop."""
        if self._painted:
            return
        self._painted = True
        pending, self._after_paint = self._after_paint, []
        for fn in pending:
            QTimer.singleShot(0, fn)

    def after_first_paint(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the window has painted its first frame (now, if it has) — for work such as a
        worker thread that would otherwise compete with the first paint for the interpreter."""
        if self._painted:
            fn()
        else:
            self._after_paint.append(fn)

    def _use_short_busy_timeout(self) -> None:
        """Writes wait LOCK_WAIT_MS per attempt (then :meth:`call` retries with the window live).

        Set before the first write (every write of the window goes through :meth:`call`)."""
        if not self._short_timeout:
            self.store.set_busy_timeout(LOCK_WAIT_MS)
            self._short_timeout = True

    # -- writes -----------------------------------------------------------------------------
    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store/service write, retrying while another process holds the lock.

        Between attempts the event loop runs, so the window repaints. After the last attempt a
        :class:`DatabaseLocked` is raised; the caller keeps the user's edit (dialogs stay open)."""
        self._use_short_busy_timeout()
        for attempt in range(LOCK_RETRIES):
            try:
                return fn(*args, **kwargs)
            except sqlite3.Error as exc:
                if not is_locked(exc):
                    raise as_database_error(self.db_path, exc) from exc
                if attempt == LOCK_RETRIES - 1:
                    break
                deadline = time.monotonic() + 0.1 * (attempt + 1)
                while time.monotonic() < deadline:
                    app = QApplication.instance()
                    if app is not None:
                        app.processEvents()
                    time.sleep(0.01)
        raise DatabaseLocked(
            f"the database {self.db_path} is locked by another program (another sponsortrack window or a "
            "sync tool?). Your changes are kept here: close the other program and try again.")

    def perform(self, command: UndoCommand, *, raise_errors: bool = False) -> bool:
        """Do a command now and put it on the undo stack. On failure returns False and reports it, or with
        ``raise_errors`` raises it (a ``ValidationError`` goes back to the dialog, to mark the field)."""
        try:
            self.call(command.first_redo)
        except SponsortrackError as exc:
            if raise_errors:
                raise
            self.report(exc, command.text())
            return False
        command.mark_done()
        self.undo_stack.push(command)
        self.notify(command.entities)
        if command.done_message:
            self.message.emit(command.done_message)
        return True

    def report(self, exc: BaseException, what: str = "") -> None:
        title = "Database locked" if isinstance(exc, DatabaseLocked) else (what or "Cannot do that")
        self.error.emit(title, str(exc))

    def notify(self, entities: set[str] | frozenset[str]) -> None:
        self.changed.emit(frozenset(entities))


class UndoCommand(QUndoCommand):
    """A domain change that can be undone. Subclasses implement ``do``, ``undo_do`` and ``redo_do``.

    ``first_redo`` runs the change through the services (validation included) before the command is
    pushed; Qt's own first ``redo()`` call on push is then skipped. Undo and redo afterwards hand the
    change the services recorded back to ``services.undo`` (``ui/operations.py``), never widgets.

    A refused undo or redo (``services.undo`` found a row changed since, or a billed read) writes
    nothing, and its one line goes to the status bar and a message box. The command is then marked
    obsolete, so ``QUndoStack`` drops it: by then Qt has already moved past it, and a step that cannot
    be undone must not come back as a "Redo" of a change that is still in the database. The steps
    below it stay undoable; each carries its own check, so undoing them can never overwrite what the
    refused step (or anyone since) left. A database that stayed locked is not a refusal: the step is
    kept, and the stack is moved back to where it was (without running it) so Ctrl+Z can be tried again."""

    entities: frozenset[str] = frozenset()

    @property
    def ctx(self) -> AppContext:
        ctx = self._ctx()
        if ctx is None:
            raise RuntimeError(f"the window of “{self.text()}” is closed")
        return ctx

    def __init__(self, ctx: AppContext, text: str):
        super().__init__(text)
        # A weak reference: the context's undo stack owns this command (in C++), so a strong one made a
        # cycle through Qt that only the garbage collector could free — and freeing it deleted the stack's
        # commands while the collector was tearing the same objects down (a crash in QUndoStack::clear).
        self._ctx = weakref.ref(ctx)
        self.done_first = False
        self._skip_redo = False
        self._skip_undo = False
        self.done_message = ""

    # to implement
    def do(self) -> None:
        raise NotImplementedError

    def undo_do(self) -> None:
        raise NotImplementedError

    def redo_do(self) -> None:
        raise NotImplementedError

    def first_redo(self) -> None:
        self.do()

    def mark_done(self) -> None:
        """The change was made by ``first_redo``: the redo() QUndoStack.push() calls is skipped."""
        self.done_first = True
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo or not self.done_first:
            self._skip_redo = False
            return
        self._safely(self.redo_do, "redo")

    def undo(self) -> None:
        if self._skip_undo:
            self._skip_undo = False
            return
        self._safely(self.undo_do, "undo")

    def _safely(self, fn: Callable[[], None], verb: str) -> None:
        try:
            self.ctx.call(fn)
        except DatabaseLocked as exc:
            QTimer.singleShot(0, lambda: self._step_back(verb))
            self.ctx.report(exc)
            return
        except (SponsortrackError, sqlite3.Error) as exc:
            self.setObsolete(True)
            what = f"Cannot {verb} “{self.text()}”"
            self.ctx.message.emit(f"{what}: {exc}")
            self.ctx.report(exc, what)
            return
        self.ctx.notify(self.entities)

    def _step_back(self, verb: str) -> None:
        """After an undo or redo that could not run (locked), put the stack's index back where it was,
        without running the command (Qt moved the index when the call returned)."""
        stack = self.ctx.undo_stack
        i = stack.index()
        if verb == "undo" and i < stack.count() and stack.command(i) is self:
            self._skip_redo = True
            stack.redo()
        elif verb == "redo" and i > 0 and stack.command(i - 1) is self:
            self._skip_undo = True
            stack.undo()
