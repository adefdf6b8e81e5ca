"""The dashboard's figures load on a worker once the window's first frame is painted."""

from __future__ import annotations

import pytest
from ui_helpers import make_window

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_dashboard_figures_arrive_after_the_first_frame(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)
    page = win.pages["dashboard"]
    qtbot.waitUntil(lambda: page.figure_labels["running"].text() != "—", timeout=10_000)
    assert page.figure_labels["unbilled"].text() != "—"


def test_work_waits_for_the_first_paint_then_runs_from_the_event_loop(qtbot, store, tmp_path):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext

    ctx = AppContext(store, Config(str(tmp_path / "s.ini")))
    ran: list[str] = []
    ctx.after_first_paint(lambda: ran.append("no window: now"))
    assert ran == ["no window: now"]
    ctx.wait_for_first_paint()
    ctx.after_first_paint(lambda: ran.append("after paint"))
    assert ran == ["no window: now"]
    ctx.first_paint_done()
    assert ran == ["no window: now"]  # queued on the event loop, not run inside the paint
    qtbot.waitUntil(lambda: len(ran) == 2, timeout=2000)
    ctx.first_paint_done()  # later frames: nothing more
    ctx.after_first_paint(lambda: ran.append("late"))
    assert ran[-1] == "late"


def test_pacing_of_a_past_archive_counts_its_whole_last_month(demo_store):
    """The demo's last month is December 2019: the dashboard's pacing is as of 31 Dec, so it counts the
    reads of 30 Dec and agrees with the Campaigns page and `campaigns pacing --as-of 2019-12-31`."""
    from sponsortrack.services import campaigns as camp
    from sponsortrack.ui.pages.dashboard import compute

    data = compute(None, None, demo_store)
    assert data["as_of"] == "2019-12-31"
    shown = {p.sponsor_name: p.delivered_reads for p in data["pacing"]}
    expected = {p.sponsor_name: p.delivered_reads for p in camp.pacing(demo_store, as_of="2019-12-31")}
    assert shown == expected and shown["Fastly"] == 33
