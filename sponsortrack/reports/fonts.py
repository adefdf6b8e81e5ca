"""The bundled fonts: DejaVu Sans (body, bold) and Droid Sans Fallback (CJK), registered once.

The fonts and their licences are package data in ``sponsortrack/assets/fonts`` (real files, shipped in
the wheel; see ``sponsortrack.package_data``).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from sponsortrack.errors import SponsortrackError

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FALLBACK = "DroidSansFallback"

_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FALLBACK: "DroidSansFallbackFull.ttf"}
_lock = threading.Lock()
_registered: set[str] = set()


@lru_cache(maxsize=1)
def fonts_dir() -> Path:
    """The folder holding the bundled fonts (inside the installed package, or the source tree's)."""
    from sponsortrack.package_data import FONTS_DIR

    if (FONTS_DIR / _FILES[FONT]).is_file():
        return FONTS_DIR
    raise SponsortrackError(f"the bundled fonts are missing (looked in {FONTS_DIR}); reinstall sponsortrack")


def _register(name: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / _FILES[name])))
    _registered.add(name)


def register() -> None:
    """Register DejaVu Sans and its bold as the ``DejaVuSans`` family (idempotent, thread-safe)."""
    if FONT in _registered and FONT_BOLD in _registered:
        return
    with _lock:
        if FONT in _registered and FONT_BOLD in _registered:
            return
        from reportlab.lib.fonts import addMapping

        for name in (FONT, FONT_BOLD):
            if name not in _registered:
                _register(name)
        for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
            addMapping(FONT, bold, italic, face)


def fallback() -> str:
    """Register the CJK fallback on first need (it is large) and return its name."""
    if FALLBACK in _registered:
        return FALLBACK
    with _lock:
        if FALLBACK not in _registered:
            from reportlab.lib.fonts import addMapping

            _register(FALLBACK)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FALLBACK, bold, italic, FALLBACK)
    return FALLBACK


@lru_cache(maxsize=1)
def _main_cmap() -> frozenset[int]:
    register()
    from reportlab.pdfbase import pdfmetrics

    regular = pdfmetrics.getFont(FONT).face.charToGlyph
    bold = pdfmetrics.getFont(FONT_BOLD).face.charToGlyph
    return frozenset(regular) & frozenset(bold)


@lru_cache(maxsize=1)
def _fallback_cmap() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(fallback()).face.charToGlyph)


def covered(ch: str) -> bool:
    """Does DejaVu Sans (regular and bold) have a glyph for this character?"""
    return ord(ch) in _main_cmap()


def needs_fallback(ch: str) -> bool:
    """Not in DejaVu Sans but in the fallback font (e.g. 東, ア, 한)."""
    o = ord(ch)
    return o not in _main_cmap() and o > 0x2000 and o in _fallback_cmap()


def font_for(text: str | None, bold: bool = False) -> str:
    """The font for a whole plain string (chart labels, page footers): the fallback when the text holds
    a character only the fallback has."""
    if text and not text.isascii() and any(needs_fallback(ch) for ch in text if not covered(ch)):
        return fallback()
    return FONT_BOLD if bold else FONT
