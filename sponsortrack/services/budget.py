"""Reading on the window's thread within a time budget: past it SQLite is interrupted and
:class:`OverBudget` raised, and the page reads the same on a worker instead (``store.read_pages.time_budget``,
for the faces, which take only services from the core)."""

from __future__ import annotations

import os

from sponsortrack.store.read_pages import OverBudget, time_budget

#: overrides every page's budget when set (seconds); the test suite sets it large so that a loaded
#: machine never sends a small test database down the worker path a test did not ask for
BUDGET_ENV = "SPONSORTRACK_GUI_BUDGET_S"


def gui_budget(default: float) -> float:
    """A page's budget on the window's thread: ``default`` seconds unless ``$SPONSORTRACK_GUI_BUDGET_S``
    says otherwise."""
    raw = os.environ.get(BUDGET_ENV, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


__all__ = ["BUDGET_ENV", "OverBudget", "gui_budget", "time_budget"]
