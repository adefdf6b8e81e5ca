"""Campaigns (insertion orders) with their pacing — booked vs delivered — and the reads of each."""

from __future__ import annotations

import datetime as dt
import functools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.money import format_money
from sponsortrack.services import campaigns as camp
from sponsortrack.store.models import Campaign
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui import context as c
from sponsortrack.ui.dialogs.records import CampaignDialog
from sponsortrack.ui.models.reads import COL, LINK_COL, ReadsModel, keep_sort_on_sortable_columns
from sponsortrack.ui.models.table import Column
from sponsortrack.ui.pages.base import ColumnFitter, RecordTable, splitter
from sponsortrack.ui.text import rich
from sponsortrack.ui.theme import set_role, table_grid
from sponsortrack.ui.widgets.badge import BadgeDelegate, MiddleElideDelegate
from sponsortrack.ui.widgets.panels import Card


def _rate(k: Campaign) -> str:
    per = {"flat": "/read", "per_episode": "/episode", "cpm": " CPM"}[k.pricing]
    return format_money(k.rate_minor, k.currency) + per


def _pace_text(k) -> str:
    p = getattr(k, "pace", None)
    if p is None:
        return ""
    frac = p.delivered_fraction
    booked = p.booked_impressions if p.pricing == "cpm" else p.booked_reads
    done = p.delivered_impressions if p.pricing == "cpm" else p.delivered_reads
    if frac is None:
        return f"{_compact(done)} delivered"
    verdict = p.verdict
    flag = f"  ⚠ {verdict}" if verdict in ("behind", "under-delivered") else \
        ("  ▲ over-delivered" if verdict == "over-delivered" else "")
    return f"{_compact(done)} / {_compact(booked)} ({int(100 * frac)} %){flag}"


def pace_sentence(p) -> str:
    """The detail pane's word on delivery, for the flight as of today."""
    booked = p.booked_impressions if p.pricing == "cpm" else p.booked_reads
    done = p.delivered_impressions if p.pricing == "cpm" else p.delivered_reads
    unit = "downloads" if p.pricing == "cpm" else "reads"
    v = p.verdict
    if v == "behind":
        return "<b style='color:#c03030'>Behind pace</b>: delivery trails the flight by more than 10 points."
    if v == "under-delivered":
        return (f"<b style='color:#c03030'>Under-delivered</b>: the flight ended on {rich(p.end_date)} with "
                f"{done:,} of {booked:,} {rich(unit)} — {booked - done:,} short.")
    if v == "over-delivered":
        return (f"<b>Over-delivered</b>: {done:,} of {booked:,} booked {rich(unit)} — {done - booked:,} more "
                "than booked.")
    if v == "delivered":
        return f"Delivered as booked ({done:,} {unit})."
    if p.phase == "upcoming":
        return f"Upcoming: the flight starts on {p.start_date}."
    return "On pace." if v == "on pace" else ""


def _compact(n: int | None) -> str:
    """Whole numbers for a narrow column: 9,999 · 242k · 7.86M."""
    n = n or 0
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return f"{n:,}"


def _flight(k) -> str:
    end = k.end_date[5:] if k.end_date[:4] == k.start_date[:4] else k.end_date
    return f"{k.start_date} – {end}"


COLUMNS = [
    Column("sponsor", "Sponsor", lambda k: k.sponsor_name or "", width=100),
    Column("name", "Campaign", lambda k: k.name, width=120, tooltip=lambda k: k.name),
    Column("flight", "Flight", _flight, lambda k: k.start_date, width=150,
           tooltip=lambda k: f"{k.start_date} – {k.end_date}"),
    Column("pricing", "Rate", _rate, lambda k: k.rate_minor, align="right", width=122),
    Column("pacing", "Delivered", _pace_text,
           lambda k: getattr(k, "pace", None) and (k.pace.delivered_fraction or 0), width=232),
    Column("status", "Status", lambda k: camp.campaign_state(k), width=70,
           tooltip=lambda k: f"{camp.campaign_state(k)} as of today (flight {k.start_date} – {k.end_date}); "
                             f"status set on the campaign: {k.status}"),
    Column("agency", "Agency", lambda k: k.agency_name or "", width=120),
    Column("show", "Show", lambda k: k.show_name or "every show", width=110),
]


def _pacing(control, db_path, ids: list[int], store=None) -> dict:
    """Pacing of the campaigns ``ids`` by id (on a worker thread, with its own Store)."""
    from sponsortrack.store import Store

    own = store is None
    if own:
        store = Store(db_path)
    try:
        return {p.campaign_id: p for p in camp.pacing(store, ids)}
    finally:
        if own:
            store.close()


class CampaignsPage(QWidget):
    WATCHES = frozenset({c.CAMPAIGNS, c.READS, c.SPONSORS, c.AGENCIES, c.SHOWS, c.EPISODES})

    pacing_ready = Signal()  # the pacing of the listed campaigns arrived from the worker

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._pace_gen = 0
        self.table = RecordTable(ctx, "campaign", COLUMNS, CampaignDialog, "Campaigns")
        self.table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        # narrow (a 960-pixel window): the list fits, dropping what the detail pane shows as well
        self.table.fit_columns("name", drop=("show", "agency", "status", "flight"))
        self.status_filter = QComboBox()
        self.status_filter.addItem("Running and upcoming", "current")
        self.status_filter.addItem("All campaigns", None)
        for s in ("draft", "active", "paused", "completed", "cancelled"):
            self.status_filter.addItem(s, s)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.layout().itemAt(0).layout().insertWidget(2, self.status_filter)  # type: ignore[union-attr]

        side = Card()
        sl = QVBoxLayout(side)
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.head.setTextFormat(Qt.TextFormat.RichText)
        self.delivered_bar = QProgressBar()
        self.delivered_bar.setObjectName("pacing_bar")
        self.elapsed_bar = QProgressBar()
        self.elapsed_bar.setObjectName("elapsed_bar")
        form = QFormLayout()
        form.addRow("Delivered", self.delivered_bar)
        form.addRow("Flight gone", self.elapsed_bar)
        self.pace_note = QLabel()
        self.pace_note.setWordWrap(True)
        self.reads_label = QLabel()
        set_role(self.reads_label, "h2")
        self.reads_model = ReadsModel(ctx.store, self,
                                      tasks=None if str(ctx.db_path) == ":memory:" else ctx.tasks)
        self.reads_model.defer_until_filter()
        self.reads_model.reset_done.connect(self._label_reads)
        self.reads_model.total_known.connect(self._label_reads)
        self.reads_view = QTableView()
        table_grid(self.reads_view)
        self.reads_view.setObjectName("campaign_reads")
        self.reads_view.setModel(self.reads_model)
        self.reads_view.verticalHeader().hide()
        self.reads_view.verticalHeader().setDefaultSectionSize(24)
        self.reads_view.setWordWrap(False)
        self.reads_view.setAlternatingRowColors(True)
        self.reads_view.setSortingEnabled(True)
        self.reads_view.horizontalHeader().setSortIndicator(COL["air_date"], Qt.SortOrder.DescendingOrder)
        self.reads_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reads_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for key in ("sponsor", "promo_code", "invoice", "read_type"):
            self.reads_view.hideColumn(COL[key])
        for key, w in (("air_date", 86), ("show", 110), ("episode", 40), ("title", 200), ("placement", 64),
                       ("promo_url", 150), ("link", 96), ("status", 70), ("price", 80)):
            self.reads_view.setColumnWidth(COL[key], w)
        self.reads_view.setItemDelegateForColumn(LINK_COL, BadgeDelegate(self.reads_view))
        self.reads_view.setItemDelegateForColumn(COL["promo_url"], MiddleElideDelegate(self.reads_view))
        keep_sort_on_sortable_columns(self.reads_view)
        self.reads_fitter = ColumnFitter(self.reads_view, COL["title"],
                                         [COL[k] for k in ("promo_url", "link", "show", "placement")])
        sl.addWidget(self.head)
        sl.addLayout(form)
        sl.addWidget(self.pace_note)
        sl.addWidget(self.reads_label)
        sl.addWidget(self.reads_view, 1)

        lay = QVBoxLayout(self)
        title = QLabel("Campaigns")
        set_role(title, "h1")
        lay.addWidget(title)
        lay.addWidget(splitter(self.table, side, (790, 420)), 1)
        self.table.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        ctx.changed.connect(self._on_changed)

    def _on_changed(self, entities: frozenset[str]) -> None:
        if c.LINKS in entities and not (entities & self.WATCHES):
            self.reads_model.refresh_links()  # new link checks: only the reads' Link badges change

    def refresh(self) -> None:
        """The campaigns at once; their pacing (a pass over every read) follows from a worker thread, the
        figures already shown staying until it arrives."""
        store = self.ctx.store
        mode = self.status_filter.currentData()
        if mode == "current":
            today = dt.date.today().isoformat()
            items = camp.current_campaigns(store, today)  # asked of SQLite, not every campaign filtered here
            if not items:  # nothing runs or is upcoming: every campaign, each saying "ended" (never "active")
                self.status_filter.blockSignals(True)
                self.status_filter.setCurrentIndex(self.status_filter.findData(None))
                self.status_filter.blockSignals(False)
                self.ctx.message.emit(f"No campaign is running or upcoming on {today}: all campaigns shown.")
                items = camp.list_campaigns(store)
        else:
            items = camp.list_campaigns(store, status=mode)
        shown = {k.id: getattr(k, "pace", None) for k in self.table.model.items}
        for k in items:
            k.pace = shown.get(k.id)  # type: ignore[attr-defined]
        self.table.set_items(items)
        if self.table.selected() is None and items:
            self.table.view.selectRow(0)
        self._show_detail()
        self._pace_gen += 1
        gen, ids = self._pace_gen, [k.id for k in items]
        if str(self.ctx.db_path) == ":memory:":
            self._apply_pacing(gen, _pacing(None, None, ids, store))
            return
        self.ctx.tasks.start("Campaign pacing", _pacing, ids, on_done=functools.partial(self._apply_pacing, gen))

    def _apply_pacing(self, gen: int, pace: dict | None) -> None:
        if gen != self._pace_gen or pace is None:
            return  # a newer refresh is under way, or the task was cancelled
        model = self.table.model
        for k in model.items:
            k.pace = pace.get(k.id)
        if model.items:
            col = model.column_index("pacing")
            model.dataChanged.emit(model.index(0, col), model.index(len(model.items) - 1, col))
        self._show_pace(self.table.selected())
        self.pacing_ready.emit()

    def _show_detail(self) -> None:
        k = self.table.selected()
        if k is None:
            self.head.setText("Select a campaign.")
            self.reads_model.set_filter(ReadFilter(campaign_id=-1))
            return
        self.head.setText(
            f"<h3>{rich(k.sponsor_name or '')} — {rich(k.name)}</h3>"
            f"{rich(k.start_date)} – {rich(k.end_date)} · {rich(_rate(k))} · {rich(k.status)}"
            f"{' · IO ' + rich(k.io_number) if k.io_number else ''}"
            f"{' · agency ' + rich(k.agency_name) if k.agency_name else ''}"
            f"<br>Promo: {rich(k.promo_url or '—')}{' · code ' + rich(k.promo_code) if k.promo_code else ''}")
        self._show_pace(k)
        self.reads_model.set_filter(ReadFilter(campaign_id=k.id))  # its rows arriving: _label_reads

    def _label_reads(self) -> None:
        m = self.reads_model
        total = m.known_total  # a worker sorted them all
        n = len(m.rows)
        self.reads_label.setText(f"Reads ({total})" if total is not None
                                 else f"Reads ({n}{'+' if not m.exhausted else ''})")

    def _show_pace(self, k) -> None:
        p = getattr(k, "pace", None) if k is not None else None
        if p is None:
            self.pace_note.setText("Counting delivery…" if k is not None else "")
            return
        booked = p.booked_impressions if p.pricing == "cpm" else p.booked_reads
        done = p.delivered_impressions if p.pricing == "cpm" else p.delivered_reads
        unit = "downloads" if p.pricing == "cpm" else "reads"
        self.delivered_bar.setRange(0, max(booked or done or 1, 1))
        self.delivered_bar.setValue(min(done, booked or done))
        self.delivered_bar.setFormat(f"{done:,} of {booked:,} {unit}" if booked else f"{done:,} {unit}")
        self.elapsed_bar.setRange(0, 100)
        self.elapsed_bar.setValue(int(100 * p.elapsed_fraction))
        self.elapsed_bar.setFormat(f"{int(100 * p.elapsed_fraction)} %")
        notes = []
        notes.append(pace_sentence(p))
        if p.make_goods_owed:
            owed = f"{p.make_goods_owed} make-good{'' if p.make_goods_owed == 1 else 's'} owed"
            notes.append(f"{owed}, {p.make_goods_delivered or 'none'} delivered.")
        self.pace_note.setText(" ".join(n for n in notes if n) or "On pace.")

    def new_item(self) -> None:
        self.table.new_item()

    def delete_selected(self) -> None:
        self.table.delete_selected()

    def focus_search(self) -> None:
        self.table.search.setFocus()
