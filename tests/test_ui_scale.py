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
