"""The Reports page (offscreen): generate a POP and the network summary in the background with progress,
then open them."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


@pytest.fixture
def page(demo_store, tmp_path, qtbot):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.pages.reports import ReportsPage

    ctx = AppContext(demo_store, Config(str(tmp_path / "settings.ini")))
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.opened = []
    p.opener = p.opened.append
    p.refresh()
    p.folder.setText(str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    yield p
    ctx.tasks.wait()


def test_pop_in_background_then_opened(page, qtbot):
    page.what.setCurrentIndex(page.what.findText("Proof of performance: Brave"))
    page.month.setText("2019-10")
    steps = []
    task = page.generate()
    task.signals.progress.connect(lambda d, t, text: steps.append(text))
    assert not page.generate_btn.isEnabled()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=20_000)
    assert page.opened[0].endswith("pop-Brave-2019-10.pdf")
    assert page.generate_btn.isEnabled() and page.open_btn.isEnabled()
    assert page.progress.value() == page.progress.maximum()
    with open(page.opened[0], "rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_network_summary_and_bad_month(page, qtbot):
    errors = []
    page.ctx.error.connect(lambda t, m: errors.append(m))
    page.month.setText("2019-13")
    assert page.generate() is None and errors and "month" in errors[0]
    page.what.setCurrentIndex(0)
    page.month.setText("2019-11")
    page.generate()
    qtbot.waitUntil(lambda: bool(page.opened), timeout=20_000)
    assert page.opened[0].endswith("network-summary-2019-11.pdf")


def test_unwritable_folder_is_reported(page, qtbot, tmp_path):
    failures = []
    page.ctx.error.connect(lambda t, m: failures.append(m))
    page.folder.setText(str(tmp_path / "missing"))
    page.month.setText("2019-10")
    page.generate()
    qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    assert "does not exist" in failures[0] and page.opened == []


def test_month_end_packet_in_background_with_progress(page, qtbot, tmp_path):
    page.what.setCurrentIndex(0)                 # every sponsor of the month
    page.month.setText("2019-10")
    steps = []
    task = page.generate_packet()
    task.signals.progress.connect(lambda d, t, text: steps.append(text))
    assert not page.packet_btn.isEnabled() and page.cancel_btn.isEnabled()
    qtbot.waitUntil(lambda: page.packet_btn.isEnabled(), timeout=30_000)
    folder = tmp_path / "out" / "packet-2019-10"
    names = sorted(p.name for p in folder.iterdir())
    assert "DigitalOcean-2019-10-proof-of-performance.pdf" in names and "Brave-2019-10-reads.csv" in names
    assert "Wrote" in page.state.text() and "no issued invoice" in page.state.text()


def test_month_end_packet_can_be_cancelled(page, qtbot, tmp_path):
    from sponsortrack.services import packet

    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 1                      # after the first sponsor
    res = packet.month_packet(page.ctx.store, "2019-10", tmp_path / "p", cancelled=cancelled)
    assert res.cancelled and len(res.sponsors) == 1
    page.month.setText("2019-10")
    page.generate_packet()
    page._cancel()
    assert page.packet_btn.isEnabled() and page.state.text() == "Cancelled."
