"""The log screen: three reads of a new episode in at most 10 key presses, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import db_dump, make_window

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.ui.models.proposals import PROMO_CODE, PROMO_URL
from sponsortrack.validation import parse_day

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _network(store):
    today = dt.date.today()
    start, end = (today - dt.timedelta(days=30)).isoformat(), (today + dt.timedelta(days=60)).isoformat()
    show = cat.add_show(store, name="Practical AI")
    cat.add_episode(store, show.id, number=62, title="Blacklisted AI", recorded_on="2019-10-21")
    for name, placement, url, code in (("DigitalOcean", "pre", "https://do.co/changelog", None),
                                       ("Fastly", "post", "https://fastly.com", None),
                                       ("Brave", "mid", "https://brave.com/changelog", "BRAVE"),
                                       ("Linode", "mid", "https://linode.com/changelog", "PRACTICALAI")):
        sp = cat.add_sponsor(store, name=name)
        camp.add_campaign(store, sponsor=sp.id, name=f"{name} 2026", start_date=start, end_date=end,
                          pricing="flat", rate="1000", default_placement=placement, promo_url=url,
                          promo_code=code, booked_reads=10)
    return show


class KeyCounter:
    """Each call is one key press (a chord such as Ctrl+S counts as one), sent where the focus is."""

    def __init__(self, qtbot, window):
        self.qtbot, self.window, self.n = qtbot, window, 0

    def __call__(self, key, modifier=Qt.KeyboardModifier.NoModifier):
        self.n += 1
        w = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(w, key, modifier)


def test_three_reads_of_a_new_episode_in_at_most_ten_keys(qtbot, store, tmp_path):
    show = _network(store)
    win = make_window(qtbot, store, tmp_path)
    press = KeyCounter(qtbot, win)

    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)       # 1: New -> Log, title focused
    log = win.pages["log"]
    assert win.current_key == "log"
    assert log.show_box.currentData() == show.id and log.number.value() == 63
    assert QApplication.focusWidget() is log.title
    qtbot.keyClicks(QApplication.focusWidget(), "Model serving at the edge")  # the title (not counted)
    assert [p.sponsor_name for p in log.model.items] == ["DigitalOcean", "Brave", "Linode", "Fastly"]
    assert log.date.text() == dt.date.today().isoformat()  # one earlier episode: no cadence, today
    press(Qt.Key.Key_Tab)                                           # 2: into the proposals
    assert QApplication.focusWidget() is log.view
    # the cursor is where a producer edits most: the first proposal's promo URL
    assert (log.view.currentIndex().row(), log.view.currentIndex().column()) == (0, PROMO_URL)
    press(Qt.Key.Key_Down)                                          # 3: Brave
    press(Qt.Key.Key_Space)                                         # 4: untick Brave
    press(Qt.Key.Key_Down)                                          # 5: Linode
    press(Qt.Key.Key_B)                                             # 6: Linode moves to post
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)        # 7: save all
    assert press.n <= 10

    ep = cat.resolve_episode(store, "Practical AI", 63)
    assert ep.title == "Model serving at the edge" and ep.recorded_on == dt.date.today().isoformat()
    rows = rsvc.list_reads(store, show="Practical AI", sort="placement", descending=False)
    rows = [r for r in rows if r.episode_id == ep.id]
    assert [(r.sponsor_name, r.placement, r.position, r.promo_url, r.promo_code) for r in rows] == [
        ("DigitalOcean", "pre", 1, "https://do.co/changelog", None),
        ("Linode", "post", 1, "https://linode.com/changelog", "PRACTICALAI"),  # above Fastly in the table
        ("Fastly", "post", 2, "https://fastly.com", None),
    ]
    assert all(r.campaign_id is not None for r in rows)
    # The screen now shows the saved episode, and one undo takes the whole batch (and the episode) away.
    assert log.episode_id == ep.id
    assert win.ctx.undo_stack.count() == 1


def test_undo_and_redo_a_logged_batch(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    before = db_dump(store)
    log = win.pages["log"]
    log.new_episode()
    log.title.setText("Undo me")
    log.save()
    after = db_dump(store)
    assert len(after["ad_reads"]) == 4 and len(after["episodes"]) == 2
    win.ctx.undo_stack.undo()
    assert db_dump(store) == before
    assert log.episode_id is None  # the page went back to a new episode
    win.ctx.undo_stack.redo()
    assert db_dump(store) == after


def test_invalid_title_is_shown_and_nothing_saved(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    before = db_dump(store)
    log = win.pages["log"]
    log.new_episode()
    log.save()  # no title
    assert log.title_error.isVisible() and "required" in log.title_error.text()
    assert db_dump(store) == before
    assert win.ctx.undo_stack.count() == 0


def test_add_a_sponsor_with_autocomplete_and_open_existing_episode(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log._open_from_finder("62")
    assert log.episode_id is not None and log.mode_label.text().startswith("Practical AI #62")
    assert log.model.rowCount() == 0  # no campaign ran in 2019
    log.add_sponsor.setText("digital")
    log._add_sponsor()
    assert [p.sponsor_name for p in log.model.items] == ["DigitalOcean"]
    log.save()
    assert log.error.isHidden()
    assert "DigitalOcean" in log.logged.text()


def test_proposals_model(qtmodeltester, store):
    from sponsortrack.ui.models.proposals import ProposalsModel

    _network(store)
    m = ProposalsModel()
    m.set_items(rsvc.proposals_for_date(store, 1, dt.date.today().isoformat()))
    qtmodeltester.check(m)
    m.toggle(0)
    m.set_placement(1, "post")
    assert not m.items[0].selected and m.items[1].placement == "post"


@pytest.mark.parametrize("typed", ["2019-10-23", "10/23", "23 Oct", "Oct 23 2019"])
def test_a_date_typed_in_one_go_stays_in_the_date(qtbot, store, tmp_path, typed):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    assert QApplication.focusWidget() is log.title
    qtbot.keyClick(log.title, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back to the date
    assert QApplication.focusWidget() is log.date and log.date.selectedText() == log.date.text()
    qtbot.keyClicks(log.date, typed)
    expected = parse_day(typed, "date")
    assert dt.date.fromisoformat(expected).strftime("%d %b %Y") in log.date_hint.text()
    qtbot.keyClick(log.date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is log.title and log.title.text() == ""  # no day leaked into the title
    assert log.date.text() == expected
    qtbot.keyClicks(log.title, "Dated by hand")
    log.add_sponsor.setText("Fastly")  # 2019: no campaign ran, the sponsor is added by hand
    log._add_sponsor()
    log.save()
    assert cat.resolve_episode(store, "Practical AI", 63).recorded_on == expected


def test_a_date_that_is_not_one_is_named_and_nothing_saved(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    before = db_dump(store)
    log.new_episode()
    log.title.setText("Bad date")
    log.date.selectAll()
    qtbot.keyClicks(log.date, "31 Feb 2019")
    assert "not a real date" in log.date_hint.text()
    log.save()
    assert log.title_error.isVisible() and log.title_error.text().startswith("recorded on:")
    assert db_dump(store) == before


def test_promo_url_error_is_shown_at_its_cell_while_typed(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    log.title.setText("Edge")
    qtbot.keyClick(log.title, Qt.Key.Key_Tab)
    qtbot.keyClick(log.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor.objectName() == "log_cell_editor" and editor.text() == "https://do.co/changelog"
    editor.selectAll()
    qtbot.keyClicks(editor, "do co")
    err = log.view.findChild(type(log.title_error), "log_cell_error")
    assert err.isVisible() and err.text() == "Promo URL of DigitalOcean: must not contain spaces"
    cell = log.view.visualRect(log.model.index(0, PROMO_URL))
    # under its cell, starting where the cell starts — or moved left just enough to end inside the table
    room = log.view.viewport().width()
    assert err.geometry().top() >= cell.bottom()
    assert (abs(err.geometry().left() - cell.left()) < 4
            or (err.geometry().left() < cell.left() and err.geometry().right() <= room))
    editor.selectAll()
    qtbot.keyClicks(editor, "do.co/edge")
    assert not err.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "https://do")
    assert err.isVisible() and "has no domain" in err.text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits the editor from the event loop
    qtbot.waitUntil(lambda: log.model.items[0].promo_url == "https://do", timeout=2000)
    assert "has no domain" in log.model.data(log.model.index(0, PROMO_URL), Qt.ItemDataRole.ToolTipRole)
    before = db_dump(store)
    log.save()
    assert log.error.isVisible()
    assert log.error.text().startswith("DigitalOcean's promo URL: host 'do' has no domain")
    assert "read 1" not in log.error.text() and "promo_url" not in log.error.text()
    assert db_dump(store) == before
    # the code cell edits the same way, from the keyboard
    qtbot.keyClick(log.view, Qt.Key.Key_Right)
    assert log.view.currentIndex().column() == PROMO_CODE
    qtbot.keyClick(log.view, Qt.Key.Key_Return)
    qtbot.keyClicks(QApplication.focusWidget(), "EDGE")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: log.model.items[0].promo_code == "EDGE", timeout=2000)


def test_an_existing_number_offers_to_open_it(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    assert log.exists_button.isHidden()
    log.number.setValue(62)
    assert log.exists_button.isVisible() and log.exists_button.text() == "Open #62"
    before = db_dump(store)
    log.title.setText("Again")
    log.save()  # no error about a duplicate: the same offer, and nothing written
    assert "already has #62" in log.title_error.text() and db_dump(store) == before
    log.exists_button.click()
    assert log.episode_id == cat.resolve_episode(store, "Practical AI", 62).id
    assert log.mode_label.text().startswith("Practical AI #62")


def test_all_running_campaigns_logged_is_not_called_none_running(qtbot, store, tmp_path):
    _network(store)
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    log.title.setText("Everything logged")
    log.save()
    assert log.episode_id is not None and log.model.rowCount() == 0
    assert log.empty_hint.isVisible()
    assert "No campaign is running" not in log.empty_hint.text()
    assert "Every campaign running on this episode's date is logged" in log.empty_hint.text()
    log._open_from_finder("62")  # 2019: nothing ran then
    assert "No campaign is running on 2019-10-21" in log.empty_hint.text()


def test_the_next_date_follows_the_shows_cadence(qtbot, store, tmp_path):
    show = cat.add_show(store, name="Weekly")
    last = dt.date.today() - dt.timedelta(days=9)
    for i in range(4):
        cat.add_episode(store, show.id, number=i + 1, title=f"E{i + 1}",
                        recorded_on=(last - dt.timedelta(days=7 * (3 - i))).isoformat())
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.new_episode()
    assert log.number.value() == 5
    assert log.date.text() == (last + dt.timedelta(days=7)).isoformat()  # not today: the show's day
