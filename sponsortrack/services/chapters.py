"""Reads proposed from chapter markers: an episode's MP3/M4A, its chapters JSON, its feed's psc:chapters.

``read_chapters(source)`` tells what a file is and reads its chapters (one ``file: ...`` line for a file
that carries none); ``propose_chapter_reads(store, chapters, show=..., episode=...)`` turns the sponsor
chapters into proposed reads of that episode: the sponsor matched to a known one by name or alias
(``SponsorMatcher``), the placement from where the chapter starts (``importers.chapters.placement_for``:
the first 15 % of the episode is pre-roll, the last 15 % post-roll), start and length from the chapter,
the campaign running that day and its promo URL and code. ``import_chapters(..., apply=True)`` logs the
ticked proposals through ``services.reads.log_reads`` — the same validation as any read logged by hand.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sponsortrack.errors import ValidationError
from sponsortrack.importers import chapters as ch
from sponsortrack.importers import tabular
from sponsortrack.importers.sniff import magic
from sponsortrack.services import reads as rd
from sponsortrack.services.imports.matching import Campaigns, Sponsors
from sponsortrack.services.imports.sources import load_source
from sponsortrack.store import Store
from sponsortrack.store import imports as istore
from sponsortrack.validation import format_duration

SOURCE_CHAPTERS = "chapters"
KIND_LABELS = {"id3": "ID3 chapters (MP3)", "mp4": "MP4 chapters (M4A)", "json": "chapters JSON",
               "psc": "Podlove Simple Chapters"}


@dataclass
class ChapterRead:
    """One sponsor chapter, as a read proposed for the episode."""

    chapter_title: str
    parsed_name: str | None         # the sponsor the title names (None: "Ad break")
    sponsor_id: int | None          # the known sponsor it matched
    sponsor_name: str | None
    campaign_id: int | None
    campaign_name: str | None
    placement: str
    start_seconds: int
    length_seconds: int | None
    promo_url: str | None
    promo_code: str | None
    read_type: str = rd.DEFAULT_READ_TYPE
    problem: str | None = None      # why it cannot be logged as it stands
    already_logged: bool = False    # the episode already has this sponsor's read at this placement
    selected: bool = True

    @property
    def loggable(self) -> bool:
        return self.sponsor_id is not None and self.problem is None

    def values(self) -> dict[str, Any]:
        """The fields for ``services.reads.log_reads``."""
        out: dict[str, Any] = {"sponsor_id": self.sponsor_id, "placement": self.placement,
                               "start_seconds": self.start_seconds, "length_seconds": self.length_seconds,
                               "promo_url": self.promo_url, "promo_code": self.promo_code,
                               "read_type": self.read_type, "status": "aired", "source": SOURCE_CHAPTERS}
        if self.campaign_id is not None:
            out["campaign_id"] = self.campaign_id
        return out

    def proposed_read(self) -> rd.ProposedRead:
        """The Log page's proposal for this chapter (known sponsors only)."""
        if self.sponsor_id is None or self.sponsor_name is None:
            raise ValidationError("sponsor", f"chapter “{self.chapter_title}” names no known sponsor")
        return rd.ProposedRead(sponsor_id=self.sponsor_id, sponsor_name=self.sponsor_name,
                               campaign_id=self.campaign_id, campaign_name=self.campaign_name,
                               placement=self.placement, read_type=self.read_type, promo_url=self.promo_url,
                               promo_code=self.promo_code, selected=self.selected,
                               start_seconds=self.start_seconds, length_seconds=self.length_seconds)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = format_duration(self.start_seconds)
        d["length"] = format_duration(self.length_seconds)
        return d


@dataclass
class ChaptersResult:
    kind: str
    file_name: str
    episode_id: int
    episode_label: str
    duration: float | None
    chapters: list[ch.Chapter]
    reads: list[ChapterRead] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read_ids: list[int] = field(default_factory=list)
    applied: bool = False

    @property
    def to_log(self) -> list[ChapterRead]:
        return [r for r in self.reads if r.selected and r.loggable]

    @property
    def not_loggable(self) -> list[ChapterRead]:
        return [r for r in self.reads if not r.loggable]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file_name, "episode_id": self.episode_id,
                "episode": self.episode_label, "duration_seconds": self.duration,
                "chapters": [{"start": c.start, "end": c.end, "title": c.title} for c in self.chapters],
                "proposed_reads": [r.to_dict() for r in self.reads], "notes": self.notes,
                "reads_created": len(self.read_ids), "read_ids": self.read_ids, "applied": self.applied}


# --------------------------------------------------------------------------- what the file is

def _check_readable(path: Path) -> None:
    from sponsortrack import outputs

    try:
        st = path.stat()
    except FileNotFoundError:
        raise ValidationError("file", f"{path} does not exist") from None
    except OSError as exc:
        raise ValidationError("file", f"{path} cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ValidationError("file", f"{path} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ValidationError("file", f"{path} is not a regular file (a pipe or a device)")
    database = outputs.open_database_file(path)
    if database is not None:
        raise ValidationError("file", f"{path} is {database}, not a chapters file")
    if not os.access(path, os.R_OK):
        raise ValidationError("file", f"{path} cannot be read (permission denied)")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(512)
    except OSError as exc:
        raise ValidationError("file", f"{path} cannot be read ({exc.strerror or exc})") from None


def sniff(head: bytes) -> str:
    """``audio``, ``json``, ``xml``, or what else the file is (``xlsx``, ``pdf``, ``text``, ``binary``), by the
    importers' one table of magic numbers (``importers.sniff.MAGIC``)."""
    hit = magic(head)
    if hit is not None:
        return {"audio": "audio", "zip": "xlsx", "pdf": "pdf", "sqlite": "sqlite"}.get(hit[0], "binary")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "json"
    if text[:1] == b"<":
        return "xml"
    if b"\x00" in head:
        return "binary"
    return "text"


_WRONG = {
    "xlsx": "is a ZIP file (a spreadsheet?); for a spreadsheet of reads run `sponsortrack import csv`",
    "pdf": "is a PDF document, not chapters",
    "sqlite": "is an SQLite database, not chapters",
    "text": "is text, not chapters; for show notes run `sponsortrack import shownotes`",
    "binary": "is not an audio file, a chapters JSON file or a feed",
}


def _is_url(source: str | Path) -> bool:
    return isinstance(source, str) and re.match(r"^https?://", source.strip(), re.I) is not None


def _download(url: str) -> bytes:
    return load_source(url.strip(), "file")[0]


def read_chapters(source: str | Path, *, guid: str | None = None, number: int | None = None) -> ch.Chapters:
    """The chapters a file (or an http(s) URL) carries: an MP3/M4A, a chapters JSON file, or a feed (or a psc
    document) — the item with that ``guid``, else that episode ``number``: its Podlove Simple Chapters, or
    the chapters JSON its ``podcast:chapters`` links to."""
    if _is_url(source):
        data: bytes | None = _download(str(source))
        name = str(source).strip().rstrip("/").rsplit("/", 1)[-1] or str(source)
        kind = sniff(data[:512])  # type: ignore[index]
        path = Path(name)
    else:
        path = Path(source).expanduser()
        _check_readable(path)
        data, name, kind = None, path.name, sniff(_head(path))
    if kind == "audio":
        return ch.read_audio_chapters(name if data is not None else path, data)
    if kind in _WRONG:
        raise ValidationError("file", f"{name} {_WRONG[kind]}")
    if data is None:
        data = tabular.read_bytes(path)
    if kind == "json":
        return ch.parse_chapters_json(data)
    feed = ch.parse_psc_feed(data)
    if not (feed.by_guid or feed.by_number or feed.json_by_guid or feed.json_by_number):
        if feed.items:
            raise ValidationError("file", f"{name}: none of its {feed.items} items has chapters "
                                          "(psc:chapters or podcast:chapters)")
        raise ValidationError("file", f"{name} is XML with neither feed items nor psc:chapters")
    if "" in feed.by_guid and 0 in feed.by_number:
        return feed.by_guid[""]
    hit = (feed.by_guid.get(guid) if guid else None) or (feed.by_number.get(number) if number else None)
    if hit is not None:
        return hit
    link = (feed.json_by_guid.get(guid) if guid else None) or (feed.json_by_number.get(number) if number else None)
    if link is not None:
        if not _is_url(link):
            raise ValidationError("file", f"{name}: the episode's podcast:chapters link {link[:80]!r} is not an "
                                          "http(s) URL")
        return ch.parse_chapters_json(_download(link))
    which = f"guid {guid!r} or episode number {number}" if guid else f"episode number {number}"
    raise ValidationError("file", f"{name}: no item with {which} has chapters")


# --------------------------------------------------------------------------- proposals

def _whole(seconds: float) -> int:
    """Whole seconds, halves up (17.5 s is 18)."""
    return int(seconds + 0.5)


def propose_chapter_reads(store: Store, chapters: ch.Chapters, *, show_id: int, air_date: str | None,
                          episode_id: int | None = None) -> list[ChapterRead]:
    """The sponsor chapters of ``chapters`` as proposed reads of an episode of the show aired that day
    (``episode_id``: a saved episode, whose reads already logged are not proposed again)."""
    sponsors = Sponsors(istore.sponsors(store))
    campaigns = Campaigns(istore.campaigns(store))
    already: Counter[tuple[int, str]] = Counter(
        (r["sponsor_id"], r["placement"]) for r in istore.read_summaries(store, [episode_id])) \
        if episode_id is not None else Counter()
    timed = chapters.with_ends()
    # the audio's (or the feed item's) length; else the episode's stored duration (its feed's
    # itunes:duration); else where the last chapter ends, when it says
    stored = None
    if not chapters.duration and episode_id is not None:
        from sponsortrack.store import catalog as cstore

        ep = cstore.get_episode(store, episode_id)
        stored = float(ep.duration_seconds) if ep is not None and ep.duration_seconds else None
    duration = chapters.duration or stored or (timed[-1].end if timed else None)
    out: list[ChapterRead] = []
    for c in timed:
        st = ch.sponsor_in_title(c.title)
        if not st.is_ad:
            continue
        placement = ch.placement_for(c.start, duration, timed)
        known = sponsors.find(st.name) if st.name else None
        running = campaigns.running(known["id"], air_date, show_id) if known else None
        problem = None
        if c.start > rd.MAX_READ_SECONDS or (chapters.duration and c.start > chapters.duration + 1):
            problem = (f"start: {format_duration(_whole(c.start))} is past the end of the "
                       f"{'audio' if chapters.duration else 'day'}")
        elif st.name is None:
            problem = "the chapter names no sponsor: pick it in the Log page or log it by hand"
        elif known is None:
            problem = f"sponsor: no sponsor named “{st.name}” (add it on the Sponsors page, then import again)"
        length = _whole(c.end - c.start) if c.end is not None else None
        if problem is None:
            try:
                rd.read_field("length", length)  # the log screen's rule for a read's length
            except ValidationError as exc:
                problem = str(exc)
        r = ChapterRead(
            chapter_title=c.title, parsed_name=st.name, sponsor_id=known["id"] if known else None,
            sponsor_name=known["name"] if known else st.name,
            campaign_id=running["id"] if running else None, campaign_name=running["name"] if running else None,
            placement=placement, start_seconds=_whole(c.start), length_seconds=length,
            promo_url=running["promo_url"] if running else None,
            promo_code=running["promo_code"] if running else None,
            read_type=(running["default_read_type"] or rd.DEFAULT_READ_TYPE) if running else rd.DEFAULT_READ_TYPE,
            problem=problem)
        if known is not None and already[(known["id"], placement)] > 0:
            already[(known["id"], placement)] -= 1
            r.already_logged = True
            r.selected = False
        if not r.loggable:
            r.selected = False
        out.append(r)
    return out


def import_chapters(store: Store, source: str | Path, *, show: object, episode: object,
                    apply: bool = False) -> ChaptersResult:
    """Read a file's chapters and propose (``apply``: log) the sponsor reads of one episode."""
    from sponsortrack.services import catalog as cat

    if show in (None, "") or episode in (None, ""):
        raise ValidationError("episode", "give both --show and --episode: which episode do these chapters mark?")
    ep = cat.resolve_episode(store, show, episode)  # type: ignore[arg-type]
    chapters = read_chapters(source, guid=ep.guid, number=ep.number)
    name = str(source).strip() if _is_url(source) else Path(source).name
    result = ChaptersResult(kind=chapters.kind, file_name=name, episode_id=ep.id,
                            episode_label=f"{ep.show_name} {ep.label}", duration=chapters.duration,
                            chapters=chapters.chapters, notes=list(chapters.notes))
    result.reads = propose_chapter_reads(store, chapters, show_id=ep.show_id, air_date=ep.air_date,
                                         episode_id=ep.id)
    if not result.reads:
        result.notes.append(f"none of the {len(chapters.chapters)} chapters is a sponsor chapter "
                            "(titles like “Sponsor: X”, “Ad: X”, “X (sponsor)”, “Ad break”)")
    if apply and result.to_log:
        result.read_ids = rd.log_reads(store, ep.id, [r.values() for r in result.to_log])
        result.applied = True
    return result


def proposals_for_log(store: Store, source: str | Path, *, show_id: int, air_date: str | None,
                      episode_id: int | None = None, number: int | None = None,
                      ) -> tuple[list[rd.ProposedRead], list[str]]:
    """For the Log page: the sponsor chapters of a file as its proposals (known sponsors, not logged yet),
    and one line for each chapter left out and why."""
    from sponsortrack.services import catalog as cat

    guid = cat.get_episode(store, episode_id).guid if episode_id is not None else None
    chapters = read_chapters(source, guid=guid, number=number)
    reads = propose_chapter_reads(store, chapters, show_id=show_id, air_date=air_date, episode_id=episode_id)
    if not reads:
        raise ValidationError("file", f"{Path(source).name}: none of its {len(chapters.chapters)} chapters is a "
                                      "sponsor chapter (“Sponsor: X”, “Ad: X”, “X (sponsor)”)")
    left_out = [f"“{r.chapter_title}” at {format_duration(r.start_seconds)}: "
                f"{'already logged' if r.already_logged else r.problem}" for r in reads if not r.selected]
    return [r.proposed_read() for r in reads if r.selected], left_out


# --------------------------------------------------------------------------- chapters of a feed's items

class FeedItemChapters:
    """The chapters the items of an RSS feed carry, for ``import rss``: Podlove ``psc:chapters`` inside the
    item, or the chapters JSON a Podcasting 2.0 ``podcast:chapters`` links to, fetched over the import's
    own fetch path (``load_source``) within one shared ``deadline`` for all of the feed's chapter files."""

    def __init__(self, data: bytes, *, deadline: float):
        import time

        self._time = time.monotonic
        self._deadline = deadline
        self._end: float | None = None
        try:
            self.feed: ch.FeedChapters | None = ch.parse_psc_feed(data)
        except ValidationError:
            self.feed = None  # feedparser reads what expat refuses (HTML entities): no chapters then

    def __bool__(self) -> bool:
        return bool(self.feed and (self.feed.by_guid or self.feed.json_by_guid))

    def for_item(self, guid: str, duration: int | None) -> tuple[ch.Chapters | None, str | None]:
        """The item's chapters (None when it has none) and a note when they could not be read."""
        if self.feed is None:
            return None, None
        chapters = self.feed.by_guid.get(guid)
        if chapters is None:
            link = self.feed.json_by_guid.get(guid)
            if link is None:
                return None, None
            if not _is_url(link):
                return None, f"chapters: the podcast:chapters link {link[:80]!r} is not an http(s) URL"
            if self._end is None:
                self._end = self._time() + self._deadline
            left = self._end - self._time()
            if left <= 0:
                return None, (f"chapters: {link[:80]} not fetched: the {self._deadline:g} s for the feed's "
                              "chapter files are used up")
            try:
                chapters = ch.parse_chapters_json(load_source(link.strip(), "chapters", deadline=left)[0])
            except ValidationError as exc:
                return None, str(exc)
        if chapters.duration is None and duration:
            chapters.duration = float(duration)
        return chapters, None


def merge_feed_item_chapters(store: Store, chapters: ch.Chapters, proposals: list[rd.ProposedRead], *,
                             episode_key: Any, label: str, air_date: str | None, show_id: int,
                             episode_id: int | None) -> list[str]:
    """Add a feed item's sponsor chapters to the reads its show notes proposed (``proposals``, changed in
    place): a chapter of a sponsor the notes name gives that proposal its start, length and placement; a
    chapter of a sponsor they do not name is proposed on its own (a new sponsor when none is known by that
    name, as the notes' are). Returns one line per sponsor chapter left out, and why."""
    from sponsortrack.importers.shownotes import name_key

    notes: list[str] = []
    for r in propose_chapter_reads(store, chapters, show_id=show_id, air_date=air_date, episode_id=episode_id):
        at = format_duration(r.start_seconds)
        if r.already_logged:
            continue
        if r.parsed_name is None or (r.problem and r.problem.startswith("start:")):
            notes.append(f"chapter “{r.chapter_title}” at {at}: {r.problem}")
            continue
        why = f"chapter “{r.chapter_title}” at {at}"
        key = name_key(r.sponsor_name or r.parsed_name)
        same = next((p for p in proposals if p.start_seconds is None and (
            p.sponsor_id == r.sponsor_id if r.sponsor_id is not None else
            p.sponsor_id is None and name_key(p.sponsor_name) == key)), None)
        if same is not None:
            same.start_seconds, same.length_seconds, same.placement = r.start_seconds, r.length_seconds, r.placement
            same.found_by = f"{same.found_by}; {why}" if same.found_by else why
            continue
        proposals.append(rd.ProposedRead(
            sponsor_id=r.sponsor_id, sponsor_name=r.sponsor_name or r.parsed_name, campaign_id=r.campaign_id,
            campaign_name=r.campaign_name, placement=r.placement, read_type=r.read_type, promo_url=r.promo_url,
            promo_code=r.promo_code, episode_key=episode_key, episode_label=label, air_date=air_date,
            parsed_name=r.parsed_name, start_seconds=r.start_seconds, length_seconds=r.length_seconds,
            found_by=why))
    return notes


__all__ = [
    "KIND_LABELS",
    "SOURCE_CHAPTERS",
    "ChapterRead",
    "ChaptersResult",
    "FeedItemChapters",
    "import_chapters",
    "merge_feed_item_chapters",
    "proposals_for_log",
    "propose_chapter_reads",
    "read_chapters",
    "sniff",
]
