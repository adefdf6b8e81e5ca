"""Promo link checker: does every promo URL answer, land on the sponsor's site and keep its code?

Qt-free. ``check_links`` (async) / ``check_links_sync`` take ``LinkTarget``s (or plain URL strings)
and return one ``LinkResult`` per URL, in input order. Rooms: ``model`` (verdicts, targets, results),
``options`` (the limits of a run), ``checker`` (asking and following, the scheduler), ``classify`` (what an
answer or an error means, in words), ``clients`` (the httpx clients and each host's slots).
"""

from typing import TYPE_CHECKING, Any

from sponsortrack.linkcheck.model import (
    FAILING_VERDICTS,
    FINE_VERDICTS,
    INCONCLUSIVE_VERDICTS,
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    VERDICTS,
    LinkResult,
    LinkTarget,
    is_failing,
    is_fine,
)

if TYPE_CHECKING:
    from sponsortrack.linkcheck.checker import LinkChecker, check_links, check_links_sync, check_url, prepare_url
    from sponsortrack.linkcheck.options import CheckOptions
    from sponsortrack.validation import host_matches

#: where each name imported on first use lives
_LAZY = {"CheckOptions": "sponsortrack.linkcheck.options", "host_matches": "sponsortrack.validation",
         **dict.fromkeys(("LinkChecker", "check_links", "check_links_sync", "check_url", "prepare_url"),
                         "sponsortrack.linkcheck.checker")}


def __getattr__(name: str) -> Any:
    """The checker (and httpx with it) is imported on first use, so the store and the CLI start fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sponsortrack.linkcheck' has no attribute {name!r}")


__all__ = [
    "FAILING_VERDICTS",
    "FINE_VERDICTS",
    "INCONCLUSIVE_VERDICTS",
    "VERDICTS",
    "VERDICT_LABELS",
    "VERDICT_MEANINGS",
    "CheckOptions",
    "LinkChecker",
    "LinkResult",
    "LinkTarget",
    "check_links",
    "check_links_sync",
    "check_url",
    "host_matches",
    "is_failing",
    "is_fine",
    "prepare_url",
]
