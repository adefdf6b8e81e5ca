"""CSV export of reads and invoices, safe to open in a spreadsheet.

Formula injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would run as a formula in Excel, LibreOffice or Google Sheets; :func:`safe_cell` prefixes it with an
apostrophe. Amounts are written as exact decimals (``Decimal``, never float) in their own columns, so
they stay numbers (a negative amount is a number, not text, and is not prefixed).
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from sponsortrack.money import to_decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: a text cell starting with = + - @ tab or CR is prefixed
    with an apostrophe. Numbers (int, Decimal) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def amount(minor: int | None, currency: str | None) -> Decimal | None:
    return None if minor is None else to_decimal(minor, currency or "USD")


READ_COLUMNS = ["read_id", "air_date", "show", "episode_number", "episode_title", "sponsor", "campaign",
                "placement", "position", "read_type", "start_seconds", "length_seconds", "promo_url", "promo_code",
                "status", "make_good_of", "units", "amount", "currency", "invoice_number", "notes"]

INVOICE_COLUMNS = ["number", "kind", "status", "credit_of", "sponsor", "bill_to", "agency", "campaign",
                   "period_start", "period_end", "issue_date", "due_date", "terms_days", "currency", "subtotal",
                   "commission", "net", "tax", "total", "paid_on", "lines", "id"]


def read_rows(store, **filters: Any) -> list[dict[str, Any]]:
    from sponsortrack.services import reads as rsvc

    out = []
    for r in rsvc.list_reads(store, sort="air_date", descending=False, **filters):
        out.append({
            "read_id": r.id, "air_date": r.air_date, "show": r.show_name, "episode_number": r.episode_number,
            "episode_title": r.episode_title, "sponsor": r.sponsor_name, "campaign": r.campaign_name,
            "placement": r.placement, "position": r.position, "read_type": r.read_type,
            "start_seconds": r.start_seconds, "length_seconds": r.length_seconds, "promo_url": r.promo_url,
            "promo_code": r.promo_code, "status": r.status, "make_good_of": r.make_good_of, "units": r.units,
            "amount": amount(r.price_minor, r.currency), "currency": r.currency,
            "invoice_number": r.invoice_number, "notes": r.notes,
        })
    return out


def invoice_rows(store, *, month: str | None = None, status: str | None = None,
                 sponsor: str | None = None) -> list[dict[str, Any]]:
    from sponsortrack.services import invoicing

    out = []
    for inv in invoicing.list_invoices(store, month=month, status=status, sponsor=sponsor):
        d = invoicing.invoice_summary(inv)
        cur = inv.currency
        out.append({
            **{k: d[k] for k in ("number", "kind", "status", "credit_of", "sponsor", "bill_to", "agency",
                                 "campaign", "period_start", "period_end", "issue_date", "due_date", "terms_days",
                                 "currency", "paid_on", "lines", "id")},
            "subtotal": amount(inv.subtotal_minor, cur), "commission": amount(inv.commission_minor, cur),
            "net": amount(inv.net_minor, cur), "tax": amount(inv.tax_minor, cur), "total": amount(inv.total_minor, cur),
        })
    return out


def csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([safe_cell("" if r.get(c) is None else r.get(c)) for c in columns])
    return buf.getvalue()


def write_csv(rows: list[dict[str, Any]], columns: list[str], path: str | os.PathLike[str]) -> Path:
    """Write a CSV (UTF-8 with a byte-order mark, so spreadsheets read "Zoë" and "東京" right)
    atomically: the whole file, or nothing."""
    from sponsortrack.outputs import write_atomic

    return write_atomic(("\ufeff" + csv_text(rows, columns)).encode("utf-8"), path)
