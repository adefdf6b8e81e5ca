"""import rss: seasons whose numbers restart, duration in every form, episode type, enclosure, and the
feed's chapters (psc:chapters, podcast:chapters JSON over loopback) as proposed reads with start and length."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack.importers import rss
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import imports as imp
from sponsortrack.services import reads as rsvc

FEED = (Path(__file__).parent / "fixtures" / "rss" / "two_seasons.xml").read_text(encoding="utf-8")
CHAPTERS = {"version": "1.2.0", "chapters": [
    {"startTime": 0, "title": "Cold open"},
    {"startTime": 30, "endTime": 90, "title": "Sponsor: DigitalOcean"},
    {"startTime": 90, "title": "Part one"},
    {"startTime": 1800, "endTime": 1860, "title": "Ad break"},
    {"startTime": 1860, "title": "Part two"},
]}


@pytest.fixture
def net(store):
    for name, domains in (("DigitalOcean", "digitalocean.com do.co"), ("Fastly", "fastly.com")):
        cat.add_sponsor(store, name=name, domains=domains)
    camp.add_campaign(store, sponsor="DigitalOcean", name="Droplets", start_date="2019-08-01",
                      end_date="2019-12-31", pricing="flat", rate="1500", promo_url="do.co/serial", promo_code="SER")
    return store


def feed_bytes(chapters_url: str) -> bytes:
    return FEED.replace("{CHAPTERS_URL}", chapters_url).encode()


def test_a_season_numbered_feed_imports_every_episode_with_duration_type_and_enclosure(net, served):
    folder, base = served
    (folder / "s2e1.json").write_text(json.dumps(CHAPTERS))
    res = imp.import_rss(net, feed_bytes(f"{base}/s2e1.json"))
    assert res.ok and res.written and res.skipped == 0, res.problems
    assert res.added == ["S1 E1 Pilot", "S1 E2 Second", "S2 E1 Return", "S2 E2 Season 3 is coming", "S2 Outtakes"]
    eps = {(e.season, e.number): e for e in cat.list_episodes(net, "Serial Sponsors")}
    assert set(eps) == {(1, 1), (1, 2), (2, 1), (2, 2), (2, None)}
    # itunes:duration as seconds, MM:SS, HH:MM:SS and with a fraction; a duration that is none is left empty
    assert [eps[k].duration_seconds for k in ((1, 1), (1, 2), (2, 1), (2, 2), (2, None))] == [
        3723, 3723, 3723, 3723, None]
    assert [eps[k].episode_type for k in ((1, 1), (2, 1), (2, 2), (2, None))] == ["full", "full", "trailer", "bonus"]
    pilot = eps[(1, 1)]
    assert (pilot.enclosure_url, pilot.enclosure_type, pilot.enclosure_length) == (
        "https://cdn.serial.example/s1e1.mp3", "audio/mpeg", 44676000)
    assert cat.resolve_episode(net, "Serial Sponsors", "S2E1").title == "Return"
    # importing it again changes nothing and adds nothing
    again = imp.import_rss(net, feed_bytes(f"{base}/s2e1.json"))
    assert again.ok and again.added == [] and again.changed == [] and again.unchanged == 5


def test_the_feeds_chapters_become_proposed_reads_with_start_and_length(net, served):
    folder, base = served
    (folder / "s2e1.json").write_text(json.dumps(CHAPTERS))
    res = imp.import_rss(net, feed_bytes(f"{base}/s2e1.json"), dry_run=True)
    got = {(p.episode_label, p.sponsor_name): p for p in res.proposed}
    # psc:chapters: the notes name Fastly; its chapter gives that proposal its start, length and placement
    fastly = got[("S1 E1 Pilot", "Fastly")]
    assert (fastly.start_seconds, fastly.length_seconds, fastly.placement) == (600, 61, "mid")
    assert "chapter “Sponsor: Fastly” at 10:00" in fastly.found_by
    assert [p.sponsor_name for p in res.proposed if p.episode_label == "S1 E1 Pilot"] == ["Fastly"]  # not twice
    # podcast:chapters JSON fetched over loopback: a sponsor the notes never name, with its campaign
    do = got[("S2 E1 Return", "DigitalOcean")]
    assert (do.start_seconds, do.length_seconds, do.placement, do.campaign_name, do.promo_code) == (
        30, 60, "pre", "Droplets", "SER")
    assert any("“Ad break” at 30:00" in n and "names no sponsor" in n for n in res.notes), res.notes
    assert not res.written and cat.list_shows(net) == []  # a dry run writes nothing
    # applied: the reads are logged with the chapter's start and length
    done = imp.import_rss(net, feed_bytes(f"{base}/s2e1.json"), apply=True)
    assert done.reads_created == 2
    reads = {r.sponsor_name: r for r in rsvc.list_reads(net, show="Serial Sponsors")}
    assert (reads["DigitalOcean"].start_seconds, reads["DigitalOcean"].length_seconds) == (30, 60)
    assert reads["DigitalOcean"].episode_code == "S2 E1"
    # and a second import proposes nothing already logged
    assert imp.import_rss(net, feed_bytes(f"{base}/s2e1.json")).proposed == []


def test_a_chapters_link_that_fails_is_a_note_and_the_rest_imports(net, served):
    _folder, base = served
    res = imp.import_rss(net, feed_bytes(f"{base}/missing.json"))
    assert res.ok and res.written and len(res.added) == 5
    assert any(n.startswith("item 3 (Return): chapters: ") and "HTTP 404" in n for n in res.notes), res.notes
    # a link that is no http(s) URL is never read as a path on this machine
    res = imp.import_rss(net, feed_bytes("/etc/passwd"), dry_run=True)
    assert any("is not an http(s) URL" in n for n in res.notes)


def test_chapter_files_share_the_imports_deadline(net, served):
    folder, base = served
    (folder / "s2e1.json").write_text(json.dumps(CHAPTERS))
    res = imp.import_rss(net, feed_bytes(f"{base}/s2e1.json"), dry_run=True, deadline=0)
    assert any("not fetched: the 0 s for the feed's chapter files are used up" in n for n in res.notes)
    assert "DigitalOcean" not in {p.sponsor_name for p in res.proposed}


def test_one_number_twice_in_one_season_is_still_a_problem():
    data = FEED.replace("<itunes:episode>2</itunes:episode>\n    <itunes:duration>62:03",
                        "<itunes:episode>1</itunes:episode>\n    <itunes:duration>62:03").encode()
    parsed = rss.parse_feed(data)
    assert [str(p) for p in parsed.problems] == ["item 2 (Second): has <itunes:episode> 1 of season 1, like item 1"]


def test_season_from_a_title_when_the_tag_is_missing():
    data = (b'<rss version="2.0"><channel><title>T</title><item><title>S3 E7: The Recusal</title><guid>g</guid>'
            b"<pubDate>Mon, 02 Sep 2019 09:00:00 +0000</pubDate></item></channel></rss>")
    item = rss.parse_feed(data).items[0]
    assert (item.season, item.number) == (3, 7)


@pytest.mark.parametrize(("text", "seconds"), [
    ("3723", 3723), ("3723.4", 3723), ("62:03", 3723), ("1:02:03", 3723), ("01:02:03.250", 3723),
    ("0:45", 45), (" 90 ", 90), ("1:60", None), ("1:60:00", None), ("an hour", None), ("", None), (None, None),
    ("999999", None),
])
def test_itunes_duration_forms(text, seconds):
    assert rss.itunes_duration(text) == seconds


@given(st.integers(min_value=0, max_value=7 * 86400))
def test_itunes_duration_reads_back_what_each_form_writes(total):
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    assert rss.itunes_duration(str(total)) == total
    assert rss.itunes_duration(f"{h}:{m:02d}:{s:02d}") == total
    assert rss.itunes_duration(f"{h * 60 + m}:{s:02d}") == total


def test_cli_import_rss_of_a_seasoned_feed(net, served, tmp_path, db_path):
    from click.testing import CliRunner

    from sponsortrack.cli import main as cli_main

    net.close()
    _folder, base = served
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feed_bytes(f"{base}/gone.json"))
    res = CliRunner().invoke(cli_main, ["--db", str(db_path), "import", "rss", str(feed)])
    assert res.exit_code == 0, res.output
    assert "Created show Serial Sponsors: 5 episodes added, 0 changed, 0 unchanged." in res.output
    assert "note: item 3 (Return): chapters: " in res.stderr and "HTTP 404" in res.stderr
    listing = CliRunner().invoke(cli_main, ["--db", str(db_path), "episodes", "list", "--show", "Serial Sponsors",
                                            "--search", "S2E2"])
    assert "Season 3 is coming" in listing.output and "trailer" in listing.output and "1:02:03" in listing.output


def test_an_episode_logged_by_hand_without_its_season_is_matched_once(net, served):
    _folder, base = served
    cat.add_show(net, name="Serial Sponsors")
    hand = cat.add_episode(net, "Serial Sponsors", number=1, title="Pilot (logged by hand)",
                           published_on="2019-09-02")
    res = imp.import_rss(net, feed_bytes(f"{base}/none.json"))
    assert res.ok and [lbl for lbl, _f in res.changed] == ["S1 E1 Pilot"], (res.changed, res.added)
    assert "S2 E1 Return" in res.added and len(res.added) == 4
    got = cat.get_episode(net, hand.id)
    assert (got.season, got.number, got.guid, got.title) == (1, 1, "serial-s1e1", "Pilot")
    assert cat.resolve_episode(net, "Serial Sponsors", "S2E1").id != hand.id
