"""The billed-read lock: the messages its triggers abort with, and the one line each becomes.

The triggers (``migrations._billed_lock_triggers``) refuse a change inside the very statement that makes
it, so no check-then-write race exists. ``RAISE`` takes only a literal, so the trigger names what was
refused and :func:`lock_error` looks up which invoice holds it, for the producer's message.
"""

from __future__ import annotations

import sqlite3

from sponsortrack.errors import ConflictError, SponsortrackError, ValidationError
from sponsortrack.store.models import episode_code
from sponsortrack.store.unbilled import BILLED

READ_EDIT = "locked: billed read edited"
READ_DELETE = "locked: billed read deleted"
READ_RELEASE = "locked: billed read released"
EPISODE_PUBLISHED = "locked: billed episode published_on"
EPISODE_RECORDED = "locked: billed episode recorded_on"
EPISODE_SHOW = "locked: billed episode show"
EPISODE_NUMBER = "locked: billed episode number"
EPISODE_SEASON = "locked: billed episode season"
INVOICE = "locked: issued invoice changed"
INVOICE_LINE = "locked: issued invoice line changed"

_EPISODE_FIELDS = {EPISODE_PUBLISHED: ("published_on", "its air date"),
                   EPISODE_RECORDED: ("recorded_on", "its air date"),
                   EPISODE_SHOW: ("show", "its show"), EPISODE_NUMBER: ("number", "its number"),
                   EPISODE_SEASON: ("season", "its season")}


def is_lock(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.IntegrityError) and str(exc).startswith("locked: ")


def _invoices_text(rows: list) -> str:
    numbers = sorted({r[1] or f"#{r[0]}" for r in rows})
    return ("invoice " if len(numbers) == 1 else "invoices ") + ", ".join(numbers)


def lock_error(conn: sqlite3.Connection, exc: BaseException, table: str | None = None,
               row_id: int | None = None) -> SponsortrackError | None:
    """The producer's one line for a lock trigger's abort (``None`` if ``exc`` is no lock)."""
    if not is_lock(exc):
        return None
    msg = str(exc)
    if msg in (READ_EDIT, READ_DELETE, READ_RELEASE):
        row = conn.execute("SELECT i.number, i.status FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
                           "WHERE r.id = ?", [row_id]).fetchone() if row_id is not None else None
        where = f"{row[1]} invoice {row[0]}" if row else "an issued invoice"
        what = f"read {row_id}" if row_id is not None else "a read"
        if msg == READ_RELEASE:
            return ConflictError(f"{what} is billed on {where}; it stays billed until that invoice is voided "
                                 f"or a credit note for it is issued")
        verb = "deleted" if msg == READ_DELETE else "edited"
        return ConflictError(f"{what} is billed on {where}; it cannot be {verb} (correct it with a credit note)")
    if msg in _EPISODE_FIELDS:
        field, what = _EPISODE_FIELDS[msg]
        rows = conn.execute(
            "SELECT i.id, i.number, r.id FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
            f"WHERE r.episode_id = ? AND i.status IN {BILLED} ORDER BY r.id",
            [row_id]).fetchall() if row_id is not None else []
        ep = conn.execute("SELECT s.name, e.number, e.title, e.season FROM episodes e JOIN shows s "
                          "ON s.id = e.show_id WHERE e.id = ?", [row_id]).fetchone() if row_id is not None else None
        episode = (f"{ep[0]} {episode_code(ep[1], ep[3])}" if ep[1] is not None else f"{ep[0]} {ep[2]!r}") \
            if ep else "this episode"
        reads = ", ".join(str(r[2]) for r in rows[:5]) + (", …" if len(rows) > 5 else "")
        billed = (f"read{'s' if len(rows) > 1 else ''} {reads} of {episode} "
                  f"{'are' if len(rows) > 1 else 'is'} billed on {_invoices_text(rows)}") if rows \
            else f"reads of {episode} are billed on an issued invoice"
        return ValidationError(field, f"{billed}; {what} cannot change (correct the invoice with a credit "
                                      f"note first)")
    if msg in (INVOICE, INVOICE_LINE):
        row = conn.execute("SELECT number, status FROM invoices WHERE id = ?", [row_id]).fetchone() \
            if row_id is not None and table == "invoices" else None
        who = f"invoice {row[0]} is {row[1]}" if row else "the invoice is issued"
        return ConflictError(f"{who}; an issued invoice and its lines never change (correct it with a "
                             f"credit note)")
    return ConflictError(msg)
