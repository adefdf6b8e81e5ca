"""The window's sponsor editor takes a sponsor's aliases ("Also known as", comma-separated), shows a bad one
under the field, saves it as one undoable step with the rest; the Sponsors page detail lists them."""

from __future__ import annotations

import pytest
from ui_helpers import db_dump, make_window

from sponsortrack.services import catalog as cat

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_sponsor_editor_also_known_as_saves_undoes_and_shows_on_the_page(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.dialogs.records import SponsorDialog

    win = make_window(qtbot, demo_store, tmp_path, page="sponsors")
    page = win.page("sponsors")
    do = cat.resolve_sponsor(demo_store, "DigitalOcean")
    before = db_dump(demo_store)
    dlg = SponsorDialog(win.ctx, do, win)
    qtbot.addWidget(dlg)
    assert dlg.fields["aliases"].widget.text() == ""
    dlg.fields["aliases"].widget.setText("DO, Brave")
    dlg.fields["notes"].widget.setPlainText("Renewed for Q1")
    dlg.save()
    assert not dlg.result()
    assert dlg.error_text("aliases") == "'Brave' is the name of sponsor Brave"
    assert db_dump(demo_store) == before                       # neither the aliases nor the notes saved
    dlg.fields["aliases"].widget.setText("DO,  Sammy the Shark ")
    dlg.save()
    assert dlg.result()
    assert cat.get_sponsor(demo_store, do.id).aliases == ["DO", "Sammy the Shark"]
    assert cat.get_sponsor(demo_store, do.id).notes == "Renewed for Q1"
    page.refresh()
    page.sponsors.select_id(do.id)
    assert page.sponsors.selected().id == do.id
    assert "Also known as" in page.detail.text() and "DO, Sammy the Shark" in page.detail.text()
    # the editor opens with them, and one undo takes the aliases and the notes back together
    again = SponsorDialog(win.ctx, cat.get_sponsor(demo_store, do.id), win)
    qtbot.addWidget(again)
    assert again.fields["aliases"].widget.text() == "DO, Sammy the Shark"
    win.ctx.undo_stack.undo()
    assert db_dump(demo_store) == before
    win.ctx.undo_stack.redo()
    assert cat.get_sponsor(demo_store, do.id).aliases == ["DO", "Sammy the Shark"]
