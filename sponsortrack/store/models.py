"""Plain dataclasses the store returns. No behaviour beyond small derived values."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sponsortrack.pricing import BILLED_INVOICE_STATUSES, read_amount

T = TypeVar("T")


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def from_row(cls: type[T], row: dict[str, Any]) -> T:
    names = _FIELD_NAMES.get(cls)
    if names is None:  # once per class, not once per row
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row.items() if k in names})


def episode_label(number: int | None, title: str | None, season: int | None = None) -> str:
    """How every face names an episode within its show: ``#12 Title``, ``S2 E5 Title`` in a show with
    seasons, or the title alone."""
    return f"{episode_code(number, season)} {title or ''}".strip()


def episode_code(number: int | None, season: int | None = None) -> str:
    """How an episode is named in its show: ``S2 E5`` when the show has seasons, else ``#5``
    (``S2`` alone for a seasoned episode without a number, ``""`` for neither)."""
    if season is not None:
        return f"S{season} E{number}" if number is not None else f"S{season}"
    return f"#{number}" if number is not None else ""


_CODE_RE = re.compile(r"\s*(?:s(?:eason)?\s*(\d{1,4})(?:\s*[,.:/-]\s*|\s+|(?=e)))?"
                      r"(?:#|e(?:p(?:isode)?)?\.?\s*)?(\d{1,6})\s*", re.I)


def parse_episode_code(text: object) -> tuple[int | None, int] | None:
    """``"S2E5"``, ``"s2 e5"``, ``"S2 E5"``, ``"Season 2 Episode 5"`` -> (2, 5); ``"5"``, ``"#5"``, ``"E5"``
    -> (None, 5); anything else -> None. Zero is no season or number."""
    m = _CODE_RE.fullmatch(str(text or ""))
    if not m:
        return None
    season = int(m.group(1)) if m.group(1) is not None else None
    number = int(m.group(2))
    if number == 0 or season == 0:
        return None
    return season, number


@dataclass
class Show:
    id: int
    name: str
    website: str | None = None
    feed_url: str | None = None
    description: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class Episode:
    id: int
    show_id: int
    title: str
    number: int | None = None
    guid: str | None = None
    recorded_on: str | None = None
    published_on: str | None = None
    link: str | None = None
    show_notes: str | None = None
    season: int | None = None
    duration_seconds: int | None = None
    episode_type: str = "full"           # full / trailer / bonus (itunes:episodeType)
    enclosure_url: str | None = None
    enclosure_type: str | None = None
    enclosure_length: int | None = None
    show_name: str | None = None
    read_count: int = 0
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def air_date(self) -> str | None:
        return self.published_on or self.recorded_on

    @property
    def code(self) -> str:
        """``S2 E5`` or ``#5`` (see :func:`episode_code`)."""
        return episode_code(self.number, self.season)

    @property
    def label(self) -> str:
        return episode_label(self.number, self.title, self.season)


@dataclass
class Agency:
    id: int
    name: str
    commission_bp: int = 1500
    contact_name: str | None = None
    contact_email: str | None = None
    billing_address: str | None = None
    terms_days: int | None = None
    notes: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    tax_id: str | None = None          # the buyer's tax / VAT id, printed on invoices billed to it


@dataclass
class Sponsor:
    id: int
    name: str
    domains: list[str] = field(default_factory=list)
    contact_name: str | None = None
    contact_email: str | None = None
    billing_address: str | None = None
    terms_days: int | None = None
    agency_id: int | None = None
    notes: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    tax_id: str | None = None          # the buyer's tax / VAT id, printed on invoices billed to it
    aliases: list[str] = field(default_factory=list)  # other names it goes by (sponsor_aliases, schema v10)

    def __post_init__(self) -> None:
        if isinstance(self.domains, str):
            self.domains = json.loads(self.domains)
        if isinstance(self.aliases, str):
            self.aliases = json.loads(self.aliases)


@dataclass
class Campaign:
    id: int
    sponsor_id: int
    name: str
    start_date: str
    end_date: str
    pricing: str
    rate_minor: int
    currency: str = "USD"
    agency_id: int | None = None
    show_id: int | None = None
    io_number: str | None = None
    po_number: str | None = None
    booked_reads: int | None = None
    booked_impressions: int | None = None
    download_window_days: int = 30
    default_placement: str = "mid"
    default_read_type: str = "host"
    promo_url: str | None = None
    promo_code: str | None = None
    talking_points: str | None = None
    status: str = "active"
    notes: str | None = None
    sponsor_name: str | None = None
    agency_name: str | None = None
    show_name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class AdRead:
    id: int
    episode_id: int
    sponsor_id: int
    placement: str
    campaign_id: int | None = None
    position: int = 1
    read_type: str = "host"
    start_seconds: int | None = None
    length_seconds: int | None = None
    promo_url: str | None = None
    promo_code: str | None = None
    status: str = "recorded"
    make_good_of: int | None = None
    units: int | None = None
    units_source: str | None = None
    units_window_days: int | None = None
    price_override_minor: int | None = None
    invoice_id: int | None = None
    source: str = "manual"
    notes: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class ReadRow:
    """One read joined with its episode, show, sponsor and campaign: what lists and reports show."""

    id: int
    episode_id: int
    show_id: int
    show_name: str
    episode_number: int | None
    episode_title: str
    air_date: str | None
    sponsor_id: int
    sponsor_name: str
    campaign_id: int | None
    campaign_name: str | None
    placement: str
    position: int
    read_type: str
    start_seconds: int | None
    length_seconds: int | None
    promo_url: str | None
    promo_code: str | None
    status: str
    make_good_of: int | None
    units: int | None
    invoice_id: int | None
    pricing: str | None = None
    rate_minor: int | None = None
    currency: str | None = None
    price_override_minor: int | None = None
    first_in_episode: bool = True
    invoice_number: str | None = None
    invoice_status: str | None = None
    notes: str | None = None
    source: str = "manual"
    billed_amount_minor: int | None = None   # the amount of its line on the issued invoice that bills it
    episode_season: int | None = None

    @property
    def episode_code(self) -> str:
        return episode_code(self.episode_number, self.episode_season)

    @property
    def episode_label(self) -> str:
        return episode_label(self.episode_number, self.episode_title, self.episode_season)

    @property
    def billed(self) -> bool:
        """The one rule: billed while its invoice is issued or paid (on a draft it is not billed yet)."""
        return self.invoice_status in BILLED_INVOICE_STATUSES

    @property
    def price_minor(self) -> int | None:
        """What the read is worth: for a billed read the amount its invoice fixed, whatever the
        campaign says since; otherwise priced from the campaign as it is now."""
        if self.billed_amount_minor is not None:
            return self.billed_amount_minor
        return read_amount(self.pricing, self.rate_minor, self.units, status=self.status,
                           make_good=self.make_good_of is not None,
                           override_minor=self.price_override_minor,
                           first_in_episode=bool(self.first_in_episode))

    def to_json(self) -> dict[str, Any]:
        # every field is a plain value: a shallow copy is ``dataclasses.asdict`` without its deep copy
        d = {name: getattr(self, name) for name in _READ_ROW_FIELDS}
        d["first_in_episode"] = bool(self.first_in_episode)
        d["price_minor"] = self.price_minor
        return d


_READ_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(ReadRow))


@dataclass
class DownloadSnapshot:
    id: int
    episode_id: int
    day: int
    downloads: int
    source: str = "manual"
    recorded_at: str | None = None


@dataclass
class ChangeLogEntry:
    id: int
    at: str
    entity: str
    entity_id: int
    action: str
    before: dict | None
    after: dict | None

    def __post_init__(self) -> None:
        if isinstance(self.before, str):
            self.before = json.loads(self.before)
        if isinstance(self.after, str):
            self.after = json.loads(self.after)


@dataclass
class Pacing:
    campaign_id: int
    campaign_name: str
    sponsor_name: str
    pricing: str
    start_date: str
    end_date: str
    booked_reads: int | None
    delivered_reads: int
    make_goods_owed: int
    make_goods_delivered: int
    booked_impressions: int | None
    delivered_impressions: int
    elapsed_fraction: float
    status: str
    as_of: str = ""  # the day the pacing was counted to (ISO); "" = not known

    @property
    def phase(self) -> str:
        """``upcoming``, ``running`` or ``ended``, from the flight dates as of ``as_of``."""
        return flight_phase(self.start_date, self.end_date, self.as_of or None)

    @property
    def delivered_fraction(self) -> float | None:
        if self.pricing == "cpm" and self.booked_impressions:
            return self.delivered_impressions / self.booked_impressions
        if self.booked_reads:
            return self.delivered_reads / self.booked_reads
        return None

    @property
    def behind(self) -> bool:
        """Behind pace: a running campaign whose delivered share trails the elapsed share of its flight
        by more than 10 points (an ended one that fell short is :attr:`under_delivered`)."""
        frac = self.delivered_fraction
        return (frac is not None and self.status == "active" and self.phase == "running"
                and frac + 0.10 < self.elapsed_fraction)

    @property
    def under_delivered(self) -> bool:
        """The flight is over and less than what was booked was delivered."""
        frac = self.delivered_fraction
        return frac is not None and self.phase == "ended" and frac < 1.0 and self.status != "cancelled"

    @property
    def over_delivered(self) -> bool:
        """More was delivered than booked (reads or downloads)."""
        frac = self.delivered_fraction
        return frac is not None and frac > 1.0

    @property
    def verdict(self) -> str:
        """One word for the list: behind, under-delivered, over-delivered, delivered, on pace, or ""."""
        if self.delivered_fraction is None:
            return ""
        if self.behind:
            return "behind"
        if self.under_delivered:
            return "under-delivered"
        if self.over_delivered:
            return "over-delivered"
        if self.phase == "ended" or (self.delivered_fraction or 0) >= 1.0:
            return "delivered"
        return "on pace" if self.phase == "running" else ""


def flight_phase(start_date: str, end_date: str, today: str | None = None) -> str:
    """Where a flight stands on ``today`` (ISO; default today): ``upcoming``, ``running`` or ``ended``."""
    import datetime as dt

    day = today or dt.date.today().isoformat()
    if day < start_date:
        return "upcoming"
    if day > end_date:
        return "ended"
    return "running"
