"""The async promo-link checker.

One shared ``httpx.AsyncClient`` (connection pooling, no cookie jar), redirects followed by hand so
every hop is recorded, and a small scheduler that keeps at most ``concurrency`` checks in flight
and at most ``per_host`` requests on any one host. Every request has a hard wall-clock bound
(``timeout``), every URL a total bound (``url_timeout``) and the run an optional ``deadline``, so a
server that drips bytes or never answers cannot hold a check past its limits. Bodies are streamed
and at most ``max_body`` bytes are read. What each answer or error means, and the words for it, is
``classify.py``'s; the limits of a run are ``options.py``'s.

``check_links`` is the coroutine; ``check_links_sync`` runs it on the calling (plain) thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import ssl
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypedDict, Unpack
from urllib.parse import urlsplit, urlunsplit

import httpx

from sponsortrack import validation
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck.classify import (
    MAX_ERROR,
    RATE_STATUSES,
    REDIRECT_STATUSES,
    Answer,
    Failure,
    Outcome,
    bot_wall,
    classify_error,
    host_of,
    invalid,
    judge,
    judge_redirect,
    offline_because,
    phrase,
    portal_because,
    retry_after,
    short,
)
from sponsortrack.linkcheck.clients import Clients, OddRedirect, kept_headers
from sponsortrack.linkcheck.model import (
    CONNECTION_ERROR,
    FINE_VERDICTS,
    INVALID_URL,
    REDIRECT_LOOP,
    TIMEOUT,
    TLS_ERROR,
    UNCHECKED,
    LinkResult,
    LinkTarget,
    utc_now_iso,
)
from sponsortrack.linkcheck.options import CheckOptions

ProgressCallback = Callable[[int, int, LinkResult], None]


class CancelFlag(Protocol):
    """Anything with ``is_set()``: a ``threading.Event``, or an adapter over a GUI task's cancel flag."""

    def is_set(self) -> bool: ...


class RunHooks(TypedDict, total=False):
    """What a run calls back: ``progress`` after each URL, ``cancel`` asked often, ``tick`` every 0.1 s."""

    progress: ProgressCallback | None
    cancel: CancelFlag | None
    tick: Callable[[], None] | None


#: HEAD answers that mean "ask again with GET".
HEAD_REFUSED = frozenset({403, 405, 501})
_RETRY_OVER_HTTP = frozenset({CONNECTION_ERROR, TLS_ERROR, TIMEOUT})
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_PROBE_TTL = 10.0


@dataclass
class _Plan:
    index: int
    target: LinkTarget
    candidates: list[str]  # https then http for schemeless input
    host: str
    named: bool = True  # the host is a name (not an IP address): DNS and the offline probe apply


def _without_fragment(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path or "/", p.query, ""))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


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
        self._clients = Clients(self.options, transport)
        #: why the machine is offline, as the last probe found (None: online, or not probed)
        self.offline: str | None = None
        self._probe_at: float | None = None
        self._probe_lock = asyncio.Lock()

    # -- one request ------------------------------------------------------------------------------
    async def _request(self, client: httpx.AsyncClient, method: str, url: str, jar: httpx.Cookies) -> Answer:
        """One request's answer (the body prefix kept on GET); raises ``Failure``."""
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
                    answer = Answer(response.status_code, response.headers.get("location"),
                                    kept_headers(response.headers))
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
            why = f"no complete answer from {host_of(url)} within {o.timeout:g} s ({method})"
            raise Failure(TIMEOUT, why, f"wall-clock limit of {o.timeout:g} s") from None
        except OddRedirect as odd:
            return odd.answer
        except Failure:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
            raise classify_error(exc, method, url) from None

    async def _fetch(self, url: str, jar: httpx.Cookies) -> Answer:
        """HEAD, then GET when HEAD is refused or errors (but not when it merely times out)."""
        host = host_of(url)
        async with self._clients.slot(host) as client:
            try:
                answer = await self._request(client, "HEAD", url, jar)
            except Failure as f:
                if f.verdict in (TIMEOUT, TLS_ERROR, INVALID_URL, UNCHECKED):
                    raise
                return await self._request(client, "GET", url, jar)
            if answer.status in HEAD_REFUSED:
                return await self._request(client, "GET", url, jar)
            return answer

    async def _fetch_politely(self, url: str, jar: httpx.Cookies, end: float) -> tuple[Answer, str | None]:
        """``_fetch``, with one retry when a 429/503 asks to wait (``Retry-After``) and the wait fits
        before ``end`` (monotonic). Returns the answer and, when it still is a rate limit, why."""
        o = self.options
        answer = await self._fetch(url, jar)
        if answer.status not in RATE_STATUSES or bot_wall(answer):
            return answer, None
        wait = retry_after(answer.header("retry-after"))
        if wait is None:
            if answer.status == 429:
                return answer, f"answered {phrase(429)} without saying when to come back"
            return answer, None  # a plain 503: the server is down, judged as broken
        if wait > o.max_retry_wait or time.monotonic() + wait + 0.05 >= end:
            return answer, (f"answered {phrase(answer.status)} and asks to come back in {wait:.0f} s, "
                            "later than this check can wait")
        await asyncio.sleep(wait)
        again = await self._fetch(url, jar)
        if again.status in RATE_STATUSES and not bot_wall(again):
            return again, (f"answered {phrase(again.status)} again after waiting the {wait:g} s it asked "
                           "(Retry-After)")
        return again, None

    # -- one URL ----------------------------------------------------------------------------------
    async def _follow(self, start: str, target: LinkTarget, chain: list[tuple[str, int | None]],
                      end: float) -> Outcome:
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
                why = f"redirect loop: {short(chain[-2][0], 60)} sends back to {short(current, 60)}"
                return Outcome(REDIRECT_LOOP, why, chain, status=chain[-2][1], final_url=current)
            seen.add(key)
            try:
                answer, limited = await self._fetch_politely(current, jar, end)
            except Failure as f:
                chain.append((current, None))
                why = f.explanation if hops == 0 else f"{f.explanation} after {hops} redirect(s)"
                last = next((s for _, s in reversed(chain) if s is not None), None)
                return Outcome(f.verdict, why, chain, status=last, final_url=current, error=f.error)
            status = answer.status
            chain.append((current, status))
            if status in REDIRECT_STATUSES:
                nxt = judge_redirect(chain, answer, current, hops, o.max_redirects)
                if isinstance(nxt, Outcome):
                    return nxt
                current = nxt
                hops += 1
                continue
            return judge(target, chain, answer, current, hops, limited)

    async def _check_plan(self, plan: _Plan) -> LinkResult:
        o = self.options
        started = time.monotonic()
        outcome: Outcome | None = None
        chain: list[tuple[str, int | None]] = []
        first_failure: Outcome | None = None
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
            outcome = Outcome(TIMEOUT, f"no final answer within {limit:g} s", chain, status=last,
                               final_url=chain[-1][0] if chain else None, error=f"per-URL limit of {limit:g} s")
        except Exception as exc:  # a bug must not kill the whole run; say what happened
            why = f"unexpected error: {short(str(exc) or type(exc).__name__)}"
            outcome = Outcome(CONNECTION_ERROR, why, [], error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
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
                result.explanation = f"not checked: {offline} (it said: {short(result.explanation, 120)})"
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
        client = self._clients.make()
        try:
            async with asyncio.timeout(min(o.timeout, 5.0)):
                response = await client.get(o.probe_url)
                body = response.text[:2048]
        except TimeoutError:
            return "offline — the internet does not answer (no reply in time)"
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError, UnicodeError) as exc:
            return offline_because(exc, o.probe_url)
        finally:
            with contextlib.suppress(Exception):
                await client.aclose()
        if response.status_code == 200 and o.probe_expect in body:
            return None
        return portal_because(response.status_code, response.headers.get("location"))

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
                finish(index, invalid(target.url, f"not a checkable URL: {exc.problem}", str(exc)))
                continue
            host = host_of(candidates[0])
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
            await self._clients.close()
        return [r for r in results if r is not None]


async def check_links(
    targets: Sequence[LinkTarget | str],
    options: CheckOptions | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **hooks: Unpack[RunHooks],
) -> list[LinkResult]:
    """Check many URLs concurrently (coroutine). See ``LinkChecker.run``."""
    return await LinkChecker(options, transport=transport).run(targets, **hooks)


def check_links_sync(
    targets: Sequence[LinkTarget | str],
    options: CheckOptions | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **hooks: Unpack[RunHooks],
) -> list[LinkResult]:
    """Run ``check_links`` on a fresh event loop in the calling thread (a worker thread, the CLI).

    ``progress`` and ``tick`` are called on this same thread (after each URL; every 0.1 s at least).
    """
    return asyncio.run(check_links(targets, options, transport=transport, **hooks))


def check_url(url: str | LinkTarget, options: CheckOptions | None = None) -> LinkResult:
    """Check one URL synchronously."""
    return check_links_sync([url], options)[0]
