"""Issue 11 item 2 (the parts that need no schema change): feed-local air dates, numbers from titles,
one bad item skipped and counted (``--strict`` for all or nothing), and a dry run that writes nothing."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from sponsortrack.importers import rss
from sponsortrack.services import imports as imp

HEAD = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>This Week in Tech</title>'
        "<link>https://twit.tv/shows/this-week-in-tech</link>")


def feed(*items: str) -> bytes:
    return (HEAD + "".join(items) + "</channel></rss>").encode()


def item(guid: str, title: str, date: str | None, extra: str = "") -> str:
    when = f"<pubDate>{date}</pubDate>" if date else ""
    return f"<item><title>{title}</title><guid>{guid}</guid>{when}{extra}</item>"


# TWiT's own feed writes Pacific time: 754 went out on Sunday 19 January at 17:12 PST (01:12 Monday in UTC)
TWIT = feed(
    item("twit0754", "TWiT 754: I Dream of Wiki", "Sun, 19 Jan 2020 17:12:42 PST",
         "<itunes:episode>754</itunes:episode><description><![CDATA[<p><strong>Sponsors:</strong><ul>"
         '<li><a href="http://capterra.com/twit">capterra.com/twit</a></li></ul></p>]]></description>'),
    item("twit0753", "TWiT 753: I Got Waylaid in Switzerland", "Sun, 12 Jan 2020 13:54:12 PST",
         "<itunes:episode>753</itunes:episode>"),
    item("sat-night", "Saturday night special - 002", "Sat, 31 Oct 2020 19:01:00 -0700"),
)


def digest(db_path) -> str:
    con = sqlite3.connect(db_path)
    text = "\n".join(con.iterdump())
    con.close()
    return hashlib.sha256(text.encode()).hexdigest()


def test_air_dates_are_the_feeds_own_local_date():
    items = rss.parse_feed(TWIT).items
    assert [(i.number, i.published_on) for i in items] == [
        (754, "2020-01-19"), (753, "2020-01-12"),
        # 19:01 on Saturday 31 October at -0700 is November 1st in UTC: it stays in October (and its invoice)
        (2, "2020-10-31")]


@pytest.mark.parametrize(("title", "number"), [
    ("Saturday night special - 002", 2), ("S2 E18: The Recusal", 18), ("Great talk (Ep. 12)", 12),
    ("#59: China's AI blacklist", 59), ("Version 2.0 released", None), ("Top 10 tips", None),
])
def test_numbers_from_titles_when_the_tag_is_missing(title, number):
    assert rss.number_from_title(title) == number


BAD = feed(
    item("a", "Episode 1: Good", "Mon, 21 Oct 2019 12:00:00 +0000"),
    item("b", "Episode 2: Impossible", "Wed, 30 Feb 2019 12:00:00 +0000"),
    "<item><title>Episode 3: No guid</title><pubDate>Mon, 28 Oct 2019 12:00:00 +0000</pubDate></item>",
    item("d", "Episode 4: Good too", "Mon, 04 Nov 2019 12:00:00 +0000"),
)


def test_a_bad_item_is_reported_skipped_and_counted_while_the_rest_import(store):
    res = imp.import_rss(store, BAD)
    assert res.written and res.skipped == 2 and len(res.problems) == 2
    assert [e["guid"] for e in store.query("SELECT guid FROM episodes ORDER BY guid")] == ["a", "d"]


def test_strict_is_all_or_nothing(store):
    res = imp.import_rss(store, BAD, strict=True)
    assert not res.written and res.skipped == 2
    assert store.scalar("SELECT count(*) FROM episodes") == 0 and store.scalar("SELECT count(*) FROM shows") == 0


def test_dry_run_writes_nothing_not_even_the_show(store, db_path):
    before = digest(db_path)
    res = imp.import_rss(store, TWIT, apply=True, dry_run=True)
    assert res.dry_run and not res.written and res.show_created and len(res.added) == 3
    assert [p.sponsor_name for p in res.proposed] == ["Capterra"]
    assert digest(db_path) == before


def test_cli_skips_and_says_how_many(demo_cli, tmp_path, db_path):
    f = tmp_path / "feed.xml"
    f.write_bytes(BAD)
    res = demo_cli("import", "rss", str(f))
    assert res.exit_code == 0, res.output
    assert "skipped item 2 (Episode 2: Impossible): <pubDate>: 'Wed, 30 Feb 2019 12:00:00 +0000' is not a real" \
        in res.output
    assert "Created show This Week in Tech: 2 episodes added, 0 changed, 0 unchanged, 2 items skipped " \
           "(problems above)." in res.output
    again = demo_cli("import", "rss", str(f), "--strict")
    assert again.exit_code == 2 and "Traceback" not in again.output


def test_cli_strict_on_a_new_feed_writes_nothing(demo_cli, tmp_path, db_path):
    f = tmp_path / "feed.xml"
    f.write_bytes(BAD)
    before = digest(db_path)
    res = demo_cli("import", "rss", str(f), "--strict", "--apply")
    assert res.exit_code == 2 and res.output.count("error: ") == 2
    assert digest(db_path) == before


def test_cli_dry_run(demo_cli, tmp_path, db_path):
    f = tmp_path / "twit.xml"
    f.write_bytes(TWIT)
    before = digest(db_path)
    res = demo_cli("import", "rss", str(f), "--dry-run", "--apply")
    assert res.exit_code == 0, res.output
    assert "Would create show This Week in Tech: 3 episodes to add, 0 changed, 0 unchanged. Nothing was " \
           "written (dry run)." in res.output
    assert "Would log 1 read from the show notes." in res.output
    assert digest(db_path) == before
