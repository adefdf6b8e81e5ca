"""Reading a podcast's RSS (or Atom) feed with feedparser: the show and its items.

``parse_feed(data)`` takes the feed's bytes (the service reads the file or fetches the URL) and
returns a ``ParsedFeed``: the show, every item that can be imported, and one ``FeedProblem`` per
item that cannot (no GUID, no or bad date, duplicate GUID...). A document that is not a feed, or is
not well-formed XML (a truncated download), raises ``ValidationError`` naming the line.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Any

from sponsortrack import validation
from sponsortrack.errors import ValidationError

MAX_FEED_BYTES = 100 * 1024 * 1024

_TITLE_NUMBER_RES = (
    re.compile(r"^\s*(?:#|no\.?\s*|ep(?:isode)?\.?\s*)?(\d{1,5})\s*(?:[:.|\-–—]|\s-\s)", re.I),
    re.compile(r"\b(?:episode|ep\.?)\s*#?\s*(\d{1,5})\b", re.I),
    re.compile(r"(?:^|\s)#(\d{1,5})\b"),
    re.compile(r"\bS\d{1,3}\s*E(\d{1,4})\b", re.I),  # "S2 E18: The Recusal"
    re.compile(r"\s[-–—|:]\s*(\d{1,5})\s*$"),  # "Title - 002"
    re.compile(r"[(\[](?:ep(?:isode)?\.?\s*)?#?(\d{1,5})[)\]]\s*$", re.I),  # "Title (Ep. 12)"
)


@dataclass(frozen=True, slots=True)
class FeedShow:
    title: str
    link: str | None = None
    description: str | None = None
    language: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    index: int  # 1-based position in the feed, for messages
    guid: str
    title: str
    number: int | None
    published_on: str  # YYYY-MM-DD as the feed writes it, in its own time zone (not converted to UTC)
    link: str | None = None
    notes: str | None = None
    season: int | None = None
    episode_type: str | None = None  # full / trailer / bonus
    duration_seconds: int | None = None
    number_explicit: bool = False  # from <itunes:episode>, not guessed from the title
    enclosure_url: str | None = None  # the audio file (<enclosure url type length>)
    enclosure_type: str | None = None
    enclosure_length: int | None = None  # bytes, as the feed says

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


@dataclass(frozen=True, slots=True)
class FeedProblem:
    index: int
    label: str  # the item's title or GUID, whatever it has
    problem: str

    def __str__(self) -> str:
        return f"item {self.index} ({self.label}): {self.problem}"

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.index, "label": self.label, "problem": self.problem}


@dataclass
class ParsedFeed:
    show: FeedShow
    items: list[FeedItem] = field(default_factory=list)
    problems: list[FeedProblem] = field(default_factory=list)


def number_from_title(title: str) -> int | None:
    """``"#59: China's AI blacklist"`` or ``"Episode 59 - ..."`` -> 59."""
    for rx in _TITLE_NUMBER_RES:
        m = rx.search(title or "")
        if m:
            n = int(m.group(1))
            return n if n > 0 else None
    return None


def _int(value: object) -> int | None:
    if value is None:
        return None
    s = str(value).strip()
    return int(s) if re.fullmatch(r"\d{1,6}", s) and int(s) > 0 else None


_ITUNES_DURATION_RE = re.compile(r"(?:(?:(\d{1,3}):)?(\d{1,6}):)?(\d{1,6})(?:[.,]\d+)?")
_EPISODE_TYPES = ("full", "trailer", "bonus")
_SEASON_IN_TITLE_RE = re.compile(r"\bS(\d{1,3})\s*E\d{1,4}\b", re.I)


def itunes_duration(value: object) -> int | None:
    """Whole seconds from ``<itunes:duration>`` in any of the forms feeds write: ``3723``, ``3723.4``,
    ``62:03`` (minutes may pass 59), ``1:02:03``, ``01:02:03.250``. None when it is none of them, or past a
    week (a feed's typo, not an episode)."""
    if value is None:
        return None
    m = _ITUNES_DURATION_RE.fullmatch(str(value).strip())
    if not m:
        return None
    h, mi, s = int(m.group(1) or 0), int(m.group(2) or 0), int(m.group(3))
    if m.group(2) is not None and s >= 60:
        return None
    if m.group(1) is not None and mi >= 60:
        return None
    total = h * 3600 + mi * 60 + s
    return total if total <= 7 * 86400 else None


def _episode_type(value: object) -> str | None:
    t = str(value or "").strip().lower()
    return t if t in _EPISODE_TYPES else None


def _enclosure(entry: Any) -> tuple[str | None, str | None, int | None]:
    """The item's audio (or video) file: its URL, MIME type and length in bytes."""
    encs = [e for e in (entry.get("enclosures") or []) if isinstance(e, dict) and e.get("href")]
    if not encs:
        return None, None, None
    enc = next((e for e in encs if str(e.get("type", "")).startswith(("audio/", "video/"))), encs[0])
    url = _url(enc.get("href"))
    length = str(enc.get("length") or "").strip()
    return (url, _clean(enc.get("type"), 100),
            int(length) if re.fullmatch(r"\d{1,15}", length) else None)


def _url(value: object) -> str | None:
    try:
        return validation.normalize_url(value, "link")
    except ValidationError:
        return None


def _clean(text: object, limit: int) -> str | None:
    if text is None:
        return None
    s = str(text).replace("\x00", "").strip()
    return s[:limit] or None


def parse_feed(data: bytes) -> ParsedFeed:
    """Parse feed bytes. Raises ``ValidationError("feed", ...)`` if it is not a usable feed."""
    if not isinstance(data, bytes):
        raise TypeError("parse_feed takes the feed's bytes")
    if not data.strip():
        raise ValidationError("feed", "is empty")
    if len(data) > MAX_FEED_BYTES:
        raise ValidationError("feed", f"is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
    import feedparser  # here, not at import: the window's reconcile page imports this module too

    # bytes, never a str: feedparser would treat a str as a file name or URL to fetch
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        if exc is not None and not isinstance(exc, feedparser.CharacterEncodingOverride):
            line = getattr(exc, "getLineNumber", lambda: None)()
            where = f" at line {line}" if line else ""
            msg = getattr(exc, "getMessage", lambda: str(exc))()
            if "no element found" in str(msg):
                raise ValidationError("feed", f"is truncated{where}: the XML ends before the feed does")
            raise ValidationError("feed", f"is not well-formed XML{where} ({msg})")
    if not parsed.get("version") and not parsed.entries:
        raise ValidationError("feed", "is not an RSS or Atom feed (no <rss>/<feed> element)")
    meta = parsed.feed
    title = _clean(meta.get("title"), 200)
    if not title:
        raise ValidationError("feed", "has no channel title")
    show = FeedShow(
        title=title,
        link=_url(meta.get("link")),
        description=_clean(meta.get("subtitle") or meta.get("description"), 20_000),
        language=_clean(meta.get("language"), 20),
        author=_clean(meta.get("author") or meta.get("itunes_author"), 200),
    )
    out = ParsedFeed(show)
    seen: dict[str, int] = {}
    for index, entry in enumerate(parsed.entries, start=1):
        item_title = _clean(entry.get("title"), 500)
        guid = _clean(entry.get("id") or entry.get("guid"), 1000)
        label = (item_title or guid or "untitled")[:80]
        problems: list[str] = []
        if not guid:
            problems.append("has no <guid>: it cannot be matched on re-import")
        elif guid in seen:
            problems.append(f"has the same GUID as item {seen[guid]}")
        if not item_title:
            problems.append("has no title")
        # dict.get: feedparser's own get() maps missing keys onto others with a DeprecationWarning
        published = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        published_on = None
        if published is None:
            raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
            why = impossible_date(raw_date) if raw_date else None
            if why:
                tag = "<pubDate>" if dict.get(entry, "published") else "<updated>"
                problems.append(f"{tag}: {str(raw_date).strip()[:60]!r} is not a real date ({why})")
            else:
                problems.append(f"has a publication date that is not a date: {raw_date[:60]!r}" if raw_date
                                else "has no publication date (<pubDate>)")
        else:
            # feedparser rolls an impossible date over ("2019-02-30" becomes 2 March): refuse it instead
            key = "published" if dict.get(entry, "published_parsed") else "updated"
            raw_date = str(dict.get(entry, key) or "")
            why = impossible_date(raw_date)
            if why:
                tag = "<pubDate>" if key == "published" else "<updated>"
                problems.append(f"{tag}: {raw_date.strip()[:60]!r} is not a real date ({why})")
            else:
                published_on = _local_date(raw_date) or _utc_date(published)
        if problems:
            out.problems.extend(FeedProblem(index, label, p) for p in problems)
            if guid and guid not in seen:
                seen[guid] = index
            continue
        assert guid and item_title and published_on
        seen[guid] = index
        number = _int(entry.get("itunes_episode"))
        explicit = number is not None
        if number is None:
            number = number_from_title(item_title)
        content = entry.get("content") or []
        notes = content[0].get("value") if content else None
        notes = notes or entry.get("summary") or entry.get("description")
        link = entry.get("link")
        if link and link == guid and entry.get("guidislink"):
            link = None
        enclosure = _enclosure(entry)
        season = _int(entry.get("itunes_season"))
        if season is None and not explicit:  # "S2 E18: The Recusal" names its season too
            m = _SEASON_IN_TITLE_RE.search(item_title)
            season = int(m.group(1)) if m and number is not None and int(m.group(1)) > 0 else None
        out.items.append(FeedItem(
            index=index, guid=guid, title=item_title, number=number, published_on=published_on,
            link=_url(link), notes=_clean(notes, 200_000), season=season,
            episode_type=_episode_type(entry.get("itunes_episodetype")),
            duration_seconds=itunes_duration(entry.get("itunes_duration")), number_explicit=explicit,
            enclosure_url=enclosure[0], enclosure_type=enclosure[1], enclosure_length=enclosure[2],
        ))
    _check_numbers(out)
    return out


_ISO_DATE_RE = re.compile(
    r"^\s*(?P<y>\d{4})(?P<sep>-?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?!\d)"
    r"(?:[Tt ]+(?P<H>\d{1,2})(?::?(?P<M>\d{2})(?::?(?P<S>\d{2}))?)?)?")
_RFC_DATE_RE = re.compile(r"(?:^|[\s,])(?P<d>\d{1,2})[\s-]+(?P<mon>[A-Za-z]{3})[A-Za-z]*\.?[\s-]+(?P<y>\d{4})\b"
                          r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


def impossible_date(raw: str) -> str | None:
    """Why a feed's date text names a day or time that does not exist (``"2019-02-30"``), or None.

    Text that is not in a recognised form is left to feedparser (which then finds a date or not)."""
    m = _ISO_DATE_RE.match(raw) or _RFC_DATE_RE.search(raw)
    if not m:
        return None
    groups = m.groupdict()
    year, day = int(groups["y"]), int(groups["d"])
    if "mon" in groups:
        month = _MONTHS.get(groups["mon"].lower())
        if month is None:
            return None
    else:
        month = int(groups["m"])
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year < 1:
        return "there is no year 0"
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"{calendar.month_name[month]} {year} has no day {day}"
    hour, minute, second = (int(groups[k]) if groups.get(k) else 0 for k in ("H", "M", "S"))
    if hour > 23 or minute > 59 or second > 60:  # 60: a leap second
        return f"there is no time {hour:02d}:{minute:02d}:{second:02d}"
    return None


def _local_date(raw: str) -> str | None:
    """The day a date is written for, in the feed's own zone: "Sat, 19 Jan 2020 19:01:00 -0800" is
    2020-01-19 (converted to UTC it would be Sunday, and a read at month end would fall into the next
    month's invoice). None when the text is not in a form read here (feedparser's UTC date is used)."""
    m = _ISO_DATE_RE.match(raw) or _RFC_DATE_RE.search(raw)
    if not m:
        return None
    g = m.groupdict()
    month = _MONTHS.get(g["mon"].lower()) if "mon" in g else int(g["m"])
    if not month:
        return None
    try:
        return dt.date(int(g["y"]), month, int(g["d"])).isoformat()
    except ValueError:
        return None


def _utc_date(value: time.struct_time) -> str:
    return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date().isoformat()


def _check_numbers(feed: ParsedFeed) -> None:
    """Two items with one episode number in one season (numbers restart each season, so S1 E1 and S2 E1
    are two episodes): an explicit <itunes:episode> twice is a problem; a number guessed from a title
    ("Part 2 of #12") is dropped from the later item instead."""
    first: dict[tuple[int, int], FeedItem] = {}
    for item in sorted(feed.items, key=lambda i: not i.number_explicit):
        if item.number is None:
            continue
        key = (item.season or 0, item.number)
        if key not in first:
            first[key] = item
        elif item.number_explicit:
            where = f" of season {item.season}" if item.season else ""
            feed.problems.append(FeedProblem(
                item.index, item.title[:80],
                f"has <itunes:episode> {item.number}{where}, like item {first[key].index}"))
    keep = {id(i) for i in first.values()}
    feed.items = [
        i if i.number is None or id(i) in keep else dataclasses.replace(i, number=None)
        for i in feed.items
        if not (i.number_explicit and i.number is not None and id(i) not in keep)
    ]
