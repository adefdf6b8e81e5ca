"""Payments against invoices and how credit notes settle: what an invoice's balance due is made of."""

from __future__ import annotations

from dataclasses import dataclass

from sponsortrack.errors import ConflictError
from sponsortrack.store.db import Store
from sponsortrack.store.invoices import _SELECT, Invoice, _invoice
from sponsortrack.store.unbilled import BILLED


@dataclass
class Payment:
    id: int
    invoice_id: int
    paid_on: str
    amount_minor: int
    reference: str | None = None
    created_at: str | None = None


def add_payment(store: Store, invoice_id: int, paid_on: str, amount_minor: int, reference: str | None, *,
                max_minor: int, mark_paid_when_settled: bool = True) -> int:
    """Record one payment in one write transaction. ``max_minor`` is the balance due the caller computed;
    it is re-checked inside the transaction so two payments at once cannot overpay. When the payment
    settles the invoice, it becomes paid on the payment's date."""
    with store.write():
        status = store.scalar("SELECT status FROM invoices WHERE id = ?", [invoice_id])
        if status != "issued":
            raise ConflictError(f"invoice {invoice_id} is {status}; only an issued invoice takes payments")
        cur = store.conn.execute(
            "INSERT INTO payments (invoice_id, paid_on, amount_minor, reference) VALUES (?, ?, ?, ?)",
            [invoice_id, paid_on, amount_minor, reference])
        if amount_minor >= max_minor and mark_paid_when_settled:
            last = store.scalar("SELECT max(paid_on) FROM payments WHERE invoice_id = ?", [invoice_id])
            store.conn.execute("UPDATE invoices SET status = 'paid', paid_on = ? WHERE id = ?", [last, invoice_id])
        assert cur.lastrowid is not None  # an INSERT sets it
        return cur.lastrowid


def list_payments(store: Store, invoice_id: int) -> list[Payment]:
    return [Payment(**r) for r in store.query(
        "SELECT id, invoice_id, paid_on, amount_minor, reference, created_at FROM payments "
        "WHERE invoice_id = ? ORDER BY paid_on, id", [invoice_id])]


def paid_by_invoice(store: Store, as_of: str | None = None) -> dict[int, int]:
    """Sum of payments per invoice, received on or before ``as_of`` (all when None)."""
    sql = "SELECT invoice_id, sum(amount_minor) AS s FROM payments"
    params: list = []
    if as_of:
        sql += " WHERE paid_on <= ?"
        params.append(as_of)
    return {r["invoice_id"]: int(r["s"]) for r in store.query(sql + " GROUP BY invoice_id", params)}


def credited_by_invoice(store: Store, as_of: str | None = None) -> dict[int, int]:
    """Per original invoice: the credit notes issued against it (dated on or before ``as_of``) that are
    deducted from its balance, as a positive amount. Refunded credit notes are left out."""
    sql = ("SELECT n.credit_of AS inv, -sum(n.total_minor) AS s FROM invoices n "
           "LEFT JOIN credit_settlements cs ON cs.credit_note_id = n.id "
           f"WHERE n.kind = 'credit_note' AND n.status IN {BILLED} AND n.credit_of IS NOT NULL "
           "AND coalesce(cs.settlement, 'deduct') = 'deduct'")
    params: list = []
    if as_of:
        sql += " AND n.issue_date <= ?"
        params.append(as_of)
    return {r["inv"]: int(r["s"]) for r in store.query(sql + " GROUP BY n.credit_of", params)}


def settlement(store: Store, credit_note_id: int) -> str:
    return store.scalar("SELECT settlement FROM credit_settlements WHERE credit_note_id = ?",
                        [credit_note_id]) or "deduct"


def set_settlement(store: Store, credit_note_id: int, value: str) -> None:
    with store.write():
        store.conn.execute(
            "INSERT INTO credit_settlements (credit_note_id, settlement) VALUES (?, ?) "
            "ON CONFLICT(credit_note_id) DO UPDATE SET settlement = excluded.settlement, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')", [credit_note_id, value])


def receivable_as_of(store: Store, as_of: str) -> list[Invoice]:
    """Invoices issued on or before ``as_of`` that were not void on that day (paid ones included: the
    caller's balances as of that day say what was still owed)."""
    return [_invoice(r, False) for r in store.query(
        _SELECT + " WHERE i.kind = 'invoice' AND i.issue_date IS NOT NULL AND i.issue_date <= ? "
                  f"AND (i.status IN {BILLED} OR (i.status = 'void' AND substr(i.voided_at, 1, 10) > ?)) "
                  "ORDER BY i.due_date, i.number", [as_of, as_of])]


def numbered_in_period(store: Store, date_from: str, date_to: str) -> list[Invoice]:
    """Every numbered invoice and credit note dated in the period, void ones too, so the series reads
    without gaps."""
    return [_invoice(r, False) for r in store.query(
        _SELECT + " WHERE i.number IS NOT NULL AND i.issue_date BETWEEN ? AND ? "
                  "ORDER BY i.issue_date, i.number", [date_from, date_to])]
