"""Shows and their episodes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from sponsortrack.services import catalog as cat
from sponsortrack.ui import context as c
from sponsortrack.ui.dialogs.records import EpisodeDialog, ShowDialog
from sponsortrack.ui.models.table import Column
from sponsortrack.ui.pages.base import RecordTable
from sponsortrack.ui.theme import set_role
from sponsortrack.validation import format_duration

SHOW_COLUMNS = [
    Column("name", "Show", lambda s: s.name, width=200),
    Column("website", "Website", lambda s: s.website or "", width=260),
    Column("feed", "Feed", lambda s: s.feed_url or ""),
]
EPISODE_COLUMNS = [
    # "S2 E5" in a show with seasons, else "#5"; sorted by season, then number
    Column("number", "Ep.", lambda e: e.code, lambda e: (e.season or 0) * 1_000_000 + (e.number or 0),
           align="right", width=70),
    Column("title", "Title", lambda e: e.title, width=400),
    Column("recorded", "Recorded", lambda e: e.recorded_on or "", width=100),
    Column("published", "Published", lambda e: e.published_on or "", width=100),
    Column("duration", "Length", lambda e: format_duration(e.duration_seconds), lambda e: e.duration_seconds or 0,
           align="right", width=70),
    Column("type", "Type", lambda e: "" if e.episode_type == "full" else e.episode_type, width=70),
    Column("reads", "Reads", lambda e: str(e.read_count), lambda e: e.read_count, align="right", width=60),
    Column("link", "Page", lambda e: e.link or "", width=160),
]


class EpisodesPage(QWidget):
    WATCHES = frozenset({c.SHOWS, c.EPISODES, c.READS})

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.shows = RecordTable(ctx, "show", SHOW_COLUMNS, ShowDialog, "Shows")
        self.episodes = RecordTable(ctx, "episode", EPISODE_COLUMNS, EpisodeDialog, "Episodes")
        self.episodes.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.shows.fit_columns("feed")  # at 960 px (200 % on 1920x1080) the tables fit: no sideways scrolling
        self.episodes.fit_columns("title", drop=("type", "link", "duration"))
        self.unlogged = QCheckBox("Only without logged reads")
        self.unlogged.setObjectName("episodes_unlogged")
        self.unlogged.setToolTip("Episodes that have no read logged yet: the ones to catch up on")
        self.unlogged.toggled.connect(lambda _on: self._load_episodes())
        self.episodes.top.insertWidget(2, self.unlogged)
        vs = QSplitter(Qt.Orientation.Vertical)
        vs.addWidget(self.shows)
        vs.addWidget(self.episodes)
        vs.setSizes([200, 560])
        lay = QVBoxLayout(self)
        title = QLabel("Episodes")
        set_role(title, "h1")
        self.reconcile_button = QPushButton("Reconcile show notes…")
        self.reconcile_button.setObjectName("episodes_reconcile")
        self.reconcile_button.setToolTip("Where the selected show's notes and logged reads disagree, in the month "
                                         "of the selected episode")
        self.reconcile_button.clicked.connect(self.reconcile)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.reconcile_button)
        lay.addLayout(top)
        lay.addWidget(vs, 1)
        self.shows.view.selectionModel().currentRowChanged.connect(lambda *_: self._load_episodes())

    def refresh(self) -> None:
        self.shows.set_items(cat.list_shows(self.ctx.store))
        if self.shows.selected() is None and self.shows.model.rowCount():
            last = self.ctx.config.last_show_id()
            if last is not None:
                self.shows.select_id(last)
            if self.shows.selected() is None:
                self.shows.view.selectRow(0)
        self._load_episodes()

    def _load_episodes(self) -> None:
        show = self.shows.selected()
        items = cat.list_episodes(self.ctx.store, show) if show else []
        if self.unlogged.isChecked():
            items = [e for e in items if not e.read_count]
        self.episodes.set_items(items)

    def reconcile(self) -> None:
        """Open the Reconcile page on this show, in the month of the selected episode."""
        show, episode = self.shows.selected(), self.episodes.selected()
        month = episode.air_date[:7] if episode is not None and episode.air_date else None
        self.ctx.navigate.emit("reconcile", {"show_id": show.id if show else None, "month": month})

    def open_with(self, *, unlogged: bool = False, show_id: int | None = None) -> None:
        """From the dashboard (``ctx.navigate``): the episodes of ``show_id`` (or the selected show), only
        those without a logged read when ``unlogged``."""
        if show_id is not None:
            self.shows.select_id(show_id)
        self.unlogged.setChecked(unlogged)
        self._load_episodes()

    def show_unlogged(self, show_id: int | None = None) -> None:
        self.open_with(unlogged=True, show_id=show_id)

    def new_item(self) -> None:
        self.episodes.new_item()

    def delete_selected(self) -> None:
        self.episodes.delete_selected()

    def focus_search(self) -> None:
        self.episodes.search.setFocus()
