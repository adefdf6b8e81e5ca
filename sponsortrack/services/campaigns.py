"""Campaigns (insertion orders): validated create/edit/delete, active campaigns, pacing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, NotFoundError, ValidationError
from sponsortrack.money import minor_units, normalize_currency, parse_money
from sponsortrack.services import catalog as cat
from sponsortrack.store import Store, campaigns, reads
from sponsortrack.store import invoices as istore
from sponsortrack.store.models import Campaign, Pacing, flight_phase

CAMPAIGN_FIELDS = {
    "sponsor", "sponsor_id", "agency", "agency_id", "show", "show_id", "name", "io_number", "po_number",
    "start_date", "end_date", "pricing", "rate", "rate_minor", "currency", "booked_reads", "booked_impressions",
    "download_window_days", "default_placement", "default_read_type", "promo_url", "promo_code",
    "talking_points", "status", "notes",
}


def clean_campaign(store: Store, values: dict[str, Any], *, current: Campaign | None = None) -> dict[str, Any]:
    """Validate campaign fields. With ``current`` only the given fields are checked (an edit)."""
    cat._only(values, CAMPAIGN_FIELDS)
    partial = current is not None
    out: dict[str, Any] = {}
    if "sponsor" in values or "sponsor_id" in values or not partial:
        ref = values.get("sponsor", values.get("sponsor_id"))
        if ref is None or ref == "":
            raise ValidationError("sponsor", "is required")
        out["sponsor_id"] = cat.resolve_sponsor(store, ref).id
    if "agency" in values or "agency_id" in values:
        ref = values.get("agency", values.get("agency_id"))
        out["agency_id"] = cat.resolve_agency(store, ref).id if ref is not None and ref != "" else None
    if "show" in values or "show_id" in values:
        ref = values.get("show", values.get("show_id"))
        out["show_id"] = cat.resolve_show(store, ref).id if ref is not None and ref != "" else None
    if "name" in values or not partial:
        out["name"] = v.name(values.get("name"), "name")
    for f in ("io_number", "po_number"):
        if f in values:
            out[f] = v.text(values[f], f, max_len=100)
    for f in ("start_date", "end_date"):
        if f in values or not partial:
            out[f] = v.parse_date(values.get(f), f)
    if "pricing" in values or not partial:
        out["pricing"] = v.choice(values.get("pricing"), "pricing", v.PRICINGS)
    currency = current.currency if current else "USD"
    if "currency" in values or not partial:
        currency = normalize_currency(values.get("currency") or "USD")
        out["currency"] = currency
    if "rate" in values:
        out["rate_minor"] = parse_money(values["rate"], currency, "rate")
    elif "rate_minor" in values:
        out["rate_minor"] = minor_units(values["rate_minor"], "rate")
    elif not partial:
        raise ValidationError("rate", "is required")
    for f in ("booked_reads", "booked_impressions"):
        if f in values:
            out[f] = v.non_negative_int(values[f], f, maximum=10**11)
    if "download_window_days" in values:
        out["download_window_days"] = v.positive_int(values["download_window_days"], "download_window_days",
                                                     allow_none=False, maximum=3650) or 30
    if "default_placement" in values:
        out["default_placement"] = v.choice(values["default_placement"], "default_placement", v.PLACEMENTS,
                                            default="mid")
    if "default_read_type" in values:
        out["default_read_type"] = v.choice(values["default_read_type"], "default_read_type", v.READ_TYPES,
                                            default="host")
    if "promo_url" in values:
        out["promo_url"] = v.normalize_url(values["promo_url"], "promo_url")
    if "promo_code" in values:
        out["promo_code"] = v.promo_code(values["promo_code"], "promo_code")
    if "talking_points" in values:
        out["talking_points"] = v.text(values["talking_points"], "talking_points", max_len=10_000)
    if "notes" in values:
        out["notes"] = v.text(values["notes"], "notes", max_len=10_000)
    if "status" in values:
        out["status"] = v.choice(values["status"], "status", v.CAMPAIGN_STATUSES, default="active")
    start = out.get("start_date", current.start_date if current else None)
    end = out.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        raise ValidationError("end_date", f"{end} is before the start date {start}")
    return out


def check_new_campaign(store: Store, values: dict[str, Any]) -> dict[str, Any]:
    """The rules a new campaign must pass (``add_campaign``; undo checks a campaign it puts back with them)."""
    clean = clean_campaign(store, values)
    if campaigns.find_campaign(store, clean["sponsor_id"], clean["name"]):
        raise ValidationError("name", f"this sponsor already has a campaign named {clean['name']!r}")
    return clean


def add_campaign(store: Store, **values: Any) -> Campaign:
    clean = check_new_campaign(store, values)
    cid = campaigns.insert_campaign(store, clean)
    return campaigns.get_campaign(store, cid)  # type: ignore[return-value]


def edit_campaign(store: Store, campaign_id: int, **changes: Any) -> Campaign:
    """Edit a campaign. Pricing changes apply to the reads not billed yet: billed reads keep their
    invoiced amounts (see ``pricing_note`` for the line to tell the producer)."""
    current = get_campaign(store, campaign_id)
    clean = clean_campaign(store, changes, current=current)
    if "currency" in clean and clean["currency"] != current.currency and "rate" not in changes:
        raise ValidationError("currency", "changing the currency needs the rate in the new currency too")
    if "name" in clean:
        other = campaigns.find_campaign(store, clean.get("sponsor_id", current.sponsor_id), clean["name"])
        if other and other.id != campaign_id:
            raise ValidationError("name", f"this sponsor already has a campaign named {clean['name']!r}")
    campaigns.update_campaign(store, campaign_id, clean)
    return campaigns.get_campaign(store, campaign_id)  # type: ignore[return-value]


PRICING_COLUMNS = ("pricing", "rate_minor", "currency", "download_window_days")


def pricing_note(store: Store, before: Campaign, after: Campaign) -> str | None:
    """What a pricing edit did to billed reads, for the producer. A billed read keeps the amount its
    issued invoice fixed (the reads list, POP, summary and CSV report that amount), so new pricing
    applies only to the reads not billed yet; this says so when some are billed."""
    if all(getattr(before, c) == getattr(after, c) for c in PRICING_COLUMNS):
        return None
    billed = istore.billed_by_invoice(store, after.id)
    if not billed:
        return None
    n = sum(count for _, count in billed)
    numbers = ", ".join(number for number, _ in billed)
    return (f"The new pricing applies to reads not billed yet; {n} read{'s' if n != 1 else ''} billed on "
            f"invoice{'s' if len(billed) > 1 else ''} {numbers} keep{'s' if n == 1 else ''} "
            f"the amount{'s' if n != 1 else ''} invoiced.")


def delete_campaign(store: Store, campaign_id: int) -> None:
    c = get_campaign(store, campaign_id)
    used = campaigns.campaign_usage(store, campaign_id)
    if used:
        raise ConflictError(f"campaign {c.name!r} has {used} reads; cancel it instead of deleting")
    try:
        campaigns.delete_campaign(store, campaign_id)
    except ConflictError:
        raise ConflictError(f"campaign {c.name!r} is on an invoice; cancel it instead") from None


def get_campaign(store: Store, campaign_id: int) -> Campaign:
    return cat._get("campaign", campaigns.get_campaign, store, campaign_id)


def resolve_campaign(store: Store, ref: str | int, sponsor_id: int | None = None) -> Campaign:
    """A campaign by id, or by name (within the sponsor when one is given)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        return get_campaign(store, int(ref))
    name = v.text(ref, "campaign", required=True, max_len=v.MAX_NAME) or ""
    matches = [c for c in campaigns.list_campaigns(store, sponsor_id=sponsor_id) if c.name.lower() == name.lower()]
    if not matches:
        raise NotFoundError("campaign", f"no campaign named {name!r}")
    if len(matches) > 1:
        raise ValidationError("campaign", f"{name!r} names {len(matches)} campaigns; give its id")
    return matches[0]


def list_campaigns(store: Store, sponsor: str | int | None = None, status: str | None = None) -> list[Campaign]:
    sponsor_id = cat.resolve_sponsor(store, sponsor).id if sponsor is not None else None
    if status is not None:
        status = v.choice(status, "status", v.CAMPAIGN_STATUSES)
    return campaigns.list_campaigns(store, sponsor_id=sponsor_id, status=status)


# A campaign's status says where it stands today; its flight says when it ran. A completed campaign ran on
# every day of its flight (a back catalogue's reads, an old month's summary and pacing need it), while a
# draft, a paused and a cancelled one run on no date.
RUNNING_STATUSES = ("active", "completed")


def runs_on(status: str, start_date: str, end_date: str, campaign_show_id: int | None, day: str | None,
            show_id: int | None = None) -> bool:
    """THE rule for "a campaign running on a date", for the log screen, the CLI and every importer: its
    status is active, the day is within its flight, and it is network-wide or for that show (``show_id``
    None: any show)."""
    return runs_between(status, start_date, end_date, campaign_show_id, day, day, show_id)


def runs_between(status: str, start_date: str, end_date: str, campaign_show_id: int | None, first: str | None,
                 last: str | None, show_id: int | None = None) -> bool:
    """``runs_on`` for at least one day from ``first`` to ``last`` (a month's summary, pacing to date)."""
    if not first or not last or status not in RUNNING_STATUSES:
        return False
    return start_date <= last and first <= end_date and (campaign_show_id is None or show_id is None
                                                         or campaign_show_id == show_id)


def current_campaigns(store: Store, today: str) -> list[Campaign]:
    """Running and upcoming campaigns: not ended by ``today``; draft, active or paused."""
    return campaigns.list_campaigns(store, current_on=today)


def active_campaigns(store: Store, on: str, show_id: int | None = None) -> list[Campaign]:
    """Campaigns running on a date (``runs_on``)."""
    day = v.parse_date(on, "date")
    # the store narrows by flight; runs_on decides
    return [c for c in campaigns.list_campaigns(store, active_on=day, show_id=show_id)
            if runs_on(c.status, c.start_date, c.end_date, c.show_id, day, show_id)]


def running_campaign(store: Store, sponsor_id: int, on: str | None, show_id: int | None) -> Campaign | None:
    """The sponsor's campaign running on that day for that show, when exactly one is (else None)."""
    if not on:
        return None
    running = [c for c in active_campaigns(store, on, show_id) if c.sponsor_id == sponsor_id]
    return running[0] if len(running) == 1 else None


def campaign_state(c: Campaign, today: str | None = None) -> str:
    """What the campaign list says of a campaign as of ``today``: its flight's phase (``running``,
    ``upcoming``, ``ended``) from the dates — a 2019 campaign is not "active" in 2026 — unless its
    status says more (``draft``, ``paused``, ``cancelled``)."""
    if c.status in ("draft", "paused", "cancelled"):
        return c.status
    return flight_phase(c.start_date, c.end_date, today)


def pacing(store: Store, campaign_ids: list[int] | None = None, as_of: str | None = None,
           only_running: bool = False, since: str | None = None) -> list[Pacing]:
    """Booked vs delivered for campaigns (all, or the given ones), counted up to ``as_of``. With
    ``only_running``, the campaigns running on ``as_of`` (``runs_on``), or on any day from ``since`` to it."""
    today = as_of or dt.date.today().isoformat()
    all_campaigns = {c.id: c for c in campaigns.list_campaigns(store)}
    if campaign_ids is not None:
        all_campaigns = {cid: all_campaigns[cid] for cid in campaign_ids if cid in all_campaigns}
    if only_running:
        all_campaigns = {cid: c for cid, c in all_campaigns.items()
                         if runs_between(c.status, c.start_date, c.end_date, None, since or today, today)}
    every = campaign_ids is None and not only_running  # then no id list for SQLite to go through
    delivery = {d["campaign_id"]: d for d in reads.campaign_delivery(
        store, None if every else list(all_campaigns), as_of=as_of)}
    out = []
    for cid, c in all_campaigns.items():
        d = delivery.get(cid, {})
        start, end = dt.date.fromisoformat(c.start_date), dt.date.fromisoformat(c.end_date)
        now = dt.date.fromisoformat(today)
        total = (end - start).days + 1
        elapsed = min(max((now - start).days + 1, 0), total)
        out.append(Pacing(
            campaign_id=cid, campaign_name=c.name, sponsor_name=c.sponsor_name or "", pricing=c.pricing,
            start_date=c.start_date, end_date=c.end_date, booked_reads=c.booked_reads,
            delivered_reads=int(d.get("delivered_reads") or 0),
            make_goods_owed=int(d.get("make_goods_owed") or 0),
            make_goods_delivered=int(d.get("make_goods_delivered") or 0),
            booked_impressions=c.booked_impressions,
            delivered_impressions=int(d.get("delivered_units") or 0),
            elapsed_fraction=elapsed / total if total else 1.0, status=c.status, as_of=today,
        ))
    out.sort(key=lambda p: (p.sponsor_name.lower(), p.start_date))
    return out
