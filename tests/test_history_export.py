"""History ▸ Export CSV streams like ``export csv --what reads``: the same service call
(``services.export.export_reads``), so the same filter writes the same bytes, and no row list is built
(memory flat in the rows: tests/test_scale.py). Cancelling midway leaves the target as it was."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from ui_helpers import make_window

from sponsortrack.cli import main
from sponsortrack.services import export
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.pages import history_export as hx

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
_TYPED_ROWS = export.read_rows  # taken before any test refuses it


@pytest.fixture
def no_typed_rows(monkeypatch):
    """The typed path (a ReadRow and a dict per read, all in a list) must not be taken."""
    def refuse(*_a, **_k):
        raise AssertionError("the window's export built every row in memory")
    monkeypatch.setattr(export, "read_rows", refuse)


def _window_export(qtbot, page, target):
    page.last_export = None
    page.export_csv(str(target))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=20_000)
    return target.read_bytes()


def _pick(box, text):
    i = box.findText(text)
    assert i >= 0, text
    box.setCurrentIndex(i)


def test_the_windows_export_is_the_cli_export_of_the_same_filter(qtbot, demo_store, db_path, tmp_path, no_typed_rows):
    win = make_window(qtbot, demo_store, tmp_path, page="history")
    page = win.pages["history"]
    _pick(page.sponsor, "DigitalOcean")
    _pick(page.month, "2019-10")
    window = _window_export(qtbot, page, tmp_path / "window.csv")
    res = CliRunner().invoke(main, ["--db", str(db_path), "export", "csv", "--what", "reads", "--month", "2019-10",
                                    "--sponsor", "DigitalOcean", "-o", str(tmp_path / "cli.csv")],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    cli = (tmp_path / "cli.csv").read_bytes()
    assert window == cli and window.count(b"\r\n") == page.last_export[1] + 1 > 2
    assert f"Wrote {page.last_export[1]} reads" in res.output


def test_every_history_filter_exports_what_the_service_writes(qtbot, demo_store, tmp_path, no_typed_rows):
    win = make_window(qtbot, demo_store, tmp_path, page="history")
    page = win.pages["history"]
    _pick(page.show_box, "Practical AI")
    _pick(page.status, "verified")
    page.search.setText("changelog")
    page.apply_filters()
    flt = page.model.filter
    assert flt.show_id and flt.status == "verified" and flt.search == "changelog"
    window = _window_export(qtbot, page, tmp_path / "window.csv")
    filters = hx.filter_kwargs(flt)
    path, n = export.export_reads(demo_store, tmp_path / "service.csv", **filters)
    assert window == path.read_bytes() and page.last_export[1] == n > 0
    # and what the typed rows of the same reads write (the path the window took before)
    typed = export.write_csv(_TYPED_ROWS(demo_store, **filters), export.READ_COLUMNS, tmp_path / "typed.csv")
    assert window == typed.read_bytes()


class _Control:
    def __init__(self, cancel_after: int | None = None):
        self.cancel_after, self.calls = cancel_after, []

    @property
    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.calls) > self.cancel_after

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        self.calls.append((done, total, text))


def test_cancelling_the_export_midway_leaves_the_file_as_it_was(demo_store, db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 10)
    target = tmp_path / "out.csv"
    target.write_text("the producer's own file\n")
    assert hx.export_task(_Control(cancel_after=2), db_path, {}, str(target)) == ("", 0)
    assert target.read_text() == "the producer's own file\n"
    control = _Control()
    path, n = hx.export_task(control, db_path, hx.filter_kwargs(ReadFilter()), str(target))
    assert n == demo_store.scalar("SELECT count(*) FROM ad_reads") and path == str(target)
    assert [d for d, _t, _x in control.calls[1:-1]] == list(range(10, n, 10))
