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

import sys
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
    from PySide6.QtWidgets import QWidget
else:
    Qt = _LazyQt()


def set_enum_property(widget: QWidget, name: str, value: int) -> None:
    """Set a ``Qt``-enum property by its Qt property name and the enum's value: what the window sets
    before its first frame must not build the ``Qt`` namespace's enums (10 ms, see above), and the property
    system converts the number in C++. Refuses a name that is not a property of the widget."""
    if widget.metaObject().indexOfProperty(name) < 0 or not widget.setProperty(name, value):
        raise AttributeError(f"{type(widget).__name__} has no property {name!r}")


def import_pyside() -> None:
    """Import PySide6, and make its import hook cheaper for the modules imported after it.

    Once PySide6 is loaded it replaces ``__import__``: the first time any module is named by an import
    statement after that, it reads the module's whole source (``inspect.getsource``) to see whether the
    text says "PySide6" — the per-module switch for ``from __feature__ import snake_case``. At start-up that
    was ~2.5 ms (napari#8584 measured the same tax). Two things make it cheaper, neither changing a result:

    * a module already loaded before PySide6 cannot be using it: it is entered as "does not use PySide"
      (-1, what the hook computes for it) before the window's modules are imported;
    * for the rest (this package's modules), the same test — does the source file's text contain
      "PySide6"? — reads the file's bytes instead of going through ``inspect`` and ``linecache`` (a
      quarter of the time); anything that is not a plain ``.py`` file goes to PySide6's own check.

    ``tests/test_ui_theme_roles.py`` checks both against the hook's own test, for every module the window
    loads. A PySide6 without these internals (a later release) is simply imported."""
    before = [name for name in sys.modules if not name.startswith("sponsortrack")]
    import PySide6.QtCore  # noqa: F401

    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if isinstance(table, dict):
        for name in before:
            table.setdefault(name, -1)
    check = getattr(feature, "_mod_uses_pyside", None)
    if callable(check) and not getattr(check, "reads_bytes", False):
        feature._mod_uses_pyside = _source_says_pyside(check)  # type: ignore[union-attr]


def _source_says_pyside(slow: Any) -> Any:
    """PySide6's "does this module's source say PySide6?", reading the bytes of a ``.py`` file."""

    def check(module: Any) -> bool:
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if not (isinstance(origin, str) and origin.endswith(".py")):
            return bool(slow(module))
        try:
            with open(origin, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(slow(module))

    check.reads_bytes = True  # type: ignore[attr-defined]
    check.slow = slow  # type: ignore[attr-defined]
    return check


__all__ = ["Qt", "import_pyside", "set_enum_property"]
