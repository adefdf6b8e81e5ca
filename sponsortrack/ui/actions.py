"""Every action of the main window, named in an enum and built by one small registered factory each
(Picard's ``ui/mainwindow/actions.py``). Menus and the toolbar are built from the one ``action_map``.
Shortcuts use ``QKeySequence.StandardKey`` where a standard exists."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, unique
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from sponsortrack.ui.mainwindow import MainWindow


@unique
class Act(Enum):
    NEW = "new"
    SAVE = "save"
    DELETE = "delete"
    UNDO = "undo"
    REDO = "redo"
    FIND = "find"
    REFRESH = "refresh"
    PREFERENCES = "preferences"
    OPEN_DB = "open_db"
    BACKUP = "backup"
    IMPORT = "import"
    CANCEL_TASKS = "cancel_tasks"
    QUIT = "quit"
    ABOUT = "about"
    GO_DASHBOARD = "go_dashboard"
    GO_LOG = "go_log"
    GO_HISTORY = "go_history"
    GO_EPISODES = "go_episodes"
    GO_SPONSORS = "go_sponsors"
    GO_CAMPAIGNS = "go_campaigns"
    GO_INVOICES = "go_invoices"
    GO_REPORTS = "go_reports"
    GO_LINKS = "go_links"
    GO_RECONCILE = "go_reconcile"


Factory = Callable[["MainWindow"], QAction]
_FACTORIES: dict[Act, Factory] = {}


def register(name: Act) -> Callable[[Factory], Factory]:
    def deco(fn: Factory) -> Factory:
        _FACTORIES[name] = fn
        return fn
    return deco


def _action(w: MainWindow, text: str, slot: Callable[[], object] | None, *, shortcut=None, tip: str = "",
            icon: str = "") -> QAction:
    act = QAction(text, w)
    if shortcut is not None:
        act.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    if icon:
        from sponsortrack.ui.icons import icon as make_icon

        act.setIcon(make_icon(icon, w))
    if slot is not None:
        act.triggered.connect(lambda _checked=False: slot())
    return act


SK = QKeySequence.StandardKey


def standard_or(key: QKeySequence.StandardKey, fallback: str,
                bindings: list[QKeySequence] | None = None) -> list[QKeySequence]:
    """The platform's bindings for a standard key plus ``fallback``, each sequence once: binding Ctrl+Q
    twice (X11's standard Quit *and* a literal "Ctrl+Q") made Qt refuse the key as an "Ambiguous shortcut
    overload", so Ctrl+Q did nothing. Where the platform has no binding (Windows has no Quit key, nor
    the offscreen platform), ``fallback`` alone. ``bindings`` stands in for the platform's (tests)."""
    seqs: list[QKeySequence] = []
    platform = QKeySequence.keyBindings(key) if bindings is None else bindings
    for seq in [*platform, QKeySequence(fallback)]:
        if not seq.isEmpty() and all(seq != s for s in seqs):
            seqs.append(seq)
    return seqs


# The plain ones: (name, text, the window's slot, shortcut, tip, icon).
_PLAIN: list[tuple[Act, str, str, QKeySequence.StandardKey | str | None, str, str]] = [
    (Act.NEW, "&New…", "new_item", SK.New,
     "Log a new episode (on the Log page) or add a record on the current page", "new"),
    (Act.SAVE, "&Save", "save_current", SK.Save, "Save the reads on the Log page (also Ctrl+Enter)", "save"),
    (Act.DELETE, "&Delete", "delete_current", SK.Delete, "Delete the selected rows of the current page", ""),
    (Act.FIND, "&Find…", "find", SK.Find, "Search the history (sponsor, episode, URL, code, notes)", "find"),
    (Act.REFRESH, "Re&load", "refresh_current", SK.Refresh, "Reload the current page from the database", ""),
    (Act.OPEN_DB, "&Open Database…", "open_database", SK.Open, "Open another sponsortrack database file", ""),
    (Act.BACKUP, "&Back Up Database…", "backup_database", None, "Copy the database to a file, safely", ""),
    (Act.IMPORT, "&Import…", "open_import", "Ctrl+I", "Import a show's RSS feed or a spreadsheet", ""),
]


def _plain(text: str, slot: str, key: QKeySequence.StandardKey | str | None, tip: str, icon: str) -> Factory:
    def make(w: MainWindow) -> QAction:
        return _action(w, text, getattr(w, slot), shortcut=None if key is None else QKeySequence(key),
                       tip=tip, icon=icon)
    return make


for _name, _text, _slot, _key, _tip, _icon in _PLAIN:
    register(_name)(_plain(_text, _slot, _key, _tip, _icon))


def _stack_action(w: MainWindow, undo: bool) -> QAction:
    """The undo stack's own Undo or Redo action (its text names the command), with key and icon."""
    stack = w.ctx.undo_stack
    act = stack.createUndoAction(w, "&Undo") if undo else stack.createRedoAction(w, "&Redo")
    act.setShortcuts([QKeySequence(SK.Undo if undo else SK.Redo)])
    from sponsortrack.ui.icons import icon as make_icon

    act.setIcon(make_icon("undo" if undo else "redo", w))
    return act


register(Act.UNDO)(lambda w: _stack_action(w, True))
register(Act.REDO)(lambda w: _stack_action(w, False))


@register(Act.PREFERENCES)
def _prefs(w: MainWindow) -> QAction:
    act = _action(w, "&Preferences…", w.open_preferences, icon="settings",
                  shortcut=standard_or(SK.Preferences, "Ctrl+,"),
                  tip="Business settings (seller, invoice numbering, terms) and appearance")
    act.setMenuRole(QAction.MenuRole.PreferencesRole)
    return act


@register(Act.CANCEL_TASKS)
def _cancel(w: MainWindow) -> QAction:
    act = _action(w, "Cancel Running Tasks", lambda: w.ctx.tasks.cancel_all(), tip="Stop imports, checks and exports")
    act.setEnabled(False)
    return act


@register(Act.QUIT)
def _quit(w: MainWindow) -> QAction:
    act = _action(w, "&Quit", w.close, shortcut=standard_or(SK.Quit, "Ctrl+Q"))
    act.setMenuRole(QAction.MenuRole.QuitRole)
    return act


@register(Act.ABOUT)
def _about(w: MainWindow) -> QAction:
    act = _action(w, "&About sponsortrack", w.about)
    act.setMenuRole(QAction.MenuRole.AboutRole)
    return act


def _go(key: str, number: int) -> Factory:
    def make(w: MainWindow) -> QAction:
        from sponsortrack.ui.pages import PAGES

        title = next(t for k, t, _ in PAGES if k == key)
        act = _action(w, title, lambda: w.show_page(key), shortcut=QKeySequence(f"Ctrl+{number}"),
                      tip=f"Go to {title}")
        act.setCheckable(True)
        return act
    return make


for _n, _key in enumerate(
        ("dashboard", "log", "history", "episodes", "sponsors", "campaigns", "invoices", "reports", "links"),
        start=1):
    register(Act[f"GO_{_key.upper()}"])(_go(_key, _n))


@register(Act.GO_RECONCILE)
def _go_reconcile(w: MainWindow) -> QAction:
    act = _action(w, "Reconcile", w.open_reconcile, shortcut=QKeySequence("Ctrl+Shift+R"),
                  tip="Where the published show notes and the logged reads disagree, by month and show")
    act.setCheckable(True)
    return act


def build_action_map(w: MainWindow) -> dict[Act, QAction]:
    """One QAction per name, owned by the window."""
    return {name: _FACTORIES[name](w) for name in Act}


# Menus and toolbar: lists of action names (None = separator).
MENUS: list[tuple[str, list[Act | None]]] = [
    ("&File", [Act.NEW, Act.SAVE, None, Act.OPEN_DB, Act.BACKUP, Act.IMPORT, None, Act.CANCEL_TASKS, None,
               Act.QUIT]),
    ("&Edit", [Act.UNDO, Act.REDO, None, Act.DELETE, None, Act.FIND, None, Act.PREFERENCES]),
    ("&Go", [Act.GO_DASHBOARD, Act.GO_LOG, Act.GO_HISTORY, Act.GO_EPISODES, Act.GO_SPONSORS, Act.GO_CAMPAIGNS,
             Act.GO_INVOICES, Act.GO_REPORTS, Act.GO_RECONCILE, Act.GO_LINKS, None, Act.REFRESH]),
    ("&Help", [Act.ABOUT]),
]
TOOLBAR: list[Act | None] = [Act.NEW, Act.SAVE, None, Act.UNDO, Act.REDO, None, Act.FIND, None, Act.PREFERENCES]
