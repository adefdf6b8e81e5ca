"""The window's sidebar: one button a page, the current one highlighted with an accent bar on its left.

Buttons rather than a list widget: a ``QListWidget`` brings its model, its delegate and some twenty Python
enums to the first frame, and needed a style sheet for this look. Each entry is a checkable button in an
exclusive group, so screen readers see named buttons and the checked one, and a click selects.
The sidebar never takes the keyboard focus (pages are reached with Ctrl+1…9 and the Go menu).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QVBoxLayout, QWidget

from sponsortrack.ui.lazy_qt import set_enum_property

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QEnterEvent, QPaintEvent

WIDTH = 168
ROW_HEIGHT = 36
ACCENT = 3  # px, the bar left of the current page
INDENT = 17  # px from the bar to the title
POINT_SIZE = 10.5


class SidebarButton(QAbstractButton):
    """One page's entry: its title, drawn flat; the current one on the highlight with the accent bar."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setText(title)
        self.setCheckable(True)
        set_enum_property(self, "focusPolicy", 0)  # Qt.FocusPolicy.NoFocus
        self.setAccessibleName(title)
        self._hover = False
        self.toggled.connect(self._checked)

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, ROW_HEIGHT)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._hover = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = False
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Filled paths and the painter's own pen (the foreground role, set in _checked): setPen, setBrush
        # and fillRect from Python build the Qt namespace's enums (ui.widgets.panels says why).
        pal = self.palette()
        p = QPainter(self)
        r = QRectF(self.rect())
        if self.isChecked():
            p.fillPath(_rect_path(r), pal.brush(QPalette.ColorRole.Highlight))
            p.fillPath(_rect_path(QRectF(0, 0, ACCENT, r.height())), pal.brush(QPalette.ColorRole.Link))
        elif self._hover or self.isDown():
            p.fillPath(_rect_path(r), pal.brush(QPalette.ColorRole.Button))
        # Qt.AlignmentFlag.AlignLeft | AlignVCenter as a number (a Qt.* before the first frame: ui.lazy_qt)
        p.drawText(self.rect().adjusted(ACCENT + INDENT, 0, -4, 0), 0x0001 | 0x0080, self.text())
        p.end()

    def _checked(self, on: bool) -> None:
        self.setForegroundRole(QPalette.ColorRole.HighlightedText if on else QPalette.ColorRole.WindowText)


def _rect_path(r: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRect(r)
    return path


class Sidebar(QWidget):
    """The list of pages. ``currentRowChanged(row)`` when another page is chosen (by a click or
    :meth:`setCurrentRow`); -1 is never emitted."""

    currentRowChanged = Signal(int)  # named as QListWidget's, which it replaces

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFixedWidth(WIDTH)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        font = self.font()
        font.setPointSizeF(POINT_SIZE)
        self.setFont(font)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.idToggled.connect(self._toggled)
        self._current = -1

    def addItem(self, title: str) -> SidebarButton:
        button = SidebarButton(title, self)
        button.setObjectName(f"sidebar_{self.count()}")
        self._group.addButton(button, self.count())
        self._layout.insertWidget(self.count() - 1, button)
        return button

    def count(self) -> int:
        return len(self._group.buttons())

    def titles(self) -> list[str]:
        return [b.text() for b in self._buttons()]

    def button(self, row: int) -> SidebarButton:
        b = self._group.button(row)
        if not isinstance(b, SidebarButton):
            raise IndexError(f"row: {row} is not a page of the sidebar")
        return b

    def currentRow(self) -> int:
        return self._current

    def setCurrentRow(self, row: int) -> None:
        self.button(row).setChecked(True)  # -> _toggled -> currentRowChanged

    def _buttons(self) -> list[SidebarButton]:
        return [self.button(i) for i in range(self.count())]

    def _toggled(self, row: int, checked: bool) -> None:
        if checked and row != self._current:
            self._current = row
            self.currentRowChanged.emit(row)
