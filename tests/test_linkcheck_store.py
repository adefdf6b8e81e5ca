"""Link checks in the store, the links service and the ``check-urls`` / ``link-report`` commands, against
loopback servers standing in for the demo network's sponsors (never the internet)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support.linkcheck import HOSTS
from support.loopback import LoopbackServer

from sponsortrack.cli import main
from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.linkcheck import LinkResult
from sponsortrack.services import links
from sponsortrack.store import links as lstore


def _check(**kw):
    base = {"url": "https://do.co/changelog", "verdict": "redirected", "status": 200,
            "chain": [("https://do.co/changelog", 301), ("https://www.digitalocean.com/", 200)],
            "final_url": "https://www.digitalocean.com/", "elapsed_ms": 120, "explanation": "fine",
            "checked_at": "2026-01-02T03:04:05+00:00"}
    base.update(kw)
    return base


# -- store -------------------------------------------------------------------------------------------


def test_save_and_read_back(store):
    assert lstore.save_checks(store, [_check()]) == 1
    [c] = lstore.url_history(store, "https://do.co/changelog")
    assert c.verdict == "redirected" and c.status_code == 200 and c.fine
    assert c.chain == [("https://do.co/changelog", 301), ("https://www.digitalocean.com/", 200)]
    assert c.checked_at == "2026-01-02T03:04:05.000Z"  # the store's UTC form, so checks sort as text
    assert c.elapsed_ms == 120


def test_a_link_result_is_saved_as_is(store):
    r = LinkResult(url="https://fastly.com", verdict="broken", explanation="answered 404 Not Found", status=404,
                   chain=[("https://fastly.com", 404)], final_url="https://fastly.com", elapsed_ms=9)
    lstore.save_check(store, r)
    [c] = lstore.url_history(store, "https://fastly.com")
    assert (c.verdict, c.status_code, c.chain) == ("broken", 404, [("https://fastly.com", 404)])


@pytest.mark.parametrize(
    ("bad", "field"),
    [({"verdict": "fine"}, "verdict"), ({"verdict": None}, "verdict"), ({"status": 1000}, "status"),
     ({"status": "200"}, "status"), ({"status": True}, "status"), ({"chain": "[]"}, "chain"),
     ({"chain": [("x", 200, 1)]}, "chain"), ({"chain": [("x", 42)]}, "chain"), ({"url": ""}, "url"),
     ({"url": None}, "url"), ({"checked_at": "yesterday"}, "checked_at"),
     ({"checked_at": "2026-01-02T03:04:05"}, "checked_at"), ({"elapsed_ms": -1}, "elapsed_ms"),
     ({"sponsor_id": "1"}, "sponsor_id")],
)
def test_nothing_unvalidated_reaches_the_database(store, bad, field):
    with pytest.raises(ValidationError, match=f"^{field}: "):
        lstore.save_checks(store, [_check(), _check(**bad)])
    assert lstore.count_checks(store) == 0  # validated before the transaction: all or nothing


def test_hostile_text_is_cleaned_and_bounded(store):
    lstore.save_checks(store, [_check(url="https://x.example/" + "a" * 9000, explanation="line\none\x00\x1b[31m",
                                      final_url="https://x.example/\x07" + "b" * 9000,
                                      chain=[("https://x.example/\r\nSet-Cookie: a=b", 302)] * 40)])
    [c] = lstore.latest_checks(store).values()
    assert len(c.url) == lstore.MAX_URL and len(c.final_url) == lstore.MAX_URL
    assert c.explanation == "lineone[31m"
    assert len(c.chain) == lstore.MAX_CHAIN
    assert "\r" not in c.chain[0][0] and "\n" not in c.chain[0][0]


def test_latest_per_url_and_history(store):
    lstore.save_checks(store, [
        _check(verdict="ok", checked_at="2026-01-01T00:00:00Z"),
        _check(verdict="broken", status=404, checked_at="2026-01-03T00:00:00+02:00"),  # 2026-01-02T22:00Z
        _check(verdict="timeout", status=None, checked_at="2026-01-02T23:00:00Z"),
        _check(url="https://fastly.com", verdict="ok"),
    ])
    latest = lstore.latest_checks(store)
    assert latest["https://do.co/changelog"].verdict == "timeout"
    assert latest["https://fastly.com"].verdict == "ok"
    assert set(lstore.latest_checks(store, ["https://fastly.com", "https://nope.example"])) == {"https://fastly.com"}
    hist = lstore.url_history(store, "https://do.co/changelog")
    assert [h.verdict for h in hist] == ["timeout", "broken", "ok"]


def test_promo_urls_from_reads_and_campaigns(demo_store):
    promos = {p.url: p for p in lstore.promo_urls(demo_store)}
    do = promos["https://do.co/changelog"]
    assert do.sponsor_name == "DigitalOcean" and "digitalocean.com" in do.domains and do.reads > 20
    assert promos["https://fastly.com"].sponsor_name == "Fastly"
    assert promos["https://do.co/changlog"].reads == 1  # the misread URL of episode 58
    oct_ = {p.url for p in lstore.promo_urls(demo_store, date_from="2019-10-01", date_to="2019-10-31")}
    assert oct_ == {"https://do.co/changelog", "https://fastly.com"}
    # a campaign's URL counts even before any read carries it
    assert lstore.promo_urls(demo_store, date_from="2030-01-01", date_to="2030-01-31") == []


# -- service -----------------------------------------------------------------------------------------


def test_expected_fragment_is_the_code_the_url_carries():
    assert links.expected_fragment("https://fastly.com/podcast?code=CHANGELOG", ["changelog"]) == "changelog"
    assert links.expected_fragment("https://do.co/changelog", ["PODCAST50"]) is None
    assert links.expected_fragment("https://brave.com/practical%20ai", ["practical ai"]) == "practical ai"


def test_plan_requires_a_selector_and_validates_it(demo_store):
    with pytest.raises(ValidationError, match="^urls: "):
        links.plan_checks(demo_store)
    with pytest.raises(ValidationError, match="^month: "):
        links.plan_checks(demo_store, month="2019-13")
    with pytest.raises(NotFoundError, match="^sponsor: "):
        links.plan_checks(demo_store, sponsor="Nobody")
    with pytest.raises(ValidationError, match="^concurrency: "):
        links.check_options(concurrency="many")
    with pytest.raises(ValidationError, match="^timeout: "):
        links.check_options(timeout="0")


def test_plan_carries_the_sponsors_expectations(demo_store):
    plan = {i.url: i for i in links.plan_checks(demo_store, urls=["do.co/changelog", "https://example.org/x"])}
    do = plan["https://do.co/changelog"]
    assert do.sponsor_name == "DigitalOcean"
    assert "digitalocean.com" in do.target.expected_domains
    assert plan["https://example.org/x"].target.expected_domains == ()
    # an unknown URL judged against a named sponsor's domains
    [x] = links.plan_checks(demo_store, urls=["https://example.org/x"], sponsor="Fastly")
    assert x.target.expected_domains == ("fastly.com",)
    assert len(links.plan_checks(demo_store, all_urls=True)) == 3
    assert [i.sponsor_name for i in links.plan_checks(demo_store, sponsor="Fastly")] == ["Fastly"]


def test_check_all_stores_every_check_with_its_verdict(wired):
    store, urls = wired
    run = links.check_urls(store, all_urls=True, timeout=3)
    verdicts = {r.url: r.verdict for r in run.results}
    assert verdicts == {urls["do"]: "redirected", urls["do_misread"]: "wrong_destination",
                        urls["fastly"]: "broken", urls["brave"]: "code_lost"}
    assert run.saved == 4 and not run.all_fine
    latest = links.latest_verdicts(store, [urls["do"], urls["fastly"]])
    assert latest[urls["do"]].verdict == "redirected"
    assert latest[urls["do"]].chain[-1][0].startswith(f"http://{HOSTS['do']}:")
    assert latest[urls["fastly"]].sponsor_id == store.scalar("SELECT id FROM sponsors WHERE name = 'Fastly'")


def test_back_catalogue_report(wired):
    store, urls = wired
    links.check_urls(store, all_urls=True, timeout=3)
    during = links.back_catalogue_report(store, "2019-11-01")
    assert {e.verdict for e in during} == {"broken", "code_lost", "wrong_destination"}
    assert all(e.reason == "broken" for e in during)
    misread = [e for e in during if e.url == urls["do_misread"]]
    assert [e.episode_number for e in misread] == [58]
    after = links.back_catalogue_report(store, "2020-06-01")
    assert {e.reason for e in after} == {"broken", "campaign_ended"}
    assert any(e.url == urls["do"] and e.reason == "campaign_ended" for e in after)
    assert len(after) > len(during)


def test_cancelled_run_stores_what_was_checked(demo_store):
    import threading

    with LoopbackServer("127.0.0.1") as slow:
        cancel = threading.Event()
        urls = [slow.url("/ok")] + [slow.url(f"/slow/5?{i}") for i in range(4)]
        run = links.check_urls(demo_store, urls=urls, concurrency=1, timeout=10, cancel=cancel,
                               progress=lambda d, t, r: cancel.set())
    assert run.cancelled and run.saved == len(run.results) >= 1
    assert lstore.count_checks(demo_store) == run.saved


# -- CLI ---------------------------------------------------------------------------------------------


def _cli(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def test_cli_check_urls_exit_codes_and_json(wired, db_path, servers):
    _, urls = wired
    ok = _cli(db_path, "check-urls", urls["do"], "--format", "json", "--timeout", "3")
    assert ok.exit_code == 0, ok.output
    [row] = json.loads(ok.stdout)
    assert row["verdict"] == "redirected" and row["sponsor"] == "DigitalOcean"
    assert row["chain"][0] == {"url": urls["do"], "status": 302}
    bad = _cli(db_path, "check-urls", "--all", "--concurrency", "4")
    assert bad.exit_code == 1
    assert "broken" in bad.stdout and "code_lost" in bad.stdout and "wrong_destination" in bad.stdout
    assert "4 checked, 1 fine, 3 not fine; 4 checks stored." in bad.stderr
    month = _cli(db_path, "check-urls", "--month", "2019-10", "--sponsor", "DigitalOcean", "--format", "json")
    assert month.exit_code == 0 and [r["url"] for r in json.loads(month.stdout)] == [urls["do"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [([], "error: urls: give one or more URLs"), (["--month", "2019-13"], "error: month: "),
     (["--sponsor", "Nobody"], "error: sponsor: no sponsor named 'Nobody'"),
     (["--concurrency", "0", "x.example"], "error: concurrency: "),
     (["--timeout", "soon", "x.example"], "error: timeout: "), ([""], "error: urls: an empty URL")],
)
def test_cli_bad_input_is_one_line_and_exit_2(demo_store, db_path, args, message):
    r = _cli(db_path, "check-urls", *args)
    assert r.exit_code == 2
    assert r.stderr.startswith(message) and r.stderr.count("\n") == 1
    assert "Traceback" not in r.output


def test_cli_invalid_urls_are_a_verdict_not_an_error(demo_store, db_path):
    r = _cli(db_path, "check-urls", "javascript:alert(1)", "ftp://files.example/x", "--format", "json")
    assert r.exit_code == 1
    assert [x["verdict"] for x in json.loads(r.stdout)] == ["invalid_url", "invalid_url"]
    assert lstore.count_checks(demo_store) == 2


def test_cli_link_report(wired, db_path):
    assert _cli(db_path, "check-urls", "--all").exit_code == 1
    r = _cli(db_path, "link-report", "--today", "2019-11-01", "--format", "json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert {x["verdict"] for x in rows} == {"broken", "code_lost", "wrong_destination"}
    table = _cli(db_path, "link-report", "--today", "2019-11-01")
    assert "Practical AI" in table.stdout and "code_lost" in table.stdout
    assert _cli(db_path, "link-report", "--today", "someday").exit_code == 2


def test_a_typed_schemeless_url_is_tried_over_http_and_stored_under_its_key(demo_store):
    with LoopbackServer("127.0.0.1") as srv:
        run = links.check_urls(demo_store, urls=[f"{srv.netloc}/chain/1"], timeout=3)
    [r] = run.results
    assert r.verdict == "redirected" and "https failed" in r.explanation
    assert r.url == f"https://{srv.netloc}/chain/1"  # the normalized key
    [stored] = lstore.url_history(demo_store, r.url)
    assert stored.chain[0][0] == f"http://{srv.netloc}/chain/1"
