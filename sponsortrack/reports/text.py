"""The one door through which text enters a ``Paragraph``.

``Paragraph`` text is markup: ``Use code <PODCAST20>`` would print as "Use code" and ``AT&T`` as
"AT&T;". Every piece of user text goes through :func:`esc` (``html.escape(text, quote=False)``), which
also sets each run of characters in the face that has it (``fonts.runs``) and turns new lines into
``<br/>``. Our own markup is written as :class:`Markup`, and :func:`para` is the only place a
``Paragraph`` is made: it escapes every plain ``str`` it is given and trusts only ``Markup``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from reportlab.platypus import Paragraph

from sponsortrack.reports import fonts


class Markup(str):
    """Paragraph markup written by this package (tags, already-escaped text). Never user text."""

    __slots__ = ()

    def __add__(self, other: str) -> Markup:
        return Markup(str.__add__(self, other if isinstance(other, Markup) else esc(other)))


def esc(text: object) -> Markup:
    """User text → safe paragraph markup: escaped, each run of characters in the face that has them
    (right-to-left runs shaped and kept whole, see ``fonts``), new lines kept."""
    if isinstance(text, Markup):
        return text
    s = "" if text is None else str(text)
    if not s:
        return Markup("")
    out = html.escape(s, quote=False) if s.isascii() else "".join(_run(r) for r in fonts.runs(s))
    if "\n" in out or "\r" in out:
        out = "<br/>".join(line.strip() for line in out.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Markup(out)


def _run(run: fonts.Run) -> str:
    if run.face == fonts.FONT:
        return html.escape(run.text, quote=False)
    name = fonts.face(run.face)
    if run.kind == fonts.RTL:
        lines = run.text.split("\n")
        return "\n".join(f'<font face="{name}">{html.escape(fonts.shape_rtl(x, name), quote=False)}</font>'
                         if x else "" for x in lines)
    return f'<font face="{name}">{html.escape(run.text, quote=False)}</font>'


def tag(name: str, content: object, **attrs: str) -> Markup:
    """``<name attr="...">escaped content</name>`` (attribute values are ours, not user text)."""
    attr = "".join(f' {k.rstrip("_")}="{html.escape(v)}"' for k, v in attrs.items())
    return Markup(f"<{name}{attr}>{esc(content)}</{name}>")


def bold(content: object) -> Markup:
    return tag("b", content)


def join(parts: Iterable[object], sep: object = Markup("<br/>")) -> Markup:
    sep_m = esc(sep)
    return Markup(sep_m.join(esc(p) for p in parts if p not in (None, "")))


def para(content: object | Iterable[object], style) -> Paragraph:
    """The only way a Paragraph is made: plain strings are escaped, ``Markup`` is trusted."""
    markup = Markup("".join(esc(c) for c in content)) if isinstance(content, (list, tuple)) else esc(content)
    return Paragraph(markup, style)


def url(text: str | None, max_width: float, size: float = 7.5) -> Markup:
    """A URL for a narrow cell: broken into lines after ``/ ? & . = -`` where it must wrap, never in the
    middle of a word (a paragraph would cut ``digitaloc|ean.com``)."""
    s = text or ""
    if not s or fonts.string_width(s, size) <= max_width:
        return esc(s)
    lines: list[str] = []
    line = ""
    piece = ""
    for ch in s:
        piece += ch
        if ch in "/?&.=-_#":
            if line and fonts.string_width(line + piece, size) > max_width:
                lines.append(line)
                line = ""
            line += piece
            piece = ""
    if piece:
        if line and fonts.string_width(line + piece, size) > max_width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return Markup("<br/>".join(esc(x) for x in lines if x))
