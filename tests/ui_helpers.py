"""Helpers for the desktop tests: a main window on a given store, settings in a temp dir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# change_log is an audit trail; read_id_high_water only ever grows (an undone read keeps its id used)
SKIP_TABLES = {"change_log", "_sqlite_migrations", "read_id_high_water"}


def make_window(qtbot, store, tmp_path: Path, page: str | None = None):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.mainwindow import MainWindow

    ctx = AppContext(store, Config(str(tmp_path / "settings.ini")))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    win.show_page(page or "dashboard")
    return win


def db_dump(store) -> dict[str, list[tuple]]:
    """Every domain table's rows (the change log and the read-id mark grow on undo too)."""
    con: sqlite3.Connection = store.conn
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'read_search_%'")]  # the search index's shadow tables; read_search itself is compared
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables if t not in SKIP_TABLES}
