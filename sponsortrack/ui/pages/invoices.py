"""The Invoices page: create a draft from a sponsor's month, review its lines, issue, mark paid, void,
credit, and open the PDF in the system viewer (rendered off the GUI thread).

Invoice actions are deliberately not on the undo stack: issuing consumes the next number of a gapless
series and an issued invoice never changes again (corrections are credit notes). Each action asks
first where it cannot be taken back, then tells the other pages what changed (invoices, reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.errors import SponsortrackError
from sponsortrack.money import format_money
from sponsortrack.store.invoices import Invoice
from sponsortrack.ui import context as c
from sponsortrack.ui import viewing
from sponsortrack.ui.models.table import Column, ObjectTableModel, RawSortProxy
from sponsortrack.ui.theme import set_role, table_grid

if TYPE_CHECKING:
    from sponsortrack.services.payments import Balance

STATUSES = ["all", "draft", "issued", "paid", "void"]


def _money(inv: Invoice) -> str:
    return format_money(inv.total_minor, inv.currency)


INVOICE_COLUMNS = [
    Column("number", "Number", lambda i: i.number or f"draft {i.id}", lambda i: (i.number or "~", i.id)),
    Column("kind", "Kind", lambda i: "credit note" if i.kind == "credit_note" else "invoice"),
    Column("status", "Status", lambda i: i.status),
    Column("sponsor", "Sponsor", lambda i: i.sponsor_name or ""),
    Column("bill_to", "Bill to", lambda i: i.bill_to_name),
    Column("period", "Period", lambda i: (i.period_start or "")[:7], lambda i: i.period_start or ""),
    Column("issued", "Issued", lambda i: i.issue_date or "", lambda i: i.issue_date or ""),
    Column("due", "Due", lambda i: i.due_date or "", lambda i: i.due_date or ""),
    Column("lines", "Lines", lambda i: str(i.line_count), lambda i: i.line_count, align="right"),
    Column("total", "Total", _money, lambda i: i.total_minor, align="right"),
    Column("paid", "Paid on", lambda i: i.paid_on or "", lambda i: i.paid_on or ""),
]


def line_columns(currency: Callable[[], str]) -> list[Column]:
    return [
        Column("pos", "#", lambda ln: str(ln.position), lambda ln: ln.position, align="right"),
        Column("aired", "Aired", lambda ln: ln.air_date or "", lambda ln: ln.air_date or ""),
        Column("kind", "Kind", lambda ln: ln.kind.replace("_", "-")),
        Column("what", "Description", lambda ln: ln.description, tooltip=lambda ln: ln.description),
        Column("promo", "Promo", lambda ln: ln.promo or ""),
        Column("units", "Units", lambda ln: "" if ln.units is None else f"{ln.units:,}",
               lambda ln: ln.units or 0, align="right"),
        Column("amount", "Amount", lambda ln: format_money(ln.amount_minor, currency()),
               lambda ln: ln.amount_minor, align="right"),
    ]


def default_month(today: dt.date | None = None, store=None) -> str:
    """The month the Invoices, Reports and Reconcile pages open on (``invoicing.default_month``)."""
    from sponsortrack.services import invoicing

    return invoicing.default_month(store, today)


def render_invoice_task(control, db_path: Path, invoice_id: int, path: str) -> str:
    """Worker: with its own store, the one service call that renders the invoice PDF and writes it
    atomically. Returns the path ("" when cancelled)."""
    from sponsortrack.services import invoicing
    from sponsortrack.store import Store

    with Store(db_path) as store:
        written = invoicing.write_invoice_pdf(store, invoice_id, path, progress=control.progress,
                                              cancelled=lambda: control.cancelled)
    return "" if written is None else str(written.path)


class InvoicesPage(QWidget):
    WATCHES = frozenset({c.INVOICES, c.READS, c.SPONSORS, c.AGENCIES, c.CAMPAIGNS, c.SETTINGS})
    title = "Invoices"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        # Seams for tests: how to open a file, and how to ask a yes/no question.
        self.opener: Callable[[str], object] = lambda p: viewing.open_file(self, p)
        self.confirm: Callable[[str, str], bool] = self._confirm
        self.last_pdf: str | None = None

        self.sponsor = QComboBox()
        self.sponsor.setMinimumWidth(180)
        self.month = QLineEdit(default_month(store=ctx.store))
        self.month.setPlaceholderText("YYYY-MM")
        self.month.setMaximumWidth(90)
        self.create_btn = QPushButton("Create draft")
        self.create_btn.setToolTip("Draft invoice(s) from the sponsor's unbilled delivered reads of the month")
        self.status = QComboBox()
        self.status.addItems(STATUSES)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter invoices…")
        self.search.setClearButtonEnabled(True)
        top = QHBoxLayout()
        for w in (QLabel("Sponsor"), self.sponsor, QLabel("Month"), self.month, self.create_btn):
            top.addWidget(w)
        top.addStretch(1)
        for w in (QLabel("Status"), self.status, self.search):
            top.addWidget(w)

        self.model = ObjectTableModel(INVOICE_COLUMNS, self)
        self.proxy = RawSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        table_grid(self.table)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self._current: Invoice | None = None
        self.lines_model = ObjectTableModel(line_columns(lambda: self._current.currency if self._current else "USD"),
                                            self)
        self.lines = QTableView()
        table_grid(self.lines)
        self.lines.setModel(self.lines_model)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.verticalHeader().hide()
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        self.gaps.setTextFormat(Qt.TextFormat.PlainText)
        self.gaps.setStyleSheet("color: #b35900;")

        self.issue_btn = QPushButton("Issue…")
        self.pay_btn = QPushButton("Record payment…")
        self.paid_btn = QPushButton("Mark paid…")
        self.void_btn = QPushButton("Void…")
        self.credit_btn = QPushButton("Credit note…")
        self.delete_btn = QPushButton("Delete draft")
        self.pdf_btn = QPushButton("Open PDF")
        self.save_btn = QPushButton("Save PDF…")
        actions = QHBoxLayout()
        for b in (self.issue_btn, self.pay_btn, self.paid_btn, self.void_btn, self.credit_btn, self.delete_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.pdf_btn)
        actions.addWidget(self.save_btn)

        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.detail)
        lv.addWidget(self.gaps)
        lv.addWidget(self.lines, 1)
        lv.addLayout(actions)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        title = QLabel("Invoices")
        set_role(title, "h1")

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.create_btn.clicked.connect(self.create_draft)
        self.status.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.issue_btn.clicked.connect(self.issue_selected)
        self.pay_btn.clicked.connect(self.record_payment_selected)
        self.paid_btn.clicked.connect(self.mark_paid_selected)
        self.void_btn.clicked.connect(self.void_selected)
        self.credit_btn.clicked.connect(self.credit_selected)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.pdf_btn.clicked.connect(self.open_pdf)
        self.save_btn.clicked.connect(self.save_pdf)
        self._update_buttons()

    # -- page protocol ----------------------------------------------------------------------
    def refresh(self) -> None:
        from sponsortrack.services import catalog, invoicing

        keep = self._current.id if self._current else None
        current_sponsor = self.sponsor.currentData()
        self.sponsor.blockSignals(True)
        self.sponsor.clear()
        for sp in catalog.list_sponsors(self.ctx.store):
            self.sponsor.addItem(sp.name, sp.id)
        if current_sponsor is not None:
            idx = self.sponsor.findData(current_sponsor)
            if idx >= 0:
                self.sponsor.setCurrentIndex(idx)
        self.sponsor.blockSignals(False)
        status = self.status.currentText()
        self.model.set_items(invoicing.list_invoices(self.ctx.store, status=None if status == "all" else status))
        self._current = None
        if keep is not None:
            self.select_invoice(keep)
        self._show_current()

    def open_with(self, *, sponsor_id: int | None = None, search: str = "") -> None:
        """From the Sponsors page (``ctx.navigate``): one sponsor's invoices, and it chosen for drafting."""
        i = self.sponsor.findData(sponsor_id) if sponsor_id is not None else -1
        if i >= 0:
            self.sponsor.setCurrentIndex(i)
        self.search.setText(search)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_item(self) -> None:
        self.create_btn.click()

    # -- selection -----------------------------------------------------------------------------
    def select_invoice(self, invoice_id: int) -> None:
        row = self.model.row_of_id(invoice_id)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not idx.isValid():
            return
        self.table.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)

    @Slot()
    def _selection_changed(self, *args) -> None:
        from sponsortrack.services import invoicing

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._current = None
        else:
            inv = self.model.item(self.proxy.mapToSource(rows[0]).row())
            try:
                self._current = invoicing.get_invoice(self.ctx.store, inv.id)
            except SponsortrackError:
                self._current = None
        self._show_current()

    def _show_current(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._current
        self.lines_model.set_items(inv.lines if inv else [])
        if inv is None:
            self.detail.setText("Select an invoice to review its lines, or create a draft above.")
            self.gaps.setText("")
        else:
            parts = [inv.label.capitalize(), f"{inv.status}", f"bill to {inv.bill_to_name}",
                     f"subtotal {format_money(inv.subtotal_minor, inv.currency)}"]
            if inv.commission_bp:
                parts.append(f"commission {format_money(inv.commission_minor, inv.currency)}")
            if inv.tax_minor:
                parts.append(f"tax {format_money(inv.tax_minor, inv.currency)}")
            parts.append(f"total {format_money(inv.total_minor, inv.currency)}")
            if inv.kind == "invoice" and inv.billed:
                from sponsortrack.services import payments

                bal = payments.balance(self.ctx.store, inv)
                if bal.paid_minor:
                    parts.append(f"paid {format_money(bal.paid_minor, inv.currency)}")
                if bal.credited_minor:
                    parts.append(f"credits {format_money(bal.credited_minor, inv.currency)}")
                parts.append(f"balance due {format_money(bal.due_minor, inv.currency)}")
            self.detail.setText(" · ".join(parts))
            gaps = invoicing.gaps(inv, self.ctx.store) if inv.status == "draft" else []
            self.gaps.setText("Before issuing: " + "; ".join(gaps) if gaps else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        inv = self._current
        status = inv.status if inv else None
        self.issue_btn.setEnabled(status == "draft")
        self.delete_btn.setEnabled(status == "draft")
        self.pay_btn.setEnabled(status == "issued" and inv is not None and inv.kind == "invoice")
        self.paid_btn.setEnabled(status == "issued")
        self.void_btn.setEnabled(status == "issued")
        self.credit_btn.setEnabled(inv is not None and inv.kind == "invoice" and inv.billed)
        self.pdf_btn.setEnabled(inv is not None)
        self.save_btn.setEnabled(inv is not None)

    # -- actions ---------------------------------------------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def _run(self, what: str, fn: Callable[[], object]) -> tuple[bool, object]:
        """Run a service write (retrying while the database is locked); report a refusal in one line."""
        try:
            result = self.ctx.call(fn)
        except SponsortrackError as exc:
            self.ctx.report(exc, what)
            return False, None
        self.ctx.notify({c.INVOICES, c.READS})
        return True, result

    @Slot()
    def create_draft(self) -> None:
        from sponsortrack.services import invoicing

        sponsor_id = self.sponsor.currentData()
        if sponsor_id is None:
            self.ctx.error.emit("Create draft", "Add a sponsor first.")
            return
        ok, res = self._run("Create draft", lambda: invoicing.create_drafts(self.ctx.store, sponsor_id,
                                                                             self.month.text().strip()))
        if not ok:
            return
        ids = [i.id for i in res.invoices]  # type: ignore[attr-defined]
        self.refresh()
        if ids:
            self.select_invoice(ids[0])
        warnings = res.warnings  # type: ignore[attr-defined]
        note = f"; note: {'; '.join(warnings)}" if warnings else ""
        self.ctx.message.emit(f"{len(ids)} draft(s) ready for review{note}")

    def _selected(self) -> Invoice | None:
        return self._current

    @Slot()
    def issue_selected(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._selected()
        if inv is None:
            return
        if not self.confirm("Issue invoice", f"Issue {inv.label} to {inv.bill_to_name} for "
                            f"{_money(inv)}? It gets the next number and can no longer be changed "
                            f"(corrections are credit notes)."):
            return
        ok, issued = self._run("Issue invoice", lambda: invoicing.issue_invoice(self.ctx.store, inv.id))
        if ok:
            self.refresh()
            self.select_invoice(inv.id)
            self.ctx.message.emit(f"Issued {issued.label}, due {issued.due_date}.")  # type: ignore[attr-defined]

    def ask_payment(self, inv: Invoice, due_minor: int, record) -> tuple[Invoice, Balance] | None:
        """Show the payment dialog; the recorded result, or None when cancelled (tests replace this)."""
        from sponsortrack.ui.dialogs.payment import PaymentDialog

        dlg = PaymentDialog(inv, due_minor, record, self)
        return dlg.result_value if dlg.exec() else None

    @Slot()
    def record_payment_selected(self) -> None:
        from sponsortrack.services import payments

        inv = self._selected()
        if inv is None:
            return
        due = payments.balance(self.ctx.store, inv).due_minor

        def record(**kw):
            return self.ctx.call(lambda: payments.record_payment(self.ctx.store, inv.id, **kw))

        res = self.ask_payment(inv, due, record)
        if res is None:
            return
        self.ctx.notify({c.INVOICES, c.READS})
        self.refresh()
        self.select_invoice(inv.id)
        paid_inv, bal = res
        state = "paid in full" if paid_inv.status == "paid" else \
            f"balance due {format_money(bal.due_minor, inv.currency)}"
        self.ctx.message.emit(f"Recorded a payment against {inv.label}: {state}.")

    @Slot()
    def mark_paid_selected(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._selected()
        if inv is None:
            return
        day, ok = self.ask_text("Mark paid", f"Payment date of {inv.label} (YYYY-MM-DD):",
                                dt.date.today().isoformat())
        if not ok:
            return
        if self._run("Mark paid", lambda: invoicing.mark_paid(self.ctx.store, inv.id, day.strip()))[0]:
            self.refresh()
            self.ctx.message.emit(f"Marked {inv.label} paid on {day.strip()}.")

    @Slot()
    def void_selected(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._selected()
        if inv is None:
            return
        if not self.confirm("Void invoice", f"Void {inv.label}? Its number stays used and its reads can be "
                            "billed again."):
            return
        if self._run("Void invoice", lambda: invoicing.void_invoice(self.ctx.store, inv.id))[0]:
            self.refresh()
            self.ctx.message.emit(f"Voided {inv.label}.")

    @Slot()
    def credit_selected(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._selected()
        if inv is None:
            return
        reason, ok = self.ask_text("Credit note", f"Credit every line of {inv.label}. Reason:", "")
        if not ok:
            return
        ok, note = self._run("Credit note", lambda: invoicing.create_credit_note(self.ctx.store, inv.id,
                                                                                  reason=reason or None))
        if ok:
            self.refresh()
            self.select_invoice(note.id)  # type: ignore[attr-defined]
            self.ctx.message.emit(f"Drafted {note.label}; review and issue it.")  # type: ignore[attr-defined]

    @Slot()
    def delete_selected(self) -> None:
        from sponsortrack.services import invoicing

        inv = self._selected()
        if inv is None or not self.confirm("Delete draft", f"Delete {inv.label}? Its reads are freed."):
            return
        if self._run("Delete draft", lambda: invoicing.delete_draft(self.ctx.store, inv.id))[0]:
            self.refresh()

    def ask_text(self, title: str, label: str, value: str) -> tuple[str, bool]:
        return QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, value)

    # -- PDF -------------------------------------------------------------------------------------
    def _pdf_name(self, inv: Invoice) -> str:
        base = (inv.number or f"draft-{inv.id}").replace("/", "-")
        who = "".join(ch for ch in (inv.sponsor_name or "") if ch.isalnum() or ch in " -_").strip().replace(" ", "-")
        return f"{'credit-note' if inv.kind == 'credit_note' else 'invoice'}-{base}-{who}.pdf"

    @Slot()
    def open_pdf(self) -> None:
        inv = self._selected()
        if inv is None:
            return
        folder = viewing.temp_dir()  # the app's own, removed at exit
        self.generate_pdf(inv.id, str(folder / self._pdf_name(inv)), open_after=True)

    @Slot()
    def save_pdf(self) -> None:
        inv = self._selected()
        if inv is None:
            return
        start = str(Path(self.ctx.config.last_folder("export", str(Path.home()))) / self._pdf_name(inv))
        path, _ = QFileDialog.getSaveFileName(self, "Save invoice PDF", start, "PDF (*.pdf)")
        if not path:
            return
        self.ctx.config.set_last_folder("export", str(Path(path).parent))
        self.generate_pdf(inv.id, path, open_after=False)

    def generate_pdf(self, invoice_id: int, path: str, *, open_after: bool):
        """Render off the GUI thread; the status bar shows progress, then the file opens (or is named)."""
        def done(result: str | None) -> None:
            if not result:
                return
            self.last_pdf = result
            if open_after:
                self.opener(result)
            self.ctx.message.emit(f"Wrote {result}")

        return self.ctx.tasks.start("Invoice PDF", render_invoice_task, invoice_id, path, on_done=done,
                                    on_progress=lambda d, t, text: self.ctx.message.emit(text))
