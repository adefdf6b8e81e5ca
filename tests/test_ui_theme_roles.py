"""The window's look without an application style sheet: text roles, cards, banners, read-only fields,
table grids and the sidebar — in both themes, and after switching between them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView

from sponsortrack.ui import theme as th
from tests.ui_helpers import make_window


@pytest.fixture
def light(qapp):
    th.apply_theme(qapp, "light")
    yield qapp
    th.apply_theme(qapp, "light")
    qapp.processEvents()


def _switch(app, theme: str) -> None:
    th.apply_theme(app, theme)
    app.processEvents()  # Qt hands the new palette to the widgets from the event loop


def _fg(label: QLabel) -> QColor:
    return label.palette().color(QPalette.ColorGroup.Active, label.foregroundRole())


def test_no_application_style_sheet_in_either_theme(light):
    for theme in ("light", "dark", "light"):
        th.apply_theme(light, theme)
        assert light.styleSheet() == ""  # every widget would go through the style-sheet style


def test_text_roles_set_size_weight_and_colour(light, qtbot):
    plain = QLabel("x")
    qtbot.addWidget(plain)
    base = plain.font().pointSizeF()
    for role, size in (("h1", 15.0), ("h2", 11.0), ("figure", 17.0)):
        lab = QLabel("x")
        qtbot.addWidget(lab)
        th.set_role(lab, role)
        assert lab.property("role") == role
        assert lab.font().pointSizeF() == size != base
        assert lab.font().weight() == 600
    muted = QLabel("x")
    qtbot.addWidget(muted)
    th.set_role(muted, "muted")
    assert _fg(muted) == QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    err = QLabel("x")
    qtbot.addWidget(err)
    th.set_role(err, "error")
    assert _fg(err) == QColor(th.error_color(False))
    with pytest.raises(ValueError, match="role: 'loud' is not one of"):
        th.set_role(err, "loud")


def test_roles_follow_a_change_of_theme_and_can_change(light, qtbot):
    err, muted = QLabel("bad"), QLabel("hint")
    for w in (err, muted):
        qtbot.addWidget(w)
    th.set_role(err, "error")
    th.set_role(muted, "muted")
    _switch(light, "dark")
    assert _fg(err) == QColor(th.error_color(True))
    assert _fg(muted) == QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    assert _fg(muted) == th.dark_palette().color(QPalette.ColorRole.PlaceholderText)
    th.set_role(err, "muted")  # an error hint turning back into a muted one (the Log page's date hint)
    assert _fg(err) == _fg(muted)
    th.set_role(muted, "error")
    assert _fg(muted) == QColor(th.error_color(True))
    _switch(light, "light")
    assert _fg(muted) == QColor(th.error_color(False))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_muted_and_error_text_meet_wcag_aa_on_window_and_base(light, qtbot, theme):
    from tests.test_ui_desktop import contrast

    _switch(light, theme)
    for role in ("muted", "error"):
        probe = QLabel("x")
        qtbot.addWidget(probe)
        th.set_role(probe, role)
        for bg in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            assert contrast(_fg(probe), QApplication.palette().color(bg)) >= 4.5, (theme, role, bg)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_card_and_a_banner_are_drawn_in_the_theme_colours(light, qtbot, theme):
    from sponsortrack.ui.widgets.panels import Banner, Card

    _switch(light, theme)
    pal = QApplication.palette()
    card, banner = Card(), Banner("A notice")
    for w, fill in ((card, QPalette.ColorRole.Base), (banner, QPalette.ColorRole.AlternateBase)):
        qtbot.addWidget(w)
        w.resize(200, 60)
        img = w.grab().toImage()
        assert img.pixelColor(100, 30 if w is card else 3).rgb() == pal.color(fill).rgb()  # inside
        assert img.pixelColor(100, 0).rgb() == pal.color(QPalette.ColorRole.Mid).rgb()  # the border line
        assert img.pixelColor(0, 0).alpha() < 255 or img.pixelColor(0, 0).rgb() != pal.color(fill).rgb()  # round
    assert banner.margin() == 6 and banner.property("role") == "banner"


def test_a_read_only_field_shows_the_window_colour_in_both_themes(light, qtbot):
    edit = QLineEdit("billed")
    qtbot.addWidget(edit)
    th.mark_read_only(edit)
    assert edit.isReadOnly()
    for theme in ("light", "dark"):
        _switch(light, theme)
        assert edit.palette().color(QPalette.ColorRole.Base) == QApplication.palette().color(QPalette.ColorRole.Window)


def test_table_grids_are_midlight_after_a_change_of_theme(light, qtbot):
    view = QTableView()
    qtbot.addWidget(view)
    th.table_grid(view)
    _switch(light, "dark")
    assert view.styleSheet() == th.TABLE_SHEET


def test_the_sidebar_lists_the_pages_and_a_click_opens_one(light, qtbot, demo_store, tmp_path):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from sponsortrack.ui.lazy_qt import Qt
    from sponsortrack.ui.pages import PAGES

    win = make_window(qtbot, demo_store, tmp_path)
    bar = win.sidebar
    keys = [k for k, _t, _m in PAGES]
    assert bar.titles() == [title for _k, title, _t in PAGES] and bar.count() == len(PAGES)
    assert bar.currentRow() == 0
    assert bar.focusPolicy() == Qt.FocusPolicy.NoFocus  # the Go menu is the keyboard's way (Ctrl+1…9)
    assert "Go menu" in bar.accessibleDescription()
    third = bar.row_rect(2)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, third.center())
    assert win.current_key == keys[2] and bar.currentRow() == 2
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, third.center())
    assert win.current_key == keys[2]  # the current page again: nothing changes
    below = QPoint(20, bar.row_rect(bar.count() - 1).bottom() + 20)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, below)
    assert win.current_key == keys[2]  # below the last page: no page
    assert bar.row_at(below.y()) == -1 and bar.row_at(0) == -1
    win.show_page("reports")  # Ctrl+N and ctx.navigate go through show_page
    assert bar.currentRow() == keys.index("reports")
    QTest.mouseMove(bar, bar.row_rect(1).center())
    qtbot.waitUntil(lambda: bar.toolTip() == f"{PAGES[1][1]} (Ctrl+2)", timeout=2000)  # its Go key
    img = bar.grab().toImage()
    pal = QApplication.palette()
    cur, hover = bar.row_rect(bar.currentRow()), bar.row_rect(1)
    assert img.pixelColor(cur.width() - 5, cur.center().y()).rgb() == pal.color(QPalette.ColorRole.Highlight).rgb()
    assert img.pixelColor(1, cur.center().y()).rgb() == pal.color(QPalette.ColorRole.Link).rgb()  # the accent bar
    assert img.pixelColor(hover.width() - 5, hover.center().y()).rgb() == pal.color(QPalette.ColorRole.Button).rgb()
    plain = bar.row_rect(4)
    assert img.pixelColor(plain.width() - 5, plain.center().y()).rgb() == pal.color(QPalette.ColorRole.Window).rgb()
    # the current title is drawn in the highlighted text colour, the others in the window text colour
    def inks(rect):
        return {img.pixelColor(x, y).rgb() for x in range(rect.x() + 20, rect.x() + 90)
                for y in range(rect.y() + 8, rect.bottom() - 8)}
    assert pal.color(QPalette.ColorRole.HighlightedText).rgb() in inks(cur)
    assert pal.color(QPalette.ColorRole.WindowText).rgb() in inks(plain)
    with pytest.raises(IndexError, match="row: 99"):
        bar.setCurrentRow(99)
    win.ctx.tasks.wait(10_000)


def test_pyside_is_told_only_what_its_own_check_would_find(tmp_path):
    """ui.lazy_qt.import_pyside: the modules entered in PySide6's table before the window's imports, and
    the faster source check used after, give what PySide6's own check gives — for every module loaded
    once the window has painted its first frame."""
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import builtins, json, os, sys\n"
        "seen = {}\n"
        "_print = builtins.print\n"
        "def spy(*a, **k):\n"
        "    if a == ('idle',) and not seen:\n"
        "        f = sys.modules['shibokensupport.feature']\n"
        "        fast, slow = f._mod_uses_pyside, f._mod_uses_pyside.slow\n"
        "        mods = [m for m in list(sys.modules.values()) if hasattr(m, '__name__')]\n"
        "        seen['n'] = len(mods)\n"
        "        seen['differ'] = [m.__name__ for m in mods if bool(fast(m)) != bool(slow(m))]\n"
        "        seen['wrong'] = [n for n, v in f.pyside_feature_dict.items()\n"
        "                         if v == -1 and n in sys.modules and slow(sys.modules[n])]\n"
        "        seen['ours'] = sorted(n for n, v in f.pyside_feature_dict.items()\n"
        "                              if n.startswith('sponsortrack.ui') and v == 0)\n"
        "    _print(*a, **k)\n"
        "builtins.print = spy\n"
        "from sponsortrack.launch import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "_print('PROBE', json.dumps(seen))\n"
    )
    from sponsortrack.store import Store

    Store(tmp_path / "t.db").close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_QUIT_WHEN_IDLE": "1",
           "SPONSORTRACK_SETTINGS": str(tmp_path / "s.ini")}
    res = subprocess.run([sys.executable, "-c", probe, "--db", str(tmp_path / "t.db"), "gui"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    line = next(x for x in res.stdout.splitlines() if x.startswith("PROBE "))
    seen = json.loads(line.removeprefix("PROBE "))
    assert seen["n"] > 150 and seen["differ"] == [] and seen["wrong"] == []
    assert "sponsortrack.ui.mainwindow" in seen["ours"]  # the window's modules do say PySide6
