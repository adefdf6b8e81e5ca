"""Cell delegates for the read tables: a rounded, coloured badge (link-check verdicts in the History and
a campaign's reads), and URLs elided in the middle.

The badge reads the model's own Python objects (``model.badge(row)``: label and colours, or None for no
badge: no promo URL, or never checked), not ``index.data(role)``: these delegates run for every visible cell
on every repaint, and under PySide6 6.12 on Python 3.11 each Qt call that answers None drops a reference to
None (see :mod:`sponsortrack.ui.refguard`). What their painting calls into Qt drop is given back by
:func:`~sponsortrack.ui.refguard.keeps_refs`.
"""

from __future__ import annotations

from typing import Protocol, cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from sponsortrack.ui.refguard import keeps_refs

Index = QModelIndex | QPersistentModelIndex
Badge = tuple[str, QColor, QColor]  # label, background, text colour


class BadgeSource(Protocol):
    """A model whose rows give their own badge, or None for no badge."""

    def badge(self, row: int) -> Badge | None: ...


def badge_of(index: Index) -> Badge | None:
    """The badge of the index's row, from its model's rows (not ``index.data()``)."""
    return cast(BadgeSource, index.model()).badge(index.row())


class BadgeDelegate(QStyledItemDelegate):
    @keeps_refs
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        widget = option.widget
        if option.state & QStyle.StateFlag.State_Selected and widget is not None:
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        badge = badge_of(index)
        if badge is None:
            return
        text, bg, fg = badge
        fm = option.fontMetrics
        rect = option.rect
        h = min(rect.height() - 6, fm.height() + 4)
        w = min(rect.width() - 8, fm.horizontalAdvance(text) + 16)
        r = QRectF(rect.x() + 4, rect.center().y() - h / 2 + 1, w, h)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(fg)
        painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), fm.elidedText(text, Qt.TextElideMode.ElideRight,
                                                                               int(w) - 8))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), option.fontMetrics.horizontalAdvance("Too many redirects") + 24),
                     size.height())


class MiddleElideDelegate(QStyledItemDelegate):
    """URLs keep their start (the host) and their end (the path) when the column is narrow."""

    @keeps_refs
    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle
