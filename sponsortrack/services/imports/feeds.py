"""RSS feeds and one episode's show notes: episodes created or updated, sponsors proposed as reads."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.importers import rss, sniff, tabular
from sponsortrack.importers.shownotes import ParsedSponsor, parse_show_notes
from sponsortrack.services.imports.common import Cancelled, Progress, check_cancel, noop_progress
from sponsortrack.services.imports.matching import (
    Campaigns,
    Sponsors,
    last_positions,
    propose,
    reads_from_proposals,
    same_url,
)
from sponsortrack.services.imports.sources import FETCH_DEADLINE, load_source
from sponsortrack.services.reads import ProposedRead
from sponsortrack.store import Store
from sponsortrack.store import imports as istore
from sponsortrack.store.models import episode_label


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
    progress = progress or noop_progress
    progress(0, 0, "Reading the feed")
    data, url = load_source(source, "feed", deadline=deadline)
    check_cancel(cancelled)
    progress(0, 0, "Parsing the feed")
    feed = rss.parse_feed(data)
    name = v.name(show_name or feed.show.title, "show")
    result = FeedImportResult(show_name=name, dry_run=dry_run)
    result.problems = [str(p) for p in feed.problems]
    bad_items = {p.index for p in feed.problems}

    shows = istore.shows(store)
    show = next((s for s in shows if s["name"].casefold() == name.casefold()), None)
    if show is None and url:
        show = next((s for s in shows if s["feed_url"] and same_url(s["feed_url"], url)), None)
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
    sponsors = Sponsors(istore.sponsors(store), campaign_rows)
    campaigns = Campaigns(campaign_rows)
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
            check_cancel(cancelled)
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
            result.proposed += propose(parsed, episode_key=key, label=label, air_date=values["published_on"],
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
            result.proposed += propose(parsed, episode_key=current["id"], label=label,
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
    check_cancel(cancelled)
    if apply:
        chosen_ids = {id(p) for p in (selection(result.proposed) if selection else result.proposed)}
        for p in result.proposed:
            p.selected = id(p) in chosen_ids and p.selected
        positions = last_positions(store, [e["id"] for e in existing])
        result.sponsors_created = reads_from_proposals(result.proposed, batch, positions, sponsors)
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
    sponsors = Sponsors(istore.sponsors(store), campaign_rows)
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
    campaigns = Campaigns(campaign_rows)
    result.proposed = propose(parsed, episode_key=ep.id, label=result.episode_label, air_date=ep.air_date,
                               show_id=ep.show_id, sponsors=sponsors, campaigns=campaigns, already=already)
    if apply:
        if selection is not None:
            chosen_ids = {id(p) for p in selection(result.proposed)}
            for p in result.proposed:
                p.selected = id(p) in chosen_ids
        batch = istore.Batch()
        if save_notes and not (ep.show_notes or "").strip():
            batch.episodes_update.append((ep.id, {"show_notes": v.text(text, "show_notes", max_len=200_000)}))
        result.sponsors_created = reads_from_proposals(result.proposed, batch, last_positions(store, [ep.id]),
                                                        sponsors)
        res = istore.write_batch(store, batch)
        result.reads_created = res.reads
        result.applied = True
    return result
