"""The first start (issue 14 item 4): an empty database opens on a welcome page with four ways to
begin; the demo goes into a file of its own and opens there, the producer's database stays empty."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QCommandLinkButton
from ui_helpers import make_window

from sponsortrack.paths import default_db_path, demo_db_path
from sponsortrack.services import catalog as cat
from sponsortrack.store import Store
from sponsortrack.store import catalog as scatalog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

TITLES = ["Import your podcast's RSS feed", "Import your old spreadsheet", "Add a show", "Explore the demo network"]


def _welcome(qtbot, win):
    dash = win.pages["dashboard"]
    qtbot.waitUntil(lambda: dash.welcome is not None and dash.welcome.isVisible(), timeout=10_000)
    return dash.welcome


def test_empty_database_opens_on_the_welcome_page(qtbot, store, tmp_path):
    win = make_window(qtbot, store, tmp_path)
    welcome = _welcome(qtbot, win)
    assert [b.text() for b in welcome.findChildren(QCommandLinkButton)] == TITLES
    assert not win.pages["dashboard"].scroll_area.isVisible()  # no empty figures


def test_a_database_with_data_shows_the_dashboard(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)
    dash = win.pages["dashboard"]
    qtbot.waitUntil(lambda: dash.figure_labels["running"].text() != "—", timeout=10_000)
    assert dash.welcome is None and dash.scroll_area.isVisible()


@pytest.mark.parametrize(("key", "kind"), [("rss", "rss"), ("spreadsheet", "reads")])
def test_import_choices_open_the_wizard_at_the_file_step(qtbot, store, tmp_path, key, kind):
    from sponsortrack.ui import import_wizard as iw

    win = make_window(qtbot, store, tmp_path)
    welcome = _welcome(qtbot, win)
    welcome.buttons[key].click()
    wiz = win.findChild(iw.ImportWizard)
    assert wiz is not None and wiz.isVisible()
    assert wiz.kind() == kind and wiz.currentId() == iw.PAGE_SOURCE
    wiz.reject()


def test_add_a_show_then_log(qtbot, store, tmp_path):
    win = make_window(qtbot, store, tmp_path)
    welcome = _welcome(qtbot, win)
    welcome.buttons["show"].click()
    from sponsortrack.ui.dialogs.records import ShowDialog

    dlg = win.findChild(ShowDialog, "welcome_show_dialog")
    assert dlg is not None and dlg.isVisible()
    dlg.fields["name"].widget.setText("Inference Hour")
    dlg.save()
    assert [s.name for s in cat.list_shows(store)] == ["Inference Hour"]
    assert win.current_key == "log" and win.pages["log"].show_box.currentText() == "Inference Hour"
    win.show_page("dashboard")
    qtbot.waitUntil(lambda: not win.pages["dashboard"].welcome.isVisible(), timeout=10_000)


def test_explore_the_demo_opens_a_separate_file(qtbot, store, db_path, tmp_path):
    from sponsortrack.ui import app as uiapp

    win = make_window(qtbot, store, tmp_path)
    welcome = _welcome(qtbot, win)
    target = demo_db_path()
    assert target.parent == default_db_path().parent and target != db_path
    assert not target.exists()
    welcome.buttons["demo"].click()
    qtbot.waitUntil(lambda: any(w.ctx.db_path == target for w in uiapp._windows), timeout=20_000)
    new = next(w for w in uiapp._windows if w.ctx.db_path == target)
    try:
        assert not win.isVisible() and new.isVisible()
        assert len(cat.list_shows(new.ctx.store)) == 2 and "demo.db" in new.windowTitle()
        with Store(db_path) as own:
            assert scatalog.is_empty(own)  # nothing went into the producer's own database
    finally:
        new.ctx.tasks.wait(10_000)
        new.close()
        new.ctx.store.close()
        uiapp._windows.remove(new)
        QApplication.processEvents()
