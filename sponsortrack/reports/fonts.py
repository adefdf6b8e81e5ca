"""The bundled fonts and the choice of a font for every run of characters.

DejaVu Sans (regular and bold) is the body font. Text is set per character run (:func:`runs`): each run
of characters goes to the first bundled face that has them, so one Japanese or Korean character never
blanks the Latin text around it. The faces (``assets/fonts/README.md`` lists them with their licences):

- ``STArabic``, ``STHebrew`` — right-to-left: a run is shaped (Arabic presentation forms, through
  ``arabic_reshaper``), kept as one unbreakable word and stored in visual order, the PDF convention that
  readers (pypdf, poppler) undo when text is copied or extracted, so it comes out in the order it was typed.
  Their ToUnicode maps presentation forms back to the letters and the joining no-break spaces to spaces.
- Indic and South-East Asian scripts (``STDevanagari`` …) — shaped by HarfBuzz (``uharfbuzz``) through
  reportlab's shaping support in paragraphs and in :func:`draw_string`.
- ``STHangul`` (Korean), Droid Sans Fallback (CJK ideographs, kana), ``STEmoji`` (monochrome emoji).

A character no face has is *unprintable*: :func:`unprintable` lists them so an invoice can be refused before
it is issued, naming the field, instead of printing an empty box.

The fonts and their licences are package data in ``sponsortrack/assets/fonts`` (real files, shipped in
the wheel; see ``sponsortrack.package_data``). Faces are registered on first use (the Hangul and emoji
faces are large).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from sponsortrack.errors import SponsortrackError

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FALLBACK = "DroidSansFallback"

RTL, SHAPED, PLAIN = "rtl", "shaped", "plain"


@dataclass(frozen=True)
class Face:
    name: str
    file: str
    kind: str
    ranges: tuple[tuple[int, int], ...]   # the blocks this face is chosen for, before DejaVu Sans

    def claims(self, cp: int) -> bool:
        return any(lo <= cp <= hi for lo, hi in self.ranges)


# Faces that take their script even where DejaVu Sans has glyphs (it has unshaped Arabic and Hebrew, and
# only part of some scripts): right-to-left and shaped scripts must be set by a face that can do them.
SCRIPT_FACES: tuple[Face, ...] = (
    Face("STArabic", "STArabic.ttf", RTL, ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF),
                                          (0xFE70, 0xFEFF))),
    Face("STHebrew", "STHebrew.ttf", RTL, ((0x590, 0x5FF), (0xFB1D, 0xFB4F))),
    Face("STDevanagari", "STDevanagari.ttf", SHAPED, ((0x900, 0x97F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF))),
    Face("STBengali", "STBengali.ttf", SHAPED, ((0x980, 0x9FF),)),
    Face("STGurmukhi", "STGurmukhi.ttf", SHAPED, ((0xA00, 0xA7F),)),
    Face("STGujarati", "STGujarati.ttf", SHAPED, ((0xA80, 0xAFF),)),
    Face("STOriya", "STOriya.ttf", SHAPED, ((0xB00, 0xB7F),)),
    Face("STTamil", "STTamil.ttf", SHAPED, ((0xB80, 0xBFF),)),
    Face("STTelugu", "STTelugu.ttf", SHAPED, ((0xC00, 0xC7F),)),
    Face("STKannada", "STKannada.ttf", SHAPED, ((0xC80, 0xCFF),)),
    Face("STMalayalam", "STMalayalam.ttf", SHAPED, ((0xD00, 0xD7F),)),
    Face("STSinhala", "STSinhala.ttf", SHAPED, ((0xD80, 0xDFF),)),
    Face("STThai", "STThai.ttf", SHAPED, ((0xE00, 0xE7F),)),
    Face("STLao", "STLao.ttf", SHAPED, ((0xE80, 0xEFF),)),
    Face("STMyanmar", "STMyanmar.ttf", SHAPED, ((0x1000, 0x109F),)),
    Face("STKhmer", "STKhmer.ttf", SHAPED, ((0x1780, 0x17FF),)),
)
# Faces asked, in order, for characters DejaVu Sans lacks.
EXTRA_FACES: tuple[Face, ...] = (
    Face("STHangul", "STHangul.ttf", PLAIN, ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7A3))),
    Face(FALLBACK, "DroidSansFallbackFull.ttf", PLAIN, ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
                                                        (0x20000, 0x2FA1F))),
    Face("STEmoji", "STEmoji.ttf", PLAIN, ((0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF),
                                          (0x1F000, 0x1FAFF))),
    Face("STArmenian", "STArmenian.ttf", PLAIN, ((0x530, 0x58F),)),
    Face("STGeorgian", "STGeorgian.ttf", PLAIN, ((0x10A0, 0x10FF), (0x1C90, 0x1CBF))),
    Face("STEthiopic", "STEthiopic.ttf", PLAIN, ((0x1200, 0x139F),)),
)
FACES = {f.name: f for f in SCRIPT_FACES + EXTRA_FACES}
_BODY_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.RLock()
_registered: set[str] = set()

# Characters that print nothing and never need a glyph (joiners, variation selectors, direction marks).
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10),
                        *range(0xE0020, 0xE0080)])


@lru_cache(maxsize=1)
def fonts_dir() -> Path:
    """The folder holding the bundled fonts (inside the installed package, or the source tree's)."""
    from sponsortrack.package_data import FONTS_DIR

    if (FONTS_DIR / _BODY_FILES[FONT]).is_file():
        return FONTS_DIR
    raise SponsortrackError(f"the bundled fonts are missing (looked in {FONTS_DIR}); reinstall sponsortrack")


def _ttfont_class():
    """A TTFont whose ToUnicode map is right for every character: characters above U+FFFF as UTF-16
    pairs (reportlab writes five hex digits), and, for right-to-left faces, presentation forms and the
    no-break spaces we join words with mapped back to what was typed."""
    from reportlab.pdfbase import ttfonts

    class STFont(ttfonts.TTFont):
        st_rtl = False

        def addObjects(self, doc):
            state = self.state.get(doc)
            subsets = [list(x) for x in state.subsets] if state is not None else []
            super().addObjects(doc)             # forgets the document's state when done
            for n, subset in enumerate(subsets):
                base = b"".join((ttfonts.SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
                stream = doc.idToObject.get("toUnicodeCMap:" + base)
                if stream is not None:
                    stream.content = _to_unicode_cmap(base, subset, self.st_rtl)

    class RTLFont(STFont):
        st_rtl = True

    return STFont, RTLFont


def _unicode_of(cp: int, rtl: bool) -> str:
    ch = chr(cp)
    if rtl:
        if cp == 0xA0:
            return " "
        if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
            return unicodedata.normalize("NFKC", ch)
    return ch


def _to_unicode_cmap(fontname: str, subset: list[int], rtl: bool) -> str:
    def hex16(s: str) -> str:
        return s.encode("utf-16-be").hex().upper()

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{hex16(_unicode_of(v, rtl))}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def _register_file(name: str, file: str, kind: str) -> None:
    from reportlab.pdfbase import pdfmetrics

    st_font, rtl_font = _ttfont_class()
    cls = rtl_font if kind == RTL else st_font
    # Shaping (HarfBuzz) only where a script needs it: it is slower and DejaVu Sans needs none.
    pdfmetrics.registerFont(cls(name, str(fonts_dir() / file), shapable=(kind == SHAPED)))
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
                _register_file(name, _BODY_FILES[name], PLAIN)
        for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
            addMapping(FONT, bold, italic, face)


def face(name: str) -> str:
    """Register a script face on first need and return its name (bold and italic map to it)."""
    if name in _registered:
        return name
    with _lock:
        if name not in _registered:
            from reportlab.lib.fonts import addMapping

            f = FACES[name]
            _register_file(f.name, f.file, f.kind)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(f.name, bold, italic, f.name)
    return name


def fallback() -> str:
    """Register the CJK fallback on first need (it is large) and return its name."""
    return face(FALLBACK)


@cache
def _cmap(name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    if name == FONT:
        register()
        return (frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)
                & frozenset(pdfmetrics.getFont(FONT_BOLD).face.charToGlyph))
    return frozenset(pdfmetrics.getFont(face(name)).face.charToGlyph)


def covered(ch: str) -> bool:
    """Does DejaVu Sans (regular and bold) have a glyph for this character?"""
    return ord(ch) in _cmap(FONT)


@lru_cache(maxsize=4096)
def face_for_char(ch: str) -> str | None:
    """The face that sets this character (``FONT`` for DejaVu Sans), or None when no bundled face has it."""
    cp = ord(ch)
    if cp < 0x370:
        return FONT if cp >= 0x20 and cp in _cmap(FONT) else None
    for f in SCRIPT_FACES:
        if f.claims(cp) and cp in _cmap(f.name):
            return f.name
    if cp in _cmap(FONT):
        return FONT
    for f in EXTRA_FACES:
        if f.claims(cp) and cp in _cmap(f.name):
            return f.name
    for f in EXTRA_FACES:      # a face may have more than its blocks (e.g. fullwidth forms in Droid)
        if not f.claims(cp) and f.name != "STEmoji" and cp in _cmap(f.name):
            return f.name
    return None


def needs_fallback(ch: str) -> bool:
    """Not in DejaVu Sans but in the CJK fallback (e.g. 東, ア)."""
    return face_for_char(ch) == FALLBACK


def invisible(ch: str) -> bool:
    return ord(ch) in _INVISIBLE


def _neutral(ch: str) -> bool:
    """Spaces and punctuation take the face of the run around them (digits stay left-to-right)."""
    cat = unicodedata.category(ch)
    return cat[0] in "ZP" or ch in "-–—/&+'\"·"


def _mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Mc") or invisible(ch)


@dataclass(frozen=True)
class Run:
    face: str           # FONT for the body font (bold is chosen by the caller), else a script face
    text: str           # as typed (logical order)

    @property
    def kind(self) -> str:
        f = FACES.get(self.face)
        return f.kind if f else PLAIN


@lru_cache(maxsize=2048)
def runs(text: str) -> tuple[Run, ...]:
    """Split text into runs of one face each. Marks and joiners stay with the character before them;
    spaces and punctuation between two runs of the same face join them (so "شركة النخيل" is one run),
    otherwise they are set in DejaVu Sans. Characters no face has stay in the body font (they would print
    as boxes; :func:`unprintable` finds them first)."""
    if text.isascii():
        return (Run(FONT, text),) if text else ()
    faces: list[str | None] = []
    for i, ch in enumerate(text):
        if i and _mark(ch):
            faces.append("^")
        elif _neutral(ch):
            faces.append("~")
        else:
            faces.append(face_for_char(ch) or FONT)
    # marks follow the character before them
    for i, f in enumerate(faces):
        if f == "^":
            faces[i] = faces[i - 1]
    # neutrals: the face on both sides when it has them, else the body font
    i = 0
    n = len(text)
    while i < n:
        if faces[i] != "~":
            i += 1
            continue
        j = i
        while j < n and faces[j] == "~":
            j += 1
        left = faces[i - 1] if i else None
        right = faces[j] if j < n else None
        chosen = FONT
        if left is not None and left == right and left != FONT and all(
                ord(c) in _cmap(left) for c in text[i:j]):
            chosen = left
        for k in range(i, j):
            faces[k] = chosen
        i = j
    out: list[Run] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or faces[i] != faces[start]:
            out.append(Run(faces[start] or FONT, text[start:i]))
            start = i
    return tuple(out)


def unprintable(text: str | None) -> list[str]:
    """The distinct characters of ``text`` no bundled face can print (new lines and joiners excepted)."""
    if not text or (text.isascii() and text.isprintable()):
        return [c for c in dict.fromkeys(text or "") if ord(c) < 0x20 and c not in "\n\r\t"]
    bad = []
    for ch in dict.fromkeys(text):
        if ch in "\n\r\t" or invisible(ch):
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or face_for_char(ch) is None:
            bad.append(ch)
    return bad


def describe(ch: str) -> str:
    """``'\\u0D9A' (SINHALA LETTER ALPAPRAANA KAYANNA)`` style name for a refusal message."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


# ----------------------------------------------------------------------------------------------------
# Right-to-left runs


@lru_cache(maxsize=1024)
def shape_rtl(text: str, face_name: str) -> str:
    """An RTL run as typed (logical order) → the glyphs to draw left to right (visual order), as PDF
    readers expect and reorder back when text is copied or extracted: Arabic letters in their joining
    forms, spaces made unbreakable so a paragraph never splits the run into words set left to right."""
    if face_name == "STArabic":
        import arabic_reshaper

        text = arabic_reshaper.reshape(text)
    return text.replace(" ", "\xa0")[::-1]


# ----------------------------------------------------------------------------------------------------
# Plain strings on a canvas or in a chart (footers, axis labels): set per run too


def prepared_runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """(font name, characters to draw) for each run of a plain string."""
    out = []
    for r in runs(text):
        if r.face == FONT:
            out.append((FONT_BOLD if bold else FONT, r.text))
        elif r.kind == RTL:
            out.append((face(r.face), shape_rtl(r.text, r.face)))
        else:
            out.append((face(r.face), r.text))
    return out


def shaped(text: str, font_name: str, size: float):
    """The run as HarfBuzz shapes it, for faces of scripts that need shaping (Devanagari conjuncts, vowel
    signs placed before their consonant); other runs are returned as they are."""
    f = FACES.get(font_name)
    if f is None or f.kind != SHAPED:
        return text
    from reportlab.pdfgen.textobject import bidiShapedText

    return bidiShapedText(text, None, fontName=font_name, fontSize=size, shaping=True)[0]


def shaped_width(text, font_name: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapedStr

    if isinstance(text, ShapedStr):
        return sum(sd.x_advance for sd in text.__shapeData__) * size / 1000
    return stringWidth(text, font_name, size)


def string_width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not text:
        return 0.0
    register()
    if text.isascii():
        return stringWidth(text, FONT_BOLD if bold else FONT, size)
    return sum(stringWidth(t, f, size) for f, t in prepared_runs(text, bold))


def draw_string(canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
                anchor: str = "start") -> float:
    """Draw a plain string on a canvas in one text object, each run in its face (shaped where its script
    needs it); ``anchor`` start/middle/end. Returns its width."""
    register()
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.textobject import bidiShapedText

    parts = prepared_runs(text, bold) if not text.isascii() else [(FONT_BOLD if bold else FONT, text)]
    drawn = []
    for f, t in parts:
        if FACES.get(f) is not None and FACES[f].kind == SHAPED:
            t, w = bidiShapedText(t, None, fontName=f, fontSize=size, shaping=True)
        else:
            w = stringWidth(t, f, size)
        drawn.append((f, t, w))
    width = sum(w for _, _, w in drawn)
    if anchor == "end":
        x -= width
    elif anchor == "middle":
        x -= width / 2
    tx = canvas.beginText(x, y)
    for f, t, _ in drawn:
        tx.setFont(f, size)
        tx.textOut(t)
    canvas.drawText(tx)
    return width
