"""Reconciliation: the published show notes compared with the reads logged.

``reconcile(store, month=..., campaign_id=...)`` returns plain data (``Reconciliation``) for the
window's reconciliation page, the ``reconcile`` command and the proof-of-performance report's
exceptions.

The matching rules:

- a read logged for a sponsor is *in the notes* when the show-notes parser finds that sponsor there
  (by name, or by a promo link on one of its domains), or when the notes carry, anywhere, the read's
  promo URL, its campaign's promo URL or a link or bare domain on one of the sponsor's domains
  (``fastly.com``, ``www.fastly.com/podcast``, ``https://get.fastly.com``; not ``notfastly.com``);
- a sponsor the parser finds in the notes with no read logged is *in the notes, not logged*;
- an episode with no show notes at all is not a disagreement: it is counted
  (``episodes_without_notes``) and said once, never listed as an exception.
"""

from __future__ import annotations

import dataclasses
import html
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.store import Store
from sponsortrack.store import imports as istore
from sponsortrack.store.models import episode_code

if TYPE_CHECKING:
    from sponsortrack.importers.shownotes import ParsedSponsor

# The show-notes parser (and the sponsor matching built on it) is imported by ``reconcile`` when it runs,
# not with this module: compiling the parser's patterns takes tens of milliseconds, which the window's
# Reconcile page must not spend on the GUI thread when it opens (it reconciles on a worker).
PARSER_MODULE = "sponsortrack.importers.shownotes"
QUICK_EPISODES = 40  # episodes with notes the GUI thread may reconcile itself (once the parser is loaded)

RECON_KINDS = {
    "logged_not_in_notes": "read logged, sponsor not in the show notes",
    "in_notes_not_logged": "sponsor in the show notes, no read logged",
    "promo_url_differs": "promo URL in the show notes differs from the campaign's",
    "promo_code_differs": "promo code in the show notes differs from the campaign's",
}

# host-like words of the notes, with an optional scheme and path: "https://do.co/changelog", "fastly.com."
_LINK = re.compile(r"(?<![\w@.-])(?:[a-z][a-z0-9+.-]*://)?((?:[a-z0-9-]+\.)+[a-z]{2,63})(?![\w-])"
                   r"(/[^\s<>\"'()\[\]{}]*)?", re.I)


def _norm_link(host: str, path: str | None) -> str:
    return v.url_host(host) + "/" + (path or "").strip("/").rstrip(".,;:!?").rstrip("/")


def _url_key(url: str) -> str | None:
    m = _LINK.search(url.strip())
    return _norm_link(m.group(1), m.group(2)) if m else None


class _NotesLinks:
    """The hosts and links of one episode's notes, for the promo-URL and domain rules."""

    def __init__(self, notes: str):
        self.hosts: set[str] = set()
        self.links: set[str] = set()
        for m in _LINK.finditer(notes):
            key = _norm_link(m.group(1), m.group(2))
            self.hosts.add(key.partition("/")[0])
            self.links.add(key)

    def carries_url(self, url: str | None) -> bool:
        key = _url_key(url) if url else None
        return key is not None and key in self.links

    def carries_domain(self, domains: list[str]) -> bool:
        return any(v.host_matches(h, domains) for h in self.hosts)


@dataclass(frozen=True)
class ReconException:
    kind: str
    episode_id: int
    show_name: str
    episode_number: int | None
    episode_title: str
    air_date: str | None
    sponsor_id: int | None
    sponsor_name: str
    read_id: int | None = None
    campaign_id: int | None = None
    in_notes: str | None = None
    expected: str | None = None
    episode_season: int | None = None

    @property
    def episode_code(self) -> str:
        return episode_code(self.episode_number, self.episode_season)

    @property
    def message(self) -> str:
        ep = f"{self.show_name} {self.episode_code}" if self.episode_number else \
            f"{self.show_name} “{self.episode_title}”"
        base = f"{ep} ({self.air_date or 'no date'}): {self.sponsor_name}: {RECON_KINDS[self.kind]}"
        if self.kind in ("promo_url_differs", "promo_code_differs"):
            base += f" (notes: {self.in_notes}; campaign: {self.expected})"
        return base

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["message"] = self.message
        return d


@dataclass
class Reconciliation:
    date_from: str
    date_to: str
    campaign_id: int | None
    episodes_checked: int
    reads_checked: int
    exceptions: list[ReconException]
    without_notes_ids: tuple[int, ...] = ()  # episodes with reads and no notes: nothing to compare, not a disagreement

    @property
    def episodes_without_notes(self) -> int:
        return len(self.without_notes_ids)

    @property
    def clean(self) -> bool:
        return not self.exceptions

    def counts(self) -> dict[str, int]:
        return dict(Counter(e.kind for e in self.exceptions))

    def to_dict(self) -> dict[str, Any]:
        return {"date_from": self.date_from, "date_to": self.date_to, "campaign_id": self.campaign_id,
                "episodes_checked": self.episodes_checked, "reads_checked": self.reads_checked,
                "episodes_without_notes": self.episodes_without_notes, "counts": self.counts(),
                "exceptions": [e.to_dict() for e in self.exceptions]}


class Stopped(Exception):
    """``reconcile``'s ``should_stop`` said so (the window's time budget ran out: a worker does it)."""


def quick(store: Store, date_from: str, date_to: str, show_id: int | None = None) -> bool:
    """Whether reconciling the period costs the GUI thread next to nothing: the parser is loaded already and
    the period holds at most ``QUICK_EPISODES`` episodes with notes (else the window uses a worker)."""
    return PARSER_MODULE in sys.modules and \
        istore.count_episodes_with_notes(store, date_from, date_to, show_id) <= QUICK_EPISODES


def _squash(text: str) -> str:
    """Letters and digits only, accents and case folded as ``name_key`` folds them: "Digital Ocean",
    "DigitalOcean" and "digitalocean.com" all hold "digitalocean"."""
    s = unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", s.casefold())


def _needles(sponsor: dict, campaigns: list[dict], name_key: Callable[[str], str]) -> list[str] | None:
    """What notes must hold (squashed) for the parser or the matching to find this sponsor in them: the first
    word of its name and of each alias (a parsed "Brave" matches a known "Brave Browser"), its domains, its
    campaigns' promo hosts. ``None`` when that cannot be told (a name with no Latin letters): every episode
    is parsed."""
    out = []
    for spelling in (sponsor["name"], *(sponsor.get("aliases") or ())):
        words = name_key(spelling).split()
        first = _squash(words[0]) if words else ""
        if not first or not first.isascii() or not words[0].isascii():
            return None
        out.append(first)
    out += [_squash(d) for d in sponsor.get("domains") or []]
    out += [_squash(v.url_host(c["promo_url"])) for c in campaigns if c.get("promo_url")]
    return [n for n in out if n]


def reconcile(store: Store, *, month: str | None = None, campaign_id: int | None = None,
              date_from: str | None = None, date_to: str | None = None, show: str | int | None = None,
              sponsor_id: int | None = None, should_stop: Callable[[], bool] | None = None) -> Reconciliation:
    """Compare published show notes with logged reads for a month, a campaign or a date range.

    Exceptions: reads logged whose sponsor the notes do not name; sponsors the notes name with no
    read logged; a promo URL or code in the notes that differs from the campaign's. For a campaign,
    only its sponsor is checked, over its flight (and its show, when it has one).

    For one sponsor (``sponsor_id``, a campaign, the proof of performance) the work is that sponsor's: only
    the notes that can name it (they hold its name, a domain or a promo host of it) or that go with a read
    of it are parsed, not the whole network's month. The parser is told every sponsor the database knows
    (names, domains, campaigns' promo URLs), so a known sponsor is recognised by its link alone.
    """
    from sponsortrack.importers.shownotes import name_key, parse_show_notes
    from sponsortrack.services import catalog as cat
    from sponsortrack.services.imports.matching import Campaigns, Sponsors, same_url

    show_id = cat.resolve_show(store, show).id if show not in (None, "") else None  # type: ignore[arg-type]
    camp = None
    if campaign_id is not None:
        camp = istore.campaign_row(store, int(campaign_id))
        if camp is None:
            raise NotFoundError("campaign", f"no campaign with id {campaign_id}")
        sponsor_id = camp["sponsor_id"]
        show_id = show_id or camp["show_id"]
    if month is not None:
        lo, hi = v.month_bounds(v.parse_month(month))
    elif date_from or date_to:
        lo = v.parse_date(date_from or "1900-01-01", "from") or "1900-01-01"
        hi = v.parse_date(date_to or "2999-12-31", "to") or "2999-12-31"
    elif camp is not None:
        lo, hi = camp["start_date"], camp["end_date"]
    else:
        raise ValidationError("month", "give a month (YYYY-MM), a campaign or a date range")
    if camp is not None:
        lo, hi = max(lo, camp["start_date"]), min(hi, camp["end_date"])

    # For one sponsor, only its reads and the episodes that can hold its exceptions (with notes, or
    # with a read of it) are read: the rest of the network's month cannot name it.
    def check() -> None:
        if should_stop is not None and should_stop():
            raise Stopped

    episodes = istore.reconciliation_episodes(store, lo, hi, show_id, sponsor_id) if lo <= hi else []
    check()
    reads = istore.reconciliation_reads(store, [e["id"] for e in episodes], sponsor_id)
    check()
    campaign_rows = istore.campaigns(store)
    sponsors = Sponsors(istore.sponsors(store), campaign_rows)
    check()
    campaigns = Campaigns(campaign_rows)
    camp_by_id = {c["id"]: c for cs in campaigns.by_sponsor.values() for c in cs}
    needles = None
    if sponsor_id is not None and sponsor_id in sponsors.by_id:
        needles = _needles(sponsors.by_id[sponsor_id], campaigns.by_sponsor.get(sponsor_id, []), name_key)
    reads_by_ep: dict[int, list[dict]] = defaultdict(list)
    for r in reads:
        if sponsor_id is not None and r["sponsor_id"] != sponsor_id:
            continue
        if r["status"] not in DELIVERED_STATUSES:
            continue  # not aired (yet) or already flagged as wrong
        reads_by_ep[r["episode_id"]].append(r)
    out: list[ReconException] = []
    checked_reads = 0
    without_notes: list[int] = []
    for ep in episodes:
        check()
        ep_reads = reads_by_ep.get(ep["id"], [])
        checked_reads += len(ep_reads)

        def exc(kind: str, sid: int | None, sname: str, ep: dict = ep, **extra: Any) -> ReconException:
            return ReconException(kind=kind, episode_id=ep["id"], show_name=ep["show_name"],
                                  episode_number=ep["number"], episode_season=ep.get("season"),
                                  episode_title=ep["title"], air_date=ep["air_date"],
                                  sponsor_id=sid, sponsor_name=sname, **extra)

        notes = (ep["show_notes"] or "").strip()
        if not notes:
            if ep_reads:
                without_notes.append(ep["id"])
            continue
        if needles is not None and not ep_reads:
            squashed = _squash(notes)
            if not any(n in squashed for n in needles):
                continue  # these notes cannot name the sponsor: nothing of it to compare
        parsed = parse_show_notes(notes, exclude_domains=[ep["website"]] if ep["website"] else [],
                                  known=sponsors.matcher)
        in_notes: dict[int | str, ParsedSponsor] = {}
        for p in parsed:
            known = sponsors.find(p.name, p.promo_url)
            key: int | str = known["id"] if known else name_key(p.name)
            if sponsor_id is not None and key != sponsor_id:
                continue
            in_notes.setdefault(key, p)
        logged_sponsors = {r["sponsor_id"] for r in ep_reads}
        links = _NotesLinks(notes)
        for r in ep_reads:
            if r["sponsor_id"] in in_notes:
                continue
            read_camp = camp_by_id.get(r["campaign_id"])
            sp = sponsors.by_id.get(r["sponsor_id"]) or {}
            camp_url = read_camp["promo_url"] if read_camp else None
            if not (links.carries_url(r["promo_url"]) or links.carries_url(camp_url)
                    or links.carries_domain(sp.get("domains") or [])):
                out.append(exc("logged_not_in_notes", r["sponsor_id"], r["sponsor_name"], read_id=r["id"],
                               campaign_id=r["campaign_id"]))
        for key, p in in_notes.items():
            if isinstance(key, str) or key not in logged_sponsors:
                sid = key if isinstance(key, int) else None
                sname = sponsors.by_id[key]["name"] if isinstance(key, int) else p.name
                out.append(exc("in_notes_not_logged", sid, sname, in_notes=p.promo_url))
                continue
            # compare with the campaign: the read's, else the one running that day
            read_camps = [camp_by_id[r["campaign_id"]] for r in ep_reads
                          if r["sponsor_id"] == key and r["campaign_id"] in camp_by_id]
            c = read_camps[0] if read_camps else campaigns.running(key, ep["air_date"], ep["show_id"])
            if c is None:
                continue
            sname = sponsors.by_id[key]["name"]
            rid = next((r["id"] for r in ep_reads if r["sponsor_id"] == key), None)  # the read to open
            if p.promo_url and c["promo_url"] and not same_url(p.promo_url, c["promo_url"]):
                out.append(exc("promo_url_differs", key, sname, campaign_id=c["id"], in_notes=p.promo_url,
                               expected=c["promo_url"], read_id=rid))
            if p.promo_code and c["promo_code"] and p.promo_code.casefold() != c["promo_code"].casefold():
                out.append(exc("promo_code_differs", key, sname, campaign_id=c["id"], in_notes=p.promo_code,
                               expected=c["promo_code"], read_id=rid))
    checked_episodes = len(episodes) if sponsor_id is None else (
        istore.count_reconciliation_episodes(store, lo, hi, show_id) if lo <= hi else 0)
    return Reconciliation(lo, hi, camp["id"] if camp else None, checked_episodes, checked_reads, out,
                          without_notes_ids=tuple(without_notes))


def reconcile_for_pop(store: Store, sponsor_id: int, month: str) -> list[dict[str, Any]]:
    """The exceptions of one sponsor for a month, as plain dicts for the proof-of-performance report, and
    one ``{"kind": "no_show_notes", "episode_id": ...}`` per episode of its reads without notes on file (the
    report must not say the notes of every episode were compared when some had none)."""
    rec = reconcile(store, month=month, sponsor_id=sponsor_id)
    return [e.to_dict() for e in rec.exceptions] + [
        {"kind": "no_show_notes", "episode_id": eid} for eid in rec.without_notes_ids]


__all__ = ["RECON_KINDS", "ReconException", "Reconciliation", "Stopped", "quick", "reconcile", "reconcile_for_pop"]
