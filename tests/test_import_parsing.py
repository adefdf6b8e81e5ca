"""Pure parsing parts of the imports: RSS feeds and CSV tables (no database)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import samples

from sponsortrack.errors import ValidationError
from sponsortrack.importers import rss, tabular
from sponsortrack.importers.tabular import CAMPAIGNS, DOWNLOADS, READS, map_columns, read_table

RSS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Practical AI</title>'
    "<link>https://changelog.com/practicalai</link><description>AI for everyone</description>"
)


def feed(*items: str) -> bytes:
    return (RSS_HEAD + "".join(items) + "</channel></rss>").encode()


def item(guid: str | None = "g1", title: str = "Ep", date: str | None = "Mon, 14 Oct 2019 12:00:00 +0000",
         extra: str = "") -> str:
    parts = [f"<title>{title}</title>"]
    if guid is not None:
        parts.append(f"<guid>{guid}</guid>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "<item>" + "".join(parts) + extra + "</item>"


# --------------------------------------------------------------------------- RSS

def test_feed_show_and_items():
    data = feed(
        item("pai-59", "China's AI blacklist", extra="<itunes:episode>59</itunes:episode>"
             "<link>https://changelog.com/practicalai/59</link>"
             "<content:encoded><![CDATA[<h3>Sponsors</h3><ul><li>Fastly – Learn more at fastly.com</li></ul>]]>"
             "</content:encoded><description>short</description>"),
        item("pai-58", "#58: Something else", "Mon, 07 Oct 2019 23:30:00 -0500"),
        item("pai-bonus", "A bonus with no number", "2019-10-01T10:00:00Z"),
    )
    parsed = rss.parse_feed(data)
    assert parsed.problems == []
    assert parsed.show.title == "Practical AI"
    assert parsed.show.link == "https://changelog.com/practicalai"
    a, b, c = parsed.items
    assert (a.guid, a.number, a.published_on, a.link) == ("pai-59", 59, "2019-10-14",
                                                         "https://changelog.com/practicalai/59")
    assert "Fastly" in a.notes and "<li>" in a.notes  # content:encoded preferred over description
    # number from the title; the date as the feed writes it (23:30 at -0500 is still the 7th there, not
    # the 8th in UTC: issue 11, a read must not move into the next day, month or invoice)
    assert (b.number, b.published_on) == (58, "2019-10-07")
    assert (c.number, c.published_on, c.link) == (None, "2019-10-01", None)


@pytest.mark.parametrize("title,number", [
    ("59: China", 59), ("#59 - China", 59), ("Episode 59: China", 59), ("Ep. 7 China", 7),
    ("China (episode 12)", 12), ("The #3 thing", 3), ("China in 2019", None), ("Top 10 tips", None),
])
def test_number_from_title(title, number):
    assert rss.number_from_title(title) == number


def test_items_without_guid_or_date_are_problems_per_item():
    data = feed(
        item("ok", "Fine one"),
        item(None, "No guid here"),
        item("g3", "No date", date=None),
        item("g4", "Bad date", date="sometime last week"),
        item("ok", "Duplicate guid"),
    )
    parsed = rss.parse_feed(data)
    assert [i.guid for i in parsed.items] == ["ok"]
    assert [str(p) for p in parsed.problems] == [
        "item 2 (No guid here): has no <guid>: it cannot be matched on re-import",
        "item 3 (No date): has no publication date (<pubDate>)",
        "item 4 (Bad date): has a publication date that is not a date: 'sometime last week'",
        "item 5 (Duplicate guid): has the same GUID as item 1",
    ]


def test_duplicate_numbers():
    data = feed(
        item("a", "12: Part one"), item("b", "12: Part two"),
        item("c", "X", extra="<itunes:episode>5</itunes:episode>"),
        item("d", "Y", extra="<itunes:episode>5</itunes:episode>"),
    )
    parsed = rss.parse_feed(data)
    assert [(i.guid, i.number) for i in parsed.items] == [("a", 12), ("b", None), ("c", 5)]
    assert [str(p) for p in parsed.problems] == ["item 4 (Y): has <itunes:episode> 5, like item 3"]


@pytest.mark.parametrize("data,message", [
    (b"", "feed: is empty"),
    (b"this is not xml at all", "feed: is not well-formed XML"),
    (b"<html><body><p>Hello</p></body></html>", "feed: is not an RSS or Atom feed"),
    (RSS_HEAD.encode() + b"<item><title>cut", "feed: is truncated"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "feed: has no channel title"),
])
def test_bad_feeds(data, message):
    with pytest.raises(ValidationError) as err:
        rss.parse_feed(data)
    assert str(err.value).startswith(message)


def test_generated_feed_of_hundreds():
    parsed = rss.parse_feed(samples.feed_xml(300))
    assert len(parsed.items) == 300 and not parsed.problems
    assert sorted(i.number for i in parsed.items) == list(range(1, 301))
    assert len({i.guid for i in parsed.items}) == 300
    assert max(i.published_on for i in parsed.items) == "2024-12-30"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_feed_never_crashes(data):
    try:
        parsed = rss.parse_feed(data)
    except ValidationError:
        return
    assert isinstance(parsed.items, list)


# --------------------------------------------------------------------------- CSV

def test_read_table_utf8_bom_semicolons_and_row_numbers():
    data = codecs.BOM_UTF8 + (
        b"Show;Episode;Sponsor;Promo URL\n"
        b"Practical AI;59;DigitalOcean;do.co/changelog\n"
        b"\n"
        b'"Go Time";"2";"Fastly";"fastly.com"\n'
    )
    table = read_table(data)
    assert table.encoding == "utf-8-sig" and table.delimiter == ";"
    assert table.headers == ["Show", "Episode", "Sponsor", "Promo URL"]
    cmap = map_columns(READS, table.headers)
    records = list(table.records(cmap.fields))
    assert records == [
        (2, {"show": "Practical AI", "episode": "59", "sponsor": "DigitalOcean", "promo_url": "do.co/changelog"}),
        (4, {"show": "Go Time", "episode": "2", "sponsor": "Fastly", "promo_url": "fastly.com"}),
    ]


def test_read_table_cp1252_fallback_and_multiline_cells():
    data = 'Show,Episode,Sponsor,Notes\nCafé Talk,1,Crème,"two\nlines"\nCafé Talk,2,Crème,ok\n'.encode("cp1252")
    table = read_table(data)
    assert table.encoding == "cp1252"
    assert [(n, cells[0], cells[3]) for n, cells in table.rows] == [(2, "Café Talk", "two\nlines"),
                                                                    (3, "Café Talk", "ok")]


def test_read_table_utf16_tabs():
    data = "Sponsor\tName\nAcme\tSpring\n".encode("utf-16")
    table = read_table(data)
    assert table.delimiter == "\t" and table.rows == [(2, ["Acme", "Spring"])]


def test_too_many_cells_is_a_row_problem():
    table = read_table(b"Show,Episode,Sponsor\nA,1,B,extra\n")
    assert [str(p) for p in table.problems] == ["row 2: row: has 4 cells but the header has 3 columns"]


@pytest.mark.parametrize("data,message", [
    (b"", "file: is empty"),
    (b"   \n\n", "file: is empty"),
    (b"PK\x03\x04rest-of-zip", "file: is a ZIP file but not a readable Excel workbook (XLSX)"),
    (b"a,b\n1,\x002\n", "file: contains NUL bytes"),
])
def test_unreadable_files(data, message):
    with pytest.raises(ValidationError) as err:
        read_table(data)
    assert str(err.value).startswith(message)


def test_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


def test_column_aliases_and_explicit_mapping():
    headers = ["Podcast", "Ep #", "Advertiser", "Slot", "Code", "Whatever"]
    cmap = map_columns(READS, headers)
    assert cmap.fields == {"show": 0, "episode": 1, "sponsor": 2, "placement": 3, "promo_code": 4}
    assert cmap.unused == ["Whatever"]
    cmap = map_columns(READS, headers, {"notes": "Whatever", "promo_code": ""})
    assert cmap.fields["notes"] == 5 and "promo_code" not in cmap.fields


def test_missing_columns_are_named():
    with pytest.raises(ValidationError) as err:
        map_columns(CAMPAIGNS, ["Sponsor", "Name", "Rate"])
    assert str(err.value) == ("columns: missing Start date, End date, Pricing "
                              "(found: Sponsor, Name, Rate)")
    with pytest.raises(ValidationError, match="there is no column 'Nope' for sponsor"):
        map_columns(READS, ["Show", "Episode"], {"sponsor": "Nope"})
    with pytest.raises(ValidationError, match="'bogus' is not a reads field"):
        map_columns(READS, ["Show"], {"bogus": "Show"})


def test_downloads_long_and_wide():
    cmap = map_columns(DOWNLOADS, ["Show", "Episode", "Day", "Downloads", "Source"])
    assert cmap.fields == {"show": 0, "episode": 1, "day": 2, "downloads": 3, "source": 4}
    cmap = map_columns(DOWNLOADS, ["GUID", "Title", "Day 7", "30 days", "downloads_90d"])
    assert cmap.wide_days == {7: 2, 30: 3, 90: 4}
    with pytest.raises(ValidationError, match="missing Downloads"):
        map_columns(DOWNLOADS, ["GUID", "Title"])
    with pytest.raises(ValidationError, match="missing Episode number or GUID"):
        map_columns(DOWNLOADS, ["Show", "Day", "Downloads"])


@pytest.mark.parametrize("header,day", [("Day 7", 7), ("7 days", 7), ("D30", 30), ("downloads_90d", 90),
                                        ("Downloads", None), ("7", None), ("Title", None)])
def test_wide_day(header, day):
    assert tabular.wide_day(header) == day


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_read_table_never_crashes(data):
    try:
        table = read_table(data)
    except ValidationError:
        return
    assert all(n >= 2 for n, _ in table.rows)
