"""Start the desktop app: QApplication, palette, the database (with a clear dialog when it is bad),
the main window — or render one page to a PNG (``--screenshot``) and exit."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from sponsortrack.errors import DatabaseError, SponsortrackError
from sponsortrack.store import Store
from sponsortrack.ui.theme import apply_theme, follow_system_scheme

SCREENSHOT_SIZE = (1360, 860)
_windows: list[QWidget] = []  # keep top-level windows alive


HARMLESS_QT_MESSAGES = frozenset({
    # Qt's offscreen platform (screenshots, tests) has no window manager to hand a window's minimum size
    # to, so QPlatformWindow's default says this on every show of a window with a minimum size; a bare
    # PySide6 window with a minimum size prints it too. Real platforms (xcb, wayland, cocoa, windows)
    # implement it. Nothing is wrong in the picture, so the screenshot's stderr stays for real problems.
    "This plugin does not support propagateSizeHints()",
})


def quiet_harmless_qt_messages() -> None:
    """Drop the Qt messages in :data:`HARMLESS_QT_MESSAGES`; every other one goes where it went before."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message: str) -> None:
        if message in HARMLESS_QT_MESSAGES:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


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
    win.database_chosen.connect(lambda path: relaunch_on(win, path))
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


def no_display(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why no window can open here, in one line — or None. Without it Qt prints five lines about platform
    plugins and aborts the process (a core dump) when Linux has no X11 or Wayland display to talk to."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return ("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); the CLI "
            "commands work without one, and `sponsortrack gui --screenshot FILE` renders the window offscreen")


def run_gui(db_path: str | os.PathLike[str], screenshot: str | None = None, page: str | None = None,
            explicit_db: bool = True) -> int:
    """Open the window on the database; returns the process exit code."""
    if screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from sponsortrack.ui.pages import page_keys

    if page is not None and page not in page_keys():
        print(f"error: --page must be one of {', '.join(page_keys())}", file=sys.stderr)
        return 2
    missing = no_display()
    if missing:
        print(f"error: gui: {missing}", file=sys.stderr)
        return 1
    app = make_app()
    config = make_config()
    theme = os.environ.get("SPONSORTRACK_THEME") or config.theme
    # the window's first frame uses the desktop's scheme seen at the last start (ui.theme); a screenshot asks
    apply_theme(app, theme, system_dark=None if screenshot else config.system_dark)
    path = Path(db_path).expanduser()

    if screenshot:
        if QGuiApplication.platformName() == "offscreen":
            quiet_harmless_qt_messages()
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
    win.ctx.after_first_paint(lambda: follow_system_scheme(app, theme, config))
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
