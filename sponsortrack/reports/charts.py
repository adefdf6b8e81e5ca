"""Charts as reportlab ``Drawing``s, placed straight into a story. Values are integers (counts, minor
units); axis labels are formatted by the caller's function, so no float reaches a printed amount."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String

from sponsortrack.reports import fonts
from sponsortrack.reports.styles import INK, MUTED, RULE, SERIES


def _nice_max(value: int) -> int:
    """A round axis top with room above the tallest bar for its label."""
    if value <= 0:
        return 1
    value = value + max(value // 8, 1)
    step = 1
    while step * 10 <= value:
        step *= 10
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        top = int(step * m)
        if top >= value and top > 0:
            return top
    return value


def _step(top: int) -> int:
    """A round tick step dividing the axis into 2–5 parts (15,000 → 3,000, not 3,750)."""
    for div in (4, 5, 3, 2):
        step, rem = divmod(top, div)
        if not rem and step and len(str(step).rstrip("0")) <= 2:
            return step
    return max(top // 4, 1)


def text_group(x: float, y: float, text: str, size: float, *, anchor: str = "start", bold: bool = False,
               fill=INK) -> Group:
    """A plain string as one ``String`` per character run (each in the face that has it), so a chart
    label or title in Japanese, Korean or Arabic prints whole and its Latin letters stay Latin."""
    parts = [(f, fonts.shaped(t, f, size)) for f, t in fonts.prepared_runs(text, bold)]
    widths = [fonts.shaped_width(t, f, size) for f, t in parts]
    total = sum(widths)
    x0 = x - total if anchor == "end" else x - total / 2 if anchor == "middle" else x
    g = Group()
    for (f, t), w in zip(parts, widths, strict=True):
        g.add(String(x0, y, t, fontName=f, fontSize=size, fillColor=fill))
        x0 += w
    return g


def _hide_category_labels(axis) -> None:
    """The axis draws empty category names; :func:`text_group` labels are placed instead."""
    axis.labels.fontName = fonts.FONT


def _value_axis(axis, largest: int, fmt: Callable[[int], str], font_size: float) -> None:
    """The value axis of both charts: from 0 to a round number above ``largest``, muted labels, a light grid."""
    top = _nice_max(largest)
    axis.valueMin, axis.valueMax = 0, top
    axis.valueStep = _step(top)
    axis.labelTextFormat = lambda v: fmt(int(v))
    axis.labels.fontName = fonts.FONT
    axis.labels.fontSize = font_size
    axis.labels.fillColor = MUTED
    axis.strokeColor = RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = RULE
    axis.gridStrokeWidth = 0.3


def vertical_bars(categories: list[str], series: list[list[int]], names: list[str], *, width: float,
                  height: float, fmt: Callable[[int], str] = lambda n: f"{n:,}", title: str = "") -> Drawing:
    """Grouped vertical bars (e.g. reads per week), one colour per series, with a legend."""
    fonts.register()
    d = Drawing(width, height, initialFontName=fonts.FONT)   # not the unembedded Helvetica
    top_pad = 18 if title else 6
    chart = VerticalBarChart()
    chart.x, chart.y = 46, 28
    chart.width, chart.height = width - chart.x - 10, height - chart.y - top_pad - (12 if len(series) > 1 else 0)
    chart.data = [list(s) for s in series] or [[0]]
    _value_axis(chart.valueAxis, max([max(s) if s else 0 for s in series] + [0]), fmt, 7)
    chart.categoryAxis.categoryNames = [""] * max(len(categories), 1)
    _hide_category_labels(chart.categoryAxis)
    chart.categoryAxis.strokeColor = RULE
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = SERIES[i % len(SERIES)]
        chart.bars[i].strokeColor = None
    chart.barLabelFormat = lambda v: fmt(int(v)) if v else ""
    chart.barLabels.fontName = fonts.FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.fillColor = INK
    chart.barLabels.nudge = 6
    d.add(chart)
    n = max(len(categories), 1)
    for i, cat in enumerate(categories):
        d.add(text_group(chart.x + (i + 0.5) * chart.width / n, chart.y - 10, cat, 7, anchor="middle"))
    if title:
        d.add(text_group(0, height - 11, title, 9, bold=True))
    if len(series) > 1:
        x = chart.x
        y = height - top_pad - 8
        for i, name in enumerate(names):
            d.add(Rect(x, y, 7, 7, fillColor=SERIES[i % len(SERIES)], strokeColor=None))
            d.add(text_group(x + 10, y + 1, name, 7))
            x += 20 + fonts.string_width(name, 7)
    return d


def horizontal_bars(labels: list[str], values: list[int], *, width: float, fmt: Callable[[int], str],
                    title: str = "", bar_height: float = 11) -> Drawing:
    """One horizontal bar per label (e.g. revenue by sponsor), largest first, value printed at the end."""
    fonts.register()
    n = max(len(labels), 1)
    label_w = min(max([fonts_width(lbl) for lbl in labels] + [40]) + 8, width * 0.38)
    top_pad = 18 if title else 4
    height = n * (bar_height + 5) + 22 + top_pad
    d = Drawing(width, height, initialFontName=fonts.FONT)   # not the unembedded Helvetica
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 16
    chart.width, chart.height = width - label_w - 60, height - 16 - top_pad
    chart.data = [list(reversed(values)) or [0]]
    _value_axis(chart.valueAxis, max([*values, 0]), fmt, 6.5)
    names = [_clip(lbl, label_w - 8) for lbl in reversed(labels)] or [""]
    chart.categoryAxis.categoryNames = [""] * len(names)
    _hide_category_labels(chart.categoryAxis)
    chart.categoryAxis.strokeColor = RULE
    chart.bars[0].fillColor = SERIES[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: fmt(int(v))
    chart.barLabels.fontName = fonts.FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barLabels.fillColor = INK
    chart.barSpacing = 2
    chart.groupSpacing = 5
    d.add(chart)
    for i, name in enumerate(names):
        d.add(text_group(chart.x - 4, chart.y + (i + 0.5) * chart.height / len(names) - 2.6, name, 7.5,
                         anchor="end"))
    if title:
        d.add(text_group(0, height - 11, title, 9, bold=True))
    return d


def progress_bar(fraction_delivered: float | None, fraction_elapsed: float, *, width: float = 60,
                 height: float = 8) -> Drawing:
    """Delivered share as a bar, elapsed share of the flight as a tick (pacing at a glance)."""
    d = Drawing(width, height, initialFontName=fonts.FONT)   # not the unembedded Helvetica
    d.add(Rect(0, 0, width, height, fillColor=RULE, strokeColor=None))
    if fraction_delivered is not None:
        w = max(0.0, min(fraction_delivered, 1.0)) * width
        behind = fraction_delivered + 0.10 < fraction_elapsed
        d.add(Rect(0, 0, w, height, fillColor=SERIES[4] if behind else SERIES[2], strokeColor=None))
    x = max(0.0, min(fraction_elapsed, 1.0)) * width
    d.add(Line(x, -1.5, x, height + 1.5, strokeColor=INK, strokeWidth=1))
    return d


def fonts_width(text: str, size: float = 7.5) -> float:
    return fonts.string_width(text, size)


def _clip(text: str, max_w: float, size: float = 7.5) -> str:
    if fonts_width(text, size) <= max_w:
        return text
    while text and fonts_width(text + "…", size) > max_w:
        text = text[:-1]
    return text + "…"
