"""Score the show-notes reader on real show notes (tests/fixtures/real) against hand-written truth.

For each file it runs ``parse_show_notes`` and compares what it found with ``truth.json``:

* recall     - truth sponsors that were found / truth sponsors
* precision  - found sponsors that are real / found sponsors
* URLs right - of the sponsors found, those whose promo URL is the truth's (both absent counts as right)
* codes right- of the sponsors found, those whose promo code is the truth's (case-insensitive)
* exact      - files ("blocks") where exactly the truth's sponsors were found, each with the right URL and code

A found sponsor is the same as a truth sponsor when the names agree ignoring case, spaces and punctuation
(or one starts with the other, 4+ letters), when it equals one of the truth's ``aliases``, or when both have
the same promo URL. Figures are printed for the tuning files (and, among them, the ten that were the first
held-out set, the fourteen of the second and the twenty-one of the third). Held-out set 4 (``split: holdout4``,
see the README) is scored
only with ``--holdout``, and then only as aggregate lines: ``--files`` never prints a held-out file, so tuning
runs cannot peek at them.

    python bench/shownotes_score.py [--files] [--holdout] [--json] [--dir tests/fixtures/real]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.importers.shownotes import parse_show_notes

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"
HOLDOUT = "holdout4"


def norm_url(url: str | None) -> str | None:
    if not url:
        return None
    s = url.strip().lower()
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s)
    s = s.removeprefix("www.")
    return s.rstrip("/") or None


def squash(name: str) -> str:
    s = re.sub(r"[^a-z0-9]", "", name.lower())
    return s[3:] if s.startswith("the") and len(s) > 6 else s


def _same_name(found: str, truth: dict) -> bool:
    fk = squash(found)
    if not fk:
        return False
    for n in [truth["name"], *truth.get("aliases", [])]:
        tk = squash(n)
        if fk == tk:
            return True
        if min(len(fk), len(tk)) >= 4 and (fk.startswith(tk) or tk.startswith(fk)):
            return True
    return False


def same(found, truth: dict) -> bool:
    if _same_name(found.name, truth):
        return True
    fu, tu = norm_url(found.promo_url), norm_url(truth.get("promo_url"))
    return bool(fu and tu and fu == tu)


def _code(c: str | None) -> str | None:
    return c.strip().lower() if c else None


@dataclass
class FileScore:
    name: str
    split: str
    truth: int = 0
    found: int = 0
    matched: int = 0
    urls_right: int = 0
    codes_right: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return (self.matched == self.truth == self.found and self.urls_right == self.matched
                and self.codes_right == self.matched)


def score_file(path: Path, entry: dict) -> FileScore:
    text = path.read_text(encoding="utf-8")
    found = parse_show_notes(text)
    truth = entry["sponsors"]
    fs = FileScore(path.name, entry.get("split", "tune"), truth=len(truth), found=len(found))
    used: set[int] = set()
    for t in truth:
        hit = next((i for i, f in enumerate(found) if i not in used and same(f, t)), None)
        if hit is None:
            fs.problems.append(f"missed {t['name']!r}")
            continue
        used.add(hit)
        f = found[hit]
        fs.matched += 1
        if norm_url(f.promo_url) == norm_url(t.get("promo_url")):
            fs.urls_right += 1
        else:
            fs.problems.append(f"{t['name']}: URL {f.promo_url!r}, truth {t.get('promo_url')!r}")
        if _code(f.promo_code) == _code(t.get("promo_code")):
            fs.codes_right += 1
        else:
            fs.problems.append(f"{t['name']}: code {f.promo_code!r}, truth {t.get('promo_code')!r}")
    for i, f in enumerate(found):
        if i not in used:
            fs.problems.append(f"extra {f.name!r} ({f.promo_url})")
    return fs


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "   - "


def totals(scores: list[FileScore]) -> dict[str, object]:
    t = sum(s.truth for s in scores)
    f = sum(s.found for s in scores)
    m = sum(s.matched for s in scores)
    return {
        "files": len(scores),
        "truth": t,
        "found": f,
        "matched": m,
        "recall": m / t if t else None,
        "precision": m / f if f else None,
        "urls_right": sum(s.urls_right for s in scores) / m if m else None,
        "codes_right": sum(s.codes_right for s in scores) / m if m else None,
        "exact_blocks": sum(s.exact for s in scores),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--files", action="store_true", help="print every file's line and its problems")
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("--holdout", action="store_true",
                    help="also score held-out set 4 (aggregate lines only; see the README before using it)")
    args = ap.parse_args(argv)
    truth = json.loads((args.dir / "truth.json").read_text(encoding="utf-8"))["files"]
    wanted = sorted(n for n, e in truth.items() if args.holdout or e.get("split", "tune") != HOLDOUT)
    scores = [score_file(args.dir / name, truth[name]) for name in wanted]
    tuning = [s for s in scores if s.split != HOLDOUT]
    groups = {"tuning": tuning,
              "  h-o 1": [s for s in tuning if truth[s.name].get("was_holdout") is True],
              "  h-o 2": [s for s in tuning if truth[s.name].get("was_holdout") == "holdout2"],
              "  h-o 3": [s for s in tuning if truth[s.name].get("was_holdout") == "holdout3"]}
    if args.holdout:
        groups["held-out-4"] = [s for s in scores if s.split == HOLDOUT]
        groups["all"] = scores
    if args.json:
        print(json.dumps({k.strip(): totals(v) for k, v in groups.items()}, indent=2))
        return 0
    if args.files:
        print(f"{'file':40} {'split':8} truth found  ok  url code exact")
        for s in tuning:
            print(f"{s.name:40} {s.split:8} {s.truth:5} {s.found:5} {s.matched:3} {s.urls_right:4} "
                  f"{s.codes_right:4} {'yes' if s.exact else 'no'}")
            for p in s.problems:
                print(f"    {p}")
        print()
    print(f"{'':10} files truth found  recall  precision  URLs right  codes right  exact blocks")
    for label, group in groups.items():
        t = sum(s.truth for s in group)
        f = sum(s.found for s in group)
        m = sum(s.matched for s in group)
        print(f"{label:10} {len(group):5} {t:5} {f:5} {_pct(m, t):>7} {_pct(m, f):>10} "
              f"{_pct(sum(s.urls_right for s in group), m):>11} {_pct(sum(s.codes_right for s in group), m):>12}"
              f"  {sum(s.exact for s in group):3} of {len(group)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
