"""The reads of the history: a table model over every matching read, its rows read a page at a time.

Filtering and sorting happen in SQL (``ORDER BY`` on values, not text). The first page is read at once;
a worker then lists every matching id in order and the model reports them all, reading only the pages
in view into a small cache (:class:`ReadsModel`). 1,000,000 reads open as fast as 200, and the last
one is a Ctrl+End away.

The Link column shows the latest check of each read's promo URL (the Links page's verdicts), fetched
once per page of rows — never per cell — and again by :meth:`ReadsModel.refresh_links` when the Links
page reports new checks. It is not sortable (the order stays the SQL one)."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from sponsortrack.services import history
from sponsortrack.services.budget import gui_budget
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models import ID_ROLE, OBJECT_ROLE, SORT_ROLE
from sponsortrack.ui.models.links import VERDICT_ROLE, badge_colours, badge_label
from sponsortrack.ui.models.read_cells import (
    COL,
    COLUMNS,
    LINK_COL,
    STATUS_COLORS,
    cell_text,
    link_tooltip,
    price_text,
    raw_value,
)
from sponsortrack.ui.refguard import keeps_refs

if TYPE_CHECKING:
    from sponsortrack.store.links import LinkCheck

__all__ = ["COL", "COLUMNS", "LINK_COL", "PAGE", "ReadsModel", "keep_sort_on_sortable_columns", "price_text"]

Index = QModelIndex | QPersistentModelIndex
PAGE = 200

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


def _sorted_ids_task(control, db_path, flt: ReadFilter, sort: str, descending: bool):
    """Every matching read's id in order, on a worker with its own Store (stops when cancelled)."""
    from sponsortrack.store import Store

    with Store(db_path) as store:
        return history.sorted_ids(store, flt, sort=sort, descending=descending, stop=lambda: control.cancelled)


class _Rows(Sequence):
    """The model's rows as a sequence (``len`` is the row count): each is read from the page cache,
    its page loaded on demand. Iterating loads every page in turn (tests, small tables)."""

    def __init__(self, model: ReadsModel):
        self._model = model

    def __len__(self) -> int:
        return self._model.rowCount()

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, slice):
            return [self._model.read_at(k) for k in range(*i.indices(n))]
        if i < 0:
            i += n
        if not (0 <= i < n):
            raise IndexError(i)
        return self._model.read_at(i)


class _Page:
    __slots__ = ("links", "rows")

    def __init__(self, rows: list[ReadRow | None], links: dict[str, LinkCheck]):
        self.rows = rows
        self.links = links


class ReadsModel(QAbstractTableModel):
    """``set_filter`` / ``sort`` re-query. The first page is read at once; then a worker lists every
    matching id in order (4 bytes a read) and the model reports them all: Ctrl+End or the scroll bar
    reach the true last row, and only the pages in view are read (``PAGE`` rows by id, at most
    ``MAX_PAGES`` kept, the oldest dropped). Until the ids arrive, more rows page in by offset as the
    view scrolls (``canFetchMore``/``fetchMore``).

    With ``tasks`` (the window's task runner), a first page that SQLite cannot give within
    ``BUDGET_S`` — a sort on a joined column over a million reads, a common word sorted by sponsor — is
    interrupted and the worker's ids give the pages instead; the rows shown stay (the view usable)
    until it answers. Without ``tasks`` (an in-memory database) the ids are listed at once. After
    :meth:`defer_until_filter`, nothing is queried before the next ``set_filter``: a view's
    ``setSortingEnabled`` then only records the order."""

    reset_done = Signal()
    sorting_started = Signal()  # a worker sorts; reset_done follows when its first page is in
    total_known = Signal()      # every matching id is listed: ``known_total`` rows are reported
    BUDGET_S = gui_budget(0.04)
    MAX_PAGES = 16
    IDS_DELAY_MS = 250  # while the producer types, the ids are listed once the typing pauses

    def __init__(self, store, parent=None, tasks=None):
        super().__init__(parent)
        self.store = store
        self.tasks = tasks
        self.filter = ReadFilter()
        self.sort_key = "air_date"
        self.descending = True
        self.rows = _Rows(self)
        self._pages: OrderedDict[int, _Page] = OrderedDict()  # page number -> its rows and link checks
        self._loaded = 0          # rows paged in by offset, before the ids are known
        self.exhausted = True     # nothing more to page in by offset
        self._fetching = False
        self._live = True         # sort() re-queries (False: only records the order)
        self._queried = False     # a first page has been asked for
        self._ids: array | None = None  # every id in order, once a worker listed them
        self._listing = None      # the worker's task while it lists the ids
        self._sorting = False     # the first page was over budget: the rows shown are the previous ones
        self._gen = 0
        self._ids_timer = QTimer(self)
        self._ids_timer.setSingleShot(True)
        self._ids_timer.timeout.connect(self._list_ids)

    def defer_until_filter(self) -> None:
        """Query nothing until ``set_filter``: the page's first refresh asks for the first page once,
        not also when its view enables sorting."""
        self._live = False

    @property
    def sorting(self) -> bool:
        """A worker is sorting for the current filter and order (the rows shown are the previous ones)."""
        return self._sorting

    @property
    def known_total(self) -> int | None:
        """How many reads match, once the worker listed their ids."""
        return len(self._ids) if self._ids is not None else None

    @property
    def cached_rows(self) -> int:
        """Rows held in memory (at most ``MAX_PAGES`` pages once the ids are known)."""
        return sum(len(p.rows) for p in self._pages.values())

    # -- queries --------------------------------------------------------------------------------
    def _latest_checks(self, rows) -> dict[str, LinkCheck]:
        """One query for a page's distinct promo URLs."""
        from sponsortrack.services import links as lsvc

        urls = {r.promo_url for r in rows if r is not None and r.promo_url}
        return lsvc.latest_verdicts(self.store, sorted(urls)) if urls else {}

    def _page_by_id(self, number: int) -> _Page:
        """Page ``number`` of the listed ids, read now (a read deleted since stays a gap: None)."""
        assert self._ids is not None
        ids = self._ids[number * PAGE:(number + 1) * PAGE]
        by_id = {r.id: r for r in history.rows(self.store, ids)}
        rows = [by_id.get(i) for i in ids]
        page = self._pages[number] = _Page(rows, self._latest_checks(rows))
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)  # the page read longest ago (the one in view was just read)
        return page

    def read_at(self, row: int) -> ReadRow | None:
        """The read at ``row``, its page read if it is not in memory (None: out of range, or deleted since)."""
        number, k = divmod(row, PAGE)
        page = self._pages.get(number)
        if page is None:
            if self._ids is None or not (0 <= row < len(self._ids)):
                return None
            page = self._page_by_id(number)
        return page.rows[k] if k < len(page.rows) else None

    def id_at(self, row: int) -> int | None:
        """The id of the read at ``row``, from the listed ids when they are in (no page is read)."""
        if self._ids is not None:
            return int(self._ids[row]) if 0 <= row < len(self._ids) else None
        r = self.read_at(row)
        return r.id if r is not None else None

    def row_of_id(self, read_id: int) -> int | None:
        """The row of a read, or None (not among the matches, or not paged in yet)."""
        if self._ids is not None:
            try:
                return self._ids.index(read_id)
            except ValueError:
                return None
        for number, page in self._pages.items():
            for k, r in enumerate(page.rows):
                if r is not None and r.id == read_id:
                    return number * PAGE + k
        return None

    def _links_of(self, row: int, r: ReadRow) -> LinkCheck | None:
        page = self._pages.get(row // PAGE)
        return page.links.get(r.promo_url) if page is not None and r.promo_url else None

    @keeps_refs
    def reload(self, typing: bool = False) -> None:
        import time

        self._live = self._queried = True
        self._gen += 1
        self._ids_timer.stop()
        if self._listing is not None:
            self._listing.control.cancel()  # its ids are for an older filter or sort
            self._listing = None
        self._sorting = False
        if self.tasks is None:
            rows = history.page(self.store, self.filter, sort=self.sort_key, descending=self.descending, limit=PAGE)
        else:
            try:
                rows = history.page(self.store, self.filter, sort=self.sort_key, descending=self.descending,
                                    limit=PAGE, deadline=time.monotonic() + self.BUDGET_S)
            except history.OverBudget:
                self._sorting = True
                self._list_ids()  # the rows shown stay until the worker's ids give the first page
                self.sorting_started.emit()
                return
        self._show(rows)
        if not self.exhausted:
            if self.tasks is None:
                self._ids_arrived(self._gen, history.sorted_ids(self.store, self.filter, sort=self.sort_key,
                                                                descending=self.descending))
            elif typing:
                self._ids_timer.start(self.IDS_DELAY_MS)
            else:
                self._list_ids()

    def _list_ids(self) -> None:
        gen = self._gen
        self._listing = self.tasks.start(
            "Sorting reads" if self._sorting else "Counting reads", _sorted_ids_task, self.filter,
            self.sort_key, self.descending, on_done=lambda ids, g=gen: self._ids_arrived(g, ids),
            on_error=lambda _msg, g=gen: self._listing_failed(g))

    @keeps_refs
    def _ids_arrived(self, gen: int, ids) -> None:
        if gen != self._gen or ids is None:
            return  # superseded, or cancelled
        self._listing = None
        head = [r.id if r is not None else None for k in range(len(self._pages))
                for r in self._pages[k].rows] if self._pages.keys() == set(range(len(self._pages))) else None
        if not self._sorting and head is not None and len(ids) >= len(head) and list(ids[:len(head)]) == head:
            # the rows shown are the first of the listed ones: report the rest, the view stays where it is
            self.exhausted = True  # (first: a view told of the insert must not page in more by offset)
            if len(ids) > len(head):
                self.beginInsertRows(QModelIndex(), len(head), len(ids) - 1)
                self._ids = ids
                self.endInsertRows()
            else:
                self._ids = ids
        else:  # a new order, or the reads changed meanwhile: start again from the ids
            self.beginResetModel()
            self._sorting = False
            self._ids = ids
            self._pages.clear()
            self._loaded = 0
            self.exhausted = True
            if ids:
                self._page_by_id(0)
            self.endResetModel()
            self.reset_done.emit()
        self.total_known.emit()

    def _listing_failed(self, gen: int) -> None:
        if gen == self._gen:
            self._listing = None  # the task runner told the window why; the rows shown stay
            self._sorting = False

    def _show(self, rows: list[ReadRow]) -> None:
        self.beginResetModel()
        self._ids = None
        self._pages.clear()
        if rows:
            self._pages[0] = _Page(list(rows), self._latest_checks(rows))
        self._loaded = len(rows)
        self.exhausted = len(rows) < PAGE
        self.endResetModel()
        self.reset_done.emit()

    @keeps_refs
    def refresh_links(self) -> None:
        """Re-read the latest checks of the rows in memory (the Links page checked some URLs)."""
        if not self._pages:
            return
        for page in self._pages.values():
            page.links = self._latest_checks(page.rows)
        self.dataChanged.emit(self.index(0, LINK_COL), self.index(self.rowCount() - 1, LINK_COL))

    def badge(self, row: int) -> tuple[str, QColor, QColor] | None:
        """The Link column's badge of ``row`` for its delegate, read from the rows (no ``index.data()`` per
        paint): label, background and text colour; None when there is none (no promo URL, never checked)."""
        r = self.read_at(row) if row >= 0 else None
        chk = self._links_of(row, r) if r is not None else None
        if chk is None:
            return None
        badge = _BADGES.get(chk.verdict)
        if badge is None:
            badge = _BADGES[chk.verdict] = (badge_label(chk.verdict), *badge_colours(chk.verdict))
        return badge

    def set_filter(self, flt: ReadFilter, typing: bool = False) -> None:
        self.filter = flt
        self.reload(typing)

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._ids) if self._ids is not None else self._loaded

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (not parent.isValid() and self._ids is None and not self.exhausted and not self._fetching
                and not self._sorting)

    @keeps_refs
    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return  # (while a worker sorts, the rows shown are the previous order's)
        self._fetching = True  # views may ask again while rows are being inserted
        try:
            more = history.page(self.store, self.filter, sort=self.sort_key, descending=self.descending,
                                limit=PAGE, offset=self._loaded)
            if len(more) < PAGE:
                self.exhausted = True
            if not more:
                return
            first = self._loaded
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._pages[first // PAGE] = _Page(list(more), self._latest_checks(more))
            self._loaded += len(more)
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
        r = self.read_at(row)
        if r is None:
            return None
        col = index.column()
        if col == LINK_COL:
            return self._link_data(r, self._links_of(row, r), role)
        key = COLUMNS[col].key
        if role == _DISPLAY:
            return cell_text(r, key)
        if role == _ALIGN:
            return _ALIGNMENTS[col]
        if role == _FOREGROUND:
            return STATUS_COLORS.get(r.status) if key == "status" else None
        if role == SORT_ROLE:
            return raw_value(r, key)
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

    def _link_data(self, r: ReadRow, chk: LinkCheck | None, role: int):
        if role == _DISPLAY:
            return badge_label(chk.verdict) if chk else ""
        if role in (VERDICT_ROLE, SORT_ROLE):
            return chk.verdict if chk else None
        if role == _TOOLTIP:
            return link_tooltip(r, chk)
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
