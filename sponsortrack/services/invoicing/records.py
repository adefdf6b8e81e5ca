"""Finding invoices: by number or id, by status, sponsor and month; the default month; one row for lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.money import format_money
from sponsortrack.services import catalog as cat
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store import reads as rstore
from sponsortrack.store.invoices import Invoice


def default_month(store: Store | None = None, today: dt.date | None = None) -> str:
    """The month to bill or report by default: last month (what a producer bills at the start of a
    month), or the month of the latest read when the history ends earlier (an archive)."""
    today = today or dt.date.today()
    month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    if store is not None:
        latest = rstore.latest_air_date(store)
        if latest and latest[:7] < month:
            month = latest[:7]
    return month


def day_or_today(today: dt.date | str | None) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, str):
        return dt.date.fromisoformat(v.parse_date(today, "date"))
    return today


def resolve_invoice(store: Store, ref: str | int) -> Invoice:
    """An invoice by number (``2019-0001``) or by id (``17``, or ``#17``)."""
    if isinstance(ref, int):
        inv = istore.get_invoice(store, ref)
        if inv is None:
            raise NotFoundError("invoice", f"no invoice with id {ref}")
        return inv
    text = (ref or "").strip()
    if not text:
        raise ValidationError("invoice", "give an invoice number or id")
    inv = istore.find_by_number(store, text)
    if inv is not None:
        return inv
    digits = text.lstrip("#")
    if digits.isdigit():
        inv = istore.get_invoice(store, int(digits))
        if inv is not None:
            return inv
    raise NotFoundError("invoice", f"no invoice numbered {text!r}")


def get_invoice(store: Store, invoice_id: int) -> Invoice:
    return resolve_invoice(store, int(invoice_id))


def list_invoices(store: Store, *, status: str | None = None, sponsor: str | int | None = None,
                  month: str | None = None, kind: str | None = None) -> list[Invoice]:
    sponsor_id = cat.resolve_sponsor(store, sponsor).id if sponsor not in (None, "") else None  # type: ignore[arg-type]
    if status is not None:
        status = v.choice(status, "status", v.INVOICE_STATUSES)
    date_from = date_to = None
    if month:
        date_from, date_to = v.month_bounds(v.parse_month(month))
    return istore.list_invoices(store, status=status, sponsor_id=sponsor_id, period_from=date_from,
                                period_to=date_to, kind=kind)


def invoice_summary(inv: Invoice) -> dict[str, Any]:
    """One row for lists (CLI, CSV, the Invoices screen): stable snake_case keys, minor units."""
    return {
        "id": inv.id, "number": inv.number, "kind": inv.kind, "status": inv.status,
        "sponsor": inv.sponsor_name, "bill_to": inv.bill_to_name, "agency": inv.agency_name,
        "campaign": inv.campaign_name, "credit_of": inv.credit_of_number, "currency": inv.currency,
        "period_start": inv.period_start, "period_end": inv.period_end, "issue_date": inv.issue_date,
        "due_date": inv.due_date, "terms_days": inv.terms_days, "lines": inv.line_count or len(inv.lines),
        "subtotal_minor": inv.subtotal_minor, "commission_minor": inv.commission_minor, "net_minor": inv.net_minor,
        "tax_minor": inv.tax_minor, "total_minor": inv.total_minor, "paid_on": inv.paid_on,
        "total": format_money(inv.total_minor, inv.currency),
    }


def void_reason(notes: str | None) -> str | None:
    """The reason given when voiding (stored as a "Void: ..." line of the notes)."""
    for line in reversed((notes or "").splitlines()):
        if line.startswith("Void: "):
            return line[6:].strip() or None
    return None
