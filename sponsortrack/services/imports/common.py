"""What every import shares: progress and cancel callbacks, the source labels of what it writes."""

from __future__ import annotations

from collections.abc import Callable

from sponsortrack.errors import SponsortrackError

SOURCE_SHOW_NOTES = "show notes"
SOURCE_CSV = "csv import"
PREVIEW_ROWS = 200

Progress = Callable[[int, int, str], None]  # (done, total, message)
Cancelled = Callable[[], bool]


class ImportCancelled(SponsortrackError):
    """The producer cancelled the import before anything was written."""


def noop_progress(done: int, total: int, message: str) -> None:
    return None


def check_cancel(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("import cancelled; nothing was written")
