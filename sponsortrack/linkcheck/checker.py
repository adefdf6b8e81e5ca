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
import http
import re
import ssl
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from sponsortrack import USER_AGENT, validation
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.model import (
    BROKEN,
    CODE_LOST,
    CONNECTION_ERROR,
    INVALID_URL,
    OK,
    REDIRECT_LOOP,
    REDIRECTED,
    TIMEOUT,
    TLS_ERROR,
    TOO_MANY_REDIRECTS,
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


@dataclass(frozen=True)
class CheckOptions:
    """Limits of one run. ``url_timeout`` defaults to three times ``timeout``."""

    concurrency: int = 32
    per_host: int = 4
    timeout: float = 10.0
    url_timeout: float | None = None
    deadline: float | None = None
    max_redirects: int = 10
    max_body: int = 16 * 1024
    user_agent: str = USER_AGENT
    verify: ssl.SSLContext | bool = True
    trust_env: bool = True

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

    def set_cookie(self, cookie):  # type: ignore[no-untyped-def]
        return None

    def extract_cookies(self, response, request):  # type: ignore[no-untyped-def]
        return None


@dataclass
class _Plan:
    index: int
    target: LinkTarget
    candidates: list[str]  # https then http for schemeless input
    host: str


@dataclass
class _Outcome:
    verdict: str
    explanation: str
    chain: list[tuple[str, int | None]]
    status: int | None = None
    final_url: str | None = None
    error: str | None = None


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
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, ConnectionResetError) for e in _causes(exc)):
            return _Failure(CONNECTION_ERROR, f"{host} reset the connection", detail)
        if any(s in text for s in ("name or service", "nodename", "name resolution", "getaddrinfo",
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
    async def _request(
        self, client: httpx.AsyncClient, method: str, url: str, jar: httpx.Cookies
    ) -> tuple[int, str | None]:
        """Status and Location of one request; raises ``_Failure``."""
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
                    status = response.status_code
                    location = response.headers.get("location")
                    # read what fits in max_body: a short body read to its end lets the connection
                    # go back to the pool; a longer one is cut off and its connection closed
                    if o.max_body and not response.is_stream_consumed:
                        read = 0
                        async for chunk in response.aiter_raw():
                            read += len(chunk)
                            if read >= o.max_body:
                                break
                finally:
                    await response.aclose()
            return status, location
        except TimeoutError:
            why = f"no complete answer from {_host_of(url)} within {o.timeout:g} s ({method})"
            raise _Failure(TIMEOUT, why, f"wall-clock limit of {o.timeout:g} s") from None
        except _Failure:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
            raise _classify(exc, method, url) from None

    async def _fetch(self, url: str, jar: httpx.Cookies) -> tuple[int, str | None]:
        """HEAD, then GET when HEAD is refused or errors (but not when it merely times out)."""
        host = _host_of(url)
        async with self._host_sem(host):
            self._busy[host] = self._busy.get(host, 0) + 1
            try:
                client = await self._client_for(host)
                try:
                    status, location = await self._request(client, "HEAD", url, jar)
                except _Failure as f:
                    if f.verdict in (TIMEOUT, TLS_ERROR, INVALID_URL):
                        raise
                    return await self._request(client, "GET", url, jar)
                if status in HEAD_REFUSED:
                    return await self._request(client, "GET", url, jar)
                return status, location
            finally:
                self._busy[host] -= 1

    # -- one URL ----------------------------------------------------------------------------------
    async def _follow(self, start: str, target: LinkTarget, chain: list[tuple[str, int | None]]) -> _Outcome:
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
                status, location = await self._fetch(current, jar)
            except _Failure as f:
                chain.append((current, None))
                why = f.explanation if hops == 0 else f"{f.explanation} after {hops} redirect(s)"
                last = next((s for _, s in reversed(chain) if s is not None), None)
                return _Outcome(f.verdict, why, chain, status=last, final_url=current, error=f.error)
            chain.append((current, status))
            if status in REDIRECT_STATUSES:
                if not location:
                    return _Outcome(BROKEN, f"answered {_phrase(status)} without a Location to go to", chain,
                                    status=status, final_url=current)
                if hops >= o.max_redirects:
                    why = f"still redirecting after {o.max_redirects} redirects"
                    return _Outcome(TOO_MANY_REDIRECTS, why, chain, status=status, final_url=current)
                try:
                    nxt = validation.normalize_url(urljoin(current, location.strip()), "redirect",
                                                   allow_none=False)
                except (ValidationError, ValueError) as exc:
                    return _Outcome(BROKEN, f"redirects to an unusable URL ({_short(str(exc), 100)})", chain,
                                    status=status, final_url=current, error=_short(location, _MAX_ERROR))
                assert nxt is not None
                current = nxt
                hops += 1
                continue
            return self._judge(target, chain, status, current, hops)

    def _judge(self, target: LinkTarget, chain: list[tuple[str, int | None]], status: int, final: str,
               hops: int) -> _Outcome:
        via = "" if hops == 0 else f" after {hops} redirect{'s' if hops > 1 else ''}"
        if not 200 <= status < 300:
            return _Outcome(BROKEN, f"answered {_phrase(status)}{via}", chain, status=status, final_url=final)
        host = _host_of(final)
        if target.expected_domains and not host_matches(host, target.expected_domains):
            return _Outcome(WRONG_DESTINATION,
                            f"lands on {host}{via}, not on {', '.join(target.expected_domains)}",
                            chain, status=status, final_url=final)
        if target.expected_fragment and not _fragment_present(target.expected_fragment, final):
            return _Outcome(CODE_LOST, f"{target.expected_fragment!r} is gone from the final URL "
                            f"{_short(final, 80)}", chain, status=status, final_url=final)
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
        try:
            async with asyncio.timeout(limit):
                for i, candidate in enumerate(plan.candidates):
                    chain: list[tuple[str, int | None]] = []
                    outcome = await self._follow(candidate, plan.target, chain)
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
        if first_failure is not None and len(plan.candidates) > 1 and outcome.chain \
                and outcome.chain[0][0].startswith("http://"):
            explanation += f" (tried over http after https failed: {first_failure.verdict.replace('_', ' ')})"
        return LinkResult(
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

    # -- many URLs --------------------------------------------------------------------------------
    async def run(
        self,
        targets: Sequence[LinkTarget | str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelFlag | None = None,
    ) -> list[LinkResult]:
        """Check every target; results come back in input order.

        When ``cancel`` is set, running checks stop and the results so far are returned (unchecked
        targets are left out). When the overall ``deadline`` passes, every unfinished target gets a
        ``timeout`` result.
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
            target = raw if isinstance(raw, LinkTarget) else LinkTarget(raw)  # type: ignore[arg-type]
            try:
                candidates = prepare_url(target.url)
            except ValidationError as exc:
                finish(index, _invalid(target.url, f"not a checkable URL: {exc.problem}", str(exc)))
                continue
            host = _host_of(candidates[0])
            pending.setdefault(host, deque()).append(_Plan(index, target, candidates, host))

        ready: deque[str] = deque(pending)
        in_ready = set(ready)
        active: dict[str, int] = {}
        running: dict[asyncio.Task[LinkResult], _Plan] = {}
        end = None if o.deadline is None else time.monotonic() + o.deadline

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
) -> list[LinkResult]:
    """Check many URLs concurrently (coroutine). See ``LinkChecker.run``."""
    return await LinkChecker(options, transport=transport).run(targets, progress=progress, cancel=cancel)


def check_links_sync(
    targets: Sequence[LinkTarget | str],
    options: CheckOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelFlag | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[LinkResult]:
    """Run ``check_links`` on a fresh event loop in the calling thread (a worker thread, the CLI).

    ``progress`` is called on this same thread after each URL.
    """
    return asyncio.run(check_links(targets, options, progress=progress, cancel=cancel, transport=transport))


def check_url(url: str | LinkTarget, options: CheckOptions | None = None) -> LinkResult:
    """Check one URL synchronously."""
    return check_links_sync([url], options)[0]
