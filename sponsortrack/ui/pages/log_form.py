"""The Log page's new-episode form: number (with "Open #N" when the show has it), date, title.

The date is typed in one go (``2019-10-23``, ``10/23``, ``23 Oct``); the hint beside it says which day
the text means, or why it is none, while it is typed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.ui.theme import set_role


def today() -> str:
    return dt.date.today().isoformat()


class EpisodeForm(QWidget):
    """Number, date and title of the episode a Log page is about to create."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = QSpinBox()
        self.number.setObjectName("log_number")
        self.number.setRange(1, 100_000)
        # A plain line with a parser: sections that jump on their own put the typed day into the title.
        self.date = QLineEdit()
        self.date.setObjectName("log_date")
        self.date.setPlaceholderText("2019-10-23, 10/23 or 23 Oct")
        self.date.setMaximumWidth(170)
        self.date.setToolTip("Type the date in one go: 2019-10-23, 10/23 (month/day), 23 Oct, Oct 23, today")
        self.date_hint = QLabel()
        self.date_hint.setObjectName("log_date_hint")
        set_role(self.date_hint, "muted")
        self.last_date = today()  # the last good date typed
        self.exists_label = QLabel()
        self.exists_label.setObjectName("log_exists")
        self.exists_button = QPushButton()
        self.exists_button.setObjectName("log_open_existing")
        self.exists_label.hide()
        self.exists_button.hide()
        self.title = QLineEdit()
        self.title.setObjectName("log_title")
        self.title.setPlaceholderText("Episode title")
        self.title_error = QLabel()
        set_role(self.title_error, "error")
        self.title_error.hide()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        nd = QHBoxLayout()
        nd.addWidget(self.number)
        nd.addSpacing(16)
        nd.addWidget(QLabel("Recorded on"))
        nd.addWidget(self.date)
        nd.addWidget(self.date_hint)
        nd.addSpacing(16)
        nd.addWidget(self.exists_label)
        nd.addWidget(self.exists_button)
        nd.addStretch(1)
        form.addRow("Number", nd)
        form.addRow("Title", self.title)
        form.addRow("", self.title_error)
        self.date.textEdited.connect(self.date_typed)

    def air_date(self) -> str:
        """The typed date as ``YYYY-MM-DD`` (the last good one while the text is not a date)."""
        try:
            return v.parse_day(self.date.text(), "recorded on")
        except ValidationError:
            return self.last_date

    def set_date(self, iso: str) -> None:
        self.last_date = iso
        self.date.setText(iso)
        self.date_typed(iso)

    @keeps_refs
    def date_typed(self, text: str) -> None:
        """Say which day the typed text means (or why it is none) while it is typed."""
        try:
            iso = v.parse_day(text, "recorded on")
        except ValidationError as exc:
            set_role(self.date_hint, "error")
            self.date_hint.setText(exc.problem)
        else:
            set_role(self.date_hint, "muted")
            self.date_hint.setText(dt.date.fromisoformat(iso).strftime("%a %d %b %Y"))

    def date_finished(self) -> bool:
        """The date line lost focus: show the day as ISO; True when it is a new good date."""
        try:
            iso = v.parse_day(self.date.text(), "recorded on")
        except ValidationError:
            return False  # the hint says why; saving names the field
        self.date.setText(iso)
        if iso == self.last_date:
            return False
        self.last_date = iso
        return True
