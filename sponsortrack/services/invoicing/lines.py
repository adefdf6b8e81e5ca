"""Invoice lines: one per delivered read (priced by :mod:`sponsortrack.pricing`), the make-goods named,
and the totals (commission and tax each rounded half-up once, on the whole; see ``docs/money.md``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sponsortrack.errors import ValidationError
from sponsortrack.money import MAX_MINOR, max_amount_text, percent_of
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.reports.data import promo_text
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store import reads as rstore
from sponsortrack.store.invoices import InvoiceLine
from sponsortrack.store.models import ReadRow, episode_label
from sponsortrack.store.reads import ReadFilter


def line_order(r: ReadRow) -> tuple:
    """The order of a draft's read lines: by air date, show, episode, spot and position."""
    return (r.air_date or "", r.show_name.lower(), r.episode_number or 0, {"pre": 0, "mid": 1, "post": 2}[r.placement],
            r.position, r.id)


def billable_reads(store: Store, sponsor_id: int, date_from: str, date_to: str,
                   invoice_id: int | None = None) -> list[ReadRow]:
    """Delivered reads of the sponsor in the period on no invoice (or on this draft). Not "unbilled": a read on
    another draft is not billed yet, but that draft claims it, so that a read is billed at most once."""
    rows = rstore.list_reads(store, ReadFilter(sponsor_id=sponsor_id, date_from=date_from, date_to=date_to),
                             sort="air_date", descending=False)
    return [r for r in rows if r.status in DELIVERED_STATUSES
            and (r.invoice_id is None or (invoice_id is not None and r.invoice_id == invoice_id))]


def line_for_read(r: ReadRow, snapshot: tuple[int, str] | None = None) -> dict[str, Any]:
    """One invoice line from a delivered read, with the descriptive columns snapshotted."""
    amount = r.price_minor
    if amount is None:
        raise ValueError(f"read {r.id} has no price yet")
    if abs(amount) >= MAX_MINOR:
        raise ValidationError(f"read {r.id}", f"its amount is too large for an invoice line (at most "
                                              f"{max_amount_text(r.currency or 'USD')}); check its units and rate")
    common = {
        "read_id": r.id, "show_name": r.show_name, "episode_number": r.episode_number,
        "episode_season": r.episode_season,
        "episode_title": r.episode_title, "air_date": r.air_date, "placement": r.placement,
        "read_type": r.read_type, "promo": promo_text(r.promo_url, r.promo_code), "amount_minor": amount,
    }
    ep = f"{r.show_name} {episode_label(r.episode_number, r.episode_title, r.episode_season)}"
    if r.make_good_of is not None:
        return {**common, "kind": "make_good", "pricing": "make_good", "units": 1, "rate_minor": 0,
                "description": f"Make-good for read {r.make_good_of}: {ep}"}
    if r.price_override_minor is not None:
        return {**common, "kind": "charge", "pricing": "override", "units": 1, "rate_minor": amount,
                "description": f"{ep} (agreed price)"}
    if r.pricing == "cpm":
        src = f" (downloads at day {snapshot[0]}, {snapshot[1]})" if snapshot else ""
        return {**common, "kind": "charge", "pricing": "cpm", "units": r.units, "rate_minor": r.rate_minor,
                "description": f"{ep}{src}"}
    if r.pricing == "per_episode":
        included = not r.first_in_episode
        return {**common, "kind": "charge", "pricing": "per_episode", "units": 0 if included else 1,
                "rate_minor": r.rate_minor,
                "description": f"{ep}" + (" (included in the episode price)" if included else "")}
    return {**common, "kind": "charge", "pricing": r.pricing or "flat", "units": 1, "rate_minor": r.rate_minor,
            "description": ep}


def lines_from_reads(store: Store, reads: list[ReadRow], warnings: list[str]) -> tuple[list[dict], list[int]]:
    snaps = istore.snapshot_days(store, [r.id for r in reads if r.pricing == "cpm" and r.price_override_minor is None
                                         and r.make_good_of is None])
    lines, ids = [], []
    for r in reads:
        if r.price_minor is None:
            if r.pricing == "cpm":
                ep = episode_label(r.episode_number, None, r.episode_season)
                warnings.append(f"read {r.id} ({r.show_name} {ep}, "
                                f"{r.air_date}) has no download count within the campaign's window yet; "
                                f"it stays unbilled until downloads are recorded")
            else:
                warnings.append(f"read {r.id} ({r.show_name}, {r.air_date}) has no campaign or price; "
                                f"it stays unbilled (set a campaign or a price)")
            continue
        lines.append(line_for_read(r, snaps.get(r.id)))
        ids.append(r.id)
    make_good_context(store, lines)
    return lines, ids


def draft_lines_manual(store: Store, invoice_id: int) -> list[dict[str, Any]]:
    """A draft's lines that come from no read (adjustments and credits), as line dicts."""
    return [{c: getattr(ln, c) for c in istore.LINE_COLUMNS}
            for ln in istore.list_lines(store, invoice_id) if ln.read_id is None]


def day_text(iso: str | None) -> str:
    if not iso:
        return "?"
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.day} {d:%b} {d.year}"


def make_good_context(store: Store, lines: list[dict[str, Any]]) -> None:
    """Name the read a make-good replaces: its show, episode and air date."""
    for ln in lines:
        if ln.get("kind") != "make_good":
            continue
        rid = int(ln["description"].split("read ", 1)[1].split(":", 1)[0])
        orig = rstore.get_read_row(store, rid)
        if orig is None:
            continue
        what = f"{orig.show_name} {episode_label(orig.episode_number, orig.episode_title, orig.episode_season)}"
        day = day_text(orig.air_date)
        # customer text: the read it replaces by day, spot and episode, never by our internal read id
        ln["description"] = (f"Make-good, no charge: replaces the {day} {orig.placement}-roll in {what}"
                             + (f" ({orig.status})" if orig.status in ("flagged", "missed") else ""))


def totals(lines: list[dict[str, Any]] | list[InvoiceLine], commission_bp: int, tax_bp: int) -> dict[str, int]:
    """Gross subtotal → agency commission → net → tax → total. Lines are already rounded integers;
    commission and tax are each rounded half-up once, on the whole."""
    subtotal = sum(int(ln["amount_minor"] if isinstance(ln, dict) else ln.amount_minor) for ln in lines)
    if abs(subtotal) >= MAX_MINOR:
        raise ValidationError("total", f"the subtotal of {subtotal:,} minor units is too large for one invoice")
    commission = percent_of(subtotal, commission_bp)
    net = subtotal - commission
    tax = percent_of(net, tax_bp)
    return {"subtotal_minor": subtotal, "commission_minor": commission, "net_minor": net, "tax_minor": tax,
            "total_minor": net + tax}
