"""Dashboard, the start page: reads per sponsor and revenue per month over the last year, campaigns
behind pace, and delivered reads not yet invoiced."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.ui import context as c
from sponsortrack.ui.lazy_qt import Qt  # not built before the first frame (ui.lazy_qt)
from sponsortrack.ui.text import rich
from sponsortrack.ui.theme import set_role
from sponsortrack.ui.widgets.charts import LineChart, StackedBarChart
from sponsortrack.ui.widgets.panels import Card
from sponsortrack.wording import count

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def month_label(ym: str) -> str:
    y, m = ym.split("-")
    return f"{MONTHS[int(m) - 1]} {y[2:]}"


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"]


def month_name(ym: str) -> str:
    """``2019-12`` -> ``December 2019``."""
    y, m = ym.split("-")
    return f"{MONTH_NAMES[int(m) - 1]} {y}"


def card_head(lay: QVBoxLayout) -> QLabel:
    """The title label ``card`` put first in its layout."""
    item = lay.itemAt(0)
    head = item.widget() if item is not None else None
    assert isinstance(head, QLabel)
    return head


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = Card()
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(14, 10, 14, 12)
    head = QLabel(title)
    set_role(head, "h2")
    lay.addWidget(head)
    return frame, lay


class DashboardPage(QWidget):
    SCROLLS = True  # it has its own scroll area: the main window does not wrap it in another
    WATCHES = frozenset({c.READS, c.CAMPAIGNS, c.SPONSORS, c.SHOWS, c.EPISODES, c.INVOICES, c.SETTINGS})

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._gen = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        self.scroll_area = scroll
        self._outer = outer
        self.welcome: QWidget | None = None  # built when the database turns out to be empty
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        self._body = lay
        self.title = QLabel("Dashboard")
        set_role(self.title, "h1")
        self.subtitle = QLabel()
        set_role(self.subtitle, "muted")
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)

        figures = QGridLayout()
        self.figures = figures
        self.figure_cards: list[QWidget] = []
        self.figure_labels: dict[str, QLabel] = {}
        self.figure_titles: dict[str, QLabel] = {}
        for key, text in (("reads", "Reads this month"), ("revenue", "Revenue this month"),
                          ("running", "Campaigns running"), ("unbilled", "Reads not invoiced")):
            frame, fl = card(text)
            self.figure_titles[key] = card_head(fl)
            val = QLabel("—")
            set_role(val, "figure")
            val.setObjectName(f"figure_{key}")
            fl.addWidget(val)
            self.figure_labels[key] = val
            figures.addWidget(frame, 0, len(self.figure_cards))
            self.figure_cards.append(frame)
        lay.addLayout(figures)

        grid = QGridLayout()
        f1, l1 = card("Reads per sponsor per month")
        self.reads_chart = StackedBarChart()
        self.reads_chart.setObjectName("reads_chart")
        l1.addWidget(self.reads_chart, 1)  # the chart takes the card's spare height, not its title
        f2, l2 = card("Revenue per month")
        self.revenue_chart = LineChart()
        self.revenue_chart.setObjectName("revenue_chart")
        l2.addWidget(self.revenue_chart, 1)
        grid.addWidget(f1, 0, 0)
        grid.addWidget(f2, 0, 1)
        f3, self.behind_layout = card("Campaigns behind pace")
        f4, self.unbilled_layout = card("Delivered reads not yet invoiced")
        grid.addWidget(f3, 1, 0)
        grid.addWidget(f4, 1, 1)
        self.grid = grid  # the "episodes without logged reads" card joins it when its figures arrive
        self.grid_cards: list[QWidget] = [f1, f2, f3, f4]
        self.wide = True
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 1)  # the charts take the height; the lists below are as tall as their rows
        grid.setRowStretch(1, 0)
        lay.addLayout(grid, 1)
        self.behind_box = QVBoxLayout()
        self.behind_layout.addLayout(self.behind_box)
        self.behind_layout.addStretch(1)
        self.unbilled_box = QVBoxLayout()
        self.unbilled_layout.addLayout(self.unbilled_box)
        self.unbilled_layout.addStretch(1)

    # -- reflow: four figures in a row and two columns of cards when they fit, else 2 x 2 and one column --
    def wide_width(self) -> int:
        """The narrowest page at which the four figures fit in a row (a 1920x1080 screen at 200 % gives the
        page some 790 px: the figures go two by two, the cards one below the other, and nothing scrolls
        sideways)."""
        margins = self._body.contentsMargins()
        side = margins.left() + margins.right()
        spacing = max(self.figures.horizontalSpacing(), 0)
        need = sum(card.minimumSizeHint().width() for card in self.figure_cards) + spacing * 3
        return need + side + 24  # room for the vertical scroll bar and the layout's own margins

    def reflow(self, width: int) -> None:
        """Lay the figures and cards out for a page ``width`` px wide (on resizing, and when the figures'
        texts change their cards' widths)."""
        wide = width >= self.wide_width()
        if wide == self.wide:
            return
        self.wide = wide
        for card in self.figure_cards:
            self.figures.removeWidget(card)
        for i, card in enumerate(self.figure_cards):
            self.figures.addWidget(card, *((0, i) if wide else divmod(i, 2)))
        for card in self.grid_cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(self.grid_cards):
            if i == 4:  # the "episodes without logged reads" card spans the row
                self.grid.addWidget(card, *((2, 0, 1, 2) if wide else (4, 0, 1, 1)))
            else:
                self.grid.addWidget(card, *(divmod(i, 2) if wide else (i, 0)))
        self.grid.setColumnStretch(1, 2 if wide else 0)
        for row in range(5):  # the charts take the height, the lists are as tall as their rows
            self.grid.setRowStretch(row, 1 if row in ((0,) if wide else (0, 1)) else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.reflow(event.size().width())
        super().resizeEvent(event)

    @staticmethod
    def _clear(box: QLayout) -> None:
        while box.count():
            item = box.takeAt(0)
            if item is None:
                break
            w = item.widget()
            if w is not None:
                w.deleteLater()
            elif (inner := item.layout()) is not None:
                DashboardPage._clear(inner)

    def refresh(self) -> None:
        """Figures are computed on a worker thread (its own Store); the window never waits for them."""
        if str(self.ctx.db_path) == ":memory:":
            self._apply(compute(None, None, self.ctx.store))
            return
        self._gen += 1
        # After the window's first frame: the worker imports the services and shapes every figure in
        # Python, and would otherwise compete with that first paint for the interpreter.
        self.ctx.after_first_paint(functools.partial(self._start_compute, self._gen))

    def _start_compute(self, gen: int) -> None:
        if gen != self._gen:
            return
        self.ctx.tasks.start("Dashboard figures", compute,
                             on_done=functools.partial(self._computed, gen))

    def _computed(self, gen: int, data: dict | None) -> None:
        if gen == self._gen and data:
            self._apply(data)


    def _show_welcome(self, empty: bool) -> None:
        if empty and self.welcome is None:
            from sponsortrack.ui.pages.welcome import WelcomePanel

            self.welcome = WelcomePanel(self.ctx, self)
            self._outer.addWidget(self.welcome)
        if self.welcome is not None:
            self.welcome.setVisible(empty)
        self.scroll_area.setVisible(not empty)

    def _apply(self, data: dict) -> None:
        from sponsortrack.money import format_money, to_decimal

        self._show_welcome(bool(data.get("empty")))
        if data.get("empty"):
            return

        figs, pacing, unbilled = data["figs"], data["pacing"], data["unbilled"]
        months = [month_label(m) for m in figs.months]
        self.subtitle.setText(f"{month_label(figs.months[0])} – {month_label(figs.months[-1])} · "
                              f"{self.ctx.db_path.name}")
        # top sponsors by reads, the rest grouped
        totals = sorted(figs.reads_by_sponsor.items(), key=lambda kv: -sum(kv[1]))
        series = [(name, [float(x) for x in vals]) for name, vals in totals[:8]]
        rest = [sum(vals[i] for _n, vals in totals[8:]) for i in range(len(months))]
        if any(rest):
            series.append((f"{len(totals) - 8} others", [float(x) for x in rest]))
        self.reads_chart.set_data(months, series)
        currency = max(figs.revenue_by_currency, key=lambda k: sum(figs.revenue_by_currency[k]), default="USD")
        rev = figs.revenue_by_currency.get(currency, [0] * len(months))
        self.revenue_chart.set_data(months, [(currency, [float(to_decimal(x, currency)) for x in rev])])
        self.revenue_chart.format_value = functools.partial(_short_money, currency=currency)
        this_month = month_name(figs.months[-1])  # the month the figures are for, by name
        self.figure_titles["reads"].setText(f"Reads in {this_month}")
        self.figure_titles["revenue"].setText(f"Revenue in {this_month}")
        self.figure_labels["reads"].setText(f"{sum(vals[-1] for vals in figs.reads_by_sponsor.values()):,}")
        self.figure_labels["revenue"].setText(format_money(rev[-1], currency) if rev else "—")

        running = pacing  # pacing(only_running=True): the campaigns running on data["as_of"] (runs_on)
        self.figure_labels["running"].setText(str(len(running)))
        behind = sorted((p for p in running if p.behind),
                        key=lambda p: (p.delivered_fraction or 0) - p.elapsed_fraction)
        self._clear(self.behind_box)
        from PySide6.QtWidgets import QProgressBar  # with the figures, after the first frame

        if not behind:
            self.behind_box.addWidget(QLabel("Every running campaign is on pace."))
        for p in behind[:8]:
            row = QHBoxLayout()
            name = QLabel(f"<b>{rich(p.sponsor_name)}</b> — {rich(p.campaign_name)}")
            name.setTextFormat(Qt.TextFormat.RichText)
            name.setToolTip(f"{p.start_date} – {p.end_date}")
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(int(100 * (p.delivered_fraction or 0)))
            booked = p.booked_impressions if p.pricing == "cpm" else p.booked_reads
            done = p.delivered_impressions if p.pricing == "cpm" else p.delivered_reads
            unit = "downloads" if p.pricing == "cpm" else "reads"
            bar.setFormat(f"{done:,} / {booked or 0:,} {unit}")
            bar.setToolTip(f"{int(100 * p.elapsed_fraction)} % of the flight has gone")
            bar.setFixedWidth(260)
            gone = QLabel(f"{int(100 * p.elapsed_fraction)} % of flight gone")
            set_role(gone, "muted")
            row.addWidget(name, 1)
            row.addWidget(bar)
            row.addWidget(gone)
            self.behind_box.addLayout(row)
        if len(behind) > 8:
            self.behind_box.addWidget(QLabel(f"… and {len(behind) - 8} more (Campaigns page)"))
        total = sum(u["reads"] for u in unbilled)
        self.figure_labels["unbilled"].setText(f"{total:,}")
        self._clear(self.unbilled_box)
        if not unbilled:
            self.unbilled_box.addWidget(QLabel("Everything delivered is invoiced."))
        for u in unbilled[:8]:
            lab = QLabel(f"<b>{rich(u['sponsor_name'])}</b>: {rich(count(u['reads'], 'read'))} "
                         f"({rich(u['first'])} – {rich(u['last'])})")
            lab.setTextFormat(Qt.TextFormat.RichText)
            self.unbilled_box.addWidget(lab)
        if len(unbilled) > 8:
            self.unbilled_box.addWidget(QLabel(f"… and {len(unbilled) - 8} more sponsors"))
        n_unlogged, unlogged_episodes = data["unlogged"]
        self._show_unlogged(n_unlogged, unlogged_episodes, figs.months)
        self.reflow(self.width())  # the figures' titles now name the month: wider than before

    def _build_unlogged_card(self) -> None:
        """Built with the first figures, not with the page: nothing of it is on the start-up path."""
        from PySide6.QtWidgets import QPushButton

        f5, self.unlogged_layout = card("Episodes without logged reads")
        self.unlogged_title = card_head(self.unlogged_layout)
        self.unlogged_box = QVBoxLayout()
        self.unlogged_layout.addLayout(self.unlogged_box)
        self.unlogged_button = QPushButton("Show them on the Episodes page")
        self.unlogged_button.setObjectName("unlogged_button")
        self.unlogged_button.clicked.connect(self._open_unlogged)
        self.unlogged_layout.addWidget(self.unlogged_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.grid_cards.append(f5)
        self.grid.addWidget(f5, *((2, 0, 1, 2) if self.wide else (4, 0, 1, 1)))

    def _show_unlogged(self, n: int, episodes: list, months: list[str]) -> None:
        if not hasattr(self, "unlogged_box"):
            self._build_unlogged_card()
        self.unlogged_title.setText(f"Episodes without logged reads ({month_label(months[0])} – "
                                    f"{month_label(months[-1])}): {n:,}")
        self._clear(self.unlogged_box)
        self._unlogged_show = episodes[0].show_id if episodes else None
        if not n:
            self.unlogged_box.addWidget(QLabel("Every episode of the period has its reads logged."))
        for e in episodes[:6]:
            lab = QLabel(f"<b>{rich(e.show_name or '')}</b> {rich(e.label)} · {rich(e.air_date or 'no date')}")
            lab.setTextFormat(Qt.TextFormat.RichText)
            self.unlogged_box.addWidget(lab)
        if n > 6:
            self.unlogged_box.addWidget(QLabel(f"… and {n - 6:,} more"))
        self.unlogged_button.setVisible(n > 0)

    def _open_unlogged(self) -> None:
        self.ctx.navigate.emit("episodes", {"unlogged": True, "show_id": getattr(self, "_unlogged_show", None)})


def compute(control, db_path, store=None) -> dict:
    """Everything the dashboard shows, read in one go (runs on a worker thread with its own Store).

    The services are imported here, on the worker, so the window does not wait for their import."""
    from sponsortrack import validation as v
    from sponsortrack.services import campaigns as camp
    from sponsortrack.services import catalog as cat
    from sponsortrack.services import dashboard as dash
    from sponsortrack.store import Store

    own = store is None
    if own:
        store = Store(db_path)
    try:
        if cat.is_empty(store):
            return {"empty": True}
        figs = dash.monthly_figures(store, 12)
        # an archive whose last month is past: pacing as of that month's last day (every read in it counts)
        as_of = _month_end(figs.months[-1]) if figs.months[-1] < dt.date.today().isoformat()[:7] else None
        since = figs.months[0] + "-01"
        until = v.month_bounds(figs.months[-1])[1]
        return {"figs": figs, "as_of": as_of, "pacing": camp.pacing(store, as_of=as_of, only_running=True),
                "unbilled": dash.unbilled_summary(store),
                "unlogged": cat.episodes_without_reads(store, since=since, until=until, limit=6)}
    finally:
        if own:
            store.close()


def _month_end(month: str) -> str:
    y, m = (int(x) for x in month.split("-"))
    return (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()


def _short_money(v: float, currency: str) -> str:
    sym = "$" if currency == "USD" else ("€" if currency == "EUR" else "")
    if v >= 1_000_000:
        return f"{sym}{v / 1_000_000:.1f}M"
    if v >= 1000:
        return f"{sym}{v / 1000:.0f}k"
    return f"{sym}{v:.0f}"
