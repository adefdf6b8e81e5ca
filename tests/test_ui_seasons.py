"""The window: the Episodes page names seasoned episodes "S2 E5"; the episode editor has Season, Duration,
Type and Audio file fields, its messages under the field; the Log page finds "S2E5"."""

from __future__ import annotations

import pytest
from ui_helpers import db_dump, make_window

from sponsortrack.services import catalog as cat

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_episode_editor_sets_season_duration_type_and_undoes(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.dialogs.records import EpisodeDialog

    win = make_window(qtbot, demo_store, tmp_path, page="episodes")
    show = cat.resolve_show(demo_store, "Practical AI")
    cat.add_episode(demo_store, show, season=2, number=1, title="Season two opener", published_on="2019-11-04")
    before = db_dump(demo_store)
    dlg = EpisodeDialog(win.ctx, None, win)
    qtbot.addWidget(dlg)
    dlg.fields["show"].widget.setCurrentIndex(dlg.fields["show"].widget.findData(show.id))
    dlg.fields["season"].widget.setText("2")
    dlg.fields["title"].widget.setText("Second of season two")
    dlg.fields["published_on"].widget.setText("2019-11-11")
    dlg.fields["duration_seconds"].widget.setText("1:99")
    dlg.save()
    assert not dlg.result() and "is not a duration" in dlg.error_text("duration_seconds")
    assert db_dump(demo_store) == before
    dlg.fields["duration_seconds"].widget.setText("52:10")
    box = dlg.fields["episode_type"].widget
    box.setCurrentIndex(box.findData("bonus"))
    dlg.save()
    assert dlg.result()
    ep = cat.resolve_episode(demo_store, show, "S2E2")  # the next number in season 2, not in the show
    assert (ep.title, ep.duration_seconds, ep.episode_type) == ("Second of season two", 3130, "bonus")
    # an edit that takes a (season, number) already used says so under the number
    edit = EpisodeDialog(win.ctx, ep, win)
    qtbot.addWidget(edit)
    assert edit.fields["season"].widget.text() == "2" and edit.fields["duration_seconds"].widget.text() == "52:10"
    edit.fields["number"].widget.setText("1")
    edit.save()
    assert "already has episode S2 E1" in edit.error_text("number")
    win.ctx.undo_stack.undo()
    assert db_dump(demo_store) == before


def test_episodes_page_shows_the_season_code(qtbot, demo_store, tmp_path):
    show = cat.resolve_show(demo_store, "Practical AI")
    cat.add_episode(demo_store, show, season=3, number=9, title="Seasoned", published_on="2019-12-30",
                    duration_seconds="1:02:03")
    win = make_window(qtbot, demo_store, tmp_path, page="episodes")
    page = win.page("episodes")
    page.shows.select_id(show.id)
    model = page.episodes.model
    rows = {model.index(r, 1).data(): (model.index(r, 0).data(), model.index(r, 4).data())
            for r in range(model.rowCount())}
    assert rows["Seasoned"] == ("S3 E9", "1:02:03")
    assert cat.resolve_episode(demo_store, show, "62").title in rows
    assert rows[cat.resolve_episode(demo_store, show, "62").title][0] == "#62"  # a season-less episode


def test_log_page_finds_a_seasoned_episode_by_its_code(qtbot, demo_store, tmp_path):
    show = cat.resolve_show(demo_store, "Practical AI")
    ep = cat.add_episode(demo_store, show, season=2, number=5, title="Five of two", published_on="2019-11-04")
    cat.add_episode(demo_store, show, season=1, number=5, title="Five of one", published_on="2019-06-03")
    win = make_window(qtbot, demo_store, tmp_path, page="log")
    log = win.page("log")
    log.show_box.setCurrentIndex(log.show_box.findData(show.id))
    log._open_from_finder("S2E5")
    assert log.episode_id == ep.id


def test_log_page_goes_on_in_the_shows_latest_season(qtbot, store, tmp_path):
    import datetime as dt

    from sponsortrack.services import campaigns as camp
    from sponsortrack.services import reads as rsvc

    today = dt.date.today()
    show = cat.add_show(store, name="Serial")
    cat.add_episode(store, show.id, season=1, number=8, title="Finale", published_on="2019-06-03")
    cat.add_episode(store, show.id, season=2, number=3, title="Third of two", published_on="2019-11-04")
    sp = cat.add_sponsor(store, name="Fastly")
    camp.add_campaign(store, sponsor=sp.id, name="Now", start_date=(today - dt.timedelta(days=5)).isoformat(),
                      end_date=(today + dt.timedelta(days=5)).isoformat(), pricing="flat", rate="900")
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.page("log")
    log.show_box.setCurrentIndex(log.show_box.findData(show.id))
    log.new_episode()
    assert log.number.value() == 4 and log.mode_label.text() == "New episode of Serial, season 2"
    log.number.setValue(3)  # season 2 has a 3: offered to open it
    assert log.exists_label.text() == "Serial already has S2 E3" and log._existing_id is not None
    log.number.setValue(8)  # only season 1 has an 8: no clash in season 2
    assert log._existing_id is None
    log.number.setValue(4)
    log.title.setText("Fourth of two")
    log.save()
    ep = cat.resolve_episode(store, show, "S2E4")
    assert ep.title == "Fourth of two" and log.episode_id == ep.id
    assert [r.episode_code for r in rsvc.list_reads(store, show="Serial")] == ["S2 E4"]


def test_import_wizard_lists_a_chapters_note_and_imports_the_seasons(qtbot, demo_store, tmp_path):
    from pathlib import Path

    from PySide6.QtWidgets import QWizard

    from sponsortrack.ui import import_wizard as iw

    feed = tmp_path / "seasons.xml"
    text = (Path(__file__).parent / "fixtures" / "rss" / "two_seasons.xml").read_text(encoding="utf-8")
    feed.write_text(text.replace("{CHAPTERS_URL}", "chapters/s2e1.json"), encoding="utf-8")
    win = make_window(qtbot, demo_store, tmp_path)
    wiz = iw.ImportWizard(win.ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.button(QWizard.WizardButton.NextButton).click()
    wiz.source_page.path.setText(str(feed))
    wiz.button(QWizard.WizardButton.NextButton).click()
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    notes = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert notes == ["note: item 3 (Return): chapters: the podcast:chapters link 'chapters/s2e1.json' is not an "
                     "http(s) URL"]
    assert "5 episodes to add" in page.summary.text() and page.isComplete()
    assert [(p.episode_label, p.start_seconds) for p in page.result.proposed] == [("S1 E1 Pilot", 600)]
    win.ctx.tasks.wait(10_000)
