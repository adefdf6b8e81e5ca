"""The window with no display to open on: one line and exit code 1, not Qt's five lines and a core dump."""

from __future__ import annotations

import os
import subprocess
import sys

from sponsortrack.ui.app import no_display


def test_no_display_is_named_only_on_linux_without_a_display_or_a_platform():
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in (no_display({}, "linux") or "")
    assert no_display({"DISPLAY": ":0"}, "linux") is None
    assert no_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert no_display({}, "darwin") is None and no_display({}, "win32") is None


def test_sponsortrack_without_a_display_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    db = tmp_path / "st.db"
    for args in (["--db", str(db)], ["--db", str(db), "gui"]):
        proc = subprocess.run([sys.executable, "-m", "sponsortrack", *args], env=env, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: gui: no display"), proc.stderr
    # a screenshot needs no display: it renders offscreen
    png = tmp_path / "w.png"
    proc = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "gui", "--screenshot", str(png)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert png.stat().st_size > 0
