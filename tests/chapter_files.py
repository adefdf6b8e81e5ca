"""Real chapter carriers built in the tests: an MP3 with ID3 CHAP/CTOC frames, an M4A with a Nero chapter
list, a chapters JSON file and a feed item with Podlove Simple Chapters.

The MP3 is a run of valid MPEG-1 Layer III frames (32 kbit/s, 32 kHz, mono, 144 bytes, 36 ms each) whose
side information is all zero — silence a decoder plays — tagged by mutagen itself (it writes CHAP/CTOC).

mutagen cannot write MP4 chapters, so the M4A is built box by box the way ffmpeg's mov muxer lays out
the part mutagen reads: ``ftyp``, then ``moov`` with ``mvhd`` (time scale, duration) and ``udta/chpl``
(version 1, start times in 100 ns units, Pascal-string titles). When ffmpeg is installed a test also
reads one ffmpeg made (tests/test_chapters.py::test_m4a_made_by_ffmpeg).
"""

from __future__ import annotations

import json
import struct
from html import escape
from pathlib import Path

FRAME = bytes([0xFF, 0xFB, 0x18, 0xC4]) + bytes(140)  # MPEG-1 L3, 32 kbit/s, 32 kHz, mono: 144 bytes
FRAME_SECONDS = 1152 / 32000


def silent_mp3(path: Path, seconds: float) -> Path:
    path.write_bytes(FRAME * round(seconds / FRAME_SECONDS))
    return path


def mp3_with_chapters(path: Path, seconds: float, chapters: list[tuple[float, float | None, str]], *,
                      toc: list[str] | None = None) -> Path:
    """``chapters``: (start s, end s or None, title); ids ch0, ch1, ... in that order. ``toc``: the CTOC's
    child ids (default: all, in order); ``[]`` writes no CTOC."""
    from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

    silent_mp3(path, seconds)
    tags = ID3()
    ids = [f"ch{i}" for i in range(len(chapters))]
    if toc != []:
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=ids if toc is None else toc, sub_frames=[TIT2(text=["Chapters"])]))
    for eid, (start, end, title) in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=eid, start_time=round(start * 1000),
                      end_time=0xFFFFFFFF if end is None else round(end * 1000),
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=[TIT2(text=[title])]))
    tags.save(str(path))
    return path


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def m4a_with_chapters(path: Path, seconds: float, chapters: list[tuple[float, str]]) -> Path:
    ftyp = _box(b"ftyp", b"M4A " + struct.pack(">I", 512) + b"M4A isomiso2mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, round(seconds * 1000))
                + struct.pack(">IH", 0x10000, 0x100) + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))
    body = b"".join(struct.pack(">Q", round(start * 10_000_000)) + bytes([len(t.encode())]) + t.encode()
                    for start, t in chapters)
    chpl = _box(b"chpl", bytes([1, 0, 0, 0]) + bytes(4) + bytes([len(chapters)]) + body)
    path.write_bytes(ftyp + _box(b"moov", mvhd + _box(b"udta", chpl)))
    return path


def chapters_json(path: Path, chapters: list[dict], **extra) -> Path:
    path.write_text(json.dumps({"version": "1.2.0", "chapters": chapters, **extra}), encoding="utf-8")
    return path


def psc_feed(path: Path, items: list[dict]) -> Path:
    """An RSS feed; each item: guid, number, duration ("HH:MM:SS"), chapters [(start npt, title)] and/or
    chapters_url (a podcast:chapters link)."""
    parts = []
    for it in items:
        chs = "".join(f'<psc:chapter start="{s}" title="{escape(t)}"/>' for s, t in it.get("chapters") or [])
        psc = f'<psc:chapters version="1.2">{chs}</psc:chapters>' if it.get("chapters") is not None else ""
        if it.get("chapters_url"):
            psc += f'<podcast:chapters url="{escape(it["chapters_url"])}" type="application/json+chapters"/>'
        parts.append(f"<item><title>Episode {it['number']}</title><guid>{it['guid']}</guid>"
                     f"<itunes:episode>{it['number']}</itunes:episode>"
                     f"<itunes:duration>{it.get('duration', '')}</itunes:duration>{psc}</item>")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:psc="http://podlove.org/simple-chapters" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0">'
        f"<channel><title>Practical AI</title>{''.join(parts)}</channel></rss>", encoding="utf-8")
    return path
