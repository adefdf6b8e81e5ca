"""Import benchmarks, each figure printed next to its reference as a ratio.

1. A CSV of 100,000 reads imported with ``import csv --kind reads`` (decode, map, validate every
   row, one transaction), next to sqlite-utils ``insert_all`` of the same rows into the same schema
   in the same run. Target: at least 0.7x its throughput.
2. An RSS feed of 1,000 items (show, episodes, show notes parsed, proposed reads applied): < 2 s.
3. Parsing 10,000 episodes' show notes: < 5 s.

    python bench/imports.py [--reads 100000] [--items 1000] [--notes 10000]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # tests/support: sample generators

from sqlite_utils import Database
from support import samples

from sponsortrack.importers.shownotes import parse_show_notes
from sponsortrack.services import imports
from sponsortrack.store import Store
from sponsortrack.store import imports as istore

SHOWS = 20
EPISODES_PER_SHOW = 520
SPONSORS = 60


def base_db(path: Path) -> None:
    """Shows, sponsors, campaigns and episodes; no reads."""
    store = Store(path)
    rnd = random.Random(2019)
    batch = istore.Batch()
    store.conn.execute("BEGIN")
    for i in range(SHOWS):
        store.conn.execute("INSERT INTO shows (id, name, website) VALUES (?, ?, ?)",
                           [i + 1, f"Show {i + 1}", f"https://show{i + 1}.fm"])
    for i in range(SPONSORS):
        store.conn.execute("INSERT INTO sponsors (id, name, domains) VALUES (?, ?, ?)",
                           [i + 1, f"Sponsor {i + 1}", f'["sponsor{i + 1}.com"]'])
        store.conn.execute(
            "INSERT INTO campaigns (sponsor_id, name, start_date, end_date, pricing, rate_minor, promo_url, "
            "promo_code) VALUES (?, ?, '2015-01-01', '2025-12-31', 'flat', 150000, ?, ?)",
            [i + 1, "Always on", f"https://sponsor{i + 1}.com/pod", f"POD{i + 1}"])
    store.conn.execute("COMMIT")
    for s in range(SHOWS):
        for n in range(1, EPISODES_PER_SHOW + 1):
            day = f"{2015 + n // 52:04d}-{(n % 12) + 1:02d}-{(n % 28) + 1:02d}"
            batch.episodes_insert.append({"key": (s, n), "show_id": s + 1, "number": n, "title": f"Episode {n}",
                                          "published_on": day})
    istore.write_batch(store, batch)
    del rnd
    store.close()


def reads_rows(n: int) -> tuple[bytes, list[dict]]:
    """The CSV the producer imports, and the same reads as rows for insert_all."""
    rnd = random.Random(7)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Show", "Episode", "Sponsor", "Placement", "Position", "Read type", "Promo URL", "Promo code",
                "Status"])
    rows = []
    used: set[tuple[int, int, str, int]] = set()
    ep_ids = {(s, e): s * EPISODES_PER_SHOW + e for s in range(SHOWS) for e in range(1, EPISODES_PER_SHOW + 1)}
    while len(rows) < n:
        s, e = rnd.randrange(SHOWS), rnd.randint(1, EPISODES_PER_SHOW)
        sp = rnd.randint(1, SPONSORS)
        placement = rnd.choice(("pre", "mid", "post"))
        pos = rnd.randint(1, 4)
        key = (s, e, placement, pos)
        if key in used:
            continue
        used.add(key)
        url = f"sponsor{sp}.com/pod"
        code = f"POD{sp}"
        w.writerow([f"Show {s + 1}", e, f"Sponsor {sp}", placement, pos, "host", url, code, "aired"])
        rows.append({"episode_id": ep_ids[(s, e)], "sponsor_id": sp, "campaign_id": sp, "placement": placement,
                     "position": pos, "read_type": "host", "promo_url": f"https://{url}", "promo_code": code,
                     "status": "aired", "source": "csv import"})
    return out.getvalue().encode("utf-8"), rows


def bench_csv(n: int, tmp: Path) -> tuple[float, float]:
    base = tmp / "base.db"
    base_db(base)
    data, rows = reads_rows(n)
    a, b = tmp / "a.db", tmp / "b.db"
    shutil.copy(base, a)
    shutil.copy(base, b)

    db = Database(b)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    t = time.perf_counter()
    with db.conn:
        db["ad_reads"].insert_all(rows, batch_size=1000)
    ref = time.perf_counter() - t
    assert db.execute("SELECT count(*) FROM ad_reads").fetchone()[0] == n
    db.close()

    store = Store(a)
    csv_path = tmp / "reads.csv"
    csv_path.write_bytes(data)
    t = time.perf_counter()
    result = imports.import_reads_csv(store, csv_path)
    ours = time.perf_counter() - t
    assert result.written and not result.problems, result.problems[:3]
    assert store.scalar("SELECT count(*) FROM ad_reads") == n
    store.close()
    return ours, ref


def bench_rss(items: int, tmp: Path) -> float:
    store = Store(tmp / "rss.db")
    data = samples.feed_xml(items)
    path = tmp / "feed.xml"
    path.write_bytes(data)
    t = time.perf_counter()
    result = imports.import_rss(store, str(path), apply=True)
    elapsed = time.perf_counter() - t
    assert len(result.added) == items and result.reads_created > items, (len(result.added), result.reads_created)
    store.close()
    return elapsed


def bench_notes(n: int) -> tuple[float, int]:
    rnd = random.Random(3)
    notes = [samples.show_notes(i, rnd.sample(samples.SPONSORS, rnd.randint(1, 4)), "bench") for i in range(n)]
    t = time.perf_counter()
    found = sum(len(parse_show_notes(x)) for x in notes)
    return time.perf_counter() - t, found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reads", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--notes", type=int, default=10_000)
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ours, ref = bench_csv(args.reads, tmp)
        ratio = (args.reads / ours) / (args.reads / ref)
        ok &= ratio >= 0.7
        print(f"CSV import of {args.reads:,} reads: {ours:.2f} s ({args.reads / ours:,.0f} rows/s); "
              f"sqlite-utils insert_all of the same rows: {ref:.2f} s ({args.reads / ref:,.0f} rows/s); "
              f"ratio {ratio:.2f}x (target >= 0.70x) {'OK' if ratio >= 0.7 else 'MISSED'}")
        rss_s = bench_rss(args.items, tmp)
        ok &= rss_s < 2.0
        print(f"RSS feed of {args.items:,} items (episodes + show notes + reads applied): {rss_s:.2f} s; "
              f"target 2.00 s; ratio {rss_s / 2.0:.2f} of the budget {'OK' if rss_s < 2.0 else 'MISSED'}")
    notes_s, found = bench_notes(args.notes)
    ok &= notes_s < 5.0
    print(f"Parsing {args.notes:,} show notes ({found:,} sponsors found): {notes_s:.2f} s; target 5.00 s; "
          f"ratio {notes_s / 5.0:.2f} of the budget {'OK' if notes_s < 5.0 else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
