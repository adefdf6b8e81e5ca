"""Ad reads: log a batch for an episode, propose reads from running campaigns, edit, list."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, SponsortrackError, ValidationError
from sponsortrack.importers.sheet_values import sheet_count
from sponsortrack.money import MAX_UNITS, check_cpm, minor_units, parse_money
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.store import Store, changelog
from sponsortrack.store import reads as rstore
from sponsortrack.store.models import AdRead, Campaign, ChangeLogEntry, Episode, ReadRow, Sponsor
from sponsortrack.store.reads import ReadFilter

READ_FIELDS = {
    "sponsor", "sponsor_id", "campaign", "campaign_id", "placement", "position", "read_type", "start",
    "start_seconds", "length", "length_seconds", "promo_url", "promo_code", "status", "make_good_of", "units",
    "units_source", "units_window_days", "price_override", "price_override_minor", "source", "notes",
}


MAX_READ_SECONDS = 24 * 3600  # a read's start offset or length
DEFAULT_PLACEMENT = "mid"  # a read proposed without a campaign (the log screen, imports)
DEFAULT_READ_TYPE = "host"


def _duration(value: object, field: str) -> int | None:
    seconds = v.parse_duration(value, field)
    if seconds is not None and seconds > MAX_READ_SECONDS:
        raise ValidationError(field, "is longer than a day")
    return seconds


def _choice(options: tuple[str, ...]) -> Callable[[object, str], str | None]:
    def check(value: object, field: str) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return v.choice(value, field, options)
    return check


_FIELD_CHECKS: dict[str, Callable[[object, str], Any]] = {
    "placement": _choice(v.PLACEMENTS),
    "read_type": _choice(v.READ_TYPES),
    "status": _choice(v.READ_STATUSES),
    "position": lambda x, f: v.positive_int(x, f, allow_none=True, maximum=99),
    "start": _duration,
    "length": _duration,
    "promo_url": lambda x, f: v.normalize_url(x, f),
    "promo_code": lambda x, f: v.promo_code(x, f),
    # typed or from a sheet: "15,000" and "15 000" are 15000, as a downloads sheet's counts (one reader)
    "units": lambda x, f: v.non_negative_int(sheet_count(x, f) if isinstance(x, str) else x, f, maximum=MAX_UNITS),
    "units_source": lambda x, f: v.text(x, f, max_len=100),
    "units_window_days": lambda x, f: v.positive_int(x, f, allow_none=True, maximum=3650),
    "source": lambda x, f: v.text(x, f, max_len=50),
    "notes": lambda x, f: v.text(x, f, max_len=10_000),
}


def read_field(name: str, value: object) -> Any:
    """One field of a read checked on its own (no episode or campaign needed): the single rule the log
    screen, the CLI and every importer apply. Blank is None (the caller picks the default); a bad value
    raises ``ValidationError(name, problem)``."""
    return _FIELD_CHECKS[name](value, name)


@dataclass
class ProposedRead:
    """A read proposed to the producer, ticked (``selected``) or not: on the log screen from the campaigns
    running on the episode's date, in imports from the sponsors read out of show notes."""

    sponsor_id: int | None  # None: a sponsor named in show notes and not known yet, created when applied
    sponsor_name: str  # the known sponsor's name, or the parsed name when new
    campaign_id: int | None
    campaign_name: str | None
    placement: str
    read_type: str
    promo_url: str | None
    promo_code: str | None
    selected: bool = True
    # imports only: which episode, and what the show notes said
    episode_key: Any = None  # episode id, or ("guid", guid) for an episode created by the same import
    episode_label: str = ""
    air_date: str | None = None
    parsed_name: str = ""
    offer: str | None = None
    start_seconds: int | None = None  # from show notes or a chapter marker (services.chapters)
    length_seconds: int | None = None
    found_by: str = ""  # why the parser proposed it: "listed under a sponsor heading (line 14)"

    @property
    def is_new_sponsor(self) -> bool:
        return self.sponsor_id is None

    def as_values(self) -> dict[str, Any]:
        out = {"sponsor_id": self.sponsor_id, "campaign_id": self.campaign_id, "placement": self.placement,
               "read_type": self.read_type, "promo_url": self.promo_url, "promo_code": self.promo_code}
        if self.start_seconds is not None:
            out["start_seconds"] = self.start_seconds
        if self.length_seconds is not None:
            out["length_seconds"] = self.length_seconds
        return out

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        if not isinstance(self.episode_key, int | None):
            d["episode_key"] = str(self.episode_key[1])
        d["is_new_sponsor"] = self.is_new_sponsor
        return d


def propose(campaign: Campaign | None, sponsor_id: int, sponsor_name: str) -> ProposedRead:
    """A read of a sponsor proposed with its campaign's defaults (placement, read type, promo URL and code),
    or the defaults without a campaign (mid-roll, host read)."""
    return ProposedRead(
        sponsor_id=sponsor_id, sponsor_name=sponsor_name, campaign_id=campaign.id if campaign else None,
        campaign_name=campaign.name if campaign else None,
        placement=campaign.default_placement if campaign else DEFAULT_PLACEMENT,
        read_type=campaign.default_read_type if campaign else DEFAULT_READ_TYPE,
        promo_url=campaign.promo_url if campaign else None, promo_code=campaign.promo_code if campaign else None)


def find_sponsor(store: Store, name: str) -> Sponsor:
    """The sponsor a producer typed: the exact name, else the one name containing it (any case)."""
    text = v.text(name, "sponsor", required=True, max_len=v.MAX_NAME) or ""
    known = cat.list_sponsors(store)
    low = text.casefold()
    hit = next((s for s in known if s.name == text), None) or next(
        (s for s in known if s.name.casefold() == low), None)
    if hit is None:
        matches = [s for s in known if low in s.name.casefold()]
        if len(matches) == 1:
            hit = matches[0]
        elif matches:
            names = ", ".join(sorted((s.name for s in matches), key=str.casefold)[:5])
            raise ValidationError("sponsor", f"“{text}” matches {len(matches)} sponsors ({names}); type more of "
                                             "the name")
    if hit is None:
        raise NotFoundError("sponsor", f"no sponsor named “{text}” (add it on the Sponsors page)")
    return hit


def propose_sponsor(store: Store, name: str, *, show_id: int | None, on: str | None) -> ProposedRead:
    """A read of the sponsor a producer typed, with the one campaign of theirs running on that day for
    that show (the rule ``clean_read`` uses when no campaign is named)."""
    sponsor = find_sponsor(store, name)
    day = v.parse_date(on, "date", allow_none=True)
    return propose(camp.running_campaign(store, sponsor.id, day, show_id), sponsor.id, sponsor.name)


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
        if ref is not None and ref != "":
            campaign = camp.resolve_campaign(store, ref, sponsor_id=sponsor_id)
            if campaign.sponsor_id != sponsor_id:
                raise ValidationError("campaign", f"campaign {campaign.name!r} belongs to another sponsor")
        out["campaign_id"] = campaign.id if campaign else None
    elif not partial:
        # No campaign named: take the sponsor's campaign running on the episode's date, when exactly one.
        campaign = camp.running_campaign(store, sponsor_id, episode.air_date, episode.show_id)  # type: ignore[arg-type]
        out["campaign_id"] = campaign.id if campaign else None
    if "placement" in values or not partial:
        out["placement"] = read_field("placement", values.get("placement")) or v.choice(
            campaign.default_placement if campaign else None, "placement", v.PLACEMENTS)
    if "read_type" in values or not partial:
        out["read_type"] = read_field("read_type", values.get("read_type")) or (
            campaign.default_read_type if campaign else DEFAULT_READ_TYPE)
    if "position" in values and values["position"] not in (None, ""):
        out["position"] = read_field("position", values["position"])
    for short, col in (("start", "start_seconds"), ("length", "length_seconds")):
        if short in values or col in values:
            out[col] = read_field(short, values.get(short, values.get(col)))
    if "promo_url" in values:
        out["promo_url"] = read_field("promo_url", values["promo_url"])
    elif not partial:
        out["promo_url"] = campaign.promo_url if campaign else None
    if "promo_code" in values:
        out["promo_code"] = read_field("promo_code", values["promo_code"])
    elif not partial:
        out["promo_code"] = campaign.promo_code if campaign else None
    if "status" in values or not partial:
        out["status"] = read_field("status", values.get("status")) or "recorded"
    if "make_good_of" in values:
        ref = values["make_good_of"]
        if ref in (None, ""):
            out["make_good_of"] = None
        else:
            rid = v.positive_int(ref, "make_good_of")
            original = rstore.get_read(store, rid)
            if original is None:
                raise ValidationError("make_good_of", f"there is no read {rid}")
            if original.sponsor_id != sponsor_id:
                raise ValidationError("make_good_of", f"read {rid} is another sponsor's")
            if current is not None and rid == current.id:
                raise ValidationError("make_good_of", "a read cannot make good for itself")
            out["make_good_of"] = rid
    if "units" in values:
        out["units"] = read_field("units", values["units"])
        eff = campaign
        if eff is None and "campaign_id" not in out and current is not None and current.campaign_id:
            eff = camp.get_campaign(store, current.campaign_id)
        if out["units"] is not None and eff is not None and eff.pricing == "cpm":
            check_cpm(out["units"], eff.rate_minor, eff.currency, "units")
    for f in ("units_source", "units_window_days"):
        if f in values:
            out[f] = read_field(f, values[f])
    if "price_override" in values or "price_override_minor" in values:
        raw = values.get("price_override", values.get("price_override_minor"))
        if raw is None or raw == "":
            out["price_override_minor"] = None
        else:
            currency = campaign.currency if campaign else "USD"
            if "price_override_minor" in values:
                out["price_override_minor"] = minor_units(raw, "price_override")
            else:
                out["price_override_minor"] = parse_money(raw, currency, "price_override")
    if "source" in values:
        out["source"] = read_field("source", values["source"]) or "manual"
    if "notes" in values:
        out["notes"] = read_field("notes", values["notes"])
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
            if isinstance(exc, ValidationError | NotFoundError):
                raise type(exc)(f"{prefix}{exc.field}", exc.problem) from None
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


def reads_at_spot(store: Store, episode_id: int, sponsor_id: int, placement: str,
                  *, but: int | None = None) -> list[ReadRow]:
    """The reads of the sponsor at that placement of the episode (but the read ``but``): a second read
    there is allowed (a double spot) but is more often a slip worth a word. The log command says so after
    logging, the Log page before saving."""
    return [o for o in rstore.reads_for_episode(store, episode_id)
            if o.id != but and o.sponsor_id == sponsor_id and o.placement == placement]


def same_spot_reads(store: Store, read_id: int) -> list[ReadRow]:
    """The other reads of the same sponsor at the same placement of the same episode (``reads_at_spot``)."""
    r = _existing(store, read_id)
    return reads_at_spot(store, r.episode_id, r.sponsor_id, r.placement, but=r.id)


def reads_for_episode(store: Store, episode_id: int) -> list[ReadRow]:
    """The reads logged on the episode, in break order."""
    return rstore.reads_for_episode(store, episode_id)


def read_history(store: Store, read_id: int) -> list[ChangeLogEntry]:
    """Every recorded change of a read, newest first (a deleted read keeps its history)."""
    return changelog.history(store, "read", v.positive_int(read_id, "read"))


def _proposals(store: Store, day: str, show_id: int, logged: set[tuple[int, int | None]]) -> list[ProposedRead]:
    """One proposed read per campaign running on ``day`` for the show, skipping (sponsor, campaign) pairs
    already logged; pre-rolls first, then by sponsor."""
    out = [propose(c, c.sponsor_id, c.sponsor_name or "")
           for c in camp.active_campaigns(store, day, show_id) if (c.sponsor_id, c.id) not in logged]
    out.sort(key=lambda p: (v.PLACEMENTS.index(p.placement), p.sponsor_name.lower()))
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


def iter_reads(store: Store, *, sort: str = "air_date", descending: bool = True, **filters: Any) -> Iterator[ReadRow]:
    """``list_reads`` streamed from the cursor, for exports and list commands of any size. The filters
    are checked before the first row is asked for (a bad one raises here, not midway)."""
    return rstore.iter_reads(store, read_filter(store, **filters), sort=sort, descending=descending)


def count_reads(store: Store, **filters: Any) -> int:
    return rstore.count_reads(store, read_filter(store, **filters))


# -- change history -------------------------------------------------------------------------------
HISTORY_WORDS = {"promo_url": "promo URL", "promo_code": "promo code", "read_type": "read type",
                 "start_seconds": "start", "length_seconds": "length", "price_override_minor": "price override",
                 "make_good_of": "make-good of", "campaign_id": "campaign", "sponsor_id": "sponsor",
                 "episode_id": "episode", "invoice_id": "invoice"}
_QUIET = {"updated_at", "created_at", "id"}
_ACTIONS = {"create": "created", "update": "changed", "delete": "deleted"}


@dataclass
class ReadChange:
    """One recorded change of a read, in words: when, what happened, and each field before → after."""

    at: str
    action: str                              # "created", "changed", "deleted"
    changes: list[tuple[str, Any, Any]]      # (field in words, before, after)

    @property
    def summary(self) -> str:
        if self.action != "changed":
            return self.action
        return "; ".join(f"{name}: {_shown(a)} → {_shown(b)}" for name, a, b in self.changes) or "no visible change"


def _shown(value: Any) -> str:
    return "(none)" if value in (None, "") else str(value)


def read_changes(store: Store, read_id: int) -> list[ReadChange]:
    """:func:`read_history` in words, newest first: what the read editor's History shows."""
    out = []
    for e in read_history(store, read_id):
        before, after = e.before or {}, e.after or {}
        action = _ACTIONS.get(e.action, e.action)
        keys = sorted(k for k in set(before) | set(after) if k not in _QUIET and before.get(k) != after.get(k))
        out.append(ReadChange(at=e.at, action=action,
                              changes=[(HISTORY_WORDS.get(k, k.replace("_", " ")), before.get(k), after.get(k))
                                       for k in keys] if action == "changed" else []))
    return out
