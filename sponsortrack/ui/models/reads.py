"""The reads of the history: a table model fed from SQL one page at a time.

Filtering and sorting happen in SQL (``ORDER BY`` on values, not text); the view asks for more rows
as it scrolls (``canFetchMore``/``fetchMore``). 100,000 reads open as fast as 200.

The Link column shows the latest check of each read's promo URL (the Links page's verdicts), fetched
once per page of rows — never per cell — and again by :meth:`ReadsModel.refresh_links` when the Links
page reports new checks. It is not sortable (the order stays the SQL one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from sponsortrack.money import format_money
from sponsortrack.services.budget import gui_budget
from sponsortrack.store import session as ssession
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models import ID_ROLE, OBJECT_ROLE, SORT_ROLE
from sponsortrack.ui.models.links import VERDICT_ROLE, badge_colours, badge_label
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.wording import natural_key

if TYPE_CHECKING:
    from sponsortrack.store.links import LinkCheck

Index = QModelIndex | QPersistentModelIndex
PAGE = 200


@dataclass(frozen=True)
class ReadColumn:
    key: str          # also the store's sort key (store.reads.SORTS)
    title: str
    align: str = "left"
    sortable: bool = True


COLUMNS = [
    ReadColumn("air_date", "Date"),
    ReadColumn("show", "Show"),
    ReadColumn("episode", "Ep", "right"),
    ReadColumn("title", "Episode"),
    ReadColumn("sponsor", "Sponsor"),
    ReadColumn("placement", "Placement"),
    ReadColumn("read_type", "Type"),
    ReadColumn("promo_url", "Promo URL"),
    ReadColumn("link", "Link", sortable=False),
    ReadColumn("promo_code", "Code"),
    ReadColumn("status", "Status"),
    ReadColumn("price", "Price", "right"),
    ReadColumn("invoice", "Invoice"),
]
COL = {c.key: i for i, c in enumerate(COLUMNS)}

STATUS_COLORS = {"flagged": QColor(214, 69, 69), "scheduled": QColor(150, 150, 160)}
LINK_COL = COL["link"]  # VERDICT_ROLE there: the raw verdict (None: no promo URL, or never checked)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_ROLES = frozenset({_DISPLAY, _ALIGN, _FOREGROUND, _TOOLTIP, _BACKGROUND, int(SORT_ROLE), int(ID_ROLE),
                    int(OBJECT_ROLE), int(VERDICT_ROLE)})
_BADGES: dict[str, tuple[str, QColor, QColor]] = {}  # verdict -> badge, made once
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
        return r.episode_code.lstrip("#")  # "62", or "S2 E5" in a show with seasons
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
        "title": natural_key(r.episode_title), "sponsor": r.sponsor_name.casefold(),
        "placement": ({"pre": 0, "mid": 1, "post": 2}[r.placement], r.position), "read_type": r.read_type,
        "promo_url": r.promo_url, "promo_code": r.promo_code, "status": r.status, "price": r.price_minor,
        "invoice": r.invoice_number,
    }.get(key)


def _link_tooltip(r: ReadRow, chk: LinkCheck | None) -> str | None:
    if not r.promo_url:
        return None
    if chk is None:
        return f"{r.promo_url}\nNot checked yet (the Links page checks every promo URL)."
    from sponsortrack.linkcheck.model import VERDICT_LABELS, VERDICT_MEANINGS

    head = VERDICT_LABELS.get(chk.verdict, chk.verdict)
    lines = [f"{head}: {chk.explanation or VERDICT_MEANINGS.get(chk.verdict, '')}".rstrip(": ")]
    if chk.final_url and chk.final_url != r.promo_url:
        lines.append(f"Lands on {chk.final_url}")
    lines.append(f"Checked {chk.checked_at[:16].replace('T', ' ')} UTC"
                 + (f" · HTTP {chk.status_code}" if chk.status_code else ""))
    return "\n".join(lines)


def _sorted_ids_task(control, db_path, flt: ReadFilter, sort: str, descending: bool):
    """Every matching read's id in order, on a worker with its own Store (stops when cancelled)."""
    from sponsortrack.store import Store

    with Store(db_path) as store:
        return ssession.sorted_read_ids(store, flt, sort=sort, descending=descending,
                                        stop=lambda: control.cancelled)


class ReadsModel(QAbstractTableModel):
    """``set_filter`` / ``sort`` re-query; rows arrive ``PAGE`` at a time.

    With ``tasks`` (the window's task runner), a first page that SQLite cannot give within
    ``BUDGET_S`` — a sort on a joined column over a million reads, a common word sorted by sponsor — is
    interrupted and a worker sorts the ids instead; the rows shown stay (the view usable) until it
    answers, then pages are cut from its ids. After :meth:`defer_until_filter`, nothing is queried
    before the next ``set_filter``: a view's ``setSortingEnabled`` then only records the order."""

    reset_done = Signal()
    sorting_started = Signal()  # a worker sorts; reset_done follows when its first page is in
    BUDGET_S = gui_budget(0.04)

    def __init__(self, store, parent=None, tasks=None):
        super().__init__(parent)
        self.store = store
        self.tasks = tasks
        self.filter = ReadFilter()
        self.sort_key = "air_date"
        self.descending = True
        self.rows: list[ReadRow] = []
        self.links: dict[str, LinkCheck] = {}   # promo URL -> latest check, for the rows loaded
        self.exhausted = True
        self._fetching = False
        self._live = True         # sort() re-queries (False: only records the order)
        self._queried = False     # a first page has been asked for
        self._ids = None          # every id in order, when a worker sorted them (array of int64)
        self._sorting = None      # the worker's task while it sorts
        self._gen = 0

    def defer_until_filter(self) -> None:
        """Query nothing until ``set_filter``: the page's first refresh asks for the first page once,
        not also when its view enables sorting."""
        self._live = False

    @property
    def sorting(self) -> bool:
        """A worker is sorting for the current filter and order (the rows shown are the previous ones)."""
        return self._sorting is not None

    @property
    def known_total(self) -> int | None:
        """How many reads match, when a worker's sort already counted them."""
        return len(self._ids) if self._ids is not None else None

    # -- queries --------------------------------------------------------------------------------
    def _page(self, offset: int, deadline: float | None = None) -> list[ReadRow]:
        if self._ids is not None:
            return ssession.rows_by_ids(self.store, self._ids[offset:offset + PAGE])
        return ssession.page_reads_for_view(self.store, self.filter, sort=self.sort_key,
                                            descending=self.descending, limit=PAGE, offset=offset,
                                            deadline=deadline)

    def _latest_checks(self, rows: list[ReadRow]) -> dict[str, LinkCheck]:
        """One query for a page's distinct promo URLs."""
        from sponsortrack.services import links as lsvc

        urls = {r.promo_url for r in rows if r.promo_url}
        return lsvc.latest_verdicts(self.store, sorted(urls)) if urls else {}

    @keeps_refs
    def reload(self) -> None:
        import time

        self._live = self._queried = True
        self._gen += 1
        self._ids = None
        if self._sorting is not None:
            self._sorting.control.cancel()  # its order is for an older filter or sort
            self._sorting = None
        if self.tasks is None:
            self._show(self._page(0))
            return
        try:
            rows = self._page(0, deadline=time.monotonic() + self.BUDGET_S)
        except ssession.OverBudget:
            gen = self._gen
            self._sorting = self.tasks.start(
                "Sorting reads", _sorted_ids_task, self.filter, self.sort_key, self.descending,
                on_done=lambda ids, g=gen: self._sorted(g, ids), on_error=lambda _msg, g=gen: self._sort_failed(g))
            self.sorting_started.emit()
            return
        self._show(rows)

    def _sorted(self, gen: int, ids) -> None:
        if gen != self._gen or ids is None:
            return  # superseded, or cancelled
        self._sorting = None
        self._ids = ids
        self._show(self._page(0))

    def _sort_failed(self, gen: int) -> None:
        if gen == self._gen:
            self._sorting = None  # the task runner told the window why; the rows shown stay

    def _show(self, rows: list[ReadRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.links = self._latest_checks(self.rows)
        self.exhausted = len(self.rows) < PAGE
        self.endResetModel()
        self.reset_done.emit()

    @keeps_refs
    def refresh_links(self) -> None:
        """Re-read the latest checks of the loaded rows (the Links page checked some URLs)."""
        if not self.rows:
            return
        self.links = self._latest_checks(self.rows)
        self.dataChanged.emit(self.index(0, LINK_COL), self.index(len(self.rows) - 1, LINK_COL))

    def badge(self, row: int) -> tuple[str, QColor, QColor] | None:
        """The Link column's badge of ``row`` for its delegate, read from the rows (no ``index.data()`` per
        paint): label, background and text colour; None when there is none (no promo URL, never checked)."""
        if not (0 <= row < len(self.rows)):
            return None
        url = self.rows[row].promo_url
        chk = self.links.get(url) if url else None
        if chk is None:
            return None
        badge = _BADGES.get(chk.verdict)
        if badge is None:
            badge = _BADGES[chk.verdict] = (badge_label(chk.verdict), *badge_colours(chk.verdict))
        return badge

    def set_filter(self, flt: ReadFilter) -> None:
        self.filter = flt
        self.reload()

    def count(self) -> int:
        if self._ids is not None:
            return len(self._ids)
        return ssession.count_reads(self.store, self.filter)

    def read_at(self, row: int) -> ReadRow:
        return self.rows[row]

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.exhausted and not self._fetching and self._sorting is None

    @keeps_refs
    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.exhausted or self._fetching or self._sorting is not None:
            return  # (while a worker sorts, the rows shown are the previous order's)
        self._fetching = True  # views may ask again while rows are being inserted
        try:
            more = self._page(len(self.rows))
            if len(more) < PAGE:
                self.exhausted = True
            if not more:
                return
            self.links.update(self._latest_checks(more))
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()
        finally:
            self._fetching = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)) or not COLUMNS[column].sortable:
            return
        key, descending = COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self._queried:
            return  # already in this order (QTableView.sortByColumn asks twice)
        self.sort_key, self.descending = key, descending
        if self._live:
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
        if col == LINK_COL:
            return self._link_data(r, role)
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
                return f"{r.show_name} {r.episode_code}: {r.episode_title}"
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

    def _link_data(self, r: ReadRow, role: int):
        chk = self.links.get(r.promo_url) if r.promo_url else None
        if role == _DISPLAY:
            return badge_label(chk.verdict) if chk else ""
        if role in (VERDICT_ROLE, SORT_ROLE):
            return chk.verdict if chk else None
        if role == _TOOLTIP:
            return _link_tooltip(r, chk)
        if role == _BACKGROUND:
            return badge_colours(chk.verdict)[0] if chk else None
        if role == _FOREGROUND:
            return badge_colours(chk.verdict)[1] if chk else None
        if role == _ALIGN:
            return _ALIGNMENTS[LINK_COL]
        if role == ID_ROLE:
            return r.id
        if role == OBJECT_ROLE:
            return r
        return None


def keep_sort_on_sortable_columns(view) -> None:
    """A click on a column the model cannot sort (Link) puts the header's sort indicator back."""
    header = view.horizontalHeader()
    model = view.model()

    def changed(column: int, _order) -> None:
        if 0 <= column < len(COLUMNS) and not COLUMNS[column].sortable:
            header.blockSignals(True)
            header.setSortIndicator(COL[model.sort_key], Qt.SortOrder.DescendingOrder if model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    header.sortIndicatorChanged.connect(changed)
