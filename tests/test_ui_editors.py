"""Editors show the services' validation messages next to the field and save nothing invalid; every
create, edit and delete undoes and redoes to the same database."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLabel
from ui_helpers import db_dump, make_window

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store
from sponsortrack.ui import operations as ops

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _round_trip(win, store, action):
    before = db_dump(store)
    action()
    after = db_dump(store)
    assert after != before
    win.ctx.undo_stack.undo()
    assert db_dump(store) == before
    win.ctx.undo_stack.redo()
    assert db_dump(store) == after
    return after


def test_sponsor_dialog_marks_the_field_and_saves_nothing(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.dialogs.records import SponsorDialog

    win = make_window(qtbot, demo_store, tmp_path, page="sponsors")
    before = db_dump(demo_store)
    dlg = SponsorDialog(win.ctx, None, win)
    qtbot.addWidget(dlg)
    dlg.fields["name"].widget.setText("Linode")
    dlg.fields["domains"].widget.setText("linode.com, not a domain")
    dlg.fields["contact_email"].widget.setText("ads-at-linode")
    dlg.save()
    assert not dlg.result()
    assert "not a domain" in dlg.error_text("domains") or "is not" in dlg.error_text("domains")
    assert db_dump(demo_store) == before
    dlg.fields["domains"].widget.setText("linode.com")
    dlg.save()
    assert "not an e-mail address" in dlg.error_text("contact_email") and dlg.error_text("domains") == ""
    dlg.fields["contact_email"].widget.setText("ads@linode.com")
    dlg.save()
    assert dlg.result()
    sp = cat.resolve_sponsor(demo_store, "Linode")
    assert sp.domains == ["linode.com"]
    win.ctx.undo_stack.undo()
    assert db_dump(demo_store) == before


def test_duplicate_name_and_bad_dates_on_campaign(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.dialogs.records import CampaignDialog

    win = make_window(qtbot, demo_store, tmp_path, page="campaigns")
    k = camp.list_campaigns(demo_store)[0]
    dlg = CampaignDialog(win.ctx, k, win)
    qtbot.addWidget(dlg)
    dlg.fields["end_date"].widget.setText("2019-01-01")
    dlg.save()
    assert "before the start date" in dlg.error_text("end_date")
    dlg.fields["end_date"].widget.setText(k.end_date)
    dlg.fields["rate"].widget.setText("12.345")
    dlg.save()
    assert "decimals" in dlg.error_text("rate")
    assert camp.get_campaign(demo_store, k.id).rate_minor == k.rate_minor


def test_undo_redo_round_trips(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)
    ctx = win.ctx
    _round_trip(win, demo_store, lambda: ops.create(ctx, "agency", name="Adopter Media", commission="12.5"))
    ag = cat.resolve_agency(demo_store, "Adopter Media")
    _round_trip(win, demo_store, lambda: ops.edit(ctx, "agency", ag.id, contact_email="io@adopter.media"))
    sp = cat.resolve_sponsor(demo_store, "Fastly")
    _round_trip(win, demo_store, lambda: ops.edit(ctx, "sponsor", sp.id, agency_id=ag.id, domains="fastly.com"))
    _round_trip(win, demo_store, lambda: ops.create(ctx, "show", name="Go Time"))
    _round_trip(win, demo_store, lambda: ops.create(ctx, "episode", show="Go Time", number=1, title="Hello"))
    ep = cat.resolve_episode(demo_store, "Go Time", 1)
    _round_trip(win, demo_store, lambda: ops.edit(ctx, "episode", ep.id, published_on="2019-11-01"))
    _round_trip(win, demo_store, lambda: ops.create(
        ctx, "campaign", sponsor="Fastly", name="Go Time Q4", start_date="2019-10-01", end_date="2019-12-31",
        pricing="flat", rate="500", booked_reads=10))
    k = camp.resolve_campaign(demo_store, "Go Time Q4")
    _round_trip(win, demo_store, lambda: ops.edit(ctx, "campaign", k.id, rate="650", status="paused"))
    _round_trip(win, demo_store, lambda: ops.log_reads(ctx, [{"sponsor": "Fastly"}], episode_id=ep.id))
    rid = max(r["id"] for r in demo_store.query("SELECT id FROM ad_reads"))
    _round_trip(win, demo_store, lambda: ops.edit_read(ctx, rid, placement="post", status="flagged"))
    _round_trip(win, demo_store, lambda: ops.delete_reads(ctx, [rid]))
    _round_trip(win, demo_store, lambda: ops.delete(ctx, "campaign", k.id, k.name))
    _round_trip(win, demo_store, lambda: ops.update_settings(ctx, seller_name="Changelog Media",
                                                             invoice_number_pattern="CL-{year}-{seq:03}"))
    assert ssvc.get_settings(demo_store)["seller_name"] == "Changelog Media"
    # Undo everything back to the demo database.
    while ctx.undo_stack.canUndo():
        ctx.undo_stack.undo()
    assert cat.catalog.find_agency(demo_store, "Adopter Media") is None
    assert ssvc.get_settings(demo_store)["invoice_number_pattern"] == "{year}-{seq:04}"


def test_refused_delete_is_reported_not_pushed(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)
    sp = cat.resolve_sponsor(demo_store, "Fastly")
    assert not ops.delete(win.ctx, "sponsor", sp.id, "Fastly")
    assert win.ctx.undo_stack.count() == 0
    assert "cannot be deleted" in win.last_error


def test_locked_database_retries_then_reports(qtbot, demo_store, tmp_path, db_path):
    import sqlite3

    win = make_window(qtbot, demo_store, tmp_path)
    other = sqlite3.connect(db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not win.ctx.perform(ops.CreateCommand(win.ctx, ops.KINDS["show"], {"name": "Locked Show"}))
        assert "locked by another program" in win.last_error
    finally:
        other.rollback()
        other.close()
    assert ops.create(win.ctx, "show", name="Locked Show") is not None


def test_corrupt_file_dialog_names_the_path_and_restores_the_backup(qtbot, tmp_path):
    from sponsortrack.ui.app import open_store
    from sponsortrack.ui.dialogs.dbproblem import DatabaseProblemDialog, backups_of

    good = tmp_path / "network.db"
    s = Store(good)
    cat.add_show(s, name="Practical AI")
    s.backup(tmp_path / "network.backup-20261101T000000Z-before-m002.db")
    s.close()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"network.db{suffix}").unlink(missing_ok=True)
    good.write_bytes(b"this is not a database at all" * 10)
    with pytest.raises(Exception) as err:
        open_store(good, True)
    dlg = DatabaseProblemDialog(good, str(err.value))
    qtbot.addWidget(dlg)
    texts = " ".join(w.text() for w in dlg.findChildren(QLabel))
    assert str(good) in texts and "not an SQLite database" in texts
    assert backups_of(good) and dlg.restore_button.isEnabled()
    dlg.restore_latest()
    assert dlg.choice == good
    s = open_store(good, True)
    assert cat.resolve_show(s, "Practical AI")
    s.close()
    assert list(tmp_path.glob("network.db.unusable-*"))


def test_screenshot_cli_renders_every_page(tmp_path):
    db = tmp_path / "demo.db"
    env = {"SPONSORTRACK_SETTINGS": str(tmp_path / "st.ini"), "QT_QPA_PLATFORM": "offscreen",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    import os

    env = {**os.environ, **env}
    subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "demo"], check=True, env=env,
                   capture_output=True)
    for page in ("dashboard", "log", "history", "links"):
        out = tmp_path / f"{page}.png"
        res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "gui", "--screenshot",
                              str(out), "--page", page], env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        assert out.stat().st_size > 10_000
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(bad), "gui", "--screenshot",
                          str(tmp_path / "bad.png")], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and str(bad) in res.stderr and "Traceback" not in res.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
