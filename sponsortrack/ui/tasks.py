"""Long work off the GUI thread: a QRunnable with a QObject carrying its signals (Picard, Anki).

A task receives a :class:`TaskControl` and the database *path*: it opens its own ``Store`` (a SQLite
connection stays on the thread that opened it), reports progress with ``control.progress(done, total,
text)`` and checks ``control.cancelled`` between steps. Results and errors come back to the GUI
thread through queued signals.

    def work(control, db_path):
        with Store(db_path) as store:
            for i, url in enumerate(urls):
                if control.cancelled:
                    return None
                ...
                control.progress(i + 1, len(urls), url)
        return result

    ctx.tasks.start("Checking links", work, on_done=self.show_result)
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from sponsortrack.ui.refguard import keeps_refs


class TaskSignals(QObject):
    progress = Signal(int, int, str)   # done, total (0 = unknown), text
    finished = Signal(object)          # the result (None when cancelled)
    failed = Signal(str)               # one line for the producer
    ended = Signal()                   # always last


class TaskControl:
    """What the work function gets: progress reporting and the cancel flag (thread-safe)."""

    def __init__(self, signals: TaskSignals):
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    @keeps_refs  # Signal.emit drops a reference to True under PySide6 6.12 on Python 3.11 (ui.refguard)
    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        self._signals.progress.emit(int(done), int(total), text)


class Task(QRunnable):
    def __init__(self, title: str, fn: Callable[..., Any], db_path: Path | None, args: tuple, kwargs: dict):
        super().__init__()
        self.title = title
        self.fn, self.db_path, self.args, self.kwargs = fn, db_path, args, kwargs
        self.signals = TaskSignals()
        self.control = TaskControl(self.signals)
        self.setAutoDelete(False)

    @keeps_refs
    def run(self) -> None:
        try:
            result = self.fn(self.control, self.db_path, *self.args, **self.kwargs)
        except Exception as exc:
            import sqlite3

            from sponsortrack.errors import SponsortrackError

            if isinstance(exc, SponsortrackError):
                msg = str(exc)
            elif isinstance(exc, sqlite3.Error) and self.db_path is not None:
                from sponsortrack.errors import explain

                msg = explain(self.db_path, exc)
            else:
                msg = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            self.signals.failed.emit(msg)
        else:
            self.signals.finished.emit(None if self.control.cancelled else result)
        finally:
            self.signals.ended.emit()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and tells the window (progress bar + Cancel) what runs."""

    started = Signal(object)   # the Task
    stopped = Signal(object)

    def __init__(self, ctx: Any = None, parent: QObject | None = None, max_threads: int = 4):
        super().__init__(parent if parent is not None else ctx)
        self._ctx = ctx
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.running: list[Task] = []

    @keeps_refs
    def start(self, title: str, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[str], None] | None = None,
              on_progress: Callable[[int, int, str], None] | None = None, **kwargs: Any) -> Task:
        db_path = getattr(self._ctx, "db_path", None)
        task = Task(title, fn, db_path, args, kwargs)
        if on_done:
            task.signals.finished.connect(on_done)
        if on_error:
            task.signals.failed.connect(on_error)
        elif self._ctx is not None and hasattr(self._ctx, "error"):
            task.signals.failed.connect(lambda msg, t=title: self._ctx.error.emit(t, msg))
        if on_progress:
            task.signals.progress.connect(on_progress)
        task.signals.ended.connect(lambda t=task: self._ended(t))
        self.running.append(task)
        self.started.emit(task)
        self.pool.start(task)
        return task

    @Slot()
    def cancel_all(self) -> None:
        for t in list(self.running):
            t.control.cancel()

    @keeps_refs
    def _ended(self, task: Task) -> None:
        if task in self.running:
            self.running.remove(task)
        self.stopped.emit(task)

    def wait(self, ms: int = 30_000) -> bool:
        return self.pool.waitForDone(ms)
