"""Opening a file for the user to look at: the app's own temp folder (removed at exit) and a clear
word in the window when no program can open the file, with "Show in folder" instead."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QWidget

_temp: Path | None = None


def _open_url(path: str) -> bool:
    from PySide6.QtGui import QDesktopServices

    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(path)))


# The seam tests replace: open a local file or folder with the desktop's program; False when none could.
open_url: Callable[[str], bool] = _open_url


def temp_dir() -> Path:
    """A folder of this process's own for files made only to be looked at (an invoice opened from the
    Invoices page). Made on first use, removed with everything in it when the app exits."""
    global _temp
    if _temp is None or not _temp.is_dir():
        _temp = Path(tempfile.mkdtemp(prefix="sponsortrack-view-"))
        atexit.register(shutil.rmtree, _temp, True)
    return _temp


def clean_temp_dir() -> None:
    """Remove the viewing folder now (the window calls it as the app quits; atexit is the fallback)."""
    global _temp
    if _temp is not None:
        shutil.rmtree(_temp, ignore_errors=True)
        _temp = None


def open_file(parent: QWidget | None, path: str) -> bool:
    """Open ``path`` with the desktop's program for it. When there is none, say so in the window and
    offer to show the file in its folder (or, failing that too, where it is)."""
    if open_url(path):
        return True
    from PySide6.QtWidgets import QMessageBox

    kind = Path(path).suffix.lstrip(".").upper() or "this kind of"
    box = QMessageBox(QMessageBox.Icon.Information, "No program to open the file",
                      f"No program on this computer opens {kind} files, so {Path(path).name} could not be "
                      f"opened.\n\nIt is saved in {Path(path).parent}.", QMessageBox.StandardButton.Close, parent)
    box.setObjectName("no_viewer_box")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    show = box.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
    show.setObjectName("show_in_folder")
    box.setDefaultButton(show)

    def clicked(button) -> None:
        if button is show and not open_url(str(Path(path).parent)):
            box2 = QMessageBox(QMessageBox.Icon.Information, "No file manager",
                               f"No program shows folders either. The file is:\n{path}",
                               QMessageBox.StandardButton.Close, parent)
            box2.setObjectName("no_folder_box")
            box2.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box2.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box2.open()

    box.buttonClicked.connect(clicked)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # window-modal, never blocks the event loop
    return False
