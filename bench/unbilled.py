"""The unbilled figures (dashboard card, network summary's "unbilled earlier") on a big database.

    python bench/make_big_db.py -o /tmp/big.db --scale 10     # about 1,000,000 reads
    python bench/unbilled.py /tmp/big.db [--before 2026-06-01]

Opening a database of an earlier schema upgrades it (m009 back-fills the counters): that time is printed
too. Then the best of three runs of ``dashboard.unbilled_summary`` and ``invoices.unbilled_before``, and
the size of the counters table they read."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.services import dashboard
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--before", default="2026-06-01")
    args = ap.parse_args()
    t = time.perf_counter()
    store = Store(args.db)
    opened = time.perf_counter() - t
    print(f"open (upgrading if needed): {opened * 1000:.0f} ms")
    reads = store.scalar("SELECT count(*) FROM ad_reads")
    rows = store.scalar("SELECT count(*) FROM unbilled_months")
    print(f"{reads:,} reads, {rows:,} counter rows (sponsor-months)")
    for name, call in (("unbilled_summary", lambda: dashboard.unbilled_summary(store)),
                       ("unbilled_before", lambda: istore.unbilled_before(store, args.before))):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            out = call()
            times.append(time.perf_counter() - t)
        print(f"{name}: best {min(times) * 1000:.1f} ms ({len(out)} sponsors, "
              f"{sum(r['reads'] for r in out):,} reads)")
    store.close()


if __name__ == "__main__":
    main()
