"""Issue with a gapless number, mark paid, void, credit: the status changes of an invoice. An issued invoice
never changes again; corrections are credit notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.services import settings as ssvc
from sponsortrack.services.invoicing.drafts import refresh_draft
from sponsortrack.services.invoicing.lines import totals
from sponsortrack.services.invoicing.parties import seller_snapshot
from sponsortrack.services.invoicing.records import day_or_today, get_invoice, resolve_invoice
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store.invoices import Invoice


def _printed_fields(inv: Invoice, seller: dict[str, Any]):
    """(field, text) for every piece of text an issued invoice prints."""
    for key in ("name", "address", "email", "phone", "tax_id", "payment_instructions", "tax_label"):
        yield f"seller {key.replace('_', ' ')}", seller.get(key)
    bill = inv.bill_to_snapshot or {}
    who = bill.get("kind", "sponsor")
    for key, label in (("name", f"{who} name"), ("address", "billing address"), ("contact_name", "contact name"),
                       ("contact_email", "contact email"), ("tax_id", "buyer tax id"), ("advertiser", "advertiser"),
                       ("campaign", "campaign"), ("io_number", "IO number"), ("po_number", "PO number")):
        yield label, bill.get(key)
    yield "notes", inv.notes
    for ln in inv.lines:
        yield f"line {ln.position}", ln.description
        yield f"line {ln.position} episode title", ln.episode_title
        yield f"line {ln.position} show", ln.show_name
        yield f"line {ln.position} promo", ln.promo


def check_printable(inv: Invoice, seller: dict[str, Any]) -> None:
    """Refuse, naming the field, any character no bundled font can print: an issued invoice is permanent,
    and an empty box where a name should be cannot be corrected afterwards."""
    from sponsortrack.reports import fonts

    for name, value in _printed_fields(inv, seller):
        bad = fonts.unprintable(value if isinstance(value, str) else None)
        if bad:
            chars = ", ".join(fonts.describe(c) for c in bad[:3]) + (" …" if len(bad) > 3 else "")
            raise ValidationError(name, f"{chars} cannot be printed by the bundled fonts; "
                                        "change the text before issuing")


def issue_invoice(store: Store, ref: str | int, *, issue_date: str | dt.date | None = None) -> Invoice:
    """Issue a draft: number it from the pattern (gapless, unique across processes), fix its dates,
    terms, tax, seller and bill-to. Refused while seller settings or the billing address are missing."""
    inv = resolve_invoice(store, ref)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is already {inv.status}")
    missing = ssvc.missing_for_issuing(store)
    if missing:
        raise ValidationError("settings", "cannot issue before the seller is set up: " + ", ".join(missing)
                              + " missing (sponsortrack settings set seller_name=... seller_address=...)")
    day = day_or_today(issue_date)
    settings = ssvc.get_settings(store)
    ssvc.check_pattern(settings["invoice_number_pattern"])  # one saved before patterns were checked
    seller = seller_snapshot(store, strict=True)
    with store.write():
        if inv.kind == "invoice":
            inv = refresh_draft(store, inv.id)
            if not inv.lines:
                raise ValidationError("invoice", f"{inv.label} has no billable lines left; delete the draft")
        addr = (inv.bill_to_snapshot or {}).get("address")
        if not (addr or "").strip():
            who = inv.bill_to_snapshot or {}
            raise ValidationError("bill_to", f"cannot issue {inv.label}: the billing address of "
                                             f"{who.get('kind', 'sponsor')} {who.get('name')!r} is missing")
        check_printable(inv, seller)
        terms = inv.terms_days if inv.terms_days is not None else int(settings.get("default_terms_days") or 30)
        header: dict[str, Any] = {"seller_snapshot": seller,
                                  "due_date": (day + dt.timedelta(days=terms)).isoformat(), "terms_days": terms}
        if inv.kind == "invoice":
            header["tax_bp"] = inv.tax_bp
        pattern = settings["invoice_number_pattern"]
        if inv.kind == "credit_note" and settings.get("credit_note_number_pattern"):
            pattern = settings["credit_note_number_pattern"]     # its own gapless series
        istore.issue(store, inv.id, pattern=pattern, issue_date=day.isoformat(),
                     header=header)
        if inv.kind == "credit_note" and inv.credit_of:
            istore.release_credited_reads(store, inv.credit_of, [ln.read_id for ln in inv.lines if ln.read_id])
    return get_invoice(store, inv.id)


def mark_paid(store: Store, ref: str | int, on: str | dt.date | None = None) -> Invoice:
    inv = resolve_invoice(store, ref)
    day = day_or_today(on)
    if inv.status != "issued":
        raise ConflictError(f"{inv.label} is {inv.status}; only an issued invoice can be marked paid")
    if inv.issue_date and day.isoformat() < inv.issue_date:
        raise ValidationError("on", f"{day} is before the issue date {inv.issue_date}")
    istore.set_paid(store, inv.id, day.isoformat())
    return get_invoice(store, inv.id)


def void_invoice(store: Store, ref: str | int, reason: str | None = None) -> Invoice:
    """Void an issued invoice: its number stays used (the series stays gapless), its reads are freed.
    A draft is simply deleted; a paid invoice is corrected with a credit note instead."""
    inv = resolve_invoice(store, ref)
    if inv.status == "draft":
        raise ConflictError(f"{inv.label} is a draft; delete it instead (it has no number yet)")
    if inv.status == "paid":
        raise ConflictError(f"{inv.label} is paid; correct it with a credit note instead of voiding it")
    if inv.status == "void":
        raise ConflictError(f"{inv.label} is already void")
    if inv.kind == "invoice":
        active_notes = [n for n in istore.list_invoices(store, kind="credit_note") if n.credit_of == inv.id
                        and n.status != "void"]
        if active_notes:
            raise ConflictError(f"{inv.label} has credit note {active_notes[0].number or active_notes[0].id}; "
                                f"void that first")
    note = v.text(reason, "reason", max_len=500)
    istore.void(store, inv.id, f"Void: {note}" if note else None)
    return get_invoice(store, inv.id)


def create_credit_note(store: Store, ref: str | int, *, positions: list[int] | None = None,
                       reason: str | None = None) -> Invoice:
    """A draft credit note against an issued or paid invoice: the chosen lines (all by default) with
    their amounts negated, same commission and tax rates, same bill-to. Issue it like an invoice; once
    issued, the credited reads are released so they can be corrected and billed again."""
    orig = resolve_invoice(store, ref)
    if orig.kind != "invoice" or not orig.billed:
        raise ConflictError(f"{orig.label} is {orig.status}; a credit note corrects an issued or paid invoice")
    credited = istore.credited_read_ids(store, orig.id)
    chosen = orig.lines if not positions else [ln for ln in orig.lines if ln.position in set(positions)]
    if positions:
        unknown = sorted(set(positions) - {ln.position for ln in orig.lines})
        if unknown:
            raise ValidationError("line", f"{orig.label} has no line {unknown[0]}")
    already = [ln.position for ln in chosen if ln.read_id in credited]
    if already:
        raise ConflictError(f"line {already[0]} of {orig.label} is already credited")
    chosen = [ln for ln in chosen if ln.amount_minor != 0 or ln.read_id]
    if not chosen:
        raise ValidationError("line", "nothing to credit")
    note = v.text(reason, "reason", max_len=500)
    lines = []
    for ln in chosen:
        d = {c: getattr(ln, c) for c in istore.LINE_COLUMNS}
        d.update(kind="credit", amount_minor=-ln.amount_minor,
                 description=f"Credit for line {ln.position} of invoice {orig.number}: {ln.description}")
        lines.append(d)
    header = {"kind": "credit_note", "credit_of": orig.id, "status": "draft", "sponsor_id": orig.sponsor_id,
              "agency_id": orig.agency_id, "campaign_id": orig.campaign_id, "currency": orig.currency,
              "period_start": orig.period_start, "period_end": orig.period_end, "terms_days": 0,
              "commission_bp": orig.commission_bp, "tax_bp": orig.tax_bp,
              **totals(lines, orig.commission_bp, orig.tax_bp),
              "bill_to_snapshot": orig.bill_to_snapshot, "notes": note}
    invoice_id = istore.create_invoice(store, header, lines)
    return get_invoice(store, invoice_id)
