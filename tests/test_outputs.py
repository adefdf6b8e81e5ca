"""No output (CSV, PDF, backup, screenshot) may overwrite the live database or its -wal/-shm/-journal files,
however the path is spelled, from the CLI (real processes) or the window (issue 9, item 4)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sponsortrack.errors import ValidationError
from sponsortrack.outputs import check_output, remember_database, write_atomic
from sponsortrack.store import Store

SIDECARS = ["", "-wal", "-shm", "-journal"]


def _row_count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM ad_reads").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("suffix", SIDECARS)
def test_the_open_database_and_each_journal_are_refused(store, suffix):
    target = Path(str(store.path) + suffix)
    existed = target.exists()
    before = target.read_bytes() if existed else None
    with pytest.raises(ValidationError, match=r"^output: .* is the open database"):
        write_atomic(b"read_id,air_date\r\n", target)
    assert target.exists() == existed  # a missing -journal is not created either
    if existed and suffix == "":
        assert target.read_bytes() == before
    assert not list(store.path.parent.glob("*.partial"))


def test_every_spelling_of_the_database_is_refused(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = store.path.name
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "link.db").symlink_to(store.path)
    (tmp_path / "dangling-wal").symlink_to(str(store.path) + "-journal")  # points at a file not there yet
    os.link(store.path, tmp_path / "hard.db")
    monkeypatch.setenv("HOME", str(tmp_path))
    spellings = [name, f"./{name}", f"sub/../{name}", f"~/{name}", f"{name}-wal", f"./{name}-shm",
                 f"alias/{name}", f"alias/{name}-journal", "link.db", "dangling-wal", "hard.db",
                 str(tmp_path / "alias" / "sub" / ".." / name)]
    for spelling in spellings:
        with pytest.raises(ValidationError, match="open database"):
            check_output(spelling)
    # files beside it are fine
    for ok in (f"{name}.csv", f"{name}-wal.pdf", "other.db", f"sub/{name}"):
        assert check_output(ok) == Path(ok)


def test_a_database_opened_through_a_symlink_protects_the_real_file(tmp_path):
    real = tmp_path / "real" / "network.db"
    real.parent.mkdir()
    (tmp_path / "via").symlink_to(real.parent, target_is_directory=True)
    with Store(tmp_path / "via" / "network.db"):
        pass
    for target in (real, Path(str(real) + "-wal"), tmp_path / "via" / "network.db-shm"):
        with pytest.raises(ValidationError, match="open database"):
            check_output(target)


def test_a_backup_never_uses_the_database_as_its_temporary_copy(tmp_path):
    """The backup writes ``<target>.partial`` and removes leftovers of it first: a database called
    ``x.db.partial`` backed up to ``x.db`` would have been deleted."""
    db = tmp_path / "x.db.partial"
    with Store(db) as store:
        store.conn.execute("CREATE TABLE keep (v)")
        store.conn.execute("INSERT INTO keep VALUES (1)")
        store.conn.commit()
        with pytest.raises(ValidationError, match=r"^output: .*x\.db\.partial is the open database"):
            store.backup(tmp_path / "x.db")
        assert store.scalar("SELECT count(*) FROM keep") == 1
    assert db.is_file() and not (tmp_path / "x.db").exists()


def test_protect_argument_and_remembered_paths(tmp_path):
    db = tmp_path / "later.db"
    assert check_output(db) == db  # nothing opened it yet
    with pytest.raises(ValidationError, match="open database"):
        check_output(db, protect=(db,))
    remember_database(db)
    with pytest.raises(ValidationError, match="write-ahead log"):
        check_output(str(db) + "-wal")


def test_folders_and_odd_targets_get_one_line(tmp_path):
    for bad, problem in ((tmp_path, "is a folder"), ("", "no file name"), (tmp_path / "no" / "x.pdf", "does not exist"),
                         ("/dev/null", "not a regular file")):
        with pytest.raises(ValidationError) as err:
            check_output(bad)
        msg = str(err.value)
        assert msg.startswith("output: ") and problem in msg and "\n" not in msg


# -- the CLI, in real processes (nothing remembered beforehand) --------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A demo database with one draft invoice, in DELETE journal mode so it can be copied as one file."""
    d = tmp_path_factory.mktemp("template")
    db = d / "x.db"
    env = _env()
    subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "demo"], check=True, env=env,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "invoice", "create", "--sponsor",
                    "Brave", "--month", "2019-10"], check=True, env=env, capture_output=True)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return db


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


CLI_CASES = [
    (["export", "csv", "--what", "reads"], "x.db"),
    (["export", "csv", "--what", "invoices"], "./x.db-wal"),
    (["report", "monthly", "--month", "2019-10"], "{dir}/x.db-shm"),
    (["report", "monthly", "--month", "2019-10", "--sponsor", "Brave"], "x.db-journal"),
    (["invoice", "pdf", "1"], "link.db"),
    (["backup"], "{dir}/sub/../x.db"),
    (["gui", "--screenshot"], "x.db-wal"),
]


@pytest.mark.parametrize(("command", "target"), CLI_CASES, ids=[" ".join(c[:2]) for c, _ in CLI_CASES])
def test_cli_outputs_refuse_the_database(template, tmp_path, command, target):
    db = tmp_path / "x.db"
    shutil.copy(template, db)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.db").symlink_to(db)
    reads = _row_count(db)
    out = target.format(dir=tmp_path)
    args = [*command, out] if command[0] == "gui" else [*command, "-o", out]
    proc = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", "x.db", *args], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=120)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert proc.returncode == 2, proc.stderr
    assert len(errors) == 1 and errors[0].startswith("error: output: ") and "open database" in errors[0]
    assert "Traceback" not in proc.stderr
    with db.open("rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"
    assert _row_count(db) == reads
    assert not list(tmp_path.glob("*.partial")) and not (tmp_path / "x.db-journal").exists()


def test_cli_output_to_a_folder_is_one_line(template, tmp_path):
    db = tmp_path / "x.db"
    shutil.copy(template, db)
    proc = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "export", "csv", "--what",
                           "reads", "-o", str(tmp_path)], env=_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: output: {tmp_path} is a folder; give a file name"


# -- the window ------------------------------------------------------------------------------------


def test_window_invoice_pdf_and_backup_refuse_the_database(demo_store, tmp_path, qtbot, monkeypatch):
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from sponsortrack.services import invoicing
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.mainwindow import MainWindow

    [inv] = invoicing.create_drafts(demo_store, invoicing_sponsor(demo_store), "2019-10").invoices
    ctx = AppContext(demo_store, Config(str(tmp_path / "settings.ini")))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    db = demo_store.path
    reads = _row_count(db)
    errors: list[str] = []
    ctx.error.connect(lambda title, text: errors.append(text))

    page = _invoices_page(win)
    page.refresh()
    page.table.selectRow(0)
    assert page._selected() is not None and page._selected().id == inv.id
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(db), "PDF (*.pdf)")))
    page.save_pdf()
    qtbot.waitUntil(lambda: bool(errors), timeout=30_000)
    ctx.tasks.wait()
    assert errors[0].startswith("output: ") and "open database" in errors[0]
    assert page.last_pdf is None

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(db) + "-wal", "SQLite database (*.db)")))
    win.backup_database()
    assert len(warnings) == 1 and warnings[0].startswith("output: ") and "write-ahead log" in warnings[0]

    with db.open("rb") as fh:
        assert fh.read(16) == b"SQLite format 3\x00"
    assert _row_count(db) == reads and demo_store.scalar("SELECT count(*) FROM ad_reads") == reads


def invoicing_sponsor(store) -> int:
    return store.scalar("SELECT id FROM sponsors WHERE name = 'Brave'")


def _invoices_page(win):
    return win.show_page("invoices")


def test_window_reports_page_refuses_the_database(tmp_path, qtbot):
    """The Reports page names its PDF itself (folder + "network-summary-MONTH.pdf"): even a database that
    happens to bear that name is never replaced."""
    pytest.importorskip("PySide6")
    from sponsortrack.services.demo import load_demo
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.pages.reports import ReportsPage

    db = tmp_path / "network-summary-2019-11.pdf"
    with Store(db) as store:
        load_demo(store)
        reads = _row_count(db)
        ctx = AppContext(store, Config(str(tmp_path / "settings.ini")))
        page = ReportsPage(ctx)
        qtbot.addWidget(page)
        page.opened = []
        page.opener = page.opened.append
        page.refresh()
        failures: list[str] = []
        ctx.error.connect(lambda title, text: failures.append(text))
        page.folder.setText(str(tmp_path))
        page.what.setCurrentIndex(0)
        page.month.setText("2019-11")
        page.generate()
        qtbot.waitUntil(lambda: bool(failures), timeout=30_000)
        ctx.tasks.wait()
        assert failures[0].startswith("output: ") and "open database" in failures[0] and page.opened == []
        assert _row_count(db) == reads
