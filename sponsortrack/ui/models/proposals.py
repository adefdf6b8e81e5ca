"""The log screen's table: proposed reads (from running campaigns) and added ones, tick to log."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.services.reads import ProposedRead
from sponsortrack.ui.models import OBJECT_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex

CHECK, SPONSOR, CAMPAIGN, PLACEMENT, READ_TYPE, PROMO_URL, PROMO_CODE = range(7)
HEADERS = ["Log", "Sponsor", "Campaign", "Placement", "Type", "Promo URL", "Code"]
EDITABLE = {PLACEMENT, READ_TYPE, PROMO_URL, PROMO_CODE}


@lru_cache(maxsize=256)
def url_problem(text: str | None) -> str:
    """Why a promo URL will not be saved, in words ("" when it will)."""
    try:
        v.normalize_url(text, "promo URL")
    except ValidationError as exc:
        return exc.problem
    return ""


class ProposalsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[ProposedRead] = []
        self.dirty = False

    def set_items(self, items: list[ProposedRead]) -> None:
        self.beginResetModel()
        self.items = [replace(p) for p in items]
        self.dirty = False
        self.endResetModel()

    def add(self, item: ProposedRead) -> int:
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(item)
        self.endInsertRows()
        self.dirty = True
        return row

    def merge(self, item: ProposedRead) -> int:
        """Add a proposal timed by a chapter marker: it takes the place of the first row of the same
        sponsor that has no start yet (the campaign's proposal), else it is a new row."""
        for row, p in enumerate(self.items):
            if p.sponsor_id == item.sponsor_id and p.start_seconds is None:
                self.items[row] = item
                self.dirty = True
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
                return row
        return self.add(item)

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.items[row]
            self.endRemoveRows()
            self.dirty = True

    def selected(self) -> list[ProposedRead]:
        return [p for p in self.items if p.selected]

    def toggle(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.setData(self.index(row, CHECK),
                         Qt.CheckState.Unchecked if self.items[row].selected else Qt.CheckState.Checked,
                         Qt.ItemDataRole.CheckStateRole)

    def set_placement(self, row: int, placement: str) -> None:
        if 0 <= row < len(self.items):
            self.setData(self.index(row, PLACEMENT), placement, Qt.ItemDataRole.EditRole)

    def cycle_read_type(self, row: int) -> None:
        if 0 <= row < len(self.items):
            cur = self.items[row].read_type
            self.setData(self.index(row, READ_TYPE), "produced" if cur == "host" else "host",
                         Qt.ItemDataRole.EditRole)

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == CHECK:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in EDITABLE:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        p = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == CHECK:
            return Qt.CheckState.Checked if p.selected else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, SORT_ROLE):
            return {
                CHECK: "" if role != SORT_ROLE else int(p.selected),
                SPONSOR: p.sponsor_name,
                CAMPAIGN: p.campaign_name or ("— no running campaign —" if role == Qt.ItemDataRole.DisplayRole
                                              else ""),
                PLACEMENT: p.placement,
                READ_TYPE: p.read_type,
                PROMO_URL: p.promo_url or "",
                PROMO_CODE: p.promo_code or "",
            }.get(col)
        if col == PROMO_URL and role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole) \
                and (problem := url_problem(p.promo_url)):
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Promo URL of {p.sponsor_name}: {problem}"
            from PySide6.QtGui import QColor

            return QColor("#c03030")
        if role == Qt.ItemDataRole.ForegroundRole and not p.selected and col != CHECK:
            from PySide6.QtGui import QPalette
            from PySide6.QtWidgets import QApplication

            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole and p.start_seconds is not None:
            return (f"From the chapter markers: starts at {v.format_duration(p.start_seconds)}"
                    + (f", {v.format_duration(p.length_seconds)} long" if p.length_seconds is not None else ""))
        if role == OBJECT_ROLE:
            return p
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return False
        p = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == CHECK:
            p.selected = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dirty = True
            self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
            return True
        if role != Qt.ItemDataRole.EditRole or col not in EDITABLE:
            return False
        text = "" if value is None else str(value).strip()
        if col == PLACEMENT:
            if text not in v.PLACEMENTS:
                return False
            p.placement = text
        elif col == READ_TYPE:
            if text not in v.READ_TYPES:
                return False
            p.read_type = text
        elif col == PROMO_URL:
            p.promo_url = text or None
        elif col == PROMO_CODE:
            p.promo_code = text or None
        self.dirty = True
        self.dataChanged.emit(index, index)
        return True
