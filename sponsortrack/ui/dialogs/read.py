"""Edit one logged read (placement, type, status, promo, timing, price override, notes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from sponsortrack import validation as v
from sponsortrack.store.models import ReadRow
from sponsortrack.ui import operations as ops
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.dialogs.records import money_text
from sponsortrack.ui.text import rich
from sponsortrack.ui.widgets.form import FormDialog


class ReadDialog(FormDialog):
    def __init__(self, ctx: AppContext, read: ReadRow, parent: QWidget | None = None):
        super().__init__("Edit read", parent)
        self.ctx, self.read = ctx, read
        r = read
        head = QLabel(f"<b>{rich(r.sponsor_name)}</b> on {rich(r.show_name)} "
                      f"{rich(r.episode_label)}"
                      f"<br>{rich(r.air_date or '')} · campaign: {rich(r.campaign_name or '—')}")
        head.setWordWrap(True)
        self.form.addRow(head)
        self.add_field("placement", "Placement", self.combo([(p, p) for p in v.PLACEMENTS]), value=r.placement)
        self.add_field("position", "Position in break", value=r.position)
        self.add_field("read_type", "Read type", self.combo([(p, p) for p in v.READ_TYPES]), value=r.read_type)
        self.add_field("status", "Status", self.combo([(p, p) for p in v.READ_STATUSES]), value=r.status)
        self.add_field("start", "Starts at", value=v.format_duration(r.start_seconds), placeholder="M:SS",
                       aliases=("start_seconds",))
        self.add_field("length", "Length", value=v.format_duration(r.length_seconds), placeholder="M:SS",
                       aliases=("length_seconds",))
        self.add_field("promo_url", "Promo URL (as read)", value=r.promo_url or "")
        self.add_field("promo_code", "Promo code (as read)", value=r.promo_code or "")
        self.add_field("price_override", "Price override",
                       value=money_text(r.price_override_minor, r.currency or "USD"),
                       aliases=("price_override_minor",), placeholder="blank = the campaign's rate")
        self.add_field("make_good_of", "Make-good of read #", value=r.make_good_of or "")
        self.add_field("notes", "Notes", QPlainTextEdit(), value=r.notes or "")
        self.locked: QLabel | None = None
        if r.invoice_status in ("issued", "paid"):
            self._lock(f"Read-only: this read is billed on {r.invoice_status} invoice {r.invoice_number}. "
                       "Only its notes can change; correct a figure with a credit note on the Invoices page.")

    def _lock(self, reason: str) -> None:
        """A billed read: every field but the notes is read-only, and the reason stands at the top."""
        self.locked = QLabel(reason)
        self.locked.setObjectName("read_locked")
        self.locked.setWordWrap(True)
        self.locked.setProperty("role", "banner")
        self.body.insertWidget(0, self.locked)
        for key, f in self.fields.items():
            if key == "notes":
                continue
            if isinstance(f.widget, QLineEdit):
                f.widget.setReadOnly(True)
            else:
                f.widget.setEnabled(False)
        self.fields["notes"].widget.setFocus()

    def submit(self, values: dict[str, Any]) -> None:
        changed = self.changed_values()
        if changed:
            ops.edit_read(self.ctx, self.read.id, **changed)
