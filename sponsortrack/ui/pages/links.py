"""The Links page: every promo URL with the badge of its latest check, the redirect chain and history of
the selected one, a sweep of all links or a re-check of one (off the GUI thread, with progress and
cancel), and the old episodes whose links need fixing.

The network work runs in a task that opens its own ``Store`` (plan → check → store every check); the
page re-reads the store when it ends and tells the other pages (``LINKS``) so their badges follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.services import links as lsvc
from sponsortrack.services.budget import gui_budget
from sponsortrack.ui import context as c
from sponsortrack.ui.models.links import (
    ChainModel,
    EpisodesToFixModel,
    LinkRow,
    LinksModel,
    LinksProxy,
    badge_colours,
    badge_label,
    status_text,
)
from sponsortrack.ui.tasks import Task
from sponsortrack.ui.text import Html, rich
from sponsortrack.ui.theme import table_grid
from sponsortrack.ui.widgets.badge import BadgeDelegate, MiddleElideDelegate


@dataclass
class CheckOutcome:
    checked: int
    saved: int
    not_fine: int
    summary: str = ""
    offline: str | None = None            # "offline — nothing was checked: …" when nothing could run
    newly_failing: list[tuple[str, str]] = field(default_factory=list)  # (url, explanation), told once
    due: bool = False


class _CancelFlag:
    """The checker's cancel hook over a task's cancel flag."""

    def __init__(self, control):
        self.control = control

    def is_set(self) -> bool:
        return self.control.cancelled


def check_links_task(control, db_path, *, urls: list[str] | None = None, all_urls: bool = False,
                     due: bool = False, timeout: float | None = None, concurrency: int | None = None,
                     per_host: int | None = None, keep_history: int | None = None, transport=None,
                     options=None) -> CheckOutcome:
    """Worker: plan, check and store with its own connection, each check saved as it arrives (Cancel
    keeps them); progress per URL."""
    from sponsortrack.store import Store

    def on_plan(n: int) -> None:
        control.progress(0, n, "")

    with Store(db_path) as store:
        if options is None:
            options = lsvc.check_options(concurrency, timeout, per_host)
        run = lsvc.check_urls(store, urls=urls or [], all_urls=all_urls, due=due, options=options,
                              keep_history=keep_history, cancel=_CancelFlag(control), transport=transport,
                              on_plan=on_plan, progress=lambda done, total, r: control.progress(done, total, r.url))
    return CheckOutcome(checked=len(run.results) - len(run.unchecked), saved=run.saved,
                        not_fine=len(run.failing) + len(run.inconclusive), summary=run.summary(),
                        offline=run.offline, newly_failing=[(r.url, r.explanation) for r in run.newly_failing],
                        due=due)


def _read_links(control, db_path, store=None) -> tuple:
    """What the page shows: known promo URLs, the latest check of each, the episodes to fix (on a
    worker, its own Store; or on the GUI thread with the window's)."""
    from sponsortrack.store import Store

    own = store is None
    if own:
        store = Store(db_path)
    try:
        return lsvc.known_promo_urls(store), lsvc.latest_checks(store), lsvc.back_catalogue_report(store)
    finally:
        if own:
            store.close()


class LinksPage(QWidget):
    WATCHES = frozenset({c.LINKS, c.READS, c.CAMPAIGNS, c.SPONSORS})
    title = "Links"
    READ_BUDGET_S = gui_budget(0.03)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._read_gen = 0
        self.task: Task | None = None
        self.task_options: dict = {}  # timeout, concurrency, transport (tests point these elsewhere)
        self.last_outcome: CheckOutcome | None = None
        self.notifications: list[str] = []  # what was told about links that started failing
        self.tray: QSystemTrayIcon | None = None

        self.heading = QLabel("<h2>Promo links</h2>")
        self.summary = QLabel()
        self.summary.setObjectName("links_summary")
        self.problems_only = QCheckBox("Only problems")
        self.check_all_btn = QPushButton("Check all links")
        self.check_all_btn.setDefault(True)
        self.recheck_btn = QPushButton("Re-check selected")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("%v / %m")
        self.cancel_btn = QPushButton("Cancel")
        self.progress.hide()
        self.cancel_btn.hide()

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.problems_only)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_btn)
        top.addWidget(self.recheck_btn)
        top.addWidget(self.check_all_btn)

        self.model = LinksModel(self)
        self.proxy = LinksProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        table_grid(self.table)
        self.table.setObjectName("links_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(LinksModel.VERDICT, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setItemDelegateForColumn(LinksModel.URL, MiddleElideDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(LinksModel.VERDICT, BadgeDelegate(self.table))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in ((LinksModel.VERDICT, 150), (LinksModel.STATUS, 120), (LinksModel.URL, 330),
                           (LinksModel.SPONSOR, 110), (LinksModel.READS, 60), (LinksModel.LAST_AIRED, 95),
                           (LinksModel.CHECKED, 130)):
            self.table.setColumnWidth(col, width)

        self.detail = QLabel("Select a link to see where it goes.")
        self.detail.setObjectName("links_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_model = ChainModel(self)
        self.chain = QTableView()
        table_grid(self.chain)
        self.chain.setObjectName("links_chain")
        self.chain.setModel(self.chain_model)
        self.chain.verticalHeader().hide()
        self.chain.horizontalHeader().setStretchLastSection(True)
        self.chain.setColumnWidth(0, 36)
        self.chain.setColumnWidth(1, 150)
        self.chain.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        chain_box = QWidget()
        cl = QVBoxLayout(chain_box)
        cl.setContentsMargins(6, 6, 6, 6)
        cl.addWidget(self.detail)
        cl.addWidget(self.chain, 1)

        self.episodes_model = EpisodesToFixModel(self)
        self.episodes = QTableView()
        table_grid(self.episodes)
        self.episodes.setObjectName("links_episodes")
        self.episodes.setModel(self.episodes_model)
        self.episodes.verticalHeader().hide()
        self.episodes.setWordWrap(False)
        self.episodes.setAlternatingRowColors(True)
        self.episodes.horizontalHeader().setStretchLastSection(True)
        self.episodes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for col, width in enumerate((90, 110, 70, 250, 100, 190)):
            self.episodes.setColumnWidth(col, width)

        self.tabs = QTabWidget()
        self.tabs.addTab(chain_box, "Redirect chain")
        self.tabs.addTab(self.episodes, "Episodes to fix")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.check_all_btn.clicked.connect(self.check_all)
        self.recheck_btn.clicked.connect(self.recheck_selected)
        self.cancel_btn.clicked.connect(self.cancel)
        self.problems_only.toggled.connect(self.proxy.set_problems_only)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self._update_buttons()

    # -- data -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the links and the episodes to fix: on the GUI thread when that takes under
        ``READ_BUDGET_S`` (SQLite is interrupted past it), else on a worker — the rows shown stay until
        its answer arrives (a million reads take seconds to group by URL)."""
        from sponsortrack.services import budget

        selected = self.selected_url()
        self._read_gen += 1
        if str(self.ctx.db_path) != ":memory:":
            try:
                with budget.time_budget(self.ctx.store, self.READ_BUDGET_S):
                    data = _read_links(None, None, self.ctx.store)
            except budget.OverBudget:
                gen = self._read_gen
                self.ctx.tasks.start("Reading links", _read_links,
                                     on_done=lambda d, g=gen: self._apply(d, selected) if g == self._read_gen
                                     and d is not None else None)
                return
        else:
            data = _read_links(None, None, self.ctx.store)
        self._apply(data, selected)

    def _apply(self, data: tuple, selected: str | None) -> None:
        promos, latest, back_catalogue = data
        rows: dict[str, LinkRow] = {}
        for p in promos:
            row = rows.get(p.url)
            if row is None:
                rows[p.url] = LinkRow(url=p.url, sponsor_name=p.sponsor_name, reads=p.reads,
                                      last_aired=p.last_aired, campaign_end=p.campaign_end, check=latest.get(p.url))
            else:  # the same URL logged for two sponsors: one row
                row.sponsor_name = f"{row.sponsor_name}, {p.sponsor_name}"
                row.reads += p.reads
        for url, chk in latest.items():  # URLs checked by hand that no read or campaign carries
            rows.setdefault(url, LinkRow(url=url, check=chk))
        self.model.set_rows(list(rows.values()))
        self.episodes_model.set_items(back_catalogue)
        self.tabs.setTabText(1, f"Episodes to fix ({self.episodes_model.rowCount()})")
        self._update_summary()
        if selected:
            self.select_url(selected)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        self._show_selected()

    def _update_summary(self) -> None:
        rows = self.model.rows
        checked = [r for r in rows if r.check]
        fine = sum(1 for r in checked if r.fine)
        bad = len(checked) - fine
        never = len(rows) - len(checked)
        parts = [f"{len(rows)} link{'s' if len(rows) != 1 else ''}", f"{fine} fine"]
        if bad:
            parts.append(f"<b style='color:#c62828'>{bad:,} need{'s' if bad == 1 else ''} attention</b>")
        if never:
            parts.append(f"{never} never checked")
        last = max((r.check.checked_at for r in checked), default=None)  # type: ignore[union-attr]
        attempt = lsvc.last_attempt(self.ctx.store)
        if attempt is not None and attempt.verdict == "unchecked":  # the newest row: no real check since
            # the last run could not check anything: say it once, keep the verdicts from before
            when = attempt.checked_at[:16].replace("T", " ")
            parts.append(f"<b style='color:#8d6e00'>offline — nothing was checked</b> ({rich(when)} UTC)")
            self.summary.setToolTip(rich(attempt.explanation or ""))
        else:
            self.summary.setToolTip("")
        if last:
            parts.append(f"last check {last[:16].replace('T', ' ')} UTC")
        self.summary.setText(" · ".join(parts))

    def selected_url(self) -> str | None:
        idx = self.table.selectionModel().currentIndex()
        if not idx.isValid():
            return None
        return self.proxy.row_at(idx.row()).url

    def select_url(self, url: str) -> bool:
        src = self.model.row_of(url)
        if src < 0:
            return False
        idx = self.proxy.mapFromSource(self.model.index(src, 0))
        if not idx.isValid():
            return False
        self.table.selectRow(idx.row())
        self.table.setCurrentIndex(idx)
        return True

    def _show_selected(self) -> None:
        idx = self.table.selectionModel().currentIndex()
        row: LinkRow | None = self.proxy.row_at(idx.row()) if idx.isValid() else None
        self._update_buttons()
        if row is None:
            self.detail.setText("Select a link to see where it goes.")
            self.chain_model.set_chain([])
            return
        chk = row.check
        if chk is None:
            self.detail.setText(f"<b>{rich(row.url)}</b><br>Not checked yet: use <i>Re-check selected</i>.")
            self.chain_model.set_chain([])
            return
        bg, fg = badge_colours(chk.verdict)
        badge = Html(f"<span style='background:{rich(bg.name())}; color:{rich(fg.name())}'>"
                     f"&nbsp;{rich(badge_label(chk.verdict))}&nbsp;</span>")
        history = lsvc.url_history(self.ctx.store, row.url)[:8]
        hist = Html(" ".join(f"<span style='color:{rich(badge_colours(h.verdict)[0].name())}'>●</span>"
                             for h in reversed(history)))
        final = (Html(f"<br>Lands on: {rich(chk.final_url)}") if chk.final_url and chk.final_url != row.url
                 else "")
        self.detail.setText(
            f"{rich(badge)} <b>{rich(row.url)}</b> — {rich(chk.explanation or '')}"
            f"<br>Status {rich(status_text(chk.status_code))} · checked {rich(chk.checked_at[:19].replace('T', ' '))}"
            f" UTC in {chk.elapsed_ms or 0:,} ms{rich(final)}"
            f"<br>History ({len(history)} check{'s' if len(history) != 1 else ''}, oldest first): {rich(hist)}")
        self.chain_model.set_chain(chk.chain)

    def _update_buttons(self) -> None:
        busy = self.task is not None
        self.check_all_btn.setEnabled(not busy)
        self.recheck_btn.setEnabled(not busy and self.selected_url() is not None)
        self.progress.setVisible(busy)
        self.cancel_btn.setVisible(busy)

    # -- checking -------------------------------------------------------------------------------
    @Slot()
    def check_all(self) -> None:
        urls = [r.url for r in self.model.rows]
        self._start("Checking every promo link", urls=urls, all_urls=True)

    @Slot()
    def recheck_selected(self) -> None:
        url = self.selected_url()
        if url:
            self._start("Checking one link", urls=[url])

    @Slot()
    def check_due(self) -> None:
        """The scheduled re-check (the main window's timer calls it): only the links due, recent
        episodes often, old ones rarely; nothing when a check runs already or the schedule is off."""
        if self.task is None and self.ctx.config.link_auto_recheck:
            self._start("Re-checking the links that are due", urls=[], due=True)

    def _start(self, title: str, *, urls: list[str], all_urls: bool = False, due: bool = False) -> None:
        if self.task is not None:
            return
        self.model.set_checking(set(urls), True)
        self.progress.setRange(0, max(1, len(urls)))
        self.progress.setValue(0)
        cfg = self.ctx.config
        options = {"concurrency": cfg.link_concurrency, "per_host": cfg.link_per_host,
                   "keep_history": cfg.link_keep_history, **self.task_options}
        self.task = task = self.ctx.tasks.start(
            title, check_links_task, urls=[] if all_urls else urls, all_urls=all_urls, due=due, **options,
            on_done=self._done, on_progress=self._progress, on_error=self._failed)
        task.signals.ended.connect(self._ended)
        self._update_buttons()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, url: str) -> None:
        if total:
            self.progress.setRange(0, total)
        self.progress.setValue(done)
        if url:
            self.model.set_checking({url}, False)

    @Slot()
    def cancel(self) -> None:
        if self.task is not None:
            self.task.control.cancel()

    def _done(self, outcome: CheckOutcome | None) -> None:
        self.last_outcome = outcome
        # a task that ends at once (nothing due) may have emitted ``ended`` before _start connected it
        QTimer.singleShot(0, self, lambda t=self.task: self._end_task(t))
        if outcome is None:
            self.ctx.message.emit("Link check cancelled; the links checked so far are saved.")
            return
        if outcome.offline is not None:
            self.ctx.message.emit(outcome.offline)  # once, not one error per link
        elif outcome.due and outcome.checked == 0 and not outcome.newly_failing:
            pass  # a scheduled re-check with nothing due says nothing
        else:
            fine = outcome.checked - outcome.not_fine
            self.ctx.message.emit(f"Checked {outcome.checked} link{'s' if outcome.checked != 1 else ''}: "
                                  f"{fine} fine, {outcome.not_fine} need attention.")
        if outcome.newly_failing:
            self._notify_failing(outcome.newly_failing)

    def _notify_failing(self, failing: list[tuple[str, str]]) -> None:
        """A link that was fine and now fails: a tray message (the status bar when there is no tray)."""
        first_url, why = failing[0]
        more = f" and {len(failing) - 1} more" if len(failing) > 1 else ""
        title = f"Promo link{'s' if len(failing) > 1 else ''} now failing"
        text = f"{first_url}{more}: {why}"
        self.notifications.append(text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window().windowIcon(), self)
                self.tray.setToolTip("sponsortrack")
            self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 10_000)
        self.ctx.message.emit(f"{title}: {text}")

    def _failed(self, message: str) -> None:
        QTimer.singleShot(0, self, lambda t=self.task: self._end_task(t))
        self.ctx.error.emit("Checking links", message)

    @Slot()
    def _ended(self) -> None:
        sender = self.sender()
        self._end_task(next((t for t in (self.task,) if t is not None and t.signals is sender), None))

    def _end_task(self, task) -> None:
        if task is None or task is not self.task:  # already ended, or a late signal of an older task
            return
        self.task = None
        self.model.set_checking({r.url for r in self.model.rows}, False)
        self._update_buttons()
        self.refresh()
        self.ctx.notify({c.LINKS})  # other pages' link badges follow
