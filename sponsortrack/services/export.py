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
from collections.abc import Iterable, Iterator, Sequence
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


def read_records(store, **filters: Any) -> Iterator[list[Any]]:
    """Each read as its cells in ``READ_COLUMNS`` order, in air-date order, streamed from the cursor
    (the filters are checked now, before any file is opened)."""
    from sponsortrack.services import reads as rsvc

    return (_read_cells(r) for r in rsvc.iter_reads(store, sort="air_date", descending=False, **filters))


def _read_cells(r) -> list[Any]:
    return [r.id, r.air_date, r.show_name, r.episode_number, r.episode_title, r.sponsor_name, r.campaign_name,
            r.placement, r.position, r.read_type, r.start_seconds, r.length_seconds, r.promo_url, r.promo_code,
            r.status, r.make_good_of, r.units, amount(r.price_minor, r.currency), r.currency, r.invoice_number,
            r.notes]


def read_rows(store, **filters: Any) -> list[dict[str, Any]]:
    return [dict(zip(READ_COLUMNS, cells, strict=True)) for cells in read_records(store, **filters)]


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


def safe_cells(values: Iterable[Any]) -> list[Any]:
    """A row's cells as written: None as an empty cell, text through :func:`safe_cell`."""
    return ["" if v is None else ("'" + v if v.__class__ is str and v.startswith(FORMULA_START) else v)
            for v in values]


def csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(safe_cells(r.get(c) for c in columns))
    return buf.getvalue()


def csv_chunks(records: Iterable[Sequence[Any]], columns: list[str], every: int = 500) -> Iterator[str]:
    """:func:`csv_text` of rows given as cells in ``columns`` order, in pieces of ``every`` rows (for
    standard output: memory flat in the rows)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for i, cells in enumerate(records, 1):
        w.writerow(safe_cells(cells))
        if i % every == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], path: str | os.PathLike[str]) -> Path:
    """Write a CSV (UTF-8 with a byte-order mark, so spreadsheets read "Zoë" and "東京" right)
    atomically: the whole file, or nothing."""
    return stream_csv(([r.get(c) for c in columns] for r in rows), columns, path)[0]


def stream_csv(records: Iterable[Sequence[Any]], columns: list[str], path: str | os.PathLike[str]) -> tuple[Path, int]:
    """Write rows (cells in ``columns`` order) as they come into the atomic temporary file, so memory
    stays flat however many there are: ``(path, rows written)``. A failure midway leaves ``path`` as it was."""
    from sponsortrack.outputs import atomic_output

    n = 0
    with atomic_output(path) as (fh, target):
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        try:
            text.write("\ufeff")
            w = csv.writer(text, lineterminator="\r\n")
            w.writerow(columns)
            for cells in records:
                w.writerow(safe_cells(cells))
                n += 1
            text.flush()
        finally:
            text.detach()  # the binary file stays open for atomic_output to sync and rename
    return target, n
