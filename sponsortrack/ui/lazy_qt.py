"""``Qt`` (the ``PySide6.QtCore.Qt`` namespace), built the first time one of its names is used.

PySide6 builds every enum of a class the first time the class is touched; for the ``Qt`` namespace that is
93 enums with 1,195 members, ~10 ms — a bare window never pays it, and it was the largest single cost of
the window's start-up. ``from PySide6.QtCore import Qt`` at the top of a module touches it at import; this
stand-in touches it only when a module *uses* ``Qt.Something``, so modules on the way to the first frame
(the main window, the dashboard, the charts, the icons) import it from here::

    from sponsortrack.ui.lazy_qt import Qt

Type checkers see the real namespace. ``tests/test_startup.py`` checks that the first frame is painted
without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any


class _LazyQt:
    def __getattr__(self, name: str) -> Any:
        from PySide6.QtCore import Qt as real

        value = getattr(real, name)
        setattr(self, name, value)  # the next use is a plain attribute
        return value

    def __repr__(self) -> str:
        return "<PySide6.QtCore.Qt, built on first use>"


if TYPE_CHECKING:
    from PySide6.QtCore import Qt
else:
    Qt = _LazyQt()

__all__ = ["Qt"]
