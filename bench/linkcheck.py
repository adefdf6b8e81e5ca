"""Benchmark: the promo-link checker on 500 URLs over 50 loopback "domains" that answer after 200 ms.

    python bench/linkcheck.py [--urls 500] [--hosts 50] [--latency 0.2] [--concurrency 32] [--per-host 4]
                              [--sample 50] [--json]

The loopback servers (sponsortrack.linkcheck.loopback, one per address 127.0.0.2 … 127.0.0.51) run
in a child process so the measured process holds only the checker. Every request waits
``latency`` before it is answered, so a redirect hop or a HEAD→GET fallback costs one more latency.

Printed, all from the same run:
* the checker's wall time;
* a plain sequential loop (``for url in urls: check_url(url)``) timed on a stratified sample of
  ``--sample`` URLs and extrapolated to all of them (500 × 0.2 s would take 100 s and more);
* the ideal ``latency × ⌈N / C⌉`` with C = min(concurrency, hosts × per-host cap), counting one
  request per URL, and the work ideal ``latency × ⌈requests / C⌉``, counting every request the
  ground truth needs (hops, HEAD→GET fallbacks, timeouts as timeout/latency units);
* verdicts against the ground truth the server's routes define;
* peak memory (``ru_maxrss`` of this process: interpreter, httpx and the checker).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.linkcheck import CheckOptions, LinkTarget, check_links_sync, check_url

TIMEOUT = 2.0  # per request, for the bench's few endpoints that never answer


@dataclass(frozen=True)
class Case:
    kind: str
    weight: int  # per 500 URLs
    verdict: str
    requests: float  # latency units of work the ground truth needs


# A realistic mix: most promo links work, a fair share redirect, a tail of every failure.
CASES = [
    Case("ok", 180, "ok", 1),
    Case("chain1", 60, "redirected", 2),
    Case("chain2", 40, "redirected", 3),
    Case("chain3", 20, "redirected", 4),
    Case("keep", 20, "redirected", 2),
    Case("nohead", 30, "ok", 2),
    Case("404", 30, "broken", 1),
    Case("410", 10, "broken", 1),
    Case("500", 10, "broken", 1),
    Case("other_domain", 30, "wrong_destination", 2),
    Case("vanity_dropped", 20, "code_lost", 2),
    Case("loop", 10, "redirect_loop", 2),
    Case("too_many", 3, "too_many_redirects", 11),
    Case("reset", 10, "connection_error", 2),
    Case("refused", 5, "connection_error", 0),
    Case("huge", 7, "ok", 2),
    Case("never_answers", 5, "timeout", TIMEOUT / 0.2),
    Case("tls_on_plain", 10, "ok", 1),  # schemeless: https fails at once (plain server), http answers
]


def serve(hosts: int, latency: float) -> None:
    """Child process: start the servers, print their ports, run until stdin closes."""
    from sponsortrack.linkcheck.loopback import LoopbackServer

    servers = [LoopbackServer(f"127.0.0.{2 + i}", latency=latency, poll_interval=1.0).start() for i in range(hosts)]
    print(json.dumps([s.port for s in servers]), flush=True)
    sys.stdin.read()  # the servers' threads are daemons: returning ends them with the process
    del servers


def build(n: int, ports: list[int]) -> list[tuple[LinkTarget, Case]]:
    total_weight = sum(c.weight for c in CASES)
    kinds: list[Case] = []
    for c in CASES:
        kinds += [c] * max(1, round(c.weight * n / total_weight))
    kinds = (kinds * (n // len(kinds) + 1))[:n]
    random.Random(20191015).shuffle(kinds)  # a fixed mix, different kinds on every host
    out = []
    hosts = len(ports)
    for i, case in enumerate(kinds):
        h = i % hosts
        host, port = f"127.0.0.{2 + h}", ports[h]
        base = f"http://{host}:{port}"
        other = f"127.0.0.{2 + (h + 1) % hosts}:{ports[(h + 1) % hosts]}"
        domains: tuple[str, ...] = (host,)
        fragment = None
        k = case.kind
        if k == "ok":
            url = f"{base}/landing?i={i}"
        elif k.startswith("chain"):
            url = f"{base}/chain/{k[-1]}?i={i}"
        elif k == "keep":
            url, fragment = f"{base}/keep/promo{i}", f"promo{i}"
        elif k == "nohead":
            url = f"{base}/nohead?i={i}"
        elif k in ("404", "410", "500"):
            url = f"{base}/status/{k}?i={i}"
        elif k == "other_domain":
            url = f"{base}/to/{other}/landing?i={i}"
        elif k == "vanity_dropped":
            url, fragment = f"{base}/vanity/promo{i}", f"promo{i}"
        elif k == "loop":
            url = f"{base}/loop/a?i={i}"
        elif k == "too_many":
            url = f"{base}/many/0?i={i}"
        elif k == "reset":
            url = f"{base}/reset?i={i}"
        elif k == "refused":
            url = f"http://127.0.0.{2 + hosts}:{ports[h]}/landing"  # nothing listens there
        elif k == "huge":
            url = f"{base}/huge?i={i}"
        elif k == "never_answers":
            url = f"{base}/slow/30?i={i}"
        elif k == "tls_on_plain":
            url = f"{host}:{port}/landing?i={i}"
        else:  # pragma: no cover
            raise AssertionError(k)
        out.append((LinkTarget(url, expected_domains=domains, expected_fragment=fragment), case))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--urls", type=int, default=500)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--per-host", type=int, default=4)
    ap.add_argument("--sample", type=int, default=50, help="URLs timed in the sequential loop")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.hosts, a.latency)
        return 0

    child = subprocess.Popen([sys.executable, __file__, "--serve", "--hosts", str(a.hosts),
                              "--latency", str(a.latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None
        ports = json.loads(child.stdout.readline())
        plan = build(a.urls, ports)
        targets = [t for t, _ in plan]
        opts = CheckOptions(concurrency=a.concurrency, per_host=a.per_host, timeout=TIMEOUT, trust_env=False)

        t0 = time.perf_counter()
        results = check_links_sync(targets, opts)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

        # sequential loop on a stratified sample (every k-th URL), extrapolated
        step = max(1, len(plan) // max(1, a.sample))
        sample = plan[::step][: a.sample]
        seq_opts = CheckOptions(concurrency=1, per_host=1, timeout=TIMEOUT, trust_env=False)
        t0 = time.perf_counter()
        seq_results = [check_url(t, seq_opts) for t, _ in sample]
        seq_sample = time.perf_counter() - t0
        seq_wall = seq_sample * len(plan) / len(sample)
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()

    c_eff = min(a.concurrency, a.hosts * a.per_host)
    ideal = a.latency * math.ceil(len(plan) / c_eff)
    work = sum(case.requests for _, case in plan)
    ideal_work = a.latency * math.ceil(work / c_eff)
    want = Counter(case.verdict for _, case in plan)
    got = Counter(r.verdict for r in results)
    right = sum(r.verdict == case.verdict for r, (_, case) in zip(results, plan, strict=True))
    wrong = [(case.kind, case.verdict, r.verdict, r.url, r.explanation)
             for r, (_, case) in zip(results, plan, strict=True) if r.verdict != case.verdict]
    seq_right = sum(r.verdict == case.verdict for r, (_, case) in zip(seq_results, sample, strict=True))
    figures = {
        "urls": len(plan),
        "hosts": a.hosts,
        "latency_s": a.latency,
        "concurrency": a.concurrency,
        "per_host": a.per_host,
        "effective_concurrency": c_eff,
        "checker_wall_s": round(wall, 2),
        "sequential_sample_urls": len(sample),
        "sequential_sample_s": round(seq_sample, 2),
        "sequential_extrapolated_s": round(seq_wall, 1),
        "ideal_per_url_s": round(ideal, 2),
        "ideal_work_s": round(ideal_work, 2),
        "requests_work_units": work,
        "ratio_to_ideal_per_url": round(wall / ideal, 2),
        "ratio_to_ideal_work": round(wall / ideal_work, 2),
        "speedup_vs_sequential": round(seq_wall / wall, 1),
        "verdicts_right": right,
        "verdicts_expected": dict(want),
        "verdicts_got": dict(got),
        "sequential_sample_verdicts_right": seq_right,
        "peak_rss_mb": round(peak_mb, 1),
    }
    if a.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"link checker benchmark: {len(plan)} URLs over {a.hosts} loopback hosts, "
              f"{a.latency * 1000:.0f} ms per request")
        print(f"  concurrency {a.concurrency}, per-host cap {a.per_host} -> effective {c_eff}")
        print(f"  checker wall time        {wall:8.2f} s")
        print(f"  sequential loop          {seq_wall:8.1f} s  (timed on {len(sample)} URLs: "
              f"{seq_sample:.1f} s, x{len(plan) / len(sample):.0f} extrapolated)  -> checker is "
              f"{seq_wall / wall:.1f}x faster")
        print(f"  ideal, 1 request per URL {ideal:8.2f} s  = {a.latency} x ceil({len(plan)}/{c_eff})"
              f"  -> ratio {wall / ideal:.2f}")
        print(f"  ideal, all requests      {ideal_work:8.2f} s  = {a.latency} x ceil({work:g}/{c_eff})"
              f" (hops, HEAD->GET, timeouts)  -> ratio {wall / ideal_work:.2f}")
        print(f"  verdicts right           {right}/{len(plan)}  (sequential sample {seq_right}/{len(sample)})")
        for v in sorted(set(want) | set(got)):
            print(f"    {v:20s} expected {want[v]:4d}  got {got[v]:4d}")
        print(f"  peak memory (RSS)        {peak_mb:8.1f} MB")
    for w in wrong[:20]:
        print("  WRONG:", *w, file=sys.stderr)
    ok = right == len(plan) and wall <= 1.3 * ideal_work and peak_mb < 150
    print("target (<= 1.3x work ideal, all verdicts right, < 150 MB):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
