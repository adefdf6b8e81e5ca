"""The async promo-link checker.

One shared ``httpx.AsyncClient`` (connection pooling, no cookie jar), redirects followed by hand so
every hop is recorded, and a small scheduler that keeps at most ``concurrency`` checks in flight
and at most ``per_host`` requests on any one host. Every request has a hard wall-clock bound
(``timeout``), every URL a total bound (``url_timeout``) and the run an optional ``deadline``, so a
server that drips bytes or never answers cannot hold a check past its limits. Bodies are streamed
and at most ``max_body`` bytes are read.

``check_links`` is the coroutine; ``check_links_sync`` runs it on the calling (plain) thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import html as html_mod
import http
import ipaddress
import os
import re
import socket
import ssl
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from sponsortrack import USER_AGENT, validation
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.model import (
    BLOCKED_BY_BOT_PROTECTION,
    BROKEN,
    CODE_LOST,
    CONNECTION_ERROR,
    FINE_VERDICTS,
    INVALID_REDIRECT,
    INVALID_URL,
    OK,
    RATE_LIMITED,
    REDIRECT_LOOP,
    REDIRECTED,
    SUSPECT,
    TIMEOUT,
    TLS_ERROR,
    TOO_MANY_REDIRECTS,
    UNCHECKED,
    WRONG_DESTINATION,
    LinkResult,
    LinkTarget,
    utc_now_iso,
)

ProgressCallback = Callable[[int, int, LinkResult], None]


class CancelFlag(Protocol):
    """Anything with ``is_set()``: a ``threading.Event``, or an adapter over a GUI task's cancel flag."""

    def is_set(self) -> bool: ...


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: HEAD answers that mean "ask again with GET".
HEAD_REFUSED = frozenset({403, 405, 501})
_RETRY_OVER_HTTP = frozenset({CONNECTION_ERROR, TLS_ERROR, TIMEOUT})
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_MAX_ERROR = 300
#: Statuses that may carry a rate limit (with ``Retry-After``) or a bot challenge.
RATE_STATUSES = frozenset({429, 503})
BOT_STATUSES = frozenset({403, 429, 503})
#: A URL reached by redirect may be this long (tracking URLs run long; h11 bounds the header anyway).
MAX_REDIRECT_URL = 16 * 1024
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
_PROBE_TTL = 10.0
#: getaddrinfo errors that mean "the resolver did not answer" (SERVFAIL, timeout), not "no such name".
_DNS_TEMPORARY = frozenset(getattr(socket, n) for n in ("EAI_AGAIN", "EAI_FAIL") if hasattr(socket, n))
_DNS_NO_NAME = frozenset(getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY")
                         if hasattr(socket, n))


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


class _NoCookies(CookieJar):
    """A cookie jar that never keeps anything: the shared client must not carry cookies across URLs."""

    def set_cookie(self, cookie):
        return None

    def extract_cookies(self, response, request):
        return None


@dataclass
class _Plan:
    index: int
    target: LinkTarget
    candidates: list[str]  # https then http for schemeless input
    host: str
    named: bool = True  # the host is a name (not an IP address): DNS and the offline probe apply


@dataclass
class _Outcome:
    verdict: str
    explanation: str
    chain: list[tuple[str, int | None]]
    status: int | None = None
    final_url: str | None = None
    error: str | None = None


@dataclass
class _Answer:
    """One HTTP answer: status, Location, the few headers judged, and the body prefix (GET only)."""

    status: int
    location: str | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""

    def header(self, name: str) -> str:
        return (self.headers or {}).get(name, "")


_KEPT_HEADERS = ("retry-after", "server", "cf-mitigated", "content-type", "x-datadome", "x-sucuri-id")


class _OddRedirect(Exception):
    """Raised from the response hook for a redirect httpx itself cannot build (``data:``, ``javascript:``,
    a malformed Location): the answer is judged by the checker, not turned into an httpx error."""

    def __init__(self, answer: _Answer):
        super().__init__(answer.location)
        self.answer = answer


async def _catch_odd_redirect(response: httpx.Response) -> None:
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    odd = _redirect_scheme(location) is not None
    if not odd:
        try:
            response.request.url.join(location)
        except Exception:
            odd = True
    if odd:
        h = response.headers
        raise _OddRedirect(_Answer(response.status_code, location, {k: h[k] for k in _KEPT_HEADERS if k in h}))


class _Failure(Exception):
    """A request that got no usable answer; carries its verdict."""

    def __init__(self, verdict: str, explanation: str, error: str):
        super().__init__(explanation)
        self.verdict = verdict
        self.explanation = explanation
        self.error = error[:_MAX_ERROR]


def _phrase(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _short(url: str, n: int = 80) -> str:
    return url if len(url) <= n else url[: n - 1] + "…"


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _without_fragment(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path or "/", p.query, ""))


def host_matches(host: str, domains: Iterable[str]) -> bool:
    """``www.digitalocean.com`` matches ``digitalocean.com``; ``evildigitalocean.com`` does not."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _fragment_present(fragment: str, url: str) -> bool:
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


def _classify(exc: Exception, method: str, url: str) -> _Failure:
    detail = f"{type(exc).__name__}: {exc}".strip()
    if isinstance(exc, httpx.TimeoutException):
        return _Failure(TIMEOUT, f"no answer from {_host_of(url)} in time ({method})", detail)
    tls = _tls_cause(exc)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls)
        return _Failure(TLS_ERROR, f"TLS failed for {_host_of(url)}: {str(reason)[:120]}", detail)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return _Failure(INVALID_URL, f"the URL cannot be requested: {str(exc)[:120]}", detail)
    text = " | ".join(str(e).lower() for e in _causes(exc))
    host = _host_of(url)
    causes = _causes(exc)
    gai = next((e for e in causes if isinstance(e, socket.gaierror)), None)
    if (gai is not None and gai.errno in _DNS_TEMPORARY) or "temporary failure in name resolution" in text:
        return _Failure(UNCHECKED, f"not checked: DNS did not answer for {host} (temporary failure: "
                        "SERVFAIL or timeout)", detail)
    if any(isinstance(e, OSError) and e.errno == errno.ENETUNREACH for e in causes) \
            or "network is unreachable" in text:
        return _Failure(UNCHECKED, f"not checked: no route to {host} (network unreachable)", detail)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, ConnectionResetError) for e in causes):
            return _Failure(CONNECTION_ERROR, f"{host} reset the connection", detail)
        if gai is not None and gai.errno in _DNS_NO_NAME:
            why = f"the name {host} does not exist (NXDOMAIN)"
        elif any(s in text for s in ("name or service", "nodename", "name resolution", "getaddrinfo",
                                     "no address", "not known")):
            why = f"the host {host} does not resolve"
        elif "refused" in text or any(isinstance(e, ConnectionRefusedError) for e in _causes(exc)):
            why = f"{host} refused the connection"
        else:
            why = f"could not connect to {host}: {str(exc)[:100] or type(exc).__name__}"
        return _Failure(CONNECTION_ERROR, why, detail)
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError | httpx.CloseError):
        return _Failure(CONNECTION_ERROR, f"{host} closed or reset the connection ({method})", detail)
    return _Failure(CONNECTION_ERROR, f"request to {host} failed: {str(exc)[:100] or type(exc).__name__}",
                    detail)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _retry_after(value: str, now: float | None = None) -> float | None:
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


def _bot_wall(answer: _Answer) -> str | None:
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


def _suspect(answer: _Answer, final: str) -> str | None:
    """Why a 2xx answer looks like a "not found" page or a parked domain, or None."""
    path = urlsplit(final).path
    if _SOFT_404_PATH.search(path):
        return f"answers {answer.status} but lands on an error page ({_short(path, 60)})"
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


def _redirect_scheme(location: str) -> str | None:
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


def _invalid(url: object, why: str, error: str | None = None) -> LinkResult:
    shown = url if isinstance(url, str) else repr(url)
    return LinkResult(url=shown, verdict=INVALID_URL, explanation=why, error=error)


def prepare_url(url: object) -> list[str]:
    """The URLs to try for one input, or ``ValidationError``.

    ``https://x`` → ``[https://x]``; a schemeless ``do.co/x`` → ``[https://do.co/x, http://do.co/x]``.
    """
    if not isinstance(url, str):
        raise ValidationError("url", "must be text")
    s = url.strip()
    normalized = validation.normalize_url(s, "url", allow_none=False)
    assert normalized is not None
    if _SCHEME_RE.match(s):
        return [normalized]
    return [normalized, "http://" + normalized.split("://", 1)[1]]


class LinkChecker:
    """Checks many URLs with bounded concurrency. Use ``run`` inside an event loop."""

    def __init__(
        self, options: CheckOptions | None = None, *, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.options = options or CheckOptions()
        self._transport = transport
        self._host_sems: dict[str, asyncio.Semaphore] = {}
        self._busy: dict[str, int] = {}
        # One small client per host (httpcore scans its whole pool on every request, so one big
        # pool over hundreds of hosts costs more than the requests), at most ``_max_clients`` kept.
        self._clients: OrderedDict[str, httpx.AsyncClient] = OrderedDict()
        self._max_clients = max(64, 2 * self.options.concurrency)
        self._ssl: ssl.SSLContext | None = None
        #: why the machine is offline, as the last probe found (None: online, or not probed)
        self.offline: str | None = None
        self._probe_at: float | None = None
        self._probe_lock = asyncio.Lock()

    # -- the clients ------------------------------------------------------------------------------
    def _make_client(self) -> httpx.AsyncClient:
        o = self.options
        if self._ssl is None:
            self._ssl = o.verify if isinstance(o.verify, ssl.SSLContext) \
                else httpx.create_ssl_context(verify=o.verify, trust_env=o.trust_env)
        return httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(o.timeout),
            verify=self._ssl,
            trust_env=o.trust_env,
            cookies=_NoCookies(),
            headers={
                "User-Agent": o.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            },
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=o.per_host,
                                keepalive_expiry=5.0),
            transport=self._transport,
            event_hooks={"response": [_catch_odd_redirect]},
        )

    async def _client_for(self, host: str) -> httpx.AsyncClient:
        """The host's client (called with the host's slot held); closes idle ones beyond the limit."""
        key = "*" if self._transport is not None else host  # an injected transport serves every host
        client = self._clients.get(key)
        if client is not None:
            self._clients.move_to_end(key)
            return client
        client = self._clients[key] = self._make_client()
        while len(self._clients) > self._max_clients:
            idle = next((h for h in self._clients if h != key and not self._busy.get(h)), None)
            if idle is None:
                break
            await self._clients.pop(idle).aclose()
        return client

    async def _close_clients(self) -> None:
        while self._clients:
            _, client = self._clients.popitem()
            with contextlib.suppress(Exception):
                await client.aclose()

    def _host_sem(self, host: str) -> asyncio.Semaphore:
        sem = self._host_sems.get(host)
        if sem is None:
            sem = self._host_sems[host] = asyncio.Semaphore(self.options.per_host)
        return sem

    # -- one request ------------------------------------------------------------------------------
    async def _request(self, client: httpx.AsyncClient, method: str, url: str, jar: httpx.Cookies) -> _Answer:
        """One request's answer (the body prefix kept on GET); raises ``_Failure``."""
        o = self.options
        try:
            request = client.build_request(method, url)
            if jar:
                jar.set_cookie_header(request)
            async with asyncio.timeout(o.timeout):
                response = await client.send(request, stream=True)
                try:
                    if "set-cookie" in response.headers:
                        jar.extract_cookies(response)
                    h = response.headers
                    answer = _Answer(response.status_code, h.get("location"),
                                     {k: h[k] for k in _KEPT_HEADERS if k in h})
                    # read what fits in max_body: a short body read to its end lets the connection
                    # go back to the pool; a longer one is cut off and its connection closed. On GET
                    # the prefix is kept: soft 404s, parked domains and bot walls are told by it.
                    if o.max_body and not response.is_stream_consumed:
                        parts: list[bytes] = []
                        read = 0
                        async for chunk in response.aiter_bytes():
                            read += len(chunk)
                            if method == "GET":
                                parts.append(chunk)
                            if read >= o.max_body:
                                break
                        answer.body = b"".join(parts)[: o.max_body]
                finally:
                    await response.aclose()
            return answer
        except TimeoutError:
            why = f"no complete answer from {_host_of(url)} within {o.timeout:g} s ({method})"
            raise _Failure(TIMEOUT, why, f"wall-clock limit of {o.timeout:g} s") from None
        except _OddRedirect as odd:
            return odd.answer
        except _Failure:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
            raise _classify(exc, method, url) from None

    async def _fetch(self, url: str, jar: httpx.Cookies) -> _Answer:
        """HEAD, then GET when HEAD is refused or errors (but not when it merely times out)."""
        host = _host_of(url)
        async with self._host_sem(host):
            self._busy[host] = self._busy.get(host, 0) + 1
            try:
                client = await self._client_for(host)
                try:
                    answer = await self._request(client, "HEAD", url, jar)
                except _Failure as f:
                    if f.verdict in (TIMEOUT, TLS_ERROR, INVALID_URL, UNCHECKED):
                        raise
                    return await self._request(client, "GET", url, jar)
                if answer.status in HEAD_REFUSED:
                    return await self._request(client, "GET", url, jar)
                return answer
            finally:
                self._busy[host] -= 1

    async def _fetch_politely(self, url: str, jar: httpx.Cookies, end: float) -> tuple[_Answer, str | None]:
        """``_fetch``, with one retry when a 429/503 asks to wait (``Retry-After``) and the wait fits
        before ``end`` (monotonic). Returns the answer and, when it still is a rate limit, why."""
        o = self.options
        answer = await self._fetch(url, jar)
        if answer.status not in RATE_STATUSES or _bot_wall(answer):
            return answer, None
        wait = _retry_after(answer.header("retry-after"))
        if wait is None:
            if answer.status == 429:
                return answer, f"answered {_phrase(429)} without saying when to come back"
            return answer, None  # a plain 503: the server is down, judged as broken
        if wait > o.max_retry_wait or time.monotonic() + wait + 0.05 >= end:
            return answer, (f"answered {_phrase(answer.status)} and asks to come back in {wait:.0f} s, "
                            "later than this check can wait")
        await asyncio.sleep(wait)
        again = await self._fetch(url, jar)
        if again.status in RATE_STATUSES and not _bot_wall(again):
            return again, (f"answered {_phrase(again.status)} again after waiting the {wait:g} s it asked "
                           "(Retry-After)")
        return again, None

    # -- one URL ----------------------------------------------------------------------------------
    async def _follow(self, start: str, target: LinkTarget, chain: list[tuple[str, int | None]],
                      end: float) -> _Outcome:
        """Follow redirects from ``start``, appending each hop to ``chain`` as it is answered."""
        o = self.options
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        jar = httpx.Cookies()  # fresh per URL: cookies live only along one redirect chain
        current = start
        hops = 0
        while True:
            key = (_without_fragment(current), tuple(sorted(jar.items())) if jar else ())
            if key in seen:
                chain.append((current, None))
                why = f"redirect loop: {_short(chain[-2][0], 60)} sends back to {_short(current, 60)}"
                return _Outcome(REDIRECT_LOOP, why, chain, status=chain[-2][1], final_url=current)
            seen.add(key)
            try:
                answer, limited = await self._fetch_politely(current, jar, end)
            except _Failure as f:
                chain.append((current, None))
                why = f.explanation if hops == 0 else f"{f.explanation} after {hops} redirect(s)"
                last = next((s for _, s in reversed(chain) if s is not None), None)
                return _Outcome(f.verdict, why, chain, status=last, final_url=current, error=f.error)
            status = answer.status
            chain.append((current, status))
            if status in REDIRECT_STATUSES:
                location = answer.location
                if not location:
                    return _Outcome(BROKEN, f"answered {_phrase(status)} without a Location to go to", chain,
                                    status=status, final_url=current)
                scheme = _redirect_scheme(location)
                if scheme is not None:
                    shown = _short(" ".join(location.split()), 120)
                    return _Outcome(INVALID_REDIRECT, f"redirects to a {scheme}: URL, not a web page: {shown}",
                                    chain, status=status, final_url=current,
                                    error=_short(location, _MAX_ERROR))
                if hops >= o.max_redirects:
                    why = f"still redirecting after {o.max_redirects} redirects"
                    return _Outcome(TOO_MANY_REDIRECTS, why, chain, status=status, final_url=current)
                try:
                    joined = urljoin(current, location.strip())
                    if len(joined) > MAX_REDIRECT_URL:
                        raise ValueError(f"the URL is {len(joined):,} characters long")
                    nxt = validation.normalize_url(joined, "redirect", allow_none=False,
                                                   max_len=MAX_REDIRECT_URL)
                except (ValidationError, ValueError) as exc:
                    return _Outcome(BROKEN, f"redirects to an unusable URL ({_short(str(exc), 100)})", chain,
                                    status=status, final_url=current, error=_short(location, _MAX_ERROR))
                assert nxt is not None
                current = nxt
                hops += 1
                continue
            return self._judge(target, chain, answer, current, hops, limited)

    def _judge(self, target: LinkTarget, chain: list[tuple[str, int | None]], answer: _Answer, final: str,
               hops: int, limited: str | None = None) -> _Outcome:
        status = answer.status
        via = "" if hops == 0 else f" after {hops} redirect{'s' if hops > 1 else ''}"
        host = _host_of(final)
        if status == 511:
            return _Outcome(UNCHECKED, f"not checked: the network asks to sign in first ({_phrase(511)}{via})",
                            chain, status=status, final_url=final)
        vendor = _bot_wall(answer)
        if vendor is not None:
            return _Outcome(BLOCKED_BY_BOT_PROTECTION,
                            f"{host} answered {_phrase(status)}{via} with a bot check ({vendor}) instead of the "
                            "page: open it in a browser", chain, status=status, final_url=final)
        if limited is not None:
            return _Outcome(RATE_LIMITED, f"{host} {limited}{via}: rate limited, try again later", chain,
                            status=status, final_url=final)
        if not 200 <= status < 300:
            return _Outcome(BROKEN, f"answered {_phrase(status)}{via}", chain, status=status, final_url=final)
        if target.expected_domains and not host_matches(host, target.expected_domains):
            return _Outcome(WRONG_DESTINATION,
                            f"lands on {host}{via}, not on {', '.join(target.expected_domains)}",
                            chain, status=status, final_url=final)
        if target.expected_fragment and not _fragment_present(target.expected_fragment, final):
            return _Outcome(CODE_LOST, f"{target.expected_fragment!r} is gone from the final URL "
                            f"{_short(final, 80)}", chain, status=status, final_url=final)
        why = _suspect(answer, final)
        if why is not None:
            return _Outcome(SUSPECT, f"{why}{via}", chain, status=status, final_url=final)
        if hops == 0:
            return _Outcome(OK, f"answered {_phrase(status)}", chain, status=status, final_url=final)
        return _Outcome(REDIRECTED, f"lands on {host}{via}, answered {_phrase(status)}", chain,
                        status=status, final_url=final)

    async def _check_plan(self, plan: _Plan) -> LinkResult:
        o = self.options
        started = time.monotonic()
        outcome: _Outcome | None = None
        chain: list[tuple[str, int | None]] = []
        first_failure: _Outcome | None = None
        limit = o.total_url_timeout
        end = started + limit
        try:
            async with asyncio.timeout(limit):
                for i, candidate in enumerate(plan.candidates):
                    chain = []
                    outcome = await self._follow(candidate, plan.target, chain, end)
                    if outcome.verdict not in _RETRY_OVER_HTTP or i == len(plan.candidates) - 1:
                        break
                    first_failure = outcome
        except TimeoutError:
            last = next((s for _, s in reversed(chain)), None)
            outcome = _Outcome(TIMEOUT, f"no final answer within {limit:g} s", chain, status=last,
                               final_url=chain[-1][0] if chain else None, error=f"per-URL limit of {limit:g} s")
        except Exception as exc:  # a bug must not kill the whole run; say what happened
            why = f"unexpected error: {_short(str(exc) or type(exc).__name__)}"
            outcome = _Outcome(CONNECTION_ERROR, why, [], error=f"{type(exc).__name__}: {exc}"[:_MAX_ERROR])
        assert outcome is not None
        explanation = outcome.explanation
        if first_failure is not None and outcome.verdict in _RETRY_OVER_HTTP:
            # http failed as well: what https said is the verdict (a TLS error stays a TLS error)
            explanation = f"{first_failure.explanation} (http failed too: {outcome.verdict.replace('_', ' ')})"
            outcome = first_failure
        elif first_failure is not None and len(plan.candidates) > 1 and outcome.chain \
                and outcome.chain[0][0].startswith("http://"):
            explanation += f" (tried over http after https failed: {first_failure.verdict.replace('_', ' ')})"
        result = LinkResult(
            url=plan.target.url,
            verdict=outcome.verdict,
            explanation=explanation,
            status=outcome.status,
            chain=outcome.chain,
            final_url=outcome.final_url,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            error=outcome.error,
            checked_at=utc_now_iso(),
        )
        if result.verdict not in FINE_VERDICTS and result.verdict != UNCHECKED and plan.named:
            offline = await self._offline(max_age=_PROBE_TTL)
            if offline is not None:
                result.verdict = UNCHECKED
                result.explanation = f"not checked: {offline} (it said: {_short(result.explanation, 120)})"
        return result

    # -- is this machine online? --------------------------------------------------------------------
    async def _offline(self, max_age: float = _PROBE_TTL) -> str | None:
        """Why this machine cannot reach the internet (or None when it can), asked of ``probe_url``
        at most every ``max_age`` seconds; None when no probe is configured."""
        o = self.options
        if o.probe_url is None:
            return None
        async with self._probe_lock:
            if self._probe_at is not None and time.monotonic() - self._probe_at < max_age:
                return self.offline
            self.offline = await self._probe()
            self._probe_at = time.monotonic()
            return self.offline

    async def _probe(self) -> str | None:
        o = self.options
        assert o.probe_url is not None
        client = self._make_client()
        try:
            async with asyncio.timeout(min(o.timeout, 5.0)):
                response = await client.get(o.probe_url)
                body = response.text[:2048]
        except TimeoutError:
            return "offline — the internet does not answer (no reply in time)"
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
            f = _classify(exc, "GET", o.probe_url)
            if f.verdict == TLS_ERROR:
                return "offline — a network in the way (captive portal?) breaks secure connections"
            return f"offline — this machine cannot reach the internet: {f.explanation.removeprefix('not checked: ')}"
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()
        if response.status_code == 200 and o.probe_expect in body:
            return None
        where = response.headers.get("location")
        portal = f" and sends to {_short(where, 60)}" if where else ""
        return (f"offline — the network answers for every site (captive portal or sign-in page: it answered "
                f"{_phrase(response.status_code)}{portal})")

    # -- many URLs --------------------------------------------------------------------------------
    async def run(
        self,
        targets: Sequence[LinkTarget | str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelFlag | None = None,
        tick: Callable[[], None] | None = None,
    ) -> list[LinkResult]:
        """Check every target; results come back in input order. ``tick`` is called at least every
        0.1 s while the run goes on (on this thread), e.g. to save the results so far.

        When ``cancel`` is set, running checks stop and the results so far are returned (unchecked
        targets are left out). When the overall ``deadline`` passes, every unfinished target gets a
        ``timeout`` result. When the machine turns out to be offline (the probe fails before or during
        the run), every target on a named host not checked yet gets an ``unchecked`` result at once.
        """
        o = self.options
        total = len(targets)
        results: list[LinkResult | None] = [None] * total
        done = 0

        def finish(index: int, result: LinkResult) -> None:
            nonlocal done
            results[index] = result
            done += 1
            if progress is not None:
                progress(done, total, result)

        pending: dict[str, deque[_Plan]] = {}
        for index, raw in enumerate(targets):
            target = raw if isinstance(raw, LinkTarget) else LinkTarget(raw)
            try:
                candidates = prepare_url(target.url)
            except ValidationError as exc:
                finish(index, _invalid(target.url, f"not a checkable URL: {exc.problem}", str(exc)))
                continue
            host = _host_of(candidates[0])
            pending.setdefault(host, deque()).append(_Plan(index, target, candidates, host, not _is_ip(host)))

        ready: deque[str] = deque(pending)
        in_ready = set(ready)
        active: dict[str, int] = {}
        running: dict[asyncio.Task[LinkResult], _Plan] = {}
        end = None if o.deadline is None else time.monotonic() + o.deadline

        def skip_named(why: str) -> None:
            """Offline: every named host's waiting targets are not checked (IP addresses still are)."""
            for host in [h for h, q in pending.items() if q and q[0].named]:
                for plan in pending.pop(host):
                    finish(plan.index, LinkResult(plan.target.url, UNCHECKED, f"not checked: {why}"))
                if host in in_ready:
                    in_ready.discard(host)
                    ready.remove(host)

        def launch() -> None:
            while ready and len(running) < o.concurrency:
                host = ready.popleft()
                in_ready.discard(host)
                queue = pending[host]
                plan = queue.popleft()
                if not queue:
                    del pending[host]
                active[host] = active.get(host, 0) + 1
                running[asyncio.ensure_future(self._check_plan(plan))] = plan
                if host in pending and active[host] < o.per_host:
                    ready.append(host)
                    in_ready.add(host)

        async def stop_running() -> list[_Plan]:
            plans = list(running.values())
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            running.clear()
            return plans

        try:
            if o.probe_url is not None and any(q[0].named for q in pending.values()):
                offline = await self._offline(max_age=0)  # before the run: is there an internet at all?
                if offline is not None:
                    skip_named(offline)
            while True:
                if cancel is not None and cancel.is_set():
                    await stop_running()
                    break
                if end is not None and time.monotonic() >= end:
                    why = f"the overall deadline of {o.deadline:g} s passed during the check"
                    for plan in await stop_running():
                        finish(plan.index, LinkResult(plan.target.url, TIMEOUT, why))
                    why = f"not checked: the overall deadline of {o.deadline:g} s passed first"
                    for queue in pending.values():
                        for plan in queue:
                            finish(plan.index, LinkResult(plan.target.url, TIMEOUT, why))
                    pending.clear()
                    break
                if self.offline is not None:
                    skip_named(self.offline)
                launch()
                if not running:
                    break
                wait = 0.1 if end is None else max(0.0, min(0.1, end - time.monotonic()))
                finished, _ = await asyncio.wait(
                    running, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                for task in finished:
                    plan = running.pop(task)
                    active[plan.host] -= 1
                    if plan.host in pending and plan.host not in in_ready:
                        ready.append(plan.host)
                        in_ready.add(plan.host)
                    finish(plan.index, task.result())
                if tick is not None:
                    tick()
        finally:
            if running:
                await stop_running()
            await self._close_clients()
            self._host_sems.clear()
            self._busy.clear()
        return [r for r in results if r is not None]


async def check_links(
    targets: Sequence[LinkTarget | str],
    options: CheckOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelFlag | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    tick: Callable[[], None] | None = None,
) -> list[LinkResult]:
    """Check many URLs concurrently (coroutine). See ``LinkChecker.run``."""
    return await LinkChecker(options, transport=transport).run(targets, progress=progress, cancel=cancel,
                                                               tick=tick)


def check_links_sync(
    targets: Sequence[LinkTarget | str],
    options: CheckOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelFlag | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    tick: Callable[[], None] | None = None,
) -> list[LinkResult]:
    """Run ``check_links`` on a fresh event loop in the calling thread (a worker thread, the CLI).

    ``progress`` and ``tick`` are called on this same thread (after each URL; every 0.1 s at least).
    """
    return asyncio.run(check_links(targets, options, progress=progress, cancel=cancel, transport=transport,
                                   tick=tick))


def check_url(url: str | LinkTarget, options: CheckOptions | None = None) -> LinkResult:
    """Check one URL synchronously."""
    return check_links_sync([url], options)[0]
