"""The import wizard: kind -> file -> mapping and preview (per-row problems) -> import with progress.

All work (reading, parsing, checking, writing) runs off the GUI thread through ``ctx.tasks``; each
task opens its own ``Store`` on the database path. The preview never writes: spreadsheets run with
``dry_run=True``, feeds with ``dry_run=True`` too, show notes with ``apply=False``. The import step
writes everything in one transaction, or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sponsortrack.importers import tabular
from sponsortrack.services.imports import summary
from sponsortrack.ui import context as C
from sponsortrack.ui.text import rich
from sponsortrack.ui.theme import set_role, table_grid

KINDS = [
    ("rss", "RSS feed of a show", "Creates or updates the show and its episodes (matched by GUID) and "
                                 "proposes the sponsors found in each episode's show notes as aired reads."),
    ("shownotes", "Show notes of one episode", "Reads the sponsors out of show notes (text, Markdown or "
                                               "HTML) and proposes them as reads of the episode."),
    ("reads", "Spreadsheet of reads (CSV)", "One read per row: show, episode number, sponsor, and optional "
                                            "placement, promo URL, code, air date..."),
    ("campaigns", "Spreadsheet of campaigns (CSV)", "One insertion order per row: sponsor, name, flight dates, "
                                                   "pricing and rate..."),
    ("downloads", "Downloads export (CSV)", "Downloads per episode at day N from the hosting provider "
                                            "(one Day column, or one column per day such as 'Day 7')."),
]
TABLE_KINDS = {"reads": tabular.READS, "campaigns": tabular.CAMPAIGNS, "downloads": tabular.DOWNLOADS}
PAGE_KIND, PAGE_SOURCE, PAGE_PREVIEW, PAGE_RESULT = range(4)


def _work(control, db_path, *args: Any, **kwargs: Any) -> Any:
    """The service's ``run_import`` on a worker, cancelled and reporting progress through the task's control."""
    from sponsortrack.services.imports import run_import

    return run_import(db_path, *args, progress=control.progress, cancelled=lambda: control.cancelled, **kwargs)


# --------------------------------------------------------------------------- pages

class KindPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("What do you want to import?")
        self.setSubTitle("Nothing is written until the last step, and then everything is written or nothing.")
        lay = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        for i, (key, title, help_text) in enumerate(KINDS):
            rb = QRadioButton(title)
            rb.setObjectName(f"kind_{key}")
            self.group.addButton(rb, i)
            lay.addWidget(rb)
            hint = QLabel(help_text)
            hint.setWordWrap(True)
            hint.setContentsMargins(24, 0, 0, 8)
            set_role(hint, "muted")  # the theme's muted text, AA contrast in both themes
            lay.addWidget(hint)
        self.group.button(0).setChecked(True)
        lay.addStretch(1)

    def kind(self) -> str:
        return KINDS[max(0, self.group.checkedId())][0]


class SourcePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Choose the file")
        lay = self.form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("source_path")
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        lay.addRow("File:", row)
        self.show_combo = QComboBox()
        self.show_combo.setEditable(False)
        self.episode = QLineEdit()
        self.episode.setPlaceholderText("episode number")
        lay.addRow("Show:", self.show_combo)
        lay.addRow("Episode:", self.episode)
        self.create_missing = QCheckBox("Create the shows and sponsors the sheet names that do not exist yet "
                                        "(listed before anything is imported)")
        self.create_missing.setObjectName("create_missing")
        lay.addRow(self.create_missing)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addRow(self.note)

    def initializePage(self) -> None:
        kind = self.wiz.kind()
        title = next(t for k, t, _ in KINDS if k == kind)
        self.setSubTitle(title + (" — a file, or an http(s) address of the feed." if kind == "rss" else "."))
        is_notes = kind == "shownotes"
        self.create_missing.setVisible(kind == "reads")
        for w in (self.show_combo, self.episode):
            w.setVisible(is_notes)
            label = self.form.labelForField(w)
            if label is not None:
                label.setVisible(is_notes)
        if is_notes:
            from sponsortrack.services import catalog

            self.show_combo.clear()
            for s in catalog.list_shows(self.wiz.ctx.store):
                self.show_combo.addItem(s.name, s.name)
        self.note.setText({
            "rss": "Re-importing the same feed later only adds what is new and reports what changed.",
            "shownotes": "Give the show and episode to log the sponsors as its reads.",
        }.get(kind, "The first row must be the column headers. CSV (UTF-8 with or without BOM, or Windows "
                    "cp1252) or an Excel workbook (XLSX, its first sheet). Dates like 3/5/2024 are read the way "
                    "the sheet's unambiguous dates show; any that still read both ways are listed."))

    def _browse(self) -> None:
        kind = self.wiz.kind()
        filters = {"rss": "Feeds (*.xml *.rss *.atom);;All files (*)",
                   "shownotes": "Show notes (*.txt *.md *.html *.htm);;All files (*)"}.get(
            kind, "Spreadsheets (*.csv *.txt *.xlsx);;All files (*)")
        folder = self.wiz.ctx.config.last_folder("import", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Choose the file to import", folder, filters)
        if path:
            self.path.setText(path)
            self.wiz.ctx.config.set_last_folder("import", str(Path(path).parent))

    def isComplete(self) -> bool:
        text = self.path.text().strip()
        return bool(text) and (text.lower().startswith(("http://", "https://")) or Path(text).is_file())


class PreviewPage(QWizardPage):
    """Mapping (for spreadsheets) and the dry run: what would be imported, and every problem by row."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.result: Any = None
        self.setTitle("Check before importing")
        self.setSubTitle("Nothing has been written yet.")
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("preview_summary")
        lay.addWidget(self.summary)
        self.mapping_box = QWidget()
        self.mapping_form = QFormLayout(self.mapping_box)
        self.mapping_form.setContentsMargins(0, 0, 0, 0)
        self.recheck = QPushButton("Check again with this mapping")
        self.recheck.clicked.connect(self.run_preview)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QHBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        mcol = QVBoxLayout()
        mcol.addWidget(self.mapping_box)
        mcol.addWidget(self.recheck)
        mcol.addStretch(1)
        self.mapping_holder = QWidget()
        self.mapping_holder.setLayout(mcol)
        tl.addWidget(self.mapping_holder)
        self.table = QTableView()
        table_grid(self.table)
        self.table.setObjectName("preview_table")
        self.model = QStandardItemModel(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        tl.addWidget(self.table, 1)
        split.addWidget(top)
        self.problems = QListWidget()
        self.problems.setObjectName("preview_problems")
        split.addWidget(self.problems)
        split.setSizes([300, 110])
        lay.addWidget(split, 1)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        lay.addWidget(self.progress)
        self.combos: dict[str, QComboBox] = {}
        self.busy = False

    def initializePage(self) -> None:
        kind = self.wiz.kind()
        self.mapping_holder.setVisible(kind in TABLE_KINDS)
        self.combos.clear()
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.result = None
        self.run_preview()

    def _build_mapping(self, headers: list[str], mapping: dict[str, str]) -> None:
        if self.combos:
            return
        kind = TABLE_KINDS[self.wiz.kind()]
        for col in kind.columns:
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.addItem("(not imported)", "")
            for h in headers:
                combo.addItem(h, h)
            i = combo.findData(mapping.get(col.field, ""))
            combo.setCurrentIndex(max(i, 0))
            self.combos[col.field] = combo
            self.mapping_form.addRow(col.label + (" *" if col.required else "") + ":", combo)

    def mapping(self) -> dict[str, str] | None:
        if not self.combos:
            return None
        return {f: c.currentData() or "" for f, c in self.combos.items()}

    def run_preview(self) -> None:
        self.busy = True
        self.completeChanged.emit()
        self.summary.setText("Checking…")
        self.problems.clear()
        self.problems.setVisible(False)
        self.model.clear()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        w = self.wiz
        w.task = w.ctx.tasks.start("Checking the import", _work, w.kind(), w.source(), preview=True,
                          mapping=self.mapping(), show=w.show_name(), episode=w.episode(),
                          create_missing=w.create_missing(),
                          on_done=self._done, on_error=self._failed, on_progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        self.progress.setFormat(text or "%p%")

    def _failed(self, message: str) -> None:
        self.busy = False
        self.result = None
        self.progress.setVisible(False)
        self.summary.setText(f"<b>This cannot be imported.</b> {rich(message)}")
        self._show_problems()
        self.completeChanged.emit()

    def _show_problems(self) -> None:
        self.problems.setVisible(self.problems.count() > 0)

    def _done(self, result: Any) -> None:
        try:
            self._show_result(result)
        finally:
            self._show_problems()

    def _show_result(self, result: Any) -> None:
        self.busy = False
        self.progress.setVisible(False)
        self.result = result
        if result is None:
            self.summary.setText("Cancelled.")
            self.completeChanged.emit()
            return
        kind = self.wiz.kind()
        if kind in TABLE_KINDS:
            headers = list(dict.fromkeys(result.mapping.values())) + list(result.unused_columns)
            self._build_mapping(headers, result.mapping)
            self._fill(result.preview)
            for p in result.problems:
                self.problems.addItem(str(p))
        elif kind == "rss":
            for p in result.problems:
                self.problems.addItem(p)
            for note in result.notes:  # a chapters file that could not be read; its episode imports
                self.problems.addItem(f"note: {note}")
            self._fill_proposals(result.proposed)
        else:
            self._fill_proposals(result.proposed)
            if not result.episode_label:
                self._fill([{"sponsor": p.name, "promo_url": p.promo_url, "code": p.promo_code,
                             "offer": p.offer, "found_by": p.why} for p in result.sponsors])
        self.summary.setText("".join(f"<b>{rich(text)}</b>" if strong else rich(text)
                                     for text, strong in summary.preview_summary(kind, result)))
        self.table.resizeColumnsToContents()
        self.completeChanged.emit()

    def _fill(self, rows: list[dict[str, Any]]) -> None:
        self.model.clear()
        if not rows:
            return
        cols = [c for c in rows[0] if c != "new_episode"]
        self.model.setHorizontalHeaderLabels([c.replace("_", " ") for c in cols])
        for r in rows:
            self.model.appendRow([_item(_cell(r, c)) for c in cols])

    def _fill_proposals(self, proposals: list) -> None:
        self.model.clear()
        cols = ["Log", "Episode", "Air date", "Sponsor", "Found by", "Campaign", "Placement", "Promo URL", "Code",
                "Offer"]
        self.model.setHorizontalHeaderLabels(cols)
        for p in proposals:
            check = QStandardItem()
            check.setCheckable(True)
            check.setCheckState(Qt.CheckState.Checked if p.selected else Qt.CheckState.Unchecked)
            sponsor = p.sponsor_name + (" (new)" if p.is_new_sponsor else "")
            cells = [_item(x) for x in (p.episode_label, p.air_date, sponsor, p.found_by, p.campaign_name,
                                        p.placement, p.promo_url, p.promo_code, p.offer)]
            if p.found_by:
                cells[2].setToolTip(f"Found by {p.found_by}")
            self.model.appendRow([check, *cells])

    def selected_rows(self) -> list[int] | None:
        if self.wiz.kind() not in ("rss", "shownotes"):
            return None
        return [i for i in range(self.model.rowCount())
                if self.model.item(i, 0).checkState() == Qt.CheckState.Checked]

    def isComplete(self) -> bool:
        r = self.result
        if self.busy or r is None:
            return False
        if self.wiz.kind() == "shownotes":
            return bool(r.episode_label and r.proposed)
        if self.wiz.kind() == "rss":  # items with problems are left out; the rest can be imported
            return not r.problems or bool(r.added or r.changed or r.unchanged)
        return not r.problems


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Importing")
        self.setSubTitle("Everything is written in one transaction: all of it, or nothing.")
        lay = QVBoxLayout(self)
        self.progress = QProgressBar()
        lay.addWidget(self.progress)
        self.text = QLabel()
        self.text.setObjectName("result_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.text)
        lay.addStretch(1)
        self.done = False
        self.result: Any = None

    def initializePage(self) -> None:
        self.done = False
        self.wiz.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.text.setText("Importing… everything is written in one go at the end.")
        self.progress.setRange(0, 0)
        w = self.wiz
        w.button(QWizard.WizardButton.CancelButton).setText("Stop")
        w.task = w.ctx.tasks.start("Importing", _work, w.kind(), w.source(), preview=False,
                          mapping=w.preview_page.mapping(), show=w.show_name(), episode=w.episode(),
                          selected=w.preview_page.selected_rows(), create_missing=w.create_missing(),
                          on_done=self._done, on_error=self._failed, on_progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)

    def _finished(self) -> None:
        self.done = True
        self.wiz.button(QWizard.WizardButton.CancelButton).setVisible(False)

    def _failed(self, message: str) -> None:
        self._finished()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.setTitle("Nothing was imported")
        self.text.setText(rich(message))
        self.completeChanged.emit()

    def _done(self, result: Any) -> None:
        self._finished()
        self.result = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if result is None:
            self.setTitle("Cancelled")
            self.text.setText("The import was cancelled; nothing was written.")
            self.completeChanged.emit()
            return
        kind = self.wiz.kind()
        entities = {"rss": {C.SHOWS, C.EPISODES, C.READS, C.SPONSORS}, "shownotes": {C.READS, C.SPONSORS, C.EPISODES},
                    "reads": {C.READS, C.EPISODES}, "campaigns": {C.CAMPAIGNS},
                    "downloads": {C.READS, C.EPISODES}}[kind]
        msg = rich(summary.result_summary(kind, result))
        self.setTitle("Imported")
        self.text.setText(msg)
        self.wiz.ctx.notify(entities)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done


def _cell(row: dict[str, Any], col: str) -> Any:
    """A preview cell in words: an episode the import will create says so ("61 — new episode")
    instead of a True/False column; any other yes/no value is "yes" or "no"."""
    value = row.get(col)
    if col == "episode" and row.get("new_episode"):
        return f"{value} — new episode"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _item(value: Any) -> QStandardItem:
    it = QStandardItem("" if value is None else str(value))
    it.setEditable(False)
    if isinstance(value, int | float) and not isinstance(value, bool):
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


class ImportWizard(QWizard):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.kind_page = KindPage()
        self.source_page = SourcePage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        self.setPage(PAGE_KIND, self.kind_page)
        self.setPage(PAGE_SOURCE, self.source_page)
        self.setPage(PAGE_PREVIEW, self.preview_page)
        self.setPage(PAGE_RESULT, self.result_page)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.preview_page.setCommitPage(True)
        self.task = None
        self.resize(920, 620)

    def reject(self) -> None:
        """Cancel or Stop: a running check or import stops before it writes anything."""
        if self.task is not None and self.task in self.ctx.tasks.running:
            self.task.control.cancel()
        super().reject()

    def kind(self) -> str:
        return self.kind_page.kind()

    def source(self) -> str:
        return self.source_page.path.text().strip()

    def show_name(self) -> str | None:
        return self.source_page.show_combo.currentData() if self.kind() == "shownotes" else None

    def episode(self) -> str | None:
        return self.source_page.episode.text().strip() or None if self.kind() == "shownotes" else None

    def create_missing(self) -> bool:
        return self.kind() == "reads" and self.source_page.create_missing.isChecked()


def open_wizard(ctx, parent: QWidget | None = None, kind: str | None = None) -> ImportWizard:
    """The wizard; with ``kind`` ("rss", "reads", ...) that kind is chosen and it opens at the file step."""
    wiz = ImportWizard(ctx, parent)
    wiz.setModal(True)
    wiz.show()
    if kind is not None:
        wiz.kind_page.group.button(next(i for i, k in enumerate(KINDS) if k[0] == kind)).setChecked(True)
        wiz.next()
    return wiz
