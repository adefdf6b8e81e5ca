"""Paragraph and table styles, defined once for every document."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from sponsortrack.reports.fonts import FONT, FONT_BOLD, register

INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#59636e")
RULE = colors.HexColor("#d0d7de")
ZEBRA = colors.HexColor("#f6f8fa")
ACCENT = colors.HexColor("#0b5cad")
WARN = colors.HexColor("#b35900")
BAD = colors.HexColor("#b42318")
GOOD = colors.HexColor("#1a7f37")
SERIES = [colors.HexColor(c) for c in ("#0b5cad", "#e07b00", "#2e9e5b", "#8250df", "#cf222e", "#1b7c83",
                                        "#9a6700", "#57606a")]


@lru_cache(maxsize=1)
def styles() -> SimpleNamespace:
    register()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    s = SimpleNamespace()
    s.body = base
    s.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
    s.muted = ParagraphStyle("muted", parent=base, fontSize=8, leading=10, textColor=MUTED)
    s.label = ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=7, leading=9, textColor=MUTED)
    s.cell = ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2)
    s.cell_right = ParagraphStyle("cell_right", parent=s.cell, alignment=TA_RIGHT)
    s.cell_bold = ParagraphStyle("cell_bold", parent=s.cell, fontName=FONT_BOLD)
    s.head = ParagraphStyle("head", parent=s.cell, fontName=FONT_BOLD, textColor=MUTED)
    s.head_right = ParagraphStyle("head_right", parent=s.head, alignment=TA_RIGHT)
    s.title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=20, leading=24, alignment=TA_LEFT)
    s.title_right = ParagraphStyle("title_right", parent=s.title, alignment=TA_RIGHT)
    s.h1 = ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=4,
                          spaceAfter=6)
    s.h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=10,
                          spaceAfter=5)
    s.seller = ParagraphStyle("seller", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15)
    s.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    s.total = ParagraphStyle("total", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_RIGHT)
    s.total_label = ParagraphStyle("total_label", parent=s.total, alignment=TA_LEFT)
    s.warn = ParagraphStyle("warn", parent=base, textColor=WARN, fontName=FONT_BOLD)
    s.cover_title = ParagraphStyle("cover_title", parent=base, fontName=FONT_BOLD, fontSize=26, leading=32,
                                   spaceAfter=8)
    s.cover_sub = ParagraphStyle("cover_sub", parent=base, fontSize=14, leading=19, textColor=MUTED)
    s.center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    # the state of an issued invoice, under its heading: cannot be misread
    s.state_void = ParagraphStyle("state_void", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17,
                                  alignment=TA_RIGHT, textColor=colors.HexColor("#b42318"))
    s.state_paid = ParagraphStyle("state_paid", parent=s.state_void, textColor=colors.HexColor("#1a7f37"))
    s.state_part = ParagraphStyle("state_part", parent=s.state_void, fontSize=11, leading=15, textColor=INK)
    return s


def grid_style(*, header_rows: int = 1, zebra: bool = True, right_cols: tuple[int, ...] = ()) -> TableStyle:
    """The one data-table look: a ruled header, hairlines between rows, light zebra stripes."""
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LEADING", (0, 0), (-1, -1), 9.2),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), FONT_BOLD),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), MUTED),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, INK),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
    ]
    if zebra:
        cmds.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]))
    for c in right_cols:
        cmds.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
    return TableStyle(cmds)


def layout_style(cmds: list[tuple]) -> TableStyle:
    """A layout table's style. Every table names the body font: reportlab's cell default is Helvetica,
    which would put an unembedded standard font into the PDF even when no cell text uses it."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *cmds])
