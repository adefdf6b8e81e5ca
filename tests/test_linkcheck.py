"""The promo-link checker against loopback servers the tests start themselves (never the internet)."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
import sys
import threading
import time

import httpx
import pytest
import trustme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.loopback import LoopbackServer

from sponsortrack import USER_AGENT
from sponsortrack.errors import ValidationError
from sponsortrack.linkcheck import (
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    VERDICTS,
    CheckOptions,
    LinkResult,
    LinkTarget,
    check_links_sync,
    check_url,
    host_matches,
    prepare_url,
)

FAST = CheckOptions(timeout=2.0, trust_env=False, probe_url=None)  # no "are we online?" probe


@pytest.fixture(scope="module")
def srv():
    with LoopbackServer("127.0.0.1") as s:
        yield s


@pytest.fixture(scope="module")
def other():
    """A second "domain": another loopback address."""
    with LoopbackServer("127.0.0.2") as s:
        yield s


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_srv(ca):
    """HTTPS with a certificate for 127.0.0.1 issued by a test CA."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    with LoopbackServer("127.0.0.1", tls=ctx) as s:
        yield s


@pytest.fixture(scope="module")
def self_signed_srv(ca, tmp_path_factory):
    """HTTPS presenting a self-signed certificate (the test CA's own root, used as a server cert)."""
    d = tmp_path_factory.mktemp("selfsigned")
    (d / "cert.pem").write_bytes(ca.cert_pem.bytes())
    (d / "key.pem").write_bytes(ca.private_key_pem.bytes())
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(d / "cert.pem", d / "key.pem")
    with LoopbackServer("127.0.0.1", tls=ctx) as s:
        yield s


def check(url, options=FAST, **target):
    return check_url(LinkTarget(url, **target) if target else url, options)


def statuses(result: LinkResult):
    return [s for _, s in result.chain]


# -- plain outcomes ---------------------------------------------------------------------------------


def test_ok(srv):
    r = check(srv.url("/ok"))
    assert r.verdict == "ok"
    assert r.fine
    assert r.status == 200
    assert r.chain == [(srv.url("/ok"), 200)]
    assert r.final_url == srv.url("/ok")
    assert "200" in r.explanation
    assert dt.datetime.fromisoformat(r.checked_at).utcoffset() == dt.timedelta(0)
    assert r.elapsed_ms >= 0


@pytest.mark.parametrize("hops", [1, 2, 3, 4, 5])
def test_redirect_chain_is_recorded_hop_by_hop(srv, hops):
    r = check(srv.url(f"/chain/{hops}"))
    assert r.verdict == "redirected"
    assert r.fine
    assert statuses(r) == [302] * hops + [200]
    assert [u for u, _ in r.chain] == [srv.url(f"/chain/{n}") for n in range(hops, -1, -1)]
    assert r.final_url == srv.url("/chain/0")
    assert f"after {hops} redirect" in r.explanation


@pytest.mark.parametrize("path", ["/loop/a", "/self"])
def test_redirect_loop(srv, path):
    r = check(srv.url(path))
    assert r.verdict == "redirect_loop"
    assert not r.fine
    assert "loop" in r.explanation
    assert len(r.chain) <= 3


def test_too_many_redirects_stops_at_ten(srv):
    r = check(srv.url("/many/0"))
    assert r.verdict == "too_many_redirects"
    assert statuses(r) == [302] * 11  # ten followed, the eleventh refused
    r = check(srv.url("/many/0"), CheckOptions(timeout=2, max_redirects=3, trust_env=False))
    assert r.verdict == "too_many_redirects"
    assert len(r.chain) == 4


@pytest.mark.parametrize("code", [404, 410, 500])
def test_error_status_is_broken(srv, code):
    r = check(srv.url(f"/status/{code}"))
    assert r.verdict == "broken"
    assert r.status == code
    assert str(code) in r.explanation


def test_broken_after_redirect(srv, other):
    r = check(srv.url(f"/to/{other.netloc}/status/404"))
    assert r.verdict == "broken"
    assert statuses(r) == [302, 404]
    assert "after 1 redirect" in r.explanation


def test_bad_or_missing_location_is_broken(srv):
    r = check(srv.url("/badlocation"))
    assert r.verdict == "invalid_redirect"  # ftp: is no web page a listener's browser opens
    assert "ftp" in r.explanation
    r = check(srv.url("/nolocation"))
    assert r.verdict == "broken"
    assert "Location" in r.explanation


# -- hostile servers -------------------------------------------------------------------------------


def test_slow_endpoint_times_out(srv):
    t0 = time.monotonic()
    r = check(srv.url("/slow/5"), CheckOptions(timeout=0.5, trust_env=False))
    assert r.verdict == "timeout"
    assert time.monotonic() - t0 < 3
    assert not r.fine


@pytest.mark.parametrize("path", ["/drip", "/dripbody"])
def test_dripping_server_cannot_hold_the_check_past_its_timeout(srv, path):
    # each byte arrives well within httpx's per-read timeout; only the wall-clock bound stops it
    t0 = time.monotonic()
    r = check(srv.url(path), CheckOptions(timeout=1.0, max_body=1 << 20, trust_env=False))
    assert r.verdict == "timeout"
    assert time.monotonic() - t0 < 4


@pytest.mark.parametrize("refusal", ["", "/403", "/501"])
def test_head_refused_falls_back_to_get(srv, refusal):
    path = f"/nohead{refusal}"
    r = check(srv.url(path))
    assert r.verdict == "ok"
    assert r.status == 200
    methods = [q.method for q in srv.requests if q.path == path]
    assert methods[-2:] == ["HEAD", "GET"]


def test_head_that_errors_falls_back_to_get(srv):
    r = check(srv.url("/headreset"))
    assert r.verdict == "ok"
    assert [q.method for q in srv.requests if q.path == "/headreset"][-2:] == ["HEAD", "GET"]


def test_head_is_tried_first_and_get_not_needed(srv):
    r = check(srv.url("/landing?probe=head"))
    assert r.verdict == "ok"
    assert [q.method for q in srv.requests if q.path == "/landing?probe=head"] == ["HEAD"]


def test_huge_body_is_not_downloaded():
    """/huge refuses HEAD, so the checker GETs a body announced as 1 GiB: it must read a prefix only."""
    with LoopbackServer("127.0.0.1") as s:
        t0 = time.monotonic()
        r = check(s.url("/huge"), CheckOptions(timeout=5, trust_env=False))
        assert r.verdict == "ok"
        assert time.monotonic() - t0 < 6
        assert [q.method for q in s.requests] == ["HEAD", "GET"]
        time.sleep(0.2)  # let the server notice the client went away
        assert 0 < s.bytes_sent("/huge") < 64 * 1024 * 1024  # socket buffers at most, not 1 GiB


def test_connection_reset(srv):
    r = check(srv.url("/reset"))
    assert r.verdict == "connection_error"
    assert r.status is None
    assert r.chain == [(srv.url("/reset"), None)]


def test_connection_refused():
    with LoopbackServer("127.0.0.1") as s:
        url = s.url("/ok")
    r = check(url)  # the server is gone: nothing listens on that port any more
    assert r.verdict == "connection_error"
    assert "refused" in r.explanation


# -- destination and code --------------------------------------------------------------------------


def test_redirect_to_another_domain_is_wrong_destination(srv, other):
    url = srv.url(f"/to/{other.netloc}/landing")
    r = check(url, expected_domains=("127.0.0.1",))
    assert r.verdict == "wrong_destination"
    assert r.final_url == other.url("/landing")
    assert "127.0.0.2" in r.explanation
    # the same link is fine for a sponsor that owns the other host
    assert check(url, expected_domains=("127.0.0.2",)).verdict == "redirected"
    # and without expected domains any destination is accepted
    assert check(url).verdict == "redirected"


def test_subdomains_of_the_sponsors_domains_count():
    assert host_matches("www.digitalocean.com", ["digitalocean.com"])
    assert host_matches("digitalocean.com", ["digitalocean.com"])
    assert host_matches("try.fastly.com", ["digitalocean.com", "fastly.com"])
    assert not host_matches("evildigitalocean.com", ["digitalocean.com"])
    assert not host_matches("digitalocean.com.evil.net", ["digitalocean.com"])
    assert LinkTarget("x", expected_domains=("https://www.DigitalOcean.com/",)).expected_domains == (
        "digitalocean.com",
    )


def test_redirect_that_drops_the_vanity_path_is_code_lost(srv):
    r = check(srv.url("/vanity/changelog"), expected_fragment="changelog")
    assert r.verdict == "code_lost"
    assert "changelog" in r.explanation
    assert r.final_url == srv.url("/landing")
    assert check(srv.url("/keep/changelog"), expected_fragment="CHANGELOG").verdict == "redirected"
    # no fragment expected: dropping it is nobody's business
    assert check(srv.url("/vanity/changelog")).verdict == "redirected"


def test_code_that_survives_through_the_query(srv):
    r = check(srv.url("/chain/2?code=PODCAST20"), expected_fragment="podcast20")
    assert r.verdict == "redirected"
    assert r.final_url.endswith("?code=PODCAST20")


def test_wrong_destination_wins_over_code_lost(srv, other):
    r = check(srv.url(f"/to/{other.netloc}/landing"), expected_domains=("127.0.0.1",), expected_fragment="x")
    assert r.verdict == "wrong_destination"


# -- TLS -------------------------------------------------------------------------------------------


def test_self_signed_certificate_is_tls_error(self_signed_srv):
    r = check(self_signed_srv.url("/ok"))
    assert r.verdict == "tls_error"
    assert "certificate" in r.explanation.lower()


def test_untrusted_ca_is_tls_error(tls_srv):
    assert check(tls_srv.url("/ok")).verdict == "tls_error"


def test_https_works_when_the_certificate_is_trusted(tls_srv, ca):
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    r = check(tls_srv.url("/chain/1"), CheckOptions(timeout=2, verify=ctx, trust_env=False))
    assert r.verdict == "redirected"
    assert r.chain[0][0].startswith("https://")


# -- input -----------------------------------------------------------------------------------------


def test_schemeless_input_tries_https_then_http(srv):
    r = check(f"{srv.netloc}/chain/1")
    assert r.verdict == "redirected"
    assert r.chain[0][0] == srv.url("/chain/1")  # http, after https failed
    assert "https failed" in r.explanation
    assert r.url == f"{srv.netloc}/chain/1"


def test_schemeless_input_prefers_https(tls_srv, ca):
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    r = check(f"{tls_srv.netloc}/ok", CheckOptions(timeout=2, verify=ctx, trust_env=False))
    assert r.verdict == "ok"
    assert r.chain == [(tls_srv.url("/ok"), 200)]


def test_prepare_url():
    assert prepare_url("do.co/changelog") == ["https://do.co/changelog", "http://do.co/changelog"]
    assert prepare_url("  HTTP://Do.Co/x ") == ["http://do.co/x"]
    assert prepare_url("https://bücher.example/x") == ["https://xn--bcher-kva.example/x"]


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JavaScript:void(0)",
        "file:///etc/passwd",
        "ftp://ftp.example.com/promo",
        "mailto:ads@example.com",
        "data:text/html,hi",
        "https://example.com/" + "a" * 5000,
        "http://",
        "https://[::1",
        "http://exa mple.com/",
        "http://user:pw@example.com/",
        "http://example.com:99999/",
        "http://bad_host!.com/",
        "not a url",
        "",
        "   ",
        "https://xn--/x",
        None,
        42,
        "http://\x00.com",
    ],
)
def test_invalid_input_gives_invalid_url_never_an_exception(bad):
    [r] = check_links_sync([bad], FAST)
    assert r.verdict == "invalid_url"
    assert r.explanation
    assert "\n" not in r.explanation
    assert r.chain == []


def test_idn_host_is_checked_under_its_ascii_name():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_host.decode("ascii"))
        return httpx.Response(200, request=request)

    r = check_links_sync(["https://bücher.example/promo"], FAST, transport=httpx.MockTransport(handler))[0]
    assert r.verdict == "ok"
    assert seen == ["xn--bcher-kva.example"]
    assert r.final_url == "https://xn--bcher-kva.example/promo"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.from_regex(r"[a-z]{1,8}:[^\s]{0,40}", fullmatch=True)))
def test_any_text_gives_a_verdict_never_an_exception(text):
    def handler(request: httpx.Request) -> httpx.Response:  # never the network
        return httpx.Response(200, request=request)

    [r] = check_links_sync([text], FAST, transport=httpx.MockTransport(handler))
    assert r.verdict in VERDICTS
    assert r.verdict in ("ok", "invalid_url")


def test_bad_target_fields_are_validation_errors():
    with pytest.raises(ValidationError, match="expected_domains"):
        LinkTarget("https://do.co/x", expected_domains=("not a domain!",))
    with pytest.raises(ValidationError, match="expected_fragment"):
        LinkTarget("https://do.co/x", expected_fragment="x" * 1000)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"concurrency": 0}, "concurrency"), ({"per_host": -1}, "per_host"), ({"timeout": 0}, "timeout"),
     ({"timeout": "10"}, "timeout"), ({"deadline": -5}, "deadline"), ({"max_redirects": 99}, "max_redirects")],
)
def test_bad_options_name_the_field(kwargs, field):
    with pytest.raises(ValidationError, match=f"^{field}: "):
        CheckOptions(**kwargs)


# -- behaviour of the client -----------------------------------------------------------------------


def test_user_agent_names_the_app(srv):
    check(srv.url("/ok?ua"))
    [q] = [q for q in srv.requests if q.path == "/ok?ua"]
    assert q.headers["User-Agent"] == USER_AGENT
    assert "sponsortrack/" in USER_AGENT


def test_no_cookies_are_kept_between_urls(srv):
    results = check_links_sync([srv.url("/setcookie"), srv.url("/nocookie")] * 3,
                               CheckOptions(timeout=2, concurrency=1, trust_env=False))
    assert [r.verdict for r in results] == ["ok"] * 6
    assert not any("Cookie" in q.headers for q in srv.requests if q.path == "/nocookie")


def test_cookies_live_along_one_redirect_chain(srv):
    r = check(srv.url("/cookiegate"))
    assert r.verdict == "redirected"
    assert statuses(r) == [302, 200]


def test_results_come_back_in_input_order(srv):
    urls = [srv.url(f"/slow/{d}") for d in (0.3, 0.0, 0.2, 0.1)] + ["ftp://x.com", srv.url("/status/404")]
    results = check_links_sync(urls, FAST)
    assert [r.url for r in results] == urls
    assert [r.verdict for r in results] == ["ok"] * 4 + ["invalid_url", "broken"]


def test_per_host_cap_and_global_concurrency():
    with LoopbackServer("127.0.0.3") as a, LoopbackServer("127.0.0.4") as b:
        urls = [a.url(f"/slow/0.2?{i}") for i in range(8)] + [b.url(f"/slow/0.2?{i}") for i in range(8)]
        t0 = time.monotonic()
        results = check_links_sync(urls, CheckOptions(concurrency=3, per_host=2, timeout=5, trust_env=False))
        elapsed = time.monotonic() - t0
        assert [r.verdict for r in results] == ["ok"] * 16
        assert a.max_in_flight <= 2
        assert b.max_in_flight <= 2
        assert a.max_in_flight + b.max_in_flight >= 3  # the cap is reached, work overlapped
        assert elapsed < 16 * 0.2  # faster than one at a time


def test_progress_is_reported_for_every_url(srv):
    seen: list[tuple[int, int, str]] = []
    urls = [srv.url("/ok"), "javascript:x", srv.url("/status/500")]
    check_links_sync(urls, FAST, progress=lambda done, total, r: seen.append((done, total, r.verdict)))
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(v for _, _, v in seen) == ["broken", "invalid_url", "ok"]


def test_cancel_stops_the_run_promptly(srv):
    cancel = threading.Event()
    urls = [srv.url("/ok")] + [srv.url(f"/slow/5?{i}") for i in range(6)]

    def progress(done, total, result):
        cancel.set()

    t0 = time.monotonic()
    results = check_links_sync(urls, CheckOptions(concurrency=2, timeout=10, trust_env=False),
                               progress=progress, cancel=cancel)
    assert time.monotonic() - t0 < 4
    assert 1 <= len(results) < len(urls)
    assert results[0].verdict == "ok"


def test_overall_deadline_gives_every_unfinished_url_a_timeout(srv):
    urls = [srv.url(f"/slow/5?d{i}") for i in range(4)]
    t0 = time.monotonic()
    results = check_links_sync(urls, CheckOptions(concurrency=2, timeout=10, deadline=0.5, trust_env=False))
    assert time.monotonic() - t0 < 4
    assert [r.verdict for r in results] == ["timeout"] * 4
    assert all("deadline" in r.explanation for r in results)


def test_per_url_bound_covers_a_chain_of_slow_hops():
    # each hop answers within the per-request timeout, the whole chain does not fit the URL bound
    with LoopbackServer("127.0.0.1", latency=0.3) as slow:
        r = check(slow.url("/chain/4"), CheckOptions(timeout=1.0, url_timeout=0.8, trust_env=False))
        assert r.verdict == "timeout"
        assert r.elapsed_ms < 3000
        assert "0.8 s" in r.explanation
        assert r.chain[:2] == [(slow.url("/chain/4"), 302), (slow.url("/chain/3"), 302)]  # hops so far
        r = check(slow.url("/chain/4"), CheckOptions(timeout=1.0, url_timeout=5, trust_env=False))
        assert r.verdict == "redirected"


def test_result_to_dict_is_json_ready(srv):
    import json

    d = check(srv.url("/chain/1")).to_dict()
    assert json.loads(json.dumps(d))["chain"][0]["status"] == 302
    assert d["fine"] is True


def test_every_verdict_has_a_label_and_a_meaning():
    assert set(VERDICT_LABELS) == set(VERDICTS) == set(VERDICT_MEANINGS)
    assert len(VERDICTS) == 16


def test_linkcheck_does_not_import_qt():
    code = "import sys, sponsortrack.linkcheck, sponsortrack.linkcheck.checker; " \
           "print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_store_and_service_do_not_import_httpx_until_a_check_runs():
    code = "import sys, sponsortrack.store.links, sponsortrack.services.links, sponsortrack.cli; " \
           "print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_host_httpx_cannot_encode_is_an_invalid_url_not_a_connection_error():
    """'».0' passed Python's IDNA 2003 codec but not IDNA 2008, which httpx uses: found by the property test."""
    def handler(request: httpx.Request) -> httpx.Response:  # never the network
        return httpx.Response(200, request=request)

    for text in ("».0", "https://».example/x"):
        [r] = check_links_sync([text], FAST, transport=httpx.MockTransport(handler))
        assert r.verdict == "invalid_url", (text, r.verdict)
    [ok] = check_links_sync(["https://bücher.example/x"], FAST, transport=httpx.MockTransport(handler))
    assert ok.verdict == "ok"
