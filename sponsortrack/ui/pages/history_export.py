"""History ▸ Export CSV: the reads the current filter shows (search, month, sponsor, show, status), all
of them, written off the GUI thread by the call ``export csv --what reads`` makes
(``services.export.export_reads``): the same filter writes the same bytes, rows streamed from one query
so memory stays flat in their number, and Cancel leaves the chosen file as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sponsortrack.store.reads import ReadFilter


def filter_kwargs(flt: ReadFilter) -> dict[str, Any]:
    """The History's filter as the service's keyword filters."""
    out: dict[str, Any] = {"sponsor": flt.sponsor_id, "show": flt.show_id, "status": flt.status,
                           "search": flt.search, "date_from": flt.date_from, "date_to": flt.date_to}
    return {k: v for k, v in out.items() if v is not None}


def export_task(control, db_path, filters: dict[str, Any], target: str) -> tuple[str, int]:
    from sponsortrack.services import export
    from sponsortrack.store import Store

    control.progress(0, 0, "Writing the reads")
    with Store(db_path) as store:
        written = export.export_reads(store, target, progress=control.progress,
                                      cancelled=lambda: control.cancelled, **filters)
    if written is None:
        return "", 0
    path, n = written
    control.progress(n, n, "Done")
    return str(path), n


def suggested_name(flt: ReadFilter) -> str:
    parts = ["reads"]
    if flt.date_from and flt.date_to and flt.date_from[:7] == flt.date_to[:7]:
        parts.append(flt.date_from[:7])
    if flt.search:
        parts.append("".join(ch for ch in flt.search if ch.isalnum() or ch in "-_")[:30] or "search")
    return "-".join(parts) + ".csv"


def export_csv(page, path: str | None = None):
    """Ask where (unless ``path`` is given), then write the CSV on a worker; the status bar says how many."""
    from sponsortrack.wording import count

    flt = page.model.filter
    if path is None:
        from PySide6.QtWidgets import QFileDialog

        folder = page.ctx.config.last_folder("export", str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(page, "Export reads as CSV", str(Path(folder) / suggested_name(flt)),
                                              "CSV (*.csv)")
        if not path:
            return None
        page.ctx.config.set_last_folder("export", str(Path(path).parent))

    def done(result) -> None:
        if result and result[0]:
            page.ctx.message.emit(f"Exported {count(result[1], 'read')} to {result[0]}")
            page.last_export = result

    return page.ctx.tasks.start("Export CSV", export_task, filter_kwargs(flt), path, on_done=done,
                                on_error=lambda msg: page.ctx.error.emit("Export CSV", msg))
