"""Upgrading committed databases of earlier schema versions loses nothing, and backs up first."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Migrations

from sponsortrack.errors import ConflictError, DatabaseError
from sponsortrack.services import invoicing as inv
from sponsortrack.services import reads as rsvc
from sponsortrack.store import Store
from sponsortrack.store import db as dbmod
from sponsortrack.store import invoices as istore
from sponsortrack.store import migrations as migmod
from sponsortrack.store import reads as rstore

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def same_rows(before: list[tuple], after: list[tuple]) -> bool:
    """Every row kept with its values; columns a later migration added (at the end) may follow."""
    return len(before) == len(after) and all(a[:len(b)] == b for b, a in zip(before, after, strict=True))


def table_dump(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> '_sqlite_migrations' AND name NOT LIKE 'read_search%'")]  # the search index is derived
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    return out


@pytest.fixture
def v1_copy(tmp_path):
    target = tmp_path / "producer.db"
    shutil.copy(FIXTURES / "schema_v1.db", target)
    return target


def test_v1_upgrades_to_current_with_every_record(v1_copy):
    before = table_dump(v1_copy)
    store = Store(v1_copy)
    assert store.pending_migrations() == []
    assert len(store.backups) == 1 and table_dump(store.backups[0]) == before
    reads = rsvc.list_reads(store, show="Practical AI", search="Blacklisted")
    assert {r.sponsor_name for r in reads} == {"DigitalOcean", "Brave", "Fastly"}
    assert len(rsvc.list_reads(store, search="changlog")) == 1  # the flagged read's notes, via the index
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
    after = table_dump(v1_copy)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


def test_v2_upgrades_to_current_with_every_record_and_the_billed_lock(tmp_path):
    target = tmp_path / "v2.db"
    shutil.copy(FIXTURES / "schema_v2.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and store.schema_version() == len(dbmod.MIGRATION_NAMES)
    assert len(store.backups) == 1 and "before-m003_billed_lock" in store.backups[0].name
    assert table_dump(store.backups[0]) == before
    assert {r.sponsor_name for r in rsvc.list_reads(store, search="blacklisted")} == {
        "DigitalOcean", "Brave", "Fastly"}
    # m006_payments: no payments yet, buyers have no tax id yet
    assert store.conn.execute("SELECT count(*) FROM payments").fetchone()[0] == 0
    assert {r[0] for r in store.conn.execute("SELECT tax_id FROM sponsors")} == {None}
    store.close()
    after = table_dump(target)
    for table, rows in before.items():   # m003 adds triggers only; m006 adds tables and NULL columns
        assert same_rows(rows, after[table]), table
    # the upgraded file locks what it bills, and audits invoice lines
    store = Store(target)
    draft = inv.create_drafts(store, "DigitalOcean", "2019-10").invoices[0]
    assert store.scalar("SELECT count(*) FROM change_log WHERE entity = 'invoice_line'") == len(draft.lines)
    number = inv.issue_invoice(store, draft.id, issue_date="2026-12-01").number
    rid = draft.lines[0].read_id
    with pytest.raises(ConflictError, match=f"read {rid} is billed on issued invoice {number}"):
        rsvc.edit_read(store, rid, price_override="1.00")
    store.close()


def test_v3_upgrades_to_current_with_every_record(tmp_path):
    target = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "schema_v3.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == []
    triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"lock_billed_read_edit", "lock_billed_episode", "lock_issued_invoice",
            "audit_invoice_lines_update", "audit_payments_create"} <= triggers
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


def test_v3_upgrades_to_v5_with_every_record_and_link_check(tmp_path):
    target = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "schema_v3.db", target)
    con = sqlite3.connect(target)  # a v3 file with link checks in it: m005 rebuilds that table
    con.executemany("INSERT INTO link_checks (url, checked_at, verdict, status_code, chain) VALUES (?, ?, ?, ?, ?)",
                    [("https://do.co/changelog", "2026-11-01T08:00:00.000Z", "redirected", 200, "[]"),
                     ("https://fastly.com", "2026-11-02T08:00:00.000Z", "broken", 404, "[]")])
    con.commit()
    con.close()
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == []
    assert len(store.backups) == 1 and "before-m005_link_verdicts" in store.backups[0].name
    assert table_dump(store.backups[0]) == before
    assert {r.sponsor_name for r in rsvc.list_reads(store, search="blacklisted")} == {
        "DigitalOcean", "Brave", "Fastly"}
    # the new verdicts are accepted; an unknown one still is not
    store.conn.execute("INSERT INTO link_checks (url, verdict) VALUES ('https://x.example', 'rate_limited')")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO link_checks (url, verdict) VALUES ('https://x.example', 'meh')")
    store.conn.execute("DELETE FROM link_checks WHERE url = 'https://x.example'")
    store.conn.commit()
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(link_checks)")}
    assert "link_checks_url_time" in indexes
    triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"lock_billed_read_edit", "audit_invoice_lines_update"} <= triggers  # m003's, untouched
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


def test_v5_upgrades_to_v6_with_every_record(tmp_path):
    target = tmp_path / "v5.db"
    shutil.copy(FIXTURES / "schema_v5.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    assert "before-m006_payments" in store.backups[0].name
    assert {r.sponsor_name for r in rsvc.list_reads(store, search="blacklisted")} == {
        "DigitalOcean", "Brave", "Fastly"}
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


def _plan_of(store: Store, call) -> str:
    """The query plans of the statements ``call`` runs, as one text."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    return " ".join(r[3] for sql in seen if sql.lstrip().upper().startswith("SELECT")
                    for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL")))


def test_v6_upgrades_to_v7_with_every_record_its_balances_and_the_scale_indexes(tmp_path):
    from sponsortrack.services import payments

    target = tmp_path / "v6.db"
    shutil.copy(FIXTURES / "schema_v6.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    assert "before-m007_scale_indexes" in store.backups[0].name and table_dump(store.backups[0]) == before
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert set(migmod.SCALE_INDEXES) <= indexes
    # the planner walks them: pacing reads the delivery index alone, the unbilled figures the partial one
    assert "COVERING INDEX ad_reads_delivery" in _plan_of(store, lambda: rstore.campaign_delivery(store))
    # (from m009 on the unbilled figures read the counters: no pass over the reads)
    assert "ad_reads" not in _plan_of(store, lambda: istore.unbilled_summary(store))
    assert "SCAN r" not in _plan_of(store, lambda: istore.unbilled_before(store, "2020-01-01"))
    assert "download_snapshots_latest" in _plan_of(store, lambda: rstore.campaign_delivery(store))
    from sponsortrack.services import campaigns as camp

    assert sum(p.delivered_reads for p in camp.pacing(store)) == store.scalar(
        "SELECT count(*) FROM ad_reads WHERE campaign_id IS NOT NULL AND status IN ('recorded', 'aired', 'verified')")
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    part = inv.resolve_invoice(store, "2019-0002")
    bal = payments.balance(store, part)
    assert bal.paid_minor == 100_000 and bal.due_minor == part.total_minor - 100_000
    assert inv.resolve_invoice(store, "2019-0001").status == "paid"
    credited = payments.balance(store, inv.resolve_invoice(store, "2019-0004"))
    assert credited.credited_minor == 120_000
    store.close()
    after = table_dump(target)
    for table, rows in before.items():   # m007 adds indexes only, m008 columns (at the end, NULL or 'full')
        assert same_rows(rows, after[table]), table


def test_v7_upgrades_to_v8_with_every_record(tmp_path):
    target = tmp_path / "v7.db"
    shutil.copy(FIXTURES / "schema_v7.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    assert "before-m008_seasons" in store.backups[0].name and table_dump(store.backups[0]) == before
    assert {r.sponsor_name for r in rsvc.list_reads(store, search="blacklisted")} == {
        "DigitalOcean", "Brave", "Fastly"}
    assert set(migmod.SCALE_INDEXES) <= {
        r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    store.close()
    after = table_dump(target)
    for table, rows in before.items():   # m008 adds columns only (at the end, NULL or 'full')
        assert same_rows(rows, after[table]), table


def test_v8_upgrades_to_v9_with_every_record_the_unbilled_counters_and_the_read_id_mark(tmp_path):
    from sponsortrack.services import dashboard as dash
    from sponsortrack.store import unbilled

    target = tmp_path / "v8.db"
    shutil.copy(FIXTURES / "schema_v8.db", target)
    before = table_dump(target)
    old = sqlite3.connect(target)
    # the figures of the v8 code, recomputed on the file as it was: delivered reads not billed, per sponsor
    unbilled_then = dict(old.execute(
        "SELECT r.sponsor_id, count(*) FROM ad_reads r LEFT JOIN invoices i ON i.id = r.invoice_id "
        "WHERE r.status IN ('recorded', 'aired', 'verified') AND coalesce(i.status, '') NOT IN ('issued', 'paid') "
        "GROUP BY r.sponsor_id").fetchall())
    top_id = max(old.execute("SELECT max(id) FROM ad_reads").fetchone()[0],
                 old.execute("SELECT max(entity_id) FROM change_log WHERE entity = 'read'").fetchone()[0])
    old.close()
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    assert "before-m009_unbilled_counters" in store.backups[0].name and table_dump(store.backups[0]) == before
    assert {u["sponsor_id"]: u["reads"] for u in dash.unbilled_summary(store)} == unbilled_then
    assert store.query("SELECT * FROM unbilled_months ORDER BY sponsor_id, month") == store.query(
        f"SELECT * FROM ({unbilled.from_scratch_sql()}) ORDER BY sponsor_id, month")
    assert store.scalar("SELECT last FROM read_id_high_water") == top_id
    # the triggers are on: an issued invoice's reads leave the counters, a new read numbers past the mark
    drafts = inv.create_drafts(store, "Fastly", "2019-11").invoices
    assert {u["sponsor_name"]: u["reads"] for u in dash.unbilled_summary(store)}["Fastly"] == unbilled_then[
        drafts[0].sponsor_id]
    inv.issue_invoice(store, drafts[0].id, issue_date="2019-12-01")
    assert store.query("SELECT * FROM unbilled_months ORDER BY sponsor_id, month") == store.query(
        f"SELECT * FROM ({unbilled.from_scratch_sql()}) ORDER BY sponsor_id, month")
    ep = rsvc.list_reads(store, limit=1)[0].episode_id
    assert rsvc.log_read(store, ep, sponsor="Fastly", placement="mid") == top_id + 1
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        if table not in ("ad_reads", "invoices", "invoice_lines", "change_log", "invoice_sequences"):
            assert same_rows(rows, after[table]), table


def test_v9_fixture_opens_as_current_and_its_counters_are_right(tmp_path):
    from sponsortrack.store import unbilled

    target = tmp_path / "v9.db"
    shutil.copy(FIXTURES / "schema_v9.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.query("SELECT * FROM unbilled_months ORDER BY sponsor_id, month") == store.query(
        f"SELECT * FROM ({unbilled.from_scratch_sql()}) ORDER BY sponsor_id, month")
    assert store.scalar("SELECT last FROM read_id_high_water") > store.scalar("SELECT max(id) FROM ad_reads")
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


def test_v9_upgrades_to_v10_with_every_record_and_sponsor_aliases(tmp_path):
    from sponsortrack.services import aliases as al
    from sponsortrack.services import catalog as cat

    target = tmp_path / "v9.db"
    shutil.copy(FIXTURES / "schema_v9.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and len(store.backups) == 1
    assert "before-m010_sponsor_aliases" in store.backups[0].name and table_dump(store.backups[0]) == before
    assert store.scalar("SELECT count(*) FROM sponsor_aliases") == 0  # nothing back-filled
    assert {s.name: s.aliases for s in cat.list_sponsors(store)} == {"Brave": [], "DigitalOcean": [], "Fastly": []}
    do = cat.resolve_sponsor(store, "DigitalOcean")
    al.add_alias(store, do.id, "DO")
    # the normalised key is unique across sponsors in the schema itself, not only in the service
    fastly = cat.resolve_sponsor(store, "Fastly")
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.conn.execute("INSERT INTO sponsor_aliases (sponsor_id, alias, alias_key) VALUES (?, 'D.O.', 'do')",
                           [fastly.id])
    # deleting a sponsor deletes its aliases (ON DELETE CASCADE)
    new = cat.add_sponsor(store, name="Linode", aliases="Akamai Cloud")
    cat.delete_sponsor(store, new.id)
    assert store.scalar("SELECT count(*) FROM sponsor_aliases WHERE sponsor_id = ?", [new.id]) == 0
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        if table != "sponsors":   # Linode came and went
            assert same_rows(rows, after[table]), table


def test_v10_fixture_opens_as_current_with_its_aliases(tmp_path):
    from sponsortrack.services import catalog as cat

    target = tmp_path / "v10.db"
    shutil.copy(FIXTURES / "schema_v10.db", target)
    before = table_dump(target)
    store = Store(target)
    assert store.pending_migrations() == [] and store.schema_version() == len(dbmod.MIGRATION_NAMES)
    assert {s.name: s.aliases for s in cat.list_sponsors(store)} == {
        "Brave": [], "DigitalOcean": ["DO", "Sammy the Shark"], "Fastly": ["Fastly CDN"]}
    assert cat.resolve_sponsor(store, "sammy the shark").name == "DigitalOcean"
    store.close()
    after = table_dump(target)
    for table, rows in before.items():
        assert same_rows(rows, after[table]), table


@pytest.fixture
def pending_next(monkeypatch):
    """Pretend a next migration exists: a new column on sponsors and a renamed-by-transform table."""
    m = Migrations(migmod.MIGRATION_SET)
    for mig in migmod.migrations._migrations:
        m._migrations.append(mig)

    @m()
    def m099_test_upgrade(db):
        db["sponsors"].add_column("website", str)
        db["ad_reads"].transform(types={"notes": str})  # a table rebuild, as real migrations do
        migmod.rebuild_triggers(db)  # transform() dropped the table's triggers

    monkeypatch.setattr(migmod, "migrations", m)
    monkeypatch.setattr(dbmod, "MIGRATION_NAMES", (*dbmod.MIGRATION_NAMES, "m099_test_upgrade"))
    return m


def test_upgrade_backs_up_first_and_loses_nothing(v1_copy, pending_next):
    before = table_dump(v1_copy)
    store = Store(v1_copy)
    assert store.pending_migrations() == []
    assert len(store.backups) == 1
    backup = store.backups[0]
    assert backup.exists() and "before-m002_read_search" in backup.name
    assert table_dump(backup) == before  # the backup is the file as it was
    store.close()
    after = table_dump(v1_copy)
    for table, rows in before.items():
        if table == "sponsors":
            assert [r[:len(rows[0])] for r in after[table]] != []
            assert len(after[table]) == len(rows)
        else:
            assert same_rows(rows, after[table]), table
    store = Store(v1_copy)
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_failed_migration_leaves_file_as_it_was(v1_copy, monkeypatch):
    m = Migrations(migmod.MIGRATION_SET)
    for mig in migmod.migrations._migrations:
        m._migrations.append(mig)

    @m()
    def m099_broken(db):
        db.execute("ALTER TABLE sponsors ADD COLUMN website TEXT")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(migmod, "migrations", m)
    monkeypatch.setattr(dbmod, "MIGRATION_NAMES", (*dbmod.MIGRATION_NAMES, "m099_broken"))
    before = table_dump(v1_copy)
    with pytest.raises(DatabaseError, match="upgrading the schema failed .migration bug.; the file is unchanged"):
        Store(v1_copy)
    assert table_dump(v1_copy) == before
    cols = [r[1] for r in sqlite3.connect(v1_copy).execute("PRAGMA table_info(sponsors)")]
    assert "website" not in cols
