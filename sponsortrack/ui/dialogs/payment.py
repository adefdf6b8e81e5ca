"""Record a payment against an issued invoice: date, amount, reference. The service validates; a refusal
is shown under the form in one line and the dialog stays open."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.errors import SponsortrackError
from sponsortrack.money import exponent, format_money, to_decimal
from sponsortrack.store.invoices import Invoice


class PaymentDialog(QDialog):
    """Asks for one payment; ``record`` (the service call) runs on OK and its refusal keeps the dialog open."""

    def __init__(self, inv: Invoice, due_minor: int, record, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Record payment · {inv.label}")
        self._record = record
        self.result_value = None
        self.date = QLineEdit(dt.date.today().isoformat())
        self.amount = QLineEdit(f"{to_decimal(due_minor, inv.currency):.{exponent(inv.currency)}f}")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("bank or remittance reference")
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #b42318;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Date received", self.date)
        form.addRow(f"Amount ({inv.currency})", self.amount)
        form.addRow("Reference", self.reference)
        intro = QLabel(f"Balance due {format_money(due_minor, inv.currency)}. "
                       "The payment that settles it makes the invoice paid.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addWidget(buttons)

    def values(self) -> dict:
        return {"on": self.date.text().strip(), "amount": self.amount.text().strip(),
                "reference": self.reference.text().strip() or None}

    def try_accept(self) -> None:
        try:
            self.result_value = self._record(**self.values())
        except SponsortrackError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
