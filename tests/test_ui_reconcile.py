"""The Reconcile page (from Episodes and Reports, each disagreement with its button) and the Log page's
"Read chapters from the episode file…"."""

from __future__ import annotations

import datetime as dt

import pytest
from chapter_files import mp3_with_chapters
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from ui_helpers import db_dump, make_window

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import reconcile as rc
from sponsortrack.store import reads as rstore
from sponsortrack.ui.models.table import ObjectTableModel
from sponsortrack.ui.pages import reconcile as rp

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_the_reconcile_model_passes_the_model_tester(qtmodeltester, demo_store):
    model = ObjectTableModel(rp.COLUMNS)
    model.set_items(rc.reconcile(demo_store, month="2019-10").exceptions)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_demo_october_shows_episode_61_and_opens_the_read(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path, page="reports")
    reports = win.pages["reports"]
    reports.month.setText("2019-10")
    qtbot.mouseClick(reports.reconcile_btn, Qt.MouseButton.LeftButton)  # Reports -> Reconcile, that month
    page = win.pages["reconcile"]
    assert win.current_key == "reconcile"
    assert (page.month_from.text(), page.month_to.text()) == ("2019-10", "2019-10")
    assert [(e.kind, e.episode_number, e.sponsor_name) for e in page.model.items] == [
        ("logged_not_in_notes", 61, "Fastly")]
    assert "1 disagreement between the show notes and the reads logged" in page.summary.text()
    button = page.view.indexWidget(page.proxy.index(0, rp.ACTION))
    assert isinstance(button, QPushButton) and button.text() == "Open read"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    from sponsortrack.ui.dialogs.read import ReadDialog

    dlg = page.findChild(ReadDialog)
    assert dlg is not None and dlg.read.id == page.model.items[0].read_id and dlg.read.sponsor_name == "Fastly"
    dlg.reject()


def _network(store):
    cat.add_show(store, name="Practical AI", website="https://changelog.com/practicalai")
    cat.add_show(store, name="The Changelog")
    for name, domains in (("DigitalOcean", "do.co"), ("Fastly", "fastly.com")):
        cat.add_sponsor(store, name=name, domains=domains)
    camp.add_campaign(store, sponsor="DigitalOcean", name="DB", start_date="2019-08-01", end_date="2019-12-31",
                      pricing="flat", rate="1500", promo_url="do.co/changelog", default_placement="pre")
    cat.add_episode(store, "Practical AI", number=62, title="Blacklist", published_on="2019-10-21",
                    show_notes="Sponsors:\nDigitalOcean – Learn more at do.co/changelog.\n")
    cat.add_episode(store, "Practical AI", number=63, title="No notes", published_on="2019-10-28")
    rsvc.log_reads(store, cat.resolve_episode(store, "Practical AI", 63).id,
                   [{"sponsor": "Fastly", "placement": "post"}])
    ep = cat.add_episode(store, "The Changelog", number=1, title="Other show", published_on="2019-10-22",
                         show_notes="Sponsors:\nFastly – fastly.com\n")
    return ep


def test_from_episodes_log_the_missing_read_then_undo(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="episodes")
    episodes = win.pages["episodes"]
    episodes.shows.select_id(cat.resolve_show(store, "Practical AI").id)
    episodes.episodes.select_id(cat.resolve_episode(store, "Practical AI", 62).id)
    qtbot.mouseClick(episodes.reconcile_button, Qt.MouseButton.LeftButton)
    page = win.pages["reconcile"]
    assert win.current_key == "reconcile" and page.show_box.currentText() == "Practical AI"
    assert page.month_from.text() == "2019-10"
    # 62 names DigitalOcean, nothing logged; 63 has no notes: not a disagreement; The Changelog is not shown
    assert [(e.kind, e.episode_number, e.sponsor_name) for e in page.model.items] == [
        ("in_notes_not_logged", 62, "DigitalOcean")]
    assert "1 episode with reads has no show notes to compare" in page.summary.text()
    before = db_dump(store)
    button = page.view.indexWidget(page.proxy.index(0, rp.ACTION))
    assert button.text() == "Log read"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    ep62 = cat.resolve_episode(store, "Practical AI", 62)
    rows = rstore.reads_for_episode(store, ep62.id)
    assert [(r.sponsor_name, r.placement, r.campaign_name, r.promo_url, r.status) for r in rows] == [
        ("DigitalOcean", "pre", "DB", "https://do.co/changelog", "aired")]
    assert page.model.items == []  # the page refreshed: they agree now
    assert "agree" in page.summary.text()
    win.ctx.undo_stack.undo()
    assert db_dump(store) == before
    assert len(page.model.items) == 1
    # all shows: The Changelog's Fastly (in notes, not logged) too
    page.show_box.setCurrentIndex(page.show_box.findData(0))
    assert sorted((e.show_name, e.sponsor_name) for e in page.model.items) == [
        ("Practical AI", "DigitalOcean"), ("The Changelog", "Fastly")]


def test_bad_months_are_one_line(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="reconcile")
    page = win.pages["reconcile"]
    page.month_from.setText("October")
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and page.error.text() == "from: 'October' is not a month (YYYY-MM)"
    page.month_from.setText("2019-12")
    page.month_to.setText("2019-10")
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.error.text() == "to: the last month comes before the first"


def test_go_menu_opens_reconcile(qtbot, store, tmp_path):
    from sponsortrack.ui.actions import Act

    win = make_window(qtbot, store, tmp_path)
    win.actions_map[Act.GO_RECONCILE].trigger()
    assert win.current_key == "reconcile"


# --------------------------------------------------------------------------- Log page: chapters

def _chapter_network(store):
    today = dt.date.today()
    start, end = (today - dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=60)).isoformat()
    cat.add_show(store, name="Practical AI")
    for name, placement in (("DigitalOcean", "pre"), ("Fastly", "post")):
        cat.add_sponsor(store, name=name)
        camp.add_campaign(store, sponsor=name, name=f"{name} 2026", start_date=start, end_date=end,
                          pricing="flat", rate="1000", default_placement=placement)
    cat.add_sponsor(store, name="Brave")


def test_log_page_reads_chapters_into_the_proposals(qtbot, store, tmp_path):
    _chapter_network(store)
    mp3 = mp3_with_chapters(tmp_path / "ep.mp3", 3000, [
        (0, None, "Intro"), (40, 105, "Sponsor: DigitalOcean"), (1500, 1580, "Brave (sponsor)"),
        (2000, 2030, "Ad break"), (2800, 2835, "Ad: Fastly")])
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    before = db_dump(store)
    assert [p.sponsor_name for p in log.model.items] == ["DigitalOcean", "Fastly"]  # running campaigns
    log.read_chapters(str(mp3))
    # the campaigns' rows take the chapters' timing; Brave (no campaign) is a new row; nothing is saved
    assert [(p.sponsor_name, p.placement, p.start_seconds, p.length_seconds, p.selected)
            for p in log.model.items] == [
        ("DigitalOcean", "pre", 40, 65, True), ("Fastly", "post", 2800, 35, True), ("Brave", "mid", 1500, 80, True)]
    assert "“Ad break” at 33:20: the chapter names no sponsor" in log.error.text()
    assert db_dump(store) == before
    log.title.setText("From chapters")
    log.save()
    assert log.episode_id is not None  # saved: the page shows the new episode
    rows = rstore.reads_for_episode(store, log.episode_id)
    assert sorted((r.sponsor_name, r.placement, r.start_seconds, r.length_seconds) for r in rows) == [
        ("Brave", "mid", 1500, 80), ("DigitalOcean", "pre", 40, 65), ("Fastly", "post", 2800, 35)]


def test_log_page_wrong_file_is_one_line(qtbot, store, tmp_path):
    _chapter_network(store)
    f = tmp_path / "notes.txt"
    f.write_text("Sponsors: Fastly\n", encoding="utf-8")
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    n = log.model.rowCount()
    log.read_chapters(str(f))
    assert log.error.text() == "file: notes.txt is text, not chapters; for show notes run `sponsortrack import " \
                               "shownotes`"
    assert log.model.rowCount() == n


def test_buttons_follow_their_rows_when_sorted(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="reconcile")
    page = win.pages["reconcile"]
    page.open_with(month="2019-10")
    assert len(page.model.items) == 2
    page.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by show: The Changelog first
    first = page.model.item(page.proxy.mapToSource(page.proxy.index(0, 0)).row())
    assert first.show_name == "The Changelog"
    qtbot.mouseClick(page.view.indexWidget(page.proxy.index(0, rp.ACTION)), Qt.MouseButton.LeftButton)
    ep = cat.resolve_episode(store, "The Changelog", 1)
    assert [(r.sponsor_name, r.placement, r.promo_url, r.source) for r in rstore.reads_for_episode(store, ep.id)] \
        == [("Fastly", "mid", "https://fastly.com", "reconcile")]  # no campaign: mid, the notes' URL
    assert [e.show_name for e in page.model.items] == ["Practical AI"]


# --------------------------------------------------------------------------- the GUI thread's share

def test_the_page_module_does_not_load_the_show_notes_parser():
    """Opening the page costs the GUI thread no parser import (tens of milliseconds of pattern compiling):
    the worker imports it when it reconciles."""
    import subprocess
    import sys

    code = ("import sys; import sponsortrack.ui.pages.reconcile, sponsortrack.services.reconcile; "
            "print(sorted(m for m in sys.modules if m.startswith('sponsortrack.importers.shownotes')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("why", ["parser not loaded yet", "too many notes"])
def test_a_period_that_is_not_quick_goes_to_a_worker_at_once(qtbot, store, tmp_path, monkeypatch, why):
    """Before the parser is loaded (the first open), or with more notes in the period than the GUI thread
    may parse, the page reconciles on a worker without trying on the GUI thread first."""
    import threading

    _network(store)
    if why == "parser not loaded yet":
        monkeypatch.setattr(rc, "PARSER_MODULE", "sponsortrack.importers.not_loaded")
    else:
        monkeypatch.setattr(rc, "QUICK_EPISODES", 1)  # October has two episodes with notes
    on_gui: list[bool] = []
    real = rc.reconcile
    monkeypatch.setattr(rc, "reconcile", lambda *a, **k: on_gui.append(
        threading.current_thread() is threading.main_thread()) or real(*a, **k))
    win = make_window(qtbot, store, tmp_path, page="reports")
    page = win.show_page("reconcile")
    page.open_with(month="2019-10")
    qtbot.waitUntil(lambda: page.result is not None and page.result.date_from == "2019-10-01", timeout=10_000)
    assert on_gui and not any(on_gui)  # never on the GUI thread
    assert sorted((e.show_name, e.sponsor_name) for e in page.model.items) == [
        ("Practical AI", "DigitalOcean"), ("The Changelog", "Fastly")]
    assert "2 disagreements" in page.summary.text()
