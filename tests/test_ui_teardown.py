"""A window with undoable changes is closed and collected without crashing the process.

The context's undo stack owns the commands (in C++) and each command used the context: freed by the garbage
collector along with the window, the stack deleted its commands while the collector was tearing down the
objects they used — a segmentation fault in ``QUndoStack::clear``, seen at the end of a test run once the
collector happened to take the objects in that order. Run in a child process, so a crash is a failure here
and not the end of the suite."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = r"""
import gc, sys
from PySide6.QtWidgets import QApplication
from sponsortrack.store import Store
from sponsortrack.services import demo
from sponsortrack.ui import operations as ops
from sponsortrack.ui.config import Config
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.mainwindow import MainWindow

app = QApplication(sys.argv[:1])
store = Store(sys.argv[1])
demo.load_demo(store)
for round_ in range(3):
    ctx = AppContext(store, Config(sys.argv[2]))
    win = MainWindow(ctx)
    win.show()
    win.show_page("sponsors")
    kept = []
    for i in range(4):
        cmd = ops.CreateCommand(ctx, ops.KINDS["sponsor"], {"name": f"Sponsor {round_}-{i}"})
        assert ctx.perform(cmd)
        kept.append(cmd)  # a Python reference to a command the stack owns (a page may hold one)
    ctx.undo_stack.undo()  # one command undone: the stack holds done and undone commands
    assert ctx.undo_stack.count() == 4
    cycle = [win, ctx, kept]
    cycle.append(cycle)  # the window reachable only through a cycle: the collector frees it
    win.close()
    win.deleteLater()
    app.processEvents()
    assert ctx.undo_stack.count() == 0  # closing the window let its commands go
    del win, ctx, cycle, kept, cmd
    for _ in range(3):
        app.processEvents()
        gc.collect()
store.close()
print("CLEAN")
"""


def test_closing_a_window_with_commands_and_collecting_it_does_not_crash(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_AUTO_RECHECK": "0"}
    res = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "t.db"), str(tmp_path / "s.ini")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().endswith("CLEAN")
