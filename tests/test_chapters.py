"""Chapter markers propose reads: ID3 CHAP/CTOC in an MP3, MP4 chapters in an M4A, chapters JSON, psc:chapters.

Every file here is real: built in the test (tests/chapter_files.py) or made once by ffmpeg
(tests/fixtures/chapters/README.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from chapter_files import chapters_json, m4a_with_chapters, mp3_with_chapters, psc_feed, silent_mp3
from hypothesis import given
from hypothesis import strategies as st
from support.network import digest, practical_ai

from sponsortrack.errors import SponsortrackError, ValidationError
from sponsortrack.importers import chapters as ch
from sponsortrack.services import catalog as cat
from sponsortrack.services import chapters as chs
from sponsortrack.services import reads as rd
from sponsortrack.store import reads as rstore

FIXTURES = Path(__file__).parent / "fixtures" / "chapters"

# A 50-minute episode: pre-roll in the first 7:30, post-roll from 42:30.
EPISODE = [
    (0, None, "Intro"),
    (40, 105, "Sponsor: DigitalOcean"),
    (105, None, "Welcome to Practical AI"),
    (1500, 1580, "The Brave Browser (sponsor)"),
    (1580, None, "Discussion"),
    (2800, 2835, "Ad: Fastly"),
    (2835, None, "Outro"),
]


@pytest.fixture
def net(store):
    practical_ai(store, fastly_placement="pre")
    cat.add_episode(store, "Practical AI", number=62, title="China's AI blacklist", published_on="2019-10-21",
                    guid="practicalai-62")
    return store


def proposals(result):
    return [(r.sponsor_name, r.placement, r.start_seconds, r.length_seconds, r.campaign_name, r.selected)
            for r in result.reads]


# --------------------------------------------------------------------------- titles and placement

@pytest.mark.parametrize(("title", "name"), [
    ("Sponsor: Fastly", "Fastly"), ("Ad: Linode", "Linode"), ("Ad - Hover", "Hover"),
    ("Sponsor — ZeniMax Online Studios", "ZeniMax Online Studios"), ("DigitalOcean (sponsor)", "DigitalOcean"),
    ("Squarespace [ad]", "Squarespace"), ("Sanity - Sponsor", "Sanity"), ("Sponsored by Brave", "Brave"),
    ("Brought to you by LogRocket", "LogRocket"), ("Mid-roll: Sentry", "Sentry"), ("Ad read: Fastly", "Fastly"),
    ("Thanks to our sponsor: Hired", "Hired"), ("Linode ad", "Linode"), ("Headspace sponsor read", "Headspace"),
    ("Sponsor: Batman: Gotham City Chronicles RPG", "Batman: Gotham City Chronicles RPG"),
    ("Ad break", None), ("Sponsor break", None), ("Mid-roll", None), ("Advertisement", None), ("Ads", None),
    ("A word from our sponsors", None), ("Thanks to our sponsors", None), ("Pre-roll ad", None),
])
def test_sponsor_chapter_titles(title, name):
    assert ch.sponsor_in_title(title) == ch.SponsorTitle(True, name)


@pytest.mark.parametrize("title", ["Intro", "Adrian's advice", "Ad-hoc networks", "Adventures in Rust", "Padding",
                                   "The ad industry", "Why I quit ad tech", "Sponsorship ethics discussion",
                                   "Chapter 3: Ads on the web", "Thanks to our guest", "Break", ""])
def test_content_chapter_titles(title):
    assert not ch.sponsor_in_title(title).is_ad


@given(st.text(max_size=300))
def test_title_rule_never_raises_and_names_come_from_the_title(title):
    got = ch.sponsor_in_title(title)
    assert got.name is None or (got.is_ad and got.name.casefold() in " ".join(title.split()).casefold())


def test_placement_rule():
    # with a duration: first 15 % pre, from 85 % post
    assert [ch.placement_for(s, 1000) for s in (0, 149, 150, 500, 849, 850, 999)] == \
        ["pre", "pre", "mid", "mid", "mid", "post", "post"]
    # without one: before any content chapter pre, after all of them post
    chapters = [ch.Chapter(0, "Sponsor: A"), ch.Chapter(10, "Intro"), ch.Chapter(20, "Ad break"),
                ch.Chapter(30, "Talk"), ch.Chapter(40, "Ad: B")]
    assert [ch.placement_for(c.start, None, chapters) for c in chapters if ch.sponsor_in_title(c.title).is_ad] == \
        ["pre", "mid", "post"]


# --------------------------------------------------------------------------- MP3: ID3 CHAP/CTOC

def test_mp3_chapters_propose_then_log(net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "ep62.mp3", 3000, EPISODE)
    before = digest(net)
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62)
    assert res.kind == "id3" and round(res.duration) == 3000 and len(res.chapters) == 7
    assert proposals(res) == [
        ("DigitalOcean", "pre", 40, 65, "DB", True),
        ("Brave", "mid", 1500, 80, None, True),
        ("Fastly", "post", 2800, 35, "Bandwidth", True),  # the position wins over the campaign's "pre"
    ]
    assert res.reads[0].promo_url == "https://do.co/changelog" and res.reads[0].promo_code == "PAI"
    assert digest(net) == before  # a proposal writes nothing
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62, apply=True)
    assert res.applied and len(res.read_ids) == 3
    rows = rstore.reads_for_episode(net, res.episode_id)
    assert sorted((r.sponsor_name, r.placement, r.start_seconds, r.length_seconds, r.status, r.source)
                  for r in rows) == [
        ("Brave", "mid", 1500, 80, "aired", "chapters"),
        ("DigitalOcean", "pre", 40, 65, "aired", "chapters"),
        ("Fastly", "post", 2800, 35, "aired", "chapters"),
    ]
    # the same file again: every read is already logged, nothing doubles
    again = chs.import_chapters(net, mp3, show="Practical AI", episode=62, apply=True)
    assert [r.already_logged for r in again.reads] == [True, True, True] and again.read_ids == []
    assert len(rstore.reads_for_episode(net, res.episode_id)) == 3


def test_mp3_chapters_follow_the_table_of_contents(net, tmp_path):
    # CTOC lists ch1 before ch0 and names a chapter the file lacks; reads still come out by start time
    mp3 = mp3_with_chapters(tmp_path / "toc.mp3", 600, [(0, 30, "Ad: Fastly"), (300, 330, "Sponsor: Brave")],
                            toc=["ch1", "ch0", "ch9"])
    chapters = chs.read_chapters(mp3)
    assert [c.title for c in chapters.chapters] == ["Sponsor: Brave", "Ad: Fastly"]
    assert chapters.notes == ["the table of contents names chapter 'ch9', which the file does not have"]
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62)
    assert [(r.sponsor_name, r.placement) for r in res.reads] == [("Fastly", "pre"), ("Brave", "mid")]


def test_mp3_without_ctoc_and_open_ended_chapters(net, tmp_path):
    # no end times: a chapter lasts until the next one starts, the last one until the end of the audio
    mp3 = mp3_with_chapters(tmp_path / "open.mp3", 100, [(0, None, "Intro"), (90, None, "Sponsor: Fastly")], toc=[])
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62)
    assert proposals(res) == [("Fastly", "post", 90, 10, "Bandwidth", True)]


def test_a_chapter_past_the_end_is_skipped_with_its_reason(net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "late.mp3", 600, [(30, 60, "Ad: Fastly"), (4000, 4030, "Sponsor: Brave")])
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62, apply=True)
    assert [(r.sponsor_name, r.loggable, r.problem) for r in res.reads] == [
        ("Fastly", True, None), ("Brave", False, "start: 1:06:40 is past the end of the audio")]
    assert len(res.read_ids) == 1
    f = chapters_json(tmp_path / "late.json", [{"startTime": 90_000, "title": "Ad: Fastly"}])
    assert chs.import_chapters(net, f, show="Practical AI", episode=62).reads[0].problem == \
        "start: 25:00:00 is past the end of the day"


def test_a_chapter_longer_than_a_read_may_be_is_flagged_by_the_log_screens_rule(net, tmp_path):
    """A chapter's length is checked by the rule the log screen applies (``reads.read_field``): one longer
    than a day is a problem of that chapter in the preview, and the other chapters still import."""
    f = chapters_json(tmp_path / "long.json", [{"startTime": 10, "endTime": 40, "title": "Ad: Fastly"},
                                               {"startTime": 60, "endTime": 100_000, "title": "Sponsor: Brave"}])
    res = chs.import_chapters(net, f, show="Practical AI", episode=62, apply=True)
    assert [(r.sponsor_name, r.loggable, r.problem) for r in res.reads] == [
        ("Fastly", True, None), ("Brave", False, "length: is longer than a day")]
    assert len(res.read_ids) == 1


def test_ffmpeg_made_mp3(net):
    res = chs.import_chapters(net, FIXTURES / "ep62.mp3", show="Practical AI", episode=62)
    assert res.kind == "id3"
    assert proposals(res) == [("DigitalOcean", "pre", 2, 3, "DB", True), ("Fastly", "post", 18, 2, "Bandwidth", True)]


# --------------------------------------------------------------------------- M4A: MP4 chapters

def test_m4a_chapters(net, tmp_path):
    m4a = m4a_with_chapters(tmp_path / "ep62.m4a", 3000, [(s, t) for s, _e, t in EPISODE])
    res = chs.import_chapters(net, m4a, show="Practical AI", episode=62)
    assert res.kind == "mp4" and res.duration == 3000
    assert proposals(res) == [
        ("DigitalOcean", "pre", 40, 65, "DB", True),  # MP4 chapters have no ends: the next chapter's start
        ("Brave", "mid", 1500, 80, None, True),
        ("Fastly", "post", 2800, 35, "Bandwidth", True),
    ]


def test_m4a_made_by_ffmpeg(net, tmp_path):
    """The committed fixture, and (when ffmpeg is installed) one made now from its chapter list."""
    files = [FIXTURES / "ep62.m4a"]
    if shutil.which("ffmpeg"):
        made = tmp_path / "made.m4a"
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "anullsrc=r=8000:cl=mono", "-i", str(FIXTURES / "ep62.ffmetadata"), "-map", "0:a",
                        "-map_metadata", "1", "-map_chapters", "1", "-t", "20", "-c:a", "aac", "-b:a", "8k",
                        str(made)], check=True, capture_output=True)
        files.append(made)
    for f in files:
        res = chs.import_chapters(net, f, show="Practical AI", episode=62)
        assert res.kind == "mp4" and 19 < res.duration < 21
        assert proposals(res) == [("DigitalOcean", "pre", 2, 3, "DB", True),
                                  ("Fastly", "post", 18, 2, "Bandwidth", True)], f


# --------------------------------------------------------------------------- chapters JSON and psc:chapters

def test_chapters_json(net, tmp_path):
    f = chapters_json(tmp_path / "ep62.chapters.json", [
        {"startTime": 0, "title": "Intro"},
        {"startTime": 45.5, "endTime": 110, "title": "Sponsor: DigitalOcean"},
        {"startTime": 110, "title": "Talk"},
        {"startTime": 1700, "endTime": 1760, "title": "Ad break", "toc": False},
        {"startTime": 1760, "title": "More talk"},
        {"startTime": 2900, "endTime": 2940, "title": "Fastly (sponsor)"},
    ])
    res = chs.import_chapters(net, f, show="Practical AI", episode=62)
    assert res.kind == "json"
    # no duration in JSON: the last chapter's end (2940 s) stands for it; times round halves up
    assert [(r.sponsor_name, r.placement, r.start_seconds, r.length_seconds, r.loggable) for r in res.reads] == [
        ("DigitalOcean", "pre", 46, 65, True),
        (None, "mid", 1700, 60, False),
        ("Fastly", "post", 2900, 40, True),
    ]
    assert "names no sponsor" in res.reads[1].problem
    res = chs.import_chapters(net, f, show="Practical AI", episode=62, apply=True)
    assert len(res.read_ids) == 2


@pytest.mark.parametrize(("text", "message"), [
    ("{", "chapters: not valid JSON"),
    ('{"version": "1.2.0"}', 'chapters: not a chapters file: no "chapters" list'),
    ('{"chapters": [{"title": "x"}]}', "chapters: chapter 1 has no startTime"),
    ('{"chapters": [{"startTime": "soon"}]}', "chapters: chapter 1 startTime must be a number of seconds"),
    ('{"chapters": [{"startTime": 1, "endTime": -4}]}', "chapters: chapter 1 endTime must be a number"),
    ('{"chapters": [7]}', "chapters: chapter 1 is not an object"),
])
def test_bad_chapters_json(net, tmp_path, text, message):
    f = tmp_path / "bad.json"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        chs.import_chapters(net, f, show="Practical AI", episode=62)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                        st.sampled_from(["chapters", "startTime", "endTime", "title", "x"]), kids, max_size=4),
                    max_leaves=12))
def test_chapters_json_never_raises_anything_but_one_line(doc):
    try:
        got = ch.parse_chapters_json(json.dumps(doc))
    except ValidationError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(c.start >= 0 for c in got.chapters)


def test_psc_chapters_in_a_feed_item(net, tmp_path):
    feed = psc_feed(tmp_path / "feed.xml", [
        {"guid": "practicalai-61", "number": 61, "duration": "00:50:00", "chapters": [("00:00:30", "Ad: Brave")]},
        {"guid": "practicalai-62", "number": 62, "duration": "00:50:00", "chapters": [
            ("00:00:00", "Intro"), ("00:00:40.500", "Sponsor: DigitalOcean"), ("00:01:45", "Talk"),
            ("46:40", "Fastly (sponsor)"), ("47:15", "Outro")]},
    ])
    res = chs.import_chapters(net, feed, show="Practical AI", episode=62)  # the item with the episode's guid
    assert res.kind == "psc" and res.duration == 3000
    assert proposals(res) == [("DigitalOcean", "pre", 41, 65, "DB", True),
                              ("Fastly", "post", 2800, 35, "Bandwidth", True)]
    cat.add_episode(net, "Practical AI", number=61, title="No guid here", published_on="2019-10-14")
    res = chs.import_chapters(net, feed, show="Practical AI", episode=61)  # by episode number
    assert [(r.sponsor_name, r.placement) for r in res.reads] == [("Brave", "pre")]
    cat.add_episode(net, "Practical AI", number=60, title="Not in the feed", published_on="2019-10-07")
    with pytest.raises(ValidationError, match=r"^file: feed.xml: no item with episode number 60 has chapters$"):
        chs.import_chapters(net, feed, show="Practical AI", episode=60)


def test_chapters_json_without_any_duration_places_by_the_content_chapters(net, tmp_path):
    f = chapters_json(tmp_path / "open.json", [
        {"startTime": 0, "title": "Intro"}, {"startTime": 45, "title": "Sponsor: DigitalOcean"},
        {"startTime": 110, "title": "Talk"}, {"startTime": 2900, "title": "Fastly (sponsor)"}])
    res = chs.import_chapters(net, f, show="Practical AI", episode=62)
    assert proposals(res) == [("DigitalOcean", "mid", 45, 65, "DB", True),  # "Intro" is content before it
                              ("Fastly", "post", 2900, None, "Bandwidth", True)]  # last, open-ended: no length


def test_psc_times_and_bad_ones():
    assert [ch.npt_seconds(t) for t in ("12", "1:02", "01:02:03", "00:00:01.250", "90.5")] == [12, 62, 3723, 1.25,
                                                                                              90.5]
    with pytest.raises(ValidationError, match="is not a time"):
        ch.npt_seconds("1:75")


# --------------------------------------------------------------------------- the command and wrong files

def test_cli_dry_run_then_log(cli, net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "ep62.mp3", 3000, EPISODE)
    before = digest(net)
    res = cli("import", "chapters", str(mp3), "--show", "Practical AI", "--episode", "62", "--dry-run")
    assert res.exit_code == 0, res.output
    assert "ep62.mp3: 7 chapters (ID3 chapters (MP3), 50:00 long) for Practical AI #62" in res.output
    assert "0:40   1:05    pre        DigitalOcean" in res.output
    assert "Dry run: 3 reads would be logged on Practical AI #62 China's AI blacklist. Nothing was written." \
        in res.output
    assert digest(net) == before
    res = cli("import", "chapters", str(mp3), "--show", "Practical AI", "--episode", "62", "--format", "json")
    data = json.loads(res.output)
    assert data["applied"] and data["reads_created"] == 3
    assert [(r["sponsor_name"], r["start"], r["length"]) for r in data["proposed_reads"]] == [
        ("DigitalOcean", "0:40", "1:05"), ("Brave", "25:00", "1:20"), ("Fastly", "46:40", "0:35")]


def test_cli_unknown_sponsor_is_skipped_with_a_line(cli, net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "x.mp3", 600, [(10, 40, "Ad: Linode"), (300, 330, "Sponsor: Fastly")])
    res = cli("import", "chapters", str(mp3), "--show", "Practical AI", "--episode", "62")
    assert res.exit_code == 0
    assert "skipped “Ad: Linode” at 0:10: sponsor: no sponsor named “Linode” (add it on the Sponsors page" \
        in res.output
    assert "Logged 1 read on Practical AI #62" in res.output


def test_cli_needs_the_episode(cli, net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "x.mp3", 60, [(0, 10, "Ad: Fastly")])
    res = cli("import", "chapters", str(mp3), "--show", "Practical AI")
    assert res.exit_code == 2 and "Missing option '--episode'" in res.output
    res = cli("import", "chapters", str(mp3), "--show", "Practical AI", "--episode", "99")
    assert res.exit_code == 2 and "episode: Practical AI has no episode 99" in res.output


def _wrong_files(tmp_path: Path, db_path: Path) -> list[tuple[Path, str]]:
    (tmp_path / "notes.txt").write_text("Sponsors:\nFastly – fastly.com\n", encoding="utf-8")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04" + bytes(60))
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)))
    (tmp_path / "song.flac").write_bytes(b"fLaC" + bytes(60))
    (tmp_path / "page.html").write_text("<html><body>hi</body></html>", encoding="utf-8")
    silent_mp3(tmp_path / "plain.mp3", 5)
    m4a_with_chapters(tmp_path / "plain.m4a", 5, [])
    (tmp_path / "folder.mp3").mkdir()
    return [
        (tmp_path / "notes.txt", "file: notes.txt is text, not chapters; for show notes run `sponsortrack import "
                                 "shownotes`"),
        (tmp_path / "sheet.xlsx", "file: sheet.xlsx is a ZIP file (a spreadsheet?); for a spreadsheet of reads run "
                                  "`sponsortrack import csv`"),
        (tmp_path / "report.pdf", "file: report.pdf is a PDF document, not chapters"),
        (tmp_path / "junk.bin", "file: junk.bin is not an audio file, a chapters JSON file or a feed"),
        (tmp_path / "song.flac", "file: song.flac"),
        (tmp_path / "page.html", "file: page.html is XML with neither feed items nor psc:chapters"),
        (tmp_path / "plain.mp3", "file: plain.mp3 has no chapter markers (ID3 CHAP frames)"),
        (tmp_path / "plain.m4a", "file: plain.m4a has no chapter markers (MP4 chapter list)"),
        (tmp_path / "folder.mp3", "is a folder, not a file"),
        (tmp_path / "missing.mp3", "does not exist"),
        (db_path, "is the open database, not a chapters file"),
    ]


def test_wrong_files_get_one_line_each(net, db_path, tmp_path):
    before = digest(net)
    for path, message in _wrong_files(tmp_path, db_path):
        with pytest.raises(SponsortrackError) as exc:
            chs.import_chapters(net, path, show="Practical AI", episode=62)
        assert message in str(exc.value) and "\n" not in str(exc.value), (path, str(exc.value))
    assert digest(net) == before


def test_wrong_file_on_the_command_line(cli, net, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("Sponsors: Fastly\n", encoding="utf-8")
    res = cli("import", "chapters", str(f), "--show", "Practical AI", "--episode", "62")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        "error: file: notes.txt is text, not chapters; for show notes run `sponsortrack import shownotes`"]


def test_log_page_proposals_carry_start_and_length(net, tmp_path):
    mp3 = mp3_with_chapters(tmp_path / "ep62.mp3", 3000, EPISODE)
    res = chs.import_chapters(net, mp3, show="Practical AI", episode=62)
    p = res.reads[0].proposed_read()
    assert (p.sponsor_name, p.start_seconds, p.length_seconds, p.placement) == ("DigitalOcean", 40, 65, "pre")
    ids = rd.log_reads(net, res.episode_id, [p.as_values()])
    row = rstore.reads_for_episode(net, res.episode_id)[0]
    assert row.id == ids[0] and (row.start_seconds, row.length_seconds) == (40, 65)


# --------------------------------------------------------------------------- over http (a loopback server)


def test_chapters_json_and_audio_by_url(net, served):
    folder, base = served
    chapters_json(folder / "62.json", [{"startTime": 0, "title": "Intro"},
                                       {"startTime": 40, "endTime": 105, "title": "Sponsor: DigitalOcean"},
                                       {"startTime": 105, "endTime": 3000, "title": "Talk"}])
    mp3_with_chapters(folder / "62.mp3", 3000, EPISODE)
    res = chs.import_chapters(net, f"{base}/62.json", show="Practical AI", episode=62)
    assert res.kind == "json" and res.file_name == f"{base}/62.json"
    assert proposals(res) == [("DigitalOcean", "pre", 40, 65, "DB", True)]
    res = chs.import_chapters(net, f"{base}/62.mp3", show="Practical AI", episode=62)
    assert res.kind == "id3" and [r.sponsor_name for r in res.reads] == ["DigitalOcean", "Brave", "Fastly"]
    with pytest.raises(ValidationError, match=r"^file: .*/missing.json answered HTTP 404"):
        chs.import_chapters(net, f"{base}/missing.json", show="Practical AI", episode=62)


def test_feed_item_linking_a_chapters_json(net, served, tmp_path):
    """A Podcasting 2.0 item: <podcast:chapters url="..."> points at the JSON, which is fetched."""
    folder, base = served
    chapters_json(folder / "62.json", [{"startTime": 0, "title": "Intro"},
                                       {"startTime": 2800, "endTime": 2835, "title": "Ad: Fastly"},
                                       {"startTime": 2835, "endTime": 3000, "title": "Outro"}])
    feed = psc_feed(tmp_path / "feed.xml", [
        {"guid": "practicalai-62", "number": 62, "chapters": None, "chapters_url": f"{base}/62.json"},
        {"guid": "practicalai-61", "number": 61, "chapters": None, "chapters_url": "chapters/61.json"},
    ])
    res = chs.import_chapters(net, feed, show="Practical AI", episode=62)
    assert res.kind == "json" and proposals(res) == [("Fastly", "post", 2800, 35, "Bandwidth", True)]
    cat.add_episode(net, "Practical AI", number=61, title="Relative link", published_on="2019-10-14")
    with pytest.raises(ValidationError, match="podcast:chapters link 'chapters/61.json' is not an http"):
        chs.import_chapters(net, feed, show="Practical AI", episode=61)
