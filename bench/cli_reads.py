"""Benchmark: ``sponsortrack reads list --month YYYY-MM --format json`` as a whole process,
next to the same query through the plain ``sqlite3`` shell (``-json``) in the same run.

    python bench/make_big_db.py        # once: builds bench/big.db
    python bench/cli_reads.py [--db bench/big.db] [--month 2024-06] [--runs 15]

Targets (issue 2): the CLI under 0.5 s, and within 3x of the plain query's process. Two plain
references run: the same SQL and JSON through Python's stdlib ``sqlite3`` (same interpreter, so the
ratio measures what sponsortrack adds), and the ``sqlite3`` shell (C, no interpreter start).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sponsortrack.store.reads import _ROW_SELECT, AIR_DATE  # noqa: E402
from sponsortrack.validation import month_bounds  # noqa: E402

PLAIN_PY = (
    "import json, sqlite3, sys\n"
    "con = sqlite3.connect(sys.argv[1])\n"
    "cur = con.execute(sys.argv[2])\n"
    "cols = [d[0] for d in cur.description]\n"
    "print(json.dumps([dict(zip(cols, r)) for r in cur], indent=2))\n"
)


def timed(cmd: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    return time.perf_counter() - t0, len(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "bench" / "big.db"))
    ap.add_argument("--month", default="2024-06")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    db = Path(args.db)
    if not db.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_big_db.py"), "-o", str(db)], check=True)
    sqlite = shutil.which("sqlite3")
    if not sqlite:
        sys.exit("the plain sqlite3 shell is needed as the reference (Debian: apt-get install sqlite3)")
    first, last = month_bounds(args.month)
    sql = (f"{_ROW_SELECT} WHERE {AIR_DATE} >= '{first}' AND {AIR_DATE} <= '{last}' "
           f"ORDER BY {AIR_DATE}, sh.name, e.number, r.placement, r.position, r.id;")
    cli = [sys.executable, "-m", "sponsortrack", "--db", str(db), "reads", "list", "--month", args.month,
           "--format", "json"]
    shell = [sqlite, "-json", "-readonly", str(db), sql]
    # The same query and JSON through Python's plain sqlite3 module: the reference with the same interpreter.
    py = [sys.executable, "-c", PLAIN_PY, str(db), sql]
    bare = [sys.executable, "-c", "pass"]
    cmds = {"cli": cli, "py": py, "shell": shell, "bare": bare}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    size: dict[str, int] = {}
    for cmd in cmds.values():
        timed(cmd)  # warm the page cache
    for _ in range(args.runs):  # interleaved, so all see the same machine
        for k, cmd in cmds.items():
            t, size[k] = timed(cmd)
            times[k].append(t)
    m = {k: statistics.median(v) for k, v in times.items()}
    print(f"reads list --month {args.month} --format json on {db.name} (median of {args.runs} runs)")
    print(f"  sponsortrack CLI process          : {m['cli'] * 1000:7.1f} ms  {size['cli']:>9,} B   target < 500 ms")
    print(f"  plain Python sqlite3 + json       : {m['py'] * 1000:7.1f} ms  {size['py']:>9,} B   "
          f"ratio {m['cli'] / m['py']:.2f}x  target <= 3x")
    print(f"  sqlite3 shell -json               : {m['shell'] * 1000:7.1f} ms  {size['shell']:>9,} B   "
          f"ratio {m['cli'] / m['shell']:.2f}x")
    print(f"  bare interpreter (python -c pass) : {m['bare'] * 1000:7.1f} ms              "
          f"(the floor of any Python process here; {m['bare'] / m['shell']:.1f}x the shell)")


if __name__ == "__main__":
    main()
