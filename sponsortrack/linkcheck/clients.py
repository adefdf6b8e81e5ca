"""The link checker's httpx clients: one small client per host, no cookie jar, each host's request slots.

One small client per host, because httpcore scans its whole pool on every request: one big pool over
hundreds of hosts costs more than the requests. At most ``max(64, 2 × concurrency)`` are kept; idle ones
beyond that are closed. A redirect httpx itself cannot build (``data:``, ``javascript:``, a malformed
Location) is raised as ``OddRedirect`` carrying its answer, for the checker to judge.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator
from http.cookiejar import CookieJar

import httpx

from sponsortrack.linkcheck.classify import KEPT_HEADERS, Answer, redirect_scheme
from sponsortrack.linkcheck.options import CheckOptions


class _NoCookies(CookieJar):
    """A cookie jar that never keeps anything: the shared client must not carry cookies across URLs."""

    def set_cookie(self, cookie):
        return None

    def extract_cookies(self, response, request):
        return None


class OddRedirect(Exception):
    """Raised from the response hook for a redirect httpx itself cannot build (``data:``, ``javascript:``,
    a malformed Location): the answer is judged by the checker, not turned into an httpx error."""

    def __init__(self, answer: Answer):
        super().__init__(answer.location)
        self.answer = answer


def kept_headers(headers: httpx.Headers) -> dict[str, str]:
    """The few headers of an answer that are judged (``KEPT_HEADERS``)."""
    return {k: headers[k] for k in KEPT_HEADERS if k in headers}


async def _catch_odd_redirect(response: httpx.Response) -> None:
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    odd = redirect_scheme(location) is not None
    if not odd:
        try:
            response.request.url.join(location)
        except Exception:
            odd = True
    if odd:
        raise OddRedirect(Answer(response.status_code, location, kept_headers(response.headers)))


class Clients:
    """The clients of one run, by host, and the ``per_host`` slots of each host."""

    def __init__(self, options: CheckOptions, transport: httpx.AsyncBaseTransport | None = None):
        self.options = options
        self._transport = transport
        self._host_sems: dict[str, asyncio.Semaphore] = {}
        self._busy: dict[str, int] = {}
        self._clients: OrderedDict[str, httpx.AsyncClient] = OrderedDict()
        self._max_clients = max(64, 2 * options.concurrency)
        self._ssl: ssl.SSLContext | None = None

    def make(self) -> httpx.AsyncClient:
        """A new client with the run's options (the caller closes it)."""
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

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[httpx.AsyncClient]:
        """One of the host's ``per_host`` slots (waited for), and the host's client while it is held."""
        sem = self._host_sems.get(host)
        if sem is None:
            sem = self._host_sems[host] = asyncio.Semaphore(self.options.per_host)
        async with sem:
            self._busy[host] = self._busy.get(host, 0) + 1
            try:
                yield await self._client_for(host)
            finally:
                self._busy[host] -= 1

    async def _client_for(self, host: str) -> httpx.AsyncClient:
        """The host's client (called with the host's slot held); closes idle ones beyond the limit."""
        key = "*" if self._transport is not None else host  # an injected transport serves every host
        client = self._clients.get(key)
        if client is not None:
            self._clients.move_to_end(key)
            return client
        client = self._clients[key] = self.make()
        while len(self._clients) > self._max_clients:
            idle = next((h for h in self._clients if h != key and not self._busy.get(h)), None)
            if idle is None:
                break
            await self._clients.pop(idle).aclose()
        return client

    async def close(self) -> None:
        """Close every client and forget the hosts' slots (the run is over)."""
        while self._clients:
            _, client = self._clients.popitem()
            with contextlib.suppress(Exception):
                await client.aclose()
        self._host_sems.clear()
        self._busy.clear()
