import sqlite3

import pytest

from sponsortrack.errors import DatabaseError, SponsortrackError
from sponsortrack.services import catalog
from sponsortrack.store import Store, changelog
from sponsortrack.store import reads as rstore
from sponsortrack.store.migrations import migrations
from sponsortrack.store.version import MIGRATION_NAMES


def test_fresh_database_has_schema_wal_and_foreign_keys(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.pending_migrations() == []
    names = set(store.db.table_names())
    assert {"shows", "episodes", "sponsors", "agencies", "campaigns", "ad_reads", "download_snapshots",
            "link_checks", "invoices", "invoice_lines", "settings", "change_log"} <= names


def test_version_module_lists_every_migration():
    assert tuple(m.name for m in migrations._migrations) == MIGRATION_NAMES


def test_sponsor_names_unique_regardless_of_case(store):
    store.conn.execute("INSERT INTO sponsors (name) VALUES ('DigitalOcean')")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("INSERT INTO sponsors (name) VALUES ('digitalocean')")


@pytest.mark.parametrize(("sql", "what"), [
    ("INSERT INTO ad_reads (episode_id, sponsor_id, placement) VALUES (1, 1, 'middle')", "CHECK"),
    ("INSERT INTO ad_reads (episode_id, sponsor_id, placement, read_type) VALUES (1, 1, 'pre', 'robot')", "CHECK"),
    ("INSERT INTO ad_reads (episode_id, sponsor_id, placement, status) VALUES (1, 1, 'pre', 'lost')", "CHECK"),
    ("INSERT INTO ad_reads (episode_id, sponsor_id, placement) VALUES (999, 1, 'pre')", "FOREIGN KEY"),
    ("INSERT INTO campaigns (sponsor_id, name, start_date, end_date, pricing, rate_minor) "
     "VALUES (1, 'x', '2019-01-01', '2019-02-01', 'barter', 100)", "CHECK"),
    ("INSERT INTO campaigns (sponsor_id, name, start_date, end_date, pricing, rate_minor) "
     "VALUES (1, 'x', '2019-03-01', '2019-02-01', 'flat', 100)", "CHECK"),
    ("INSERT INTO campaigns (sponsor_id, name, start_date, end_date, pricing, rate_minor) "
     "VALUES (1, 'x', '2019-01-01', 'soon', 'flat', 100)", "CHECK"),
    ("INSERT INTO invoices (sponsor_id, status) VALUES (1, 'lost')", "CHECK"),
    ("INSERT INTO link_checks (url, verdict) VALUES ('https://x.com', 'fine')", "CHECK"),
])
def test_constraints(store, sql, what):
    store.conn.execute("INSERT INTO shows (id, name) VALUES (1, 'S')")
    store.conn.execute("INSERT INTO episodes (id, show_id, number, title) VALUES (1, 1, 1, 'E')")
    store.conn.execute("INSERT INTO sponsors (id, name) VALUES (1, 'Sp')")
    store.conn.commit()
    with pytest.raises(sqlite3.IntegrityError, match=what):
        store.conn.execute(sql)


def test_change_log_records_reads_campaigns_with_before_and_after(demo_store):
    read = rstore.list_reads(demo_store, limit=1)[0]
    rstore.update_read(demo_store, read.id, {"promo_code": "CHANGELOG50"})
    entries = changelog.history(demo_store, "read", read.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].before["promo_code"] is None
    assert entries[0].after["promo_code"] == "CHANGELOG50"
    rstore.delete_reads(demo_store, [read.id]) if read.make_good_of is None else None
    assert changelog.history(demo_store, "campaign")


def test_write_rolls_back_everything_on_error(store):
    with pytest.raises(RuntimeError), store.write():
        store.conn.execute("INSERT INTO shows (name) VALUES ('A')")
        with store.write():  # nested: a savepoint
            store.conn.execute("INSERT INTO shows (name) VALUES ('B')")
        raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM shows") == 0


def test_nested_savepoint_rolls_back_only_inner(store):
    with store.write():
        store.conn.execute("INSERT INTO shows (name) VALUES ('A')")
        with pytest.raises(SponsortrackError), store.write():
            store.conn.execute("INSERT INTO shows (name) VALUES ('B')")
            catalog.add_show(store, name="A")  # duplicate: refused inside
    assert [s.name for s in catalog.list_shows(store)] == ["A"]


def test_not_sqlite_file_is_refused_and_untouched(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("this is my show notes file, not a database\n" * 10)
    before = p.read_bytes()
    with pytest.raises(DatabaseError, match="is not an SQLite database file"):
        Store(p)
    assert p.read_bytes() == before


def test_corrupt_file_is_refused_and_untouched(tmp_path, db_path):
    s = Store(db_path)
    s.close()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        (db_path.parent / (db_path.name + suffix)).unlink(missing_ok=True)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="corrupt"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_read_only_file_is_refused(tmp_path, db_path):
    Store(db_path).close()
    db_path.chmod(0o444)
    try:
        import os
        if os.geteuid() == 0:
            pytest.skip("root can write to read-only files")
        with pytest.raises(DatabaseError, match="read-only"):
            Store(db_path)
    finally:
        db_path.chmod(0o644)


def test_read_only_file_is_refused_as_seen_by_a_normal_user(db_path, monkeypatch):
    """Root may write anywhere, so simulate what a normal user's permission check sees."""
    import os

    Store(db_path).close()
    before = db_path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if (mode == os.W_OK and str(p) == str(db_path))
                        else real_access(p, mode))
    with pytest.raises(DatabaseError, match="is read-only; choose a writable file or copy it"):
        Store(db_path)
    assert db_path.read_bytes() == before


def test_directory_and_missing_folder_are_refused(tmp_path):
    with pytest.raises(DatabaseError, match="is a directory"):
        Store(tmp_path)
    with pytest.raises(DatabaseError, match="does not exist"):
        Store(tmp_path / "nope" / "x.db")


def test_newer_schema_is_refused(store, db_path):
    store.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                       "VALUES ('sponsortrack', 'm999_future', 'now')")
    store.conn.commit()
    store.close()
    with pytest.raises(DatabaseError, match="newer sponsortrack"):
        Store(db_path)


def test_backup_copies_a_consistent_database(demo_store, tmp_path):
    target = demo_store.backup(tmp_path / "copy.db")
    copy = Store(target)
    assert copy.scalar("SELECT count(*) FROM ad_reads") == demo_store.scalar("SELECT count(*) FROM ad_reads")
    copy.close()


def _search_ids(store, text):
    return {r.id for r in rstore.list_reads(store, rstore.ReadFilter(search=text))}


def _python_search_ids(store, text):
    t = text.lower()
    out = set()
    for r in rstore.list_reads(store):
        fields = [r.sponsor_name, r.episode_title, r.show_name, r.promo_url or "", r.promo_code or "", r.notes or ""]
        if any(t in f.lower() for f in fields):
            out.add(r.id)
    return out


def test_search_index_follows_every_change(demo_store):
    s = demo_store
    sp = catalog.resolve_sponsor(s, "Fastly")
    n = len(_search_ids(s, "fastly"))
    assert n > 10
    catalog.edit_sponsor(s, sp.id, name="Fastly Edge")
    assert len(_search_ids(s, "fastly edge")) == n
    ep = catalog.resolve_episode(s, "Practical AI", 62)
    catalog.edit_episode(s, ep.id, title="Surveillance and sanctions")
    assert len(_search_ids(s, "sanctions")) == 3
    show = catalog.resolve_show(s, "The Changelog")
    catalog.edit_show(s, show.id, name="Changelog Interviews")
    assert _search_ids(s, "interviews") == {r.id for r in rstore.list_reads(s) if r.show_id == show.id}
    read = rstore.list_reads(s, limit=1)[0]
    rstore.update_read(s, read.id, {"notes": "host ad-libbed the zebra joke"})
    assert _search_ids(s, "zebra") == {read.id}
    rstore.update_read(s, read.id, {"notes": None})
    assert _search_ids(s, "zebra") == set()


def test_short_and_odd_search_terms(demo_store):
    s = demo_store
    assert _search_ids(s, "AI") == _python_search_ids(s, "AI")
    assert _search_ids(s, "%") == _python_search_ids(s, "%") == set()
    assert _search_ids(s, '"do.co"') == set()
    assert _search_ids(s, "do.co/") == _python_search_ids(s, "do.co/")
    assert _search_ids(s, "C++ or ' OR 1=1 --") == set()


@pytest.mark.parametrize("term", ["digital", "OCEAN", "changelog", "Practical", "fast", "brave", "/changlog",
                                  "blacklisted", "make-good", "episode 58", "ranslat"])
def test_index_search_equals_substring_search(demo_store, term):
    assert _search_ids(demo_store, term) == _python_search_ids(demo_store, term)


def test_a_shorter_busy_timeout_survives_writes_that_announce_waiting(tmp_path):
    """The window shortens the wait for another process's lock; a write that may announce waiting
    (``on_wait``) put the long timeout back after it, since only the PRAGMA had changed."""
    with Store(tmp_path / "w.db", on_wait=lambda: None) as s:
        s.set_busy_timeout(1_500)
        with s.write():
            s.conn.execute("CREATE TABLE t (x)")
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1_500 == s.busy_timeout_ms
