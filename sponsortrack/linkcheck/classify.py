"""What an answer or an error means: the verdict and the words for it.

The checker (``checker.py``) asks and follows; this module judges, with no network of its own: an httpx,
ssl or socket exception becomes a ``Failure`` (``classify_error``), a redirect that cannot be followed or
a final answer an ``Outcome`` (``judge_redirect``, ``judge``: broken, bot wall, rate limit, wrong
destination, lost code, soft 404 or parked domain, ok), and a failed online probe the reason this machine is
offline (``offline_because``, ``portal_because``).
"""

from __future__ import annotations

import email.utils
import errno
import html as html_mod
import http
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from sponsortrack import validation
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.model import (
    BLOCKED_BY_BOT_PROTECTION,
    BROKEN,
    CODE_LOST,
    CONNECTION_ERROR,
    INVALID_REDIRECT,
    INVALID_URL,
    OK,
    RATE_LIMITED,
    REDIRECTED,
    SUSPECT,
    TIMEOUT,
    TLS_ERROR,
    TOO_MANY_REDIRECTS,
    UNCHECKED,
    WRONG_DESTINATION,
    LinkResult,
    LinkTarget,
)

#: The hops of one check: each URL asked and its status (None: no answer).
Chain = list[tuple[str, int | None]]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Statuses that may carry a rate limit (with ``Retry-After``) or a bot challenge.
RATE_STATUSES = frozenset({429, 503})
BOT_STATUSES = frozenset({403, 429, 503})
#: A URL reached by redirect may be this long (tracking URLs run long; h11 bounds the header anyway).
MAX_REDIRECT_URL = 16 * 1024
MAX_ERROR = 300
#: getaddrinfo errors that mean "the resolver did not answer" (SERVFAIL, timeout), not "no such name".
_DNS_TEMPORARY = frozenset(getattr(socket, n) for n in ("EAI_AGAIN", "EAI_FAIL") if hasattr(socket, n))
_DNS_NO_NAME = frozenset(getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY")
                         if hasattr(socket, n))


@dataclass
class Outcome:
    verdict: str
    explanation: str
    chain: Chain
    status: int | None = None
    final_url: str | None = None
    error: str | None = None


@dataclass
class Answer:
    """One HTTP answer: status, Location, the few headers judged, and the body prefix (GET only)."""

    status: int
    location: str | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""

    def header(self, name: str) -> str:
        return (self.headers or {}).get(name, "")


KEPT_HEADERS = ("retry-after", "server", "cf-mitigated", "content-type", "x-datadome", "x-sucuri-id")


class Failure(Exception):
    """A request that got no usable answer; carries its verdict."""

    def __init__(self, verdict: str, explanation: str, error: str):
        super().__init__(explanation)
        self.verdict = verdict
        self.explanation = explanation
        self.error = error[:MAX_ERROR]


def phrase(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def short(url: str, n: int = 80) -> str:
    return url if len(url) <= n else url[: n - 1] + "…"


def host_of(url: str) -> str:
    """The host a URL asks, as it is asked (``www.`` kept: it is named in the verdict's words)."""
    return validation.url_host(url, keep_www=True)



def fragment_present(fragment: str, url: str) -> bool:
    p = urlsplit(url)
    rest = unquote(p.path + "?" + p.query + "#" + p.fragment).lower()
    return fragment.lower() in rest



def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, outermost first (httpx wraps httpcore wraps OSError)."""
    out: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and e not in out and len(out) < 10:
        out.append(e)
        e = e.__cause__ or e.__context__
    return out


def _tls_cause(exc: BaseException) -> BaseException | None:
    for e in _causes(exc):
        if isinstance(e, ssl.SSLError | ssl.CertificateError):
            return e
    text = str(exc)
    if "SSL" in text or "CERTIFICATE" in text.upper() or "TLS" in text:
        return exc
    return None


def classify_error(exc: Exception, method: str, url: str) -> Failure:
    detail = f"{type(exc).__name__}: {exc}".strip()
    if isinstance(exc, httpx.TimeoutException):
        return Failure(TIMEOUT, f"no answer from {host_of(url)} in time ({method})", detail)
    tls = _tls_cause(exc)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
        return Failure(TLS_ERROR, f"TLS failed for {host_of(url)}: {str(reason)[:120]}", detail)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return Failure(INVALID_URL, f"the URL cannot be requested: {str(exc)[:120]}", detail)
    text = " | ".join(str(e).lower() for e in _causes(exc))
    host = host_of(url)
    causes = _causes(exc)
    gai = next((e for e in causes if isinstance(e, socket.gaierror)), None)
    if (gai is not None and gai.errno in _DNS_TEMPORARY) or "temporary failure in name resolution" in text:
        return Failure(UNCHECKED, f"not checked: DNS did not answer for {host} (temporary failure: "
                       "SERVFAIL or timeout)", detail)
    if any(isinstance(e, OSError) and e.errno == errno.ENETUNREACH for e in causes) \
            or "network is unreachable" in text:
        return Failure(UNCHECKED, f"not checked: no route to {host} (network unreachable)", detail)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, ConnectionResetError) for e in causes):
            return Failure(CONNECTION_ERROR, f"{host} reset the connection", detail)
        if gai is not None and gai.errno in _DNS_NO_NAME:
            why = f"the name {host} does not exist (NXDOMAIN)"
        elif any(s in text for s in ("name or service", "nodename", "name resolution", "getaddrinfo",
                                     "no address", "not known")):
            why = f"the host {host} does not resolve"
        elif "refused" in text or any(isinstance(e, ConnectionRefusedError) for e in _causes(exc)):
            why = f"{host} refused the connection"
        else:
            why = f"could not connect to {host}: {str(exc)[:100] or type(exc).__name__}"
        return Failure(CONNECTION_ERROR, why, detail)
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError | httpx.CloseError):
        return Failure(CONNECTION_ERROR, f"{host} closed or reset the connection ({method})", detail)
    return Failure(CONNECTION_ERROR, f"request to {host} failed: {str(exc)[:100] or type(exc).__name__}",
                   detail)



def retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or an HTTP date), None when absent/bad."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _text_of(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def _title(text: str) -> str | None:
    m = re.search(r"<title[^>]*>(.*?)</title\s*>", text, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    return " ".join(html_mod.unescape(m.group(1)).split())[:120] or None


_BOT_BODY = (
    ("Cloudflare", ("cf-chl", "challenge-platform", "cf_chl_opt", "cf-browser-verification",
                    "attention required! | cloudflare", "just a moment...")),
    ("DataDome", ("captcha-delivery.com", "datadome")),
    ("PerimeterX", ("px-captcha", "perimeterx")),
    ("Sucuri", ("sucuri website firewall",)),
    ("DDoS-Guard", ("ddos-guard",)),
    ("Akamai", ("akamai bot manager",)),
)


def bot_wall(answer: Answer) -> str | None:
    """The bot-protection service that answered instead of the page, or None."""
    if answer.status not in BOT_STATUSES:
        return None
    server = answer.header("server").lower()
    if answer.header("cf-mitigated").lower() == "challenge":
        return "Cloudflare"
    if answer.header("x-datadome"):
        return "DataDome"
    text = _text_of(answer.body[:16384]).lower()
    for vendor, marks in _BOT_BODY:
        if any(m in text for m in marks):
            if vendor == "Cloudflare" and "just a moment" in text and not any(
                    m in text for m in ("cf-chl", "challenge-platform", "cf_chl_opt")) \
                    and "cloudflare" not in server:
                continue
            return vendor
    if answer.status == 403 and "captcha" in text:
        return "a CAPTCHA"
    return None


_SOFT_404_TITLE = re.compile(
    r"\b(404|page not found|not found|page (?:does not|doesn't|does no longer) exist|page cannot be found|"
    r"page (?:is )?no longer available|nicht gefunden|introuvable|no encontrada)\b", re.IGNORECASE)
_SOFT_404_PATH = re.compile(r"/(?:404|not[-_]?found|page[-_]not[-_]found|error[-_]?404)(?:\.html?)?/?$",
                            re.IGNORECASE)
_PARKED = re.compile(
    r"(domain (?:name )?(?:is|may be) for sale|buy this domain|this domain is parked|domain parking|"
    r"parked free|parked domain|sedoparking|parkingcrew|bodis\.com|hugedomains\.com|afternic\.com|"
    r"this web ?page is parked)", re.IGNORECASE)


def suspect(answer: Answer, final: str) -> str | None:
    """Why a 2xx answer looks like a "not found" page or a parked domain, or None."""
    path = urlsplit(final).path
    if _SOFT_404_PATH.search(path):
        return f"answers {answer.status} but lands on an error page ({short(path, 60)})"
    if path.rstrip("/").lower() == "/lander":
        return "lands on /lander, the page of a parked domain"
    if not answer.body:
        return None
    text = _text_of(answer.body)
    title = _title(text)
    if title and _SOFT_404_TITLE.search(title):
        return f"answers {answer.status} but the page says it is not found (title \u201c{title}\u201d)"
    m = _PARKED.search(text)
    if m:
        return f"looks like a parked domain (\u201c{m.group(1)}\u201d)"
    return None


def redirect_scheme(location: str) -> str | None:
    """The scheme of a Location that is not a web page (``data``, ``javascript``, ``file``, ...), else None."""
    m = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", location)
    if not m:
        return None
    scheme = m.group(1).lower()
    if scheme in ("http", "https"):
        return None
    # "host:port/path" is a relative reference that only looks like a scheme
    if re.match(r"^\s*[a-zA-Z0-9.-]+:\d+(/|$)", location):
        return None
    return scheme


def invalid(url: object, why: str, error: str | None = None) -> LinkResult:
    """The result for an input that is not a URL the checker can ask."""
    shown = url if isinstance(url, str) else repr(url)
    return LinkResult(url=shown, verdict=INVALID_URL, explanation=why, error=error)


def judge(target: LinkTarget, chain: Chain, answer: Answer, final: str, hops: int,
          limited: str | None = None) -> Outcome:
    """The verdict on the last answer of a chain (no redirect left to follow) at ``final``, ``hops`` redirects
    from the start; ``limited`` says why a 429/503 that still limits the rate does."""
    status = answer.status
    via = "" if hops == 0 else f" after {hops} redirect{'s' if hops > 1 else ''}"
    host = host_of(final)
    if status == 511:
        return Outcome(UNCHECKED, f"not checked: the network asks to sign in first ({phrase(511)}{via})",
                       chain, status=status, final_url=final)
    vendor = bot_wall(answer)
    if vendor is not None:
        return Outcome(BLOCKED_BY_BOT_PROTECTION,
                       f"{host} answered {phrase(status)}{via} with a bot check ({vendor}) instead of the "
                       "page: open it in a browser", chain, status=status, final_url=final)
    if limited is not None:
        return Outcome(RATE_LIMITED, f"{host} {limited}{via}: rate limited, try again later", chain,
                       status=status, final_url=final)
    if not 200 <= status < 300:
        return Outcome(BROKEN, f"answered {phrase(status)}{via}", chain, status=status, final_url=final)
    if target.expected_domains and not validation.host_matches(host, target.expected_domains):
        return Outcome(WRONG_DESTINATION,
                       f"lands on {host}{via}, not on {', '.join(target.expected_domains)}",
                       chain, status=status, final_url=final)
    if target.expected_fragment and not fragment_present(target.expected_fragment, final):
        return Outcome(CODE_LOST, f"{target.expected_fragment!r} is gone from the final URL "
                       f"{short(final, 80)}", chain, status=status, final_url=final)
    why = suspect(answer, final)
    if why is not None:
        return Outcome(SUSPECT, f"{why}{via}", chain, status=status, final_url=final)
    if hops == 0:
        return Outcome(OK, f"answered {phrase(status)}", chain, status=status, final_url=final)
    return Outcome(REDIRECTED, f"lands on {host}{via}, answered {phrase(status)}", chain,
                   status=status, final_url=final)


def judge_redirect(chain: Chain, answer: Answer, current: str, hops: int, max_redirects: int) -> Outcome | str:
    """A redirect answered at ``current`` (``hops`` redirects from the start): the URL it sends to, or the
    verdict when it cannot be followed (no Location, not a web page, one redirect too many, an unusable URL)."""
    status = answer.status
    location = answer.location
    if not location:
        return Outcome(BROKEN, f"answered {phrase(status)} without a Location to go to", chain,
                       status=status, final_url=current)
    scheme = redirect_scheme(location)
    if scheme is not None:
        shown = short(" ".join(location.split()), 120)
        return Outcome(INVALID_REDIRECT, f"redirects to a {scheme}: URL, not a web page: {shown}",
                       chain, status=status, final_url=current, error=short(location, MAX_ERROR))
    if hops >= max_redirects:
        why = f"still redirecting after {max_redirects} redirects"
        return Outcome(TOO_MANY_REDIRECTS, why, chain, status=status, final_url=current)
    try:
        joined = urljoin(current, location.strip())
        if len(joined) > MAX_REDIRECT_URL:
            raise ValueError(f"the URL is {len(joined):,} characters long")
        nxt = validation.normalize_url(joined, "redirect", allow_none=False, max_len=MAX_REDIRECT_URL)
    except (ValidationError, ValueError) as exc:
        return Outcome(BROKEN, f"redirects to an unusable URL ({short(str(exc), 100)})", chain,
                       status=status, final_url=current, error=short(location, MAX_ERROR))
    assert nxt is not None
    return nxt


def offline_because(exc: Exception, probe_url: str) -> str:
    """Why this machine is offline, from the error the online probe got."""
    f = classify_error(exc, "GET", probe_url)
    if f.verdict == TLS_ERROR:
        return "offline — a network in the way (captive portal?) breaks secure connections"
    return f"offline — this machine cannot reach the internet: {f.explanation.removeprefix('not checked: ')}"


def portal_because(status: int, location: str | None) -> str:
    """Why this machine is offline when the probe got an answer that is not the one expected."""
    portal = f" and sends to {short(location, 60)}" if location else ""
    return (f"offline — the network answers for every site (captive portal or sign-in page: it answered "
            f"{phrase(status)}{portal})")
