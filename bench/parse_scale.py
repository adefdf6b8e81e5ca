"""Parsing scale: pathological show notes and CSV headers at 1x, 2x and 4x, printed as time ratios.

Linear parsing doubles its time when the input doubles (ratios near 2 and 4); quadratic parsing
quadruples it (4 and 16). The tests prove linearity by counting work (tests/test_trust_parse_scale.py);
this prints wall-clock figures for docs/benchmarks.md.

    python bench/parse_scale.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.importers import shownotes, tabular


def chapter(i: int, title: str) -> str:
    return f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} {title}"


CASES = {
    "show notes: 'Sponsored by Foo Bar. ' x 4,500 (99 KB)":
        lambda k: shownotes.parse_show_notes("Sponsored by Foo Bar. " * (4_500 * k)),
    "show notes: 4,500 chapter lines, every other a sponsor (100 KB)":
        lambda k: shownotes.parse_show_notes("\n".join(
            chapter(i, f"Sponsor: Brand{i}" if i % 2 else f"Topic {i}") for i in range(4_500 * k))),
    "CSV header: 2,500 columns":
        lambda k: tabular.map_columns(tabular.READS, tabular.read_table(
            (",".join(["show", "episode", "sponsor"] + [f"c{i}" for i in range(2_500 * k - 3)]) + "\n").encode()
        ).headers),
}


def best_of(fn, k: int, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    print("| input | 1x | 2x | 4x | 2x / 1x | 4x / 1x |")
    print("|---|---|---|---|---|---|")
    for name, fn in CASES.items():
        t1, t2, t4 = (best_of(fn, k) for k in (1, 2, 4))
        print(f"| {name} | {t1 * 1000:.0f} ms | {t2 * 1000:.0f} ms | {t4 * 1000:.0f} ms | "
              f"{t2 / t1:.2f} | {t4 / t1:.2f} |")
    big = "Sponsored by Foo Bar. " * 45_000 + "\n".join(chapter(i, "Sponsor: Acme") for i in range(52_000))
    t0 = time.perf_counter()
    shownotes.parse_show_notes(big)
    ms = (time.perf_counter() - t0) * 1000
    print(f"\nthe issue's case, 45,000 sentences + 52,000 chapter lines ({len(big) / 1e6:.1f} MB): {ms:.0f} ms")


if __name__ == "__main__":
    main()
