"""The one door through which user text enters Qt rich text (what ``reports/text.py`` is for PDFs).

A ``QLabel`` showing ``<b>…</b>`` is HTML: a sponsor named ``<Acme>`` or a code ``<PODCAST20>`` put in
unescaped shows as nothing, and ``AT&T`` may lose its ampersand. Every value interpolated into window
markup goes through :func:`rich`; markup this package writes and wants to nest is :class:`Html`, which
:func:`rich` passes through. ``tests/test_ui_text.py`` reads ``ui/`` and refuses an HTML f-string whose
values do not come through this door.
"""

from __future__ import annotations


class Html(str):
    """Rich text written by the window (tags, already-escaped text). Never user text."""

    __slots__ = ()


def rich(text: object) -> Html:
    """Any value → safe rich text: ``&``, ``<`` and ``>`` escaped, new lines as ``<br>``; ``Html`` unchanged."""
    if isinstance(text, Html):
        return text
    s = "" if text is None else str(text)
    # html.escape(s, quote=False), without importing html (and its entity tables) on the way to the first frame
    out = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\n" in out or "\r" in out:
        out = "<br>".join(out.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return Html(out)
