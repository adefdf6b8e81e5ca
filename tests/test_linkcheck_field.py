"""Link checks a producer can believe (issue 13): offline is not broken, rate limits and bot walls are
not dead links, soft 404s are suspect, redirects that are not links get their verdict. Loopback only;
"offline" and "captive portal" are simulated by transports, never by the machine's network."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from support.linkcheck import CaptivePortalTransport, OfflineTransport, RoutingTransport
from support.loopback import LoopbackServer

from sponsortrack.cli import main
from sponsortrack.linkcheck import CheckOptions, check_links_sync
from sponsortrack.linkcheck.classify import retry_after
from sponsortrack.services import links as lsvc
from sponsortrack.services import reporting
from sponsortrack.store import links as lstore

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


def test_no_route_to_the_network_is_unchecked_even_for_an_ip_address():
    import errno

    import httpx

    class NoRoute(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            cause = OSError(errno.ENETUNREACH, "Network is unreachable")
            raise httpx.ConnectError("[Errno 101] Network is unreachable", request=request) from cause

    r = one("http://127.0.0.1:9/promo", transport=NoRoute())  # never contacted: the transport fails
    assert r.verdict == "unchecked" and "network unreachable" in r.explanation


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
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("120") == 120.0 and retry_after("soon") is None


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


# -- the store, the services and the CLI ------------------------------------------------------------




OFFLINE = CheckOptions(timeout=2.0, trust_env=False, probe_url="http://probe.test/success.txt")


def _cli(db, *args, **kw):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False, **kw)


def test_an_offline_run_stores_nothing_as_the_latest_verdict_and_says_so(wired):
    store, urls = wired
    lsvc.check_urls(store, all_urls=True, options=FAST)  # online first: the real verdicts
    before = {u: c.verdict for u, c in lsvc.latest_checks(store).items()}
    to_fix = [(e.episode_id, e.url, e.reason) for e in lsvc.back_catalogue_report(store, "2019-11-01")]
    # the same links, named, on a machine whose DNS does not answer
    named = [u.replace("http://127.0.0.2", "http://do.co") for u in urls.values() if "127.0.0.2" in u]
    assert named
    run = lsvc.check_urls(store, urls=named + list(urls.values()), options=OFFLINE,
                          transport=OfflineTransport())
    assert {r.verdict for r in run.results} == {"unchecked"}
    assert run.offline is not None and run.offline.startswith("offline — nothing was checked")
    assert run.saved == len(run.results)  # kept, with their reason ...
    assert lstore.url_history(store, urls["do"])[0].verdict == "unchecked"
    # ... but nothing changed as the latest verdict, in Episodes to fix, the History badges or a POP
    assert {u: c.verdict for u, c in lsvc.latest_checks(store).items()} == before
    assert not set(lsvc.latest_verdicts(store, named))  # URLs only ever attempted offline: never checked
    assert [(e.episode_id, e.url, e.reason) for e in lsvc.back_catalogue_report(store, "2019-11-01")] == to_fix
    pop = reporting.pop_data(store, "DigitalOcean", "2019-10")
    assert {link.verdict for link in pop.links} <= {"redirected", "wrong_destination"}


def test_offline_before_any_check_pop_says_not_checked_not_connection_error(demo_store):
    run = lsvc.check_urls(demo_store, all_urls=True, options=OFFLINE, transport=OfflineTransport())
    assert run.offline and run.results
    pop = reporting.pop_data(demo_store, "DigitalOcean", "2019-10")
    assert pop.links and all(link.verdict is None for link in pop.links)
    assert not pop.link_checks_exist
    assert lsvc.back_catalogue_report(demo_store, "2019-10-20") == []


def test_cli_offline_says_it_once_and_exits_75(demo_store, db_path, monkeypatch):
    import sponsortrack.linkcheck.checker as ch

    real = ch.LinkChecker.__init__

    def offline_init(self, options=None, *, transport=None):
        real(self, ch.CheckOptions(**{**(options or ch.CheckOptions()).__dict__,
                                      "probe_url": "http://probe.test/"}), transport=OfflineTransport())

    monkeypatch.setattr(ch.LinkChecker, "__init__", offline_init)
    r = _cli(db_path, "check-urls", "--all")
    assert r.exit_code == 75, r.output
    assert r.stderr.count("offline — nothing was checked") == 1
    assert "unchecked" not in r.stdout and "connection" not in r.output
    assert lstore.count_checks(demo_store) == 0 and lstore.last_attempt(demo_store).verdict == "unchecked"


def test_change_to_failing_is_told_once_and_not_repeated(wired, db_path, servers):
    store, urls = wired
    assert _cli(db_path, "check-urls", urls["do"]).exit_code == 0
    # the sponsor's site breaks: the short link now lands on a 404
    broken = servers["short"].url(f"/to/{servers['do'].netloc}/status/404")
    store.conn.execute("UPDATE link_checks SET url = ? WHERE url = ?", [broken, urls["do"]])
    store.conn.commit()
    first = _cli(db_path, "check-urls", broken)
    assert first.exit_code == 1
    assert first.stderr.count("now failing: ") == 1 and broken in first.stderr
    again = _cli(db_path, "check-urls", broken)
    assert again.exit_code == 1 and "now failing" not in again.stderr  # already known to fail


def test_cli_reads_urls_from_a_file_and_stdin(wired, db_path, tmp_path):
    _, urls = wired
    f = tmp_path / "urls.txt"
    f.write_text(f"# promo links\n{urls['do']}\n\n{urls['fastly']}\n", encoding="utf-8")
    r = _cli(db_path, "check-urls", "-i", str(f), "--format", "json")
    assert [x["verdict"] for x in json.loads(r.stdout)] == ["redirected", "broken"]
    r = _cli(db_path, "check-urls", "-i", "-", "--format", "json", input=urls["brave"] + "\n")
    assert [x["verdict"] for x in json.loads(r.stdout)] == ["code_lost"]
    r = _cli(db_path, "check-urls", "-i", str(tmp_path / "nope.txt"))
    assert r.exit_code == 2 and r.stderr.startswith("error: input: ") and "Traceback" not in r.output


@pytest.mark.parametrize(("args", "message"), [
    (["--per-host", "0", "x.example"], "error: per_host: "),
    (["--per-host", "many", "x.example"], "error: per_host: "),
    (["--concurrency", "9999", "x.example"], "error: concurrency: "),
    (["--keep-history", "0", "x.example"], "error: keep_history: "),
])
def test_cli_speed_options_are_validated(demo_store, db_path, args, message):
    r = _cli(db_path, "check-urls", *args)
    assert r.exit_code == 2 and r.stderr.startswith(message) and r.stderr.count("\n") == 1


def test_per_host_cap_is_honoured(servers):
    srv = servers["fastly"]
    urls = [srv.url(f"/slow/0.3?i={i}") for i in range(12)]
    opts = lsvc.check_options(concurrency=12, per_host=3, timeout=5, probe_url=None, trust_env=False)
    assert opts.per_host == 3 and lsvc.check_options().per_host == 10
    results = check_links_sync(urls, opts)
    assert {r.verdict for r in results} == {"ok"}
    assert srv.max_in_flight <= 3


def test_sigint_mid_run_keeps_the_finished_checks(demo_store, db_path, servers):
    srv = servers["brave"]
    fast = [srv.url(f"/ok?i={i}") for i in range(6)]
    slow = [srv.url(f"/slow/60?i={i}") for i in range(6)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (os.getcwd(), os.environ.get("PYTHONPATH"))
                                                       if p)}
    proc = subprocess.Popen([sys.executable, "-m", "sponsortrack", "--db", str(db_path), "check-urls",
                             *slow, *fast, "--timeout", "60", "--concurrency", "12", "--per-host", "12"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline:
            con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
            try:
                stored = con.execute("SELECT count(*) FROM link_checks").fetchone()[0]
            finally:
                con.close()
            if stored >= len(fast):
                break
            time.sleep(0.1)
        assert stored == len(fast), "the fast checks were not stored while the run went on"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert f"interrupted: {len(fast)} checks stored" in err and "Traceback" not in err
    kept = lsvc.latest_checks(demo_store)
    assert set(kept) == set(fast) and {c.verdict for c in kept.values()} == {"ok"}


def test_due_rechecks_recent_episodes_often_and_old_ones_rarely(wired, db_path):
    store, urls = wired
    # the demo's episodes aired in October 2019: on 2019-10-20 they are days old, in 2021 years old
    assert {i.url for i in lsvc.plan_due(store, today="2019-10-20")} == set(urls.values())  # never checked
    lsvc.check_urls(store, all_urls=True, options=FAST)
    for c in lsvc.latest_checks(store).values():  # as if checked on 2019-10-19 at noon
        store.conn.execute("UPDATE link_checks SET checked_at = '2019-10-19T12:00:00.000Z' WHERE id = ?", [c.id])
    store.conn.commit()
    assert lsvc.plan_due(store, today="2019-10-19") == []
    assert {i.url for i in lsvc.plan_due(store, today="2019-10-21")} == set(urls.values())  # daily when recent
    assert lsvc.plan_due(store, today="2020-01-10") != []  # weekly after a month ...
    assert lsvc.recheck_interval_days(3) == 1 and lsvc.recheck_interval_days(400) == 30
    assert lsvc.recheck_interval_days(5000) == 90
    r = _cli(db_path, "check-urls", "--due", "--today", "2019-10-19")
    assert r.exit_code == 0 and "Nothing is due" in r.stderr


def test_prune_keeps_the_newest_and_every_change_of_verdict(store):
    url = "https://do.co/changelog"
    verdicts = ["ok"] * 5 + ["broken"] + ["unchecked"] * 3 + ["broken"] * 3 + ["ok"] * 4
    lstore.save_checks(store, [{"url": url, "verdict": v, "checked_at": f"2026-01-{i + 1:02d}T00:00:00Z"}
                               for i, v in enumerate(verdicts)])
    gone = lstore.prune_checks(store, 3)
    left = [(c.checked_at[:10], c.verdict) for c in reversed(lstore.url_history(store, url))]
    assert left == [("2026-01-01", "ok"), ("2026-01-06", "broken"), ("2026-01-13", "ok"),
                    ("2026-01-14", "ok"), ("2026-01-15", "ok"), ("2026-01-16", "ok")]
    assert gone == len(verdicts) - len(left)
    with pytest.raises(lsvc.ValidationError, match="keep_history"):
        lstore.prune_checks(store, 0)


def test_a_stored_schemeless_url_is_retried_over_http_as_a_typed_one_is(demo_store):
    from sponsortrack.services import campaigns as camp

    with LoopbackServer("127.0.0.6") as plain:  # http only: https to it fails
        c = camp.list_campaigns(demo_store)[0]
        camp.edit_campaign(demo_store, c.id, promo_url=f"{plain.netloc}/landing")  # stored as https://…
        stored = camp.list_campaigns(demo_store)[0].promo_url
        assert stored == f"https://{plain.netloc}/landing"
        run = lsvc.check_urls(demo_store, urls=[stored], options=FAST)
        typed = lsvc.check_urls(demo_store, urls=[f"{plain.netloc}/landing"], options=FAST)
    [r] = run.results
    assert r.verdict in ("ok", "wrong_destination") and "tried over http after https failed" in r.explanation
    assert r.url == stored and r.chain[-1][0].startswith("http://")
    assert typed.results[0].verdict == r.verdict


def test_the_online_probe_comes_from_the_environment(monkeypatch):
    from sponsortrack.linkcheck import options

    monkeypatch.delenv(options.PROBE_URL_ENV, raising=False)
    assert options.CheckOptions().probe_url == options.DEFAULT_PROBE_URL
    monkeypatch.setenv(options.PROBE_URL_ENV, "http://127.0.0.1:9/ok.txt")
    assert options.CheckOptions().probe_url == "http://127.0.0.1:9/ok.txt"
    monkeypatch.setenv(options.PROBE_URL_ENV, "")
    assert options.CheckOptions().probe_url is None
