"""Icons: the application icon (bundled SVG/PNG) and toolbar icons from the current style."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QStyle, QWidget

_STANDARD = {
    "new": QStyle.StandardPixmap.SP_FileIcon,
    "save": QStyle.StandardPixmap.SP_DialogSaveButton,
    "undo": QStyle.StandardPixmap.SP_ArrowBack,
    "redo": QStyle.StandardPixmap.SP_ArrowForward,
    "find": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "settings": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "delete": QStyle.StandardPixmap.SP_TrashIcon,
}


def icon(name: str, widget: QWidget) -> QIcon:
    theme = {"new": "document-new", "save": "document-save", "undo": "edit-undo", "redo": "edit-redo",
             "find": "edit-find", "settings": "preferences-system", "delete": "edit-delete"}.get(name)
    if theme and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    return widget.style().standardIcon(_STANDARD.get(name, QStyle.StandardPixmap.SP_FileIcon))


def asset_path(name: str) -> Path | None:
    """A file from the top-level ``assets/`` folder (source checkout) or the package's copy."""
    here = Path(__file__).resolve().parents[2] / "assets" / name
    if here.exists():
        return here
    try:
        p = resources.files("sponsortrack").joinpath("assets", name)
        return Path(str(p)) if p.is_file() else None
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def app_icon() -> QIcon:
    ic = QIcon()
    for name in ("sponsortrack.svg", "sponsortrack-256.png", "sponsortrack-64.png"):
        p = asset_path(name)
        if p is not None:
            ic.addFile(str(p))
    return ic
