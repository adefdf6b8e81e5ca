"""Issued invoices are authoritative (issue 9, item 7).

Billed reads report the amounts of their invoice lines whatever the campaign says since; edits that
would move a billed figure are refused inside the write itself (SQLite triggers), naming the invoice;
``invoice_lines`` is audited and issuing writes no no-op change_log entries; ``log`` numbers a read's
position inside its write transaction, so concurrent writers never share one.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing as inv
from sponsortrack.services import reads as rsvc
from sponsortrack.services import reporting
from sponsortrack.services.demo import load_demo
from sponsortrack.store import Store


def issue_october(store) -> str:
    """DigitalOcean's October 2019 (7 reads, $7,200) drafted and issued: the invoice number."""
    drafts = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices
    assert len(drafts) == 1 and drafts[0].total_minor == 720000
    return inv.issue_invoice(store, drafts[0].id, issue_date="2026-12-01").number


def dump(db_path) -> str:
    con = sqlite3.connect(db_path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


# -- billed reads report their invoice lines ------------------------------------------------------------


def test_rate_edit_after_issue_moves_no_billed_figure_on_any_face(demo_cli, db_path, tmp_path):
    """The issue's reproduction: issue 2026-0001 ($7,200), then ``campaigns edit 1 --rate 9999``."""
    assert demo_cli("invoice", "create", "--sponsor", "DigitalOcean", "--month", "2019-10").exit_code == 0
    res = demo_cli("invoice", "issue", "1", "--date", "2026-12-01")  # a fixed day: the number's year never drifts
    assert res.exit_code == 0 and "2026-0001" in res.output and "$7,200.00" in res.output
    res = demo_cli("campaigns", "edit", "1", "--rate", "9999")
    assert res.exit_code == 0
    assert ("applies to reads not billed yet; 7 reads billed on invoice 2026-0001 keep the amounts invoiced"
            in res.output)

    # POP: the delivered value is the invoiced $7,200, not 6 x $9,999
    pdf = tmp_path / "pop.pdf"
    assert demo_cli("report", "monthly", "--month", "2019-10", "--sponsor", "DigitalOcean",
                    "-o", str(pdf)).exit_code == 0
    from pypdf import PdfReader
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert "Delivered value this month: $7,200.00" in text and "59,994" not in text

    # export csv: the billed reads at their line amounts
    out = tmp_path / "reads.csv"
    assert demo_cli("export", "csv", "--what", "reads", "--month", "2019-10", "--sponsor", "DigitalOcean",
               "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7 and {r["invoice_number"] for r in rows} == {"2026-0001"}
    assert sorted(r["amount"] for r in rows) == ["0.00"] + ["1200.00"] * 6

    # reads list (json) agrees; November's unbilled reads take the new rate
    billed = json.loads(demo_cli("reads", "list", "--month", "2019-10", "--sponsor", "DigitalOcean",
                            "--format", "json").output)
    assert sum(r["price_minor"] for r in billed) == 720000
    unbilled = json.loads(demo_cli("reads", "list", "--month", "2019-11", "--sponsor", "DigitalOcean",
                              "--format", "json").output)
    assert unbilled and {r["price_minor"] for r in unbilled if not r["make_good_of"]} == {999900}

    # the network summary and the invoice itself
    store = Store(db_path)
    summary = reporting.network_summary_data(store, "2019-10")
    assert {r.name: r.amount_minor for r in summary.by_sponsor}["DigitalOcean"] == 720000
    assert inv.resolve_invoice(store, "2026-0001").total_minor == 720000
    store.close()


def test_billed_cpm_read_keeps_its_invoiced_units_when_downloads_change(demo_store):
    from sponsortrack.services import campaigns as camp
    from sponsortrack.store import downloads

    store = demo_store
    drafts = inv.create_drafts(store, "Brave", "2019-10").invoices
    number = inv.issue_invoice(store, drafts[0].id, issue_date="2026-12-01").number
    billed = rsvc.list_reads(store, sponsor="Brave", month="2019-10")
    line = {ln.read_id: ln for ln in inv.resolve_invoice(store, number).lines}
    assert billed and all(r.invoice_number == number for r in billed)
    before = {r.id: (r.units, r.price_minor) for r in billed}
    assert before == {rid: (ln.units, ln.amount_minor) for rid, ln in line.items()}
    pacing_before = camp.pacing(store, campaign_ids=[billed[0].campaign_id], as_of="2019-10-31")[0]
    # a later, higher count for every billed episode, and a new rate
    downloads.upsert_snapshots(store, [{"episode_id": r.episode_id, "day": 30, "downloads": 99999,
                                        "source": "late"} for r in billed])
    camp.edit_campaign(store, billed[0].campaign_id, rate="99")
    after = {r.id: (r.units, r.price_minor) for r in rsvc.list_reads(store, sponsor="Brave", month="2019-10")}
    assert after == before
    pacing_after = camp.pacing(store, campaign_ids=[billed[0].campaign_id], as_of="2019-10-31")[0]
    assert pacing_after.delivered_impressions == pacing_before.delivered_impressions


# -- edits that would move a billed figure are refused, naming the invoice ------------------------------


def test_episode_date_of_billed_reads_cannot_move(demo_cli, db_path):
    assert demo_cli("invoice", "create", "--sponsor", "DigitalOcean", "--month", "2019-10").exit_code == 0
    assert demo_cli("invoice", "issue", "1", "--date", "2026-12-01").exit_code == 0
    before = dump(db_path)
    res = demo_cli("episodes", "edit", "--show", "Practical AI", "--episode", "60", "--published", "2019-11-02")
    assert res.exit_code != 0
    assert res.output.strip().splitlines() == [
        "error: published_on: reads 24, 27 of Practical AI #60 are billed on invoice 2026-0001; its air date "
        "cannot change (correct the invoice with a credit note first)"]
    assert dump(db_path) == before
    # the number too; the title can still be corrected
    res = demo_cli("episodes", "edit", "--show", "Practical AI", "--episode", "60", "--new-number", "99")
    assert res.exit_code != 0 and "number: reads 24, 27 of Practical AI #60" in res.output and "2026-0001" in res.output
    assert demo_cli("episodes", "edit", "--show", "Practical AI", "--episode", "60",
                    "--title", "Robots!").exit_code == 0
    # an episode whose reads are not billed moves freely
    assert demo_cli("episodes", "edit", "--show", "Practical AI", "--episode", "64",
               "--published", "2019-11-05").exit_code == 0


def test_billed_read_edits_and_deletes_are_refused_by_the_database(demo_store):
    store = demo_store
    number = issue_october(store)
    rid = rsvc.list_reads(store, sponsor="DigitalOcean", month="2019-10")[0].id
    for change in ({"price_override": "1.00"}, {"sponsor": "Fastly"}, {"campaign": ""}, {"status": "flagged"},
                   {"placement": "post"}, {"units": 5}):
        with pytest.raises(ConflictError, match=f"^read {rid} is billed on issued invoice {number}; it cannot be "
                                                f"edited"):
            rsvc.edit_read(store, rid, **change)
    with pytest.raises(ConflictError, match=f"^read {rid} is billed on issued invoice {number}; it cannot be "
                                            f"deleted"):
        rsvc.delete_reads(store, [rid])
    # the lock holds below the services too: any writer of the file is refused
    for sql in ("UPDATE ad_reads SET episode_id = 1 WHERE id = ?", "UPDATE ad_reads SET invoice_id = NULL WHERE id = ?",
                "DELETE FROM ad_reads WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="locked"):
            store.conn.execute(sql, [rid])
    store.conn.rollback()
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        store.conn.execute("UPDATE invoice_lines SET amount_minor = 1 WHERE read_id = ?", [rid])
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        store.conn.execute("UPDATE invoices SET total_minor = 1 WHERE number = ?", [number])
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        store.conn.execute("DELETE FROM invoices WHERE number = ?", [number])
    store.conn.rollback()
    assert inv.resolve_invoice(store, number).total_minor == 720000
    # a note is no billed figure
    assert rsvc.edit_read(store, rid, notes="sponsor asked for the file").notes == "sponsor asked for the file"


def test_void_and_credit_note_still_free_billed_reads(demo_store):
    store = demo_store
    number = issue_october(store)
    reads = rsvc.list_reads(store, sponsor="DigitalOcean", month="2019-10")
    note = inv.create_credit_note(store, number, positions=[1])
    inv.issue_invoice(store, note.id, issue_date="2026-12-02")
    credited = next(ln.read_id for ln in inv.resolve_invoice(store, number).lines if ln.position == 1)
    assert rsvc.edit_read(store, credited, price_override="900.00").price_minor == 90000
    other = next(r.id for r in reads if r.id != credited)
    with pytest.raises(ConflictError, match=number):
        rsvc.edit_read(store, other, price_override="900.00")
    assert inv.resolve_invoice(store, number).status == "issued"


# -- the lock is enforced inside the write: two real processes -----------------------------------------

PAUSED_EDIT = textwrap.dedent("""
    import json, os, sys, time
    from sponsortrack.errors import SponsortrackError
    from sponsortrack.services import catalog, reads
    from sponsortrack.store import Store, base
    db, what, target, ready, go = sys.argv[1:6]
    real_update = base.update
    def paused_update(*args, **kwargs):
        # every check the services make is behind us; wait here until the other process issued
        open(ready, "w").close()
        deadline = time.monotonic() + 120
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.02)
        return real_update(*args, **kwargs)
    base.update = paused_update
    store = Store(db)
    try:
        if what == "read":
            reads.edit_read(store, int(target), price_override="1.00")
        else:
            catalog.edit_episode(store, int(target), published_on="2019-11-02")
        print(json.dumps({"ok": True}))
    except SponsortrackError as exc:
        print(json.dumps({"ok": False, "error": str(exc)}))
""")


@pytest.mark.parametrize("what", ["read", "episode"])
def test_lock_holds_when_another_process_issues_between_check_and_write(db_path, tmp_path, what):
    """Process A passes every check on a draft's read, then waits; process B issues the invoice; A's
    write must then be refused (the old code checked in a transaction before the write, and let it in)."""
    store = Store(db_path)
    load_demo(store)
    draft = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0]
    read = rsvc.list_reads(store, sponsor="DigitalOcean", month="2019-10")[0]
    store.close()
    target = read.id if what == "read" else read.episode_id
    ready, go = tmp_path / "ready", tmp_path / "go"
    a = subprocess.Popen([sys.executable, "-c", PAUSED_EDIT, str(db_path), what, str(target), str(ready), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert a.poll() is None, a.communicate()
            assert time.monotonic() < deadline, "process A never reached its write"
            time.sleep(0.02)
        b = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db_path), "invoice", "issue",
                            str(draft.id), "--date", "2026-12-01"], capture_output=True, text=True, timeout=120)
        assert b.returncode == 0, b.stderr
        assert "Issued invoice 2026-0001" in b.stdout
    finally:
        go.touch()
        out, err = a.communicate(timeout=120)
    assert a.returncode == 0, err
    result = json.loads(out)
    assert result["ok"] is False
    assert "2026-0001" in result["error"]
    store = Store(db_path)
    after = rsvc.get_read(store, read.id)
    line = next(ln for ln in inv.resolve_invoice(store, "2026-0001").lines if ln.read_id == read.id)
    assert after.price_minor == line.amount_minor == 120000
    assert after.air_date == line.air_date == read.air_date
    store.close()


# -- change log ----------------------------------------------------------------------------------------


def test_invoice_lines_are_audited_and_issuing_writes_no_noop_entries(demo_store):
    store = demo_store
    start = store.scalar("SELECT max(id) FROM change_log")
    draft = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0]
    created = store.query("SELECT entity, action, count(*) AS n FROM change_log WHERE id > ? "
                          "GROUP BY entity, action ORDER BY entity, action", [start])
    assert {(r["entity"], r["action"]): r["n"] for r in created} == {
        ("invoice", "create"): 1, ("invoice_line", "create"): 7, ("read", "update"): 7}
    line = store.query_one("SELECT after FROM change_log WHERE entity = 'invoice_line' ORDER BY id LIMIT 1")
    assert json.loads(line["after"])["amount_minor"] == 120000
    mid = store.scalar("SELECT max(id) FROM change_log")
    inv.issue_invoice(store, draft.id, issue_date="2026-12-01")
    entries = store.query("SELECT entity, action, before, after FROM change_log WHERE id > ?", [mid])
    assert [(e["entity"], e["action"]) for e in entries] == [("invoice", "update")]
    assert all(e["before"] != e["after"] for e in entries)
    assert json.loads(entries[0]["after"])["number"] == "2026-0001"
    # refreshing a draft that did not change writes nothing either
    nov = inv.create_drafts(store, "DigitalOcean", "2019-11").invoices[0]
    mid = store.scalar("SELECT max(id) FROM change_log")
    inv.refresh_draft(store, nov.id)
    assert store.scalar("SELECT count(*) FROM change_log WHERE id > ?", [mid]) == 0


# -- log: positions inside the write transaction, three real processes ---------------------------------

LOGGER = textwrap.dedent("""
    import os, sys, time
    from sponsortrack.store import Store
    from sponsortrack.store import reads as rstore
    from sponsortrack.services import reads, catalog
    db, barrier, me, n, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    real_insert = rstore.insert_reads
    first = [True]
    def insert_after_barrier(store, rows):
        # the first insert of each writer waits until all writers got this far, so their
        # transactions start together (whatever they looked up before is stale by then)
        if first[0]:
            first[0] = False
            open(os.path.join(barrier, me), "w").close()
            deadline = time.monotonic() + 120
            while len(os.listdir(barrier)) < n and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_insert(store, rows)
    rstore.insert_reads = insert_after_barrier
    store = Store(db)
    ep = catalog.resolve_episode(store, "Practical AI", "62")
    for i in range(count):
        reads.log_read(store, ep.id, sponsor="Brave", placement="mid", notes=f"{me} {i}")
    print("done", flush=True)
""")


def test_three_concurrent_loggers_never_share_a_position(db_path, tmp_path):
    store = Store(db_path)
    load_demo(store)
    ep = cat.resolve_episode(store, "Practical AI", "62")
    before = store.scalar("SELECT count(*) FROM ad_reads WHERE episode_id = ? AND placement = 'mid'", [ep.id])
    store.close()
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", LOGGER, str(db_path), str(barrier), tag, "3", "15"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in "ABC"]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0 and out.strip() == "done", err
    store = Store(db_path)
    dupes = store.query("SELECT episode_id, placement, position, count(*) AS n FROM ad_reads "
                        "GROUP BY episode_id, placement, position HAVING n > 1")
    assert dupes == []
    positions = [r["position"] for r in store.query(
        "SELECT position FROM ad_reads WHERE episode_id = ? AND placement = 'mid' ORDER BY position", [ep.id])]
    assert positions == list(range(1, before + 45 + 1))
    store.close()


def test_a_batch_logged_at_once_is_numbered_in_order(demo_store):
    store = demo_store
    ep = cat.resolve_episode(store, "Practical AI", "62")
    ids = rsvc.log_reads(store, ep.id, [{"sponsor": "Brave", "placement": "post"},
                                        {"sponsor": "Fastly", "placement": "post", "position": 7},
                                        {"sponsor": "Brave", "placement": "post"}])
    got = [rsvc.get_read(store, i).position for i in ids]
    existing = [r.position for r in rsvc.list_reads(store) if r.episode_id == ep.id and r.placement == "post"
                and r.id not in ids]
    first = max(existing, default=0) + 1
    assert got == [first, 7, max(first, 7) + 1]


def test_validation_error_type_for_episode_lock(demo_store):
    store = demo_store
    number = issue_october(store)
    ep = cat.resolve_episode(store, "Practical AI", "60")
    with pytest.raises(ValidationError) as info:
        cat.edit_episode(store, ep.id, published_on="2019-10-08")
    assert info.value.field == "published_on" and number in info.value.problem


def test_feed_reimport_that_redates_a_billed_episode_is_refused_whole(demo_store, db_path):
    from sponsortrack.services import imports as imp

    store = demo_store
    number = issue_october(store)
    ep = cat.resolve_episode(store, "Practical AI", 60)
    feed = (b'<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
            b"<title>Practical AI</title><item><title>" + ep.title.encode() + b"</title>"
            b"<guid>practicalai-60</guid><itunes:episode>60</itunes:episode>"
            b"<pubDate>Sat, 02 Nov 2019 12:00:00 +0000</pubDate></item></channel></rss>")
    before = dump(db_path)
    with pytest.raises(ValidationError, match=f"^published_on: reads 24, 27 of Practical AI #60 are billed on "
                                              f"invoice {number}"):
        imp.import_rss(store, feed)
    assert dump(db_path) == before


def test_voiding_a_credit_note_puts_its_reads_back_on_the_invoice_it_credited(demo_store):
    """Otherwise the original still bills them while they are free: the next draft billed them again."""
    store = demo_store
    number = issue_october(store)
    rid = next(ln.read_id for ln in inv.resolve_invoice(store, number).lines if ln.position == 1)
    note = inv.issue_invoice(store, inv.create_credit_note(store, number, positions=[1]).id,
                             issue_date="2026-12-02")
    assert rsvc.get_read(store, rid).invoice_id is None
    inv.void_invoice(store, note.number)
    back = rsvc.get_read(store, rid)
    assert (back.invoice_number, back.price_minor) == (number, 120000)
    with pytest.raises(ValidationError, match="nothing to bill"):
        inv.create_drafts(store, "DigitalOcean", "2019-10")
    # a credit note whose read was billed again since cannot be voided
    note2 = inv.issue_invoice(store, inv.create_credit_note(store, number, positions=[1]).id,
                              issue_date="2026-12-03")
    again = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0]
    with pytest.raises(ConflictError, match=f"read {rid} is on invoice draft {again.id} since this credit note"):
        inv.void_invoice(store, note2.number)
    assert inv.resolve_invoice(store, note2.number).status == "issued"


def test_undo_of_an_episode_date_edit_is_refused_once_its_reads_are_billed(demo_store):
    from sponsortrack.services import undo

    store = demo_store
    ep = cat.resolve_episode(store, "Practical AI", 60)
    done = undo.edit(store, "episode", ep.id, published_on="2019-10-08")
    number = issue_october(store)
    with pytest.raises(undo.UndoRefused, match=f": published_on: reads 24, 27 of Practical AI #60 are billed on "
                                               f"invoice {number}"):
        undo.undo(store, done.change)
    assert cat.get_episode(store, ep.id).published_on == "2019-10-08"
    assert {r.air_date for r in rsvc.list_reads(store) if r.episode_id == ep.id} == {"2019-10-08"}
