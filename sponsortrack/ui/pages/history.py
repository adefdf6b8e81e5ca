"""History: every read, filtered and sorted in SQL, paged into the view as it scrolls."""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sponsortrack import validation as v
from sponsortrack.services import catalog as cat
from sponsortrack.services import history
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui import context as c
from sponsortrack.ui import operations as ops
from sponsortrack.ui.models.reads import COL, LINK_COL, ReadsModel, keep_sort_on_sortable_columns
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.ui.theme import set_role, table_grid
from sponsortrack.ui.widgets.badge import BadgeDelegate, MiddleElideDelegate

THROTTLE_S = 0.15  # a keystroke after a pause searches at once; fast typing waits for a pause this long


def _choice(box: QComboBox):
    """The data of the box's current item. Item 0 is each box's "Any …", without data: it is not asked for,
    since Qt answers None for it and this PySide6 drops a reference to None each time (ui.refguard)."""
    i = box.currentIndex()
    return box.itemData(i) if i > 0 else None


def column_widths(fm) -> dict[str, int]:
    """Widths that fit every column's usual content in a 1280-pixel window (the Code, Status and Invoice
    columns their longest usual text); the episode title takes what is left and elides, as do longer
    values (a long code ends in "…", a URL is elided in the middle)."""
    def fit(text: str) -> int:
        return fm.horizontalAdvance(text) + 14

    return {"air_date": fit("2019-10-21"), "show": 84, "episode": fit("999"), "title": 150, "sponsor": 90,
            "placement": fit("post 2"), "read_type": fit("produced"), "promo_url": 120, "link": 72,
            "promo_code": fit("PRACTICALAI"), "status": fit("scheduled"), "price": fit("$1,200.00"),
            "invoice": fit("INV-2019-0001")}


class HistoryPage(QWidget):
    WATCHES = frozenset({c.READS, c.EPISODES, c.SHOWS, c.SPONSORS, c.CAMPAIGNS, c.INVOICES})

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._last_search = 0.0

        self.month = QComboBox()
        self.month.setMinimumWidth(96)
        self.sponsor = QComboBox()
        self.sponsor.setMinimumWidth(116)
        self.show_box = QComboBox()
        self.show_box.setMinimumWidth(116)
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for s in v.READ_STATUSES:
            self.status.addItem(s, s)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search sponsor, episode, URL, code, notes…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(170)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)

        top = QHBoxLayout()
        for w in (self.search, self.month, self.sponsor, self.show_box, self.status, self.clear_button):
            top.addWidget(w)
        top.setStretch(0, 1)

        # sorts SQLite cannot page at once are sorted on a worker (not for an in-memory database,
        # which a worker cannot open)
        self.model = ReadsModel(ctx.store, self, tasks=None if str(ctx.db_path) == ":memory:" else ctx.tasks)
        self.model.reset_done.connect(self._rows_arrived)
        self.model.sorting_started.connect(self._sorting_started)
        self.model.total_known.connect(self._rows_arrived)
        self._months: list[str] | None = None  # the months that have reads, until reads or episodes change
        self.view = QTableView()
        table_grid(self.view)
        self.view.setObjectName("history_view")
        self.view.setModel(self.model)
        self.model.defer_until_filter()
        self.view.setSortingEnabled(True)  # the model only records the order until the first refresh
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSortIndicator(COL["air_date"], Qt.SortOrder.DescendingOrder)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(False)
        for key, width in column_widths(self.view.fontMetrics()).items():
            self.view.setColumnWidth(COL[key], width)
        hh.setSectionResizeMode(COL["title"], QHeaderView.ResizeMode.Stretch)
        self.view.setItemDelegateForColumn(COL["promo_url"], MiddleElideDelegate(self.view))
        self.view.setItemDelegateForColumn(LINK_COL, BadgeDelegate(self.view))
        keep_sort_on_sortable_columns(self.view)
        self.view.doubleClicked.connect(self.edit_current)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it)
        for open_key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):  # open the selected read
            QShortcut(QKeySequence(open_key), self.view, self.edit_current,
                      context=Qt.ShortcutContext.WidgetShortcut)
        # A new search, filter or sort starts at the top with the first row selected (the newest
        # matches were hidden above the old scroll position); a reload for a change keeps the row.
        self._to_top = False
        self._keep_id: int | None = None
        self._pending_keep: int | None = None
        self.model.reset_done.connect(self._after_reset)
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self._order = (self.model.sort_key, self.model.descending)
        self.read_dialog: QDialog | None = None

        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        self.delete_button = QPushButton("Delete selected")
        self.delete_button.clicked.connect(self.delete_selected)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_current)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("history_export")
        self.export_button.setToolTip("Every read the current search and filters show, as a CSV file")
        self.export_button.clicked.connect(self.export_csv)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.delete_button)

        lay = QVBoxLayout(self)
        title = QLabel("History")
        set_role(title, "h1")
        lay.addWidget(title)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.apply_filters(typing=True))
        self.search.textChanged.connect(self._search_changed)
        for box in (self.month, self.sponsor, self.show_box, self.status):
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self._filling = False
        # New link checks only change the Link column: re-read the verdicts of the loaded rows, not the rows.
        ctx.changed.connect(self._on_changed)

    @keeps_refs
    def _on_changed(self, entities: frozenset[str]) -> None:
        if entities & {c.READS, c.EPISODES}:
            self._months = None  # counted again on the next refresh
        if c.LINKS in entities and not (entities & self.WATCHES):
            self.model.refresh_links()

    def _sorting_started(self) -> None:
        self.count_label.setText("Sorting…")

    @keeps_refs
    def _rows_arrived(self) -> None:
        """The worker listed every matching id: that is the count too (and the row kept, found now)."""
        total = self.model.known_total
        if total is None:
            return
        self._show_count(total)
        keep, self._pending_keep = self._pending_keep, None
        if keep is not None and self.view.currentIndex().row() <= 0:
            row = self.model.row_of_id(keep)
            if row is not None:
                self.select_row(row)
                self.view.scrollTo(self.model.index(row, 0))

    # -- data ------------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        self._filling = True
        try:
            for box, first, items in (
                (self.month, "Any month", [(m, m) for m in self._read_months()]),
                (self.sponsor, "Any sponsor", [(s.name, s.id) for s in cat.list_sponsors(self.ctx.store)]),
                (self.show_box, "Any show", [(s.name, s.id) for s in cat.list_shows(self.ctx.store)]),
            ):
                keep = _choice(box)
                box.blockSignals(True)
                box.clear()
                box.addItem(first, None)
                for text, data in items:
                    box.addItem(text, data)
                i = box.findData(keep) if keep is not None else 0
                box.setCurrentIndex(max(i, 0))
                box.blockSignals(False)
        finally:
            self._filling = False

    def _read_months(self) -> list[str]:
        if self._months is None:
            self._months = history.months(self.ctx.store)
        return self._months

    def current_filter(self) -> ReadFilter:
        flt = ReadFilter(sponsor_id=_choice(self.sponsor), show_id=_choice(self.show_box),
                         status=_choice(self.status), search=self.search.text().strip() or None)
        month = _choice(self.month)
        if month:
            flt.date_from, flt.date_to = v.month_bounds(month)
        return flt

    @keeps_refs
    def refresh(self) -> None:
        self._fill_choices()
        self.apply_filters()

    @keeps_refs  # each search, scroll-back and filter change: gives back what its Qt calls drop (ui.refguard)
    def apply_filters(self, typing: bool = False) -> None:
        """Re-query the first page now; the total follows (at once when the first page holds every row,
        else when a worker has listed every matching id — while typing, once the typing pauses)."""
        if self._filling:
            return
        self._timer.stop()
        self._last_search = time.monotonic()
        flt = self.current_filter()
        if flt != self.model.filter:
            self._to_top = True
        self.model.set_filter(flt, typing=typing)
        if self.model.sorting:
            return  # _sorting_started said so; the worker's sort counts them
        total = self.model.known_total
        if total is not None:  # (listed at once: an in-memory database)
            self._show_count(total)
        elif self.model.exhausted:
            self._show_count(self.model.rowCount())
        else:
            self.count_label.setText(f"{self.model.rowCount():,}+ reads")

    @keeps_refs
    def _search_changed(self, _text: str) -> None:
        # Throttle: search at once after a pause, else wait until typing pauses.
        if time.monotonic() - self._last_search > THROTTLE_S:
            self.apply_filters(typing=True)
        else:
            self._timer.start(int(THROTTLE_S * 1000))

    def _show_count(self, n: int) -> None:
        flt = self.model.filter
        narrowed = any((flt.search, flt.sponsor_id, flt.show_id, flt.status, flt.date_from))
        self.count_label.setText(f"{n:,} read{'s' if n != 1 else ''}" + (" match" if narrowed else ""))

    # -- actions ---------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    @keeps_refs
    def clear_filters(self) -> None:
        self._filling = True
        for box in (self.month, self.sponsor, self.show_box, self.status):
            box.setCurrentIndex(0)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._filling = False
        self.apply_filters()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [i for i in map(self.model.id_at, rows) if i is not None]  # (Ctrl+A on a million reads reads no page)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) > 1 and QMessageBox.question(
                self, "Delete reads", f"Delete {len(ids)} reads? (Undo brings them back.)") \
                != QMessageBox.StandardButton.Yes:
            return
        ops.delete_reads(self.ctx, ids)

    def edit_current(self) -> None:
        idx = self.view.currentIndex()
        read = self.model.read_at(idx.row()) if idx.isValid() else None
        if read is None:
            return
        from sponsortrack.ui.dialogs.read import ReadDialog

        dlg = ReadDialog(self.ctx, read, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(self._read_dialog_closed)
        self.read_dialog = dlg
        dlg.open()  # window-modal; the table gets the focus back when it closes

    def _read_dialog_closed(self, _result: int) -> None:
        self.read_dialog = None
        self.view.setFocus()  # the table gets the keyboard back

    def open_with(self, *, sponsor_id: int | None = None) -> None:
        """From another page (``ctx.navigate``): every read of one sponsor."""
        self.clear_filters()
        i = self.sponsor.findData(sponsor_id) if sponsor_id is not None else -1
        if i > 0:
            self.sponsor.setCurrentIndex(i)  # -> apply_filters

    def export_csv(self, path: str | None = None):
        from sponsortrack.ui.pages.history_export import export_csv

        return export_csv(self, path)

    @keeps_refs
    def _before_reset(self) -> None:
        idx = self.view.currentIndex()
        read = self.model.read_at(idx.row()) if idx.isValid() else None
        if self._pending_keep is not None and (read is None or idx.row() == 0):
            self._keep_id = self._pending_keep  # reloaded again before the ids came: still that read
        else:
            self._keep_id = read.id if read is not None else None

    @keeps_refs
    def _after_reset(self) -> None:
        order = (self.model.sort_key, self.model.descending)
        if order != self._order:  # a new sort
            self._order = order
            self._to_top = True
        self._pending_keep = None
        if not self.model.rowCount():
            return
        if not self._to_top and self._keep_id is not None:  # the same filter reloaded: stay on the read
            row = self.model.row_of_id(self._keep_id)
            if row is not None:
                self.select_row(row)
                return
            self._pending_keep = self._keep_id  # further down: found once the worker lists the ids
        if self._to_top or not self.view.currentIndex().isValid():  # (the first page: its first row too)
            self._to_top = False
            self.view.scrollToTop()
            self.select_row(0)

    def select_row(self, row: int) -> None:
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
