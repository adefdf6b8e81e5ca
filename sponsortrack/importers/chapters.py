"""Chapter markers: read them from audio files, chapters JSON and feeds; tell sponsor chapters apart.

Producers mark ad breaks in their editor and export them as chapters. Four carriers are read:

- **MP3**: ID3v2 ``CHAP`` frames (start/end in milliseconds, title in a ``TIT2`` sub-frame), in the order
  of the ``CTOC`` table of contents when there is one (else by start time); read with mutagen.
- **M4A/MP4**: the Nero ``chpl`` chapter list, read with mutagen (``MP4(...).chapters``: ``start`` in
  seconds and ``title``). QuickTime chapter *tracks* are not read (mutagen does not read them).
- **Podcasting 2.0 chapters JSON** (``podcast:chapters``): ``{"version": "1.2.0", "chapters":
  [{"startTime": 0, "title": "...", "endTime": 60}]}``.
- **Podlove Simple Chapters** (``psc:chapters``) in a feed item, or as a document of their own:
  ``<psc:chapter start="00:12:30.500" title="Sponsor: Fastly"/>`` (Normal Play Time).

A chapter is a sponsor chapter when its title says so (:func:`sponsor_in_title`); the placement of the read
comes from where the chapter starts (:func:`placement_for`). Nothing here touches the database or Qt.
"""

from __future__ import annotations

import io
import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from sponsortrack.errors import ValidationError

PSC_NS = "http://podlove.org/simple-chapters"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
MAX_CHAPTERS = 2_000
MAX_TITLE = 500

# Placement by position: a read starting in the first PRE_SHARE of the episode is a pre-roll, one
# starting at or after POST_SHARE of it a post-roll, anything between a mid-roll.
PRE_SHARE = 0.15
POST_SHARE = 0.85


@dataclass(frozen=True)
class Chapter:
    start: float             # seconds from the start of the episode
    title: str
    end: float | None = None  # seconds; None when the carrier does not say


@dataclass
class Chapters:
    """The chapters of one episode and what carried them."""

    kind: str                          # "id3", "mp4", "json", "psc"
    chapters: list[Chapter]
    duration: float | None = None      # the audio's length in seconds, when known
    notes: list[str] = field(default_factory=list)  # things worth saying (a CTOC naming a missing CHAP)

    def with_ends(self) -> list[Chapter]:
        """The chapters by start, each with an end: its own, else the next chapter's start, else the
        duration (else None)."""
        ordered = sorted(self.chapters, key=lambda c: c.start)
        out = []
        for i, c in enumerate(ordered):
            end = c.end
            if end is None or end <= c.start:
                nxt = next((n.start for n in ordered[i + 1:] if n.start > c.start), None)
                end = nxt if nxt is not None else (self.duration if self.duration and self.duration > c.start
                                                   else None)
            out.append(Chapter(c.start, c.title, end))
        return out


# --------------------------------------------------------------------------- sponsor chapters

_AD_WORDS = r"(?:sponsor(?:ed)?|sponsorship|ad|ads|advert(?:isement)?s?|commercial|promo(?:tion)?|paid\s+promotion)"
_ROLL = r"(?:pre|mid|post)[\s-]?roll"
_KIND = r"(?:\s+(?:break|read|spot|segment|time|message))?"
_SEP = r"(?:\s*[:|]\s*|\s+[-–—]\s+|\s*[–—]\s*)"  # "Ad: X", "Ad - X", "Ad—X"; never "Ad-hoc"
_BREAK_ONLY = re.compile(
    rf"^\W*(?:{_ROLL}(?:\s+(?:ad|ads|break|sponsor|spot))?|{_AD_WORDS}{_KIND}|(?:a\s+)?(?:word|message)s?\s+from\s+"
    rf"(?:our|the)\s+sponsors?|thanks?\s+(?:you\s+)?to\s+our\s+sponsors?|(?:our\s+)?sponsors?"
    rf"|(?:ad|sponsor|commercial)\s+break)\W*$", re.I)
# "Sponsor: X", "Ad - X", "Sponsored by X", "Brought to you by X", "Mid-roll: X", "Ad break: X"
_PREFIX = re.compile(
    rf"^\W*(?:(?:{_ROLL}|{_AD_WORDS}){_KIND}{_SEP}|sponsored\s+by\s+|brought\s+to\s+you\s+by\s+"
    rf"|(?:a\s+)?(?:word|message)\s+from\s+our\s+sponsors?\b{_SEP}?\s*"
    rf"|thanks?\s+(?:you\s+)?to\s+our\s+sponsors?\b{_SEP}?\s*)(?P<name>.+)$", re.I)
# "X (sponsor)", "X [ad]", "X - Sponsor", "X sponsor read", "X ad"
_SUFFIX = re.compile(
    rf"^(?P<name>.+?)\s*(?:\(\s*{_AD_WORDS}{_KIND}\s*\)|\[\s*{_AD_WORDS}{_KIND}\s*\]|{_SEP}{_AD_WORDS}{_KIND}"
    rf"|\s{_AD_WORDS}\s+(?:break|read|spot)|\s(?:sponsor|ad))\W*$", re.I)


@dataclass(frozen=True)
class SponsorTitle:
    is_ad: bool
    name: str | None  # the sponsor the title names; None for "Ad break" and the like


def sponsor_in_title(title: str) -> SponsorTitle:
    """Whether a chapter title marks a sponsor read, and which sponsor it names.

    >>> sponsor_in_title("Sponsor: Fastly")
    SponsorTitle(is_ad=True, name='Fastly')
    >>> sponsor_in_title("DigitalOcean (sponsor)")
    SponsorTitle(is_ad=True, name='DigitalOcean')
    >>> sponsor_in_title("Ad break")
    SponsorTitle(is_ad=True, name=None)
    >>> sponsor_in_title("Adrian's advice")
    SponsorTitle(is_ad=False, name=None)
    """
    t = " ".join((title or "").split())
    if not t:
        return SponsorTitle(False, None)
    if _BREAK_ONLY.match(t):
        return SponsorTitle(True, None)
    m = _PREFIX.match(t) or _SUFFIX.match(t)
    if m:
        name = m.group("name").strip(" \t:-–—|,.!")
        if name and not _BREAK_ONLY.match(name):
            return SponsorTitle(True, name[:200])
        return SponsorTitle(True, None)
    return SponsorTitle(False, None)


def placement_for(start: float, duration: float | None, chapters: list[Chapter] | None = None) -> str:
    """Pre, mid or post from where the read starts.

    With the episode's duration: ``pre`` when it starts in the first 15 % of the episode, ``post`` when it
    starts in the last 15 % (at or after 85 %), ``mid`` otherwise. Without a duration, from the other
    chapters: ``pre`` when no content chapter (one that is not a sponsor chapter) starts before it, ``post``
    when none starts after it, ``mid`` otherwise."""
    if duration and duration > 0:
        share = start / duration
        if share < PRE_SHARE:
            return "pre"
        return "post" if share >= POST_SHARE else "mid"
    content = [c.start for c in chapters or [] if not sponsor_in_title(c.title).is_ad]
    if not any(s < start for s in content):
        return "pre"
    if not any(s > start for s in content):
        return "post"
    return "mid"


# --------------------------------------------------------------------------- carriers

def _title(text: object) -> str:
    return " ".join(str(text or "").split())[:MAX_TITLE]


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValidationError("chapters", f"{where} must be a number of seconds (0 or more), not {value!r:.40}")
    return float(value)


def parse_chapters_json(data: bytes | str) -> Chapters:
    """A Podcasting 2.0 chapters file (``application/json+chapters``)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError("chapters", f"not valid JSON ({str(exc).splitlines()[0][:80]})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("chapters"), list):
        raise ValidationError("chapters", 'not a chapters file: no "chapters" list (Podcasting 2.0 JSON chapters)')
    items = doc["chapters"]
    if len(items) > MAX_CHAPTERS:
        raise ValidationError("chapters", f"{len(items):,} chapters; at most {MAX_CHAPTERS:,} are read")
    out = []
    for i, ch in enumerate(items, start=1):
        if not isinstance(ch, dict):
            raise ValidationError("chapters", f"chapter {i} is not an object")
        if "startTime" not in ch:
            raise ValidationError("chapters", f"chapter {i} has no startTime")
        start = _seconds(ch["startTime"], f"chapter {i} startTime")
        end = _seconds(ch["endTime"], f"chapter {i} endTime") if ch.get("endTime") is not None else None
        out.append(Chapter(start, _title(ch.get("title")), end))
    duration = None
    for key in ("duration",):  # not in the spec, but some tools write it
        if isinstance(doc.get(key), int | float) and not isinstance(doc.get(key), bool) and doc[key] > 0:
            duration = float(doc[key])
    return Chapters("json", out, duration)


def npt_seconds(value: str) -> float:
    """Seconds from Normal Play Time as Podlove uses it: ``SS``, ``MM:SS``, ``HH:MM:SS``, each with
    optional ``.mmm``."""
    m = re.fullmatch(r"\s*(?:(?:(\d+):)?([0-5]?\d):)?(\d+)(\.\d+)?\s*", value or "")
    if not m or (m.group(2) is not None and int(m.group(3)) >= 60):
        raise ValidationError("chapters", f"start {value!r:.30} is not a time (HH:MM:SS.mmm)")
    h, mi, s = int(m.group(1) or 0), int(m.group(2) or 0), int(m.group(3))
    return h * 3600 + mi * 60 + s + float(m.group(4) or 0)


def psc_from_element(el: ET.Element) -> list[Chapter]:
    """The chapters of one ``psc:chapters`` element."""
    out: list[Chapter] = []
    for ch in el.iter(f"{{{PSC_NS}}}chapter"):
        if len(out) >= MAX_CHAPTERS:
            break
        out.append(Chapter(npt_seconds(ch.get("start", "")), _title(ch.get("title"))))
    return out


@dataclass
class FeedChapters:
    """``psc:chapters`` of the items of a feed, by guid and by episode number."""

    by_guid: dict[str, Chapters] = field(default_factory=dict)
    by_number: dict[int, Chapters] = field(default_factory=dict)
    items: int = 0
    # items with a Podcasting 2.0 <podcast:chapters url="..."> (a chapters JSON file to fetch) instead
    json_by_guid: dict[str, str] = field(default_factory=dict)
    json_by_number: dict[int, str] = field(default_factory=dict)


def _xml_root(data: bytes) -> ET.Element:
    try:
        return ET.parse(io.BytesIO(data)).getroot()  # expat refuses entity bombs and external entities
    except ET.ParseError as exc:
        raise ValidationError("file", f"not well-formed XML ({exc})") from None


def parse_psc_feed(data: bytes) -> FeedChapters:
    """Podlove Simple Chapters of every item of an RSS feed (raw XML), or of a psc document alone
    (returned as item number 0 and guid "")."""
    root = _xml_root(data)
    out = FeedChapters()
    if root.tag == f"{{{PSC_NS}}}chapters":
        chs = Chapters("psc", psc_from_element(root))
        out.by_guid[""] = chs
        out.by_number[0] = chs
        return out
    itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    for item in root.iter("item"):
        out.items += 1
        guid = (item.findtext("guid") or "").strip()
        num = (item.findtext(f"{{{itunes}}}episode") or "").strip()
        el = item.find(f"{{{PSC_NS}}}chapters")
        if el is None:
            link = item.find(f"{{{PODCAST_NS}}}chapters")
            url = (link.get("url") or "").strip() if link is not None else ""
            if url:
                if guid:
                    out.json_by_guid[guid] = url
                if num.isdigit():
                    out.json_by_number[int(num)] = url
            continue
        chs = Chapters("psc", psc_from_element(el))
        dur = item.findtext(f"{{{itunes}}}duration")
        if dur:
            try:
                chs.duration = npt_seconds(dur)
            except ValidationError:
                chs.duration = None
        if guid:
            out.by_guid[guid] = chs
        if num.isdigit():
            out.by_number[int(num)] = chs
    return out


def _id3_chapters(tags, duration: float | None) -> Chapters:
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    notes = []
    order: list[str] = []
    tocs = tags.getall("CTOC")
    if tocs:
        top = next((t for t in tocs if t.flags & 1), tocs[0])  # CTOCFlags.TOP_LEVEL
        for eid in top.child_element_ids:
            if eid in chaps and eid not in order:
                order.append(eid)
            elif eid not in chaps:
                notes.append(f"the table of contents names chapter {eid!r}, which the file does not have")
    order += sorted((e for e in chaps if e not in order), key=lambda e: chaps[e].start_time)
    out = []
    for eid in order[:MAX_CHAPTERS]:
        f = chaps[eid]
        tit = f.sub_frames.get("TIT2")
        title = _title(tit.text[0] if tit is not None and tit.text else eid)
        end = f.end_time / 1000 if f.end_time not in (None, 0xFFFFFFFF) and f.end_time > f.start_time else None
        out.append(Chapter(f.start_time / 1000, title, end))
    return Chapters("id3", out, duration, notes)


AUDIO_KINDS = {"MP3": "MP3", "MP4": "M4A/MP4", "EasyMP4": "M4A/MP4", "FLAC": "FLAC", "OggVorbis": "Ogg Vorbis",
               "OggOpus": "Opus", "WAVE": "WAV", "AIFF": "AIFF", "ASF": "WMA"}


def read_audio_chapters(path: str | Path, data: bytes | None = None) -> Chapters:
    """The chapters of an MP3 (ID3 CHAP/CTOC) or an M4A/MP4 (Nero ``chpl``), with the audio's length;
    from the file ``path``, or from ``data`` (a download; ``path`` then only names it)."""
    import mutagen

    name = Path(path).name or str(path)
    try:
        audio = mutagen.File(io.BytesIO(data) if data is not None else str(path))
    except mutagen.MutagenError as exc:
        raise ValidationError("file", f"{name}: the audio file cannot be read ({str(exc)[:100]})") from None
    if audio is None:
        raise ValidationError("file", f"{name} is not an MP3 or M4A audio file")
    kind = type(audio).__name__
    duration = getattr(audio.info, "length", None) or None
    tags = audio.tags
    if kind != "MP4" and (kind == "MP3" or hasattr(tags, "getall")):  # ID3 (MP3, and AIFF/WAV with ID3)
        if tags is None or not hasattr(tags, "getall") or not tags.getall("CHAP"):
            raise ValidationError("file", f"{name} has no chapter markers (ID3 CHAP frames); export the "
                                          "chapters from your editor, or import a chapters JSON file")
        return _id3_chapters(tags, duration)
    if kind == "MP4":
        chapters = getattr(audio, "chapters", None)
        if not chapters:
            raise ValidationError("file", f"{name} has no chapter markers (MP4 chapter list); export the "
                                          "chapters from your editor, or import a chapters JSON file")
        out = [Chapter(float(c.start), _title(c.title)) for c in list(chapters)[:MAX_CHAPTERS]]
        return Chapters("mp4", out, duration)
    raise ValidationError("file", f"{name} is {AUDIO_KINDS.get(kind, kind)} audio; chapters are read from "
                                  "MP3 (ID3 CHAP) and M4A (MP4 chapters) files")


__all__ = [
    "POST_SHARE", "PRE_SHARE", "Chapter", "Chapters", "FeedChapters", "SponsorTitle", "npt_seconds",
    "parse_chapters_json", "parse_psc_feed", "placement_for", "read_audio_chapters", "sponsor_in_title",
]
