"""The window turns SQLite errors into a message box, with nothing half written (issue 9, item 6)."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from ui_helpers import db_dump, make_window

from sponsortrack.errors import DatabaseError
from sponsortrack.services import catalog as cat
from sponsortrack.ui import operations as ops


def test_a_full_disk_in_the_window_is_a_message_and_nothing_is_written(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)
    before = db_dump(demo_store)
    pages = demo_store.scalar("PRAGMA page_count")
    demo_store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = {"name": "A show too big for the disk", "description": "d" * 9_000}
    assert not ops.create(win.ctx, "show", raise_validation=False, **big)  # a message box
    assert "the disk is full" in win.last_error and str(demo_store.path) in win.last_error
    with pytest.raises(DatabaseError, match="the disk is full"):  # what a record dialog shows in itself
        ops.create(win.ctx, "show", **big)
    assert win.ctx.undo_stack.count() == 0
    assert db_dump(demo_store) == before
    demo_store.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    assert ops.create(win.ctx, "show", name="A show that fits", description="d" * 9_000)
    assert cat.resolve_show(demo_store, "A show that fits")


def test_an_sqlite_error_escaping_a_slot_is_one_message_box(qtbot, demo_store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from sponsortrack.ui import app as uiapp

    win = make_window(qtbot, demo_store, tmp_path)
    monkeypatch.setattr(uiapp, "_windows", [win])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    uiapp.install_error_hook(win)
    for _ in range(3):  # a view that fails on every repaint: one box, not a pile of them
        try:
            raise sqlite3.DatabaseError("database disk image is malformed")
        except sqlite3.DatabaseError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "is corrupt (database disk image is malformed)" in win.last_error
    boxes = [b for b in win.findChildren(QMessageBox) if b.objectName() == "error_box" and b.isVisible()]
    assert len(boxes) == 1 and boxes[0].windowTitle() == "Database problem"
    boxes[0].done(0)
    try:
        raise ValueError("a bug")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert win.last_error == "ValueError: a bug"


def test_a_background_task_failing_in_sqlite_reports_one_line(qtbot, demo_store, tmp_path):
    win = make_window(qtbot, demo_store, tmp_path)

    def work(control, db_path):
        raise sqlite3.OperationalError("database or disk is full")

    with qtbot.waitSignal(win.ctx.error, timeout=10_000) as blocker:
        win.ctx.tasks.start("Making the report", work)
    title, text = blocker.args
    assert title == "Making the report"
    assert text.startswith(f"database {demo_store.path}: the disk is full")
    win.ctx.tasks.wait(10_000)
