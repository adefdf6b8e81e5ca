"""The History's pages of reads: one page by offset (with a walk down the air-date index for common
search words), every id in order for a worker to sort once, the months that have reads, and a time
budget that interrupts SQLite on the window's thread (past it the page reads the same on a worker)."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from sponsortrack.store import reads as rstore
from sponsortrack.store.db import Store
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import AIR_DATE, READ_JOINS, SORTS, ReadFilter, rows_by_ids

__all__ = ["OverBudget", "page_reads", "page_reads_for_view", "read_months", "rows_by_ids", "sorted_read_ids",
           "time_budget"]

# Plain joins: with the air-date index the planner walks episodes newest first and stops at the page.
_JOINS = f"{READ_JOINS} LEFT JOIN invoices i ON i.id = r.invoice_id"


def _where(flt: ReadFilter) -> tuple[str, dict[str, Any]]:
    return rstore.filter_clause(flt)


def page_reads(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True,
               limit: int = 200, offset: int = 0) -> list[ReadRow]:
    """One page of reads for the history table: the ids are chosen and sorted on a light query, then
    only those rows are joined in full (the per-read price subqueries run for the page, not for all)."""
    where, named = _where(flt)
    named.update(limit=int(limit), offset=int(offset))
    ids = [row[0] for row in store.conn.execute(
        f"SELECT r.id {_JOINS}{where}{_order_by(sort, descending)} LIMIT :limit OFFSET :offset", named)]
    return rows_by_ids(store, ids)


def _order_by(sort: str, descending: bool) -> str:
    order = SORTS.get(sort, SORTS["air_date"])
    direction = "DESC" if descending else "ASC"
    return (f" ORDER BY {order} {direction}, sh.name, e.number {direction}, "
            "CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END, r.position, r.id")


def sorted_read_ids(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True,
                    stop: Callable[[], bool] | None = None) -> array | None:
    """Every matching read's id in the history's order (``page_reads``'s, unpaged): a worker sorts
    once, the window then pages through the ids. 4 bytes a read (8 once ids pass 2³¹). None when ``stop()``
    said so."""
    where, named = _where(flt)
    if stop is not None:
        store.conn.set_progress_handler(stop, 10_000)
    try:
        top = store.conn.execute("SELECT max(id) FROM ad_reads").fetchone()[0] or 0
        out = array("i" if top < 2**31 else "q")
        cur = store.conn.execute(f"SELECT r.id {_JOINS}{where}{_order_by(sort, descending)}", named)
        while batch := cur.fetchmany(10_000):
            out.extend(row[0] for row in batch)
        return out
    except sqlite3.OperationalError as exc:
        if stop is not None and "interrupt" in str(exc):
            return None
        raise
    finally:
        if stop is not None:
            store.conn.set_progress_handler(None, 0)


def read_months(store: Store) -> list[str]:
    """Every ``YYYY-MM`` that has at least one read, newest first.

    One short seek per month down the air-date index (the newest episode with a read before the month
    found last), not a pass over every episode."""
    out: list[str] = []
    before = "9999-99"
    while True:
        row = store.conn.execute(
            f"SELECT substr({AIR_DATE}, 1, 7) FROM episodes e WHERE {AIR_DATE} < ? "
            f"AND EXISTS (SELECT 1 FROM ad_reads r WHERE r.episode_id = e.id) ORDER BY {AIR_DATE} DESC LIMIT 1",
            [before]).fetchone()
        if row is None or row[0] is None:
            return out
        out.append(row[0])
        before = row[0]  # a date of that month sorts after "YYYY-MM": the next seek starts below it


# -- the history view's search, as the producer types ------------------------------------------------
# ``page_reads`` collects every read the trigram index matches, then sorts them: fast for rare text, about
# 60 ms on 100,000 reads for text found in nearly every read ("pod", "podcast"). For common text it is far
# cheaper to walk the reads in air-date order on its index, test each with LIKE (the store's own search
# for one- and two-letter text) and stop after a page: under a millisecond. The walk is tried only when
# a bounded count on the index finds the text in at least ``_WALK_MIN_MATCHES`` reads (rarer text is
# answered faster by ``page_reads``), when no other filter than a date range narrows the reads, and
# with a small time budget, past which ``page_reads`` answers. ASCII text only, so LIKE's case folding is
# the trigram index's.
_WALK_MIN_MATCHES = 5000
_WALK_BUDGET_S = 0.008
_WALK_SEARCH = ("(sp.name LIKE :walk_q ESCAPE '\\' OR e.title LIKE :walk_q ESCAPE '\\' "
                "OR sh.name LIKE :walk_q ESCAPE '\\' OR r.promo_url LIKE :walk_q ESCAPE '\\' "
                "OR r.promo_code LIKE :walk_q ESCAPE '\\' OR r.notes LIKE :walk_q ESCAPE '\\')")


class OverBudget(Exception):
    """The page query ran past the caller's deadline and was interrupted (the window then sorts on a worker)."""


def _interrupted(exc: sqlite3.OperationalError, deadline: float | None) -> bool:
    return "interrupt" in str(exc) and deadline is not None and time.monotonic() > deadline


def _walk_page(store: Store, flt: ReadFilter, descending: bool, limit: int, offset: int,
               deadline: float | None = None) -> list[int] | None:
    """The ids of one page in air-date order by the walk, or None when it ran out of budget (past the
    caller's ``deadline``: :class:`OverBudget`)."""
    term = (flt.search or "").strip()
    where, named = _where(dataclasses.replace(flt, search=None))
    where = f"{where} AND {_WALK_SEARCH}" if where else f" WHERE {_WALK_SEARCH}"
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    named.update(walk_q=f"%{escaped}%", limit=int(limit), offset=int(offset))
    direction = "DESC" if descending else "ASC"
    walk_deadline = time.monotonic() + _WALK_BUDGET_S
    if deadline is not None:
        walk_deadline = min(walk_deadline, deadline)
    store.conn.set_progress_handler(lambda: time.monotonic() > walk_deadline, 5000)
    try:
        return [row[0] for row in store.conn.execute(
            f"SELECT r.id {_JOINS}{where} ORDER BY {SORTS['air_date']} {direction}, sh.name, "
            f"e.number {direction}, CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END, "
            "r.position, r.id LIMIT :limit OFFSET :offset", named)]
    except sqlite3.OperationalError as exc:
        if _interrupted(exc, deadline):
            raise OverBudget from None
        if "interrupt" in str(exc):
            return None
        raise
    finally:
        _set_deadline(store, deadline)


@contextlib.contextmanager
def time_budget(store: Store, seconds: float) -> Iterator[None]:
    """Run the block's queries for at most ``seconds``: past that SQLite is interrupted and
    :class:`OverBudget` raised (a page then reads the same on a worker instead)."""
    deadline = time.monotonic() + seconds
    _set_deadline(store, deadline)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _interrupted(exc, deadline):
            raise OverBudget from None
        raise
    finally:
        store.conn.set_progress_handler(None, 0)


def _set_deadline(store: Store, deadline: float | None) -> None:
    if deadline is None:
        store.conn.set_progress_handler(None, 0)
    else:
        store.conn.set_progress_handler(lambda: time.monotonic() > deadline, 2000)


def _worth_walking(store: Store, flt: ReadFilter) -> bool:
    term = (flt.search or "").strip()
    if len(term) < 3 or not term.isascii():
        return False
    if dataclasses.replace(flt, search=None, date_from=None, date_to=None) != ReadFilter():
        return False
    cond, named = rstore.search_condition(term)
    if "read_search" not in cond:
        return False
    hits = store.conn.execute("SELECT count(*) FROM (SELECT rowid FROM read_search WHERE read_search MATCH :q "
                              "LIMIT :n)", {**named, "n": _WALK_MIN_MATCHES}).fetchone()[0]
    return hits >= _WALK_MIN_MATCHES


def page_reads_for_view(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True,
                        limit: int = 200, offset: int = 0, deadline: float | None = None) -> list[ReadRow]:
    """``page_reads`` — the same rows in the same order — trying the walk above first when a search of
    three characters or more is sorted by air date (the order an index can walk).

    With a ``deadline`` (``time.monotonic()``), SQLite is interrupted once it passes and
    :class:`OverBudget` raised: the window's thread never waits longer (``sorted_read_ids`` on a worker
    gives the same order)."""
    _set_deadline(store, deadline)
    try:
        ids = None
        if sort == "air_date" and _worth_walking(store, flt):
            ids = _walk_page(store, flt, descending, limit, offset, deadline)
        if ids is None:
            return page_reads(store, flt, sort=sort, descending=descending, limit=limit, offset=offset)
        return rows_by_ids(store, ids)
    except sqlite3.OperationalError as exc:
        if _interrupted(exc, deadline):
            raise OverBudget from None
        raise
    finally:
        if deadline is not None:
            store.conn.set_progress_handler(None, 0)
