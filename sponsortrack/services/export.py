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
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sponsortrack.money import cpm_amount, exponent, to_decimal

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


def read_records(store, **filters: Any) -> Iterator[tuple[Any, ...]]:
    """Each read as the cells of its CSV row in ``READ_COLUMNS`` order, in air-date order, streamed from
    one query (the filters are checked now, before any file is opened). The cells are as written:
    text already through the formula guard, the amount as its exact decimal text — write them with
    ``guarded=True``."""
    from sponsortrack.services import reads as rsvc
    from sponsortrack.store import exports as xstore

    return _amounts(xstore.read_export_rows(store, rsvc.read_filter(store, **filters)))


#: How many rows :func:`export_reads` writes between two progress reports (and cancel checks).
PROGRESS_EVERY = 1000


class _Cancelled(Exception):
    """Raised between rows when the caller cancels: the temporary file is dropped, the target left alone."""


def export_reads(store, path: str | os.PathLike[str], *, progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None, **filters: Any) -> tuple[Path, int] | None:
    """The reads ``filters`` select (``reads.read_filter``'s keywords) as a CSV file, streamed from one query
    (:func:`read_records`, memory flat in the rows): ``(path, rows written)``. The one export of reads to a
    file, for ``export csv --what reads`` and History ▸ Export CSV alike. Every ``PROGRESS_EVERY`` rows
    ``progress(rows, 0, text)`` is called (the total is not counted first) and ``cancelled()`` asked; when it
    says yes, nothing is written (``path`` stays as it was) and the result is ``None``."""
    records = read_records(store, **filters)  # the filters are checked here, before any file is opened
    if progress is None and cancelled is None:
        return stream_csv(records, READ_COLUMNS, path, guarded=True)

    def watched() -> Iterator[tuple[Any, ...]]:
        every = PROGRESS_EVERY
        for n, cells in enumerate(records, 1):
            if n % every == 0:
                if cancelled is not None and cancelled():
                    raise _Cancelled
                if progress is not None:
                    progress(n, 0, f"{n:,} reads written")
            yield cells

    try:
        return stream_csv(watched(), READ_COLUMNS, path, guarded=True)
    except _Cancelled:
        return None


_EXACT_DIGITS = 10**27  # Decimal's context keeps 28 digits: past them, its own (rounded) text is the rule


def _amounts(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The store's export rows with the amount cell as text (a CPM amount computed from units and rate)
    and the rate column after the last dropped."""
    from sponsortrack.store.exports import AMOUNT, CPM_RATE, CURRENCY, UNITS

    places: dict[Any, int] = {}  # currency cell -> decimal places
    for row in rows:
        minor = row[AMOUNT]
        rate = row[CPM_RATE]
        if rate is not None:
            units = row[UNITS]
            minor = None if units is None else cpm_minor(units, rate)
        if minor is not None:
            cur = row[CURRENCY]
            exp = places.get(cur)
            if exp is None:
                # a guarded cell ("'=AB") is no ISO code, nor is the text it guards: both have 2 places
                exp = places[cur] = exponent(cur or "USD")
            minor = minor_text(minor, exp)
        yield (*row[:AMOUNT], minor, *row[AMOUNT + 1:CPM_RATE])


def cpm_minor(units: int, rate_minor: int) -> int:
    """:func:`sponsortrack.money.cpm_amount` in integers: ``units × rate ÷ 1000``, half-up (away from zero).
    A product past Decimal's 28 digits (never a real line: units < 10**11, rates < 10**13) is left to
    ``cpm_amount``, whose context rounds it: the pricing rule's figure, not the exact one."""
    if units.__class__ is not int or rate_minor.__class__ is not int:
        return cpm_amount(units, rate_minor)
    p = units * rate_minor
    if not -_EXACT_DIGITS < p < _EXACT_DIGITS:
        return cpm_amount(units, rate_minor)
    return (p + 500) // 1000 if p >= 0 else -((500 - p) // 1000)


def minor_text(minor: int, places: int) -> str:
    """``str(Decimal(minor).scaleb(-places))`` (the amount as the old export wrote it), without a Decimal:
    ``minor_text(-5, 2) == "-0.05"``."""
    if minor.__class__ is not int or not -_EXACT_DIGITS < minor < _EXACT_DIGITS:
        return str(Decimal(minor).scaleb(-places))
    if not places:
        return str(minor)
    digits = str(-minor if minor < 0 else minor).rjust(places + 1, "0")
    return ("-" if minor < 0 else "") + digits[:-places] + "." + digits[-places:]


def _read_cells(r) -> list[Any]:
    return [r.id, r.air_date, r.show_name, r.episode_number, r.episode_title, r.sponsor_name, r.campaign_name,
            r.placement, r.position, r.read_type, r.start_seconds, r.length_seconds, r.promo_url, r.promo_code,
            r.status, r.make_good_of, r.units, amount(r.price_minor, r.currency), r.currency, r.invoice_number,
            r.notes]


def read_rows(store, **filters: Any) -> list[dict[str, Any]]:
    """The reads as ``READ_COLUMNS`` dicts of typed values (amounts as ``Decimal``, text unguarded), for
    the faces that hold a sponsor's month; an export of any size streams (:func:`export_reads`)."""
    from sponsortrack.services import reads as rsvc

    return [dict(zip(READ_COLUMNS, _read_cells(r), strict=True))
            for r in rsvc.iter_reads(store, sort="air_date", descending=False, **filters)]


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


def csv_chunks(records: Iterable[Sequence[Any]], columns: list[str], every: int = 500, *,
               guarded: bool = False) -> Iterator[str]:
    """:func:`csv_text` of rows given as cells in ``columns`` order, in pieces of ``every`` rows (for
    standard output: memory flat in the rows). ``guarded``: the cells are as written already
    (:func:`read_records`), else each row goes through :func:`safe_cells`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for i, cells in enumerate(records, 1):
        w.writerow(cells if guarded else safe_cells(cells))
        if i % every == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], path: str | os.PathLike[str]) -> Path:
    """Write a CSV (UTF-8 with a byte-order mark, so spreadsheets read "Zoë" and "東京" right)
    atomically: the whole file, or nothing."""
    return stream_csv(([r.get(c) for c in columns] for r in rows), columns, path)[0]


def stream_csv(records: Iterable[Sequence[Any]], columns: list[str], path: str | os.PathLike[str], *,
               guarded: bool = False) -> tuple[Path, int]:
    """Write rows (cells in ``columns`` order) as they come into the atomic temporary file, so memory
    stays flat however many there are: ``(path, rows written)``. A failure midway leaves ``path`` as it was.
    ``guarded``: as in :func:`csv_chunks`."""
    from sponsortrack.outputs import atomic_output

    n = 0
    with atomic_output(path) as (fh, target):
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        try:
            text.write("\ufeff")
            w = csv.writer(text, lineterminator="\r\n")
            w.writerow(columns)
            if guarded:
                for cells in records:
                    w.writerow(cells)
                    n += 1
            else:
                for cells in records:
                    w.writerow(safe_cells(cells))
                    n += 1
            text.flush()
        finally:
            text.detach()  # the binary file stays open for atomic_output to sync and rename
    return target, n
