"""Start the desktop app: QApplication, palette, the database (with a clear dialog when it is bad),
the main window — or render one page to a PNG (``--screenshot``) and exit."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from sponsortrack.errors import DatabaseError, SponsortrackError
from sponsortrack.store import Store

SCREENSHOT_SIZE = (1360, 860)
_windows: list[QWidget] = []  # keep top-level windows alive


def dark_palette() -> QPalette:
    p = QPalette()
    base, alt, window, text = QColor(30, 32, 36), QColor(38, 41, 46), QColor(42, 45, 50), QColor(228, 230, 235)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, alt)
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor(55, 58, 64))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(160, 165, 172))  # muted text: AA (>= 4.5:1) on Window
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor(50, 53, 59))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor(255, 110, 110))
    p.setColor(QPalette.ColorRole.Link, QColor(110, 170, 255))
    p.setColor(QPalette.ColorRole.LinkVisited, QColor(170, 140, 255))
    p.setColor(QPalette.ColorRole.Highlight, QColor(52, 110, 200))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Mid, QColor(70, 74, 80))
    p.setColor(QPalette.ColorRole.Midlight, QColor(60, 63, 69))
    p.setColor(QPalette.ColorRole.Dark, QColor(22, 23, 26))
    p.setColor(QPalette.ColorRole.Light, QColor(80, 84, 92))
    p.setColor(QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 124, 130))
    return p


_FUSION_LIGHT = {  # Fusion's standard light palette (Qt 6): role -> (normal, disabled)
    "WindowText": ("#000000", "#bebebe"), "Button": ("#efefef", "#efefef"), "Light": ("#ffffff", "#ffffff"),
    "Midlight": ("#cacaca", "#cacaca"), "Dark": ("#9f9f9f", "#bebebe"), "Mid": ("#b8b8b8", "#b8b8b8"),
    "Text": ("#000000", "#bebebe"), "BrightText": ("#ffffff", "#ffffff"), "ButtonText": ("#000000", "#bebebe"),
    "Base": ("#ffffff", "#efefef"), "Window": ("#efefef", "#efefef"), "Shadow": ("#767676", "#b1b1b1"),
    "Highlight": ("#308cc6", "#919191"), "HighlightedText": ("#ffffff", "#ffffff"),
    "Link": ("#0000ff", "#0000ff"), "LinkVisited": ("#ff00ff", "#ff00ff"), "AlternateBase": ("#f7f7f7", "#f7f7f7"),
    "ToolTipBase": ("#ffffdc", "#ffffdc"), "ToolTipText": ("#000000", "#000000"),
    "PlaceholderText": ("#646870", "#80000000"),  # Fusion has #80000000: 3.9:1 on Window, below AA
}


def light_palette() -> QPalette:
    """Fusion's light palette, spelled out (asking the style for it costs start-up time: PySide6 builds
    every ``QStyle`` enum on first use), with our highlight and backgrounds."""
    p = QPalette()
    for name, (normal, disabled) in _FUSION_LIGHT.items():
        role = getattr(QPalette.ColorRole, name)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            p.setColor(group, role, QColor(normal))
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    p.setColor(QPalette.ColorRole.Highlight, QColor(40, 100, 200))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(244, 246, 249))
    p.setColor(QPalette.ColorRole.Base, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Window, QColor(246, 247, 249))
    return p


STYLE_SHEET = """
QListWidget#sidebar { border: none; padding-top: 8px; font-size: 10.5pt; background: palette(window); }
QListWidget#sidebar::item { padding-left: 14px; border-left: 3px solid transparent; }
QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text);
                                     border-left: 3px solid palette(link); }
QLabel[role="error"] { color: @ERROR@; }
QLabel[role="muted"] { color: palette(placeholder-text); }
QLabel[role="h1"] { font-size: 15pt; font-weight: 600; }
QLabel[role="h2"] { font-size: 11pt; font-weight: 600; }
QFrame[role="card"] { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }
QLabel[role="figure"] { font-size: 17pt; font-weight: 600; }
QLabel[role="banner"] { background: palette(alternate-base); border: 1px solid palette(mid); border-radius: 4px;
                        padding: 6px; }
QTableView { gridline-color: palette(midlight); }
QLineEdit[readOnly="true"] { background: palette(window); }
"""


def apply_theme(app: QApplication, theme: str) -> None:
    if not app.property("st_fusion"):
        app.setStyle("Fusion")
        app.setProperty("st_fusion", True)
    if theme == "dark" or (theme == "system" and QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark):
        app.setPalette(dark_palette())
        app.setProperty("st_dark", True)
    else:
        app.setPalette(light_palette())
        app.setProperty("st_dark", False)
    app.setStyleSheet(STYLE_SHEET.replace("@ERROR@", error_color(bool(app.property("st_dark")))))


def error_color(dark: bool) -> str:
    """Error text that keeps WCAG AA contrast (>= 4.5:1) on the theme's window and base colours."""
    return "#ff7b7b" if dark else "#c03030"


def make_app() -> QApplication:
    app = cast("QApplication | None", QApplication.instance())
    if app is None:
        QCoreApplication.setOrganizationName("sponsortrack")
        QCoreApplication.setApplicationName("sponsortrack")
        QGuiApplication.setDesktopFileName("sponsortrack")
        # Fusion chosen on the command line: setStyle() would hand Python a QStyle, and PySide6 builds
        # all of QStyle's enums the first time one appears (milliseconds of start-up).
        app = QApplication([*sys.argv[:1], "-style", "Fusion"])
        app.setProperty("st_fusion", True)
    from sponsortrack.ui.icons import app_icon

    app.setWindowIcon(app_icon())
    return app


def make_config():
    from sponsortrack.ui.config import Config

    return Config(os.environ.get("SPONSORTRACK_SETTINGS") or None)


def open_store(path: Path, explicit: bool) -> Store:
    if not explicit:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path)


def open_with_dialog(path: Path, explicit: bool, parent: QWidget | None = None, config=None) -> Store | None:
    """Open the database; on a bad file ask what to do (open another, restore a backup, quit)."""
    while True:
        try:
            return open_store(path, explicit)
        except DatabaseError as exc:
            from sponsortrack.ui.dialogs.dbproblem import DatabaseProblemDialog

            dlg = DatabaseProblemDialog(path, str(exc), parent, config=config)
            if not dlg.exec() or dlg.choice is None:
                return None
            path = dlg.choice
            explicit = True


def build_window(store: Store, config):
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.mainwindow import MainWindow

    ctx = AppContext(store, config)
    win = MainWindow(ctx)
    config.add_recent_database(str(store.path))
    return win


def relaunch_on(old: QWidget, path: Path) -> None:
    """Open another database in a new window and close the old one (File ▸ Open Database)."""
    config = old.ctx.config  # type: ignore[attr-defined]
    store = open_with_dialog(path, True, old, config)
    if store is None:
        return
    win = build_window(store, config)
    win.show()
    win.show_page("dashboard")
    _windows.append(win)
    old.close()
    old.ctx.store.close()  # type: ignore[attr-defined]
    if old in _windows:
        _windows.remove(old)


def screenshot_widget(widget: QWidget, target: Path) -> None:
    app = QApplication.instance()
    for _ in range(5):
        app.processEvents()  # type: ignore[union-attr]
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from sponsortrack.outputs import write_atomic

    pix = widget.grab()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    fmt = target.suffix.lstrip(".").upper() or "PNG"  # as QPixmap.save(path) picks it; unknown kinds get PNG
    if not pix.save(buf, fmt) and not pix.save(buf, "PNG"):
        raise OSError(f"cannot encode the screenshot for {target}")
    buf.close()
    write_atomic(bytes(data.data()), target)  # never over the open database or its journals


def report_uncaught(win: QWidget, etype: type[BaseException], exc: BaseException, tb) -> None:
    """What the window does with an exception that escaped a slot or a paint (PySide6 hands those to
    ``sys.excepthook``): a message box with one line; the traceback goes to stderr only when it is a bug."""
    import sqlite3
    import traceback

    from sponsortrack.errors import SponsortrackError, explain, raised_by_the_database

    ctx = win.ctx  # type: ignore[attr-defined]
    if isinstance(exc, SponsortrackError):
        title, text = "Cannot do that", str(exc)
    elif isinstance(exc, sqlite3.Error) or (isinstance(exc, UnicodeDecodeError) and raised_by_the_database(exc)):
        title, text = "Database problem", explain(ctx.db_path, exc)
    else:
        traceback.print_exception(etype, exc, tb)
        title, text = "Unexpected error", f"{etype.__name__}: {exc}"
    ctx.error.emit(title, text)


def install_error_hook(win: QWidget) -> None:
    previous = sys.excepthook

    def hook(etype, exc, tb):
        if issubclass(etype, KeyboardInterrupt | SystemExit) or not _windows:
            previous(etype, exc, tb)
            return
        report_uncaught(_windows[-1], etype, exc, tb)

    sys.excepthook = hook


def _collect_garbage_again() -> None:
    if not gc.isenabled():
        gc.freeze()  # what start-up built lives as long as the window: later passes need not walk it
        gc.enable()


def run_gui(db_path: str | os.PathLike[str], screenshot: str | None = None, page: str | None = None,
            explicit_db: bool = True) -> int:
    """Open the window on the database; returns the process exit code."""
    if screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from sponsortrack.ui.pages import page_keys

    if page is not None and page not in page_keys():
        print(f"error: --page must be one of {', '.join(page_keys())}", file=sys.stderr)
        return 2
    app = make_app()
    config = make_config()
    apply_theme(app, os.environ.get("SPONSORTRACK_THEME") or config.theme)
    path = Path(db_path).expanduser()

    if screenshot:
        try:
            store = open_store(path, explicit_db)
        except DatabaseError as exc:
            from sponsortrack.ui.dialogs.dbproblem import DatabaseProblemDialog

            dlg = DatabaseProblemDialog(path, str(exc), None, config=config)
            dlg.show()
            try:
                screenshot_widget(dlg, Path(screenshot))
            except SponsortrackError as bad:
                print(f"error: {bad}", file=sys.stderr)
            print(f"error: {exc}", file=sys.stderr)
            return 1
        win = build_window(store, config)
        win.resize(*SCREENSHOT_SIZE)
        win.show()
        win.show_page(page or "dashboard")
        for _ in range(3):  # let page work on worker threads land (dashboard figures, counts)
            app.processEvents()
            win.ctx.tasks.wait(60_000)
        try:
            screenshot_widget(win, Path(screenshot))
        except SponsortrackError as exc:  # e.g. "output: X is the open database; choose another file"
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            win.close()
            store.close()
        return 0

    opened = open_with_dialog(path, explicit_db, None, config)
    if opened is None:
        return 1
    store = opened
    win = build_window(store, config)
    win.restore_state()
    from sponsortrack.ui.refguard import RefFloor

    ref_floor = RefFloor()  # a PySide6 that drops references to None must not abort the app (ui.refguard)
    ref_floor.start()
    win.show()
    win.show_page(page or "dashboard")
    _windows.append(win)
    install_error_hook(win)
    if not gc.isenabled():  # the launcher turned it off for the start-up
        win.ctx.after_first_paint(_collect_garbage_again)
        QTimer.singleShot(3000, _collect_garbage_again)  # a window that starts hidden paints late
    if os.environ.get("SPONSORTRACK_QUIT_WHEN_IDLE"):  # used by the start-up benchmark
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, lambda: (print("idle", flush=True), app.quit())))
    code = app.exec()
    ref_floor.stop()
    for w in _windows:
        ctx = getattr(w, "ctx", None)
        if ctx is not None:
            ctx.tasks.wait(5000)
            ctx.store.close()
    _windows.clear()
    viewing = sys.modules.get("sponsortrack.ui.viewing")  # imported only if a file was opened for viewing
    if viewing is not None:
        viewing.clean_temp_dir()
    return int(code)
