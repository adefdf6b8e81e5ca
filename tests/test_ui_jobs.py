"""Every job on screen (issue 14 item 3): a read's change history from its editor, episodes without
logged reads (Episodes filter and dashboard card), a sponsor's reads and invoices, CSV export of the
History's filter, campaign states from the flight dates, the dashboard's month by name."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication
from ui_helpers import make_window

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.store.models import Pacing, flight_phase

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _wait(win):
    win.ctx.tasks.wait(20_000)
    QApplication.processEvents()


# -- a read's change history -----------------------------------------------------------------------
def test_read_history_from_its_editor(qtbot, qtmodeltester, demo_store, tmp_path):
    from sponsortrack.ui.dialogs.read import ReadDialog

    win = make_window(qtbot, demo_store, tmp_path, page="history")
    read = next(r for r in rsvc.list_reads(demo_store, sponsor="Fastly") if r.invoice_id is None)
    rsvc.edit_read(demo_store, read.id, placement="mid", promo_code="EDGE")
    rsvc.edit_read(demo_store, read.id, notes="moved to the mid-roll")
    dlg = ReadDialog(win.ctx, rsvc.get_read(demo_store, read.id), win)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.history_view is None  # built on first use
    dlg.history_button.click()
    assert dlg.history_view.isVisible()
    m = dlg.history_model
    qtmodeltester.check(m)
    texts = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert [t[1] for t in texts] == ["changed", "changed", "created"]  # newest first
    assert texts[0][2] == "notes: (none) → moved to the mid-roll"
    assert "placement: post → mid" in texts[1][2] and "promo code: (none) → EDGE" in texts[1][2]
    dlg.history_button.click()
    assert not dlg.history_view.isVisible()


def test_read_history_service_matches_the_cli(demo_store):
    read = rsvc.list_reads(demo_store)[0]
    rsvc.edit_read(demo_store, read.id, status="flagged")
    h = rsvc.read_changes(demo_store, read.id)
    assert h[0].action == "changed" and h[0].changes == [("status", read.status, "flagged")]
    assert h[-1].action == "created" and h[-1].summary == "created"


# -- episodes without logged reads -----------------------------------------------------------------
def test_episodes_without_logged_reads_filter_and_dashboard_card(qtbot, demo_store, tmp_path):
    show = cat.resolve_show(demo_store, "Practical AI")
    bare = cat.add_episode(demo_store, show.id, number=900, title="Nobody logged me", recorded_on="2019-12-16")
    n_all, _ = cat.episodes_without_reads(demo_store)
    assert n_all >= 1
    win = make_window(qtbot, demo_store, tmp_path)
    _wait(win)
    dash = win.pages["dashboard"]
    qtbot.waitUntil(lambda: "Episodes without logged reads (" in dash.unlogged_title.text(), timeout=10_000)
    n, eps = cat.episodes_without_reads(demo_store, since="2019-01-01", until="2019-12-31", limit=6)
    assert dash.unlogged_title.text().endswith(f": {n:,}")
    labels = [dash.unlogged_box.itemAt(i).widget().text() for i in range(dash.unlogged_box.count())]
    assert any("#900" in t for t in labels) and eps[0].id == bare.id
    dash.unlogged_button.click()
    assert win.current_key == "episodes"
    page = win.pages["episodes"]
    assert page.unlogged.isChecked() and page.shows.selected().id == show.id
    assert [e.id for e in page.episodes.model.items] == [e.id for e in cat.catalog.list_episodes(
        demo_store, show_id=show.id) if e.read_count == 0]
    assert bare.id in [e.id for e in page.episodes.model.items]
    page.unlogged.setChecked(False)
    assert page.episodes.model.rowCount() == len(cat.catalog.list_episodes(demo_store, show_id=show.id))


# -- from a sponsor, its reads and invoices --------------------------------------------------------
def test_a_sponsors_reads_and_invoices(qtbot, demo_store, tmp_path):
    from sponsortrack.services import invoicing

    invoicing.create_drafts(demo_store, "Brave", "2019-10")
    brave = cat.resolve_sponsor(demo_store, "Brave")
    win = make_window(qtbot, demo_store, tmp_path, page="sponsors")
    page = win.pages["sponsors"]
    page.sponsors.select_id(brave.id)
    page.reads_button.click()
    assert win.current_key == "history"
    hist = win.pages["history"]
    assert hist.sponsor.currentText() == "Brave"
    assert hist.model.rows and {r.sponsor_name for r in hist.model.rows} == {"Brave"}
    win.show_page("sponsors")
    page.invoices_button.click()
    assert win.current_key == "invoices"
    inv = win.pages["invoices"]
    assert inv.search.text() == "Brave" and inv.sponsor.currentText() == "Brave"
    assert inv.proxy.rowCount() >= 1


# -- CSV of the History's filter -------------------------------------------------------------------
def test_history_exports_what_its_filter_shows(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path, page="history")
    page = win.pages["history"]
    page.sponsor.setCurrentIndex(page.sponsor.findText("DigitalOcean"))
    page.month.setCurrentIndex(page.month.findText("2019-10"))
    target = tmp_path / "out.csv"
    page.export_csv(str(target))
    qtbot.waitUntil(lambda: getattr(page, "last_export", None) is not None, timeout=20_000)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = rsvc.list_reads(demo_store, sponsor="DigitalOcean", month="2019-10")
    assert len(rows) == len(expected) > 0 and page.last_export[1] == len(expected)
    assert {r["sponsor"] for r in rows} == {"DigitalOcean"}
    assert all(r["air_date"].startswith("2019-10") for r in rows)


# -- campaign states from the flight dates ---------------------------------------------------------
def _pace(**kw) -> Pacing:
    base = {"campaign_id": 1, "campaign_name": "x", "sponsor_name": "s", "pricing": "flat", "start_date": "2019-09-01",
            "end_date": "2019-12-31", "booked_reads": 40, "delivered_reads": 33, "make_goods_owed": 0,
            "make_goods_delivered": 0, "booked_impressions": None, "delivered_impressions": 0,
            "elapsed_fraction": 1.0, "status": "active", "as_of": "2026-12-01"}
    return Pacing(**{**base, **kw})


def test_pacing_words_follow_the_flight():
    assert flight_phase("2019-09-01", "2019-12-31", "2026-12-01") == "ended"
    assert flight_phase("2027-01-01", "2027-02-01", "2026-12-01") == "upcoming"
    assert flight_phase("2026-11-01", "2026-12-01", "2026-12-01") == "running"
    short = _pace()
    assert not short.behind and short.under_delivered and short.verdict == "under-delivered"
    running_short = _pace(as_of="2019-12-01", elapsed_fraction=0.9, delivered_reads=20)
    assert running_short.behind and running_short.verdict == "behind"
    over = _pace(delivered_reads=45)
    assert over.over_delivered and over.verdict == "over-delivered"
    assert _pace(delivered_reads=40).verdict == "delivered"


def test_campaign_list_says_running_upcoming_ended(qtbot, demo_store, tmp_path):
    today = dt.date.today()
    sp = cat.resolve_sponsor(demo_store, "Fastly")
    camp.add_campaign(demo_store, sponsor=sp.id, name="Fastly next year", pricing="flat", rate="100",
                      start_date=(today + dt.timedelta(days=40)).isoformat(),
                      end_date=(today + dt.timedelta(days=90)).isoformat(), booked_reads=4)
    camp.add_campaign(demo_store, sponsor=sp.id, name="Fastly now", pricing="flat", rate="100",
                      start_date=(today - dt.timedelta(days=10)).isoformat(),
                      end_date=(today + dt.timedelta(days=10)).isoformat(), booked_reads=4)
    win = make_window(qtbot, demo_store, tmp_path, page="campaigns")
    page = win.pages["campaigns"]
    page.status_filter.setCurrentIndex(page.status_filter.findData(None))  # all campaigns
    model = page.table.model
    col = model.column_index("status")
    pcol = model.column_index("pacing")

    def text(name, c):
        row = next(i for i, k in enumerate(model.items) if k.name == name)
        return model.index(row, c).data()

    qtbot.waitUntil(lambda: "%" in (text("Bandwidth partner 2019", pcol) or ""), timeout=20_000)
    assert text("Fastly next year", col) == "upcoming" and text("Fastly now", col) == "running"
    assert {text(k.name, col) for k in model.items if k.end_date < "2020"} == {"ended"}  # not "active"
    assert "under-delivered" in text("Bandwidth partner 2019", pcol)  # 33 of 40, the flight is over
    assert "behind" not in text("Bandwidth partner 2019", pcol)
    brave = next(k.name for k in model.items if k.sponsor_name == "Brave")
    assert "over-delivered" in text(brave, pcol)
    page.table.select_id(next(k.id for k in model.items if k.name == "Bandwidth partner 2019"))
    qtbot.waitUntil(lambda: "Under-delivered" in page.pace_note.text(), timeout=20_000)
    assert "7 short" in page.pace_note.text()
    # the default filter: only what runs or is upcoming, by the dates
    page.status_filter.setCurrentIndex(0)
    assert sorted(k.name for k in model.items) == ["Fastly next year", "Fastly now"]


# -- the dashboard's month by name -----------------------------------------------------------------
def test_dashboard_names_the_month_it_shows(qtbot, demo_store, tmp_path):
    from sponsortrack.services import dashboard as dash_svc
    from sponsortrack.ui.pages.dashboard import month_name

    win = make_window(qtbot, demo_store, tmp_path)
    dash = win.pages["dashboard"]
    last = dash_svc.monthly_figures(demo_store, 12).months[-1]
    qtbot.waitUntil(lambda: dash.figure_titles["reads"].text() != "Reads this month", timeout=10_000)
    assert dash.figure_titles["reads"].text() == f"Reads in {month_name(last)}"
    assert dash.figure_titles["revenue"].text() == f"Revenue in {month_name(last)}"
    assert month_name("2019-12") == "December 2019"
