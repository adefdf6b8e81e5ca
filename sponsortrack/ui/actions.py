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


@register(Act.NEW)
def _new(w: MainWindow) -> QAction:
    return _action(w, "&New…", w.new_item, shortcut=QKeySequence(SK.New), icon="new",
                   tip="Log a new episode (on the Log page) or add a record on the current page")


@register(Act.SAVE)
def _save(w: MainWindow) -> QAction:
    return _action(w, "&Save", w.save_current, shortcut=QKeySequence(SK.Save), icon="save",
                   tip="Save the reads on the Log page (also Ctrl+Enter)")


@register(Act.DELETE)
def _delete(w: MainWindow) -> QAction:
    return _action(w, "&Delete", w.delete_current, shortcut=QKeySequence(SK.Delete),
                   tip="Delete the selected rows of the current page")


@register(Act.UNDO)
def _undo(w: MainWindow) -> QAction:
    act = w.ctx.undo_stack.createUndoAction(w, "&Undo")
    act.setShortcuts([QKeySequence(SK.Undo)])
    from sponsortrack.ui.icons import icon as make_icon

    act.setIcon(make_icon("undo", w))
    return act


@register(Act.REDO)
def _redo(w: MainWindow) -> QAction:
    act = w.ctx.undo_stack.createRedoAction(w, "&Redo")
    act.setShortcuts([QKeySequence(SK.Redo)])
    from sponsortrack.ui.icons import icon as make_icon

    act.setIcon(make_icon("redo", w))
    return act


@register(Act.FIND)
def _find(w: MainWindow) -> QAction:
    return _action(w, "&Find…", w.find, shortcut=QKeySequence(SK.Find), icon="find",
                   tip="Search the history (sponsor, episode, URL, code, notes)")


@register(Act.REFRESH)
def _refresh(w: MainWindow) -> QAction:
    return _action(w, "Re&load", w.refresh_current, shortcut=QKeySequence(SK.Refresh),
                   tip="Reload the current page from the database")


@register(Act.PREFERENCES)
def _prefs(w: MainWindow) -> QAction:
    act = _action(w, "&Preferences…", w.open_preferences, icon="settings",
                  shortcut=standard_or(SK.Preferences, "Ctrl+,"),
                  tip="Business settings (seller, invoice numbering, terms) and appearance")
    act.setMenuRole(QAction.MenuRole.PreferencesRole)
    return act


@register(Act.OPEN_DB)
def _open_db(w: MainWindow) -> QAction:
    return _action(w, "&Open Database…", w.open_database, shortcut=QKeySequence(SK.Open),
                   tip="Open another sponsortrack database file")


@register(Act.BACKUP)
def _backup(w: MainWindow) -> QAction:
    return _action(w, "&Back Up Database…", w.backup_database, tip="Copy the database to a file, safely")


@register(Act.IMPORT)
def _import(w: MainWindow) -> QAction:
    return _action(w, "&Import…", w.open_import, tip="Import a show's RSS feed or a spreadsheet",
                   shortcut=QKeySequence("Ctrl+I"))


@register(Act.CANCEL_TASKS)
def _cancel(w: MainWindow) -> QAction:
    act = _action(w, "Cancel Running Tasks", w.ctx.tasks.cancel_all, tip="Stop imports, checks and exports")
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
