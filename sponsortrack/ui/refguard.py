"""Keep ``None``, ``True`` and ``False`` alive under a PySide6 that drops references to them.

PySide6 6.12 on Python 3.11 returns ``None`` from every call whose C++ result is void, an invalid
``QVariant`` or a null pointer (``painter.save()``, ``label.setText()``, ``index.data(role)`` with no value,
``combo.currentData()`` on an item without data, ...) without taking a reference to it, and ``Signal.emit()``
does the same with ``True``. Each such call leaves ``sys.getrefcount(None)`` one lower; once it reaches 0
CPython aborts the whole process ("Fatal Python error: none_dealloc"). Python 3.12 made these objects
immortal, so there the bug is harmless; Python 3.11 is our floor.

Qt calling *our* Python code (``data()``, ``paint()``, ``paintEvent()``) is not affected, whatever it returns:
only our calls *into* Qt are. So code that runs for every paint must either make no such calls (read the
model's Python objects instead of ``index.data(role)``) or run under :func:`keeps_refs`, which gives back
what the call it wraps dropped. :class:`RefFloor` is the safety net for everything else (one slot, one
dialog at a time): it tops the counts up to where they were when the window opened.

Giving back a reference that was not dropped is harmless (these objects are never freed; a count only
has to stay above zero), so every count here errs on the side of giving back more.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

F = TypeVar("F", bound=Callable[..., Any])

_getrefcount = sys.getrefcount
_incref: Callable[[object], None] | None = None  # ctypes' Py_IncRef, loaded on first use (start-up time)


def counts() -> tuple[int, int, int]:
    """The reference counts of None, True and False, now."""
    return _getrefcount(None), _getrefcount(True), _getrefcount(False)


def give_back(obj: object, n: int) -> None:
    """Take ``n`` references to ``obj`` (None, True or False), for ``n`` the binding dropped."""
    global _incref
    if _incref is None:
        import ctypes

        fn = ctypes.pythonapi.Py_IncRef
        fn.argtypes = [ctypes.py_object]
        fn.restype = None
        _incref = fn
    for _ in range(n):
        _incref(obj)


def restore(before: tuple[int, int, int]) -> int:
    """Bring each count back up to ``before`` (never down); returns how many references were given back."""
    n, t, f = before
    given = 0
    lost = n - _getrefcount(None)  # (no local may hold the objects while counting: it would count too)
    if lost > 0:
        give_back(None, lost)
        given += lost
    lost = t - _getrefcount(True)
    if lost > 0:
        give_back(True, lost)
        given += lost
    lost = f - _getrefcount(False)
    if lost > 0:
        give_back(False, lost)
        given += lost
    return given


def _binding_drops_refs() -> bool:
    """Whether this Python/PySide6 pair drops references on void calls or emits (measured, not guessed)."""
    if sys.version_info >= (3, 12):  # immortal None/True/False (PEP 683): counts never matter
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    nones, trues = _getrefcount(None), _getrefcount(True)
    for _ in range(4):  # (the 4 references this may drop are not given back: ctypes costs start-up time)
        probe.setObjectName("probe")
        probe.objectNameChanged.emit("probe")
    return _getrefcount(None) < nones or _getrefcount(True) < trues


#: True when the guards below do something; they are the identity otherwise (no cost on a fixed binding)
ACTIVE = _binding_drops_refs()


def keeps_refs(fn: F) -> F:
    """Wrap ``fn`` (a paint method, a slot) so that, once its result is dropped, the counts of None, True
    and False are no lower than before the call: whatever the Qt calls inside it dropped is given back."""
    if not ACTIVE:
        return fn

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        n0, t0, f0 = _getrefcount(None), _getrefcount(True), _getrefcount(False)
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            restore((n0, t0, f0))
            raise
        # ``result`` holds one reference, which the caller drops: count it as given back already
        lost = n0 - _getrefcount(None) + (result is None)
        if lost > 0:
            give_back(None, lost)
        lost = t0 - _getrefcount(True) + (result is True)
        if lost > 0:
            give_back(True, lost)
        lost = f0 - _getrefcount(False) + (result is False)
        if lost > 0:
            give_back(False, lost)
        return result

    return guarded  # type: ignore[return-value]


#: every RefFloor started in this process (the window starts one)
started: list[RefFloor] = []


class RefFloor:
    """Every ``interval_ms``, bring the counts back up to what they were at :meth:`start`.

    The safety net for the calls outside a :func:`keeps_refs` guard (dialogs, menus, page refreshes): they
    drop a few references per user action, where painting used to drop thousands a second."""

    def __init__(self, interval_ms: int = 1000):
        self.interval_ms = interval_ms
        self.floor: tuple[int, int, int] | None = None
        self.given = 0
        self._timer: QTimer | None = None

    def start(self) -> None:
        if not ACTIVE:
            return
        from PySide6.QtCore import QTimer

        self.floor = counts()
        started.append(self)
        timer = QTimer()
        timer.setInterval(self.interval_ms)
        timer.timeout.connect(self.check)
        timer.start()
        self._timer = timer

    @keeps_refs
    def check(self) -> None:
        if self.floor is not None:
            self.given += restore(self.floor)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
