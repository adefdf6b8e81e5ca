"""A History you can trust (issue 14 item 2), driven with real key events: a new search, filter or sort
starts at the top with the first row selected; Enter/F2 open the selected read and Tab leaves the
table; the Code, Status and Invoice columns fit at 1280 px; Save clears the unsaved "•"; the toolbar's
Undo keeps its one-word label."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton
from ui_helpers import make_window

from sponsortrack.services import invoicing
from sponsortrack.services import reads as rsvc
from sponsortrack.ui import context as c
from sponsortrack.ui.models.reads import COL

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _history(qtbot, store, tmp_path, width=1280, height=720):
    win = make_window(qtbot, store, tmp_path, page="history")
    win.resize(width, height)
    QApplication.processEvents()
    page = win.pages["history"]
    qtbot.waitUntil(lambda: bool(page.model.rows), timeout=10_000)
    return win, page


def _scrolled_down(qtbot, page) -> None:
    page.view.scrollToBottom()
    page.select_row(len(page.model.rows) - 5)
    QApplication.processEvents()
    assert page.view.verticalScrollBar().value() > 0


def _at_top(page) -> bool:
    idx = page.view.currentIndex()
    selected = page.view.selectionModel().selectedRows()
    return page.view.verticalScrollBar().value() == 0 and idx.row() == 0 and [i.row() for i in selected] == [0]


def test_new_search_filter_and_sort_start_at_the_top(qtbot, demo_store, tmp_path):
    _win, page = _history(qtbot, demo_store, tmp_path)
    _scrolled_down(qtbot, page)
    page.search.setFocus()
    qtbot.keyClicks(page.search, "changelog")
    qtbot.waitUntil(lambda: page.model.filter.search == "changelog", timeout=5000)
    assert _at_top(page)

    page.clear_filters()
    _scrolled_down(qtbot, page)
    page.sponsor.setCurrentIndex(page.sponsor.findText("Fastly"))
    assert _at_top(page) and page.model.rows[0].sponsor_name == "Fastly"

    page.clear_filters()
    _scrolled_down(qtbot, page)
    page.view.horizontalHeader().setSortIndicator(COL["sponsor"], Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: page.model.sort_key == "sponsor", timeout=5000)
    assert _at_top(page)


def test_a_reload_for_a_change_keeps_the_selected_read(qtbot, demo_store, tmp_path):
    win, page = _history(qtbot, demo_store, tmp_path)
    page.select_row(12)
    rid = page.model.read_at(12).id
    win.ctx.notify({c.READS})  # another page changed something: same filter, reloaded
    QApplication.processEvents()
    assert page.model.read_at(page.view.currentIndex().row()).id == rid


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2])
def test_enter_or_f2_opens_the_selected_read_and_tab_leaves(qtbot, demo_store, tmp_path, key):
    _win, page = _history(qtbot, demo_store, tmp_path)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    row = page.view.currentIndex().row()
    qtbot.keyClick(page.view, key)
    dlg = page.read_dialog
    assert dlg is not None and dlg.isVisible() and dlg.read.id == page.model.read_at(row).id
    dlg.reject()
    qtbot.waitUntil(lambda: page.read_dialog is None, timeout=2000)
    assert QApplication.focusWidget() is page.view
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not page.view and page.view.currentIndex().row() == row


def test_code_status_and_invoice_fit_at_1280(qtbot, demo_store, tmp_path):
    drafts = invoicing.create_drafts(demo_store, "Brave", "2019-10")
    invoicing.issue_invoice(demo_store, drafts.invoices[0].id)
    win, page = _history(qtbot, demo_store, tmp_path)
    assert win.width() == 1280
    fm = page.view.fontMetrics()
    rows = rsvc.list_reads(demo_store)
    for key, texts in (("promo_code", [r.promo_code or "" for r in rows]),
                       ("status", [r.status for r in rows]),
                       ("invoice", [r.invoice_number or "" for r in rows])):
        need = max(fm.horizontalAdvance(t) for t in texts) + 8
        assert page.view.columnWidth(COL[key]) >= need, key
    header = page.view.horizontalHeader()
    assert header.length() <= page.view.viewport().width()  # no sideways scrolling at 1280 px
    assert page.view.columnWidth(COL["title"]) >= 120  # the title takes what is left


def test_save_clears_the_unsaved_mark(qtbot, demo_store, tmp_path):
    from sponsortrack.ui import operations as ops

    win, page = _history(qtbot, demo_store, tmp_path)
    ops.delete_reads(win.ctx, [page.model.read_at(0).id])
    assert win.windowTitle().endswith("• — sponsortrack")
    qtbot.keyClick(page.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "•" not in win.windowTitle()
    assert win.ctx.undo_stack.canUndo()  # saving does not forget what can be undone


def test_log_save_clears_the_mark(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    log.title.setText("Marked clean")
    log.add_sponsor.setText("Fastly")
    log._add_sponsor()
    qtbot.keyClick(log.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert log.episode_id is not None and "•" not in win.windowTitle()


def test_toolbar_undo_label_does_not_grow(qtbot, demo_store, tmp_path):
    from sponsortrack.ui import operations as ops

    win, page = _history(qtbot, demo_store, tmp_path)
    button = next(b for b in win.toolbar.findChildren(QToolButton) if b.defaultAction() is not None
                  and b.defaultAction().objectName() == "toolbar_undo")
    before = win.toolbar.sizeHint().width()
    assert not button.isEnabled()
    ops.delete_reads(win.ctx, [page.model.read_at(0).id, page.model.read_at(1).id])
    assert button.isEnabled() and button.text() == "Undo"
    assert "Delete" in button.toolTip() and win.toolbar.sizeHint().width() == before
    n = rsvc.count_reads(demo_store)
    button.click()
    assert rsvc.count_reads(demo_store) == n + 2
    assert not button.isEnabled()


def test_every_column_sorts_by_what_it_shows(qtbot, demo_store, tmp_path):
    from sponsortrack.services import catalog as cat

    show = cat.resolve_show(demo_store, "Practical AI")
    for n in (100, 2, 10):
        ep = cat.add_episode(demo_store, show.id, number=900 + n, title=f"Zeta episode {n}", recorded_on="2019-12-20")
        rsvc.log_read(demo_store, ep.id, sponsor="Fastly", placement="mid")
    _win, page = _history(qtbot, demo_store, tmp_path)
    header = page.view.horizontalHeader()
    # price: the price shown (a CPM read is downloads x rate, not the rate), in minor units
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        header.setSortIndicator(COL["price"], order)
        prices = [r.price_minor for r in page.model.rows]
        key = [(p is not None, p or 0) for p in prices]
        assert key == sorted(key, reverse=order == Qt.SortOrder.DescendingOrder)
        assert _at_top(page)
    # titles in natural order
    page.search.setText("Zeta episode")
    page.apply_filters()
    header.setSortIndicator(COL["title"], Qt.SortOrder.AscendingOrder)
    assert [r.episode_title for r in page.model.rows] == ["Zeta episode 2", "Zeta episode 10", "Zeta episode 100"]
    header.setSortIndicator(COL["title"], Qt.SortOrder.DescendingOrder)
    assert [r.episode_title for r in page.model.rows] == ["Zeta episode 100", "Zeta episode 10", "Zeta episode 2"]


def test_natural_key():
    from sponsortrack.wording import natural_key

    titles = ["Ep 100", "ep 10", "Ep 2", "Ep 02b", "Ep 1", "Alpha", None]
    assert sorted((t for t in titles if t), key=natural_key) == ["Alpha", "Ep 1", "Ep 2", "Ep 02b", "ep 10", "Ep 100"]
    assert natural_key(None) is None
