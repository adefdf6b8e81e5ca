"""The import and reconcile commands: output, JSON, exit code 2 and an unchanged database on bad input."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from support import samples

FIXTURES = Path(__file__).parent / "fixtures" / "shownotes"


def digest(db_path) -> str:
    con = sqlite3.connect(db_path)
    text = "\n".join(con.iterdump())
    con.close()
    return hashlib.sha256(text.encode()).hexdigest()


def test_import_shownotes_seed_json(demo_cli):
    res = demo_cli("import", "shownotes", str(FIXTURES / "seed_practical_ai.txt"), "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert [(s["name"], s["promo_url"], s["offer"], s["known_sponsor"]) for s in data["sponsors"]] == [
        ("DigitalOcean", "https://do.co/changelog", "$50 credit", "DigitalOcean"),
        ("The Brave Browser", None, None, "Brave"),
        ("Fastly", "https://fastly.com", None, "Fastly"),
    ]


def test_import_shownotes_table_and_apply(demo_cli, db_path):
    res = demo_cli("import", "shownotes", str(FIXTURES / "markdown_bullets.md"))
    assert res.exit_code == 0
    assert "Linode" in res.output and "(new)" in res.output and "CHANGELOG2024" in res.output
    res = demo_cli("import", "shownotes", str(FIXTURES / "seed_practical_ai.txt"), "--show", "The Changelog",
              "--episode", "355", "--apply")
    assert res.exit_code == 0, res.output
    assert "Logged 1 read on The Changelog #355" in res.output  # DigitalOcean and Fastly were logged already
    reads = json.loads(demo_cli("reads", "list", "--show", "The Changelog", "--format", "json").output)
    assert any(r["sponsor_name"] == "Brave" and r["source"] == "show notes" for r in reads)


def test_import_rss_preview_apply_and_rerun(demo_cli, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(samples.feed_xml(40))
    res = demo_cli("import", "rss", str(feed))
    assert res.exit_code == 0
    assert "Created show Generated Show: 40 episodes added, 0 changed, 0 unchanged." in res.output
    assert "run again with --apply" in res.output
    res = demo_cli("import", "rss", str(feed), "--apply", "--format", "json")
    data = json.loads(res.output)
    assert data["unchanged"] == 40 and data["reads_created"] == len(data["proposed_reads"]) > 40
    res = demo_cli("import", "rss", str(feed), "--apply")
    assert "Updated show Generated Show: 0 episodes added, 0 changed, 40 unchanged." in res.output
    assert "Logged 0 reads" in res.output


@pytest.mark.parametrize("content,message", [
    (b"not xml", "error: feed: is not well-formed XML"),
    (b'<rss version="2.0"><channel><title>X</title><item><title>A</title></item></channel></rss>',
     "error: item 1 (A): has no <guid>"),
    (b'<rss version="2.0"><channel><title>X</title><item><title>A</title><guid>g', "error: feed: is truncated"),
])
def test_import_rss_bad_feed_exit_2_unchanged(demo_cli, db_path, tmp_path, content, message):
    before = digest(db_path)
    feed = tmp_path / "bad.xml"
    feed.write_bytes(content)
    res = demo_cli("import", "rss", str(feed))
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output
    assert digest(db_path) == before


def test_import_csv_reads_dry_run_and_import(demo_cli, db_path, tmp_path):
    f = tmp_path / "reads.csv"
    f.write_text("Show,Episode,Sponsor,Placement,Air date\nPractical AI,73,Fastly,post,2020-01-06\n"
                 "Practical AI,73,DigitalOcean,pre,2020-01-06\n", encoding="utf-8")
    before = digest(db_path)
    res = demo_cli("import", "csv", str(f), "--kind", "reads", "--dry-run")
    assert res.exit_code == 0
    assert "Dry run: 2 rows are fine and would add 1 episode, 2 reads" in res.output
    assert digest(db_path) == before
    res = demo_cli("import", "csv", str(f), "--kind", "reads")
    assert res.exit_code == 0 and "Imported 2 rows" in res.output
    rows = json.loads(demo_cli("reads", "list", "--show", "Practical AI", "--format", "json").output)
    assert sum(1 for r in rows if r["episode_number"] == 73) == 2


def test_import_counts_are_in_words(demo_cli, tmp_path):
    """One of a thing is singular in every import line (was "1 rows are fine ... 1 episodes, 1 reads")."""
    f = tmp_path / "reads.csv"
    f.write_text("Show,Episode,Sponsor,Placement,Air date\nPractical AI,74,Fastly,post,2020-01-13\n", encoding="utf-8")
    res = demo_cli("import", "csv", str(f), "--kind", "reads", "--dry-run")
    assert "Dry run: 1 row is fine and would add 1 episode, 1 read. Nothing was written." in res.output
    res = demo_cli("import", "csv", str(f), "--kind", "reads")
    assert f"Imported 1 row from {f}: 1 episode, 1 read." in res.output
    notes = tmp_path / "notes.txt"
    notes.write_text("Sponsors:\n\n- Fastly: Learn more at fastly.com\n- DigitalOcean: do.co/changelog\n",
                     encoding="utf-8")
    res = demo_cli("import", "shownotes", str(notes), "--show", "Practical AI", "--episode", "74")
    assert res.exit_code == 0, res.output
    assert "1 read proposed for Practical AI #74" in res.output  # Fastly is logged there already
    res = demo_cli("reconcile", "--month", "2020-01")
    assert res.exit_code == 0 and "Checked 1 episode and 1 read," in res.output


def test_import_csv_bad_rows_exit_2_unchanged(demo_cli, db_path, tmp_path):
    f = tmp_path / "reads.csv"
    f.write_text("Show,Episode,Sponsor\nPractical AI,59,Acme\nNope,1,Fastly\nPractical AI,59,Fastly\n",
                 encoding="utf-8")
    before = digest(db_path)
    res = demo_cli("import", "csv", str(f), "--kind", "reads")
    assert res.exit_code == 2
    assert res.output.splitlines()[:3] == [
        "error: row 2: sponsor: no sponsor named 'Acme' (add it first, or import with --create-missing)",
        "error: row 3: show: no show named 'Nope' (add it first, or import with --create-missing)",
        f"{f}: 2 problems; nothing was imported.",
    ]
    assert digest(db_path) == before
    res = demo_cli("import", "csv", str(f), "--kind", "campaigns")
    assert res.exit_code == 2 and "columns: missing Campaign, Start date, End date, Pricing, Rate" in res.output


def test_import_csv_mapping_option(demo_cli, tmp_path):
    f = tmp_path / "reads.csv"
    f.write_text("Programme,Ep,Who\nPractical AI,59,Brave\n", encoding="utf-8")
    res = demo_cli("import", "csv", str(f), "--kind", "reads", "--dry-run", "--map", "show=Programme",
              "--map", "sponsor=Who", "--format", "json")
    assert res.exit_code == 0
    assert json.loads(res.output)["skipped"] == 1  # the demo logged Brave on #59 already
    res = demo_cli("import", "csv", str(f), "--kind", "reads", "--map", "sponsor")
    assert res.exit_code == 2 and "FIELD=COLUMN" in res.output


def test_import_downloads(demo_cli, tmp_path, db_path):
    f = tmp_path / "dl.csv"
    f.write_text("Show,Episode,Day 7,Day 30\nPractical AI,59,1500,3100\n", encoding="utf-8")
    res = demo_cli("import", "downloads", str(f), "--source", "Transistor")
    assert res.exit_code == 0 and "2 snapshots" in res.output
    f.write_text("Show,Episode,Day 7\nPractical AI,999,5\n", encoding="utf-8")
    before = digest(db_path)
    res = demo_cli("import", "downloads", str(f))
    assert res.exit_code == 2 and "row 2: episode: Practical AI has no episode 999" in res.output
    assert digest(db_path) == before


def test_import_downloads_reads_thousands_separators(demo_cli, tmp_path, db_path):
    """Hosting exports write "15,000" (and "15 000"); a decimal comma ("15,5") is one line naming the field."""
    from sponsortrack.services import catalog as cat
    from sponsortrack.store import Store
    from sponsortrack.store.downloads import list_snapshots

    f = tmp_path / "dl.csv"
    f.write_text('Show,Episode,Day 7,Day 30\nPractical AI,59,"15,000",15\u00a0000\nPractical AI,60,"1,234,567",\n',
                 encoding="utf-8")
    res = demo_cli("import", "downloads", str(f), "--source", "Transistor")
    assert res.exit_code == 0, res.output
    with Store(db_path) as store:
        got = {(ep, s.day): s.downloads for ep in (59, 60)
               for s in list_snapshots(store, cat.resolve_episode(store, "Practical AI", ep).id)
               if s.source == "Transistor"}
    assert got == {(59, 7): 15000, (59, 30): 15000, (60, 7): 1234567}
    f.write_text('Show,Episode,Day 7\nPractical AI,59,"15,5"\n', encoding="utf-8")
    before = digest(db_path)
    res = demo_cli("import", "downloads", str(f))
    assert res.exit_code == 2
    assert "row 2: Day 7: must be a whole number, not '15,5' (a decimal comma? thousands are written 15,000 " \
           "or 15 000)" in res.output and "Traceback" not in res.output
    assert digest(db_path) == before


def test_reconcile_command(demo_cli, tmp_path):
    res = demo_cli("reconcile", "--month", "2019-10", "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["episodes_checked"] > 0 and data["date_from"] == "2019-10-01"
    for e in data["exceptions"]:
        assert e["kind"] in {"logged_not_in_notes", "in_notes_not_logged", "promo_url_differs",
                             "promo_code_differs"}
    res = demo_cli("reconcile", "--month", "2019-10")
    assert res.exit_code == 0 and "Checked" in res.output
    res = demo_cli("reconcile", "--month", "October")
    assert res.exit_code == 2 and "error: month: 'October' is not a month (YYYY-MM)" in res.output
    res = demo_cli("reconcile")
    assert res.exit_code == 2
