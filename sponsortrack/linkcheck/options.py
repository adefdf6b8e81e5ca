"""The limits of one link-check run (``CheckOptions``) and where "is this machine online?" is asked."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, field

from sponsortrack import USER_AGENT
from sponsortrack.errors import ValidationError

#: Where "is this machine online?" is asked (Firefox's captive-portal check: 200 "success").
DEFAULT_PROBE_URL = "http://detectportal.firefox.com/success.txt"
DEFAULT_PROBE_EXPECT = "success"
#: set to another URL to ask that instead, or to an empty value never to ask (the test suite does)
PROBE_URL_ENV = "SPONSORTRACK_PROBE_URL"


def default_probe_url() -> str | None:
    """The online probe a run asks unless told otherwise: ``$SPONSORTRACK_PROBE_URL`` when set ("" means
    none), else Firefox's captive-portal check."""
    value = os.environ.get(PROBE_URL_ENV)
    if value is None:
        return DEFAULT_PROBE_URL
    return value.strip() or None


@dataclass(frozen=True)
class CheckOptions:
    """Limits of one run. ``url_timeout`` defaults to three times ``timeout``."""

    concurrency: int = 32
    per_host: int = 10
    timeout: float = 10.0
    url_timeout: float | None = None
    deadline: float | None = None
    max_redirects: int = 10
    max_body: int = 16 * 1024
    user_agent: str = USER_AGENT
    verify: ssl.SSLContext | bool = True
    trust_env: bool = True
    #: asked (GET) before a run with named hosts and again when one fails, to tell "offline" or
    #: "behind a captive portal" from "this link is broken"; None: never ask (then only DNS
    #: failures and "network unreachable" count as offline)
    probe_url: str | None = field(default_factory=default_probe_url)
    probe_expect: str = DEFAULT_PROBE_EXPECT
    #: the longest ``Retry-After`` honoured with one polite retry (never past the URL's own limit)
    max_retry_wait: float = 10.0

    def __post_init__(self) -> None:
        for name_, lo, hi in (("concurrency", 1, 1000), ("per_host", 1, 1000), ("max_redirects", 0, 50)):
            v = getattr(self, name_)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ValidationError(name_, f"must be a whole number from {lo} to {hi}, not {v!r}")
        if isinstance(self.max_body, bool) or not isinstance(self.max_body, int) \
                or not 0 <= self.max_body <= 1 << 20:
            raise ValidationError("max_body", "must be a whole number of bytes from 0 to 1 MiB")
        for name_ in ("timeout", "url_timeout", "deadline"):
            v = getattr(self, name_)
            if v is None and name_ != "timeout":
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 3600:
                raise ValidationError(name_, f"must be a number of seconds above 0, at most 3600, not {v!r}")

    @property
    def total_url_timeout(self) -> float:
        return self.url_timeout if self.url_timeout is not None else 3 * self.timeout
