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
