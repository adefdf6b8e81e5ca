"""A table model over a list of dataclasses, for the short lists (sponsors, agencies, campaigns, episodes).

Columns are declared once: title, how to show the value, the raw value to sort by. Sorting uses
:class:`RawSortProxy`, which compares the raw values (cents as numbers, dates as dates)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from sponsortrack.ui.models import ID_ROLE, OBJECT_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    text: Callable[[Any], str]
    raw: Callable[[Any], Any] | None = None
    align: str = "left"           # left | right | center
    tooltip: Callable[[Any], str] | None = None
    width: int = 0


def _sortable(v: Any) -> Any:
    """Raw values made comparable: None sorts first, strings case-insensitively."""
    if v is None:
        return (0, "")
    if isinstance(v, str):
        return (1, v.casefold())
    if isinstance(v, bool):
        return (1, int(v))
    return (1, v)


class ObjectTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.items: list[Any] = []

    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self.items[row]

    def row_of_id(self, obj_id: int) -> int:
        for i, it in enumerate(self.items):
            if getattr(it, "id", None) == obj_id:
                return i
        return -1

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def sort_value(self, row: int, column: int) -> Any:
        """What SORT_ROLE holds, read directly (no QVariant round trip through Qt; see ui.refguard)."""
        obj = self.items[row]
        col = self.columns[column]
        return _sortable(col.raw(obj) if col.raw else col.text(obj))

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _align(col.align)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        obj = self.items[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(obj)
        if role == SORT_ROLE:
            return _sortable(col.raw(obj) if col.raw else col.text(obj))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _align(col.align)
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip:
            return col.tooltip(obj)
        if role == ID_ROLE:
            return getattr(obj, "id", None)
        if role == OBJECT_ROLE:
            return obj
        return None


def _align(kind: str):
    v = Qt.AlignmentFlag.AlignVCenter
    if kind == "right":
        return int(v | Qt.AlignmentFlag.AlignRight)
    if kind == "center":
        return int(v | Qt.AlignmentFlag.AlignHCenter)
    return int(v | Qt.AlignmentFlag.AlignLeft)


class RawSortProxy(QSortFilterProxyModel):
    """Sorts by SORT_ROLE (raw values) and filters on the displayed text of every column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def lessThan(self, left: Index, right: Index) -> bool:
        src = self.sourceModel()
        if isinstance(src, ObjectTableModel):  # the raw values themselves, not index.data() through Qt
            a = src.sort_value(left.row(), left.column())
            b = src.sort_value(right.row(), right.column())
        else:
            a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)
