"""Cards and banners: a rounded panel behind a frame or a label, drawn in the theme's colours.

Drawn here rather than by a style sheet: a sheet on the application routes every widget of the window
through Qt's style-sheet style (slower to build and to paint; see ``ui.theme``). The colours are read from
the palette at each paint, so a card follows a change of theme without being told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QFrame, QLabel

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QWidget

CARD_RADIUS = 6.0
BANNER_RADIUS = 4.0


def paint_panel(widget: QWidget, fill: QPalette.ColorRole, radius: float) -> None:
    """A rounded rectangle filling the widget: ``fill`` inside, a one-pixel line in the palette's mid.

    Filled paths only: ``setPen``/``setBrush``/``fillRect`` from Python make PySide6 build the ``Qt``
    namespace's enums to choose an overload (~10 ms; ``ui.lazy_qt``), and cards are on the first frame."""
    pal = widget.palette()
    p = QPainter(widget)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    outer, inner = QPainterPath(), QPainterPath()
    box = QRectF(widget.rect())
    outer.addRoundedRect(box, radius, radius)
    inner.addRoundedRect(box.adjusted(1, 1, -1, -1), radius - 1, radius - 1)
    p.fillPath(outer, pal.brush(QPalette.ColorRole.Mid))
    p.fillPath(inner, pal.brush(fill))
    p.end()


class Card(QFrame):
    """A panel on the base colour with a thin border: the dashboard's figures and charts, a detail pane."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_panel(self, QPalette.ColorRole.Base, CARD_RADIUS)


class CardLabel(QLabel):
    """A label drawn as a :class:`Card` (the sponsor's details)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setProperty("role", "card")

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_panel(self, QPalette.ColorRole.Base, CARD_RADIUS)
        super().paintEvent(event)


class Banner(QLabel):
    """A notice across the top of a form or page (a read that is billed, a spot already taken): the
    alternate base colour, a thin border, 6 px of padding."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setProperty("role", "banner")
        self.setMargin(6)

    def paintEvent(self, event: QPaintEvent) -> None:
        paint_panel(self, QPalette.ColorRole.AlternateBase, BANNER_RADIUS)
        super().paintEvent(event)
