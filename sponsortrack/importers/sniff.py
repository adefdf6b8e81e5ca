"""What a file given to the wrong import is, in one line, and what to run instead.

``wrong_for_show_notes(data)`` looks at the first bytes (magic numbers, then the text's shape) and returns
``None`` for anything that can be show notes (text, Markdown, HTML) or a one-line problem such as
"this is an MP3 audio file (the episode itself), not show notes; ..." naming the command to use instead.
It reads at most ``HEAD`` bytes, so it is constant time on any input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

__all__ = ["HEAD", "MAGIC", "magic", "what_it_is", "wrong_for_show_notes"]

HEAD = 64 * 1024

_RSS = "sponsortrack import rss FILE_OR_URL"
_CHAPTERS = "sponsortrack import chapters FILE --show S --episode N"
_CSV = "sponsortrack import csv FILE --kind reads"

_FEED_RE = re.compile(rb"^\s*(?:<\?xml[^>]{0,500}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:rss|rdf:RDF|feed)\b",
                      re.S | re.I)
_ITEM_RE = re.compile(rb"<(?:item|entry)[\s>]", re.I)


def _mp3_frame(h: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then a layer that is not the reserved 00."""
    return len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0 and h[1] & 0x06 != 0


def _zip(h: bytes) -> str:
    if b"xl/" in h or (b"[Content_Types].xml" in h and b"xl" in h):
        return "an Excel workbook (XLSX)"
    if b"word/" in h:
        return "a Word document (DOCX)"
    if b"opendocument.spreadsheet" in h:
        return "a spreadsheet (ODS)"
    return "a ZIP archive"


_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")
_EPISODE = " audio file (the episode itself)"
# The one table of magic numbers every import knows: (family, test of the first bytes, what it is). The
# show-notes import says what the file is; the chapters import sorts by family (``audio`` it reads).
MAGIC: tuple[tuple[str, Callable[[bytes], bool], Callable[[bytes], str]], ...] = (
    ("audio", lambda h: h.startswith(b"ID3") or _mp3_frame(h), lambda h: "an MP3" + _EPISODE),
    ("audio", lambda h: h[4:8] == b"ftyp", lambda h: "an M4A/MP4 audio or video file (the episode itself)"),
    ("audio", lambda h: h.startswith(b"RIFF"), lambda h: ("a WAV" + _EPISODE) if h[8:12] == b"WAVE"
        else "a RIFF audio or video file (the episode itself)"),
    ("audio", lambda h: h.startswith(b"OggS"), lambda h: "an Ogg" + _EPISODE),
    ("audio", lambda h: h.startswith(b"fLaC"), lambda h: "a FLAC" + _EPISODE),
    ("audio", lambda h: h.startswith(b"FORM"), lambda h: "an AIFF" + _EPISODE),
    ("audio", lambda h: h.startswith(b"\x30\x26\xb2\x75"), lambda h: "a WMA" + _EPISODE),
    ("zip", lambda h: h.startswith(b"PK\x03\x04"), _zip),
    ("office", lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
     lambda h: "an old Office file (XLS or DOC)"),
    ("pdf", lambda h: h.startswith(b"%PDF"), lambda h: "a PDF document"),
    ("image", lambda h: h.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")), lambda h: "an image"),
    ("sqlite", lambda h: h.startswith(b"SQLite format 3\x00"), lambda h: "an SQLite database"),
)


def magic(head: bytes) -> tuple[str, str] | None:
    """``(family, what it is)`` of a file its first bytes name (``("audio", "an MP3 audio file ...")``), or
    None. A byte-order mark is text, whatever follows."""
    if head.startswith(_BOMS):
        return None
    for family, test, what in MAGIC:
        if test(head):
            return family, what(head)
    return None


def what_it_is(data: bytes) -> str | None:
    """A short name of a file that is not plain text ("an MP3 audio file"), or None for text."""
    head = data[:HEAD]
    if head.startswith(_BOMS):
        return None  # a byte-order mark: text (UTF-16 holds zero bytes)
    hit = magic(head)
    if hit is not None:
        return hit[1]
    if b"\x00" in head[:8192]:
        return "a binary file, not text"
    return None


def _json_kind(head: bytes) -> str | None:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s[:1] not in (b"{", b"["):
        return None
    try:
        value = json.loads(s.decode("utf-8", "replace")) if len(head) < HEAD else None
    except ValueError:
        value = None
    if (isinstance(value, dict) and isinstance(value.get("chapters"), list)) or (b'"chapters"' in s[:4096] \
            and b'"startTime"' in s):
        return "a podcast chapters file (JSON)"
    if value is not None or re.match(rb'^\s*(?:\{\s*"[^"\n]{0,200}"\s*:|\[\s*(?:\{\s*"|"|-?\d))', s):
        return "a JSON file"
    return None


def wrong_for_show_notes(data: bytes) -> str | None:
    """None when ``data`` can be show notes; otherwise one line: what it is and what to run instead."""
    head = data[:HEAD]
    kind = what_it_is(head)
    if kind is None and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")  # look at UTF-16 text as UTF-8
    if kind is not None:
        if "audio" in kind:
            instead = (f"to read the sponsor chapters marked in it run `{_CHAPTERS}`; for its notes give them as "
                       f"text, Markdown or HTML, or read every episode's notes from its feed with `{_RSS}`")
        elif "XLSX" in kind:
            instead = f"for a sheet of reads run `{_CSV}` (it reads XLSX directly)"
        elif "XLS" in kind or "ODS" in kind:
            instead = f"for a sheet of reads save it as XLSX or CSV and run `{_CSV}`"
        elif kind == "a PDF document":
            instead = "copy its text into a .txt file and import that"
        else:
            instead = "give the notes as a text, Markdown or HTML file"
        return f"this is {kind}, not show notes; {instead}"
    if _FEED_RE.match(head):
        items = len(_ITEM_RE.findall(head))
        count = f" ({items}{'+' if len(data) > HEAD else ''} episodes)" if items else ""
        return (f"this is a whole RSS feed{count}, not one episode's notes; run `{_RSS}` to read every "
                "episode's notes")
    kind = _json_kind(head)
    if kind is not None:
        instead = (f"run `{_CHAPTERS}` to log the sponsor chapters in it" if "chapters" in kind
                   else f"show notes are text, Markdown or HTML; for reads in a table run `{_CSV}`")
        return f"this is {kind}, not show notes; {instead}"
    return None
