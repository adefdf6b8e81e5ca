"""An editor dialog whose fields show the services' validation messages right under them.

Subclasses declare fields with :meth:`FormDialog.add_field` and implement ``submit(values)``, which
calls an operation (``ui.operations``). A ``ValidationError`` marks its field (``error.field``, with
aliases such as ``rate`` for ``rate_minor``) and keeps the dialog open: nothing invalid is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.errors import SponsortrackError, ValidationError
from sponsortrack.ui.theme import set_role


@dataclass
class Field:
    key: str
    widget: QWidget
    error: QLabel
    aliases: set[str] = field(default_factory=set)
    initial: Any = None


def widget_value(w: QWidget) -> Any:
    if isinstance(w, QLineEdit):
        return w.text().strip()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText().strip()
    if isinstance(w, QComboBox):
        if w.isEditable():
            text = w.currentText().strip()
            data = w.currentData()
            return data if data is not None and w.itemText(w.currentIndex()) == text else text
        return w.currentData()
    raise TypeError(type(w))


def set_widget_value(w: QWidget, value: Any) -> None:
    if isinstance(w, QLineEdit):
        w.setText("" if value is None else str(value))
    elif isinstance(w, QPlainTextEdit):
        w.setPlainText("" if value is None else str(value))
    elif isinstance(w, QComboBox):
        i = w.findData(value)
        if i < 0 and w.isEditable():
            w.setEditText("" if value is None else str(value))
        else:
            w.setCurrentIndex(max(i, 0))


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields: dict[str, Field] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.general_error = QLabel()
        set_role(self.general_error, "error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self.extra = QVBoxLayout()
        self.body.addLayout(self.extra)
        self.body.addWidget(self.general_error)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(520)

    # -- building ----------------------------------------------------------------------------------
    def add_field(self, key: str, label: str, widget: QWidget | None = None, *, value: Any = None,
                  aliases: tuple[str, ...] = (), placeholder: str = "", hint: str = "") -> QWidget:
        if widget is None:
            widget = QLineEdit()
        if placeholder and isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setPlaceholderText(placeholder)
        if isinstance(widget, QPlainTextEdit):
            widget.setTabChangesFocus(True)
            widget.setMaximumHeight(80)
        widget.setObjectName(f"field_{key}")
        set_widget_value(widget, value)
        err = QLabel()
        err.setObjectName(f"error_{key}")
        set_role(err, "error")
        err.setWordWrap(True)
        err.hide()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        if hint:
            h = QLabel(hint)
            set_role(h, "muted")
            h.setWordWrap(True)
            lay.addWidget(h)
        lay.addWidget(err)
        self.form.addRow(label, box)
        self.fields[key] = Field(key, widget, err, {key, *aliases}, widget_value(widget))
        return widget

    @staticmethod
    def combo(options: list[tuple[str, Any]], editable: bool = False) -> QComboBox:
        box = QComboBox()
        box.setEditable(editable)
        for text, data in options:
            box.addItem(text, data)
        return box

    # -- values --------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {k: widget_value(f.widget) for k, f in self.fields.items()}

    def changed_values(self) -> dict[str, Any]:
        return {k: widget_value(f.widget) for k, f in self.fields.items() if widget_value(f.widget) != f.initial}

    def error_text(self, key: str) -> str:
        f = self.fields[key]
        return f.error.text() if not f.error.isHidden() else ""

    def clear_errors(self) -> None:
        for f in self.fields.values():
            f.error.hide()
            f.error.setText("")
            f.widget.setProperty("invalid", False)
        self.general_error.hide()

    def show_error(self, exc: BaseException) -> None:
        name = getattr(exc, "field", None)
        problem = getattr(exc, "problem", None) or str(exc)
        target = None
        if name is not None:
            short = str(name).split(" ")[-1]
            for f in self.fields.values():
                if name in f.aliases or short in f.aliases:
                    target = f
                    break
        if target is None:
            self.general_error.setText(str(exc))
            self.general_error.show()
            return
        target.error.setText(problem)
        target.error.show()
        target.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- saving --------------------------------------------------------------------------------------
    def submit(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def save(self) -> None:
        self.clear_errors()
        try:
            self.submit(self.values())
        except ValidationError as exc:
            self.show_error(exc)
            return
        except SponsortrackError as exc:
            self.show_error(exc)
            return
        self.accept()
