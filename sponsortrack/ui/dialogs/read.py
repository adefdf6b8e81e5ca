"""Edit one logged read (placement, type, status, promo, timing, price override, notes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QTableView, QWidget

from sponsortrack import validation as v
from sponsortrack.store.models import ReadRow
from sponsortrack.ui import operations as ops
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.dialogs.records import money_text
from sponsortrack.ui.text import rich
from sponsortrack.ui.theme import mark_read_only, table_grid
from sponsortrack.ui.widgets.form import FormDialog
from sponsortrack.ui.widgets.panels import Banner


def _history_columns():
    from sponsortrack.ui.models.table import Column

    return [Column("at", "When", lambda c: c.at.replace("T", " ")[:19], lambda c: c.at),
            Column("action", "What", lambda c: c.action),
            Column("changes", "Before → after", lambda c: "" if c.action != "changed" else c.summary,
                   tooltip=lambda c: c.summary)]


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
        self.history_view: QTableView | None = None
        self.history_button = self.buttons.addButton("History", QDialogButtonBox.ButtonRole.ActionRole)
        self.history_button.setObjectName("read_history_button")
        self.history_button.setToolTip("Every recorded change of this read: when, what, before → after")
        self.history_button.setCheckable(True)
        self.history_button.toggled.connect(self.show_history)
        self.locked: QLabel | None = None
        if r.billed:
            self._lock(f"Read-only: this read is billed on {r.invoice_status} invoice {r.invoice_number}. "
                       "Only its notes can change; correct a figure with a credit note on the Invoices page.")

    def _lock(self, reason: str) -> None:
        """A billed read: every field but the notes is read-only, and the reason stands at the top."""
        self.locked = Banner(reason)
        self.locked.setObjectName("read_locked")
        self.locked.setWordWrap(True)
        self.body.insertWidget(0, self.locked)
        for key, f in self.fields.items():
            if key == "notes":
                continue
            if isinstance(f.widget, QLineEdit):
                mark_read_only(f.widget)
            else:
                f.widget.setEnabled(False)
        self.fields["notes"].widget.setFocus()

    def show_history(self, on: bool = True) -> None:
        """The read's change log (the CLI's ``reads history``), built on first use."""
        if self.history_view is None and on:
            from PySide6.QtWidgets import QHeaderView

            from sponsortrack.services import reads as rsvc
            from sponsortrack.ui.models.table import ObjectTableModel

            self.history_model = ObjectTableModel(_history_columns(), self)
            self.history_model.set_items(rsvc.read_changes(self.ctx.store, self.read.id))
            view = QTableView()
            table_grid(view)
            view.setObjectName("read_history")
            view.setModel(self.history_model)
            view.verticalHeader().hide()
            view.setWordWrap(False)
            view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
            view.horizontalHeader().setStretchLastSection(True)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            view.setMinimumHeight(140)
            self.extra.addWidget(view)
            self.history_view = view
        if self.history_view is not None:
            self.history_view.setVisible(on)
        if self.history_button.isChecked() != on:
            self.history_button.setChecked(on)

    def submit(self, values: dict[str, Any]) -> None:
        changed = self.changed_values()
        if changed:
            ops.edit_read(self.ctx, self.read.id, **changed)
