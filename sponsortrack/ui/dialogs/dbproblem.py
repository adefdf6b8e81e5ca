"""The dialog shown when the database file cannot be used: names the path, offers a way out."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.ui.text import rich


def backups_of(path: Path) -> list[Path]:
    """Backups written beside the file (``<stem>.backup-*.db``), newest first."""
    try:
        found = list(path.parent.glob(f"{path.stem}.backup-*.db"))
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def restore_backup(path: Path, backup: Path) -> Path:
    """Move the bad file aside (never delete it) and copy the backup into its place."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    if path.exists():
        aside = path.with_name(f"{path.name}.unusable-{stamp}")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = Path(str(path) + suffix)
            if side.exists():
                side.rename(Path(str(aside) + suffix))
    shutil.copy2(backup, path)
    return path


class DatabaseProblemDialog(QDialog):
    """``choice`` is the path to open next (another file, or the restored one) when accepted."""

    def __init__(self, path: Path, problem: str, parent: QWidget | None = None, config=None):
        super().__init__(parent)
        self.setWindowTitle("Cannot open the database")
        self.path = Path(path)
        self.config = config
        self.choice: Path | None = None
        self.backups = backups_of(self.path)
        lay = QVBoxLayout(self)
        head = QLabel("<h3>This database cannot be opened</h3>")
        where = QLabel(f"<b>{rich(self.path)}</b>")
        where.setWordWrap(True)
        why = QLabel(problem.replace(f"database {self.path}: ", "The file "))
        why.setWordWrap(True)
        why.setObjectName("problem")
        lay.addWidget(head)
        lay.addWidget(where)
        lay.addWidget(why)
        if self.backups:
            hint = QLabel(f"The latest backup beside it is <b>{rich(self.backups[0].name)}</b>. Restoring it moves the "
                          "unusable file aside (nothing is deleted).")
        else:
            hint = QLabel("No backup was found beside it. You can open another database file.")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        box = QDialogButtonBox()
        self.open_button = QPushButton("Open Another File…")
        self.restore_button = QPushButton("Restore Latest Backup")
        self.restore_button.setEnabled(bool(self.backups))
        self.quit_button = QPushButton("Quit")
        box.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        box.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        box.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.clicked.connect(self.open_other)
        self.restore_button.clicked.connect(self.restore_latest)
        self.quit_button.clicked.connect(self.reject)
        lay.addWidget(box)
        self.resize(560, 220)

    def open_other(self) -> None:
        folder = self.config.last_folder("database", str(self.path.parent)) if self.config else str(self.path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "Open Database", folder,
                                              "sponsortrack databases (*.db *.sqlite);;All files (*)")
        if path:
            if self.config:
                self.config.set_last_folder("database", str(Path(path).parent))
            self.choice = Path(path)
            self.accept()

    def restore_latest(self) -> None:
        if not self.backups:
            return
        try:
            restore_backup(self.path, self.backups[0])
        except OSError as exc:
            QMessageBox.warning(self, "Restore", f"Cannot restore {self.backups[0]}: {exc}")
            return
        self.choice = self.path
        self.accept()
