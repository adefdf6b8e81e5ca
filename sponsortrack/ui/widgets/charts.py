"""Small charts drawn with QPainter (PySide6-Essentials has no QtCharts): stacked bars and a line.

Colours come from a fixed series palette that reads on light and dark backgrounds; axes and labels use
the widget's palette, so the charts follow the theme.

A chart paints nothing until it has been given data: the dashboard's figures come from a worker after the
window's first frame, and that frame is painted without any ``QPen``/``QBrush`` made in Python (making one
builds the ``Qt`` namespace's enums, ~10 ms: see ``ui.theme``). ``Qt`` is imported where it is used."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from sponsortrack.ui.lazy_qt import Qt

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
from sponsortrack.ui.refguard import keeps_refs

SERIES_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#bab0ac"]


def nice_step(max_value: float, ticks: int = 4) -> float:
    if max_value <= 0:
        return 1
    raw = max_value / ticks
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


class Chart(QWidget):
    """Base: categories on x, values on y, a legend on top."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.categories: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.format_value: Callable[[float], str] = lambda x: f"{x:,.0f}"
        self.empty_text = "Nothing to show yet."
        self.loaded = False  # set_data() was called: until then the chart is blank (its data is loading)
        # The card gives a chart its spare room with a stretch factor (a QSizePolicy here would build that
        # class's enums before the first frame: ~0.3 ms of start-up).
        self.setMinimumHeight(180)

    def sizeHint(self) -> QSize:
        return QSize(480, 240)

    def set_data(self, categories: list[str], series: list[tuple[str, list[float]]]) -> None:
        self.categories, self.series = list(categories), list(series)
        self.loaded = True
        self.update()

    def color(self, i: int) -> QColor:
        return QColor(SERIES_COLORS[i % len(SERIES_COLORS)])

    def max_value(self) -> float:
        return max((max(vals) for _n, vals in self.series if vals), default=0)

    @keeps_refs  # runs on every repaint: what its Qt calls drop is given back (ui.refguard)
    def paintEvent(self, _event) -> None:
        if not self.loaded:
            return
        from PySide6.QtGui import QFontMetrics, QPainter, QPen  # not needed for the first frame

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlpha(150)
        grid = QColor(text)
        grid.setAlpha(40)
        fm = QFontMetrics(self.font())
        r = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        if not self.categories or self.max_value() <= 0:
            p.setPen(muted)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        # legend
        x, y = r.left(), r.top()
        legend_h = 0.0
        for i, (name, _vals) in enumerate(self.series[:10]):
            w = fm.horizontalAdvance(name) + 22
            if x + w > r.right():
                x, y = r.left(), y + fm.height() + 4
            p.fillRect(QRectF(x, y + fm.height() / 2 - 5, 10, 10), self.color(i))
            p.setPen(text)
            p.drawText(QPointF(x + 14, y + fm.ascent()), name)
            x += w
            legend_h = y + fm.height() + 8 - r.top()
        top = max(self.max_value(), 1)
        step = nice_step(top)
        top = step * (int(top / step) + (0 if top % step == 0 else 1))
        label_w = max(fm.horizontalAdvance(self.format_value(step * k)) for k in range(int(top / step) + 1)) + 8
        plot = QRectF(r.left() + label_w, r.top() + legend_h, r.width() - label_w, r.height() - legend_h
                      - fm.height() - 6)
        # grid + y labels
        k = 0
        while step * k <= top + 1e-9:
            yy = plot.bottom() - plot.height() * (step * k / top)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
            p.setPen(muted)
            p.drawText(QRectF(r.left(), yy - fm.height() / 2, label_w - 6, fm.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.format_value(step * k))
            k += 1
        # x labels (thinned to fit)
        n = len(self.categories)
        slot = plot.width() / n
        every = max(1, int((fm.horizontalAdvance("MMM 00") + 6) / max(slot, 1)) + 1)
        p.setPen(muted)
        for i, cat in enumerate(self.categories):
            if i % every:
                continue
            p.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 3, slot * every, fm.height()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) if every > 1
                       else int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), cat)
        self.draw_plot(p, plot, top, slot)

    def draw_plot(self, p: QPainter, plot: QRectF, top: float, slot: float) -> None:
        raise NotImplementedError


class StackedBarChart(Chart):
    def max_value(self) -> float:
        if not self.series:
            return 0
        return max((sum(vals[i] for _n, vals in self.series) for i in range(len(self.categories))), default=0)

    def draw_plot(self, p: QPainter, plot: QRectF, top: float, slot: float) -> None:
        bar_w = max(slot * 0.62, 2)
        for i in range(len(self.categories)):
            base = 0.0
            x = plot.left() + i * slot + (slot - bar_w) / 2
            for s, (_name, vals) in enumerate(self.series):
                v = vals[i] if i < len(vals) else 0
                if v <= 0:
                    continue
                h = plot.height() * v / top
                y = plot.bottom() - plot.height() * base / top - h
                p.fillRect(QRectF(x, y, bar_w, h), self.color(s))
                base += v


class LineChart(Chart):
    def draw_plot(self, p: QPainter, plot: QRectF, top: float, slot: float) -> None:
        from PySide6.QtGui import QPainterPath, QPen

        for s, (_name, vals) in enumerate(self.series):
            path = QPainterPath()
            pts = [QPointF(plot.left() + i * slot + slot / 2, plot.bottom() - plot.height() * v / top)
                   for i, v in enumerate(vals)]
            if not pts:
                continue
            area = QPainterPath()
            area.moveTo(pts[0].x(), plot.bottom())
            for pt in pts:
                area.lineTo(pt)
            area.lineTo(pts[-1].x(), plot.bottom())
            fill = self.color(s)
            fill.setAlpha(45)
            p.fillPath(area, fill)
            path.moveTo(pts[0])
            for pt in pts[1:]:
                path.lineTo(pt)
            p.setPen(QPen(self.color(s), 2.2))
            p.drawPath(path)
            p.setBrush(self.color(s))
            for pt in pts:
                p.drawEllipse(pt, 3, 3)
