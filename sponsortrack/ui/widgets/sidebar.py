"""The window's sidebar: the pages, the current one on the highlight with an accent bar on its left.

One widget that paints its rows, rather than a ``QListWidget`` (its model, delegate and some twenty Python
enums, and a style sheet for this look) or a button per page (ten widgets to build, lay out and paint from
Python): the sidebar is on every first frame, and this is the cheapest way to draw it. It duplicates the
Go menu, which is where the keyboard and screen readers reach the pages (Ctrl+1…9); the sidebar never
takes the focus and says so in its accessible description; the tooltip over a page gives its Go key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QWidget

from sponsortrack.ui.lazy_qt import set_enum_property

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent, QPaintEvent

WIDTH = 168
ROW_HEIGHT = 36
TOP = 8  # px above the first row
ACCENT = 3  # px, the bar left of the current page
INDENT = 17  # px from the bar to the title
POINT_SIZE = 10.5


class Sidebar(QWidget):
    """The list of pages. ``currentRowChanged(row)`` when another page is chosen (a click or
    :meth:`setCurrentRow`); -1 is never emitted."""

    currentRowChanged = Signal(int)  # named as QListWidget's, which it replaces

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFixedWidth(WIDTH)
        set_enum_property(self, "focusPolicy", 0)  # Qt.FocusPolicy.NoFocus
        self.setMouseTracking(True)  # the row under the mouse is lit
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setAccessibleName("Pages")
        self.setAccessibleDescription("The pages of the window; the Go menu has them too (Ctrl+1 to Ctrl+9).")
        font = self.font()
        font.setPointSizeF(POINT_SIZE)
        self.setFont(font)
        self._titles: list[str] = []
        self._tips: dict[int, str] = {}
        self._current = -1
        self._hover = -1

    # -- the list ---------------------------------------------------------------------------
    def addItem(self, title: str) -> None:
        self._titles.append(title)
        self.setMinimumHeight(TOP + ROW_HEIGHT * len(self._titles))
        self.update()

    def set_tip(self, row: int, tip: str) -> None:
        """What the tooltip says over a row (the main window gives each page its Go key)."""
        self._tips[row] = tip

    def count(self) -> int:
        return len(self._titles)

    def titles(self) -> list[str]:
        return list(self._titles)

    def currentRow(self) -> int:
        return self._current

    def setCurrentRow(self, row: int) -> None:
        if not 0 <= row < len(self._titles):
            raise IndexError(f"row: {row} is not a page of the sidebar")
        if row != self._current:
            self._current = row
            self.update()
            self.currentRowChanged.emit(row)

    def row_at(self, y: float) -> int:
        """The row at ``y`` (widget coordinates), or -1 below the last one / above the first."""
        row = int((y - TOP) // ROW_HEIGHT) if y >= TOP else -1
        return row if 0 <= row < len(self._titles) else -1

    def row_rect(self, row: int) -> QRect:
        return QRect(0, TOP + row * ROW_HEIGHT, self.width(), ROW_HEIGHT)

    def _title_rect(self, row: int) -> QRect:
        return self.row_rect(row).adjusted(ACCENT + INDENT, 0, -4, 0)

    # -- the mouse --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if row >= 0:
            self.setCurrentRow(row)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if row != self._hover:
            self._hover = row
            self.setToolTip(self._tips.get(row, self._titles[row]) if row >= 0 else "")
            self.update()

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover != -1:
            self._hover = -1
            self.update()
        super().leaveEvent(event)

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        # Filled paths, and the painter's pen set from the palette by changing the foreground role:
        # setPen, setBrush and fillRect from Python build the Qt namespace's enums (ui.widgets.panels says why).
        pal = self.palette()
        p = QPainter(self)
        if self._hover >= 0 and self._hover != self._current:
            p.fillPath(_rect_path(QRectF(self.row_rect(self._hover))), pal.brush(QPalette.ColorRole.Button))
        if self._current >= 0:
            r = QRectF(self.row_rect(self._current))
            p.fillPath(_rect_path(r), pal.brush(QPalette.ColorRole.Highlight))
            p.fillPath(_rect_path(QRectF(r.x(), r.y(), ACCENT, r.height())), pal.brush(QPalette.ColorRole.Link))
        # Qt.AlignmentFlag.AlignLeft | AlignVCenter as a number (a Qt.* before the first frame: ui.lazy_qt)
        align = 0x0001 | 0x0080
        for row, title in enumerate(self._titles):
            if row == self._current:
                continue
            p.drawText(self._title_rect(row), align, title)
        p.end()
        if self._current >= 0:  # its own painter, whose pen is the highlighted text colour
            self.setForegroundRole(QPalette.ColorRole.HighlightedText)
            p = QPainter(self)
            p.drawText(self._title_rect(self._current), align, self._titles[self._current])
            p.end()
            self.setForegroundRole(QPalette.ColorRole.WindowText)


def _rect_path(r: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRect(r)
    return path
