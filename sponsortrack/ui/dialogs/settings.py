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
        self.form.addRow(QLabel("<b>Link checks</b> — this computer's network only."))
        cfg = ctx.config
        self.add_field("link_concurrency", "Links checked at once", value=str(cfg.link_concurrency),
                       aliases=("concurrency",))
        self.add_field("link_per_host", "Requests per host at once", value=str(cfg.link_per_host),
                       aliases=("per_host",), hint="Lower it for a sponsor whose site answers 429 (rate limit).")
        self.add_field("link_keep_history", "Checks kept per link", value=str(cfg.link_keep_history),
                       aliases=("keep_history",), hint="Every change of verdict is kept as well.")
        self.add_field("link_auto_recheck", "Re-check on a schedule", self.combo(
            [("Yes, while the window is open", True), ("No", False)]), value=cfg.link_auto_recheck)
        self.form.addRow(QLabel("<b>Appearance</b> — this computer only."))
        self.add_field("theme", "Theme", self.combo([("Follow the system", "system"), ("Light", "light"),
                                                      ("Dark", "dark")]), value=ctx.config.theme)

    def submit(self, values: dict[str, Any]) -> None:
        changed = self.changed_values()
        theme = changed.pop("theme", None)
        links = {k: changed.pop(k) for k in ("link_concurrency", "link_per_host", "link_keep_history",
                                             "link_auto_recheck") if k in changed}
        if links:
            from sponsortrack.services import links as lsvc
            from sponsortrack.validation import positive_int

            cfg = self.ctx.config
            options = lsvc.check_options(links.get("link_concurrency", cfg.link_concurrency),
                                         per_host=links.get("link_per_host", cfg.link_per_host))
            keep = positive_int(links.get("link_keep_history", cfg.link_keep_history), "keep_history",
                                maximum=100_000)
        if "tax_bp" in changed:
            changed["tax_bp"] = changed["tax_bp"] or "0"
        if changed:
            ops.update_settings(self.ctx, **changed)
        if links:
            cfg.link_concurrency, cfg.link_per_host, cfg.link_keep_history = \
                options.concurrency, options.per_host, keep
            if "link_auto_recheck" in links:
                cfg.link_auto_recheck = bool(links["link_auto_recheck"])
        if theme:
            self.ctx.config.theme = theme
            from sponsortrack.ui.theme import apply_theme

            apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
