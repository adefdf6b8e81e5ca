"""The main window: sidebar of pages, menus and toolbar from the action registry, status bar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from sponsortrack import __version__
from sponsortrack.ui.actions import MENUS, TOOLBAR, Act, build_action_map
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.lazy_qt import Qt, set_enum_property
from sponsortrack.ui.pages import PAGES, as_page, create_page
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.ui.text import rich
from sponsortrack.ui.widgets.sidebar import Sidebar

LINK_RECHECK_EVERY_MS = 15 * 60 * 1000

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QProgressBar, QPushButton

# QFileDialog and QMessageBox are imported where they are used: PySide6 builds a class's Python enums
# when the class is first imported, and neither is needed to show the window.


DEFAULT_SIZE = (1280, 800)
MIN_WIDTH = 760  # logical px; pages narrower than their own minimum scroll (issue 14: <= 900)


def fitting_size(available: QSize | None) -> tuple[int, int]:
    """The first size of the window: 1280x800, or less on a smaller screen (a 1280x720 screen at
    100 %, a 1920x1080 one at 200 % is 960x540 logical px), never below the minimum width."""
    w, h = DEFAULT_SIZE
    if available is not None and available.width() > 0 and available.height() > 0:
        w = max(min(w, available.width()), MIN_WIDTH)
        h = max(min(h, available.height() - 40), 400)  # room for the window manager's title bar
    return w, h


class MainWindow(QMainWindow):
    # File ▸ Open Database chose a file (a Path): ui.app's build_window opens it in a new window. A signal,
    # so this module does not import ui.app (which imports it).
    database_chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.pages: dict[str, QWidget] = {}
        self.stale: set[str] = set()
        self.current_key = ""
        self.last_error = ""
        self._open_error = ""  # the text of the error box on screen, if any

        self.sidebar = Sidebar()
        self.stack = QStackedWidget()
        for key, title, _target in PAGES:
            self.sidebar.addItem(title)
            holder = QWidget()
            holder.setObjectName(f"holder_{key}")
            QHBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
        self.sidebar.currentRowChanged.connect(self._row_changed)

        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.sidebar)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.actions_map = build_action_map(self)
        for row, (key, title, _target) in enumerate(PAGES):
            go = self.actions_map.get(Act[f"GO_{key.upper()}"])
            keys = go.shortcut().toString() if go is not None else ""
            self.sidebar.set_tip(row, f"{title} ({keys})" if keys else title)
        self._build_menus()
        self._build_status_bar()
        # promo links are re-checked on their schedule while the window is open (the Links page does it,
        # built when first due): a first look a minute after start, then every LINK_RECHECK_EVERY_MS
        self.link_recheck = QTimer(self)
        self.link_recheck.setInterval(60_000)
        self.link_recheck.timeout.connect(self._recheck_links)
        self.link_recheck.start()
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self).activated.connect(self.save_current)

        ctx.changed.connect(self._on_changed)
        ctx.message.connect(self._show_message)
        ctx.error.connect(self._show_error)
        ctx.navigate.connect(self._navigate)
        ctx.undo_stack.cleanChanged.connect(self._clean_changed)
        ctx.when_tasks(self._watch_tasks)

        self.setMinimumWidth(MIN_WIDTH)
        self.resize(*fitting_size(self.screen().availableGeometry().size() if self.screen() else None))
        self._update_title()
        ctx.wait_for_first_paint()

    # -- construction -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, names in MENUS:
            menu = bar.addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_map[name])
        tb = QToolBar("Main")
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        set_enum_property(tb, "toolButtonStyle", 2)  # Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        tb.setIconSize(QSize(16, 16))
        for name in TOOLBAR:
            if name is None:
                tb.addSeparator()
            elif name in (Act.UNDO, Act.REDO):
                tb.addAction(self._fixed_label(self.actions_map[name], "Undo" if name is Act.UNDO else "Redo"))
            else:
                tb.addAction(self.actions_map[name])
        self.addToolBar(tb)
        self.toolbar = tb

    def _fixed_label(self, source: QAction, text: str) -> QAction:
        """A toolbar twin of the stack's Undo/Redo action with a label that stays one word (the menu's
        says "Undo Log 3 reads on Practical AI #63" and made the toolbar grow); what it would undo is in
        its tooltip. The shortcut stays on the menu action only (one binding)."""
        twin = QAction(source.icon(), text, self)
        twin.setObjectName(f"toolbar_{text.lower()}")
        twin.triggered.connect(source.trigger)

        @keeps_refs
        def sync() -> None:
            try:
                twin.setEnabled(source.isEnabled())
                twin.setToolTip(f"{source.text().replace('&', '')} ({source.shortcut().toString()})")
            except RuntimeError:  # the window is being torn down
                pass

        source.changed.connect(sync)
        sync()
        return twin

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("db_label")
        set_enum_property(self.db_label, "textInteractionFlags", 1)  # Qt.TextInteractionFlag.TextSelectableByMouse
        sb.addPermanentWidget(self.db_label)
        self.db_label.setText(f"Database: {self.ctx.db_path}")
        self.db_label.setToolTip(str(self.ctx.db_path))

    @Slot(str)
    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot(bool)
    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        try:
            dirty = "" if self.ctx.undo_stack.isClean() else " •"
        except RuntimeError:  # the stack is being torn down with the window
            return
        self.setWindowTitle(f"{Path(self.ctx.db_path).name}{dirty} — sponsortrack")

    # -- pages ----------------------------------------------------------------------------------
    def page_keys(self) -> list[str]:
        return [k for k, _t, _m in PAGES]

    def page(self, key: str) -> QWidget:
        """The page widget, built on first use."""
        if key not in self.pages:
            idx = self.page_keys().index(key)
            holder = self.stack.widget(idx)
            layout = holder.layout() if holder is not None else None
            assert holder is not None and layout is not None  # each stack slot is a holder with a layout
            page = create_page(key, self.ctx, holder)
            page.setObjectName(f"page_{key}")
            if getattr(page, "SCROLLS", False):  # scrolls itself (the dashboard, the start page)
                layout.addWidget(page)
            else:
                # A page wider or taller than the window scrolls instead of widening the window: at
                # 200 % the widest page (1,100 px) made the window wider than a 1920 px screen.
                scroll = QScrollArea(holder)
                scroll.setObjectName(f"scroll_{key}")
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QFrame.Shape.NoFrame)
                scroll.setWidget(page)
                layout.addWidget(scroll)
            self.pages[key] = page
            self.stale.add(key)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        idx = self.page_keys().index(key)
        if self.sidebar.currentRow() != idx:
            self.sidebar.setCurrentRow(idx)  # -> _row_changed
        return self.pages[key]

    @Slot(int)
    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.page_keys()[row]
        page = self.page(key)
        self.stack.setCurrentIndex(row)
        self.current_key = key
        if key in self.stale:
            self.stale.discard(key)
            as_page(page).refresh()
        for name, act in self.actions_map.items():
            if name.name.startswith("GO_"):
                act.setChecked(name.name == f"GO_{key.upper()}")
        enter = getattr(page, "entered", None)
        if callable(enter):
            enter()

    @Slot(str, object)
    def _navigate(self, key: str, arguments: object) -> None:
        """A page asked for another one (``ctx.navigate``): show it, hand it the arguments."""
        page = self.show_page(key)
        open_with = getattr(page, "open_with", None)
        if callable(open_with):
            open_with(**(arguments if isinstance(arguments, dict) else {}))

    def open_reconcile(self) -> None:
        self.show_page("reconcile")

    def current_page(self) -> QWidget | None:
        return self.pages.get(self.current_key)

    @Slot(object)
    def _on_changed(self, entities: frozenset[str]) -> None:
        for key, page in self.pages.items():
            watches = getattr(page, "WATCHES", None)
            if watches is not None and not (set(watches) & set(entities)):
                continue
            if key == self.current_key and self.isVisible():
                as_page(page).refresh()
            else:
                self.stale.add(key)
        self._update_title()

    # -- action slots ---------------------------------------------------------------------------
    def new_item(self) -> None:
        hook = getattr(self.current_page(), "new_item", None) if self.current_key != "log" else None
        if callable(hook):
            hook()
            return
        log = self.show_page("log")
        log.new_episode()  # type: ignore[attr-defined]

    def save_current(self) -> None:
        page = self.current_page()
        save = getattr(page, "save", None)
        if callable(save):
            save()  # the Log page marks the stack clean once its reads are written
            return
        # every change is written as it is made: Save says so and clears the unsaved mark
        self.ctx.undo_stack.setClean()
        self.statusBar().showMessage("Everything is saved: each change is written to the database as you make it.",
                                     6000)

    def delete_current(self) -> None:
        page = self.current_page()
        fn = getattr(page, "delete_selected", None)
        if callable(fn):
            fn()

    def find(self) -> None:  # type: ignore[override]  # the Find action's slot, not QWidget.find(window id)
        hook = getattr(self.current_page(), "focus_search", None) if self.current_key != "dashboard" else None
        if callable(hook):
            hook()
            return
        self.show_page("history").focus_search()  # type: ignore[attr-defined]

    def refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            as_page(page).refresh()

    def open_preferences(self) -> None:
        from sponsortrack.ui.dialogs.settings import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def open_import(self, kind: str | None = None) -> None:
        from PySide6.QtWidgets import QMessageBox

        try:
            from sponsortrack.ui import import_wizard
        except ModuleNotFoundError:
            QMessageBox.information(self, "Import", "Importing feeds and spreadsheets is not available in "
                                                   "this build.")
            return
        import_wizard.open_wizard(self.ctx, self, kind)

    def open_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = self.ctx.config.last_folder("database", str(Path(self.ctx.db_path).parent))
        path, _ = QFileDialog.getOpenFileName(self, "Open Database", folder,
                                              "sponsortrack databases (*.db *.sqlite);;All files (*)")
        if not path:
            return
        self.ctx.config.set_last_folder("database", str(Path(path).parent))
        self.database_chosen.emit(Path(path))

    def backup_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        folder = self.ctx.config.last_folder("backup", str(Path(self.ctx.db_path).parent))
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        suggested = str(Path(folder) / f"{Path(self.ctx.db_path).stem}-copy-{stamp}.db")
        path, _ = QFileDialog.getSaveFileName(self, "Back Up Database", suggested, "SQLite database (*.db)")
        if not path:
            return
        self.ctx.config.set_last_folder("backup", str(Path(path).parent))
        try:  # the core refuses the database itself and its -wal/-shm/-journal (sponsortrack.outputs)
            target = self.ctx.call(self.ctx.store.backup, path)
        except Exception as exc:
            QMessageBox.warning(self, "Back up", str(exc))
            return
        self.statusBar().showMessage(f"Backed up to {target}.", 6000)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "About sponsortrack",
                          f"<b>sponsortrack {rich(__version__)}</b><p>Log host-read sponsor spots, invoice "
                          "sponsors, prove what aired, check promo links.</p>"
                          f"<p>Database: {rich(self.ctx.db_path)}</p>")

    @Slot(str, str)
    def _show_error(self, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        if self.isVisible():
            if text == self._open_error:
                return  # the same problem again (a repaint that fails each time): one box is enough
            box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
            box.setObjectName("error_box")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(lambda _result: setattr(self, "_open_error", ""))
            box.open()  # window-modal, never blocks the event loop
            self._open_error = text
            self.last_error = text
        else:
            self.statusBar().showMessage(f"{title}: {text}", 10000)

    # -- long tasks -----------------------------------------------------------------------------
    def _watch_tasks(self, runner) -> None:
        runner.started.connect(self._task_started)
        runner.stopped.connect(self._task_stopped)

    def task_widgets(self) -> tuple[QLabel, QProgressBar, QPushButton]:
        """The status bar's task label, progress bar and Cancel button, made when the first task starts
        (left of the database label; hidden while no task runs)."""
        if not hasattr(self, "task_label"):
            from PySide6.QtWidgets import QProgressBar, QPushButton

            sb = self.statusBar()
            self.task_label = QLabel()
            self.task_bar = QProgressBar()
            self.task_bar.setMaximumWidth(180)
            self.task_bar.setTextVisible(False)
            self.task_cancel = QPushButton("Cancel")
            self.task_cancel.clicked.connect(self.ctx.tasks.cancel_all)
            sb.removeWidget(self.db_label)
            for i, w in enumerate((self.task_label, self.task_bar, self.task_cancel, self.db_label)):
                w.hide()
                sb.insertPermanentWidget(i, w)
            self.db_label.show()
        return self.task_label, self.task_bar, self.task_cancel

    def _task_started(self, task) -> None:
        self.task_widgets()
        self.task_label.setText(task.title)
        self.task_bar.setRange(0, 0)
        task.signals.progress.connect(self._task_progress)
        for w in (self.task_label, self.task_bar, self.task_cancel):
            w.show()
        self.actions_map[Act.CANCEL_TASKS].setEnabled(True)

    def _task_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.task_bar.setRange(0, total)
            self.task_bar.setValue(done)
        if text:
            self.task_label.setText(text[:60])

    def _task_stopped(self, _task) -> None:
        if not self.ctx.tasks.running:
            for w in self.task_widgets():
                w.hide()
            self.actions_map[Act.CANCEL_TASKS].setEnabled(False)

    # -- state ------------------------------------------------------------------------------------
    def restore_state(self) -> None:
        geo = self.ctx.config.geometry()
        if geo is not None:
            self.restoreGeometry(geo)
        st = self.ctx.config.window_state()
        if st is not None:
            self.restoreState(st)

    @keeps_refs  # runs on every repaint of the window (ui.refguard)
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.ctx.first_paint_done()  # a no-op after the first frame

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.config.set_geometry(self.saveGeometry())
        self.ctx.config.set_window_state(self.saveState())
        self.ctx.config.sync()
        self.ctx.tasks.cancel_all()
        super().closeEvent(event)
        if event.isAccepted():
            # The commands go while the window, its context and their Python objects are all alive: left to
            # the garbage collector, the stack was freed together with the objects its commands use
            # (a crash in QUndoStack::clear once the collector happened to take them in that order).
            self.ctx.undo_stack.clear()

    @Slot()
    def _recheck_links(self) -> None:
        self.link_recheck.setInterval(LINK_RECHECK_EVERY_MS)
        if self.ctx.config.link_auto_recheck:
            self.page("links").check_due()  # type: ignore[attr-defined]

