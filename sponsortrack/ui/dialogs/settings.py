"""Preferences: the business settings (stored in the database) and the appearance (QSettings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QWidget

from sponsortrack.services import settings as ssvc
from sponsortrack.ui import operations as ops
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.widgets.form import FormDialog


class SettingsDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("Preferences", parent)
        self.ctx = ctx
        s = ssvc.get_settings(ctx.store)
        head = QLabel("<b>Business</b> — printed on invoices and proof-of-performance reports; saved in the "
                      "database so it travels with the data.")
        head.setWordWrap(True)
        self.form.addRow(head)
        L = ssvc.LABELS
        self.add_field("seller_name", L["seller_name"], value=s["seller_name"] or "")
        self.add_field("seller_address", L["seller_address"], QPlainTextEdit(), value=s["seller_address"] or "")
        self.add_field("seller_email", L["seller_email"], value=s["seller_email"] or "")
        self.add_field("seller_tax_id", L["seller_tax_id"], value=s["seller_tax_id"] or "")
        self.add_field("invoice_number_pattern", L["invoice_number_pattern"], value=s["invoice_number_pattern"],
                       hint="Use {year}, {month} and {seq}, e.g. {year}-{seq:04} gives 2026-0007.")
        self.add_field("default_terms_days", L["default_terms_days"], value=s["default_terms_days"])
        self.add_field("default_currency", L["default_currency"], value=s["default_currency"])
        self.add_field("tax_label", L["tax_label"], value=s["tax_label"] or "")
        self.add_field("tax_bp", L["tax_bp"] + " %", value=f"{(Decimal(s['tax_bp'] or 0) / 100).normalize():f}",
                       aliases=("tax_rate",))
        self.add_field("payment_instructions", L["payment_instructions"], QPlainTextEdit(),
                       value=s["payment_instructions"] or "")
        self.form.addRow(QLabel("<b>Appearance</b> — this computer only."))
        self.add_field("theme", "Theme", self.combo([("Follow the system", "system"), ("Light", "light"),
                                                      ("Dark", "dark")]), value=ctx.config.theme)

    def submit(self, values: dict[str, Any]) -> None:
        changed = self.changed_values()
        theme = changed.pop("theme", None)
        if "tax_bp" in changed:
            changed["tax_bp"] = changed["tax_bp"] or "0"
        if changed:
            ops.update_settings(self.ctx, **changed)
        if theme:
            self.ctx.config.theme = theme
            from sponsortrack.ui.app import apply_theme

            apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
