"""Promo link checker: does every promo URL answer, land on the sponsor's site and keep its code?

Qt-free. ``check_links`` (async) / ``check_links_sync`` take ``LinkTarget``s (or plain URL strings)
and return one ``LinkResult`` per URL, in input order.
"""

from sponsortrack.linkcheck.checker import (
    CheckOptions,
    LinkChecker,
    check_links,
    check_links_sync,
    check_url,
    host_matches,
    prepare_url,
)
from sponsortrack.linkcheck.model import (
    FINE_VERDICTS,
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    VERDICTS,
    LinkResult,
    LinkTarget,
    is_fine,
)

__all__ = [
    "FINE_VERDICTS",
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
    "is_fine",
    "prepare_url",
]
