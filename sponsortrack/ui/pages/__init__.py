"""The pages of the main window, and the convention every page follows.

Page convention
---------------
* One module per page under ``sponsortrack/ui/pages/``. It defines a ``QWidget`` subclass built as
  ``Page(ctx, parent=None)`` where ``ctx`` is the :class:`sponsortrack.ui.context.AppContext`:

  - ``ctx.store``        the open ``Store`` (GUI thread only; call services, never SQL)
  - ``ctx.db_path``      the database file (worker threads open their *own* ``Store(ctx.db_path)``)
  - ``ctx.config``       the typed QSettings wrapper (window state, last folders, preferences)
  - ``ctx.undo_stack``   the ``QUndoStack``; writes go through ``sponsortrack.ui.operations`` (one
                         undoable command per user action) or ``ctx.perform(YourUndoCommand(...))``
  - ``ctx.tasks``        the task runner for long work: ``ctx.tasks.start(title, fn, on_done=...)``
                         with ``fn(control, db_path, ...)`` (progress + cancel, see ``ui/tasks.py``)
  - ``ctx.changed``      signal with a ``frozenset`` of entity names (``ui.context.READS``, ``EPISODES``,
                         ``SPONSORS``, ``CAMPAIGNS``, ``INVOICES``, ``LINKS``, ...) after every change;
                         after your own writes call ``ctx.notify({...})`` so other pages refresh.
  - ``ctx.message``      signal: one line for the status bar; ``ctx.error`` (title, text) for a message box.

* The page has ``refresh()``: reload what it shows from the store. The main window calls it when the
  page is first shown and when ``ctx.changed`` names an entity in the page's ``WATCHES`` class
  attribute (a set of entity names; pages that are hidden are marked stale and refreshed when shown).
* A page asks the window to show another one with ``ctx.navigate.emit(key, {...})``; the window shows it
  and calls its ``open_with(**arguments)`` when it has one (Episodes and Reports open Reconcile so).
* Optional hooks the main window uses when present: ``focus_search()`` (the Find action),
  ``new_item()`` (the New action on pages other than Log), ``title`` for the window title.
* Register a page in :data:`PAGES` below — ``(key, title, "module:Class")``. Modules are imported
  lazily when the page is first opened, so start-up stays fast. A page whose module is not there yet
  shows a "not available in this build" panel instead of failing.
* Long work: never on the GUI thread. Dialogs go under ``ui/dialogs/``, table models under ``ui/models/``.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

# (key, sidebar title, "module:Class"). The first entry is the start page.
PAGES: list[tuple[str, str, str]] = [
    ("dashboard", "Dashboard", "sponsortrack.ui.pages.dashboard:DashboardPage"),
    ("log", "Log", "sponsortrack.ui.pages.log:LogPage"),
    ("history", "History", "sponsortrack.ui.pages.history:HistoryPage"),
    ("episodes", "Episodes", "sponsortrack.ui.pages.episodes:EpisodesPage"),
    ("sponsors", "Sponsors", "sponsortrack.ui.pages.sponsors:SponsorsPage"),
    ("campaigns", "Campaigns", "sponsortrack.ui.pages.campaigns:CampaignsPage"),
    ("invoices", "Invoices", "sponsortrack.ui.pages.invoices:InvoicesPage"),
    ("reports", "Reports", "sponsortrack.ui.pages.reports:ReportsPage"),
    ("reconcile", "Reconcile", "sponsortrack.ui.pages.reconcile:ReconcilePage"),
    ("links", "Links", "sponsortrack.ui.pages.links:LinksPage"),
]

FEATURE_NAMES = {
    "invoices": "Invoices (build, issue and export invoices as PDF)",
    "reports": "Reports (proof-of-performance PDFs and monthly summaries)",
    "links": "Links (check that every promo URL still lands on the sponsor's site)",
}


def page_keys() -> list[str]:
    return [key for key, _title, _target in PAGES]


class UnavailablePage(QWidget):
    """Stands in for a page whose module is not part of this build yet."""

    WATCHES: frozenset[str] = frozenset()

    def __init__(self, ctx: Any, title: str, feature: str, reason: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        head = QLabel(f"<h2>{title}</h2>")
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body = QLabel(f"{feature}<br>is not available in this build.")
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setWordWrap(True)
        body.setObjectName("unavailable")
        lay.addWidget(head)
        lay.addWidget(body)
        if reason:
            detail = QLabel(reason)
            detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
            detail.setEnabled(False)
            lay.addWidget(detail)
        lay.addStretch(2)

    def refresh(self) -> None:
        pass


def create_page(key: str, ctx: Any, parent: QWidget | None = None) -> QWidget:
    """Import the page's module (lazily) and build it; a missing module gives the unavailable panel."""
    entry = next((e for e in PAGES if e[0] == key), None)
    if entry is None:
        raise KeyError(key)
    _key, title, target = entry
    module_name, _, cls_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return UnavailablePage(ctx, title, FEATURE_NAMES.get(key, title), parent=parent)
    cls = getattr(module, cls_name)
    return cls(ctx, parent)
