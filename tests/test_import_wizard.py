"""The import wizard, offscreen: walk it on a generated feed and on a CSV with bad rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from support import samples

from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rd
from sponsortrack.ui import import_wizard as iw
from sponsortrack.ui.config import Config
from sponsortrack.ui.context import AppContext

SHOTS = os.environ.get("SPONSORTRACK_SHOTS")  # a folder: save a PNG of every page there


@pytest.fixture
def ctx(qtbot, demo_store, tmp_path):
    c = AppContext(demo_store, Config(str(tmp_path / "settings.ini")))
    yield c
    c.tasks.wait(10_000)


def shot(wiz, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        wiz.grab().save(str(Path(SHOTS) / f"{name}.png"))


def next_page(qtbot, wiz) -> None:
    wiz.button(QWizard.WizardButton.NextButton if wiz.currentId() != iw.PAGE_PREVIEW
               else QWizard.WizardButton.CommitButton).click()


def test_walk_wizard_on_generated_feed(qtbot, ctx, tmp_path):
    feed = tmp_path / "generated-feed.xml"
    feed.write_bytes(samples.feed_xml(60, title="Inference Hour", slug="inference"))
    notified = []
    ctx.changed.connect(notified.append)
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    assert wiz.currentId() == iw.PAGE_KIND and wiz.kind() == "rss"
    shot(wiz, "1-kind")
    next_page(qtbot, wiz)
    assert wiz.currentId() == iw.PAGE_SOURCE
    assert not wiz.button(QWizard.WizardButton.NextButton).isEnabled()
    wiz.source_page.path.setText(str(feed))
    assert wiz.button(QWizard.WizardButton.NextButton).isEnabled()
    shot(wiz, "2-source")
    next_page(qtbot, wiz)
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    assert "Inference Hour" in page.summary.text() and "60 episodes to add" in page.summary.text()
    n = page.model.rowCount()
    assert n == len(page.result.proposed) > 60
    assert cat.list_shows(ctx.store).__len__() == 2  # the preview wrote nothing
    page.model.item(0, 0).setCheckState(Qt.CheckState.Unchecked)  # the producer drops one proposal
    shot(wiz, "3-preview")
    assert wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    next_page(qtbot, wiz)
    qtbot.waitUntil(lambda: wiz.result_page.done, timeout=15_000)
    shot(wiz, "4-result")
    res = wiz.result_page.result
    assert res.written and res.reads_created == n - 1
    assert "60 episodes added" in wiz.result_page.text.text()
    assert len(cat.list_episodes(ctx.store, "Inference Hour")) == 60
    assert rd.count_reads(ctx.store, show="Inference Hour") == n - 1
    assert notified and "reads" in notified[-1]


def test_wizard_csv_problems_block_import(qtbot, ctx, tmp_path):
    f = tmp_path / "reads.csv"
    f.write_text("Podcast,Ep,Advertiser,Slot\nPractical AI,59,Acme,mid\nPractical AI,60,Fastly,sideways\n"
                 "Practical AI,61,Brave,post\n", encoding="utf-8")
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.kind_page.group.button(2).setChecked(True)
    assert wiz.kind() == "reads"
    next_page(qtbot, wiz)
    wiz.source_page.path.setText(str(f))
    next_page(qtbot, wiz)
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    problems = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert problems == ["row 2: sponsor: no sponsor named 'Acme' (add it first, or import with --create-missing)",
                        "row 3: placement: 'sideways' is not a placement (pre, mid or post; 'Pre-roll', 'Mid roll' and "
                        "'Post' are read too)"]
    assert not wiz.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert page.combos["sponsor"].currentData() == "Advertiser"
    shot(wiz, "5-csv-problems")
    # map the placement column away: the row with 'sideways' becomes fine; Acme still is not
    page.combos["placement"].setCurrentIndex(0)
    page.recheck.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=15_000)
    problems = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert problems == ["row 2: sponsor: no sponsor named 'Acme' (add it first, or import with --create-missing)"]


def test_wizard_bad_feed_message(qtbot, ctx, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<rss><channel><title>x</title><item>")
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    next_page(qtbot, wiz)
    wiz.source_page.path.setText(str(bad))
    next_page(qtbot, wiz)
    page = wiz.preview_page
    qtbot.waitUntil(lambda: not page.busy, timeout=15_000)
    assert "feed: is truncated" in page.summary.text()
    assert not wiz.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_wizard_show_notes_preview_says_why_each_sponsor_was_found(qtbot, ctx, tmp_path):
    """Issue 11 item 1: the import preview shows which rule and line found each sponsor."""
    from PySide6.QtWidgets import QRadioButton

    notes = tmp_path / "syntax-094.md"
    notes.write_text((Path(__file__).parent / "fixtures" / "real" / "syntax-094.md").read_text(encoding="utf-8"),
                     encoding="utf-8")
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.findChild(QRadioButton, "kind_shownotes").setChecked(True)
    next_page(qtbot, wiz)
    wiz.source_page.path.setText(str(notes))
    wiz.source_page.show_combo.setCurrentIndex(wiz.source_page.show_combo.findData("Practical AI"))
    wiz.source_page.episode.setText("59")
    next_page(qtbot, wiz)
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    headers = [page.model.horizontalHeaderItem(c).text() for c in range(page.model.columnCount())]
    col = headers.index("Found by")
    rows = [(page.model.item(r, 3).text(), page.model.item(r, col).text()) for r in range(page.model.rowCount())]
    assert rows == [("Freshbooks (new)", "a heading that names the sponsor (line 10)"),
                    ("React in Action (new)", "a heading that names the sponsor (line 14)")]
    shot(wiz, "6-shownotes-found-by")


def test_wizard_xlsx_sheet_creating_a_missing_sponsor(qtbot, ctx, tmp_path):
    """Issue 11 item 4: an XLSX sheet read directly, "Mid roll" understood, and a sponsor that is not in the
    database created when the producer ticks the box (named in the preview first)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Podcast", "Ep", "Advertiser", "Slot"])
    wb.active.append(["Practical AI", 59, "Acme Cloud", "Mid roll"])
    f = tmp_path / "reads.xlsx"
    wb.save(f)
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.kind_page.group.button(2).setChecked(True)
    next_page(qtbot, wiz)
    wiz.source_page.path.setText(str(f))
    assert wiz.source_page.create_missing.isVisibleTo(wiz)
    wiz.source_page.create_missing.setChecked(True)
    next_page(qtbot, wiz)
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    assert page.result.ok and "New sponsors: Acme Cloud." in page.summary.text()
    shot(wiz, "7-xlsx-create-missing")
    next_page(qtbot, wiz)
    qtbot.waitUntil(lambda: wiz.result_page.done, timeout=15_000)
    assert wiz.result_page.result.written
    assert rd.count_reads(ctx.store, sponsor="Acme Cloud") == 1
