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
  lazily when the page is first opened, so start-up stays fast.
* Long work: never on the GUI thread. Dialogs go under ``ui/dialogs/``, table models under ``ui/models/``.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

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


@runtime_checkable
class Page(Protocol):
    """What the main window asks of every page (the convention above). The optional hooks (``WATCHES``,
    ``entered``, ``new_item``, ``save``, ``delete_selected``, ``focus_search``) it looks up with ``getattr``."""

    def refresh(self) -> None: ...


def as_page(widget: QWidget) -> Page:
    """A page widget seen through the convention (``create_page`` checked it when it built the page)."""
    assert isinstance(widget, Page), f"{type(widget).__name__} has no refresh()"
    return widget


def page_keys() -> list[str]:
    return [key for key, _title, _target in PAGES]


def create_page(key: str, ctx: Any, parent: QWidget | None = None) -> QWidget:
    """Import the page's module (lazily) and build it."""
    entry = next((e for e in PAGES if e[0] == key), None)
    if entry is None:
        raise KeyError(key)
    _key, _title, target = entry
    module_name, _, cls_name = target.partition(":")
    module = importlib.import_module(module_name)
    page = getattr(module, cls_name)(ctx, parent)
    as_page(page)
    return page
