"""The Reports page: a sponsor's monthly proof of performance, or the network summary, as PDF —
generated off the GUI thread with progress, then opened in the system viewer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.ui import context as c
from sponsortrack.ui import viewing
from sponsortrack.ui.pages.invoices import default_month
from sponsortrack.ui.theme import set_role

NETWORK = "(network summary)"


def render_report_task(control, db_path: Path, month: str, sponsor_id: int | None, path: str) -> str:
    """Worker: with its own store, the one service call that gathers, renders and writes atomically."""
    from sponsortrack.services import reporting
    from sponsortrack.store import Store

    with Store(db_path) as store:
        written = reporting.write_monthly_pdf(store, month, path, sponsor=sponsor_id, progress=control.progress,
                                              cancelled=lambda: control.cancelled)
    return "" if written is None else str(written.path)


def packet_task(control, db_path: Path, month: str, sponsor_id: int | None, folder: str) -> str:
    """Worker: the month-end packet, with progress per sponsor; cancel stops before the next sponsor."""
    from sponsortrack.services import packet
    from sponsortrack.store import Store

    with Store(db_path) as store:
        res = packet.month_packet(store, month, folder, sponsor=sponsor_id,
                                  progress=lambda d, t, text: control.progress(d, t, text),
                                  cancelled=lambda: control.cancelled)
    notes = "".join(f"\n{n}" for n in res.notes)
    return f"Wrote {len(res.files)} files for {len(res.sponsors)} sponsor(s) to {res.folder}.{notes}"


class ReportsPage(QWidget):
    WATCHES = frozenset({c.SPONSORS})
    title = "Reports"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.opener: Callable[[str], object] = lambda p: viewing.open_file(self, p)
        self.last_pdf: str | None = None
        self.task = None

        self.what = QComboBox()
        self.month = QLineEdit(default_month(store=ctx.store))
        self.month.setPlaceholderText("YYYY-MM")
        self.month.setMaximumWidth(100)
        self.folder = QLineEdit(ctx.config.last_folder("reports", str(Path.home())))
        browse = QPushButton("Choose…")
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.open_after = QCheckBox("Open the PDF when it is ready")
        self.open_after.setChecked(True)
        form = QFormLayout()
        form.addRow("Report", self.what)
        form.addRow("Month", self.month)
        form.addRow("Save in folder", row)
        form.addRow("", self.open_after)

        self.generate_btn = QPushButton("Generate PDF")
        self.packet_btn = QPushButton("Month-end packet")
        self.packet_btn.setToolTip("For each sponsor of the month (or the chosen one): its invoices and proof of "
                                   "performance as PDF and a CSV of its reads, in a folder named after the month.")
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setEnabled(False)
        self.open_btn = QPushButton("Open last PDF")
        self.open_btn.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 3)
        self.progress.setValue(0)
        self.state = QLabel("A sponsor's proof of performance (what aired, pacing against the IO, link health), "
                            "or the network summary (revenue, pacing, unbilled reads, overdue invoices).")
        self.state.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_btn)
        buttons.addWidget(self.packet_btn)
        buttons.addWidget(self.cancel_btn)
        buttons.addStretch(1)
        self.reconcile_btn = QPushButton("Reconcile show notes…")
        self.reconcile_btn.setObjectName("reports_reconcile")
        self.reconcile_btn.setToolTip("Before sending a proof of performance: where this month's show notes and "
                                      "logged reads disagree")
        self.reconcile_btn.clicked.connect(
            lambda: self.ctx.navigate.emit("reconcile", {"month": self.month.text().strip() or None}))
        buttons.addWidget(self.reconcile_btn)
        buttons.addWidget(self.open_btn)

        title = QLabel("Reports")
        set_role(title, "h1")
        self.progress.hide()  # shown while a PDF is generated

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.state)
        lay.addStretch(1)

        browse.clicked.connect(self._browse)
        self.generate_btn.clicked.connect(self.generate)
        self.packet_btn.clicked.connect(self.generate_packet)
        self.cancel_btn.clicked.connect(self._cancel)
        self.open_btn.clicked.connect(lambda: self.last_pdf and self.opener(self.last_pdf))

    def refresh(self) -> None:
        from sponsortrack.services import catalog

        keep = self.what.currentData()
        self.what.clear()
        self.what.addItem(NETWORK, None)
        for sp in catalog.list_sponsors(self.ctx.store):
            self.what.addItem(f"Proof of performance: {sp.name}", sp.id)
        idx = self.what.findData(keep)
        self.what.setCurrentIndex(max(idx, 0))

    @Slot()
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save reports in", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def output_path(self) -> str:
        from sponsortrack.services.packet import file_stem

        sponsor = self.what.currentText().removeprefix("Proof of performance: ")
        name = "network-summary" if self.what.currentData() is None else f"pop-{file_stem(sponsor, 'report')}"
        return str(Path(self.folder.text()).expanduser() / f"{name}-{self.month.text().strip()}.pdf")

    def _start(self, task_title: str, what: str, work: Callable[..., str], target: str, busy_text: str,
               on_done: Callable[[str | None], None]):
        """Check the month (a bad one is reported under ``what``), then run ``work`` off the GUI thread
        with progress: one start for the PDF and the packet."""
        from sponsortrack.errors import ValidationError
        from sponsortrack.validation import parse_month

        try:
            month = parse_month(self.month.text(), "month")
        except ValidationError as exc:
            self.ctx.report(exc, what)
            return None
        self.ctx.config.set_last_folder("reports", self.folder.text())
        self._busy()
        self.state.setText(busy_text)
        self.task = self.ctx.tasks.start(task_title, work, month, self.what.currentData(), target,
                                         on_done=on_done, on_error=self._failed, on_progress=self._progress)
        return self.task

    @Slot()
    def generate(self):
        path = self.output_path()
        return self._start("Report PDF", "Report", render_report_task, path, f"Generating {Path(path).name}…",
                           self._done)

    def packet_folder(self) -> str:
        return str(Path(self.folder.text()).expanduser() / f"packet-{self.month.text().strip()}")

    @Slot()
    def generate_packet(self):
        folder = self.packet_folder()
        return self._start("Month-end packet", "Month-end packet", packet_task, folder,
                           f"Writing the month-end packet into {folder}…", self._packet_done)

    def _busy(self) -> None:
        self.generate_btn.setEnabled(False)
        self.packet_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.progress.setValue(0)
        self.progress.show()

    def _packet_done(self, result: str | None) -> None:
        self._idle()
        if not result:
            return
        self.state.setText(result)
        self.ctx.message.emit(result.splitlines()[0])

    @Slot()
    def _cancel(self) -> None:
        if self.task is not None:
            self.task.control.cancel()
        self.state.setText("Cancelled.")
        self._idle()

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.state.setText(text)

    def _done(self, result: str | None) -> None:
        self._idle()
        if not result:
            return
        self.last_pdf = result
        self.open_btn.setEnabled(True)
        self.state.setText(f"Wrote {result}")
        self.ctx.message.emit(f"Wrote {result}")
        if self.open_after.isChecked():
            self.opener(result)

    def _failed(self, message: str) -> None:
        self._idle()
        self.state.setText(message)
        self.ctx.error.emit("Report", message)

    def _idle(self) -> None:
        self.generate_btn.setEnabled(True)
        self.packet_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        self.progress.hide()
        self.task = None
