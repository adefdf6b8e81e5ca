"""Invoices, credit notes, their lines and the gapless number sequences; report aggregates.

Every statement that touches ``invoices``, ``invoice_lines``, ``invoice_sequences`` or the
``ad_reads.invoice_id`` claim lives here. Writes that must be atomic take a ``Store.write()``
transaction (``BEGIN IMMEDIATE``): issuing reads and bumps the sequence and stamps the number in one
transaction, so two processes issuing at once get distinct, consecutive numbers.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sponsortrack.errors import ConflictError
from sponsortrack.pricing import BILLED_INVOICE_STATUSES, DELIVERED_STATUSES
from sponsortrack.store import base, unbilled
from sponsortrack.store.db import Store, utc_now
from sponsortrack.store.models import from_row
from sponsortrack.store.reads import AIR_DATE, BILLED_UNITS, DELIVERED


@dataclass
class InvoiceLine:
    id: int
    invoice_id: int
    position: int
    kind: str
    description: str
    amount_minor: int
    read_id: int | None = None
    show_name: str | None = None
    episode_number: int | None = None
    episode_title: str | None = None
    air_date: str | None = None
    placement: str | None = None
    read_type: str | None = None
    promo: str | None = None
    pricing: str | None = None
    units: int | None = None
    rate_minor: int | None = None
    episode_season: int | None = None


@dataclass
class Invoice:
    id: int
    sponsor_id: int
    status: str
    currency: str
    number: str | None = None
    kind: str = "invoice"
    credit_of: int | None = None
    agency_id: int | None = None
    campaign_id: int | None = None
    period_start: str | None = None
    period_end: str | None = None
    issue_date: str | None = None
    due_date: str | None = None
    terms_days: int | None = None
    commission_bp: int = 0
    tax_bp: int = 0
    subtotal_minor: int = 0
    commission_minor: int = 0
    net_minor: int = 0
    tax_minor: int = 0
    total_minor: int = 0
    seller_snapshot: dict | None = None
    bill_to_snapshot: dict | None = None
    notes: str | None = None
    paid_on: str | None = None
    created_at: str | None = None
    issued_at: str | None = None
    voided_at: str | None = None
    sponsor_name: str | None = None
    agency_name: str | None = None
    campaign_name: str | None = None
    credit_of_number: str | None = None
    line_count: int = 0
    lines: list[InvoiceLine] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("seller_snapshot", "bill_to_snapshot"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, json.loads(value))

    @property
    def label(self) -> str:
        what = "credit note" if self.kind == "credit_note" else "invoice"
        return f"{what} {self.number}" if self.number else f"draft {what} {self.id}"

    @property
    def billed(self) -> bool:
        """Issued or paid (``pricing.BILLED_INVOICE_STATUSES``): in effect, the reads it claims are billed;
        a draft bills nothing yet, a void one nothing any more."""
        return self.status in BILLED_INVOICE_STATUSES

    @property
    def bill_to_name(self) -> str:
        snap = self.bill_to_snapshot or {}
        return snap.get("name") or self.agency_name or self.sponsor_name or ""


_SELECT = """
SELECT i.*, s.name AS sponsor_name, a.name AS agency_name, c.name AS campaign_name,
       o.number AS credit_of_number,
       (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id) AS line_count
FROM invoices i
JOIN sponsors s ON s.id = i.sponsor_id
LEFT JOIN agencies a ON a.id = i.agency_id
LEFT JOIN campaigns c ON c.id = i.campaign_id
LEFT JOIN invoices o ON o.id = i.credit_of
"""

LINE_COLUMNS = ("position", "kind", "read_id", "description", "show_name", "episode_number", "episode_title",
                "air_date", "placement", "read_type", "promo", "pricing", "units", "rate_minor", "amount_minor",
                "episode_season")


def _invoice(row: dict, lines: bool) -> Invoice:
    inv = from_row(Invoice, row)
    if lines:
        inv.lines = []
    return inv


def get_invoice(store: Store, invoice_id: int, *, with_lines: bool = True) -> Invoice | None:
    row = store.query_one(_SELECT + " WHERE i.id = ?", [invoice_id])
    if row is None:
        return None
    inv = _invoice(row, with_lines)
    if with_lines:
        inv.lines = list_lines(store, invoice_id)
    return inv


def find_by_number(store: Store, number: str) -> Invoice | None:
    row = store.query_one(_SELECT + " WHERE i.number = ?", [number])
    if row is None:
        return None
    inv = _invoice(row, True)
    inv.lines = list_lines(store, inv.id)
    return inv


def list_lines(store: Store, invoice_id: int) -> list[InvoiceLine]:
    return [from_row(InvoiceLine, r) for r in store.query(
        "SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position", [invoice_id])]


def list_invoices(store: Store, *, status: str | None = None, sponsor_id: int | None = None,
                  period_from: str | None = None, period_to: str | None = None, kind: str | None = None,
                  limit: int | None = None) -> list[Invoice]:
    where, params = base.where(
        ("i.status = ?", status), ("i.sponsor_id = ?", sponsor_id), ("i.kind = ?", kind),
        ("coalesce(i.period_end, i.issue_date, substr(i.created_at, 1, 10)) >= ?", period_from),
        ("coalesce(i.period_start, i.issue_date, substr(i.created_at, 1, 10)) <= ?", period_to))
    sql = _SELECT + where
    sql += (" ORDER BY CASE WHEN i.number IS NULL THEN 1 ELSE 0 END, i.issue_date, i.number, i.id")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_invoice(r, False) for r in store.query(sql, params)]


def find_drafts(store: Store, sponsor_id: int, campaign_id: int | None, period_start: str,
                currency: str) -> list[Invoice]:
    rows = store.query(
        _SELECT + " WHERE i.status = 'draft' AND i.kind = 'invoice' AND i.sponsor_id = ? "
                  "AND i.campaign_id IS ? AND i.period_start = ? AND i.currency = ? ORDER BY i.id",
        [sponsor_id, campaign_id, period_start, currency])
    return [_invoice(r, False) for r in rows]


def claimed_read_ids(store: Store, invoice_id: int) -> list[int]:
    return [r["id"] for r in store.query("SELECT id FROM ad_reads WHERE invoice_id = ? ORDER BY id",
                                         [invoice_id])]


def billed_by_invoice(store: Store, campaign_id: int) -> list[tuple[str, int]]:
    """The campaign's billed reads (their invoice issued or paid): ``[(invoice number, reads)]``."""
    return [(r[0], int(r[1])) for r in store.conn.execute(
        "SELECT i.number, count(*) FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
        f"WHERE r.campaign_id = ? AND i.status IN {unbilled.BILLED} GROUP BY i.id ORDER BY i.number",
        [campaign_id])]


def snapshot_days(store: Store, read_ids: list[int]) -> dict[int, tuple[int, str]]:
    """For CPM reads without units of their own: the download snapshot the units come from,
    ``{read_id: (day, source)}`` (the latest one on or before the campaign's window)."""
    if not read_ids:
        return {}
    marks = ", ".join("?" for _ in read_ids)
    rows = store.query(
        f"""SELECT r.id AS read_id, (
                SELECT d.day || '|' || d.source FROM download_snapshots d
                WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days
                ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1) AS snap
            FROM ad_reads r JOIN campaigns c ON c.id = r.campaign_id
            WHERE r.id IN ({marks}) AND r.units IS NULL""", list(read_ids))
    out = {}
    for r in rows:
        if r["snap"]:
            day, source = r["snap"].split("|", 1)
            out[r["read_id"]] = (int(day), source)
    return out


# -- writes ---------------------------------------------------------------------------------------


def _snapshots_as_json(values: dict[str, Any]) -> dict[str, Any]:
    """An invoice's columns as written: the seller and bill-to snapshots as JSON text."""
    out = dict(values)
    for key in ("seller_snapshot", "bill_to_snapshot"):
        if isinstance(out.get(key), dict):
            out[key] = json.dumps(out[key], sort_keys=True, ensure_ascii=False)
    return out


def _replace_lines(store: Store, invoice_id: int, lines: list[dict[str, Any]]) -> None:
    """Make an invoice's lines exactly ``lines`` (a new invoice's too), in place: a line that stays the same
    is not rewritten, so refreshing a draft (and issuing, which refreshes it) records only real changes in
    change_log."""
    existing = {int(r[1]): int(r[0]) for r in store.conn.execute(
        "SELECT id, position FROM invoice_lines WHERE invoice_id = ?", [invoice_id])}
    cols = [c for c in LINE_COLUMNS if c != "position"]
    for pos, line in enumerate(lines, start=1):
        values = {c: line.get(c) for c in cols}
        values["kind"] = line.get("kind") or "charge"
        if pos in existing:
            store.conn.execute(f"UPDATE invoice_lines SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                               [*(values[c] for c in cols), existing.pop(pos)])
        else:
            store.conn.execute(
                f"INSERT INTO invoice_lines (invoice_id, position, {', '.join(cols)}) "
                f"VALUES (?, ?, {', '.join('?' for _ in cols)})", [invoice_id, pos, *(values[c] for c in cols)])
    for line_id in existing.values():
        store.conn.execute("DELETE FROM invoice_lines WHERE id = ?", [line_id])


def _claim(store: Store, invoice_id: int, read_ids: list[int]) -> None:
    # claimed, not billed: a read on another draft is unbilled yet (store.unbilled) but not claimed twice
    for rid in read_ids:
        cur = store.conn.execute(
            "UPDATE ad_reads SET invoice_id = ? WHERE id = ? AND (invoice_id IS NULL OR invoice_id = ?)",
            [invoice_id, rid, invoice_id])
        if cur.rowcount != 1:
            raise ConflictError(f"read {rid} is already on another invoice")


def create_invoice(store: Store, values: dict[str, Any], lines: list[dict[str, Any]]) -> int:
    """Insert an invoice (draft) with its lines and claim the lines' reads, all at once."""
    values = _snapshots_as_json(values)
    cols = list(values)
    try:
        with store.write():
            cur = store.conn.execute(
                f"INSERT INTO invoices ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [values[c] for c in cols])
            invoice_id = int(cur.lastrowid)  # type: ignore[arg-type]
            _replace_lines(store, invoice_id, lines)  # a new invoice has none: all are inserted
            if values.get("kind", "invoice") == "invoice":
                _claim(store, invoice_id, [ln["read_id"] for ln in lines if ln.get("read_id")])
    except sqlite3.IntegrityError as exc:
        raise ConflictError(f"invoice: {exc}") from None
    return invoice_id


def replace_draft(store: Store, invoice_id: int, values: dict[str, Any], lines: list[dict[str, Any]],
                  read_ids: list[int]) -> None:
    """Rewrite a draft's header and lines; the draft then claims exactly ``read_ids``."""
    values = _snapshots_as_json(values)
    with store.write():
        status = store.scalar("SELECT status FROM invoices WHERE id = ?", [invoice_id])
        if status != "draft":
            raise ConflictError(f"invoice {invoice_id} is {status}; only a draft can change")
        if values:
            sets = ", ".join(f"{c} = ?" for c in values)
            store.conn.execute(f"UPDATE invoices SET {sets} WHERE id = ?", [*values.values(), invoice_id])
        _replace_lines(store, invoice_id, lines)
        keep = set(read_ids)
        for rid in claimed_read_ids(store, invoice_id):
            if rid not in keep:
                store.conn.execute("UPDATE ad_reads SET invoice_id = NULL WHERE id = ?", [rid])
        _claim(store, invoice_id, sorted(keep))


def sequence_key(pattern: str, year: int, month: int) -> str:
    """The series a number belongs to: the pattern with its date fields filled, ``{seq}`` left in."""
    key = pattern
    for name, value in (("year", year), ("month", month)):
        while "{" + name in key:
            start = key.index("{" + name)
            end = key.index("}", start)
            key = key[:start] + format(value, key[start + len(name) + 1:end].lstrip(":") or "") + key[end + 1:]
    return key


MAX_NUMBER_SKIPS = 100_000


def issue(store: Store, invoice_id: int, *, pattern: str, issue_date: str, header: dict[str, Any]) -> str:
    """Number and issue a draft in one write transaction (BEGIN IMMEDIATE): the sequence of the
    pattern's series is bumped, the number stamped and the header frozen, or nothing happens.
    A number that already exists (the pattern was changed back and forth) is skipped."""
    header = _snapshots_as_json(header)
    year, month = int(issue_date[:4]), int(issue_date[5:7])
    key = sequence_key(pattern, year, month)
    with store.write():
        status = store.scalar("SELECT status FROM invoices WHERE id = ?", [invoice_id])
        if status != "draft":
            raise ConflictError(f"invoice {invoice_id} is {status}; only a draft can be issued")
        store.conn.execute("INSERT OR IGNORE INTO invoice_sequences (key, last) VALUES (?, 0)", [key])
        last = int(store.scalar("SELECT last FROM invoice_sequences WHERE key = ?", [key]) or 0)
        for _ in range(MAX_NUMBER_SKIPS):  # bounded: a pattern that repeats must never spin under the lock
            last += 1
            number = pattern.format(year=year, month=month, seq=last)
            if not store.scalar("SELECT 1 FROM invoices WHERE number = ?", [number]):
                break
        else:
            raise ConflictError(f"invoice_number_pattern: {pattern!r} gives only numbers already used "
                                f"(last tried {number!r}); change the pattern")
        store.conn.execute("UPDATE invoice_sequences SET last = ?, updated_at = ? WHERE key = ?",
                           [last, utc_now(), key])
        values = {**header, "number": number, "status": "issued", "issue_date": issue_date,
                  "issued_at": utc_now()}
        sets = ", ".join(f"{c} = ?" for c in values)
        store.conn.execute(f"UPDATE invoices SET {sets} WHERE id = ?", [*values.values(), invoice_id])
    return number


def release_credited_reads(store: Store, original_id: int, read_ids: list[int]) -> None:
    """After a credit note is issued: the credited reads are free to be corrected and billed again."""
    with store.write():
        for rid in read_ids:
            store.conn.execute("UPDATE ad_reads SET invoice_id = NULL WHERE id = ? AND invoice_id = ?",
                               [rid, original_id])


def set_paid(store: Store, invoice_id: int, paid_on: str | None) -> None:
    with store.write():
        status = store.scalar("SELECT status FROM invoices WHERE id = ?", [invoice_id])
        if paid_on is None:
            if status != "paid":
                raise ConflictError(f"invoice {invoice_id} is {status}, not paid")
            store.conn.execute("UPDATE invoices SET status = 'issued', paid_on = NULL WHERE id = ?", [invoice_id])
            return
        if status != "issued":
            raise ConflictError(f"invoice {invoice_id} is {status}; only an issued invoice can be paid")
        store.conn.execute("UPDATE invoices SET status = 'paid', paid_on = ? WHERE id = ?", [paid_on, invoice_id])


def void(store: Store, invoice_id: int, note: str | None) -> None:
    """Void an issued invoice (its number stays used) and free its reads.

    Voiding an issued credit note puts the reads it had released back on the invoice it credited (that
    invoice bills them again); refused when one of them has been billed on another invoice since."""
    with store.write():
        status, kind, credit_of = store.conn.execute(
            "SELECT status, kind, credit_of FROM invoices WHERE id = ?", [invoice_id]).fetchone() or (None, None, None)
        if status != "issued":
            raise ConflictError(f"invoice {invoice_id} is {status}; only an issued invoice can be voided")
        if kind == "credit_note" and credit_of is not None:
            for rid, number, other in store.conn.execute(
                    "SELECT r.id, o.number, r.invoice_id FROM invoice_lines l JOIN ad_reads r ON r.id = l.read_id "
                    "LEFT JOIN invoices o ON o.id = r.invoice_id WHERE l.invoice_id = ? ORDER BY l.position",
                    [invoice_id]).fetchall():
                if other is not None and other != credit_of:
                    raise ConflictError(f"read {rid} is on invoice {number or f'draft {other}'} since this credit "
                                        f"note released it; void or credit that first")
                store.conn.execute("UPDATE ad_reads SET invoice_id = ? WHERE id = ?", [credit_of, rid])
        store.conn.execute(
            "UPDATE invoices SET status = 'void', voided_at = ?, "
            "notes = CASE WHEN ? IS NULL THEN notes ELSE trim(coalesce(notes, '') || char(10) || ?) END "
            "WHERE id = ?", [utc_now(), note, note, invoice_id])
        store.conn.execute("UPDATE ad_reads SET invoice_id = NULL WHERE invoice_id = ?", [invoice_id])


def delete_draft(store: Store, invoice_id: int) -> None:
    with store.write():
        status = store.scalar("SELECT status FROM invoices WHERE id = ?", [invoice_id])
        if status != "draft":
            raise ConflictError(f"invoice {invoice_id} is {status}; only a draft can be deleted")
        store.conn.execute("UPDATE ad_reads SET invoice_id = NULL WHERE invoice_id = ?", [invoice_id])
        store.conn.execute("DELETE FROM invoice_lines WHERE invoice_id = ?", [invoice_id])
        store.conn.execute("DELETE FROM invoices WHERE id = ?", [invoice_id])


def credited_read_ids(store: Store, original_id: int) -> set[int]:
    """Reads of an invoice already credited by a credit note that is not void."""
    return {r["read_id"] for r in store.query(
        "SELECT l.read_id FROM invoice_lines l JOIN invoices n ON n.id = l.invoice_id "
        "WHERE n.credit_of = ? AND n.status <> 'void' AND l.read_id IS NOT NULL", [original_id])}


# -- report aggregates ----------------------------------------------------------------------------


def overdue(store: Store, as_of: str) -> list[Invoice]:
    return [_invoice(r, False) for r in store.query(
        _SELECT + " WHERE i.status = 'issued' AND i.kind = 'invoice' AND i.due_date < ? "
                  "ORDER BY i.due_date, i.number", [as_of])]


def unbilled_summary(store: Store) -> list[dict]:
    """Delivered reads not billed yet (on no invoice, or on a draft), per sponsor:
    ``{sponsor_id, sponsor_name, reads, first, last}`` — from the counters (``store.unbilled``), so in
    the number of sponsor-months, not of reads."""
    return store.query(
        f"""SELECT sp.id AS sponsor_id, sp.name AS sponsor_name, u.reads, u.first, u.last
            FROM (SELECT sponsor_id, sum(reads) AS reads, min(first_air) AS first, max(last_air) AS last
                  FROM {unbilled.TABLE} GROUP BY sponsor_id) u JOIN sponsors sp ON sp.id = u.sponsor_id
            ORDER BY u.reads DESC, sp.name COLLATE NOCASE""")


def unbilled_before(store: Store, before: str) -> list[dict]:
    """Delivered reads not billed yet that aired before ``before``: ``{sponsor_name, reads, first_air}``.

    The months before ``before``'s from the counters; the days of its own month before it (none when it
    is the 1st) from that month's reads."""
    month = before[:7]
    return store.query(
        f"""SELECT sp.name AS sponsor_name, sum(u.reads) AS reads, min(u.first_air) AS first_air
            FROM (SELECT sponsor_id, reads, first_air FROM {unbilled.TABLE} WHERE month <> '' AND month < :month
                  UNION ALL
                  SELECT r.sponsor_id, 1, {AIR_DATE} FROM episodes e INDEXED BY episodes_air_date
                  JOIN ad_reads r ON r.episode_id = e.id LEFT JOIN invoices i ON i.id = r.invoice_id
                  WHERE {AIR_DATE} >= :month || '-01' AND {AIR_DATE} < :before AND r.status IN {DELIVERED}
                    AND coalesce(i.status, '') NOT IN {unbilled.BILLED}) u
            JOIN sponsors sp ON sp.id = u.sponsor_id
            GROUP BY sp.id ORDER BY reads DESC, sp.name COLLATE NOCASE""", {"month": month, "before": before})


def invoiced_in_period(store: Store, date_from: str, date_to: str) -> list[Invoice]:
    """Issued or paid invoices and credit notes dated in the period."""
    return [_invoice(r, False) for r in store.query(
        _SELECT + f" WHERE i.status IN {unbilled.BILLED} AND i.issue_date BETWEEN ? AND ? "
                  "ORDER BY i.issue_date, i.number", [date_from, date_to])]


def sponsor_delivery(store: Store, sponsor_id: int, campaign_ids: list[int], as_of: str) -> dict[int, dict]:
    """Per campaign of one sponsor, up to ``as_of``: the figures of ``reads.campaign_delivery`` (delivered
    reads, make-goods delivered and owed, delivered units), computed without its per-flagged-read scan
    of every read (``ad_reads.make_good_of`` has no index; a make-good is always the same sponsor's read,
    so the sponsor's make-goods are looked up once through ``ad_reads_sponsor``)."""
    if not campaign_ids:
        return {}
    marks = ", ".join("?" for _ in campaign_ids)
    made_good = {r[0] for r in store.conn.execute(
        "SELECT make_good_of FROM ad_reads WHERE sponsor_id = ? AND make_good_of IS NOT NULL", [sponsor_id])}
    out: dict[int, dict] = {cid: {"delivered_reads": 0, "make_goods_delivered": 0, "make_goods_owed": 0,
                                  "delivered_units": 0} for cid in campaign_ids}
    rows = store.conn.execute(
        f"""SELECT r.id, r.campaign_id, r.status, r.make_good_of,
                   coalesce(CASE WHEN r.invoice_id IS NOT NULL THEN {BILLED_UNITS} END, r.units,
                       CASE WHEN c.pricing = 'cpm' THEN (SELECT d.downloads FROM download_snapshots d
                       WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days
                       ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1) END) AS units
            FROM ad_reads r JOIN campaigns c ON c.id = r.campaign_id JOIN episodes e ON e.id = r.episode_id
            WHERE r.campaign_id IN ({marks}) AND {AIR_DATE} <= ?""", [*campaign_ids, as_of])
    for rid, cid, status, make_good_of, units in rows:
        d = out[cid]
        if status in DELIVERED_STATUSES:
            d["delivered_reads"] += 1
            d["delivered_units"] += units or 0
            if make_good_of is not None:
                d["make_goods_delivered"] += 1
        elif status == "flagged" and rid not in made_good:
            d["make_goods_owed"] += 1
    return out
