"""One render call: flowables → PDF bytes (page furniture, "Page X of Y", metadata). Writing the bytes to a
file is the services' part (``sponsortrack.outputs.write_atomic``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from sponsortrack.reports import fonts
from sponsortrack.reports.styles import MUTED, RULE

MARGIN = 16 * mm


def page_size_for(currency: str | None) -> tuple[float, float]:
    """US Letter for North American currencies, A4 elsewhere."""
    return letter if (currency or "").upper() in ("USD", "CAD") else A4


def footer_text(*parts: str | None) -> str:
    """The footer of every page: the parts that are set, between middle dots (seller · document · whom)."""
    return " · ".join(p for p in parts if p)


@dataclass
class DocSpec:
    """A document ready to render: its story and what goes around it."""

    story: list[Any]
    title: str
    author: str = ""
    subject: str = ""
    keywords: str = ""
    footer: str = ""                      # plain text, bottom left of every page
    pagesize: tuple[float, float] = letter
    watermark: str | None = None          # e.g. "DRAFT", drawn across every page
    invariant: bool = True                # byte-identical output for identical input
    first_page_footer: bool = True
    on_page: Callable[[Any, int, int], None] | None = None
    created: str | None = None            # ISO day: the PDF's creation date (an invoice's issue date)
    extra: dict[str, Any] = field(default_factory=dict)


def _canvas_class(spec: DocSpec):
    class NumberedCanvas(rl_canvas.Canvas):
        """Keeps every page until the end so the footer can say "Page X of Y"."""

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            if spec.created:
                # a real creation date that never changes for the same document (byte-identical reissue)
                stamp = "D:" + spec.created[:10].replace("-", "") + "000000+00'00'"
                self.setDateFormatter(lambda *_: stamp)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _furniture(self, spec, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _furniture(c: rl_canvas.Canvas, spec: DocSpec, page: int, total: int) -> None:
    width, height = spec.pagesize
    c.saveState()
    if spec.watermark:
        c.setFont(fonts.FONT_BOLD, 96)
        c.setFillColorRGB(0.85, 0.85, 0.85, alpha=0.35)
        c.translate(width / 2, height / 2)
        c.rotate(35)
        c.drawCentredString(0, -30, spec.watermark)
        c.rotate(-35)
        c.translate(-width / 2, -height / 2)
    if spec.on_page is not None:
        spec.on_page(c, page, total)
    if page > 1 or spec.first_page_footer:
        y = MARGIN - 7 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(MARGIN, y + 9, width - MARGIN, y + 9)
        c.setFillColor(MUTED)
        footer = spec.footer
        max_w = width - 2 * MARGIN - 70
        while footer and fonts.string_width(footer, 7.5) > max_w:
            footer = footer[:-2] + "…"
        fonts.draw_string(c, MARGIN, y, footer, 7.5)
        c.setFont(fonts.FONT, 7.5)
        c.drawRightString(width - MARGIN, y, f"Page {page} of {total}")
    c.restoreState()


def render_bytes(spec: DocSpec) -> bytes:
    """Build the story into PDF bytes (nothing touches the disk)."""
    fonts.register()
    # Chart attribute validation is a debugging aid that costs ~9 ms per POP; our charts are tested.
    rl_config.shapeChecking = 0
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=spec.pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=spec.title, author=spec.author, subject=spec.subject,
        keywords=spec.keywords, creator="sponsortrack", invariant=1 if spec.invariant else 0,
        pageCompression=1, initialFontName=fonts.FONT, initialFontSize=9,   # no unembedded Helvetica
    )
    # a frame without padding: a paragraph starts where a full-width table does (the default 6 pt padding
    # put every paragraph 6 pt right of the tables, which are laid out to the margins)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="normal", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=spec.pagesize)])
    doc.build(list(spec.story), canvasmaker=_canvas_class(spec))
    return buf.getvalue()
