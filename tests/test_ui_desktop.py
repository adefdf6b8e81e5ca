"""Desktop conventions (issue 14 item 5): Ctrl+Q quits, the window fits small and scaled screens, a PDF
with no viewer says so, viewed PDFs live in a temp folder of the app's own, a billed read's editor is
read-only, the import preview speaks in words, counts agree with their nouns, wizard text is legible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox
from ui_helpers import make_window

from sponsortrack.services import invoicing
from sponsortrack.services import reads as rsvc
from sponsortrack.ui import viewing
from sponsortrack.ui.actions import Act, standard_or
from sponsortrack.wording import count, count_of

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


# -- Ctrl+Q ----------------------------------------------------------------------------------------
def test_ctrl_q_is_bound_once_and_quits(qtbot, store, tmp_path):
    win = make_window(qtbot, store, tmp_path)
    quit_act = win.actions_map[Act.QUIT]
    assert [s.toString() for s in quit_act.shortcuts()] == ["Ctrl+Q"]
    qtbot.keyClick(win, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=2000)


def test_a_platform_quit_key_is_not_bound_a_second_time():
    # X11's standard Quit is Ctrl+Q: the literal fallback must not be added again (that made the key
    # ambiguous, so it did nothing).
    seqs = standard_or(QKeySequence.StandardKey.Quit, "Ctrl+Q", bindings=[QKeySequence("Ctrl+Q")])
    assert [s.toString() for s in seqs] == ["Ctrl+Q"]
    seqs = standard_or(QKeySequence.StandardKey.Preferences, "Ctrl+,", bindings=[QKeySequence("Ctrl+Shift+,")])
    assert [s.toString() for s in seqs] == ["Ctrl+Shift+,", "Ctrl+,"]
    assert [s.toString() for s in standard_or(QKeySequence.StandardKey.Quit, "Ctrl+Q", bindings=[])] == ["Ctrl+Q"]


# -- small and scaled screens ----------------------------------------------------------------------
def test_window_is_narrow_enough_for_every_page(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.mainwindow import fitting_size

    win = make_window(qtbot, demo_store, tmp_path)
    for key in win.page_keys():
        win.show_page(key)
        win.ctx.tasks.wait(20_000)
        QApplication.processEvents()
        assert win.minimumSizeHint().width() <= 900, key
        assert win.minimumSizeHint().height() <= 500, key
    win.resize(900, 500)  # 1920x1080 at 200 % is 960x540 logical px; leave room for the frame
    QApplication.processEvents()
    assert win.width() <= 900 and win.height() <= 500
    # the widest page scrolls inside the window instead of widening it
    scroll = win.findChild(type(win.pages["history"].parentWidget().parentWidget()), "scroll_campaigns")
    assert scroll is not None and scroll.widget() is win.pages["campaigns"]
    assert fitting_size(QSize(1280, 720)) == (1280, 680)
    assert fitting_size(QSize(960, 540)) == (960, 500)
    assert fitting_size(QSize(2560, 1440)) == (1280, 800)


# -- opening a PDF ---------------------------------------------------------------------------------
def test_open_pdf_without_a_viewer_says_so_and_offers_the_folder(qtbot, store, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(viewing, "open_url", lambda p: opened.append(p) and False)
    win = make_window(qtbot, store, tmp_path, page="invoices")
    pdf = tmp_path / "invoice-7.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    win.pages["invoices"].opener(str(pdf))  # what the page does after rendering
    assert opened == [str(pdf)]
    box = win.findChild(QMessageBox, "no_viewer_box")
    assert box is not None and box.isVisible()
    assert "No program on this computer opens PDF files" in box.text() and "invoice-7.pdf" in box.text()
    show = box.findChild(type(box.button(QMessageBox.StandardButton.Close)), "show_in_folder")
    assert show.text() == "Show in folder"
    show.click()
    assert opened == [str(pdf), str(tmp_path)]
    second = win.findChild(QMessageBox, "no_folder_box")  # no file manager either: the path, in words
    assert second is not None and str(pdf) in second.text()


def test_pdfs_opened_for_viewing_go_to_the_apps_own_temp_folder(qtbot, demo_store, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(viewing, "open_url", lambda p: opened.append(p) or True)
    win = make_window(qtbot, demo_store, tmp_path, page="invoices")
    page = win.pages["invoices"]
    page.sponsor.setCurrentIndex(page.sponsor.findText("Brave"))
    page.month.setText("2019-10")
    page.create_btn.click()
    page.open_pdf()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    folder = viewing.temp_dir()
    assert Path(opened[0]).parent == folder and folder.name.startswith("sponsortrack-view-")
    assert Path(opened[0]).read_bytes()[:5] == b"%PDF-"
    viewing.clean_temp_dir()
    assert not folder.exists()


def test_viewing_folder_is_removed_when_the_process_exits(tmp_path):
    code = ("from sponsortrack.ui import viewing; d = viewing.temp_dir(); (d / 'x.pdf').write_text('x'); "
            "print(d)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    folder = Path(out.stdout.strip())
    assert folder.name.startswith("sponsortrack-view-") and not folder.exists()


# -- a billed read ---------------------------------------------------------------------------------
def test_billed_reads_editor_is_read_only_with_the_reason_on_top(qtbot, demo_store, tmp_path):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.dialogs.read import ReadDialog

    drafts = invoicing.create_drafts(demo_store, "Brave", "2019-10")
    inv = invoicing.issue_invoice(demo_store, drafts.invoices[0].id)
    billed = next(r for r in rsvc.list_reads(demo_store, sponsor="Brave") if r.invoice_id == inv.id)
    ctx = AppContext(demo_store, Config(str(tmp_path / "s.ini")))
    dlg = ReadDialog(ctx, billed)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.body.itemAt(0).widget() is dlg.locked
    assert "Read-only" in dlg.locked.text() and inv.number in dlg.locked.text()
    for key, f in dlg.fields.items():
        editable = f.widget.isEnabled() and not (isinstance(f.widget, QLineEdit) and f.widget.isReadOnly())
        assert editable == (key == "notes"), key
    dlg.fields["notes"].widget.setPlainText("aired as booked")
    dlg.save()
    assert rsvc.get_read(demo_store, billed.id).notes == "aired as booked"

    unbilled = next(r for r in rsvc.list_reads(demo_store) if r.invoice_id is None)
    dlg2 = ReadDialog(ctx, unbilled)
    qtbot.addWidget(dlg2)
    assert dlg2.locked is None and all(f.widget.isEnabled() for f in dlg2.fields.values())


# -- the import wizard -----------------------------------------------------------------------------
def _reads_preview(qtbot, store, tmp_path):
    from PySide6.QtWidgets import QWizard

    from sponsortrack.ui import import_wizard as iw
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext

    f = tmp_path / "reads.csv"
    f.write_text("Podcast,Ep,Advertiser,Slot,Aired\nPractical AI,62,Fastly,mid,\n"
                 "Practical AI,900,Brave,post,2026-03-02\n", encoding="utf-8")
    ctx = AppContext(store, Config(str(tmp_path / "settings.ini")))
    wiz = iw.ImportWizard(ctx)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.kind_page.group.button(2).setChecked(True)
    wiz.button(QWizard.WizardButton.NextButton).click()
    wiz.source_page.path.setText(str(f))
    wiz.button(QWizard.WizardButton.NextButton).click()
    page = wiz.preview_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=15_000)
    return ctx, wiz, page


def test_import_preview_says_new_episode_in_words(qtbot, demo_store, tmp_path):
    ctx, _wiz, page = _reads_preview(qtbot, demo_store, tmp_path)
    m = page.model
    headers = [m.horizontalHeaderItem(c).text() for c in range(m.columnCount())]
    cells = [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert "new episode" not in headers
    assert not any(t in ("True", "False") for row in cells for t in row)
    ep = headers.index("episode")
    assert cells[0][ep] == "62" and cells[1][ep] == "900 — new episode"
    assert "importing adds 1 episode, 2 reads." in page.summary.text()
    ctx.tasks.wait(10_000)


def test_counts_agree_with_their_nouns():
    assert count(1, "read") == "1 read" and count(2, "read") == "2 reads" and count(0, "read") == "0 reads"
    assert count(12_400, "episode") == "12,400 episodes"
    assert count_of(1, "episodes") == "1 episode" and count_of(3, "download_snapshots") == "3 download snapshots"
    assert count_of(1, "entries") == "1 entry"


def _luminance(c: QColor) -> float:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())


def contrast(fg: QColor, bg: QColor) -> float:
    """WCAG 2 contrast ratio; a translucent foreground is blended over the background first."""
    a = fg.alphaF()
    fg = QColor.fromRgbF(fg.redF() * a + bg.redF() * (1 - a), fg.greenF() * a + bg.greenF() * (1 - a),
                         fg.blueF() * a + bg.blueF() * (1 - a))
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_import_wizard_text_meets_wcag_aa_in_both_themes(qtbot, demo_store, tmp_path, theme):
    from sponsortrack.ui.theme import apply_theme, set_role

    app = QApplication.instance()
    old_palette, old_sheet = app.palette(), app.styleSheet()
    apply_theme(app, theme)
    try:
        ctx, wiz, _page = _reads_preview(qtbot, demo_store, tmp_path)
        checked = 0
        for wpage in (wiz.kind_page, wiz.source_page, wiz.preview_page):
            for label in wpage.findChildren(QLabel):
                if not label.text().strip():
                    continue
                label.ensurePolished()
                pal = label.palette()
                fg = pal.color(QPalette.ColorGroup.Active, label.foregroundRole())
                bg = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
                ratio = contrast(fg, bg)
                assert ratio >= 4.5, (theme, label.text()[:40], fg.name(QColor.NameFormat.HexArgb), ratio)
                checked += 1
        assert checked >= 10
        # the muted and error roles the wizard's hints and messages use, on window and base
        for role in ("muted", "error"):
            probe = QLabel("x")
            set_role(probe, role)
            qtbot.addWidget(probe)
            probe.ensurePolished()
            fg = probe.palette().color(probe.foregroundRole())
            for bg_role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                assert contrast(fg, app.palette().color(bg_role)) >= 4.5, (theme, role, bg_role)
        ctx.tasks.wait(10_000)
    finally:
        app.setPalette(old_palette)
        app.setStyleSheet(old_sheet)
