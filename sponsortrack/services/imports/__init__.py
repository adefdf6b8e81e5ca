"""Imports: RSS feeds, show notes, spreadsheets of reads and campaigns, downloads.

Every import validates everything first and then writes in ONE transaction: a problem anywhere
(per row or per feed item, each reported with its row/item) means nothing is written. Each import
has a preview: ``dry_run=True`` for spreadsheets and feeds, ``apply=False`` for the proposed reads of
show notes.

The rooms: ``sources`` (a file or a URL's bytes), ``matching`` (known sponsors and campaigns, proposed
reads), ``feeds`` (RSS and show notes), ``tables`` and ``sheet_reads`` (spreadsheets), ``run`` (one entry
point by kind, for the window's import wizard). Reconciliation of show notes with logged reads lives in
``services.reconcile``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# where each public name lives; loaded on first use, so that importing one room (``summary`` for the
# window, ``matching`` for reconciliation) does not load the feed parser and every other room
_WHERE = {
    "SOURCE_CSV": "common", "SOURCE_SHOW_NOTES": "common", "ImportCancelled": "common",
    "FeedImportResult": "feeds", "ShowNotesResult": "feeds", "import_rss": "feeds", "import_show_notes": "feeds",
    "KINDS": "run", "run_import": "run", "import_reads_csv": "sheet_reads", "load_source": "sources",
    "TableImportResult": "tables", "import_campaigns_csv": "tables", "import_downloads_csv": "tables",
}

if TYPE_CHECKING:
    from sponsortrack.services.imports.common import SOURCE_CSV, SOURCE_SHOW_NOTES, ImportCancelled
    from sponsortrack.services.imports.feeds import FeedImportResult, ShowNotesResult, import_rss, import_show_notes
    from sponsortrack.services.imports.run import KINDS, run_import
    from sponsortrack.services.imports.sheet_reads import import_reads_csv
    from sponsortrack.services.imports.sources import load_source
    from sponsortrack.services.imports.tables import TableImportResult, import_campaigns_csv, import_downloads_csv
    from sponsortrack.services.reads import ProposedRead


def __getattr__(name: str) -> Any:
    if name == "ProposedRead":
        from sponsortrack.services.reads import ProposedRead

        return ProposedRead
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "KINDS", "SOURCE_CSV", "SOURCE_SHOW_NOTES", "FeedImportResult", "ImportCancelled", "ProposedRead",
    "ShowNotesResult", "TableImportResult", "import_campaigns_csv", "import_downloads_csv", "import_reads_csv",
    "import_rss", "import_show_notes", "load_source", "run_import",
]
