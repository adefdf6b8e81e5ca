"""Issue 11 item 4: spreadsheets as producers keep them — XLSX read directly, US and day-first dates
(asked when ambiguous), placement synonyms, money with currency signs, every problem of a row at once."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from click.testing import CliRunner

from sponsortrack.cli import main
from sponsortrack.errors import ValidationError
from sponsortrack.importers import sheet_values, tabular
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import imports as imp


@pytest.fixture
def net(store):
    cat.add_show(store, name="Practical AI")
    for name in ("DigitalOcean", "Fastly", "Brave"):
        cat.add_sponsor(store, name=name)
    camp.add_campaign(store, sponsor="Fastly", name="Bandwidth", start_date="2024-01-01", end_date="2024-12-31",
                      pricing="flat", rate="900", default_placement="post")
    cat.add_episode(store, "Practical AI", number=63, title="Federated learning", published_on="2024-03-04")
    return store


def xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Reads 2024"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def reads_of(store) -> list[tuple]:
    return [tuple(r.values()) for r in store.query(
        "SELECT e.number, s.name, r.placement, r.position, r.start_seconds, e.published_on FROM ad_reads r "
        "JOIN episodes e ON e.id = r.episode_id JOIN sponsors s ON s.id = r.sponsor_id ORDER BY e.number, s.name")]


# --------------------------------------------------------------------------- XLSX

def test_xlsx_is_read_directly_with_real_dates_numbers_and_times(net):
    data = xlsx([
        ["Show", "Episode", "Sponsor", "Placement", "Air date", "Start"],
        ["Practical AI", 63, "DigitalOcean", "Pre-roll", None, dt.time(0, 0, 45)],
        [None, None, None, None, None, None],  # a blank row, skipped as in the sheet
        ["Practical AI", 64.0, "Brave", "Mid roll", dt.datetime(2024, 3, 11), "1:02"],
    ])
    table = tabular.read_table(data)
    assert table.headers[:3] == ["Show", "Episode", "Sponsor"] and table.encoding == "xlsx"
    assert [r[0] for r in table.rows] == [2, 4]  # the sheet's own row numbers
    assert table.rows[1][1][1:5] == ["64", "Brave", "Mid roll", "2024-03-11"]
    res = imp.import_reads_csv(net, data)
    assert res.ok and res.written, res.problems
    assert reads_of(net) == [(63, "DigitalOcean", "pre", 1, 45, "2024-03-04"),
                             (64, "Brave", "mid", 1, 62, "2024-03-11")]


def test_a_zip_that_is_not_a_workbook_is_one_line():
    with pytest.raises(ValidationError, match="file: is a ZIP file but not a readable Excel workbook"):
        tabular.read_table(b"PK\x03\x04" + b"\x00" * 60)


def test_cli_imports_xlsx(net, db_path, tmp_path):
    f = tmp_path / "reads.xlsx"
    f.write_bytes(xlsx([["Podcast", "Ep", "Advertiser"], ["Practical AI", 63, "Fastly"]]))
    res = CliRunner().invoke(main, ["--db", str(db_path), "import", "csv", str(f), "--kind", "reads"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert reads_of(net) == [(63, "Fastly", "post", 1, None, "2024-03-04")]  # the campaign's placement


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize(("raw", "order", "iso"), [
    ("2024-03-05", None, "2024-03-05"), ("2024/3/5", None, "2024-03-05"), ("5 Mar 2024", None, "2024-03-05"),
    ("March 5, 2024", None, "2024-03-05"), ("Tue, 5 March 2024", None, "2024-03-05"),
    ("3/5/2024", "us", "2024-03-05"), ("3/5/2024", "day-first", "2024-05-03"), ("13/5/2024", None, "2024-05-13"),
    ("5/13/2024", None, "2024-05-13"), ("05.05.24", None, "2024-05-05"), ("13/5/2024", "us", "2024-05-13"),
])
def test_sheet_dates(raw, order, iso):
    assert sheet_values.sheet_date(raw, "air_date", order) == iso


def test_an_ambiguous_date_names_both_readings_and_the_option():
    with pytest.raises(ValidationError) as err:
        sheet_values.sheet_date("3/5/2024", "air_date")
    assert str(err.value) == ("air_date: '3/5/2024' could be March 5 (month first) or 3 May (day first): say "
                              "which with --dates us or --dates day-first")
    with pytest.raises(ValidationError, match="'31/02/2024' is not a real date"):
        sheet_values.sheet_date("31/02/2024", "air_date")


def test_the_column_decides_the_order_and_a_mixed_column_is_refused():
    assert sheet_values.date_order_of(["3/5/2024", "13/5/2024"]) == ("day-first", "13/5/2024")
    assert sheet_values.date_order_of(["3/5/2024", "12/31/2024"]) == ("us", "12/31/2024")
    assert sheet_values.date_order_of(["3/5/2024", "2024-01-02"]) == (None, None)
    with pytest.raises(ValidationError, match="mixes month-first .'12/31/2024'. and day-first .'31/12/2024'."):
        sheet_values.date_order_of(["12/31/2024", "31/12/2024"])


def test_reads_import_asks_when_ambiguous_and_reads_with_the_option(net):
    sheet = b"Show,Episode,Sponsor,Air date\nPractical AI,70,Brave,3/5/2024\nPractical AI,71,Brave,4/6/2024\n"
    res = imp.import_reads_csv(net, sheet, dry_run=True)
    assert [str(p) for p in res.problems] == [
        "row 2: air_date: '3/5/2024' could be March 5 (month first) or 3 May (day first): say which with "
        "--dates us or --dates day-first",
        "row 3: air_date: '4/6/2024' could be April 6 (month first) or 4 June (day first): say which with "
        "--dates us or --dates day-first"]
    res = imp.import_reads_csv(net, sheet, dates="day-first")
    assert res.written
    assert [r[5] for r in reads_of(net)] == ["2024-05-03", "2024-06-04"]
    # one unambiguous date in the column settles the rest
    sheet2 = b"Show,Episode,Sponsor,Air date\nPractical AI,72,Brave,3/7/2024\nPractical AI,73,Brave,3/14/2024\n"
    assert imp.import_reads_csv(net, sheet2).written
    assert [r[5] for r in reads_of(net)][2:] == ["2024-03-07", "2024-03-14"]


def test_campaign_dates_and_money_with_currency_signs(net):
    data = (b"Sponsor,Campaign,Start date,End date,Pricing,Rate\n"
            b'Brave,Spring,1/3/2024,31/5/2024,flat,"$1,500.00"\n'
            b"DigitalOcean,Q2,1 Apr 2024,June 30 2024,cpm,25 USD\n")
    res = imp.import_campaigns_csv(net, data)
    assert res.written, res.problems
    spring, q2 = camp.resolve_campaign(net, "Spring"), camp.resolve_campaign(net, "Q2")
    assert (spring.start_date, spring.end_date, spring.rate_minor) == ("2024-03-01", "2024-05-31", 150000)
    assert (q2.start_date, q2.end_date, q2.rate_minor) == ("2024-04-01", "2024-06-30", 2500)
    bad = imp.import_campaigns_csv(net, b"Sponsor,Campaign,Start,End,Pricing,Rate\nBrave,X,2/3/2024,2/4/2024,flat,"
                                        b"\xc2\xa310\n", dry_run=True)
    assert [p.field for p in bad.problems] == ["start_date", "end_date"]


# --------------------------------------------------------------------------- placements and problems

@pytest.mark.parametrize(("raw", "placement"), [
    ("Pre-roll", "pre"), ("PRE ROLL", "pre"), ("preroll", "pre"), ("Intro", "pre"), ("Mid roll", "mid"),
    ("mid-roll 2", "mid"), ("Midrolls", "mid"), ("Middle", "mid"), ("Post", "post"), ("Post-roll", "post"),
    ("Outro", "post"), ("end", "post"),
])
def test_placement_synonyms(raw, placement):
    assert sheet_values.placement(raw) == placement


def test_every_problem_of_a_row_is_reported_at_once_and_nothing_is_written(net):
    before = net.query("SELECT COUNT(*) AS n FROM ad_reads")[0]["n"]
    sheet = (b"Show,Episode,Sponsor,Placement,Promo URL,Start,Air date\n"
             b"Nowhere,x,Acme,sideways,ftp://x.com,1:99,30/02/2024\n"
             b"Practical AI,63,Fastly,Post,,,\n")
    res = imp.import_reads_csv(net, sheet)
    assert [(p.row, p.field) for p in res.problems] == [
        (2, "show"), (2, "episode"), (2, "sponsor"), (2, "air_date"), (2, "placement"), (2, "start"),
        (2, "promo_url")]
    assert not res.written and net.query("SELECT COUNT(*) AS n FROM ad_reads")[0]["n"] == before


# --------------------------------------------------------------------------- shows and sponsors not there yet

SHEET_NEW = (b"Show,Episode,Sponsor,Air date,Placement\n"
             b"Inference Hour,1,Acme Cloud,2024-02-05,Pre-roll\n"
             b"Inference Hour,2,Acme Cloud,2024-02-12,Mid roll\n"
             b"Practical AI,63,Globex,,Post\n")


def test_missing_shows_and_sponsors_are_problems_by_default(net):
    res = imp.import_reads_csv(net, SHEET_NEW, dry_run=True)
    assert [(p.row, p.field) for p in res.problems] == [(2, "show"), (2, "sponsor"), (3, "show"), (3, "sponsor"),
                                                       (4, "sponsor")]
    assert "--create-missing" in res.problems[0].problem


def test_create_missing_lists_them_in_the_preview_then_creates_them(net):
    before = net.scalar("SELECT count(*) FROM shows"), net.scalar("SELECT count(*) FROM sponsors")
    preview = imp.import_reads_csv(net, SHEET_NEW, dry_run=True, create_missing=True)
    assert preview.ok and not preview.written
    assert (preview.new_shows, preview.new_sponsors) == (["Inference Hour"], ["Acme Cloud", "Globex"])
    assert preview.created == {"episodes": 2, "reads": 3, "shows": 1, "sponsors": 2}
    assert (net.scalar("SELECT count(*) FROM shows"), net.scalar("SELECT count(*) FROM sponsors")) == before
    res = imp.import_reads_csv(net, SHEET_NEW, create_missing=True)
    assert res.written
    assert [r[:3] for r in reads_of(net)] == [(1, "Acme Cloud", "pre"), (2, "Acme Cloud", "mid"),
                                              (63, "Globex", "post")]
    assert net.query("SELECT e.number, s.name FROM episodes e JOIN shows s ON s.id = e.show_id "
                     "WHERE s.name = 'Inference Hour' ORDER BY e.number") == [
        {"number": 1, "name": "Inference Hour"}, {"number": 2, "name": "Inference Hour"}]
    # a second run finds them: nothing new, every read already logged
    again = imp.import_reads_csv(net, SHEET_NEW, create_missing=True)
    assert again.skipped == 3 and again.new_shows == [] and again.new_sponsors == []


def test_cli_create_missing(net, db_path, tmp_path):
    f = tmp_path / "sheet.csv"
    f.write_bytes(SHEET_NEW)
    runner = CliRunner()
    res = runner.invoke(main, ["--db", str(db_path), "import", "csv", str(f), "--kind", "reads", "--dry-run",
                               "--create-missing"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "new shows to create: Inference Hour" in res.output
    assert "new sponsors to create: Acme Cloud, Globex" in res.output
