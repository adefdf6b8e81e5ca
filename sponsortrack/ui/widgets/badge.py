"""Cell delegates for the read tables: a rounded, coloured badge (link-check verdicts in the History and
a campaign's reads), and URLs elided in the middle.

The model gives the text (``DisplayRole``), the colours (``BackgroundRole``/``ForegroundRole``) and the raw
value in ``VERDICT_ROLE``; a cell whose raw value is None is left empty (no promo URL, or never checked).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from sponsortrack.ui.models.links import VERDICT_ROLE

Index = QModelIndex | QPersistentModelIndex


class BadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        if opt.state & QStyle.StateFlag.State_Selected and widget is not None:
            widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        if index.data(VERDICT_ROLE) is None:
            return
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bg = index.data(Qt.ItemDataRole.BackgroundRole)
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        fm = opt.fontMetrics
        h = min(opt.rect.height() - 6, fm.height() + 4)
        w = min(opt.rect.width() - 8, fm.horizontalAdvance(text) + 16)
        r = QRectF(opt.rect.x() + 4, opt.rect.center().y() - h / 2 + 1, w, h)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg) if bg is not None else opt.palette.mid().color())
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(QColor(fg) if fg is not None else opt.palette.text().color())
        painter.drawText(r, int(Qt.AlignmentFlag.AlignCenter), fm.elidedText(text, Qt.TextElideMode.ElideRight,
                                                                               int(w) - 8))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(max(size.width(), option.fontMetrics.horizontalAdvance("Too many redirects") + 24),
                     size.height())


class MiddleElideDelegate(QStyledItemDelegate):
    """URLs keep their start (the host) and their end (the path) when the column is narrow."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle
