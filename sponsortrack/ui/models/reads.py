"""The reads of the history: a table model fed from SQL one page at a time.

Filtering and sorting happen in SQL (``ORDER BY`` on values, not text); the view asks for more rows
as it scrolls (``canFetchMore``/``fetchMore``). 100,000 reads open as fast as 200."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from sponsortrack.money import format_money
from sponsortrack.store import session as ssession
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models import ID_ROLE, OBJECT_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex
PAGE = 200


@dataclass(frozen=True)
class ReadColumn:
    key: str          # also the store's sort key (store.reads.SORTS)
    title: str
    align: str = "left"


COLUMNS = [
    ReadColumn("air_date", "Date"),
    ReadColumn("show", "Show"),
    ReadColumn("episode", "Ep", "right"),
    ReadColumn("title", "Episode"),
    ReadColumn("sponsor", "Sponsor"),
    ReadColumn("placement", "Placement"),
    ReadColumn("read_type", "Type"),
    ReadColumn("promo_url", "Promo URL"),
    ReadColumn("promo_code", "Code"),
    ReadColumn("status", "Status"),
    ReadColumn("price", "Price", "right"),
    ReadColumn("invoice", "Invoice"),
]
COL = {c.key: i for i, c in enumerate(COLUMNS)}

STATUS_COLORS = {"flagged": QColor(214, 69, 69), "scheduled": QColor(150, 150, 160)}

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROLES = frozenset({_DISPLAY, _ALIGN, _FOREGROUND, _TOOLTIP, int(SORT_ROLE), int(ID_ROLE), int(OBJECT_ROLE)})
_ALIGNMENTS = [int((Qt.AlignmentFlag.AlignVCenter | (Qt.AlignmentFlag.AlignRight if c.align == "right"
                                                     else Qt.AlignmentFlag.AlignLeft)).value) for c in COLUMNS]


def price_text(r: ReadRow) -> str:
    p = r.price_minor
    if p is None:
        return "—" if r.campaign_id is None else "pending"
    if p == 0 and r.make_good_of is not None:
        return "make-good"
    return format_money(p, r.currency or "USD")


def _text(r: ReadRow, key: str) -> str:
    if key == "air_date":
        return r.air_date or ""
    if key == "show":
        return r.show_name
    if key == "episode":
        return "" if r.episode_number is None else str(r.episode_number)
    if key == "title":
        return r.episode_title
    if key == "sponsor":
        return r.sponsor_name
    if key == "placement":
        return f"{r.placement} {r.position}" if r.position > 1 else r.placement
    if key == "read_type":
        return r.read_type
    if key == "promo_url":
        return r.promo_url or ""
    if key == "promo_code":
        return r.promo_code or ""
    if key == "status":
        return r.status + (" (make-good)" if r.make_good_of else "")
    if key == "price":
        return price_text(r)
    if key == "invoice":
        return r.invoice_number or ("draft" if r.invoice_id else "")
    return ""


def _raw(r: ReadRow, key: str) -> Any:
    return {
        "air_date": r.air_date, "show": r.show_name.casefold(), "episode": r.episode_number,
        "title": r.episode_title.casefold(), "sponsor": r.sponsor_name.casefold(),
        "placement": ({"pre": 0, "mid": 1, "post": 2}[r.placement], r.position), "read_type": r.read_type,
        "promo_url": r.promo_url, "promo_code": r.promo_code, "status": r.status, "price": r.price_minor,
        "invoice": r.invoice_number,
    }.get(key)


class ReadsModel(QAbstractTableModel):
    """``set_filter`` / ``sort`` re-query; rows arrive ``PAGE`` at a time."""

    reset_done = Signal()

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.filter = ReadFilter()
        self.sort_key = "air_date"
        self.descending = True
        self.rows: list[ReadRow] = []
        self.exhausted = True
        self._fetching = False

    # -- queries --------------------------------------------------------------------------------
    def _page(self, offset: int) -> list[ReadRow]:
        return ssession.page_reads_for_view(self.store, self.filter, sort=self.sort_key, descending=self.descending,
                                   limit=PAGE, offset=offset)

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = self._page(0)
        self.exhausted = len(self.rows) < PAGE
        self.endResetModel()
        self.reset_done.emit()

    def set_filter(self, flt: ReadFilter) -> None:
        self.filter = flt
        self.reload()

    def count(self) -> int:
        return ssession.count_reads(self.store, self.filter)

    def read_at(self, row: int) -> ReadRow:
        return self.rows[row]

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.exhausted or self._fetching:
            return
        self._fetching = True  # views may ask again while rows are being inserted
        try:
            more = self._page(len(self.rows))
            if len(more) < PAGE:
                self.exhausted = True
            if not more:
                return
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()
        finally:
            self._fetching = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)):
            return
        self.sort_key = COLUMNS[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignVCenter | (Qt.AlignmentFlag.AlignRight
                                                           if COLUMNS[section].align == "right"
                                                           else Qt.AlignmentFlag.AlignLeft))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        # Called for every visible cell and role on each repaint: unhandled roles return first, and the
        # role constants are plain ints (a PySide6 enum attribute lookup costs more than the work here).
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if not (0 <= row < len(self.rows)):
            return None
        r = self.rows[row]
        col = index.column()
        key = COLUMNS[col].key
        if role == _DISPLAY:
            return _text(r, key)
        if role == _ALIGN:
            return _ALIGNMENTS[col]
        if role == _FOREGROUND:
            return STATUS_COLORS.get(r.status) if key == "status" else None
        if role == SORT_ROLE:
            return _raw(r, key)
        if role == _TOOLTIP:
            if key == "title":
                return f"{r.show_name} #{r.episode_number}: {r.episode_title}"
            if key == "price" and r.pricing:
                return f"{r.campaign_name} — {r.pricing.replace('_', ' ')}" + (
                    f", {r.units:,} downloads" if r.units else "")
            if key == "promo_url":
                return r.promo_url
            if r.notes:
                return r.notes
            return None
        if role == ID_ROLE:
            return r.id
        if role == OBJECT_ROLE:
            return r
        return None
