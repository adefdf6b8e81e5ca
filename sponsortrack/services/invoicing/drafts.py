"""Drafts: built per sponsor, month and campaign from the delivered reads no invoice holds yet (a read is
billed at most once), refreshed from their reads, adjusted by hand, deleted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.money import minor_units, parse_money
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.services import catalog as cat
from sponsortrack.services import settings as ssvc
from sponsortrack.services.invoicing.lines import (
    billable_reads,
    draft_lines_manual,
    line_order,
    lines_from_reads,
    totals,
)
from sponsortrack.services.invoicing.parties import bill_to_snapshot, commission_for, gaps, terms_for
from sponsortrack.services.invoicing.records import get_invoice
from sponsortrack.store import Store, campaigns
from sponsortrack.store import invoices as istore
from sponsortrack.store import reads as rstore
from sponsortrack.store.invoices import Invoice
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import ReadFilter


@dataclass
class DraftResult:
    """What ``create_drafts`` made: the drafts, and what the producer should know about them."""

    invoices: list[Invoice] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)   # ids of existing drafts that were refreshed


def _group_key(r: ReadRow, agency_of: dict[int, int | None]) -> tuple[int | None, int | None, str]:
    agency = agency_of.get(r.campaign_id) if r.campaign_id else None
    return (r.campaign_id, agency, r.currency or "USD")


def create_drafts(store: Store, sponsor: str | int, month: str) -> DraftResult:
    """Draft invoices for a sponsor's month: one per campaign (and currency) with unbilled delivered reads.

    An existing draft for the same sponsor, month and campaign is refreshed and extended instead of
    duplicated. A month with nothing to bill raises ``ValidationError`` with the reason.
    """
    sp = cat.resolve_sponsor(store, sponsor)
    month = v.parse_month(month)
    date_from, date_to = v.month_bounds(month)
    res = DraftResult()
    reads = billable_reads(store, sp.id, date_from, date_to)
    # Reads already on an existing draft of this month count as billable for that draft.
    drafts = [d for d in istore.list_invoices(store, status="draft", sponsor_id=sp.id, kind="invoice")
              if d.period_start == date_from]
    for d in drafts:
        reads += [r for r in billable_reads(store, sp.id, date_from, date_to, invoice_id=d.id) if r.invoice_id == d.id]
    if not reads:
        all_reads = rstore.list_reads(store, ReadFilter(sponsor_id=sp.id, date_from=date_from, date_to=date_to))
        if not all_reads:
            raise ValidationError("month", f"nothing to bill: {sp.name} has no reads in {month}")
        billed = sorted({r.invoice_number or f"draft {r.invoice_id}" for r in all_reads if r.invoice_id})
        undelivered = [r for r in all_reads if r.status not in DELIVERED_STATUSES]
        why = []
        if billed:
            n = sum(1 for r in all_reads if r.invoice_id)
            why.append(f"{n} {'is' if n == 1 else 'are'} already on invoice {', '.join(billed)}")
        if undelivered:
            why.append(f"{len(undelivered)} not delivered (scheduled or flagged)")
        raise ValidationError("month", f"nothing to bill for {sp.name} in {month}: of its {len(all_reads)} "
                                       f"read(s), " + "; ".join(why))
    agency_of = {c.id: c.agency_id for c in campaigns.list_campaigns(store, sponsor_id=sp.id)}
    groups: dict[tuple[int | None, int | None, str], list[ReadRow]] = {}
    for r in sorted(reads, key=line_order):
        groups.setdefault(_group_key(r, agency_of), []).append(r)
    settings = ssvc.get_settings(store)
    with store.write():
        for (campaign_id, agency_id, currency), group in groups.items():
            lines, ids = lines_from_reads(store, group, res.warnings)
            if not lines:
                continue
            commission_bp = commission_for(store, agency_id)
            tax_bp = int(settings.get("tax_bp") or 0)
            header = {
                "sponsor_id": sp.id, "agency_id": agency_id, "campaign_id": campaign_id, "currency": currency,
                "period_start": date_from, "period_end": date_to, "terms_days": terms_for(store, sp.id, agency_id),
                "commission_bp": commission_bp, "tax_bp": tax_bp, **totals(lines, commission_bp, tax_bp),
                "bill_to_snapshot": bill_to_snapshot(store, sp.id, agency_id, campaign_id),
            }
            existing = istore.find_drafts(store, sp.id, campaign_id, date_from, currency)
            if existing:
                draft = existing[0]
                all_lines = lines + draft_lines_manual(store, draft.id)
                header.update(totals(all_lines, commission_bp, tax_bp))
                istore.replace_draft(store, draft.id, header, all_lines, ids)
                res.updated.append(draft.id)
                invoice_id = draft.id
            else:
                invoice_id = istore.create_invoice(store, {**header, "kind": "invoice", "status": "draft"}, lines)
            res.invoices.append(istore.get_invoice(store, invoice_id))  # type: ignore[arg-type]
    if not res.invoices:
        raise ValidationError("month", f"nothing to bill for {sp.name} in {month}: " + "; ".join(res.warnings))
    for inv in res.invoices:
        for gap in gaps(inv):
            res.warnings.append(f"{inv.label}: {gap}; it can be issued once that is set")
    return res


def refresh_draft(store: Store, invoice_id: int) -> Invoice:
    """Re-price a draft from its reads as they are now (a read flagged since is dropped, an edited
    one re-priced) and refresh bill-to, terms, commission and tax. Manual lines stay."""
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; only a draft can change")
    if inv.kind == "credit_note":
        return inv
    with store.write():
        claimed = set(istore.claimed_read_ids(store, inv.id))
        reads = [r for r in (rstore.get_read_row(store, rid) for rid in sorted(claimed)) if r is not None]
        reads = [r for r in reads if r.status in DELIVERED_STATUSES]
        reads.sort(key=line_order)
        warnings: list[str] = []
        lines, ids = lines_from_reads(store, reads, warnings)
        lines += draft_lines_manual(store, inv.id)
        settings = ssvc.get_settings(store)
        commission_bp = commission_for(store, inv.agency_id)
        tax_bp = int(settings.get("tax_bp") or 0)
        header = {"terms_days": terms_for(store, inv.sponsor_id, inv.agency_id), "commission_bp": commission_bp,
                  "tax_bp": tax_bp, **totals(lines, commission_bp, tax_bp),
                  "bill_to_snapshot": bill_to_snapshot(store, inv.sponsor_id, inv.agency_id, inv.campaign_id)}
        istore.replace_draft(store, inv.id, header, lines, ids)
    return get_invoice(store, inv.id)


def add_adjustment(store: Store, invoice_id: int, description: str, amount: str | int) -> Invoice:
    """Add a manual line to a draft: a positive adjustment, or a credit (negative amount)."""
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; only a draft can change")
    text = v.text(description, "description", required=True, max_len=500) or ""
    if isinstance(amount, int):
        minor = minor_units(amount, "amount", allow_negative=True)
    else:
        minor = parse_money(amount, inv.currency, "amount", allow_negative=True)
    if minor == 0:
        raise ValidationError("amount", "must not be zero")
    lines = [{c: getattr(ln, c) for c in istore.LINE_COLUMNS} for ln in inv.lines]
    lines.append({"kind": "credit" if minor < 0 else "adjustment", "description": text, "amount_minor": minor})
    header = totals(lines, inv.commission_bp, inv.tax_bp)
    istore.replace_draft(store, inv.id, header, lines, istore.claimed_read_ids(store, inv.id))
    return get_invoice(store, inv.id)


def delete_draft(store: Store, invoice_id: int) -> None:
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; an issued invoice is never deleted (void it, or "
                            f"issue a credit note)")
    istore.delete_draft(store, inv.id)
