"""A list page: a search box, a sortable table of records, New/Edit/Delete, and an optional detail pane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
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


def record_view(name: str, proxy: RawSortProxy, *, row_height: int) -> QTableView:
    """A read-only table of records over ``proxy``: sorted by its first column, one row selected at a time."""
    view = QTableView()
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
        head.setProperty("role", "h2")
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


def splitter(left: QWidget, right: QWidget, sizes: tuple[int, int] = (640, 420)) -> QSplitter:
    s = QSplitter(Qt.Orientation.Horizontal)
    s.addWidget(left)
    s.addWidget(right)
    s.setSizes(list(sizes))
    s.setChildrenCollapsible(False)
    return s
