"""Small formatting helpers shared by the documents (dates, periods, key–value blocks)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from reportlab.platypus import Table

from sponsortrack.reports.styles import MUTED, RULE, layout_style, styles
from sponsortrack.reports.text import Markup, para

MONTHS = [calendar.month_abbr[i] for i in range(13)]


def long_date(iso: str | None) -> str:
    """``2019-11-30`` → ``30 Nov 2019`` (unambiguous in every country)."""
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.day} {MONTHS[d.month]} {d.year}"


def period_text(start: str | None, end: str | None) -> str:
    """A whole month → ``November 2019``; otherwise ``1 Nov 2019 – 15 Nov 2019``."""
    if not start or not end:
        return long_date(start or end)
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    last = calendar.monthrange(s.year, s.month)[1]
    if s.day == 1 and e.year == s.year and e.month == s.month and e.day == last:
        return f"{calendar.month_name[s.month]} {s.year}"
    return f"{long_date(start)} – {long_date(end)}"


def month_title(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return f"{calendar.month_name[m]} {y}"


def kv_table(rows: Sequence[tuple[str, object]], widths: tuple[float, float], *, right: bool = False) -> Table:
    """A label/value block (labels small and muted). Values are user text unless ``Markup``."""
    st = styles()
    value_style = st.right if right else st.body
    data = [[para(Markup(label_markup(label)), st.label), para(value, value_style)]
            for label, value in rows if value not in (None, "")]
    t = Table(data, colWidths=list(widths), hAlign="RIGHT" if right else "LEFT")
    t.setStyle(layout_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
    ]))
    return t


def label_markup(label: str) -> str:
    from sponsortrack.reports.text import esc

    return str(esc(label.upper()))


def box(content: list, width: float, *, border=RULE, background=None) -> Table:
    t = Table([[content]], colWidths=[width])
    cmds = [("BOX", (0, 0), (-1, -1), 0.6, border), ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]
    if background is not None:
        cmds.append(("BACKGROUND", (0, 0), (-1, -1), background))
    t.setStyle(layout_style(cmds))
    return t
