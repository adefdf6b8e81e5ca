"""The Log page's table of proposed reads, driven from the keyboard; its list of reads already logged and
its warning about a read at a spot already taken.

Keys in the table: Space ticks/unticks, P/M/B (or 1/2/3) set pre/mid/post, T switches host/produced, F2 or
Enter edits the URL or code (a bad URL is named at its cell while it is typed), Delete removes an added row.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QStyledItemDelegate, QTableView

from sponsortrack.services import reads as rsvc
from sponsortrack.services.reads import ProposedRead
from sponsortrack.store import Store
from sponsortrack.store.models import ReadRow
from sponsortrack.ui.models import proposals as pm
from sponsortrack.ui.models.reads import price_text
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.ui.text import rich
from sponsortrack.ui.theme import set_role, table_grid


class PromoDelegate(QStyledItemDelegate):
    """Edits the promo URL and code; a URL that will not do is named under its cell as it is typed."""

    def __init__(self, view: ProposalsView):
        super().__init__(view)
        self.view = view
        self.error = QLabel(view.viewport())
        self.error.setObjectName("log_cell_error")
        set_role(self.error, "error")
        self.error.setAutoFillBackground(True)
        self.error.setContentsMargins(4, 2, 4, 2)
        self.error.hide()

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setObjectName("log_cell_editor")
        if index.column() == pm.PROMO_URL:
            row = index.row()
            editor.textEdited.connect(lambda text: self._check(text, row))
        editor.destroyed.connect(self.error.hide)
        return editor

    @keeps_refs  # runs on every keystroke: gives back what its Qt calls drop (ui.refguard)
    def _check(self, text: str, row: int) -> None:
        problem = pm.url_problem(text)
        if not problem or not 0 <= row < len(self.view.model_().items):
            self.error.hide()
            return
        index = self.view.model_().index(row, pm.PROMO_URL)
        item = self.view.model_().items[row]
        self.error.setText(f"Promo URL of {item.sponsor_name}: {problem}")
        self.error.adjustSize()
        rect = self.view.visualRect(index)
        y = rect.bottom() + 2
        if y + self.error.height() > self.view.viewport().height():
            y = rect.top() - self.error.height() - 2
        self.error.move(max(0, min(rect.left(), self.view.viewport().width() - self.error.width())), max(0, y))
        self.error.show()
        self.error.raise_()


PLACEMENT_KEYS: dict[int, str] = {Qt.Key.Key_P: "pre", Qt.Key.Key_M: "mid", Qt.Key.Key_B: "post",
                  Qt.Key.Key_1: "pre", Qt.Key.Key_2: "mid", Qt.Key.Key_3: "post"}


class ProposalsView(QTableView):
    """The table, driven from the keyboard."""

    def __init__(self, parent=None):
        super().__init__(parent)
        table_grid(self)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        self.setAlternatingRowColors(True)

    def model_(self) -> pm.ProposalsModel:
        return self.model()  # type: ignore[return-value]

    EMPTY_TEXT = "No reads to log yet.\nType a sponsor's name in the box below and press Enter to add one."

    @keeps_refs  # runs on every repaint: what its Qt calls drop is given back (ui.refguard)
    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:  # an empty table says what to do
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(20, 0, -20, 0),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.EMPTY_TEXT)
            painter.end()

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid() and self.model() is not None and self.model().rowCount() > 0:
            self.set_row(0)

    def set_row(self, row: int, column: int = pm.PROMO_URL) -> None:
        """Make ``row`` current, on its promo URL: the cell a producer edits most."""
        self.selectionModel().setCurrentIndex(
            self.model().index(row, column),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if row >= 0 and mods == Qt.KeyboardModifier.NoModifier and self.state() != QAbstractItemView.State.EditingState:
            if key == Qt.Key.Key_Space:
                self.model_().toggle(row)
                return
            if key in PLACEMENT_KEYS:
                self.model_().set_placement(row, PLACEMENT_KEYS[key])
                return
            if key == Qt.Key.Key_T:
                self.model_().cycle_read_type(row)
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().column() in pm.EDITABLE:
                self.edit(self.currentIndex())
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                item = self.model_().items[row]
                if item.campaign_id is None or not item.selected:
                    self.model_().remove(row)
                else:
                    self.model_().toggle(row)
                return
        super().keyPressEvent(event)


def logged_html(rows: list[ReadRow]) -> str:
    """The "Already logged on this episode" list: one line a read, user text escaped."""
    lines = [f"{rich(r.placement)} {rich(r.position)} · <b>{rich(r.sponsor_name)}</b> · {rich(r.read_type)} · "
             f"{rich(r.promo_url or 'no URL')}{rich(' · code ' + r.promo_code if r.promo_code else '')} · "
             f"{rich(r.status)} · {rich(price_text(r))}" for r in rows]
    return "<br>".join(lines) or "Nothing yet."


def same_spot_warning(store: Store, episode_id: int | None, picked: list[ProposedRead]) -> str:
    """Before saving: each ticked read whose sponsor already has a read at that spot (episode and placement),
    in a sentence; allowed (a double spot) but more often a slip. The rule is the log command's
    (``reads.reads_at_spot``). Empty when there is nothing to say."""
    if episode_id is None:
        return ""
    notes = []
    for p in picked:
        same = rsvc.reads_at_spot(store, episode_id, p.sponsor_id, p.placement) if p.sponsor_id else []
        if same:
            ids = ", ".join(str(r.id) for r in same)
            notes.append(f"{p.sponsor_name} already has a {p.placement}-roll read on this episode (read {ids}); "
                         "saving logs another one.")
    return " ".join(notes)
