"""Reading on the window's thread within a time budget: past it SQLite is interrupted and
:class:`OverBudget` raised, and the page reads the same on a worker instead (``store.session.time_budget``,
for the faces, which take only services from the core)."""

from __future__ import annotations

from sponsortrack.store.session import OverBudget, time_budget

__all__ = ["OverBudget", "time_budget"]
