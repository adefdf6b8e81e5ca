"""Link checks a producer can believe (issue 13): offline is not broken, rate limits and bot walls are
not dead links, soft 404s are suspect, redirects that are not links get their verdict. Loopback only;
"offline" and "captive portal" are simulated by transports, never by the machine's network."""

from __future__ import annotations

import socket
import time

import pytest

from sponsortrack.linkcheck import CheckOptions, check_links_sync
from sponsortrack.linkcheck.checker import _retry_after
from sponsortrack.linkcheck.loopback import LoopbackServer
from tests.linkcheck_helpers import CaptivePortalTransport, OfflineTransport, RoutingTransport

FAST = CheckOptions(timeout=2.0, trust_env=False, probe_url=None)


@pytest.fixture(scope="module")
def srv():
    with LoopbackServer("127.0.0.1") as s:
        yield s


def one(url, options=FAST, **kw):
    return check_links_sync([url], options, **kw)[0]


# -- offline and flaky networks ------------------------------------------------------------------


def test_dns_that_does_not_answer_is_unchecked_not_broken():
    r = one("https://do.co/changelog", transport=OfflineTransport())
    assert r.verdict == "unchecked"
    assert "DNS did not answer" in r.explanation and "do.co" in r.explanation


def test_a_name_that_does_not_exist_is_a_connection_error_with_nxdomain():
    r = one("https://no-such-sponsor.example/x", transport=OfflineTransport(socket.EAI_NONAME))
    assert r.verdict == "connection_error"
    assert "does not exist (NXDOMAIN)" in r.explanation


def test_offline_probe_before_the_run_skips_every_named_host_but_checks_ip_addresses(srv):
    transport = OfflineTransport(socket.EAI_NONAME)  # even "no such name" everywhere: the probe fails too
    opts = CheckOptions(timeout=2.0, trust_env=False, probe_url="http://probe.test/success.txt")
    urls = ["https://do.co/changelog", "https://fastly.com/", "https://brave.com/x"]
    results = check_links_sync(urls, opts, transport=transport)
    assert [r.verdict for r in results] == ["unchecked"] * 3
    assert all("offline" in r.explanation for r in results)
    assert transport.requests == ["http://probe.test/success.txt"]  # nothing else was tried
    # an IP address (here loopback) needs no internet: it is still checked
    r = check_links_sync([srv.url("/ok")], opts, transport=None)[0]
    assert r.verdict == "ok"


def test_captive_portal_answering_for_every_host_is_offline():
    with LoopbackServer("127.0.0.7") as portal:
        opts = CheckOptions(timeout=2.0, trust_env=False, probe_url="http://probe.test/success.txt")
        results = check_links_sync(["https://do.co/changelog", "http://fastly.com/promo"], opts,
                                   transport=CaptivePortalTransport(portal))
    assert [r.verdict for r in results] == ["unchecked", "unchecked"]
    assert "captive portal" in results[0].explanation


def test_online_probe_lets_a_dead_name_be_a_verdict_and_a_failure_recheck_the_probe(srv):
    with LoopbackServer("127.0.0.8") as probe:
        routes = {"probe.test": probe, "sponsor.test": srv}
        opts = CheckOptions(timeout=2.0, trust_env=False, probe_url="http://probe.test/ok",
                            probe_expect="Thanks for listening")
        results = check_links_sync(["http://sponsor.test/ok", "http://gone.test/x", "http://sponsor.test/status/404"],
                                   opts, transport=RoutingTransport(routes))
    assert [r.verdict for r in results] == ["ok", "connection_error", "broken"]
    assert "NXDOMAIN" in results[1].explanation


def test_network_lost_during_the_run_turns_later_failures_into_unchecked():
    # the probe answers "online" first, then the network goes away: failures are re-probed, not stored as broken
    with LoopbackServer("127.0.0.8") as probe:
        routes = {"probe.test": probe}
        transport = RoutingTransport(routes)
        opts = CheckOptions(timeout=2.0, trust_env=False, probe_url="http://probe.test/ok",
                            probe_expect="Thanks for listening", concurrency=1)
        import sponsortrack.linkcheck.checker as ch

        checker = ch.LinkChecker(opts, transport=transport)

        async def go():
            await checker._offline(max_age=0)
            assert checker.offline is None
            routes.clear()  # the network is gone: even the probe's name no longer resolves
            checker._probe_at = 0.0  # as if the last probe were old
            return await checker.run(["http://a.test/x", "http://b.test/y"])

        import asyncio

        results = asyncio.run(go())
    assert [r.verdict for r in results] == ["unchecked", "unchecked"]
    assert "offline" in results[0].explanation


# -- rate limits and bot walls ---------------------------------------------------------------------


def test_429_with_retry_after_is_retried_once_then_rate_limited(srv):
    url = srv.url("/limited/429/5?retry=1&case=a")
    t0 = time.monotonic()
    r = one(url)
    assert r.verdict == "rate_limited"
    assert "Retry-After" in r.explanation and "try again later" in r.explanation
    asked = [q for q in srv.requests if q.path == "/limited/429/5?retry=1&case=a"]
    assert len(asked) == 2  # the first answer and one polite retry, no more
    assert time.monotonic() - t0 >= 0.9  # the retry waited the second it was asked


def test_429_that_clears_after_the_wait_is_ok(srv):
    r = one(srv.url("/limited/429/1?retry=1&case=b"))
    assert r.verdict == "ok"


def test_503_with_retry_after_is_rate_limited_and_plain_503_broken(srv):
    assert one(srv.url("/limited/503/9?retry=0&case=c")).verdict == "rate_limited"
    assert one(srv.url("/status/503")).verdict == "broken"


def test_retry_after_longer_than_the_check_allows_is_not_waited_for(srv):
    t0 = time.monotonic()
    r = one(srv.url("/limited/429/9?retry=3600&case=d"))
    assert r.verdict == "rate_limited" and "3600 s" in r.explanation
    assert time.monotonic() - t0 < 2.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert _retry_after("120") == 120.0 and _retry_after("soon") is None


def test_cloudflare_style_403_is_blocked_by_bot_protection(srv):
    r = one(srv.url("/cfchallenge"))
    assert r.verdict == "blocked_by_bot_protection"
    assert "Cloudflare" in r.explanation and "open it in a browser" in r.explanation
    assert one(srv.url("/cfbody")).verdict == "blocked_by_bot_protection"
    assert one(srv.url("/status/403")).verdict == "broken"  # a plain 403 is still broken


def test_soft_404_and_parked_domain_are_suspect_with_reason(srv):
    r = one(srv.url("/soft404"))
    assert r.verdict == "suspect" and "Page not found | Acme" in r.explanation
    r = one(srv.url("/gone"))
    assert r.verdict == "suspect" and "error page" in r.explanation
    r = one(srv.url("/parked"))
    assert r.verdict == "suspect" and "parked domain" in r.explanation
    assert one(srv.url("/nohead")).verdict == "ok"  # a real page fetched by GET stays ok


# -- redirects that are not links ------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["data", "javascript", "file"])
def test_redirect_to_data_javascript_file_is_invalid_redirect(srv, scheme):
    r = one(srv.url(f"/scheme/{scheme}"))
    assert r.verdict == "invalid_redirect"
    assert f"{scheme}:" in r.explanation and "unexpected" not in r.explanation


def test_redirect_to_a_3000_character_url_is_followed(srv):
    r = one(srv.url("/long/3000"))
    assert r.verdict == "redirected"
    assert r.final_url is not None and len(r.final_url) == 3000
    assert [s for _, s in r.chain] == [302, 200]
