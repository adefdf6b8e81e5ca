"""Imports: RSS feeds, show notes, spreadsheets of reads and campaigns, downloads.

Every import validates everything first and then writes in ONE transaction: a problem anywhere
(per row or per feed item, each reported with its row/item) means nothing is written. Each import
has a preview: ``dry_run=True`` for spreadsheets, ``apply=False`` for the proposed reads of feeds
and show notes.

Reconciliation of show notes with logged reads lives in ``services.reconcile``.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, SponsortrackError, ValidationError
from sponsortrack.importers import rss, sniff, tabular
from sponsortrack.importers.shownotes import ParsedSponsor, SponsorMatcher, name_key, parse_show_notes
from sponsortrack.importers.tabular import RowProblem
from sponsortrack.money import MAX_UNITS, check_cpm
from sponsortrack.services import campaigns as camp_rules
from sponsortrack.services.reads import DEFAULT_PLACEMENT, DEFAULT_READ_TYPE, ProposedRead, read_field
from sponsortrack.store import Store
from sponsortrack.store import imports as istore
from sponsortrack.store.models import episode_code, episode_label, parse_episode_code

SOURCE_SHOW_NOTES = "show notes"
SOURCE_CSV = "csv import"
PREVIEW_ROWS = 200

Progress = Callable[[int, int, str], None]  # (done, total, message)
Cancelled = Callable[[], bool]


class ImportCancelled(SponsortrackError):
    """The producer cancelled the import before anything was written."""


def _noop_progress(done: int, total: int, message: str) -> None:
    return None


def _check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("import cancelled; nothing was written")


# --------------------------------------------------------------------------- shared indexes

class _Sponsors:
    """Known sponsors by exact name, fuzzy name (SponsorMatcher) and promo-link domain."""

    def __init__(self, rows: list[dict], campaigns: list[dict] | None = None):
        self.by_id = {r["id"]: r for r in rows}
        self.by_name = {r["name"].casefold(): r for r in rows}
        promo_urls: dict[int, list[str]] = defaultdict(list)
        for c in campaigns or ():
            if c.get("promo_url"):
                promo_urls[c["sponsor_id"]].append(c["promo_url"])
        # names, domains and the campaigns' promo URLs, so the parser recognises a known sponsor by its link
        self.matcher = SponsorMatcher()
        for r in rows:
            self.matcher.add(r["name"], domains=r.get("domains") or [], urls=promo_urls.get(r["id"], []))
        self.by_domain: dict[str, dict] = {}
        for r in rows:
            for d in r.get("domains") or []:
                self.by_domain.setdefault(d, r)
        self._cache: dict[str, dict | None] = {}

    def find(self, name: str, url: str | None = None) -> dict | None:
        key = name.casefold()
        if key in self._cache and url is None:
            return self._cache[key]
        hit = self.by_name.get(key)
        if hit is None:
            known = self.matcher.match(name)
            hit = self.by_name.get(known.casefold()) if known else None
        if hit is None and url:
            known = self.matcher.match_url(url)
            hit = self.by_name.get(known.casefold()) if known else None
        if hit is None and url:
            host = v.url_host(url)
            labels = host.split(".")
            for i in range(len(labels) - 1):
                hit = self.by_domain.get(".".join(labels[i:]))
                if hit:
                    break
        if url is None:
            self._cache[key] = hit
        return hit


class _Campaigns:
    def __init__(self, rows: list[dict]):
        self.by_sponsor: dict[int, list[dict]] = defaultdict(list)
        for r in rows:
            self.by_sponsor[r["sponsor_id"]].append(r)
        self._running: dict[tuple[int, str | None, int | None], dict | None] = {}

    def running(self, sponsor_id: int, on: str | None, show_id: int) -> dict | None:
        """The sponsor's one campaign running on that day for that show (None if none or several), by the
        rule the log screen uses (``campaigns.runs_on``); a show the import creates is ``NEW_SHOW``."""
        key = (sponsor_id, on, show_id)
        if key not in self._running:
            hits = [c for c in self.by_sponsor.get(sponsor_id, ())
                    if camp_rules.runs_on(c["status"], c["start_date"], c["end_date"], c["show_id"], on, show_id)]
            self._running[key] = hits[0] if len(hits) == 1 else None
        return self._running[key]

    def named(self, sponsor_id: int, name: str) -> list[dict]:
        low = name.strip().casefold()
        return [c for c in self.by_sponsor.get(sponsor_id, ()) if c["name"].casefold() == low]


def _same_url(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True

    def norm(u: str) -> str:
        s = re.sub(r"^https?://(www\.)?", "", u.strip(), flags=re.I)
        host, _, rest = s.partition("/")
        return host.lower() + "/" + rest.rstrip("/")

    return norm(a) == norm(b)


# --------------------------------------------------------------------------- loading sources

MAX_DOWNLOAD = 50 * 1024 * 1024
FETCH_DEADLINE = 120.0  # seconds for a whole download, however slowly the server dribbles it


def _deadline_transport(end: float) -> Any:
    """An httpx transport whose every socket read and connect is cut off at ``end`` (monotonic).

    httpx's timeouts are per operation: a server sending one byte a second never trips them, in the
    headers or the body. Each read here waits at most until the deadline, then times out."""
    import httpcore
    import httpx

    def left(timeout: float | None) -> float:
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the download deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream):
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, left(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, left(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                      timeout: float | None = None) -> httpcore.NetworkStream:
            return Stream(self._inner.start_tls(ssl_context, server_hostname, left(timeout)))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                        socket_options: Any = None) -> httpcore.NetworkStream:
            return Stream(super().connect_tcp(host, port, left(timeout), local_address, socket_options))

    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=Backend())
    return transport


def load_source(source: bytes | str | Path, what: str = "feed", *, timeout: float = 30.0,
                deadline: float = FETCH_DEADLINE) -> tuple[bytes, str | None]:
    """Bytes of a file path or an http(s) URL (returned as second value, for the show's feed_url).

    ``timeout`` bounds each network operation, ``deadline`` the whole download."""
    if isinstance(source, bytes):
        return source, None
    text = str(source)
    if re.match(r"^https?://", text, re.I):
        url = v.normalize_url(text, what, allow_none=False)
        import httpx

        from sponsortrack import USER_AGENT

        end = time.monotonic() + deadline
        late = ValidationError(what, f"{url} was not downloaded within the {deadline:g} s deadline "
                                     f"(the server sends too slowly); try again later or import a saved file")
        try:
            with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT},
                              transport=_deadline_transport(end)) as client, \
                    client.stream("GET", url) as resp:  # type: ignore[arg-type]
                if resp.status_code >= 400:
                    raise ValidationError(what, f"{url} answered HTTP {resp.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_DOWNLOAD:
                        raise ValidationError(what, f"{url} is larger than {MAX_DOWNLOAD // (1024 * 1024)} MB")
                    if time.monotonic() > end:
                        raise late
                    chunks.append(chunk)
        except httpx.TimeoutException:
            if time.monotonic() >= end:
                raise late from None
            raise ValidationError(what, f"{url} did not answer within {timeout:.0f} s") from None
        except httpx.HTTPError as exc:
            raise ValidationError(what, f"{url} cannot be fetched ({exc.__class__.__name__}: {exc})") from None
        return b"".join(chunks), url
    return tabular.read_bytes(Path(text).expanduser()), None


# --------------------------------------------------------------------------- proposed reads

def _propose(parsed: list[ParsedSponsor], *, episode_key: Any, label: str, air_date: str | None,
             show_id: int, sponsors: _Sponsors, campaigns: _Campaigns,
             already: Counter[int] | None = None) -> list[ProposedRead]:
    """Proposals for one episode's parsed sponsors, minus reads already logged for them."""
    left = Counter(already or {})
    out: list[ProposedRead] = []
    for p in parsed:
        known = sponsors.find(p.name, p.promo_url)
        sid = known["id"] if known else None
        if sid is not None and left[sid] > 0:
            left[sid] -= 1
            continue
        camp = campaigns.running(sid, air_date, show_id) if sid is not None else None
        out.append(ProposedRead(
            episode_key=episode_key, episode_label=label, air_date=air_date,
            sponsor_name=known["name"] if known else p.name, parsed_name=p.name, sponsor_id=sid,
            campaign_id=camp["id"] if camp else None, campaign_name=camp["name"] if camp else None,
            placement=camp["default_placement"] if camp else DEFAULT_PLACEMENT,
            read_type=camp["default_read_type"] if camp else DEFAULT_READ_TYPE,
            promo_url=p.promo_url or (camp["promo_url"] if camp else None),
            promo_code=p.promo_code or (camp["promo_code"] if camp else None),
            offer=p.offer, start_seconds=p.start_seconds, length_seconds=p.length_seconds, found_by=p.why,
        ))
    return out


def _reads_from_proposals(proposals: list[ProposedRead], batch: istore.Batch,
                          positions: dict[tuple[Any, str], int], sponsors: _Sponsors) -> list[str]:
    """Add the selected proposals (and the new sponsors they need) to ``batch``."""
    new_sponsors: dict[str, dict[str, Any]] = {}
    for pr in proposals:
        if not pr.selected:
            continue
        if pr.sponsor_id is None:
            key = name_key(pr.sponsor_name)
            if key not in new_sponsors:
                domains = []
                if pr.promo_url:
                    try:
                        domains = v.parse_domains(v.url_host(pr.promo_url))
                    except ValidationError:
                        domains = []
                new_sponsors[key] = {"key": key, "name": v.name(pr.sponsor_name, "sponsor"), "domains": domains}
            sponsor_ref: Any = ("new", key)
        else:
            sponsor_ref = pr.sponsor_id
        ep_ref = pr.episode_key if isinstance(pr.episode_key, int) else ("new", pr.episode_key)
        pos_key = (pr.episode_key, pr.placement)
        positions[pos_key] = positions.get(pos_key, 0) + 1
        batch.reads.append({
            "episode_id": ep_ref, "sponsor_id": sponsor_ref, "campaign_id": pr.campaign_id,
            "placement": pr.placement, "position": positions[pos_key], "read_type": pr.read_type,
            "start_seconds": read_field("start", pr.start_seconds),
            "length_seconds": read_field("length", pr.length_seconds),
            "promo_url": read_field("promo_url", pr.promo_url), "promo_code": read_field("promo_code", pr.promo_code),
            "status": "aired", "source": SOURCE_SHOW_NOTES,
        })
    batch.sponsors_insert.extend(new_sponsors.values())
    return [s["name"] for s in new_sponsors.values()]


def _positions(store: Store, episode_ids: list[int]) -> dict[tuple[Any, str], int]:
    out: dict[tuple[Any, str], int] = {}
    for r in istore.read_summaries(store, episode_ids):
        key = (r["episode_id"], r["placement"])
        out[key] = max(out.get(key, 0), r["position"])
    return out


# --------------------------------------------------------------------------- RSS

@dataclass
class FeedImportResult:
    show_name: str
    show_created: bool = False
    added: list[str] = field(default_factory=list)  # episode labels
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, changed fields)
    unchanged: int = 0
    proposed: list[ProposedRead] = field(default_factory=list)
    reads_created: int = 0
    sponsors_created: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    applied: bool = False
    written: bool = False
    skipped: int = 0  # items with a problem, left out while the rest were imported (not with strict)
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)  # worth saying, not a problem (a chapters file unreadable)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "show": self.show_name, "show_created": self.show_created, "added": self.added,
            "skipped_items": self.skipped, "dry_run": self.dry_run,
            "changed": [{"episode": lbl, "fields": f} for lbl, f in self.changed], "unchanged": self.unchanged,
            "proposed_reads": [p.to_dict() for p in self.proposed], "reads_created": self.reads_created,
            "sponsors_created": self.sponsors_created, "problems": self.problems, "applied": self.applied,
            "written": self.written, "notes": self.notes,
        }


def import_rss(store: Store, source: bytes | str | Path, *, apply: bool = False, show_name: str | None = None,
               dry_run: bool = False, progress: Progress | None = None, cancelled: Cancelled | None = None,
               selection: Callable[[list[ProposedRead]], list[ProposedRead]] | None = None,
               deadline: float = FETCH_DEADLINE, strict: bool = False) -> FeedImportResult:
    """Create or update a show and its episodes from a feed (keyed by GUID, idempotent).

    The sponsors in each episode's notes become proposed reads (status ``aired``, source "show
    notes"); they are written only with ``apply=True`` (``selection`` may narrow them first).
    An item with a problem is reported and left out while the rest are imported (``skipped`` counts
    them); with ``strict`` any problem means nothing is written. ``dry_run`` writes nothing at all
    (not the show, not its episodes, not the reads) and reports what an import would do.
    """
    progress = progress or _noop_progress
    progress(0, 0, "Reading the feed")
    data, url = load_source(source, "feed", deadline=deadline)
    _check_cancel(cancelled)
    progress(0, 0, "Parsing the feed")
    feed = rss.parse_feed(data)
    name = v.name(show_name or feed.show.title, "show")
    result = FeedImportResult(show_name=name, dry_run=dry_run)
    result.problems = [str(p) for p in feed.problems]
    bad_items = {p.index for p in feed.problems}

    shows = istore.shows(store)
    show = next((s for s in shows if s["name"].casefold() == name.casefold()), None)
    if show is None and url:
        show = next((s for s in shows if s["feed_url"] and _same_url(s["feed_url"], url)), None)
    batch = istore.Batch()
    if show is None:
        result.show_created = True
        batch.show_insert = {"name": name, "website": feed.show.link, "feed_url": url,
                             "description": feed.show.description}
        show_id = istore.NEW_SHOW
        existing: list[dict] = []
    else:
        show_id = show["id"]
        result.show_name = show["name"]
        upd = {}
        if url and not show["feed_url"]:
            upd["feed_url"] = url
        if feed.show.link and not show["website"]:
            upd["website"] = feed.show.link
        if upd:
            batch.show_update = (show_id, upd)
        existing = istore.episodes_of_shows(store, [show_id])
    by_guid = {e["guid"]: e for e in existing if e["guid"]}
    # an episode is (season, number) in its show: numbers restart each season (0 stands for no season)
    by_number = {(e["season"] or 0, e["number"]): e for e in existing if e["number"] is not None}
    website = (show or {}).get("website") or feed.show.link
    exclude = [d for d in (website, url, feed.show.link) if d]

    campaign_rows = istore.campaigns(store)
    sponsors = _Sponsors(istore.sponsors(store), campaign_rows)
    campaigns = _Campaigns(campaign_rows)
    reads_by_episode: dict[int, Counter[int]] = defaultdict(Counter)
    if existing:
        for r in istore.read_summaries(store, [e["id"] for e in existing]):
            reads_by_episode[r["episode_id"]][r["sponsor_id"]] += 1

    from sponsortrack.services import chapters as chsvc

    item_chapters = chsvc.FeedItemChapters(data, deadline=deadline)
    total = len(feed.items)
    numbers_taken: dict[tuple[int, int], str] = {}
    for n, item in enumerate(feed.items, start=1):
        if n % 50 == 0:
            _check_cancel(cancelled)
            progress(n, total, f"Episode {n} of {total}")
        try:
            values = _episode_values(item)
        except ValidationError as exc:
            result.problems.append(f"item {item.index} ({item.title[:60]}): {exc}")
            bad_items.add(item.index)
            continue
        current = by_guid.get(item.guid)
        number = values["number"]
        key_n = (values["season"] or 0, number)
        if current is None and number is not None and key_n not in by_number and values["season"] \
                and (0, number) in by_number and not by_number[(0, number)]["guid"]:
            key_n = (0, number)  # logged by hand without its season: the feed's item gives it one
        if current is None and number is not None and key_n in by_number:
            other = by_number[key_n]
            if other["guid"] in (None, ""):
                current = other  # an episode logged by hand before the import: attach its GUID
                by_number.pop(key_n)
            elif other["guid"] != item.guid:
                values["number"] = None  # the number belongs to another GUID; keep the episode unnumbered
        if values["number"] is not None:
            key_n = (values["season"] or 0, values["number"])
            if key_n in numbers_taken and numbers_taken[key_n] != item.guid:
                values["number"] = None
            else:
                numbers_taken[key_n] = item.guid
        label = episode_label(values["number"], values["title"], values["season"])
        parsed = parse_show_notes(item.notes or "", exclude_domains=exclude, known=sponsors.matcher)
        first = len(result.proposed)  # this item's proposals start here
        if current is None:
            key = ("guid", item.guid)
            batch.episodes_insert.append({"key": key, "show_id": show_id, **values})
            result.added.append(label)
            result.proposed += _propose(parsed, episode_key=key, label=label, air_date=values["published_on"],
                                        show_id=show_id,
                                        sponsors=sponsors, campaigns=campaigns)
        else:
            diff = {k: val for k, val in values.items() if current.get(k) != val and not (
                k in ("number", "season", "duration_seconds", "enclosure_url") and val is None)}
            if diff:
                batch.episodes_update.append((current["id"], diff))
                result.changed.append((label, sorted(diff)))
            else:
                result.unchanged += 1
            result.proposed += _propose(parsed, episode_key=current["id"], label=label,
                                        air_date=values["published_on"], show_id=show_id, sponsors=sponsors,
                                        campaigns=campaigns, already=reads_by_episode.get(current["id"]))
        if item_chapters:
            chapters, note = item_chapters.for_item(item.guid, values["duration_seconds"])
            if note:
                result.notes.append(f"item {item.index} ({item.title[:60]}): {note}")
            if chapters is not None:
                mine = result.proposed[first:]
                ekey = ("guid", item.guid) if current is None else current["id"]
                for line in chsvc.merge_feed_item_chapters(
                        store, chapters, mine, episode_key=ekey, label=label, air_date=values["published_on"],
                        show_id=show_id, episode_id=None if current is None else current["id"]):
                    result.notes.append(f"item {item.index} ({item.title[:60]}): {line}")
                result.proposed[first:] = mine
    result.skipped = len(bad_items)
    if (result.problems and strict) or dry_run:
        return result
    if result.problems and not (result.added or result.changed or result.unchanged):
        return result  # every item has a problem: nothing to import (not even the show)
    _check_cancel(cancelled)
    if apply:
        chosen_ids = {id(p) for p in (selection(result.proposed) if selection else result.proposed)}
        for p in result.proposed:
            p.selected = id(p) in chosen_ids and p.selected
        positions = _positions(store, [e["id"] for e in existing])
        result.sponsors_created = _reads_from_proposals(result.proposed, batch, positions, sponsors)
        result.applied = True
    progress(total, total, "Writing")
    res = istore.write_batch(store, batch)
    result.reads_created = res.reads
    result.written = True
    progress(total, total, "Done")
    return result


def _episode_values(item: rss.FeedItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "title": v.text(item.title, "title", required=True, max_len=500),
        "guid": item.guid,
        "published_on": item.published_on,
        "link": item.link,
        "show_notes": v.text(item.notes, "show_notes", max_len=200_000),
        "season": item.season,
        "duration_seconds": item.duration_seconds,
        "episode_type": item.episode_type or "full",
        "enclosure_url": item.enclosure_url,
        "enclosure_type": item.enclosure_type,
        "enclosure_length": item.enclosure_length,
    }


# --------------------------------------------------------------------------- show notes

@dataclass
class ShowNotesResult:
    sponsors: list[ParsedSponsor]
    matches: list[str | None]  # the known sponsor each one matched, or None (new)
    proposed: list[ProposedRead] = field(default_factory=list)
    episode_label: str | None = None
    reads_created: int = 0
    sponsors_created: list[str] = field(default_factory=list)
    applied: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "episode": self.episode_label,
            "sponsors": [{**p.to_dict(), "known_sponsor": m, "is_new": m is None}
                         for p, m in zip(self.sponsors, self.matches, strict=True)],
            "proposed_reads": [p.to_dict() for p in self.proposed],
            "reads_created": self.reads_created, "sponsors_created": self.sponsors_created, "applied": self.applied,
        }


def import_show_notes(store: Store, text: str | bytes, *, show: str | None = None, episode: object = None,
                      apply: bool = False, save_notes: bool = True,
                      selection: Callable[[list[ProposedRead]], list[ProposedRead]] | None = None,
                      ) -> ShowNotesResult:
    """Parse show notes; with a show and episode, propose reads for it (written with ``apply``)."""
    from sponsortrack.services import catalog as cat

    wrong = sniff.wrong_for_show_notes(text if isinstance(text, bytes) else text[:sniff.HEAD].encode("utf-8"))
    if wrong is not None:
        raise ValidationError("file", wrong)
    if isinstance(text, bytes):
        text, _enc = tabular.decode(text)
    campaign_rows = istore.campaigns(store)
    sponsors = _Sponsors(istore.sponsors(store), campaign_rows)
    ep = None
    exclude: list[str] = []
    if show is not None or episode is not None:
        if show is None or episode is None:
            raise ValidationError("episode", "give both --show and --episode to attach the reads to an episode")
        ep = cat.resolve_episode(store, show, episode)
        sh = cat.get_show(store, ep.show_id)
        exclude = [d for d in (sh.website, sh.feed_url) if d]
    elif apply:
        raise ValidationError("apply", "needs --show and --episode: which episode aired these sponsors?")
    parsed = parse_show_notes(text, exclude_domains=exclude, known=sponsors.matcher)
    matches = [(sponsors.find(p.name, p.promo_url) or {}).get("name") for p in parsed]
    result = ShowNotesResult(parsed, matches)
    if ep is None:
        return result
    result.episode_label = f"{ep.show_name} {ep.label}"
    already: Counter[int] = Counter(r["sponsor_id"] for r in istore.read_summaries(store, [ep.id]))
    campaigns = _Campaigns(campaign_rows)
    result.proposed = _propose(parsed, episode_key=ep.id, label=result.episode_label, air_date=ep.air_date,
                               show_id=ep.show_id, sponsors=sponsors, campaigns=campaigns, already=already)
    if apply:
        if selection is not None:
            chosen_ids = {id(p) for p in selection(result.proposed)}
            for p in result.proposed:
                p.selected = id(p) in chosen_ids
        batch = istore.Batch()
        if save_notes and not (ep.show_notes or "").strip():
            batch.episodes_update.append((ep.id, {"show_notes": v.text(text, "show_notes", max_len=200_000)}))
        result.sponsors_created = _reads_from_proposals(result.proposed, batch, _positions(store, [ep.id]),
                                                        sponsors)
        res = istore.write_batch(store, batch)
        result.reads_created = res.reads
        result.applied = True
    return result


# --------------------------------------------------------------------------- spreadsheets

@dataclass
class TableImportResult:
    kind: str
    rows: int = 0
    encoding: str = "utf-8"
    unused_columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header
    problems: list[RowProblem] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)  # first rows, cleaned
    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # rows already in the database (re-import)
    dry_run: bool = False
    written: bool = False
    new_shows: list[str] = field(default_factory=list)  # created by the import (create_missing)
    new_sponsors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "rows": self.rows, "encoding": self.encoding, "mapping": self.mapping,
            "new_shows": self.new_shows, "new_sponsors": self.new_sponsors,
            "unused_columns": self.unused_columns, "problems": [p.to_dict() for p in self.problems],
            "preview": self.preview, "created": self.created, "skipped": self.skipped, "dry_run": self.dry_run,
            "written": self.written,
        }


def _problem(row: int, exc: SponsortrackError) -> RowProblem:
    fld = getattr(exc, "field", None)
    problem = getattr(exc, "problem", None)
    if fld is not None and problem is not None:
        return RowProblem(row, fld, problem)
    return RowProblem(row, "row", str(exc))


def _open_table(source: bytes | str | Path, kind: tabular.Kind, mapping: Mapping[str, str] | None,
                result: TableImportResult) -> tuple[tabular.Table, tabular.ColumnMap]:
    table = tabular.read_table(source if isinstance(source, bytes) else Path(str(source)).expanduser())
    cmap = tabular.map_columns(kind, table.headers, mapping)
    result.rows = len(table.rows)
    result.encoding = table.encoding
    result.unused_columns = cmap.unused
    result.mapping = {f: table.headers[i] for f, i in cmap.fields.items()}
    result.mapping.update({f"day {d}": table.headers[i] for d, i in cmap.wide_days.items()})
    result.problems.extend(table.problems)
    if not table.rows:
        raise ValidationError("file", "has a header row but no data rows")
    return table, cmap


class _Memo:
    """Validation results of repeated cell values (a spreadsheet repeats sponsors, URLs, placements)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Any] = {}

    def __call__(self, fn: Callable[[str], Any], tag: str, raw: str) -> Any:
        key = (tag, raw)
        try:
            hit = self.cache[key]
        except KeyError:
            try:
                hit = fn(raw)
            except SponsortrackError as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, SponsortrackError):
            raise hit
        return hit


def import_reads_csv(store: Store, source: bytes | str | Path, *, mapping: Mapping[str, str] | None = None,
                     dry_run: bool = False, default_status: str = "aired", progress: Progress | None = None,
                     cancelled: Cancelled | None = None, dates: str = "auto",
                     create_missing: bool = False) -> TableImportResult:
    """Reads from a spreadsheet (CSV or XLSX): show, episode number and sponsor per row (plus optional columns).

    With ``create_missing`` a show or sponsor the database does not have yet is created (listed in
    ``new_shows`` / ``new_sponsors`` for the preview) instead of being a problem.

    Every problem of a row is reported at once. Air dates may be ISO, "5 Mar 2024", or numeric in the
    order ``dates`` says ("us": 3/5/2024 is March 5; "day-first": 5 March); with "auto" the column's
    unambiguous values decide, and a value that still reads both ways is a problem naming both.
    Placements are read as sheets write them ("Pre-roll", "Mid roll", "Post").

    Episodes missing from the database are created when the row gives an air date. Rows already
    logged (same episode, sponsor, placement and position) are skipped, so a re-import adds nothing.
    """
    progress = progress or _noop_progress
    result = TableImportResult(kind="reads", dry_run=dry_run)
    table, cmap = _open_table(source, tabular.READS, mapping, result)
    status_default = v.choice(default_status, "status", v.READ_STATUSES)
    shows = {s["name"].casefold(): s for s in istore.shows(store)}
    sponsors = _Sponsors(istore.sponsors(store))
    campaigns = _Campaigns(istore.campaigns(store))
    memo = _Memo()

    # first pass over shows, to load only their episodes
    show_col = cmap.fields["show"]
    wanted_shows = {shows[c[show_col].strip().casefold()]["id"] for _, c in table.rows
                    if show_col < len(c) and c[show_col].strip().casefold() in shows}
    # an episode is (show, season, number); a sheet names it "62", or "S2E5" in a show with seasons
    episodes = {(e["show_id"], e["season"] or 0, e["number"]): e
                for e in istore.episodes_of_shows(store, wanted_shows, with_notes=False) if e["number"] is not None}
    numbered: dict[tuple[int, int], list[dict]] = defaultdict(list)  # (show, number) -> its seasons' episodes
    for e in episodes.values():
        numbered[(e["show_id"], e["number"])].append(e)
    existing_reads = istore.read_summaries(store, [e["id"] for e in episodes.values()]) if episodes else []
    taken: set[tuple[Any, int, str, int]] = set()
    positions: dict[tuple[Any, str], int] = {}
    logged: Counter[tuple[Any, int, str]] = Counter()
    for r in existing_reads:
        taken.add((r["episode_id"], r["sponsor_id"], r["placement"], r["position"]))
        logged[(r["episode_id"], r["sponsor_id"], r["placement"])] += 1
        key = (r["episode_id"], r["placement"])
        positions[key] = max(positions.get(key, 0), r["position"])

    new_episodes: dict[tuple[Any, int, int], dict[str, Any]] = {}  # (show, season or 0, number)
    seen_in_file: Counter[tuple[Any, int, str]] = Counter()
    reads: list[dict[str, Any]] = []
    problems = result.problems
    total = len(table.rows)
    f = cmap.fields
    has = {k: k in f for k in ("campaign", "placement", "position", "read_type", "start", "length", "promo_url",
                               "promo_code", "status", "units", "episode_title", "air_date", "notes")}

    def cell(rec: dict[str, str], name: str) -> Any:
        """A read's field by the one rule the log screen applies (``reads.read_field``); blank is None."""
        if not has[name]:
            return None
        return memo(lambda raw: read_field(name, raw), name, rec[name])

    order: str | None = dates
    if has["air_date"] and dates == "auto":
        try:
            order, _example = tabular.date_order_of(rec["air_date"] for _, rec in table.records(
                {"air_date": f["air_date"]}))
        except ValidationError as exc:
            raise ValidationError("air_date", exc.problem) from None
    elif dates not in tabular.DATE_ORDERS:
        raise ValidationError("dates", f"{dates!r} is not one of auto, us, day-first")
    order = None if order == "auto" else order
    bad = object()  # a field whose value has a problem (reported; the row is not imported)

    def episode_number(raw: str) -> tuple[int | None, int] | None:
        code = parse_episode_code(raw)  # "S2E5" / "S2 E5": (2, 5)
        if code is not None and code[0] is not None:
            return code
        n = v.positive_int(raw, "episode", maximum=100_000)
        return None if n is None else (None, n)

    def find_episode(show: dict, season: int | None, number: int) -> dict | None:
        if season is not None or (show["id"], 0, number) in episodes:
            return episodes.get((show["id"], season or 0, number))
        seasons = numbered.get((show["id"], number), [])
        if len(seasons) > 1:
            which = ", ".join(episode_code(number, e["season"]) for e in sorted(seasons, key=lambda e: e["season"]))
            raise ValidationError("episode", f"{show['name']} has episode {number} in several seasons ({which}): "
                                             f"write it as S{seasons[-1]['season']}E{number}")
        return seasons[0] if seasons else None

    def sheet_air_date(raw: str) -> str | None:
        return tabular.sheet_date(raw, "air_date", order)

    def episode_title(rec: dict[str, str], number: int) -> str:
        title = v.text(rec["episode_title"], "episode_title", max_len=500) if has["episode_title"] else None
        return title or f"Episode {number}"
    new_shows: dict[str, dict[str, Any]] = {}  # casefold name -> {"id": ("new", key), "name"}
    new_sponsors: dict[str, dict[str, Any]] = {}  # name_key -> {"id": ("new", key), "name"}

    for n, (row, rec) in enumerate(table.records(f), start=1):
        if n % 5000 == 0:
            _check_cancel(cancelled)
            progress(n, total, f"Checked {n:,} of {total:,} rows")
        errors: list[SponsortrackError] = []  # every problem of the row, reported at once

        def get(fn: Callable[..., Any], *args: Any, errors: list[SponsortrackError] = errors) -> Any:
            try:
                return fn(*args)
            except SponsortrackError as exc:
                errors.append(exc)
                return bad

        def need_show(rec: dict[str, str] = rec) -> dict:
            if not rec["show"]:
                raise ValidationError("show", "is required")
            hit = shows.get(rec["show"].casefold()) or new_shows.get(rec["show"].casefold())
            if hit is None and create_missing:
                name = v.name(rec["show"], "show")
                hit = new_shows[name.casefold()] = {"id": ("new", ("show", name.casefold())), "name": name}
            if hit is None:
                raise NotFoundError("show", f"no show named {rec['show'][:60]!r} (add it first, or import with "
                                            "--create-missing)")
            return hit

        def need_sponsor(rec: dict[str, str] = rec) -> dict:
            if not rec["sponsor"]:
                raise ValidationError("sponsor", "is required")
            hit = sponsors.find(rec["sponsor"]) or new_sponsors.get(name_key(rec["sponsor"]))
            if hit is None and create_missing:
                name = v.name(rec["sponsor"], "sponsor")
                hit = new_sponsors[name_key(name)] = {"id": ("new", ("sponsor", name_key(name))), "name": name}
            if hit is None:
                raise NotFoundError("sponsor", f"no sponsor named {rec['sponsor'][:60]!r} (add it first, or "
                                               "import with --create-missing)")
            return hit

        show = get(need_show, rec)
        number = get(memo, episode_number, "ep", rec["episode"])
        sponsor = get(need_sponsor, rec)
        air_date = get(memo, sheet_air_date, "date", rec["air_date"]) if has["air_date"] else None
        # the read's own fields by the one rule the log screen applies (reads.read_field); blank is None.
        # A placement is read as sheets write it ("Pre-roll", "Mid roll", "Post"), then is one of pre/mid/post.
        placement_raw = get(memo, tabular.placement, "placement", rec["placement"]) \
            if has["placement"] and rec["placement"] else None
        read_type = get(cell, rec, "read_type")
        status = get(cell, rec, "status") or status_default
        position = get(cell, rec, "position")
        start = get(cell, rec, "start")
        length = get(cell, rec, "length")
        promo_url_raw = get(cell, rec, "promo_url")
        promo_code_raw = get(cell, rec, "promo_code")
        units = get(cell, rec, "units")
        notes = get(cell, rec, "notes")

        ep_ref: Any = bad
        on = None
        season = None
        if number is not bad and number is not None:
            season, number = number
        ep = get(find_episode, show, season, number) if show is not bad and number is not bad else bad
        if show is not bad and number is not bad and ep is not bad:
            if ep is not None:
                ep_ref, on = ep["id"], ep["published_on"] or ep["recorded_on"]
            else:
                ep_key: tuple[Any, int, int] = (show["id"], season or 0, number)
                if ep_key not in new_episodes:
                    if not air_date or air_date is bad:
                        if air_date is not bad:
                            errors.append(NotFoundError("episode", f"{show['name']} has no episode "
                                                                   f"{episode_code(number, season).lstrip('#')} "
                                                                   "(give an air date column to create it)"))
                    else:
                        title = get(episode_title, rec, number)
                        if title is not bad:
                            new_episodes[ep_key] = {"key": ep_key, "show_id": show["id"], "number": number,
                                                    "season": season, "title": title, "published_on": air_date}
                if ep_key in new_episodes:
                    ep_ref, on = ("new", ep_key), new_episodes[ep_key]["published_on"]
        campaign = None
        if sponsor is not bad:
            if has["campaign"] and rec["campaign"]:
                named = campaigns.named(sponsor["id"], rec["campaign"])
                if not named:
                    errors.append(NotFoundError("campaign", f"{sponsor['name']} has no campaign named "
                                                            f"{rec['campaign'][:60]!r}"))
                campaign = named[0] if named else None
            elif show is not bad:
                campaign = campaigns.running(sponsor["id"], on, show["id"])
        placement = placement_raw or (campaign["default_placement"] if campaign else DEFAULT_PLACEMENT)
        read_type = read_type or (campaign["default_read_type"] if campaign else DEFAULT_READ_TYPE)
        promo_url = promo_url_raw or (campaign["promo_url"] if campaign else None)
        promo_code = promo_code_raw or (campaign["promo_code"] if campaign else None)
        if units not in (None, bad) and campaign and campaign["pricing"] == "cpm":
            get(check_cpm, units, campaign["rate_minor"], campaign["currency"], "units")
        if errors or bad in (ep_ref, placement, read_type, status, position, start, length, promo_url,
                             promo_code, units, notes):
            problems.extend(_problem(row, err) for err in errors)
            continue
        dup_key = (ep_ref if isinstance(ep_ref, int) else ep_ref[1], sponsor["id"], placement)
        seen_in_file[dup_key] += 1
        if isinstance(ep_ref, int):
            if position is not None and (ep_ref, sponsor["id"], placement, position) in taken:
                result.skipped += 1
                continue
            if position is None and seen_in_file[dup_key] <= logged[dup_key]:
                result.skipped += 1
                continue
        pos_key = (dup_key[0], placement)
        if position is None:
            position = positions.get(pos_key, 0) + 1
        positions[pos_key] = max(positions.get(pos_key, 0), position)
        reads.append({
            "episode_id": ep_ref, "sponsor_id": sponsor["id"], "campaign_id": campaign["id"] if campaign else None,
            "placement": placement, "position": position, "read_type": read_type, "start_seconds": start,
            "length_seconds": length, "promo_url": promo_url, "promo_code": promo_code, "status": status,
            "units": units, "source": SOURCE_CSV, "notes": notes,
            "_row": row, "_labels": (show["name"], number if season is None else episode_code(number, season),
                                     sponsor["name"],
                                     campaign["name"] if campaign else None),
        })
    problems.sort(key=lambda p: p.row)
    result.preview = [_read_preview(r) for r in reads[:PREVIEW_ROWS]]
    result.created = {"episodes": len(new_episodes), "reads": len(reads)}
    if create_missing:
        result.new_shows = [sh["name"] for sh in new_shows.values()]
        result.new_sponsors = [sp["name"] for sp in new_sponsors.values()]
        result.created.update(shows=len(new_shows), sponsors=len(new_sponsors))
    if problems or dry_run:
        return result
    _check_cancel(cancelled)
    progress(total, total, f"Writing {len(reads):,} reads")
    batch = istore.Batch(episodes_insert=list(new_episodes.values()), reads=reads,
                         shows_insert=[{"key": sh["id"][1], "name": sh["name"]} for sh in new_shows.values()],
                         sponsors_insert=[{"key": sp["id"][1], "name": sp["name"], "domains": []}
                                          for sp in new_sponsors.values()])
    istore.write_batch(store, batch)
    result.written = True
    progress(total, total, "Done")
    return result


def _read_preview(r: dict[str, Any]) -> dict[str, Any]:
    show, number, sponsor, campaign = r["_labels"]
    return {"row": r["_row"], "show": show, "episode": number, "sponsor": sponsor, "campaign": campaign,
            "placement": r["placement"], "position": r["position"], "read_type": r["read_type"],
            "promo_url": r["promo_url"], "promo_code": r["promo_code"], "status": r["status"],
            "new_episode": not isinstance(r["episode_id"], int)}


def import_campaigns_csv(store: Store, source: bytes | str | Path, *, mapping: Mapping[str, str] | None = None,
                         dry_run: bool = False, progress: Progress | None = None,
                         cancelled: Cancelled | None = None, dates: str = "auto") -> TableImportResult:
    """Campaigns (insertion orders) from a spreadsheet (CSV or XLSX), validated like the campaign form.

    Start and end dates are read like the reads import's air dates (``dates``: auto, us, day-first);
    rates may carry their currency's sign or code ("$1,200.00", "1200 USD")."""
    from sponsortrack.services import campaigns as camp_service

    progress = progress or _noop_progress
    result = TableImportResult(kind="campaigns", dry_run=dry_run)
    table, cmap = _open_table(source, tabular.CAMPAIGNS, mapping, result)
    existing = {(c["sponsor_id"], c["name"].casefold()) for c in istore.campaigns(store)}
    seen: dict[tuple[int, str], int] = {}
    rows: list[dict[str, Any]] = []
    total = len(table.rows)
    if dates not in tabular.DATE_ORDERS:
        raise ValidationError("dates", f"{dates!r} is not one of auto, us, day-first")
    order: str | None = None if dates == "auto" else dates
    date_cols = {k: i for k, i in cmap.fields.items() if k in ("start_date", "end_date")}
    if dates == "auto" and date_cols:
        order, _example = tabular.date_order_of(
            val for _, rec in table.records(date_cols) for val in rec.values())
    for n, (row, rec) in enumerate(table.records(cmap.fields), start=1):
        if n % 200 == 0:
            _check_cancel(cancelled)
            progress(n, total, f"Checked {n} of {total} rows")
        values: dict[str, str | None] = {k: val for k, val in rec.items() if val != ""}
        date_problems = []
        for k in date_cols:
            raw = values.get(k)
            if raw:
                try:
                    values[k] = tabular.sheet_date(raw, k, order)
                except ValidationError as exc:
                    date_problems.append(_problem(row, exc))
        if date_problems:
            result.problems.extend(date_problems)
            continue
        for k in ("sponsor", "name", "start_date", "end_date", "pricing", "rate"):
            values.setdefault(k, "")
        try:
            clean = camp_service.clean_campaign(store, values)
        except SponsortrackError as exc:
            result.problems.append(_problem(row, exc))
            continue
        key = (clean["sponsor_id"], clean["name"].casefold())
        if key in existing:
            result.problems.append(RowProblem(row, "name", f"this sponsor already has a campaign named "
                                                           f"{clean['name']!r}"))
            continue
        if key in seen:
            result.problems.append(RowProblem(row, "name", f"the same campaign is on row {seen[key]}"))
            continue
        seen[key] = row
        rows.append(clean)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"row": row, "sponsor": rec.get("sponsor"), **{
                k: clean.get(k) for k in ("name", "start_date", "end_date", "pricing", "rate_minor", "currency",
                                          "booked_reads", "promo_url", "promo_code")}})
    result.problems.sort(key=lambda p: p.row)
    result.created = {"campaigns": len(rows)}
    if result.problems or dry_run:
        return result
    istore.write_batch(store, istore.Batch(campaigns_insert=rows))
    result.written = True
    progress(total, total, "Done")
    return result


def import_downloads_csv(store: Store, source: bytes | str | Path, *, source_name: str | None = None,
                         mapping: Mapping[str, str] | None = None, dry_run: bool = False,
                         progress: Progress | None = None, cancelled: Cancelled | None = None) -> TableImportResult:
    """Download snapshots (episode, day N, downloads, source) from a hosting provider's export.

    Episodes are named by show and number, or by GUID. Long format (a Day and a Downloads column)
    or wide (one column per day: "Day 7", "Day 30"). Re-importing replaces the same snapshots.
    """
    progress = progress or _noop_progress
    result = TableImportResult(kind="downloads", dry_run=dry_run)
    table, cmap = _open_table(source, tabular.DOWNLOADS, mapping, result)
    default_source = v.text(source_name, "source", max_len=50) or "import"
    f = cmap.fields
    shows = {s["name"].casefold(): s for s in istore.shows(store)}
    by_number: dict[tuple[int, int], dict] = {}
    if "show" in f and "episode" in f:
        ids = [s["id"] for s in shows.values()]
        by_number = {(e["show_id"], e["number"]): e for e in istore.episodes_of_shows(store, ids, with_notes=False)
                     if e["number"] is not None}
    by_guid: dict[str, list[dict]] = defaultdict(list)
    if "guid" in f:
        guids = [c[f["guid"]].strip() for _, c in table.rows if f["guid"] < len(c) and c[f["guid"]].strip()]
        for e in istore.episodes_with_guid(store, guids):
            by_guid[e["guid"]].append(e)
    snapshots: dict[tuple[int, int, str], dict[str, Any]] = {}
    first_row: dict[tuple[int, int, str], int] = {}
    for row, cells in table.rows:
        rec = {k: (cells[i].strip() if i < len(cells) else "") for k, i in f.items()}
        try:
            ep = None
            show = None
            if rec.get("show"):
                show = shows.get(rec["show"].casefold())
                if show is None:
                    raise NotFoundError("show", f"no show named {rec['show'][:60]!r}")
            if rec.get("guid"):
                hits = [e for e in by_guid.get(rec["guid"], []) if show is None or e["show_id"] == show["id"]]
                if len(hits) > 1:
                    raise ValidationError("guid", f"{rec['guid'][:60]!r} names episodes of several shows; "
                                                  "add a Show column")
                ep = hits[0] if hits else None
                if ep is None and not rec.get("episode"):
                    raise NotFoundError("guid", f"no episode with GUID {rec['guid'][:60]!r}")
            if ep is None:
                if show is None:
                    raise ValidationError("show", "is required to find an episode by number")
                number = v.positive_int(rec.get("episode"), "episode", maximum=100_000)
                ep = by_number.get((show["id"], number))
                if ep is None:
                    raise NotFoundError("episode", f"{show['name']} has no episode {number}")
            src = v.text(rec.get("source"), "source", max_len=50) or default_source
            pairs: list[tuple[int, str, str]] = []  # (day, raw downloads, field)
            if "downloads" in f:
                day = v.non_negative_int(rec.get("day"), "day", allow_none=False, maximum=3650)
                pairs.append((day, rec["downloads"], "downloads"))  # type: ignore[arg-type]
            for day, idx in cmap.wide_days.items():
                pairs.append((day, cells[idx].strip() if idx < len(cells) else "", table.headers[idx]))
            for day, raw, fld in pairs:
                if raw == "" and fld != "downloads":
                    continue  # an empty wide cell: not counted yet
                downloads = v.non_negative_int(raw, fld, allow_none=False, maximum=MAX_UNITS)
                key = (ep["id"], day, src)
                if key in snapshots:
                    raise ValidationError(fld, f"day {day} of this episode is also on row {first_row[key]}")
                first_row[key] = row
                snapshots[key] = {"episode_id": ep["id"], "day": day, "downloads": downloads, "source": src}
        except SponsortrackError as exc:
            result.problems.append(_problem(row, exc))
    result.problems.sort(key=lambda p: p.row)
    existing = istore.download_keys(store, {k[0] for k in snapshots})
    result.created = {"snapshots": sum(1 for k in snapshots if k not in existing),
                      "replaced": sum(1 for k in snapshots if k in existing)}
    result.preview = list(snapshots.values())[:PREVIEW_ROWS]
    if result.problems or dry_run:
        return result
    _check_cancel(cancelled)
    istore.write_batch(store, istore.Batch(snapshots=list(snapshots.values())))
    result.written = True
    progress(len(table.rows), len(table.rows), "Done")
    return result


__all__ = [
    "SOURCE_CSV", "SOURCE_SHOW_NOTES", "FeedImportResult", "ImportCancelled", "ProposedRead", "ShowNotesResult",
    "TableImportResult", "import_campaigns_csv", "import_downloads_csv", "import_reads_csv", "import_rss",
    "import_show_notes", "load_source",
]
