"""Icons: the application icon (bundled PNGs) and the toolbar's line icons.

Toolbar icons come from the desktop's icon theme when it has them; otherwise they are drawn here, in the
palette's text colour (so they read in the dark palette too) and at any size. Drawing them avoids the
style's standard pixmaps, whose Python enums alone cost a few milliseconds of start-up (PySide6 builds
all of ``QStyle``'s enums on first use) and whose pictures did not fit (a list for Preferences).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, QSize
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from sponsortrack.ui.lazy_qt import Qt
from sponsortrack.ui.refguard import keeps_refs

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter, QPainterPath

_THEME = {"new": "document-new", "save": "document-save", "undo": "edit-undo", "redo": "edit-redo",
          "find": "edit-find", "settings": "preferences-system", "delete": "edit-delete"}


def _glyph(name: str) -> QPainterPath:
    """The icon's outline on a 16 x 16 grid."""
    from PySide6.QtGui import QPainterPath

    p = QPainterPath()
    if name == "new":  # a page with a folded corner and a plus
        p.moveTo(9.5, 1.5)
        p.lineTo(3.5, 1.5)
        p.lineTo(3.5, 14.5)
        p.lineTo(12.5, 14.5)
        p.lineTo(12.5, 4.5)
        p.lineTo(9.5, 1.5)
        p.lineTo(9.5, 4.5)
        p.lineTo(12.5, 4.5)
        p.moveTo(8, 7.5)
        p.lineTo(8, 12.5)
        p.moveTo(5.5, 10)
        p.lineTo(10.5, 10)
    elif name == "save":  # an arrow down into a tray
        p.moveTo(8, 1.5)
        p.lineTo(8, 10)
        p.moveTo(4.5, 6.5)
        p.lineTo(8, 10)
        p.lineTo(11.5, 6.5)
        p.moveTo(2, 10.5)
        p.lineTo(2, 14.5)
        p.lineTo(14, 14.5)
        p.lineTo(14, 10.5)
    elif name in ("undo", "redo"):  # a hooked arrow
        p.moveTo(4, 6.5)
        p.lineTo(10, 6.5)
        p.cubicTo(15.5, 6.5, 15.5, 13.5, 10, 13.5)
        p.lineTo(6, 13.5)
        p.moveTo(6.5, 3.5)
        p.lineTo(3.5, 6.5)
        p.lineTo(6.5, 9.5)
        if name == "redo":
            from PySide6.QtGui import QTransform

            p = QTransform(-1, 0, 0, 1, 16, 0).map(p)
    elif name == "find":  # a magnifier
        p.addEllipse(QPointF(6.5, 6.5), 4.5, 4.5)
        p.moveTo(9.8, 9.8)
        p.lineTo(14.5, 14.5)
    elif name == "settings":  # three sliders
        for y, x in ((3.5, 10), (8, 5), (12.5, 9)):
            p.moveTo(1.5, y)
            p.lineTo(14.5, y)
            p.addEllipse(QPointF(x, y), 1.8, 1.8)
    elif name == "delete":  # a bin
        p.moveTo(2, 3.5)
        p.lineTo(14, 3.5)
        p.moveTo(6, 3.5)
        p.lineTo(6, 1.5)
        p.lineTo(10, 1.5)
        p.lineTo(10, 3.5)
        p.moveTo(3.5, 3.5)
        p.lineTo(4.5, 14.5)
        p.lineTo(11.5, 14.5)
        p.lineTo(12.5, 3.5)
    else:
        p.addRect(QRectF(3.5, 3.5, 9, 9))
    return p


class LineIconEngine(QIconEngine):
    """Paints a glyph with the application palette's button-text colour (greyed when disabled)."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    @keeps_refs  # runs whenever a button or menu repaints its icon (ui.refguard)
    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        from PySide6.QtGui import QPainter, QPen  # drawing is not needed for the first frame (the sheets)

        pal = QGuiApplication.palette()
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
        color = QColor(pal.color(group, QPalette.ColorRole.ButtonText))
        if mode == QIcon.Mode.Disabled:
            color.setAlphaF(0.45)
        side = min(rect.width(), rect.height())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / 16, side / 16)
        pen = QPen(color, 1.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(_glyph(self.name))
        painter.restore()

    @keeps_refs
    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        drawn = sheet_pixmap(self.name, size, mode)
        if drawn is not None:
            return drawn
        return self.draw(size, mode, state)

    def draw(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        from PySide6.QtGui import QPainter

        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pm)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pm

    def clone(self) -> QIconEngine:
        return LineIconEngine(self.name)


# -- the toolbar's icons, drawn in advance --------------------------------------------------------------
# Drawing a glyph needs a QPen, and the first QPen made in Python builds the ``Qt`` namespace's enums
# (~10 ms, see ui.lazy_qt) — in the window's first frame, since the toolbar shows six of these icons. So
# the toolbar's glyphs are kept drawn, for the light and the dark theme at 16 and 32 px, normal and
# disabled, in one PNG per theme (``python -m sponsortrack.ui.icons`` writes them; tests/test_startup.py
# checks they match what the engine draws). Any other size or palette is drawn as before.
SHEET_ICONS = ("new", "save", "undo", "redo", "find", "settings")
SHEET_SIZES = (16, 32)
_CELL = sum(SHEET_SIZES)  # one icon's column: its 16 px picture, then its 32 px one
_sheets: dict[str, QPixmap | None] = {}
_sheet_keys: dict[tuple[int, int], str] | None = None


def sheet_name(theme: str) -> str:
    return f"toolbar-{theme}.png"


def _colors(pal: QPalette) -> tuple[int, int]:
    """What a glyph's pixels depend on: the palette's button text colours, normal and disabled."""
    return (pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText).rgba(),
            pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).rgba())


def _sheet_for_palette() -> str | None:
    global _sheet_keys
    if _sheet_keys is None:
        from sponsortrack.ui.theme import dark_palette, light_palette

        _sheet_keys = {_colors(light_palette()): "light", _colors(dark_palette()): "dark"}
    return _sheet_keys.get(_colors(QGuiApplication.palette()))


def sheet_pixmap(name: str, size: QSize, mode: QIcon.Mode) -> QPixmap | None:
    """The glyph from the drawn-in-advance sheet of the current theme, or None (draw it)."""
    side = size.width()
    if name not in SHEET_ICONS or side not in SHEET_SIZES or size.height() != side:
        return None
    if mode not in (QIcon.Mode.Normal, QIcon.Mode.Active, QIcon.Mode.Disabled):
        return None
    theme = _sheet_for_palette()
    if theme is None:
        return None
    if theme not in _sheets:
        path = asset_path(sheet_name(theme))
        sheet = QPixmap(str(path)) if path is not None else None
        _sheets[theme] = sheet if sheet is not None and not sheet.isNull() else None
    sheet = _sheets[theme]
    if sheet is None:
        return None
    x = SHEET_ICONS.index(name) * _CELL + sum(SHEET_SIZES[: SHEET_SIZES.index(side)])
    y = max(SHEET_SIZES) if mode == QIcon.Mode.Disabled else 0
    return sheet.copy(x, y, side, side)


def render_sheet(pal: QPalette) -> QPixmap:
    """The toolbar sheet for a palette, drawn by the engine (what ``python -m sponsortrack.ui.icons`` saves)."""
    sheet = QPixmap(len(SHEET_ICONS) * _CELL, 2 * max(SHEET_SIZES))
    sheet.fill(QColor(0, 0, 0, 0))
    from PySide6.QtGui import QPainter

    previous = QGuiApplication.palette()
    QGuiApplication.setPalette(pal)
    try:
        painter = QPainter(sheet)
        for i, name in enumerate(SHEET_ICONS):
            x = i * _CELL
            for side in SHEET_SIZES:
                for row, mode in enumerate((QIcon.Mode.Normal, QIcon.Mode.Disabled)):
                    pm = LineIconEngine(name).draw(QSize(side, side), mode, QIcon.State.Off)
                    painter.drawPixmap(x, row * max(SHEET_SIZES), pm)
                x += side
        painter.end()
    finally:
        QGuiApplication.setPalette(previous)
    return sheet


def write_sheets() -> list[Path]:
    from sponsortrack.package_data import ASSETS_DIR
    from sponsortrack.ui.theme import dark_palette, light_palette

    out = []
    for theme, pal in (("light", light_palette()), ("dark", dark_palette())):
        target = ASSETS_DIR / sheet_name(theme)
        if not render_sheet(pal).save(str(target), "PNG"):
            raise OSError(f"cannot write {target}")
        out.append(target)
    return out


def icon(name: str, widget: QWidget | None = None) -> QIcon:
    """A toolbar icon: the desktop theme's, else the drawn one."""
    theme = _THEME.get(name)
    if theme and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    return QIcon(LineIconEngine(name))


def asset_path(name: str) -> Path | None:
    """A file shipped in ``sponsortrack/assets/`` (package data), or None when it is missing."""
    from sponsortrack.package_data import asset

    return asset(name)


def app_icon() -> QIcon:
    """The window icon from the bundled PNGs (the SVG is for the desktop entry: loading Qt's SVG icon
    engine for the window icon alone costs more start-up time than the rest of this module)."""
    ic = QIcon()
    for name in ("sponsortrack-256.png", "sponsortrack-64.png"):
        p = asset_path(name)
        if p is not None:
            ic.addFile(str(p))
    return ic


if __name__ == "__main__":  # python -m sponsortrack.ui.icons: draw the toolbar sheets again
    import sys

    from PySide6.QtWidgets import QApplication

    _app = QApplication(sys.argv[:1])
    for written in write_sheets():
        print(written)
