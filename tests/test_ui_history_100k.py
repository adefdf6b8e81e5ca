"""History on 100,000 reads: Ctrl+End and the scroll bar reach the true last row, and any row between,
reading only the pages in view (issue 14 item 2, issue 15 item 4).

The database is the benchmark's generator at scale 1 (about 100,000 reads), built once for the module;
each test gets a copy. Every expectation is a direct query of the store (``list_reads`` with an offset),
not the model's own paging."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import make_window

from sponsortrack.services import history
from sponsortrack.store import Store
from sponsortrack.store import reads as rstore
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models.reads import COL, PAGE, ReadsModel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(scope="module")
def big_template(tmp_path_factory) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_big_db", Path(__file__).resolve().parents[1] / "bench" / "make_big_db.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path_factory.mktemp("big") / "big.db"
    gen.build(path, seed=2019)
    return path


@pytest.fixture
def big(big_template, tmp_path):
    path = tmp_path / "big.db"
    shutil.copy(big_template, path)
    s = Store(path)
    yield s
    s.close()


def _row_at(store, offset: int, flt: ReadFilter | None = None, sort: str = "air_date", descending: bool = True):
    """The read at ``offset`` of the History's order, by a plain ``ORDER BY … LIMIT 1 OFFSET``."""
    return rstore.list_reads(store, flt or ReadFilter(), sort=sort, descending=descending, limit=1, offset=offset)[0]


@pytest.fixture
def history_page(qtbot, big, tmp_path, monkeypatch):
    """The real window on the History of 100,000 reads, once the worker has listed every id; the pages
    read by id are counted (``reads_by_id``)."""
    reads_by_id: list[int] = []
    real = history.rows
    monkeypatch.setattr(history, "rows", lambda store, ids: reads_by_id.append(len(ids)) or real(store, ids))
    win = make_window(qtbot, big, tmp_path, page="history")
    win.resize(1280, 720)
    page = win.pages["history"]
    qtbot.waitUntil(lambda: page.model.known_total is not None, timeout=30_000)
    page.view.setFocus()
    QApplication.processEvents()
    return page, reads_by_id


def _visible_rows(view) -> tuple[int, int]:
    """The first and last row painted in the viewport."""
    vp = view.viewport()
    top = view.rowAt(0)
    bottom = view.rowAt(vp.height() - 2)
    return top, (bottom if bottom >= 0 else view.model().rowCount() - 1)


def test_ctrl_end_shows_the_true_last_row_without_reading_the_pages_before(qtbot, big, history_page):
    page, reads_by_id = history_page
    model, view = page.model, page.view
    total = big.scalar("SELECT count(*) FROM ad_reads")
    assert total > 90_000 and model.rowCount() == total
    assert page.count_label.text() == f"{total:,} reads"
    reads_by_id.clear()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.grab()  # painted: the rows in view are read
    last = _row_at(big, total - 1)
    assert view.currentIndex().row() == total - 1
    assert model.read_at(total - 1).id == last.id
    assert model.index(total - 1, COL["air_date"]).data() == last.air_date == big.scalar(
        "SELECT min(coalesce(e.published_on, e.recorded_on)) FROM ad_reads r JOIN episodes e ON e.id = r.episode_id")
    assert _visible_rows(view)[1] == total - 1  # it is on screen
    assert sum(reads_by_id) <= 2 * PAGE  # the last page (and the one before it, if in view), not all 500
    assert model.cached_rows <= ReadsModel.MAX_PAGES * PAGE
    # Enter opens that read
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert page.read_dialog is not None and page.read_dialog.read.id == last.id
    page.read_dialog.reject()
    # Ctrl+Home comes back to the newest
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert model.read_at(view.currentIndex().row()).id == _row_at(big, 0).id


def test_the_scroll_bar_reaches_the_last_row_and_every_row_between(qtbot, big, history_page):
    page, reads_by_id = history_page
    model, view = page.model, page.view
    total = model.rowCount()
    bar = view.verticalScrollBar()
    reads_by_id.clear()
    bar.setValue(bar.maximum())
    view.grab()
    top, bottom = _visible_rows(view)
    assert bottom == total - 1 and top > total - 60
    for row in (top, bottom):
        want = _row_at(big, row)
        assert model.index(row, COL["sponsor"]).data() == want.sponsor_name
        assert model.read_at(row).id == want.id
    assert sum(reads_by_id) <= 2 * PAGE
    for fraction in (0.5, 0.37, 0.001):  # dragged to the middle and elsewhere: the rows there, read there
        bar.setValue(int(bar.maximum() * fraction))
        view.grab()
        top, bottom = _visible_rows(view)
        assert 0 < top < bottom < total - 1
        for row in (top, (top + bottom) // 2, bottom):
            want = _row_at(big, row)
            assert model.read_at(row).id == want.id
            assert model.index(row, COL["air_date"]).data() == want.air_date
    assert sum(reads_by_id) <= 2 * PAGE * 4


def test_scrolling_through_keeps_a_bounded_number_of_rows(qtbot, history_page):
    page, reads_by_id = history_page
    model, view = page.model, page.view
    bar = view.verticalScrollBar()
    cap = ReadsModel.MAX_PAGES * PAGE
    for step in range(0, 201):
        bar.setValue(bar.maximum() * step // 200)
        view.grab()
        assert model.cached_rows <= cap, step
    assert sum(reads_by_id) > cap  # it did read far more rows than it keeps
    assert model.read_at(model.rowCount() - 1) is not None and model.read_at(0) is not None


def test_a_new_search_or_sort_after_ctrl_end_starts_at_the_top(qtbot, big, history_page):
    page, _ = history_page
    model, view = page.model, page.view
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == model.rowCount() - 1
    view.horizontalHeader().setSortIndicator(COL["sponsor"], Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: model.known_total is not None and not model.sorting, timeout=30_000)
    assert view.currentIndex().row() == 0 and view.verticalScrollBar().value() == 0
    assert model.read_at(0).id == _row_at(big, 0, sort="sponsor", descending=False).id
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    n = model.rowCount()
    assert model.read_at(n - 1).id == _row_at(big, n - 1, sort="sponsor", descending=False).id
    qtbot.keyClicks(page.search, "linode")
    flt = ReadFilter(search="linode")
    qtbot.waitUntil(lambda: model.filter.search == "linode" and model.known_total is not None, timeout=30_000)
    assert view.currentIndex().row() == 0 and view.verticalScrollBar().value() == 0
    assert model.rowCount() == rstore.count_reads(big, flt) > PAGE
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    n = model.rowCount()
    assert model.read_at(n - 1).id == _row_at(big, n - 1, flt, sort="sponsor", descending=False).id


def test_the_model_stays_valid_as_the_ids_arrive(qtbot, qtmodeltester, big, tmp_path):
    """QAbstractItemModelTester watches the window's model while the first page is replaced by every
    read (rows inserted when the worker's ids arrive), then on a filtered, fully listed model."""
    win = make_window(qtbot, big, tmp_path, page="history")
    page = win.pages["history"]
    page.status.setCurrentIndex(page.status.findData("flagged"))  # a few thousand: the tester reads them all
    qtmodeltester.check(page.model)
    qtbot.waitUntil(lambda: page.model.known_total is not None, timeout=30_000)
    n = rstore.count_reads(big, ReadFilter(status="flagged"))
    assert PAGE < n == page.model.rowCount() < 20_000
    qtmodeltester.check(page.model)
    assert [r.id for r in page.model.rows[-PAGE:]] == [
        r.id for r in rstore.list_reads(big, ReadFilter(status="flagged"), limit=PAGE, offset=n - PAGE)]


def test_a_reload_for_a_change_stays_on_a_read_far_down(qtbot, big, history_page):
    """After an edit the same filter is read again: the read selected 50,000 rows down is selected again
    once the worker has listed the ids (it is not among the first page's rows)."""
    from sponsortrack.services import reads as rsvc
    from sponsortrack.ui import context as c

    page, _ = history_page
    model, view = page.model, page.view
    page.select_row(50_000)
    rid = model.read_at(50_000).id
    rsvc.edit_read(big, rid, notes="checked at row 50,000")
    page.ctx.notify({c.READS})
    page.refresh()
    qtbot.waitUntil(lambda: model.known_total is not None, timeout=30_000)
    assert view.currentIndex().row() == 50_000 and model.read_at(50_000).id == rid
    assert model.read_at(50_000).notes == "checked at row 50,000"


def test_select_all_names_every_read_without_reading_their_pages(qtbot, big, history_page):
    page, reads_by_id = history_page
    reads_by_id.clear()
    qtbot.keyClick(page.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    ids = page.selected_ids()
    assert len(ids) == page.model.rowCount() and set(ids) == {r[0] for r in big.conn.execute(
        "SELECT id FROM ad_reads")}
    assert sum(reads_by_id) <= 2 * PAGE  # only what was painted
