"""The Log page warns before saving when a ticked read's sponsor already has a read at that spot (episode
and placement) — the log command's rule (``reads.reads_at_spot``), said in the window, not copied."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui_log import _network
from ui_helpers import make_window

from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_a_second_read_at_the_same_spot_is_named_before_saving_and_can_still_be_saved(qtbot, store, tmp_path):
    show = _network(store)
    ep = cat.resolve_episode(store, show.id, 62)
    first = rsvc.log_read(store, ep.id, sponsor="DigitalOcean", placement="mid")
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.refresh()
    log.open_episode(ep.id)
    assert log.spot_warning.isHidden()
    # type the sponsor in the add box, Enter: a DigitalOcean read is proposed, ticked, on the mid-roll (no
    # campaign ran on the episode's date)
    log.add_sponsor.setFocus()
    qtbot.keyClicks(log.add_sponsor, "DigitalOcean")
    qtbot.keyClick(log.add_sponsor, Qt.Key.Key_Return)
    row = next(i for i, p in enumerate(log.model.items) if p.sponsor_name == "DigitalOcean")
    assert log.model.items[row].placement == "mid" and log.model.items[row].selected
    assert log.spot_warning.isVisible()
    assert log.spot_warning.text() == (f"DigitalOcean already has a mid-roll read on this episode (read {first}); "
                                       "saving logs another one.")
    # moved to the pre-roll with the keyboard: no read there yet, no warning; back to mid: the warning again
    log.view.setFocus()
    log.view.set_row(row)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P)
    assert log.model.items[row].placement == "pre" and log.spot_warning.isHidden()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M)
    assert log.spot_warning.isVisible()
    # unticked: nothing to warn about
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert log.spot_warning.isHidden()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    # a warning, not a refusal: saving logs the double spot, and the CLI's rule sees the same pair
    for i, p in enumerate(log.model.items):
        if p.sponsor_name != "DigitalOcean" and p.selected:
            log.model.toggle(i)
    qtbot.mouseClick(log.save_button, Qt.MouseButton.LeftButton)
    reads = [r for r in rsvc.reads_for_episode(store, ep.id) if r.sponsor_name == "DigitalOcean"]
    assert len(reads) == 2 and {r.placement for r in reads} == {"mid"}
    second = max(r.id for r in reads)
    assert [r.id for r in rsvc.same_spot_reads(store, second)] == [first]


def test_a_new_episode_has_no_reads_so_no_warning(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.refresh()
    log.new_episode()
    assert log.model.selected() and log.spot_warning.isHidden()
