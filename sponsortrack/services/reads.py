"""Ad reads: log a batch for an episode, propose reads from running campaigns, edit, list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, SponsortrackError, ValidationError
from sponsortrack.money import check_cpm, minor_units, parse_money
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.store import Store
from sponsortrack.store import reads as rstore
from sponsortrack.store.models import AdRead, Episode, ReadRow
from sponsortrack.store.reads import ReadFilter

READ_FIELDS = {
    "sponsor", "sponsor_id", "campaign", "campaign_id", "placement", "position", "read_type", "start",
    "start_seconds", "length", "length_seconds", "promo_url", "promo_code", "status", "make_good_of", "units",
    "units_source", "units_window_days", "price_override", "price_override_minor", "source", "notes",
}


@dataclass
class ProposedRead:
    """A read the log screen proposes for an episode, from a campaign running on its date."""

    sponsor_id: int
    sponsor_name: str
    campaign_id: int | None
    campaign_name: str | None
    placement: str
    read_type: str
    promo_url: str | None
    promo_code: str | None
    selected: bool = True
    start_seconds: int | None = None   # from a chapter marker (services.chapters)
    length_seconds: int | None = None

    def as_values(self) -> dict[str, Any]:
        out = {"sponsor_id": self.sponsor_id, "campaign_id": self.campaign_id, "placement": self.placement,
               "read_type": self.read_type, "promo_url": self.promo_url, "promo_code": self.promo_code}
        if self.start_seconds is not None:
            out["start_seconds"] = self.start_seconds
        if self.length_seconds is not None:
            out["length_seconds"] = self.length_seconds
        return out


def clean_read(store: Store, episode: Episode, values: dict[str, Any], *,
               current: AdRead | None = None) -> dict[str, Any]:
    """Validate one read's fields for an episode. Fills campaign defaults on a new read."""
    cat._only(values, READ_FIELDS)
    partial = current is not None
    out: dict[str, Any] = {}
    sponsor = None
    if "sponsor" in values or "sponsor_id" in values or not partial:
        ref = values.get("sponsor", values.get("sponsor_id"))
        if ref is None or ref == "":
            raise ValidationError("sponsor", "is required")
        sponsor = cat.resolve_sponsor(store, ref)
        out["sponsor_id"] = sponsor.id
    sponsor_id = out.get("sponsor_id", current.sponsor_id if current else None)
    campaign = None
    if "campaign" in values or "campaign_id" in values:
        ref = values.get("campaign", values.get("campaign_id"))
        if ref not in (None, ""):
            campaign = camp.resolve_campaign(store, ref, sponsor_id=sponsor_id)
            if campaign.sponsor_id != sponsor_id:
                raise ValidationError("campaign", f"campaign {campaign.name!r} belongs to another sponsor")
        out["campaign_id"] = campaign.id if campaign else None
    elif not partial:
        # No campaign named: take the sponsor's campaign running on the episode's date, when exactly one.
        if episode.air_date:
            running = [c for c in camp.active_campaigns(store, episode.air_date, episode.show_id)
                       if c.sponsor_id == sponsor_id]
            if len(running) == 1:
                campaign = running[0]
        out["campaign_id"] = campaign.id if campaign else None
    if "placement" in values or not partial:
        default = campaign.default_placement if campaign else None
        out["placement"] = v.choice(values.get("placement"), "placement", v.PLACEMENTS, default=default)
    if "read_type" in values or not partial:
        default = campaign.default_read_type if campaign else "host"
        out["read_type"] = v.choice(values.get("read_type"), "read_type", v.READ_TYPES, default=default)
    if "position" in values and values["position"] not in (None, ""):
        out["position"] = v.positive_int(values["position"], "position", maximum=99)
    for short, col in (("start", "start_seconds"), ("length", "length_seconds")):
        if short in values or col in values:
            out[col] = v.parse_duration(values.get(short, values.get(col)), short)
            if out[col] is not None and out[col] > 24 * 3600:
                raise ValidationError(short, "is longer than a day")
    if "promo_url" in values:
        out["promo_url"] = v.normalize_url(values["promo_url"], "promo_url")
    elif not partial:
        out["promo_url"] = campaign.promo_url if campaign else None
    if "promo_code" in values:
        out["promo_code"] = v.promo_code(values["promo_code"], "promo_code")
    elif not partial:
        out["promo_code"] = campaign.promo_code if campaign else None
    if "status" in values or not partial:
        out["status"] = v.choice(values.get("status"), "status", v.READ_STATUSES, default="recorded")
    if "make_good_of" in values:
        ref = values["make_good_of"]
        if ref in (None, ""):
            out["make_good_of"] = None
        else:
            rid = v.positive_int(ref, "make_good_of")
            original = rstore.get_read(store, rid)  # type: ignore[arg-type]
            if original is None:
                raise ValidationError("make_good_of", f"there is no read {rid}")
            if original.sponsor_id != sponsor_id:
                raise ValidationError("make_good_of", f"read {rid} is another sponsor's")
            if current is not None and rid == current.id:
                raise ValidationError("make_good_of", "a read cannot make good for itself")
            out["make_good_of"] = rid
    if "units" in values:
        out["units"] = v.non_negative_int(values["units"], "units", maximum=10**11)
        eff = campaign
        if eff is None and "campaign_id" not in out and current is not None and current.campaign_id:
            eff = camp.get_campaign(store, current.campaign_id)
        if out["units"] is not None and eff is not None and eff.pricing == "cpm":
            check_cpm(out["units"], eff.rate_minor, eff.currency, "units")
    if "units_source" in values:
        out["units_source"] = v.text(values["units_source"], "units_source", max_len=100)
    if "units_window_days" in values:
        out["units_window_days"] = v.positive_int(values["units_window_days"], "units_window_days",
                                                  allow_none=True, maximum=3650)
    if "price_override" in values or "price_override_minor" in values:
        raw = values.get("price_override", values.get("price_override_minor"))
        if raw in (None, ""):
            out["price_override_minor"] = None
        else:
            currency = campaign.currency if campaign else "USD"
            if "price_override_minor" in values:
                out["price_override_minor"] = minor_units(raw, "price_override")
            else:
                out["price_override_minor"] = parse_money(raw, currency, "price_override")
    if "source" in values:
        out["source"] = v.text(values["source"], "source", max_len=50) or "manual"
    if "notes" in values:
        out["notes"] = v.text(values["notes"], "notes", max_len=10_000)
    return out


def log_reads(store: Store, episode_id: int, reads: list[dict[str, Any]]) -> list[int]:
    """Log several reads of one episode in one transaction: all are saved, or none."""
    episode = cat.get_episode(store, episode_id)
    if not reads:
        raise ValidationError("reads", "nothing to log")
    rows = []
    for i, values in enumerate(reads, start=1):
        try:
            clean = clean_read(store, episode, values)
        except SponsortrackError as exc:
            prefix = f"read {i} " if len(reads) > 1 else ""
            field = getattr(exc, "field", None)
            if field is not None:
                raise type(exc)(f"{prefix}{field}", exc.problem) from None  # type: ignore[call-arg,attr-defined]
            raise
        # a read without a position is numbered inside the insert's write transaction (store)
        clean["episode_id"] = episode.id
        rows.append(clean)
    return rstore.insert_reads(store, rows)


def log_read(store: Store, episode_id: int, **values: Any) -> int:
    return log_reads(store, episode_id, [values])[0]


def _existing(store: Store, read_id: int) -> AdRead:
    read = rstore.get_read(store, read_id)
    if read is None:
        raise NotFoundError("read", f"there is no read {read_id}")
    return read


def edit_read(store: Store, read_id: int, **changes: Any) -> ReadRow:
    """Edit one read. A billed read (its invoice issued or paid) keeps every figure: the store's lock
    trigger refuses the change inside the write itself, naming the invoice; only its notes can change."""
    current = _existing(store, read_id)
    episode = cat.get_episode(store, current.episode_id)
    clean = clean_read(store, episode, changes, current=current)
    rstore.update_read(store, read_id, clean)
    return rstore.get_read_row(store, read_id)  # type: ignore[return-value]


def delete_reads(store: Store, read_ids: list[int]) -> list[dict[str, Any]]:
    """Delete reads in one transaction; returns the full rows (for undo). A billed read is refused by
    the store's lock trigger, naming its invoice."""
    for rid in read_ids:
        _existing(store, rid)
    rows = rstore.raw_reads(store, read_ids)
    rstore.delete_reads(store, read_ids)
    return rows


def get_read(store: Store, read_id: int) -> ReadRow:
    row = rstore.get_read_row(store, read_id)
    if row is None:
        raise NotFoundError("read", f"there is no read {read_id}")
    return row


def _proposals(store: Store, day: str, show_id: int, logged: set[tuple[int, int | None]]) -> list[ProposedRead]:
    """One proposed read per campaign running on ``day`` for the show, skipping (sponsor, campaign) pairs
    already logged; pre-rolls first, then by sponsor."""
    out = [ProposedRead(sponsor_id=c.sponsor_id, sponsor_name=c.sponsor_name or "", campaign_id=c.id,
                        campaign_name=c.name, placement=c.default_placement, read_type=c.default_read_type,
                        promo_url=c.promo_url, promo_code=c.promo_code)
           for c in camp.active_campaigns(store, day, show_id) if (c.sponsor_id, c.id) not in logged]
    order = {"pre": 0, "mid": 1, "post": 2}
    out.sort(key=lambda p: (order[p.placement], p.sponsor_name.lower()))
    return out


def proposals_for_episode(store: Store, episode_id: int) -> list[ProposedRead]:
    """Reads proposed for an episode: every campaign running on its date not yet logged on it."""
    episode = cat.get_episode(store, episode_id)
    if not episode.air_date:
        return []
    logged = {(r.sponsor_id, r.campaign_id) for r in rstore.reads_for_episode(store, episode_id)}
    return _proposals(store, episode.air_date, episode.show_id, logged)


def proposals_for_date(store: Store, show_id: int, on: str) -> list[ProposedRead]:
    """Proposals for a new episode not saved yet (the log screen's blank episode)."""
    return _proposals(store, v.parse_date(on, "date") or "", show_id, set())


def read_filter(store: Store, *, month: str | None = None, date_from: str | None = None,
                date_to: str | None = None, sponsor: str | int | None = None, show: str | int | None = None,
                campaign: str | int | None = None, status: str | None = None, search: str | None = None,
                unbilled: bool = False) -> ReadFilter:
    """Turn user filters (names, YYYY-MM) into a store filter, validating each."""
    flt = ReadFilter(search=v.text(search, "search", max_len=200), unbilled=unbilled)
    if month is not None:
        flt.date_from, flt.date_to = v.month_bounds(v.parse_month(month, "month"))
    if date_from is not None:
        flt.date_from = v.parse_date(date_from, "from")
    if date_to is not None:
        flt.date_to = v.parse_date(date_to, "to")
    if sponsor not in (None, ""):
        flt.sponsor_id = cat.resolve_sponsor(store, sponsor).id  # type: ignore[arg-type]
    if show not in (None, ""):
        flt.show_id = cat.resolve_show(store, show).id  # type: ignore[arg-type]
    if campaign not in (None, ""):
        flt.campaign_id = camp.resolve_campaign(store, campaign).id  # type: ignore[arg-type]
    if status not in (None, ""):
        flt.status = v.choice(status, "status", v.READ_STATUSES)
    return flt


def list_reads(store: Store, *, sort: str = "air_date", descending: bool = True, limit: int | None = None,
               offset: int = 0, **filters: Any) -> list[ReadRow]:
    return rstore.list_reads(store, read_filter(store, **filters), sort=sort, descending=descending,
                             limit=limit, offset=offset)


def count_reads(store: Store, **filters: Any) -> int:
    return rstore.count_reads(store, read_filter(store, **filters))
