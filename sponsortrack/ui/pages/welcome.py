"""The first start: on an empty database the dashboard shows this instead of empty figures — four ways
to begin. The demo goes into a file of its own (``demo.db`` in the app's data folder), never into the
producer's database. Built only when the database is empty, so it costs a normal start nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QVBoxLayout, QWidget

from sponsortrack.ui.theme import set_role

CHOICES = [
    ("rss", "Import your podcast's RSS feed",
     "Creates the show and every episode from the feed, and proposes the sponsors named in the show notes."),
    ("spreadsheet", "Import your old spreadsheet",
     "The reads your network kept in a spreadsheet (saved as CSV): show, episode, sponsor, placement…"),
    ("show", "Add a show", "Start from scratch: name the show, then log the reads of its next episode."),
    ("demo", "Explore the demo network",
     "Opens a separate demo database (Practical AI, autumn 2019) to try every page. Your own stays empty."),
]


def load_demo_task(control, _db_path, target: str) -> str:
    """Worker: the demo network into ``target`` (its own Store, its own file)."""
    from sponsortrack.services.demo import load_demo
    from sponsortrack.store import Store

    control.progress(0, 1, "Loading the demo network")
    store = Store(Path(target))
    try:
        load_demo(store)
    finally:
        store.close()
    return target


class WelcomePanel(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("welcome")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 24, 32, 24)
        head = QLabel("Welcome to sponsortrack")
        set_role(head, "h1")
        sub = QLabel(f"{Path(ctx.db_path).name} is empty. Start with one of these:")
        sub.setWordWrap(True)
        lay.addWidget(head)
        lay.addWidget(sub)
        lay.addSpacing(8)
        self.buttons: dict[str, QCommandLinkButton] = {}
        for key, title, text in CHOICES:
            b = QCommandLinkButton(title, text)
            b.setObjectName(f"welcome_{key}")
            b.setMaximumWidth(640)
            b.clicked.connect(lambda _c=False, k=key: self.choose(k))
            lay.addWidget(b)
            self.buttons[key] = b
        lay.addSpacing(8)
        self.status = QLabel()
        self.status.setObjectName("welcome_status")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        lay.addStretch(1)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def choose(self, key: str) -> None:
        open_import = getattr(self.window(), "open_import", None)  # the main window's Import action
        if key == "rss" and callable(open_import):
            open_import("rss")
        elif key == "spreadsheet" and callable(open_import):
            open_import("reads")
        elif key == "show":
            self.add_show()
        elif key == "demo":
            self.explore_demo()

    def add_show(self):
        from sponsortrack.ui.dialogs.records import ShowDialog

        dlg = ShowDialog(self.ctx, None, self)
        dlg.setObjectName("welcome_show_dialog")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.ctx.navigate.emit("log", {}))
        dlg.open()
        return dlg

    def demo_path(self) -> Path:
        from sponsortrack.paths import demo_db_path

        return demo_db_path()

    def explore_demo(self):
        target = self.demo_path()
        if target.resolve() == Path(self.ctx.db_path).resolve():
            self.status.setText("This is the demo database already.")
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        self.buttons["demo"].setEnabled(False)
        self.status.setText(f"Loading the demo network into {target}…")
        return self.ctx.tasks.start("Demo network", load_demo_task, str(target), on_done=self._open_demo,
                                    on_error=self._failed)

    def _open_demo(self, target: str | None) -> None:
        self.buttons["demo"].setEnabled(True)
        if not target:
            self.status.setText("")
            return
        from sponsortrack.ui.app import relaunch_on

        relaunch_on(self.window(), Path(target))

    def _failed(self, message: str) -> None:
        self.buttons["demo"].setEnabled(True)
        self.status.setText(f"demo: {message}")
