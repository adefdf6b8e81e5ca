"""Balances: payments received and credit notes applied against an invoice give its balance due.

An invoice's balance as of a day is its total less the payments received on or before that day and the
credit notes issued against it on or before that day that are deducted from it (the default; a refunded
credit note is paid back to the buyer instead and leaves the balance alone). An invoice marked paid without
payments recorded (``invoice paid``) counts as settled from its paid date. A void invoice owes nothing from
the day it was voided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.money import format_money, parse_money
from sponsortrack.services.invoicing.records import get_invoice, resolve_invoice
from sponsortrack.store import Store
from sponsortrack.store import payments as pstore
from sponsortrack.store.invoices import Invoice
from sponsortrack.store.payments import Payment

SETTLEMENTS = ("deduct", "refund")


@dataclass
class Balance:
    total_minor: int
    paid_minor: int = 0
    credited_minor: int = 0
    settled_on: str | None = None            # paid in full on this day (as of the balance's day)
    payments: list[Payment] = field(default_factory=list)

    @property
    def due_minor(self) -> int:
        return max(self.total_minor - self.paid_minor - self.credited_minor, 0)

    @property
    def part_paid(self) -> bool:
        return self.due_minor > 0 and (self.paid_minor > 0 or self.credited_minor > 0)


def _void_day(inv: Invoice) -> str | None:
    return (inv.voided_at or "")[:10] or None


def balance_of(inv: Invoice, paid: int, credited: int, as_of: str | None,
               payments: list[Payment] | None = None) -> Balance:
    """The balance from already-summed payments and credits (both as of ``as_of``)."""
    if inv.kind != "invoice":
        return Balance(total_minor=inv.total_minor, payments=payments or [])
    if inv.status == "void" and (as_of is None or (_void_day(inv) or "") <= as_of):
        return Balance(total_minor=0, payments=payments or [])
    b = Balance(total_minor=inv.total_minor, paid_minor=paid, credited_minor=credited, payments=payments or [])
    if inv.status == "paid" and inv.paid_on and (as_of is None or inv.paid_on <= as_of):
        # marked paid (possibly without every payment recorded): settled from its paid date
        b.paid_minor = max(paid, inv.total_minor - credited)
        b.settled_on = inv.paid_on
    return b


def balance(store: Store, inv: Invoice, as_of: str | None = None) -> Balance:
    pays = [p for p in pstore.list_payments(store, inv.id) if as_of is None or p.paid_on <= as_of]
    credited = pstore.credited_by_invoice(store, as_of).get(inv.id, 0)
    return balance_of(inv, sum(p.amount_minor for p in pays), credited, as_of, pays)


def balances(store: Store, invoices: list[Invoice], as_of: str | None = None) -> dict[int, Balance]:
    """Balances of many invoices with two queries."""
    paid = pstore.paid_by_invoice(store, as_of)
    credited = pstore.credited_by_invoice(store, as_of)
    return {i.id: balance_of(i, paid.get(i.id, 0), credited.get(i.id, 0), as_of) for i in invoices}


def record_payment(store: Store, ref: str | int, *, amount: str | int, on: str | dt.date | None = None,
                   reference: str | None = None) -> tuple[Invoice, Balance]:
    """Record a payment (date, amount, reference) against an issued invoice; several make up a balance.
    The payment that settles the balance makes the invoice paid on its date. Overpaying is refused."""
    inv = resolve_invoice(store, ref)
    if inv.kind != "invoice":
        raise ConflictError(f"{inv.label} is a credit note; record payments against the invoice it corrects")
    if inv.status != "issued":
        raise ConflictError(f"{inv.label} is {inv.status}; only an issued invoice takes payments")
    day = v.parse_date(on if on is not None else dt.date.today().isoformat(), "date")
    assert day is not None
    if inv.issue_date and day < inv.issue_date:
        raise ValidationError("date", f"{day} is before the issue date {inv.issue_date}")
    minor = parse_money(amount if isinstance(amount, str) else str(amount), inv.currency, "amount")
    if minor <= 0:
        raise ValidationError("amount", "must be more than zero")
    ref_text = v.text(reference, "ref", max_len=200)
    due = balance(store, inv).due_minor
    if minor > due:
        raise ValidationError("amount", f"{format_money(minor, inv.currency)} is more than the balance due "
                                        f"{format_money(due, inv.currency)} of {inv.label}")
    pstore.add_payment(store, inv.id, day, minor, ref_text, max_minor=due)
    inv = get_invoice(store, inv.id)
    return inv, balance(store, inv)


def set_credit_settlement(store: Store, ref: str | int, settlement: str) -> Invoice:
    """How a credit note settles: ``deduct`` from its original's balance (default) or ``refund``ed."""
    note = resolve_invoice(store, ref)
    if note.kind != "credit_note":
        raise ValidationError("invoice", f"{note.label} is not a credit note")
    if note.status != "draft":
        raise ConflictError(f"{note.label} is {note.status}; how it settles is fixed when it is issued")
    value = v.choice(settlement, "settlement", SETTLEMENTS)
    pstore.set_settlement(store, note.id, value)
    return note


def settlement_of(store: Store, credit_note: Invoice) -> str:
    return pstore.settlement(store, credit_note.id)
