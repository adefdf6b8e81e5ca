"""A list page: a search box, a sortable table of records, New/Edit/Delete, and an optional detail pane."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.ui import operations as ops
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.models.table import Column, ObjectTableModel, RawSortProxy
from sponsortrack.ui.theme import set_role, table_grid


class ColumnFitter(QObject):
    """Fit a table to its width instead of scrolling sideways: column ``stretch`` takes the room left
    (its text elides), and while the columns are still wider than the view the ``drop`` columns are
    hidden, first named first (a detail pane shows them), and shown again when there is room."""

    STRETCH_MIN = 110  # the stretching column's narrowest, before a droppable column is hidden

    def __init__(self, view: QTableView, stretch: int, drop: Sequence[int] = (), widths: dict[int, int] | None = None):
        super().__init__(view)
        self.view, self.stretch, self.drop = view, stretch, list(drop)
        hh = view.horizontalHeader()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.widths = {i: (widths or {}).get(i) or hh.sectionSize(i) for i in range(hh.count()) if i != stretch}
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        hh = self.view.horizontalHeader()
        for i in self.widths:
            if not hh.isSectionHidden(i):
                self.widths[i] = hh.sectionSize(i) or self.widths[i]  # (a width the producer dragged is kept)
        # the columns that would show: hidden ones count only when hidden here (the page hides others for good)
        shown = [i for i in self.widths if not hh.isSectionHidden(i) or i in self.drop]
        need = self.STRETCH_MIN + sum(self.widths[i] for i in shown)
        room = self.view.viewport().width()
        hidden = set()
        for i in self.drop:
            if need <= room:
                break
            hidden.add(i)
            need -= self.widths[i]
        for i in self.drop:
            if hh.isSectionHidden(i) != (i in hidden):
                hh.setSectionHidden(i, i in hidden)
                if i not in hidden:
                    hh.resizeSection(i, self.widths[i])


def record_view(name: str, proxy: RawSortProxy, *, row_height: int) -> QTableView:
    """A read-only table of records over ``proxy``: sorted by its first column, one row selected at a time."""
    view = QTableView()
    table_grid(view)
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(row_height)
    return view


class RecordTable(QWidget):
    """Search + table + buttons for one kind of record, with an editor dialog class."""

    def __init__(self, ctx: AppContext, kind: str, columns: list[Column], dialog_cls: Any, title: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.kind, self.dialog_cls = ctx, kind, dialog_cls
        self.model = ObjectTableModel(columns, self)
        self.proxy = RawSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view(f"{kind}_view", self.proxy, row_height=24)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, col in enumerate(columns):
            if col.width:
                self.view.setColumnWidth(i, col.width)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.search = QLineEdit()
        self.search.setPlaceholderText(f"Filter {title.lower()}…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.new_button = QPushButton(f"New {kind}…")
        self.new_button.clicked.connect(self.new_item)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        head = QLabel(title)
        set_role(head, "h2")
        top = self.top = QHBoxLayout()  # pages add their own filters here
        top.addWidget(head)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

    def fit_columns(self, stretch: str, drop: Sequence[str] = ()) -> None:
        """Fit the table to its width (:class:`ColumnFitter`), by column key."""
        self.fitter = ColumnFitter(self.view, self.model.column_index(stretch),
                                   [self.model.column_index(k) for k in drop],
                                   {i: col.width for i, col in enumerate(self.model.columns) if col.width})

    def set_items(self, items: list[Any]) -> None:
        keep = self.selected()
        self.model.set_items(items)
        if keep is not None:
            self.select_id(keep.id)

    def selected(self) -> Any:
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        return self.model.item(self.proxy.mapToSource(idx).row())

    def select_id(self, obj_id: int) -> None:
        row = self.model.row_of_id(obj_id)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def new_item(self) -> None:
        dlg = self.dialog_cls(self.ctx, None, self)
        if dlg.exec() and dlg.result_obj is not None:
            self.select_id(dlg.result_obj.id)

    def edit_selected(self) -> None:
        obj = self.selected()
        if obj is not None:
            self.dialog_cls(self.ctx, obj, self).exec()

    def delete_selected(self) -> None:
        obj = self.selected()
        if obj is None:
            return
        label = str(getattr(obj, "name", None) or getattr(obj, "title", ""))
        if QMessageBox.question(self, f"Delete {self.kind}", f"Delete {self.kind} “{label}”? (Undo brings it back.)") \
                != QMessageBox.StandardButton.Yes:
            return
        ops.delete(self.ctx, self.kind, obj.id, label)


class ReflowSplitter(QSplitter):
    """A list and its detail side by side when both fit, one above the other when not (a 960-pixel
    window, 1920x1080 at 200 %): its minimum width is the wider pane's, never the two together, so the
    page reflows and scrolls down instead of sideways."""

    def __init__(self, left: QWidget, right: QWidget, sizes: tuple[int, int]):
        super().__init__(Qt.Orientation.Horizontal)
        self.addWidget(left)
        self.addWidget(right)
        self.setChildrenCollapsible(False)
        self._wide_sizes = list(sizes)
        self.setSizes(self._wide_sizes)

    def _panes(self) -> list[QWidget]:
        return [w for w in (self.widget(i) for i in range(self.count())) if w is not None]

    @staticmethod
    def _min_width(w: QWidget) -> int:
        return w.minimumWidth() or w.minimumSizeHint().width()  # (a minimum set on the widget wins)

    def side_by_side_width(self) -> int:
        """The narrowest width at which the panes fit next to each other."""
        panes = self._panes()
        return sum(map(self._min_width, panes)) + self.handleWidth() * (len(panes) - 1)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(max(map(self._min_width, self._panes()), default=0), hint.height())

    def _reflow(self, width: int) -> None:
        wide = width >= self.side_by_side_width()
        want = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if want != self.orientation():
            self.setOrientation(want)
            self.setSizes(self._wide_sizes if wide else [3, 2])  # (stretched to the height: 60 / 40)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._reflow(event.size().width())
        super().resizeEvent(event)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.LayoutRequest:  # a pane's minimum changed (fonts, a longer label)
            self._reflow(self.width())
        return super().event(e)


def splitter(left: QWidget, right: QWidget, sizes: tuple[int, int] = (640, 420)) -> QSplitter:
    return ReflowSplitter(left, right, sizes)
