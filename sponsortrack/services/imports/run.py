"""One import by kind, as the window's wizard runs it on a worker: its own ``Store`` on the database path,
a preview (``preview=True``: nothing written) or the import itself, the proposals the producer ticked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sponsortrack.importers import tabular
from sponsortrack.services.imports.common import Cancelled, Progress
from sponsortrack.services.imports.feeds import import_rss, import_show_notes
from sponsortrack.services.imports.sheet_reads import import_reads_csv
from sponsortrack.services.imports.tables import import_campaigns_csv, import_downloads_csv
from sponsortrack.services.reads import ProposedRead
from sponsortrack.store import Store

KINDS = ("rss", "shownotes", "reads", "campaigns", "downloads")


def run_import(db_path: str | Path, kind: str, source: str, *, preview: bool, mapping: dict[str, str] | None = None,
               show: str | None = None, episode: str | None = None, selected: list[int] | None = None,
               create_missing: bool = False, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Any:
    """The result of one import (``FeedImportResult``, ``ShowNotesResult`` or ``TableImportResult``).

    ``selected`` are the indexes of the proposed reads to log (feeds and show notes; ``None``: all)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    chosen = None if selected is None else set(selected)

    def selection(props: list[ProposedRead]) -> list[ProposedRead]:
        return props if chosen is None else [p for i, p in enumerate(props) if i in chosen]

    with Store(db_path) as store:
        if kind == "rss":
            return import_rss(store, source, dry_run=preview, apply=not preview, selection=selection,
                              progress=progress, cancelled=cancelled)
        if kind == "shownotes":
            data = tabular.read_bytes(Path(source))
            return import_show_notes(store, data, show=show or None, episode=episode or None,
                                     apply=not preview, selection=selection)
        if kind == "reads":
            return import_reads_csv(store, source, mapping=mapping, dry_run=preview, progress=progress,
                                    cancelled=cancelled, create_missing=create_missing)
        if kind == "campaigns":
            return import_campaigns_csv(store, source, mapping=mapping, dry_run=preview, progress=progress,
                                        cancelled=cancelled)
        return import_downloads_csv(store, source, mapping=mapping, dry_run=preview, progress=progress,
                                    cancelled=cancelled)
