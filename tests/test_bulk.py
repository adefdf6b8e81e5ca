"""store.bulk.bulk_load: the generator's fast path puts every trigger and index back and the search works."""

import pytest

from sponsortrack.services import reads as rsvc
from sponsortrack.store.bulk import bulk_load, insert_rows


def schema(store) -> list[tuple]:
    return store.conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') ORDER BY name").fetchall()


def test_bulk_load_restores_triggers_indexes_and_search(demo_store):
    before = schema(demo_store)
    n_reads = demo_store.scalar("SELECT count(*) FROM ad_reads")
    ep = demo_store.query_one("SELECT id FROM episodes ORDER BY id LIMIT 1")["id"]
    sp = demo_store.query_one("SELECT id FROM sponsors ORDER BY id LIMIT 1")["id"]
    logged = demo_store.scalar("SELECT count(*) FROM change_log")
    with bulk_load(demo_store):
        assert not [r for r in schema(demo_store) if r[2] and r[0] == "trigger"
                    and "ad_reads" in r[2].split(" BEGIN")[0]]
        insert_rows(demo_store, "ad_reads", ["episode_id", "sponsor_id", "placement", "position", "notes"],
                    [(ep, sp, "post", 90 + i, f"zebracorn {i}") for i in range(5)])
    assert schema(demo_store) == before
    assert demo_store.scalar("SELECT count(*) FROM ad_reads") == n_reads + 5
    assert demo_store.scalar("SELECT count(*) FROM change_log") == logged  # audit lifted while loading
    assert len(rsvc.list_reads(demo_store, search="zebracorn")) == 5  # the search index was rebuilt
    assert len(rsvc.list_reads(demo_store, search="Blacklisted")) >= 3
    assert demo_store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_bulk_load_failure_rolls_back_everything(demo_store):
    before = schema(demo_store)
    n_reads = demo_store.scalar("SELECT count(*) FROM ad_reads")
    ep = demo_store.query_one("SELECT id FROM episodes ORDER BY id LIMIT 1")["id"]
    sp = demo_store.query_one("SELECT id FROM sponsors ORDER BY id LIMIT 1")["id"]
    with pytest.raises(RuntimeError), bulk_load(demo_store):
        insert_rows(demo_store, "ad_reads", ["episode_id", "sponsor_id", "placement", "position"],
                    [(ep, sp, "post", 91)])
        raise RuntimeError("generator failed")
    assert schema(demo_store) == before
    assert demo_store.scalar("SELECT count(*) FROM ad_reads") == n_reads


def _generator():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "make_big_db.py"
    spec = importlib.util.spec_from_file_location("make_big_db", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _dump(path) -> list:
    import sqlite3

    con = sqlite3.connect(path)
    out = [con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
           for t in ("shows", "episodes", "sponsors", "campaigns", "ad_reads", "download_snapshots")]
    con.close()
    return out


def test_generator_is_reproducible_and_scales_the_width(tmp_path):
    gen = _generator()
    a, b, wide = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "wide.db"
    counts = gen.build(a, 20_000, seed=7)
    gen.build(b, 20_000, seed=7)
    assert _dump(a) == _dump(b)
    wide_counts = gen.build(wide, 40_000, seed=7, scale=2)  # the same reads per episode, twice the width
    assert counts["shows"] == 20 and wide_counts["shows"] == 40
    assert wide_counts["sponsors"] == 2 * counts["sponsors"] and wide_counts["campaigns"] == 600
    assert wide_counts["episodes"] == 2 * counts["episodes"]
    assert 1.8 < wide_counts["ad_reads"] / counts["ad_reads"] < 2.2
