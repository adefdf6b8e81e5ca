"""Reconcile: where the published show notes and the logged reads disagree, month by month, per show.

Each disagreement has its button: **Log read** for a sponsor the notes name with no read logged (one
undoable write, the campaign running that day giving placement, URL and code), **Open read** for a read
logged whose sponsor the notes leave out, or whose promo URL or code differs. The rules are the service's
(``services.reconcile``): a read is in the notes when they name its sponsor or carry its promo URL or one
of the sponsor's domains; an episode without notes is counted, never listed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sponsortrack import validation as v
from sponsortrack.errors import SponsortrackError
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rd
from sponsortrack.services import reconcile as rc
from sponsortrack.services.budget import gui_budget
from sponsortrack.ui import context as c
from sponsortrack.ui import operations as ops
from sponsortrack.ui.models.table import Column, ObjectTableModel, RawSortProxy
from sponsortrack.ui.pages.base import record_view
from sponsortrack.ui.pages.invoices import default_month
from sponsortrack.ui.theme import set_role

if TYPE_CHECKING:
    from sponsortrack.ui.tasks import Task

PROBLEM = {
    "logged_not_in_notes": "read logged, the notes leave the sponsor out",
    "in_notes_not_logged": "in the notes, no read logged",
    "promo_url_differs": "promo URL in the notes differs",
    "promo_code_differs": "promo code in the notes differs",
}


def action_of(e: rc.ReconException) -> str:
    """What the row's button does: ``log``, ``open`` or ``""`` (nothing to do from here)."""
    if e.kind == "in_notes_not_logged":
        return "log" if e.sponsor_id is not None else ""
    return "open" if e.read_id is not None else ""


COLUMNS = [
    Column("air_date", "Aired", lambda e: e.air_date or "", width=96),
    Column("show", "Show", lambda e: e.show_name, width=130),
    Column("episode", "Ep.", lambda e: e.episode_code.lstrip("#"),
           lambda e: (e.episode_season or 0) * 1_000_000 + (e.episode_number or 0), align="right", width=56),
    Column("sponsor", "Sponsor", lambda e: e.sponsor_name, width=130,
           tooltip=lambda e: "" if e.sponsor_id is not None else "not a sponsor in the database yet"),
    Column("problem", "Disagreement", lambda e: PROBLEM.get(e.kind, e.kind), width=290,
           tooltip=lambda e: e.message),
    Column("in_notes", "In the notes", lambda e: e.in_notes or "", width=190),
    Column("expected", "Campaign's", lambda e: e.expected or "", width=150),
    Column("action", "", lambda e: "", width=110),
]
ACTION = len(COLUMNS) - 1
PROBLEM_COLUMN = COLUMNS[4]


def month_shift(month: str, delta: int) -> str:
    y, m = (int(x) for x in month.split("-"))
    n = y * 12 + (m - 1) + delta
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _reconcile_task(control, db_path, lo: str, hi: str, show_id: int | None) -> rc.Reconciliation | None:
    """The reconciliation on a worker with its own Store (stops when cancelled)."""
    from sponsortrack.store import Store

    with Store(db_path) as store:
        try:
            return rc.reconcile(store, date_from=lo, date_to=hi, show=show_id, should_stop=lambda: control.cancelled)
        except rc.Stopped:
            return None


class ReconcilePage(QWidget):
    WATCHES = frozenset({c.READS, c.EPISODES, c.SHOWS, c.SPONSORS, c.CAMPAIGNS})
    title = "Reconcile"
    BUDGET_S = gui_budget(0.05)  # on the GUI thread at most about this long; past it a worker reconciles

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: rc.Reconciliation | None = None
        self._gen = 0
        self._task: Task | None = None  # the worker reconciling, when the budget ran out
        head = QLabel("Reconcile show notes and reads")
        set_role(head, "h1")
        last = default_month(store=ctx.store)
        self.month_from = QLineEdit(month_shift(last, -2))
        self.month_to = QLineEdit(last)
        for box, name in ((self.month_from, "reconcile_from"), (self.month_to, "reconcile_to")):
            box.setObjectName(name)
            box.setPlaceholderText("YYYY-MM")
            box.setMaximumWidth(90)
            box.returnPressed.connect(self.refresh)
        self.show_box = QComboBox()
        self.show_box.setObjectName("reconcile_show")
        self.show_box.setMinimumWidth(180)
        self.check_button = QPushButton("Check")
        self.check_button.setObjectName("reconcile_check")
        self.check_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("From"))
        bar.addWidget(self.month_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.month_to)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.show_box)
        bar.addWidget(self.check_button)
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("reconcile_summary")
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("reconcile_error")
        set_role(self.error, "error")
        self.error.hide()

        self.model = ObjectTableModel(COLUMNS, self)
        self.proxy = RawSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = record_view("reconcile_view", self.proxy, row_height=30)  # room for a row's button
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setSectionResizeMode(COLUMNS.index(PROBLEM_COLUMN), QHeaderView.ResizeMode.Stretch)
        for i, col in enumerate(COLUMNS):
            self.view.setColumnWidth(i, col.width)
        self.view.doubleClicked.connect(lambda idx: self.act(self.proxy.mapToSource(idx).row()))
        self.proxy.layoutChanged.connect(self._place_buttons)
        hint = QLabel("Log read: logs the sponsor the notes name (Undo takes it back). Open read: edit the read "
                      "logged. Episodes with no show notes are not disagreements.")
        set_role(hint, "muted")
        hint.setWordWrap(True)

        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addWidget(self.view, 1)
        lay.addWidget(hint)
        self._shows_loaded = False

    # -- loading -------------------------------------------------------------------------------
    def _fill_shows(self) -> None:
        keep = self.show_box.currentData()
        self.show_box.blockSignals(True)
        self.show_box.clear()
        self.show_box.addItem("All shows", 0)
        for s in cat.list_shows(self.ctx.store):
            self.show_box.addItem(s.name, s.id)
        i = self.show_box.findData(keep) if keep is not None else 0
        self.show_box.setCurrentIndex(max(i, 0))
        self.show_box.blockSignals(False)
        if not self._shows_loaded:
            self._shows_loaded = True
            self.show_box.currentIndexChanged.connect(lambda _i: self.refresh())

    def open_with(self, *, month: str | None = None, show_id: int | None = None) -> None:
        """Show one month (and one show): the Episodes and Reports pages send the producer here."""
        if month:
            self.month_from.setText(month)
            self.month_to.setText(month)
        self._fill_shows()
        if show_id is not None:
            i = self.show_box.findData(show_id)
            if i >= 0:
                self.show_box.blockSignals(True)
                self.show_box.setCurrentIndex(i)
                self.show_box.blockSignals(False)
        self.refresh()

    def _period(self) -> tuple[str, str]:
        lo = v.parse_month(self.month_from.text().strip(), "from")
        hi = v.parse_month(self.month_to.text().strip(), "to")
        return v.month_bounds(lo)[0], v.month_bounds(hi)[1]

    def refresh(self) -> None:
        """Reconcile on a worker, the disagreements shown staying until it answers; on the GUI thread only
        when that costs next to nothing (``rc.quick``: the parser is loaded and the period holds few notes),
        within ``BUDGET_S`` even then. A month of a 200-show network parses hundreds of show notes, and the
        first reconciliation imports the parser: both are the worker's."""
        import time

        from sponsortrack.services import budget

        self._fill_shows()
        self.error.hide()
        self._gen += 1
        if self._task is not None:
            self._task.control.cancel()  # for an older period or show
            self._task = None
        try:
            lo, hi = self._period()
            if lo > hi:
                raise SponsortrackError("to: the last month comes before the first")
            show_id = self.show_box.currentData() or None
            if str(self.ctx.db_path) == ":memory:":
                self.result = rc.reconcile(self.ctx.store, date_from=lo, date_to=hi, show=show_id)
            else:
                deadline = time.monotonic() + self.BUDGET_S
                try:
                    if not rc.quick(self.ctx.store, lo, hi, show_id):
                        raise rc.Stopped
                    with budget.time_budget(self.ctx.store, self.BUDGET_S):
                        self.result = rc.reconcile(self.ctx.store, date_from=lo, date_to=hi, show=show_id,
                                                   should_stop=lambda: time.monotonic() > deadline)
                except (budget.OverBudget, rc.Stopped):
                    self._on_worker(lo, hi, show_id)
                    return
        except SponsortrackError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self._show_result()

    def _on_worker(self, lo: str, hi: str, show_id: int | None) -> None:
        gen = self._gen
        if self.result is None:
            self.summary.setText(f"Checking {lo} to {hi}…")
        # started once the events already posted (the page's first paint) are handled: the worker's Python
        # (the parser's import, the parsing) would otherwise hold the GIL the GUI thread paints with
        QTimer.singleShot(0, self, functools.partial(self._start_worker, gen, lo, hi, show_id))

    def _start_worker(self, gen: int, lo: str, hi: str, show_id: int | None) -> None:
        if gen != self._gen:
            return  # another refresh came first
        self._task = self.ctx.tasks.start("Reconciling", _reconcile_task, lo, hi, show_id,
                                          on_done=functools.partial(self._arrived, gen),
                                          on_error=functools.partial(self._failed, gen))

    def _arrived(self, gen: int, result) -> None:
        if gen == self._gen:
            self._task = None
        if gen == self._gen and result is not None:
            self.result = result
            self._show_result()

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._gen:
            self._task = None
            self.error.setText(message)
            self.error.show()

    def _show_result(self) -> None:
        assert self.result is not None
        self.model.set_items(self.result.exceptions)
        self._place_buttons()
        self.summary.setText(self.summary_text(self.result))

    @staticmethod
    def summary_text(r: rc.Reconciliation) -> str:
        n = len(r.exceptions)
        head = (f"{r.date_from} to {r.date_to}: checked {r.episodes_checked} episode"
                f"{'s' if r.episodes_checked != 1 else ''} and {r.reads_checked} read"
                f"{'s' if r.reads_checked != 1 else ''}. ")
        body = "Show notes and logged reads agree." if not n else \
            f"{n} disagreement{'s' if n != 1 else ''} between the show notes and the reads logged."
        if r.episodes_without_notes:
            body += (f" {r.episodes_without_notes} episode{'s' if r.episodes_without_notes != 1 else ''} with reads "
                     f"{'have' if r.episodes_without_notes != 1 else 'has'} no show notes to compare.")
        return head + body

    def _place_buttons(self, *_args: Any) -> None:
        """One button per disagreement, in the last column (there are few rows: one month's problems)."""
        for row in range(self.proxy.rowCount()):
            src = self.proxy.mapToSource(self.proxy.index(row, ACTION)).row()
            what = action_of(self.model.item(src))
            if not what:
                self.view.setIndexWidget(self.proxy.index(row, ACTION), None)  # type: ignore[arg-type]  # Qt: None removes it
                continue
            button = QPushButton("Log read" if what == "log" else "Open read")
            button.setObjectName(f"reconcile_{what}_{src}")
            button.clicked.connect(lambda _checked=False, r=src: self.act(r))
            self.view.setIndexWidget(self.proxy.index(row, ACTION), button)

    # -- the buttons -----------------------------------------------------------------------------
    def act(self, row: int) -> None:
        if not (0 <= row < self.model.rowCount()):
            return
        e: rc.ReconException = self.model.item(row)
        what = action_of(e)
        if what == "log":
            self.log_missing(e)
        elif what == "open":
            self.open_read(e)

    def log_missing(self, e: rc.ReconException) -> bool:
        """Log the read the notes name: the campaign running that day fills placement, URL and code."""
        try:
            p = next((p for p in rd.proposals_for_episode(self.ctx.store, e.episode_id)
                      if p.sponsor_id == e.sponsor_id), None)
            values: dict[str, Any] = p.as_values() if p is not None else \
                {"sponsor_id": e.sponsor_id, "placement": "mid", "promo_url": e.in_notes}
            values.update(status="aired", source="reconcile")
            ops.log_reads(self.ctx, [values], episode_id=e.episode_id)
        except SponsortrackError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.ctx.message.emit(f"Logged {e.sponsor_name} on {e.show_name} {e.episode_code} (Undo takes it back).")
        return True

    def open_read(self, e: rc.ReconException) -> None:
        from sponsortrack.ui.dialogs.read import ReadDialog

        try:
            read = rd.get_read(self.ctx.store, e.read_id)  # type: ignore[arg-type]
        except SponsortrackError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        ReadDialog(self.ctx, read, self).open()

    def entered(self) -> None:
        self.view.setFocus()
