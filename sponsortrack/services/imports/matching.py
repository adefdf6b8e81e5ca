"""Known sponsors and campaigns as an import or a reconciliation meets them, and the reads proposed from
parsed show notes (the log screen's rules: the campaign running that day gives placement, read type,
promo URL and code)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.importers.shownotes import ParsedSponsor, SponsorMatcher, name_key
from sponsortrack.services import campaigns as camp_rules
from sponsortrack.services.imports.common import SOURCE_SHOW_NOTES
from sponsortrack.services.reads import DEFAULT_PLACEMENT, DEFAULT_READ_TYPE, ProposedRead, read_field
from sponsortrack.store import Store
from sponsortrack.store import imports as istore


class Sponsors:
    """Known sponsors by exact name, fuzzy name or alias (SponsorMatcher) and promo-link domain; ``rows``
    as ``store.imports.sponsors`` gives them (``aliases`` from schema v10 on)."""

    def __init__(self, rows: list[dict], campaigns: list[dict] | None = None):
        self.by_id = {r["id"]: r for r in rows}
        self.by_name = {r["name"].casefold(): r for r in rows}
        promo_urls: dict[int, list[str]] = defaultdict(list)
        for c in campaigns or ():
            if c.get("promo_url"):
                promo_urls[c["sponsor_id"]].append(c["promo_url"])
        # names, aliases, domains and the campaigns' promo URLs, so the parser recognises a known sponsor
        # by any name it goes by or by its link
        self.matcher = SponsorMatcher()
        for r in rows:
            self.matcher.add(r["name"], domains=r.get("domains") or [], aliases=r.get("aliases") or [],
                             urls=promo_urls.get(r["id"], []))
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


class Campaigns:
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


def same_url(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True

    def norm(u: str) -> str:
        s = re.sub(r"^https?://(www\.)?", "", u.strip(), flags=re.I)
        host, _, rest = s.partition("/")
        return host.lower() + "/" + rest.rstrip("/")

    return norm(a) == norm(b)


def propose(parsed: list[ParsedSponsor], *, episode_key: Any, label: str, air_date: str | None,
             show_id: int, sponsors: Sponsors, campaigns: Campaigns,
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


def reads_from_proposals(proposals: list[ProposedRead], batch: istore.Batch,
                          positions: dict[tuple[Any, str], int], sponsors: Sponsors) -> list[str]:
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


def last_positions(store: Store, episode_ids: list[int]) -> dict[tuple[Any, str], int]:
    out: dict[tuple[Any, str], int] = {}
    for r in istore.read_summaries(store, episode_ids):
        key = (r["episode_id"], r["placement"])
        out[key] = max(out.get(key, 0), r["position"])
    return out
