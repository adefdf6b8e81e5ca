"""Seasons: episode identity (show, season, number), the m008 migration and its fixture, the label."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sponsortrack.cli import main as cli_main
from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing as inv
from sponsortrack.services import reads as rsvc
from sponsortrack.store import Store
from sponsortrack.store.models import episode_code, parse_episode_code

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def schema_objects(path: Path) -> dict[tuple[str, str], str]:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
                       "AND sql IS NOT NULL").fetchall()
    con.close()
    return {(t, n): s for t, n, s in rows}


@pytest.mark.parametrize("fixture", ["schema_v6.db", "schema_v7.db"])
def test_upgrade_to_v8_keeps_every_trigger_and_index_and_locks_a_billed_episodes_season(tmp_path, fixture):
    target = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, target)
    before = schema_objects(target)
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    after = schema_objects(target)
    # every trigger and index there was is still there (audit, read_search, billed lock, m005's, m006's) ...
    kept = {k for k in before if k != ("index", "episodes_show_number")}
    assert kept <= set(after), kept - set(after)
    assert {n for t, n in kept if t == "trigger"} >= {
        "audit_ad_reads_update", "audit_invoice_lines_update", "audit_payments_create", "read_search_ins",
        "read_search_episode", "lock_billed_read_edit", "lock_billed_episode", "lock_issued_line_update"}
    # ... the number index is now per season, and the billed lock and the line triggers know the new columns
    assert ("index", "episodes_show_number") not in after
    assert "coalesce(season, 0), number" in after[("index", "episodes_show_season_number")]
    assert "OLD.season IS NOT NEW.season" in after[("trigger", "lock_billed_episode")]
    assert "episode_season" in after[("trigger", "lock_issued_line_update")]
    assert "episode_season" in after[("trigger", "audit_invoice_lines_update")]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # an episode with reads billed on an issued invoice keeps its season (v6 has issued invoices)
    if fixture == "schema_v7.db":
        number = inv.issue_invoice(store, inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0].id,
                                   issue_date="2019-11-01").number
        assert number
    billed = store.conn.execute("SELECT DISTINCT r.episode_id FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
                                "WHERE i.status IN ('issued', 'paid') LIMIT 1").fetchone()[0]
    with pytest.raises(ValidationError, match=r"^season: .* billed on invoice.*its season cannot change"):
        cat.edit_episode(store, billed, season=2)
    assert cat.get_episode(store, billed).season is None
    # the triggers still act: a read's search text follows its episode's title
    rid = store.scalar("SELECT id FROM ad_reads WHERE invoice_id IS NULL LIMIT 1")
    ep_id = store.scalar("SELECT episode_id FROM ad_reads WHERE id = ?", [rid])
    cat.edit_episode(store, ep_id, title="Zanzibar quokka hour")
    assert rid in {r.id for r in rsvc.list_reads(store, search="quokka")}
    store.close()


def test_v8_fixture_opens_as_is_with_its_seasons(tmp_path):
    target = tmp_path / "v8.db"
    shutil.copy(FIXTURES / "schema_v8.db", target)
    store = Store(target)
    # (upgraded past v8 since: m009_unbilled_counters adds tables only)
    assert store.pending_migrations() == [] and all("before-m009" in b.name for b in store.backups)
    eps = {(e.season, e.number): e for e in cat.list_episodes(store, "Season Show")}
    assert set(eps) == {(1, 1), (1, 2), (2, 1), (None, 1)}
    assert eps[(1, 1)].duration_seconds == 3723 and eps[(1, 1)].enclosure_url == "https://cdn.example/s1e1.mp3"
    assert eps[(None, 1)].episode_type == "trailer"
    assert cat.resolve_episode(store, "Season Show", "S2E1").title == "Return"
    assert cat.resolve_episode(store, "Season Show", "1").title == "Trailer"  # the season-less one
    assert cat.resolve_episode(store, "Season Show", "1", season=1).title == "Pilot"
    assert inv.resolve_invoice(store, "2019-0001").status == "issued"
    store.close()


def test_numbers_restart_each_season_and_stay_unique_within_one(store):
    cat.add_show(store, name="Serial")
    s1 = cat.add_episode(store, "Serial", season=1, number=5, title="One five")
    s2 = cat.add_episode(store, "Serial", season="2", number=5, title="Two five")
    plain = cat.add_episode(store, "Serial", number=5, title="Plain five")
    assert (s1.code, s2.code, plain.code) == ("S1 E5", "S2 E5", "#5")
    assert s2.label == "S2 E5 Two five" and plain.label == "#5 Plain five"
    with pytest.raises(ValidationError, match=r"^number: Serial already has episode S2 E5$"):
        cat.add_episode(store, "Serial", season=2, number=5, title="Again")
    with pytest.raises(ValidationError, match=r"^number: Serial already has episode 5$"):
        cat.add_episode(store, "Serial", number=5, title="Again")
    with pytest.raises(ValidationError, match=r"^number: Serial already has episode S1 E5$"):
        cat.edit_episode(store, s2.id, season=1)
    with pytest.raises(ValidationError, match=r"^season: "):
        cat.add_episode(store, "Serial", season=0, number=6, title="Zero")
    assert cat.next_episode_number(store, "Serial", 2) == 6
    assert cat.next_episode_number(store, "Serial", 3) == 1


def test_resolve_by_season_code_or_season_option(store):
    cat.add_show(store, name="Serial")
    cat.add_episode(store, "Serial", season=1, number=5, title="One five")
    two = cat.add_episode(store, "Serial", season=2, number=5, title="Two five")
    cat.add_episode(store, "Serial", season=2, number=7, title="Two seven")
    for ref, season in (("S2E5", None), ("s2 e5", None), ("S2 E5", None), ("5", 2), (5, 2), ("S2E5", 2)):
        assert cat.resolve_episode(store, "Serial", ref, season).id == two.id, (ref, season)
    assert cat.resolve_episode(store, "Serial", "7").title == "Two seven"  # one season has it: no doubt
    with pytest.raises(ValidationError, match=r"^episode: Serial has episode 5 in several seasons \(S1 E5, S2 E5\)"):
        cat.resolve_episode(store, "Serial", "5")
    with pytest.raises(ValidationError, match=r"^season: 1 contradicts the episode's S2$"):
        cat.resolve_episode(store, "Serial", "S2E5", 1)
    with pytest.raises(NotFoundError, match=r"^episode: Serial has no episode S3 E5$"):
        cat.resolve_episode(store, "Serial", "S3E5")
    with pytest.raises(ValidationError, match=r"^episode: "):
        cat.resolve_episode(store, "Serial", "five")


def test_episode_code_and_label_helper():
    assert episode_code(5, 2) == "S2 E5" and episode_code(5) == "#5" and episode_code(None) == ""
    assert inv.episode_label(5, "Title", 2) == "S2 E5 Title"
    assert inv.episode_label(59, "Blacklisted") == "#59 Blacklisted"
    assert inv.episode_label(None, "Bonus") == "Bonus"
    assert parse_episode_code("Season 2 Episode 5") == (2, 5) and parse_episode_code("#5") == (None, 5)
    assert parse_episode_code("S25") is None and parse_episode_code("S0E1") is None


def test_seasoned_reads_and_invoice_lines_carry_the_season(demo_store):
    store = demo_store
    ep = cat.resolve_episode(store, "Practical AI", "62")
    cat.edit_episode(store, ep.id, season=1)
    rows = rsvc.list_reads(store, show="Practical AI", search="Blacklisted")
    assert rows and {r.episode_code for r in rows} == {"S1 E62"}
    draft = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0]
    line = next(ln for ln in draft.lines if ln.read_id in {r.id for r in rows})
    assert line.episode_season == 1 and line.episode_number == 62
    assert line.description.startswith("Practical AI S1 E62 Blacklisted")


def test_cli_episodes_and_log_take_a_season(tmp_path):
    db = str(tmp_path / "cli.db")
    run = CliRunner().invoke

    def ok(*args):
        res = run(cli_main, ["--db", db, *args])
        assert res.exit_code == 0, res.output
        return res.output

    ok("demo")
    ok("shows", "add", "Serial")
    out = ok("episodes", "add", "--show", "Serial", "--season", "2", "--title", "Opener", "--published",
             "2019-10-07", "--duration", "45:10", "--type", "bonus")
    assert "Added Serial episode S2 E1: Opener" in out
    ok("episodes", "add", "--show", "Serial", "--season", "1", "--number", "1", "--title", "Old",
       "--published", "2019-09-02")
    listing = ok("episodes", "list", "--show", "Serial", "--format", "json")
    assert '"season": 2' in listing and '"duration_seconds": 2710' in listing and '"episode_type": "bonus"' in listing
    assert "Logged read" in ok("log", "--show", "Serial", "--episode", "S2E1", "--sponsor", "Fastly",
                               "--placement", "mid")
    out = ok("log", "--show", "Serial", "--episode", "1", "--season", "1", "--sponsor", "Fastly",
             "--placement", "pre")
    assert "Serial S1 E1" in out
    res = run(cli_main, ["--db", db, "log", "--show", "Serial", "--episode", "1", "--sponsor", "Fastly",
                         "--placement", "pre"])
    assert res.exit_code != 0 and "several seasons (S1 E1, S2 E1)" in res.output and "Traceback" not in res.output
    out = ok("episodes", "edit", "--show", "Serial", "--episode", "S1E1", "--new-season", "3")
    assert "Updated Serial episode S3 E1: Old." in out


def test_every_face_names_a_seasoned_episode_with_its_season(demo_store):
    """Reconciliation, the reads table, link problems and lock messages say "S1 E62", not "#62"."""
    from sponsortrack.services import reconcile as rc
    from sponsortrack.ui.models.read_cells import cell_text as _text

    store = demo_store
    ep = cat.resolve_episode(store, "Practical AI", "62")
    cat.edit_episode(store, ep.id, season=1, show_notes="Sponsors:\nLinode – Learn more at linode.com/pai\n")
    rec = rc.reconcile(store, month=ep.air_date[:7])
    mine = [e for e in rec.exceptions if e.episode_id == ep.id]
    assert mine and all(e.message.startswith("Practical AI S1 E62 (") for e in mine), [e.message for e in mine]
    row = rsvc.list_reads(store, show="Practical AI", search="Blacklisted")[0]
    assert _text(row, "episode") == "S1 E62" and row.episode_label.startswith("S1 E62 ")
    other = next(r for r in rsvc.list_reads(store, show="Practical AI") if r.episode_id != ep.id)
    assert _text(other, "episode") == str(other.episode_number)  # a season-less one stays a plain number


def test_a_reads_sheet_names_seasoned_episodes_as_s2e5(store):
    from sponsortrack.services import imports as imp

    cat.add_show(store, name="Serial")
    cat.add_sponsor(store, name="Fastly", domains="fastly.com")
    cat.add_episode(store, "Serial", season=1, number=5, title="One five", published_on="2019-06-03")
    two = cat.add_episode(store, "Serial", season=2, number=5, title="Two five", published_on="2019-11-04")
    head = "show,episode,sponsor,placement,air_date\n"
    out = imp.import_reads_csv(store, (head + "Serial,5,Fastly,mid,\n").encode())
    assert [str(p) for p in out.problems] == [
        "row 2: episode: Serial has episode 5 in several seasons (S1 E5, S2 E5): write it as S2E5"]
    out = imp.import_reads_csv(store, (head + "Serial,S2E5,Fastly,mid,\nSerial,S3E1,Fastly,pre,2020-03-02\n").encode())
    assert out.ok and out.written, out.problems
    assert [p["episode"] for p in out.preview] == ["S2 E5", "S3 E1"]
    reads = rsvc.list_reads(store, show="Serial")
    assert {(r.episode_code, r.placement) for r in reads} == {("S2 E5", "mid"), ("S3 E1", "pre")}
    assert next(r for r in reads if r.episode_code == "S2 E5").episode_id == two.id


def test_import_chapters_and_shownotes_take_s2e5(store, tmp_path):
    import json

    from sponsortrack.services import chapters as chs
    from sponsortrack.services import imports as imp

    cat.add_show(store, name="Serial")
    cat.add_sponsor(store, name="Fastly", domains="fastly.com")
    cat.add_episode(store, "Serial", season=1, number=5, title="One five", published_on="2019-06-03")
    two = cat.add_episode(store, "Serial", season=2, number=5, title="Two five", published_on="2019-11-04")
    (tmp_path / "c.json").write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Intro"}, {"startTime": 600, "endTime": 660, "title": "Sponsor: Fastly"},
        {"startTime": 660, "endTime": 3000, "title": "Talk"}]}))
    res = chs.import_chapters(store, tmp_path / "c.json", show="Serial", episode="S2E5")
    assert res.episode_id == two.id and res.episode_label == "Serial S2 E5 Two five"
    notes = imp.import_show_notes(store, "Sponsors:\nFastly: fastly.com\n", show="Serial", episode="s2 e5")
    assert notes.episode_label == "Serial S2 E5 Two five" and [p.sponsor_name for p in notes.proposed] == ["Fastly"]


def test_a_stored_duration_places_chapters_that_carry_none(store, tmp_path):
    """A chapters JSON gives no length: the episode's duration (from its feed) decides pre/mid/post, not
    where the last chapter happens to end."""
    import json

    from sponsortrack.services import chapters as chs

    cat.add_show(store, name="Serial")
    cat.add_sponsor(store, name="Fastly", domains="fastly.com")
    ep = cat.add_episode(store, "Serial", number=1, title="One", published_on="2019-06-03")
    (tmp_path / "c.json").write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Intro"}, {"startTime": 900, "endTime": 960, "title": "Sponsor: Fastly"},
        {"startTime": 960, "endTime": 1000, "title": "Talk"}]}))
    before = chs.import_chapters(store, tmp_path / "c.json", show="Serial", episode="1")
    assert [r.placement for r in before.reads] == ["post"]  # 900 s of 1000: the last 15 %
    cat.edit_episode(store, ep.id, duration_seconds="1:00:00")
    after = chs.import_chapters(store, tmp_path / "c.json", show="Serial", episode="1")
    assert [r.placement for r in after.reads] == ["mid"]  # 900 s of an hour
