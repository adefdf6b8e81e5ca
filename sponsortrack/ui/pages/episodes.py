"""The episodes page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sponsortrack.ui import context as c


class EpisodesPage(QWidget):
    WATCHES = c.ALL

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        QVBoxLayout(self).addWidget(QLabel("episodes"))

    def refresh(self) -> None:
        pass
