"""The History's reads for the window: pages in sort order, every id in that order (sorted once on a
worker, then paged by the window), counts and the months that have reads.

Thin over :mod:`sponsortrack.store.read_pages`: the faces take their reads from here, never from the
store. A call with a ``deadline`` raises :class:`OverBudget` once SQLite passes it (the window then asks a
worker for :func:`sorted_ids` instead)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence

from sponsortrack.store import Store
from sponsortrack.store import read_pages as pages
from sponsortrack.store import reads as rstore
from sponsortrack.store.models import ReadRow
from sponsortrack.store.read_pages import OverBudget
from sponsortrack.store.reads import ReadFilter

__all__ = ["OverBudget", "count", "months", "page", "rows", "sorted_ids"]


def page(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True, limit: int = 200,
         offset: int = 0, deadline: float | None = None) -> list[ReadRow]:
    """One page of the filter's reads in the History's order (``sort``, then show, episode, placement)."""
    return pages.page_reads_for_view(store, flt, sort=sort, descending=descending, limit=limit, offset=offset,
                                     deadline=deadline)


def rows(store: Store, ids: Sequence[int]) -> list[ReadRow]:
    """The full rows of these reads, in the order given (reads deleted since are left out)."""
    return rstore.rows_by_ids(store, ids)


def sorted_ids(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True,
               stop: Callable[[], bool] | None = None) -> array | None:
    """Every matching read's id in the History's order (4 bytes a read); None once ``stop()`` says so."""
    return pages.sorted_read_ids(store, flt, sort=sort, descending=descending, stop=stop)


def count(store: Store, flt: ReadFilter) -> int:
    return rstore.count_reads(store, flt)


def months(store: Store) -> list[str]:
    """Every ``YYYY-MM`` that has at least one read, newest first."""
    return pages.read_months(store)
