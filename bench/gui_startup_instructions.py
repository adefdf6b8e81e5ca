"""Start-up in instructions: process start -> window shown and the event loop idle, counted by valgrind's
callgrind, for sponsortrack and for the bare PySide6 window of ``gui_startup.py``, in the same run.

Instruction counts do not move with the machine's load (wall-clock medians here move by several per cent
between runs on 2 shared cores), so this is the steadier way to see whether a change made start-up cheaper.
It is not the target's measure — ``gui_startup.py`` times the real thing, page faults and dynamic loading
included, which callgrind does not count as instructions — but the two move together.
Each process stops at its ``idle`` line (``os._exit``), so what runs after the first frame is not counted.

    python bench/gui_startup_instructions.py [--db bench/big.db] [--runs 2]

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); about 10 s a run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from gui_startup import BARE  # noqa: E402  (the start-up benchmark's bare window)

STOP_AT_IDLE = """
import builtins, os, sys
_print = builtins.print
def _stop(*a, **k):
    if a and a[0] == "idle":
        sys.stdout.flush()
        os._exit(0)
    return _print(*a, **k)
builtins.print = _stop
"""
APP = STOP_AT_IDLE + "from sponsortrack.launch import main\nmain(sys.argv[1:])\n"


def instructions(code: str, args: list[str], env: dict[str, str], tmp: Path) -> int:
    out = tmp / "callgrind.out"
    res = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c",
                          code, *args], env=env, capture_output=True, text=True, timeout=600)
    m = re.search(r"Collected : (\d+)", res.stderr)
    if not m:
        raise RuntimeError(f"valgrind printed no count (exit {res.returncode}): {res.stderr[-400:]}")
    out.unlink(missing_ok=True)
    return int(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "big.db")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    if not args.db.exists():
        print(f"{args.db} is missing: run python bench/make_big_db.py first", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="st-bench-ir-"))
    try:
        db = tmp / "big.db"
        shutil.copy(args.db, db)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPONSORTRACK_QUIT_WHEN_IDLE": "1",
               "SPONSORTRACK_SETTINGS": str(tmp / "settings.ini"), "PYTHONHASHSEED": "0",
               "PYTHONPYCACHEPREFIX": str(tmp / "pycache"), "PYTHONPATH": str(ROOT)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        bare = STOP_AT_IDLE + BARE
        app_args = ["--db", str(db), "gui"]
        instructions(bare, [], env, tmp)  # bytecode written, the migration (if any) applied
        instructions(APP, app_args, env, tmp)
        app_n, bare_n = [], []
        for _ in range(args.runs):
            bare_n.append(instructions(bare, [], env, tmp))
            app_n.append(instructions(APP, app_args, env, tmp))
        a, b = statistics.median(app_n), statistics.median(bare_n)
        print(f"instructions to idle window: sponsortrack {a / 1e6:.1f} M, bare PySide6 window {b / 1e6:.1f} M, "
              f"ratio {a / b:.3f}x (wall-clock target in gui_startup.py: <= 1.3x)")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
