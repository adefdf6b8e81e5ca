"""What the window does before its first frame, checked without a clock (docs/benchmarks.md has the times).

The first frame is painted without building the ``Qt`` namespace's enums (ui.lazy_qt: ~10 ms), without
the modules of pages not shown, and without the services (the dashboard's worker loads them after it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import builtins, json, sys
seen = {}
_print = builtins.print

def spy(*a, **k):  # the benchmark's clock stops at this line: the first frame painted, the loop idle
    if a == ("idle",) and not seen:
        from PySide6 import QtCore
        from sponsortrack.ui import app
        seen["painted"] = bool(app._windows) and all(w.ctx._painted for w in app._windows)
        seen["qt_built"] = "Qt" in vars(QtCore)
        from PySide6.QtWidgets import QApplication
        seen["sheet"] = QApplication.instance().styleSheet()
        seen["modules"] = sorted(m for m in sys.modules if m.startswith("sponsortrack"))
    _print(*a, **k)

builtins.print = spy
from sponsortrack.launch import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("PROBE", json.dumps(seen))
"""


def first_frame(tmp_path, db, *args: str, **env: str) -> dict:
    full = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_SETTINGS": str(tmp_path / "s.ini"),
            "SPONSORTRACK_QUIT_WHEN_IDLE": "1", **env}
    res = subprocess.run([sys.executable, "-c", PROBE, "--db", str(db), "gui", *args], capture_output=True,
                         text=True, env=full, timeout=120)
    assert res.returncode == 0, res.stderr
    line = next(x for x in res.stdout.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


@pytest.mark.parametrize("theme", ["system", "light", "dark"])
def test_first_frame_builds_no_qt_namespace_and_loads_only_the_page_shown(tmp_path, demo_store, theme):
    seen = first_frame(tmp_path, demo_store.path, SPONSORTRACK_THEME=theme)
    assert seen["painted"] is True
    assert seen["qt_built"] is False  # a Qt.* on the way to the first frame costs ~10 ms: use ui.lazy_qt
    assert seen["sheet"] == ""  # an application style sheet routes every widget through the style-sheet style
    pages = [m for m in seen["modules"] if m.startswith("sponsortrack.ui.pages.")]
    assert pages == ["sponsortrack.ui.pages.dashboard"]
    for later in ("sponsortrack.services", "sponsortrack.cli", "sponsortrack.ui.dialogs",
                  "sponsortrack.ui.import_wizard", "sponsortrack.ui.operations", "sponsortrack.ui.models",
                  "sponsortrack.ui.tasks"):
        assert not [m for m in seen["modules"] if m == later or m.startswith(later + ".")], later


def test_another_start_page_loads_its_module_and_not_the_dashboard(tmp_path, demo_store):
    seen = first_frame(tmp_path, demo_store.path, "--page", "sponsors")
    pages = [m for m in seen["modules"] if m.startswith("sponsortrack.ui.pages.")]
    assert "sponsortrack.ui.pages.sponsors" in pages
    assert "sponsortrack.ui.pages.dashboard" not in pages
    assert "sponsortrack.ui.pages.history" not in pages


def test_the_toolbar_sheets_are_what_the_icon_engine_draws(qapp):
    from PySide6.QtGui import QImage

    from sponsortrack.ui import icons
    from sponsortrack.ui.theme import dark_palette, light_palette

    for theme, pal in (("light", light_palette()), ("dark", dark_palette())):
        path = icons.asset_path(icons.sheet_name(theme))
        assert path is not None, f"run python -m sponsortrack.ui.icons ({theme} sheet missing)"
        stored = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
        drawn = icons.render_sheet(pal).toImage().convertToFormat(QImage.Format.Format_ARGB32)
        assert (stored.width(), stored.height()) == (drawn.width(), drawn.height())
        worst = 0
        for y in range(0, drawn.height()):
            for x in range(0, drawn.width()):
                a, b = stored.pixel(x, y), drawn.pixel(x, y)
                worst = max(worst, *(abs((a >> s & 255) - (b >> s & 255)) for s in (0, 8, 16, 24)))
        # antialiasing may differ by a few levels between Qt builds; a changed glyph differs by far more
        assert worst <= 48, f"{theme}: the sheet is stale, run python -m sponsortrack.ui.icons"


def test_toolbar_icons_come_from_the_sheet_in_both_themes(qapp):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from sponsortrack.ui import icons
    from sponsortrack.ui.theme import apply_theme

    for theme in ("light", "dark"):
        apply_theme(qapp, theme)
        for name in icons.SHEET_ICONS:
            for side in icons.SHEET_SIZES:
                for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
                    pm = icons.sheet_pixmap(name, QSize(side, side), mode)
                    assert pm is not None and (pm.width(), pm.height()) == (side, side)
                    img = pm.toImage()
                    assert any(img.pixelColor(x, y).alpha() > 0 for x in range(side) for y in range(side))
    assert icons.sheet_pixmap("delete", QSize(16, 16), QIcon.Mode.Normal) is None  # not on the toolbar: drawn
    assert icons.sheet_pixmap("new", QSize(24, 24), QIcon.Mode.Normal) is None
    for name, side in (("delete", 16), ("new", 24)):  # drawn by the engine instead
        img = icons.icon(name).pixmap(side, side).toImage()
        assert img.width() == side
        assert any(img.pixelColor(x, y).alpha() > 0 for x in range(side) for y in range(side))  # not blank
    apply_theme(qapp, "light")


def test_the_system_scheme_is_remembered_and_a_wrong_guess_corrected(qapp, tmp_path, monkeypatch):
    from sponsortrack.ui import theme as th
    from sponsortrack.ui.config import Config

    cfg = Config(str(tmp_path / "s.ini"))
    assert cfg.system_dark is False
    assert th.apply_theme(qapp, "system", system_dark=cfg.system_dark) is False  # the first frame: light
    monkeypatch.setattr(th, "system_is_dark", lambda: True)
    th.follow_system_scheme(qapp, "system", cfg)  # after the first frame the desktop says dark
    assert qapp.property("st_dark") is True
    assert cfg.system_dark is True  # the next start paints dark from its first frame
    monkeypatch.setattr(th, "system_is_dark", lambda: False)
    th.follow_system_scheme(qapp, "light", cfg)  # an explicit theme stays, the scheme is still remembered
    assert cfg.system_dark is False
    assert qapp.property("st_dark") is True  # untouched: the user's light/dark choice is applied elsewhere
    th.apply_theme(qapp, "light")


def test_enum_properties_are_set_by_name_and_a_wrong_name_is_refused(qapp):
    from PySide6.QtWidgets import QLabel, QListWidget

    from sponsortrack.ui.lazy_qt import Qt, set_enum_property

    lst = QListWidget()
    set_enum_property(lst, "focusPolicy", 0)
    assert lst.focusPolicy() == Qt.FocusPolicy.NoFocus
    lab = QLabel()
    set_enum_property(lab, "textInteractionFlags", 1)
    assert lab.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    with pytest.raises(AttributeError, match="focusPolicee"):
        set_enum_property(lst, "focusPolicee", 0)


def test_a_chart_is_blank_until_its_data_arrives(qapp):
    from sponsortrack.ui.widgets.charts import LineChart

    chart = LineChart()
    chart.resize(300, 200)
    assert chart.loaded is False
    blank = chart.grab().toImage()
    chart.set_data([], [])
    assert chart.loaded is True
    empty = chart.grab().toImage()
    assert blank != empty  # "Nothing to show yet." is said only once the data says so


def test_a_screenshot_says_nothing_on_stderr_about_size_hints(tmp_path, demo_store):
    """Qt's offscreen platform reports it cannot pass a window's minimum size to a window manager (it has
    none); the picture is unaffected, so `gui --screenshot` drops that one message and keeps the rest."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_SETTINGS": str(tmp_path / "s.ini")}
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(demo_store.path), "gui", "--screenshot",
                          str(tmp_path / "shot.png"), "--page", "sponsors"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "shot.png").stat().st_size > 0
    assert "propagateSizeHints" not in res.stderr


def test_the_message_filter_passes_every_other_message_on(qapp, capfd):
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from sponsortrack.ui.app import quiet_harmless_qt_messages

    previous = qInstallMessageHandler(None)
    try:
        quiet_harmless_qt_messages()
        qWarning("This plugin does not support propagateSizeHints()")
        qWarning("something else went wrong")
    finally:
        qInstallMessageHandler(previous)
    err = capfd.readouterr().err
    assert "something else went wrong" in err and "propagateSizeHints" not in err


def test_the_task_runner_and_its_status_bar_widgets_come_with_the_first_task(qtbot, store, tmp_path):
    import threading

    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.mainwindow import MainWindow

    ctx = AppContext(store, Config(str(tmp_path / "s.ini")))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert ctx._tasks is None and not hasattr(win, "task_label")  # nothing made for the first frame
    gate = threading.Event()
    ctx.tasks.start("Waiting", lambda control, db_path: gate.wait(10))
    label, bar, cancel = win.task_widgets()
    assert label.text() == "Waiting" and not label.isHidden() and not cancel.isHidden()
    assert win.actions_map[next(a for a in win.actions_map if a.name == "CANCEL_TASKS")].isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: not ctx.tasks.running, timeout=10_000)
    qtbot.waitUntil(lambda: label.isHidden() and bar.isHidden() and cancel.isHidden(), timeout=10_000)
