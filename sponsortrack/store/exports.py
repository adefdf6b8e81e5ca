"""The CSV export's one query: every read as the cells of its row, streamed from the cursor.

``read_export_rows`` selects the columns of ``services.export.READ_COLUMNS`` in that order, with the
joins, filter and order of the lists (``store.reads``), so the export writes what ``reads list`` shows.
Two things the lists do per row in Python are done here in SQL instead:

* the formula guard on the free-text columns (a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets an apostrophe in front, exactly as ``services.export.safe_cell``); the other
  columns are numbers, ISO dates or one of a few words their CHECK constraints allow;
* the read's amount in minor units (``ReadRow.price_minor``, i.e. ``pricing.read_amount``), except a CPM
  amount, which needs Python's unbounded integers: for those rows the amount cell is NULL and one more
  column, after the last, holds the campaign's (or billed line's) rate, so the caller computes
  ``units × rate ÷ 1000`` from the row's units and that rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sponsortrack.store.db import Store
from sponsortrack.store.reads import _BILLED_LINE, _ROW_SELECT, AIR_DATE, ReadFilter, _bind

# The joins of every list of reads (the billed line, the invoice, the campaign ...), taken from the
# lists' own select so the two cannot drift apart.
_FROM = _ROW_SELECT[_ROW_SELECT.index("\nFROM ad_reads r"):]

_FORMULA_START = "('=', '+', '-', '@', char(9), char(13))"  # services.export.FORMULA_START


def _guarded(expr: str) -> str:
    """``expr`` with an apostrophe in front when it is text starting like a formula."""
    return (f"CASE WHEN typeof({expr}) = 'text' AND substr({expr}, 1, 1) IN {_FORMULA_START} "
            f"THEN '''' || {expr} ELSE {expr} END")


_PRICING = f"CASE WHEN {_BILLED_LINE} THEN bl.pricing ELSE c.pricing END"
_RATE = f"CASE WHEN {_BILLED_LINE} THEN bl.rate_minor ELSE c.rate_minor END"
# A read priced from its campaign (or billed line) pricing: not fixed by its invoice line, not flagged,
# not a make-good, no override.
_PRICED = ("bl.amount_minor IS NULL AND r.status <> 'flagged' AND r.make_good_of IS NULL "
           "AND r.price_override_minor IS NULL")
_FIRST_IN_EPISODE = ("(c.pricing IS NOT 'per_episode' OR NOT EXISTS (SELECT 1 FROM ad_reads r2 "
                     "WHERE r2.episode_id = r.episode_id AND r2.campaign_id = r.campaign_id AND r2.id < r.id "
                     "AND r2.make_good_of IS NULL AND r2.status <> 'flagged'))")
_AMOUNT_MINOR = f"""CASE
    WHEN bl.amount_minor IS NOT NULL THEN bl.amount_minor
    WHEN r.status = 'flagged' OR r.make_good_of IS NOT NULL THEN 0
    WHEN r.price_override_minor IS NOT NULL THEN r.price_override_minor
    WHEN {_RATE} IS NULL THEN NULL
    WHEN {_PRICING} = 'flat' THEN {_RATE}
    WHEN {_PRICING} = 'per_episode' THEN CASE WHEN {_FIRST_IN_EPISODE} THEN {_RATE} ELSE 0 END
  END"""
_CPM_RATE = f"CASE WHEN {_PRICED} AND {_PRICING} = 'cpm' THEN {_RATE} END"
_UNITS = """CASE WHEN bl.id IS NOT NULL AND bl.pricing = 'cpm' THEN bl.units ELSE
       coalesce(r.units, CASE WHEN c.pricing = 'cpm' THEN (
           SELECT d.downloads FROM download_snapshots d
           WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days
           ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1) END) END"""

EXPORT_SELECT = f"""
SELECT r.id, {AIR_DATE}, {_guarded("sh.name")}, e.number, {_guarded("e.title")}, {_guarded("sp.name")},
       {_guarded("c.name")}, r.placement, r.position, r.read_type, r.start_seconds, r.length_seconds,
       {_guarded("r.promo_url")}, {_guarded("r.promo_code")}, r.status, r.make_good_of, {_UNITS},
       {_AMOUNT_MINOR},
       {_guarded("CASE WHEN bl.id IS NOT NULL THEN i.currency ELSE c.currency END")},
       {_guarded("i.number")}, {_guarded("r.notes")},
       {_CPM_RATE}{_FROM}"""

# where each cell is in a row of read_export_rows
UNITS, AMOUNT, CURRENCY, CPM_RATE = 16, 17, 18, 21


def read_export_rows(store: Store, flt: ReadFilter | None = None) -> Iterator[tuple[Any, ...]]:
    """The reads ``flt`` selects, oldest air date first (the lists' order), as rows of
    :data:`EXPORT_SELECT`'s cells, straight from the cursor (memory flat in the number of rows)."""
    where, params = (flt or ReadFilter()).where()
    where, named = _bind(where, params)
    tail = ("sh.name, e.number ASC, CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END, "
            "r.position, r.id")
    cur = store.conn.execute(f"{EXPORT_SELECT}{where} ORDER BY {AIR_DATE} ASC, {tail}", named)
    while batch := cur.fetchmany(1000):
        yield from batch
