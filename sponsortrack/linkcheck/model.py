"""What the link checker takes in and hands back: plain dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sponsortrack import validation
from sponsortrack.errors import ValidationError

OK = "ok"
REDIRECTED = "redirected"
BROKEN = "broken"
TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
TLS_ERROR = "tls_error"
REDIRECT_LOOP = "redirect_loop"
TOO_MANY_REDIRECTS = "too_many_redirects"
WRONG_DESTINATION = "wrong_destination"
CODE_LOST = "code_lost"
INVALID_URL = "invalid_url"
INVALID_REDIRECT = "invalid_redirect"
RATE_LIMITED = "rate_limited"
BLOCKED_BY_BOT_PROTECTION = "blocked_by_bot_protection"
SUSPECT = "suspect"
UNCHECKED = "unchecked"

#: Every verdict, in the order screens list them.
VERDICTS: tuple[str, ...] = (
    OK,
    REDIRECTED,
    BROKEN,
    TIMEOUT,
    CONNECTION_ERROR,
    TLS_ERROR,
    REDIRECT_LOOP,
    TOO_MANY_REDIRECTS,
    WRONG_DESTINATION,
    CODE_LOST,
    INVALID_URL,
    INVALID_REDIRECT,
    SUSPECT,
    RATE_LIMITED,
    BLOCKED_BY_BOT_PROTECTION,
    UNCHECKED,
)

#: Verdicts that mean "the link works and lands where it should".
FINE_VERDICTS: frozenset[str] = frozenset({OK, REDIRECTED})
#: The server answered, but not about the link: it asks us to slow down or to prove we are a person.
#: Not fine, not failing: the link is neither proved good nor proved bad.
INCONCLUSIVE_VERDICTS: frozenset[str] = frozenset({RATE_LIMITED, BLOCKED_BY_BOT_PROTECTION})
#: A check that could not run (the machine is offline, DNS did not answer): stored with its reason,
#: never a link's latest verdict.
NOT_A_VERDICT: frozenset[str] = frozenset({UNCHECKED})
#: Verdicts that mean "this link needs fixing".
FAILING_VERDICTS: frozenset[str] = frozenset(VERDICTS) - FINE_VERDICTS - INCONCLUSIVE_VERDICTS - NOT_A_VERDICT

#: Short label for a badge, and what the verdict means in one line.
VERDICT_LABELS: dict[str, str] = {
    OK: "OK",
    REDIRECTED: "Redirected",
    BROKEN: "Broken",
    TIMEOUT: "Timeout",
    CONNECTION_ERROR: "No connection",
    TLS_ERROR: "TLS error",
    REDIRECT_LOOP: "Redirect loop",
    TOO_MANY_REDIRECTS: "Too many redirects",
    WRONG_DESTINATION: "Wrong site",
    CODE_LOST: "Code lost",
    INVALID_URL: "Invalid URL",
    INVALID_REDIRECT: "Invalid redirect",
    SUSPECT: "Suspect",
    RATE_LIMITED: "Rate limited",
    BLOCKED_BY_BOT_PROTECTION: "Bot wall",
    UNCHECKED: "Not checked",
}

VERDICT_MEANINGS: dict[str, str] = {
    OK: "the link answers directly",
    REDIRECTED: "the link redirects and lands where expected",
    BROKEN: "the server answers with an error (4xx/5xx)",
    TIMEOUT: "the server does not answer in time",
    CONNECTION_ERROR: "the host does not resolve, refuses or resets the connection",
    TLS_ERROR: "the HTTPS certificate or handshake is not valid",
    REDIRECT_LOOP: "the redirects go round in a circle",
    TOO_MANY_REDIRECTS: "the redirect chain is longer than allowed",
    WRONG_DESTINATION: "the link lands outside the sponsor's own domains",
    CODE_LOST: "the promo code or vanity path is gone from the final URL",
    INVALID_URL: "the text is not an http(s) URL that can be checked",
    INVALID_REDIRECT: "a redirect sends the browser to something that is not a web page (data:, javascript:, file:)",
    SUSPECT: "answers 200 but the page looks like a \"not found\" page or a parked domain",
    RATE_LIMITED: "the server asks to slow down (429/503 with Retry-After); try again later",
    BLOCKED_BY_BOT_PROTECTION: "a bot check (e.g. Cloudflare) answers instead of the page: open it in a browser",
    UNCHECKED: "the check could not run (offline, DNS not answering); it does not count as a verdict",
}

MAX_FRAGMENT = 256


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_fine(verdict: str | None) -> bool:
    return verdict in FINE_VERDICTS


def is_failing(verdict: str | None) -> bool:
    """The link needs fixing (not fine, not inconclusive, not an unchecked attempt)."""
    return verdict in FAILING_VERDICTS


@dataclass(frozen=True)
class LinkTarget:
    """One URL to check.

    ``expected_domains``: the sponsor's domains (``digitalocean.com`` also accepts
    ``www.digitalocean.com``); empty means any destination is fine.
    ``expected_fragment``: a promo code or vanity path that must still be in the final URL.
    Domains and fragment are validated here (``ValidationError``); the URL is not, because a bad
    URL is a verdict (``invalid_url``), not an error.
    """

    url: str
    expected_domains: tuple[str, ...] = ()
    expected_fragment: str | None = None

    def __post_init__(self) -> None:
        domains = tuple(validation.parse_domains(self.expected_domains or None, "expected_domains"))
        object.__setattr__(self, "expected_domains", domains)
        frag = validation.text(self.expected_fragment, "expected_fragment", max_len=MAX_FRAGMENT)
        if frag is not None and any(c in frag for c in "\r\n"):
            raise ValidationError("expected_fragment", "must be a single line")
        object.__setattr__(self, "expected_fragment", frag)


@dataclass
class LinkResult:
    """The outcome of checking one URL.

    ``chain`` lists every request made, in order, as ``(url, status)``; a request that got no
    answer has status ``None``. ``status`` is the last status received (``None`` when none was).
    """

    url: str
    verdict: str
    explanation: str
    status: int | None = None
    chain: list[tuple[str, int | None]] = field(default_factory=list)
    final_url: str | None = None
    elapsed_ms: int = 0
    error: str | None = None
    checked_at: str = field(default_factory=utc_now_iso)

    @property
    def fine(self) -> bool:
        return is_fine(self.verdict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "verdict": self.verdict,
            "fine": self.fine,
            "status": self.status,
            "final_url": self.final_url,
            "chain": [{"url": u, "status": s} for u, s in self.chain],
            "elapsed_ms": self.elapsed_ms,
            "explanation": self.explanation,
            "error": self.error,
            "checked_at": self.checked_at,
        }
