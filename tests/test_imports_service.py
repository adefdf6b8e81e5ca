"""Import services against a real temporary database: RSS, show notes, CSV, downloads."""

from __future__ import annotations

import sqlite3

import pytest
from support import samples
from support.network import SEED_NOTES, digest, practical_ai_october

from sponsortrack.errors import ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import imports as imp
from sponsortrack.services import reads as rd
from sponsortrack.store import imports as istore


@pytest.fixture
def net(store):
    """A show with two episodes, three sponsors with running campaigns."""
    return practical_ai_october(store)


# --------------------------------------------------------------------------- show notes

def test_show_notes_preview_then_apply(net):
    before = digest(net)
    res = imp.import_show_notes(net, SEED_NOTES, show="Practical AI", episode=63)
    assert res.matches == ["DigitalOcean", "Brave", "Fastly"]
    assert digest(net) == before  # preview writes nothing
    assert [(p.sponsor_name, p.campaign_name, p.placement, p.promo_url, p.promo_code) for p in res.proposed] == [
        ("DigitalOcean", "DB", "mid", "https://do.co/changelog", "PAI"),  # code from the campaign
        ("Brave", None, "mid", None, None),
        ("Fastly", "Bandwidth", "post", "https://fastly.com", None),
    ]
    res = imp.import_show_notes(net, SEED_NOTES, show="Practical AI", episode=63, apply=True)
    assert res.reads_created == 3
    ep = cat.resolve_episode(net, "Practical AI", 63)
    reads = rd.list_reads(net, show="Practical AI")
    mine = [r for r in reads if r.episode_id == ep.id]
    assert sorted((r.sponsor_name, r.status, r.source) for r in mine) == [
        ("Brave", "aired", "show notes"), ("DigitalOcean", "aired", "show notes"), ("Fastly", "aired", "show notes")]
    assert ep.show_notes == SEED_NOTES.strip()
    # idempotent: applying again proposes nothing
    again = imp.import_show_notes(net, SEED_NOTES, show="Practical AI", episode=63, apply=True)
    assert again.proposed == [] and again.reads_created == 0


def test_show_notes_apply_needs_an_episode(net):
    with pytest.raises(ValidationError, match="needs --show and --episode"):
        imp.import_show_notes(net, SEED_NOTES, apply=True)
    with pytest.raises(ValidationError, match="give both"):
        imp.import_show_notes(net, SEED_NOTES, show="Practical AI")


# --------------------------------------------------------------------------- RSS

def test_rss_import_is_idempotent_and_reports_changes(net, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(samples.feed_xml(120))
    res = imp.import_rss(net, str(path))
    assert res.show_created and res.show_name == "Generated Show"
    assert len(res.added) == 120 and res.written and not res.applied
    assert res.proposed and all(p.episode_label for p in res.proposed)
    assert {p.sponsor_name for p in res.proposed if not p.is_new_sponsor} <= {"DigitalOcean", "Fastly"}
    assert cat.list_episodes(net, "Generated Show").__len__() == 120
    assert rd.count_reads(net, show="Generated Show") == 0

    before = digest(net)
    again = imp.import_rss(net, str(path))
    assert (again.added, again.changed, again.unchanged) == ([], [], 120)
    assert not again.show_created
    assert digest(net) == before

    # a changed title is reported and updated; reads are applied once
    changed = samples.feed_xml(120).replace(b"<title>7: Episode Generated Show number 7</title>",
                                            b"<title>7: A better title</title>")
    res = imp.import_rss(net, changed, apply=True)
    assert res.changed == [("#7 7: A better title", ["title"])]
    assert res.reads_created == len(res.proposed) > 120
    assert set(res.sponsors_created) <= {"Linode", "Sentry", "Notion", "Retool", "Hover", "Square"}
    assert rd.count_reads(net, show="Generated Show") == res.reads_created
    rows = rd.list_reads(net, show="Generated Show", limit=5)
    assert {r.status for r in rows} == {"aired"} and {r.source for r in rows} == {"show notes"}
    third = imp.import_rss(net, changed, apply=True)
    assert third.reads_created == 0 and third.proposed == []


def test_rss_attaches_guid_to_hand_logged_episode(net):
    feed = (b'<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
            b"<title>Practical AI</title><item><title>China's AI blacklist</title><guid>pai-62</guid>"
            b"<itunes:episode>62</itunes:episode><pubDate>Mon, 21 Oct 2019 12:00:00 +0000</pubDate>"
            b"<description>Sponsors: Fastly - Learn more at fastly.com</description></item></channel></rss>")
    res = imp.import_rss(net, feed)
    assert res.added == [] and res.changed[0][0] == "#62 China's AI blacklist"
    assert "guid" in res.changed[0][1]
    assert cat.resolve_episode(net, "Practical AI", 62).guid == "pai-62"
    # the feed's notes name Fastly, which has no read on #62 yet: proposed with its campaign's defaults
    assert [(p.sponsor_name, p.campaign_name, p.placement, p.episode_key) for p in res.proposed] == [
        ("Fastly", "Bandwidth", "post", cat.resolve_episode(net, "Practical AI", 62).id)]


def test_rss_with_bad_items_writes_nothing_when_strict(net):
    before = digest(net)
    bad = (b'<rss version="2.0"><channel><title>Other</title>'
           b"<item><title>Good</title><guid>a</guid><pubDate>Mon, 21 Oct 2019 12:00:00 +0000</pubDate></item>"
           b"<item><title>No guid</title><pubDate>Mon, 21 Oct 2019 12:00:00 +0000</pubDate></item>"
           b"<item><title>No date</title><guid>c</guid></item></channel></rss>")
    res = imp.import_rss(net, bad, apply=True, strict=True)
    assert res.problems == ["item 2 (No guid): has no <guid>: it cannot be matched on re-import",
                            "item 3 (No date): has no publication date (<pubDate>)"]
    assert not res.written
    assert digest(net) == before
    with pytest.raises(ValidationError, match="truncated"):
        imp.import_rss(net, b'<rss version="2.0"><channel><title>X</title><item><title>cut')
    assert digest(net) == before


def test_rss_cancel_writes_nothing(net):
    before = digest(net)
    with pytest.raises(imp.ImportCancelled):
        imp.import_rss(net, samples.feed_xml(120), cancelled=lambda: True)
    assert digest(net) == before


# --------------------------------------------------------------------------- CSV reads

READS_CSV = (
    "Show,Episode,Sponsor,Placement,Promo URL,Code,Air date,Start,Length\n"
    "Practical AI,63,DigitalOcean,pre,,,,0:45,1:00\n"
    "practical ai,63,fastly,,,,,,\n"
    "Practical AI,64,The Brave Browser,mid,brave.com/pai,,2019-11-04,,\n"
)


def test_reads_csv_dry_run_then_import(net):
    before = digest(net)
    res = imp.import_reads_csv(net, READS_CSV.encode(), dry_run=True)
    assert res.ok and res.dry_run and not res.written
    assert digest(net) == before
    assert res.created == {"episodes": 1, "reads": 3}
    assert [(p["row"], p["sponsor"], p["campaign"], p["placement"], p["promo_url"], p["promo_code"],
             p["new_episode"]) for p in res.preview] == [
        (2, "DigitalOcean", "DB", "pre", "https://do.co/changelog", "PAI", False),
        (3, "Fastly", "Bandwidth", "post", "https://fastly.com", None, False),
        (4, "Brave", None, "mid", "https://brave.com/pai", None, True),
    ]
    res = imp.import_reads_csv(net, READS_CSV.encode())
    assert res.written
    ep64 = cat.resolve_episode(net, "Practical AI", 64)
    assert ep64.published_on == "2019-11-04" and ep64.title == "Episode 64"
    rows = {r.sponsor_name: r for r in rd.list_reads(net, show="Practical AI")}
    assert (rows["DigitalOcean"].start_seconds, rows["DigitalOcean"].length_seconds) == (45, 60)
    assert rows["DigitalOcean"].status == "aired" and rows["DigitalOcean"].source == "csv import"
    # re-import: every row is already there
    again = imp.import_reads_csv(net, READS_CSV.encode())
    assert again.skipped == 3 and again.created == {"episodes": 0, "reads": 0}


BAD_ROWS = [
    ("Nowhere,63,Fastly,mid,,,,,", "row 2: show: no show named 'Nowhere' (add it first, or import with "
                                    "--create-missing)"),
    ("Practical AI,x,Fastly,mid,,,,,", "row 2: episode: must be a positive integer, not 'x'"),
    ("Practical AI,99,Fastly,mid,,,,,", "row 2: episode: Practical AI has no episode 99 (give an air date "
                                        "column to create it)"),
    ("Practical AI,63,Acme,mid,,,,,", "row 2: sponsor: no sponsor named 'Acme' (add it first, or import with "
                                      "--create-missing)"),
    ("Practical AI,63,Fastly,halftime,,,,,", "row 2: placement: 'halftime' is not a placement (pre, mid or post; "
                                           "'Pre-roll', 'Mid roll' and 'Post' are read too)"),
    ("Practical AI,63,Fastly,mid,ftp://x.com,,,,", "row 2: promo_url: scheme 'ftp' is not http or https"),
    ("Practical AI,99,Fastly,mid,,,2019-02-30,,", "row 2: air_date: '2019-02-30' is not a real date"),
    ("Practical AI,63,Fastly,mid,,,,1:99,", "row 2: start: '1:99' is not a duration (seconds, M:SS or H:MM:SS)"),
    (",63,Fastly,mid,,,,,", "row 2: show: is required"),
    ("Practical AI,63,Fastly,mid,,,,,,extra", "row 2: row: has 10 cells but the header has 9 columns"),
]


@pytest.mark.parametrize("row,message", BAD_ROWS)
def test_reads_csv_bad_rows(net, row, message):
    before = digest(net)
    header = READS_CSV.splitlines()[0]
    good = READS_CSV.splitlines()[1]
    res = imp.import_reads_csv(net, f"{header}\n{row}\n{good}\n".encode())
    assert [str(p) for p in res.problems] == [message]
    assert not res.written and digest(net) == before


def test_reads_csv_wrong_columns_and_encoding(net):
    with pytest.raises(ValidationError, match="columns: missing Sponsor"):
        imp.import_reads_csv(net, b"Show,Episode,Advertiser name\nPractical AI,63,Fastly\n")
    res = imp.import_reads_csv(net, b"Show,Episode,Advertiser name\nPractical AI,63,Fastly\n",
                               mapping={"sponsor": "Advertiser name"}, dry_run=True)
    assert res.ok and res.preview[0]["sponsor"] == "Fastly"
    cat.add_sponsor(net, name="Crème Brûlée")
    data = "Show;Episode;Sponsor\nPractical AI;63;Crème Brûlée\n".encode("cp1252")
    res = imp.import_reads_csv(net, data)
    assert res.encoding == "cp1252" and res.written
    assert any(r.sponsor_name == "Crème Brûlée" for r in rd.list_reads(net))


# --------------------------------------------------------------------------- CSV campaigns

def test_campaigns_csv(net):
    data = (b"Sponsor,Campaign,Start date,End date,Pricing,Rate,Booked reads,Promo URL,IO #\n"
            b'Brave,Spring 2020,2020-03-01,2020-05-31,flat,"$1,500.00",12,brave.com/pai,IO-7\n'
            b"Fastly,CPM test,2020-01-01,2020-03-31,cpm,25,,,\n")
    res = imp.import_campaigns_csv(net, data, dry_run=True)
    assert res.ok and res.created == {"campaigns": 2} and not res.written
    res = imp.import_campaigns_csv(net, data)
    assert res.written
    c = camp.resolve_campaign(net, "Spring 2020")
    assert (c.rate_minor, c.booked_reads, c.promo_url, c.io_number) == (150000, 12, "https://brave.com/pai", "IO-7")
    again = imp.import_campaigns_csv(net, data)
    assert [str(p) for p in again.problems] == [
        "row 2: name: this sponsor already has a campaign named 'Spring 2020'",
        "row 3: name: this sponsor already has a campaign named 'CPM test'",
    ]


def test_campaigns_csv_bad_rows_all_reported_nothing_written(net):
    before = digest(net)
    data = (b"Sponsor,Campaign,Start,End,Pricing,Rate\n"
            b"Nobody,X,2020-01-01,2020-01-31,flat,10\n"
            b"Brave,Y,2020-13-01,2020-01-31,flat,10\n"
            b"Brave,Z,2020-02-01,2020-01-31,flat,10\n"
            b"Brave,W,2020-01-01,2020-01-31,barter,10\n"
            b"Brave,V,2020-01-01,2020-01-31,flat,ten\n"
            b"Brave,OK,2020-01-01,2020-01-31,flat,10\n"
            b"Brave,OK,2020-01-01,2020-01-31,flat,10\n")
    res = imp.import_campaigns_csv(net, data)
    assert [str(p) for p in res.problems] == [
        "row 2: sponsor: no sponsor named 'Nobody'",
        "row 3: start_date: '2020-13-01' is not a real date",
        "row 4: end_date: 2020-01-31 is before the start date 2020-02-01",
        "row 5: pricing: 'barter' is not one of flat, per_episode, cpm",
        "row 6: rate: 'ten' is not an amount",
        "row 8: name: the same campaign is on row 7",
    ]
    assert digest(net) == before


# --------------------------------------------------------------------------- downloads

def test_downloads_long_and_wide(net):
    res = imp.import_downloads_csv(net, b"Show,Episode,Day,Downloads,Source\n"
                                        b"Practical AI,62,7,1200,Transistor\nPractical AI,62,30,2500,Transistor\n")
    assert res.written and res.created == {"snapshots": 2, "replaced": 0}
    ep = cat.resolve_episode(net, "Practical AI", 62)
    from sponsortrack.store.downloads import list_snapshots

    assert [(s.day, s.downloads, s.source) for s in list_snapshots(net, ep.id)] == [
        (7, 1200, "Transistor"), (30, 2500, "Transistor")]
    imp.import_rss(net, samples.feed_xml(3))
    res = imp.import_downloads_csv(net, b"GUID,Title,Day 7,Day 30\ngenshow-00001,a,100,\ngenshow-00002,b,150,300\n",
                                   source_name="Libsyn")
    assert res.created == {"snapshots": 3, "replaced": 0}
    res = imp.import_downloads_csv(net, b"Show,Episode,Day,Downloads,Source\nPractical AI,62,7,1300,Transistor\n")
    assert res.created == {"snapshots": 0, "replaced": 1}
    assert list_snapshots(net, ep.id)[0].downloads == 1300


def test_downloads_bad_rows(net):
    before = digest(net)
    res = imp.import_downloads_csv(net, b"Show,Episode,Day,Downloads\n"
                                        b"Practical AI,62,7,-5\nPractical AI,99,7,5\nPractical AI,62,x,5\n"
                                        b"Practical AI,62,7,10\nPractical AI,62,7,11\n")
    assert [str(p) for p in res.problems] == [
        "row 2: downloads: must not be negative, not '-5'",
        "row 3: episode: Practical AI has no episode 99",
        "row 4: day: must be a whole number, not 'x'",
        "row 6: downloads: day 7 of this episode is also on row 5",
    ]
    assert digest(net) == before


def test_write_batch_is_all_or_nothing(net):
    before = digest(net)
    show = cat.resolve_show(net, "Practical AI")
    batch = istore.Batch(episodes_insert=[{"key": 1, "show_id": show.id, "number": 900, "title": "ok"}],
                         reads=[{"episode_id": ("new", 1), "sponsor_id": 9999, "placement": "mid"}])
    with pytest.raises(Exception):  # noqa: B017 - the FK failure's type is the store's business
        istore.write_batch(net, batch)
    assert digest(net) == before
    assert isinstance(net.conn, sqlite3.Connection)


# --------------------------------------------------------------------------- one entry point by kind (the wizard's)

def test_run_import_previews_then_imports_only_the_ticked_proposals(net, db_path, tmp_path):
    """``run_import`` (Qt-free, its own Store on the path) is what the wizard runs on a worker: the preview
    writes nothing, the import logs only the proposals ticked; the wording is the service's."""
    from sponsortrack.services.imports import summary

    notes = tmp_path / "notes.txt"
    notes.write_text(SEED_NOTES, encoding="utf-8")
    before = digest(net)
    seen: list[tuple[int, int, str]] = []
    preview = imp.run_import(db_path, "shownotes", str(notes), preview=True, show="Practical AI", episode="63",
                             progress=lambda *a: seen.append(a), cancelled=lambda: False)
    assert digest(net) == before
    names = [p.sponsor_name for p in preview.proposed]
    assert names == ["DigitalOcean", "Brave", "Fastly"]
    found = ", ".join(p.name for p in preview.sponsors)  # as the parser spells them
    assert summary.preview_summary("shownotes", preview) == [
        (f"Sponsors found: {found}. 3 reads to log on Practical AI #63 Federated learning.", False)]
    done = imp.run_import(db_path, "shownotes", str(notes), preview=False, show="Practical AI", episode="63",
                          selected=[0, 2])
    assert done.reads_created == 2
    assert sorted(r.sponsor_name for r in rd.list_reads(net)) == ["DigitalOcean", "Fastly"]
    assert summary.result_summary("shownotes", done) == "2 reads logged on Practical AI #63 Federated learning."
    with pytest.raises(ValueError, match="unknown import kind"):
        imp.run_import(db_path, "mp3", str(notes), preview=True)
