"""At scale the window's heavy queries run on workers: the Campaigns page's pacing, History's sorts."""

from __future__ import annotations

import threading

import pytest
from ui_helpers import make_window

from sponsortrack.services import campaigns as camp

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_campaigns_page_counts_pacing_on_a_worker_and_stays_usable(qtbot, demo_store, tmp_path, monkeypatch):
    real = camp.pacing
    threads: list[bool] = []
    gate = threading.Event()

    def slow_pacing(store, *args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        gate.wait(10)  # the window keeps going while the worker counts
        return real(store, *args, **kwargs)

    monkeypatch.setattr(camp, "pacing", slow_pacing)
    win = make_window(qtbot, demo_store, tmp_path, page="campaigns")
    page = win.pages["campaigns"]
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    # while pacing runs: the list is there, a campaign is selected and shown, its pace is on its way
    assert page.table.model.rowCount() > 0 and page.table.selected() is not None
    assert page.pace_note.text() == "Counting delivery…"
    page.table.view.selectRow(1)
    assert page.table.selected() is page.table.model.item(page.table.proxy.mapToSource(
        page.table.view.currentIndex()).row())
    with qtbot.waitSignal(page.pacing_ready, timeout=10_000):
        gate.set()
    assert threads and not any(threads)  # never on the GUI thread
    k = page.table.selected()
    expected = {p.campaign_id: p for p in real(demo_store, [k.id])}[k.id]
    assert k.pace == expected
    assert page.pace_note.text() != "Counting delivery…"
    col = page.table.model.column_index("pacing")
    row = page.table.model.row_of_id(k.id)
    assert page.table.model.index(row, col).data() not in ("", None)


@pytest.fixture(scope="module")
def network_template(tmp_path_factory):
    """The benchmark's generator, one year of the 20-show network (about 10,000 reads), built once."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "make_big_db", Path(__file__).resolve().parents[1] / "bench" / "make_big_db.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path_factory.mktemp("network") / "network.db"
    gen.build(path, seed=11, weeks=52)
    return path


@pytest.fixture
def network(network_template, tmp_path):
    import shutil

    from sponsortrack.store import Store

    path = tmp_path / "network.db"
    shutil.copy(network_template, path)
    s = Store(path)
    yield s
    s.close()


def _page_queries(store):
    """The first-page queries the history model sends (the light id query of ``read_pages.page_reads``)."""
    seen: list[str] = []
    store.conn.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith("SELECT r.id FROM") else None)
    return seen


def test_history_opens_with_one_first_page_query(qtbot, network, tmp_path):
    seen = _page_queries(network)
    win = make_window(qtbot, network, tmp_path, page="history")
    page = win.pages["history"]
    assert len(page.model.rows) == 200
    assert len([q for q in seen if "LIMIT" in q]) == 1, seen


def test_history_months_are_cached_until_reads_change(qtbot, network, tmp_path, monkeypatch):
    from sponsortrack.services import history
    from sponsortrack.ui import context as c

    calls: list[int] = []
    real = history.months
    monkeypatch.setattr(history, "months", lambda store: calls.append(1) or real(store))
    win = make_window(qtbot, network, tmp_path, page="history")
    page = win.pages["history"]
    page.refresh()
    page.refresh()
    assert len(calls) == 1
    months = [page.month.itemData(i) for i in range(1, page.month.count())]
    assert months == real(network) and months[0] == "2026-11" and len(months) == 13
    win.ctx.notify({c.READS})
    page.refresh()
    assert len(calls) == 2


def test_read_months_seek_gives_the_months_of_the_full_pass(network, demo_store):
    from sponsortrack.services import history

    for store in (network, demo_store):
        full = [r[0] for r in store.conn.execute(
            "SELECT DISTINCT substr(coalesce(e.published_on, e.recorded_on), 1, 7) AS m FROM episodes e "
            "WHERE EXISTS (SELECT 1 FROM ad_reads r WHERE r.episode_id = e.id) AND m IS NOT NULL ORDER BY m DESC")]
        assert history.months(store) == full and full


@pytest.mark.parametrize("key", ["sponsor", "price", "show"])
def test_history_sort_past_the_budget_is_sorted_on_a_worker_and_pages_the_same(qtbot, network, tmp_path,
                                                                              monkeypatch, key):
    """A sort SQLite cannot page within the budget is interrupted on the GUI thread and done on a worker;
    the rows shown meanwhile stay, then the pages are exactly those of the plain paged query."""
    from PySide6.QtCore import Qt

    from sponsortrack.services import history
    from sponsortrack.store import read_pages
    from sponsortrack.store.reads import ReadFilter
    from sponsortrack.ui.models.reads import COL, PAGE, ReadsModel

    win = make_window(qtbot, network, tmp_path, page="history")
    page = win.pages["history"]
    qtbot.waitUntil(lambda: page.model.known_total is not None, timeout=10_000)  # the opening's ids are in
    before = [r.id for r in page.model.rows[:PAGE]]
    threads: list[bool] = []
    real = history.sorted_ids
    monkeypatch.setattr(history, "sorted_ids", lambda *a, **k: threads.append(
        threading.current_thread() is threading.main_thread()) or real(*a, **k))
    monkeypatch.setattr(ReadsModel, "BUDGET_S", -1.0)  # every query is past it
    with qtbot.waitSignal(page.model.reset_done, timeout=10_000):
        page.view.sortByColumn(COL[key], Qt.SortOrder.AscendingOrder)
        assert page.model.sorting and [r.id for r in page.model.rows[:PAGE]] == before  # still usable, unchanged
        assert page.count_label.text() == "Sorting…"
    assert threads == [False]
    want = read_pages.page_reads(network, ReadFilter(), sort=key, descending=False, limit=3 * PAGE)
    assert [r.id for r in page.model.rows[:3 * PAGE]] == [r.id for r in want]
    total = network.scalar("SELECT count(*) FROM ad_reads")
    assert page.count_label.text() == f"{total:,} reads"
    # a filter while sorted on a worker: sorted again, the earlier sort's order is dropped
    with qtbot.waitSignal(page.model.reset_done, timeout=10_000):
        page.status.setCurrentIndex(page.status.findData("flagged"))
    flagged = read_pages.page_reads(network, ReadFilter(status="flagged"), sort=key, descending=False, limit=PAGE)
    assert [r.id for r in page.model.rows[:PAGE]] == [r.id for r in flagged] and flagged


def test_sorted_ids_stop_when_asked(network):
    from sponsortrack.services import history
    from sponsortrack.store import read_pages
    from sponsortrack.store.reads import ReadFilter

    assert history.sorted_ids(network, ReadFilter(), sort="sponsor", stop=lambda: True) is None
    ids = history.sorted_ids(network, ReadFilter(search="podcast"), sort="campaign", descending=True)
    assert list(ids) == [r.id for r in read_pages.page_reads(network, ReadFilter(search="podcast"), sort="campaign",
                                                          limit=len(ids))]


def test_links_page_reads_on_a_worker_past_its_budget(qtbot, demo_store, tmp_path, monkeypatch):
    """Past the read budget (grouping a million reads by promo URL takes seconds) the Links page is read
    on a worker; the page is built and usable meanwhile, then shows the same rows as a read in place."""
    from sponsortrack.services import links as lsvc
    from sponsortrack.ui.pages.links import LinksPage

    threads: list[bool] = []
    real = lsvc.known_promo_urls
    monkeypatch.setattr(lsvc, "known_promo_urls", lambda store: threads.append(
        threading.current_thread() is threading.main_thread()) or real(store))
    monkeypatch.setattr(LinksPage, "READ_BUDGET_S", -1.0)
    win = make_window(qtbot, demo_store, tmp_path, page="dashboard")
    page = win.show_page("links")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert False in threads  # read on a worker
    in_place = {p.url for p in real(demo_store)}
    assert in_place and {r.url for r in page.model.rows} >= in_place
    assert page.episodes_model.rowCount() == len(lsvc.back_catalogue_report(demo_store))


def test_reconcile_page_past_its_budget_reconciles_on_a_worker(qtbot, demo_store, tmp_path, monkeypatch):
    """A period too big for the budget (a month of a 200-show network) is reconciled on a worker: the page
    answers at once and shows the same disagreements when the worker does."""
    from sponsortrack.services import reconcile as rc
    from sponsortrack.ui.pages.reconcile import ReconcilePage

    threads: list[bool] = []
    real = rc.reconcile
    monkeypatch.setattr(rc, "reconcile", lambda *a, **k: threads.append(
        threading.current_thread() is threading.main_thread()) or real(*a, **k))
    monkeypatch.setattr(ReconcilePage, "BUDGET_S", -1.0)
    win = make_window(qtbot, demo_store, tmp_path, page="reports")
    page = win.show_page("reconcile")
    page.month_from.setText("2019-10")
    page.month_to.setText("2019-10")
    page.refresh()
    qtbot.waitUntil(lambda: page.result is not None and page.result.date_from == "2019-10-01", timeout=10_000)
    assert threads[-1] is False  # the answer came from a worker
    expected = real(demo_store, month="2019-10")
    assert [(e.kind, e.episode_number, e.sponsor_name) for e in page.model.items] == [
        (e.kind, e.episode_number, e.sponsor_name) for e in expected.exceptions] == [
        ("logged_not_in_notes", 61, "Fastly")]
    assert "1 disagreement" in page.summary.text()


def test_reconcile_stops_when_asked(demo_store):
    from sponsortrack.services import reconcile as rc

    with pytest.raises(rc.Stopped):
        rc.reconcile(demo_store, month="2019-10", should_stop=lambda: True)
