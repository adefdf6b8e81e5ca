"""Loopback servers standing in for the demo network's sponsors, and the demo rewired to them.

Addresses: 127.0.0.2 the short-link host (do.co's role), 127.0.0.3 DigitalOcean's site, 127.0.0.4
Fastly's site, 127.0.0.5 Brave's site, 127.0.0.9 a parked domain nobody owns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from support.loopback import LoopbackServer

HOSTS = {"short": "127.0.0.2", "do": "127.0.0.3", "fastly": "127.0.0.4", "brave": "127.0.0.5",
         "parked": "127.0.0.9"}


@contextlib.contextmanager
def sponsor_servers() -> Iterator[dict[str, LoopbackServer]]:
    servers = {k: LoopbackServer(h).start() for k, h in HOSTS.items()}
    try:
        yield servers
    finally:
        for s in servers.values():
            s.stop()


def rewire_demo(store, servers: dict[str, LoopbackServer]) -> dict[str, str]:
    """Point the demo's promo URLs at the loopback sponsors. Returns the new URLs by role:

    * ``do``: DigitalOcean's short link, redirects to its site → redirected
    * ``do_misread``: the URL as misread on air (episode 58), lands on a parked domain → wrong_destination
    * ``fastly``: Fastly's page is gone → broken (404)
    * ``brave``: Brave's vanity link drops its code → code_lost
    """
    s = servers
    urls = {
        "do": s["short"].url(f"/to/{s['do'].netloc}/landing?ref=changelog"),
        "do_misread": s["short"].url(f"/to/{s['parked'].netloc}/landing"),
        "fastly": s["fastly"].url("/status/404"),
        "brave": s["brave"].url("/vanity/PRACTICALAI"),
    }
    do = cat.resolve_sponsor(store, "DigitalOcean")
    fastly = cat.resolve_sponsor(store, "Fastly")
    brave = cat.resolve_sponsor(store, "Brave")
    cat.edit_sponsor(store, do.id, domains=[*do.domains, HOSTS["do"], HOSTS["short"]])
    cat.edit_sponsor(store, fastly.id, domains=[*fastly.domains, HOSTS["fastly"]])
    cat.edit_sponsor(store, brave.id, domains=[*brave.domains, HOSTS["brave"]])
    by_sponsor = {do.id: urls["do"], fastly.id: urls["fastly"], brave.id: urls["brave"]}
    for c in camp.list_campaigns(store):
        changes = {"promo_url": by_sponsor[c.sponsor_id]}
        if c.sponsor_id == brave.id:
            changes["promo_code"] = "PRACTICALAI"
        camp.edit_campaign(store, c.id, **changes)
    for r in rsvc.list_reads(store):
        new = urls["do_misread"] if r.promo_url and "changlog" in r.promo_url else by_sponsor[r.sponsor_id]
        code = "PRACTICALAI" if r.sponsor_id == brave.id else r.promo_code
        rsvc.edit_read(store, r.id, promo_url=new, promo_code=code)
    return urls


# -- simulated networks (no real resolver or route is touched) -------------------------------------

import socket  # noqa: E402

import httpx  # noqa: E402


class OfflineTransport(httpx.AsyncBaseTransport):
    """Every request fails as on a machine whose DNS does not answer (``EAI_AGAIN``: SERVFAIL/timeout),
    or, with ``errno_``, another ``getaddrinfo`` error (``socket.EAI_NONAME``: the name does not exist)."""

    def __init__(self, errno_: int = socket.EAI_AGAIN):
        self.errno = errno_
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        cause = socket.gaierror(self.errno, {socket.EAI_AGAIN: "Temporary failure in name resolution",
                                             socket.EAI_NONAME: "Name or service not known"}.get(self.errno, "?"))
        raise httpx.ConnectError(f"[Errno {self.errno}] {cause.strerror}", request=request) from cause


class CaptivePortalTransport(httpx.AsyncHTTPTransport):
    """A captive portal answers for every host: each request goes to the ``portal`` loopback server
    (its ``/portal/...`` routes), whatever host it names."""

    def __init__(self, portal: LoopbackServer):
        super().__init__(trust_env=False)
        self.portal = portal

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        if not path.startswith("/portal"):
            path = "/portal" + path
        request.url = httpx.URL(f"http://{self.portal.netloc}{path}")
        return await super().handle_async_request(request)


class RoutingTransport(httpx.AsyncHTTPTransport):
    """Named hosts of the test reach loopback servers: ``{"probe.test": server}``; others fail as
    names that do not exist (NXDOMAIN)."""

    def __init__(self, routes: dict[str, LoopbackServer]):
        super().__init__(trust_env=False)
        self.routes = routes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        srv = self.routes.get(request.url.host)
        if srv is None:
            cause = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from cause
        request.url = request.url.copy_with(scheme="http", host=srv.host, port=srv.port)
        return await super().handle_async_request(request)
