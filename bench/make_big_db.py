"""Build a realistic large network database for the benchmarks.

At scale 1: 20 shows, ten years of weekly episodes, about 100,000 reads, 60 sponsors, 300 campaigns,
download snapshots for the CPM campaigns. ``--scale N`` makes the network N times wider (shows,
sponsors and campaigns ×N, the same reads per episode, so about N × 100,000 reads); ``--dense`` keeps the
width and puts about 96 reads in every episode (about 1,000,000 reads at scale 1), the shape of a
network with many reads per episode. Deterministic: the same arguments and seed give the same file.

    python bench/make_big_db.py [-o bench/big.db] [--scale N] [--dense] [--reads N] [--weeks W] [--seed S]

Rows go in through executemany in one transaction with the audit and search triggers lifted
(``store.bulk.bulk_load``): the search index is rebuilt once at the end and the triggers put back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.store import Store
from sponsortrack.store.bulk import analyze, bulk_load, insert_rows

SHOW_NAMES = [
    "Practical AI", "The Changelog", "JS Party", "Go Time", "Founders Talk", "Ship It", "Brain Science",
    "Backstage", "Spotlight", "Request for Commits", "Away from Keyboard", "The React Podcast",
    "Data Engineering Weekly", "Rust in Production", "Cloud Native Notes", "Open Source Stories",
    "Design Details", "Indie Hackers Radio", "Security Now and Then", "The Infra Hour",
]
SPONSOR_STEMS = [
    "DigitalOcean", "Brave", "Fastly", "Linode", "Sentry", "Honeycomb", "Retool", "Vercel", "Netlify",
    "Auth0", "Algolia", "Rollbar", "LaunchDarkly", "PagerDuty", "Datadog", "Render", "Fly.io", "Supabase",
    "Temporal", "Tailscale", "Cockroach Labs", "Neon", "PlanetScale", "Grafana Labs", "Postman", "Snyk",
    "Teleport", "Clerk", "Stripe", "Twilio", "Mux", "Cloudinary", "Railway", "Hasura", "Airbyte", "dbt Labs",
    "Sourcegraph", "GitLab", "JetBrains", "Replit", "Raygun", "Timescale", "InfluxData", "Redis", "MongoDB",
    "Elastic", "Kong", "Okta", "1Password", "Bitwarden", "Backblaze", "Wasabi", "Cloudflare", "Akamai",
    "Heroku", "Pulumi", "HashiCorp", "Chainguard", "Socket", "Depot",
]


def domain_of(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum()) + ".com"


BASE_SHOWS, BASE_SPONSORS, BASE_CAMPAIGNS = 20, 60, 300
DENSE_READS_PER_EPISODE = 96


def _nth(names: list[str], i: int) -> str:
    """The i-th name of a list repeated over the scale: 'Practical AI', ..., 'Practical AI 2', ..."""
    base, lap = names[i % len(names)], i // len(names)
    return base if lap == 0 else f"{base} {lap + 1}"


def build(path: Path, target_reads: int | None = None, seed: int = 2019, *, scale: int = 1,
          dense: bool = False, weeks: int = 520) -> dict[str, int]:
    """Write the network to ``path`` (replacing it). ``target_reads`` overrides the reads count that
    ``scale``/``dense`` imply (100,000 × scale, or 96 per episode when dense, over ten years); ``weeks``
    shortens the history (ending on the same day), so a small network keeps about ten reads per episode."""
    if scale < 1:
        raise ValueError("scale: must be a whole number of at least 1")
    if weeks < 26:
        raise ValueError("weeks: must be at least 26 (campaign flights run three months or more)")
    rnd = random.Random(seed)
    n_shows, n_sponsors, n_campaigns = BASE_SHOWS * scale, BASE_SPONSORS * scale, BASE_CAMPAIGNS * scale
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    end = dt.date(2026, 11, 23)
    start = end - dt.timedelta(weeks=weeks)
    if target_reads is None and not dense and weeks != 520:
        target_reads = 100_000 * scale * weeks // 520  # the same reads per episode over a shorter history

    with bulk_load(store):
        _fill(store, rnd, n_shows, n_sponsors, n_campaigns, target_reads, dense, start, end)
    store.conn.execute("DELETE FROM change_log")  # the generator's inserts are not producer history
    store.conn.commit()
    analyze(store)
    counts = {t: int(store.scalar(f"SELECT count(*) FROM {t}") or 0)
              for t in ("shows", "episodes", "sponsors", "campaigns", "ad_reads", "download_snapshots")}
    store.close()
    return counts


def _fill(store: Store, rnd: random.Random, n_shows: int, n_sponsors: int, n_campaigns: int,
          target_reads: int | None, dense: bool, start: dt.date, end: dt.date) -> None:
    show_names = [_nth(SHOW_NAMES, i) for i in range(n_shows)]
    sponsor_names = [_nth(SPONSOR_STEMS, i) for i in range(n_sponsors)]
    insert_rows(store, "shows", ["id", "name", "website"],
                [(i + 1, n, f"https://example.net/{i + 1}") for i, n in enumerate(show_names)])
    insert_rows(store, "agencies", ["id", "name", "commission_bp"],
                [(1, "Soundwave Media", 1500), (2, "Adopter Media", 1500), (3, "Podcast Ad Partners", 1250)])
    sponsors = []
    for i, name in enumerate(sponsor_names):
        dom = domain_of(name)
        sponsors.append((i + 1, name, json.dumps([dom]), f"Accounts Payable\n{name}\nSan Francisco, CA",
                         (i % 3) + 1 if i % 4 == 0 else None))
    insert_rows(store, "sponsors", ["id", "name", "domains", "billing_address", "agency_id"], sponsors)

    # Five campaigns per sponsor, flights of three to twelve months across the decade.
    campaigns = []
    total_days = (end - start).days
    for cid in range(1, n_campaigns + 1):
        sid = (cid - 1) % n_sponsors + 1
        c_start = start + dt.timedelta(days=rnd.randrange(0, total_days - 90))
        c_end = min(c_start + dt.timedelta(days=rnd.randrange(90, 365)), end + dt.timedelta(days=60))
        pricing = rnd.choice(["flat", "flat", "per_episode", "cpm"])
        rate = {"flat": rnd.randrange(40, 250) * 1000, "per_episode": rnd.randrange(30, 200) * 1000,
                "cpm": rnd.randrange(18, 35) * 100}[pricing]
        sname = sponsor_names[sid - 1]
        campaigns.append((
            cid, sid, 1 + (sid % 3) if sid % 4 == 1 else None, f"{sname} IO {cid:03d}", f"IO-{cid:05d}",
            c_start.isoformat(), c_end.isoformat(), pricing, rate, "USD",
            rnd.randrange(8, 60) if pricing != "cpm" else None,
            rnd.randrange(100, 900) * 1000 if pricing == "cpm" else None,
            rnd.choice(["pre", "mid", "mid", "post"]), f"https://{domain_of(sname)}/podcast",
            f"POD{cid}" if cid % 3 == 0 else None,
            "completed" if c_end < end else "active",
        ))
    insert_rows(store, "campaigns", [
        "id", "sponsor_id", "agency_id", "name", "io_number", "start_date", "end_date", "pricing", "rate_minor",
        "currency", "booked_reads", "booked_impressions", "default_placement", "promo_url", "promo_code", "status",
    ], campaigns)
    by_pricing = {c[0]: c[7] for c in campaigns}

    episodes = []
    eid = 0
    for show_idx in range(n_shows):
        day = start + dt.timedelta(days=show_idx % 7)
        number = 1
        name = show_names[show_idx]
        while day <= end:
            eid += 1
            episodes.append((eid, show_idx + 1, number, f"{name} episode {number}",
                             f"{name.lower().replace(' ', '-')}-{number}",
                             (day - dt.timedelta(days=4)).isoformat(), day.isoformat()))
            day += dt.timedelta(days=7)
            number += 1
    insert_rows(store, "episodes",
                ["id", "show_id", "number", "title", "guid", "recorded_on", "published_on"], episodes)

    if target_reads is None:
        target_reads = (DENSE_READS_PER_EPISODE * len(episodes) if dense
                        else 100_000 * n_shows // BASE_SHOWS)
    running_of = _running_campaigns(campaigns, episodes)
    per_episode = target_reads / len(episodes)
    reads, snapshots = [], []
    rid = 0
    placements = ["pre", "mid", "post"]
    spread = max(2.5, per_episode / 4)
    for ep, running in zip(episodes, running_of, strict=True):
        pub = ep[6]
        if not running:
            continue
        n = max(1, int(per_episode + rnd.uniform(-spread, spread) + 0.5))
        has_cpm = False
        positions = {"pre": 0, "mid": 0, "post": 0}
        logged = f"{pub}T12:00:00.000Z"  # logged on its air date: no wall clock in the file
        for _ in range(n):
            c = rnd.choice(running)
            placement = rnd.choice(placements)
            positions[placement] += 1
            rid += 1
            status = "flagged" if rnd.random() < 0.01 else ("verified" if pub < "2026-10-01" else "aired")
            reads.append((rid, ep[0], c[1], c[0], placement, positions[placement],
                          "produced" if rnd.random() < 0.1 else "host", rnd.randrange(0, 3600),
                          rnd.randrange(30, 90), c[13], c[14], status, logged, logged))
            has_cpm = has_cpm or by_pricing[c[0]] == "cpm"
        if has_cpm:
            d30 = rnd.randrange(3_000, 60_000)
            snapshots.append((ep[0], 7, d30 * 7 // 10, "generator"))
            snapshots.append((ep[0], 30, d30, "generator"))
    insert_rows(store, "ad_reads", [
        "id", "episode_id", "sponsor_id", "campaign_id", "placement", "position", "read_type", "start_seconds",
        "length_seconds", "promo_url", "promo_code", "status", "created_at", "updated_at",
    ], reads)
    insert_rows(store, "download_snapshots", ["episode_id", "day", "downloads", "source"], snapshots)
    # Every other time stamp fixed too, so the same arguments give the same rows.
    stamp = f"{end.isoformat()}T12:00:00.000Z"
    for table in ("shows", "episodes", "agencies", "sponsors", "campaigns"):
        store.conn.execute(f"UPDATE {table} SET created_at = :s, updated_at = :s", {"s": stamp})
    store.conn.execute("UPDATE download_snapshots SET recorded_at = :s", {"s": stamp})


def _running_campaigns(campaigns: list[tuple], episodes: list[tuple]) -> list[list[tuple]]:
    """For each episode (in order), the campaigns whose flight covers its air date, in (start date, id)
    order: one sweep over both lists sorted by date instead of a scan of every campaign per episode."""
    order = sorted(range(len(episodes)), key=lambda i: episodes[i][6])
    by_start = sorted(campaigns, key=lambda c: (c[5], c[0]))
    out: list[list[tuple]] = [[] for _ in episodes]
    active: dict[int, tuple] = {}  # insertion order is (start date, id) order
    ends: list[tuple[str, int]] = []  # a heap of (end date, id) of the active campaigns
    current: list[tuple] = []  # the list handed out, rebuilt only when the active set changes
    k = 0
    for i in order:
        pub = episodes[i][6]
        changed = False
        while k < len(by_start) and by_start[k][5] <= pub:
            active[by_start[k][0]] = by_start[k]
            heapq.heappush(ends, (by_start[k][6], by_start[k][0]))
            k += 1
            changed = True
        while ends and ends[0][0] < pub:
            del active[heapq.heappop(ends)[1]]
            changed = True
        if changed:
            current = list(active.values())
        out[i] = current
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=str(Path(__file__).with_name("big.db")))
    ap.add_argument("--scale", type=int, default=1, help="network width: shows, sponsors, campaigns ×N")
    ap.add_argument("--dense", action="store_true", help="about 96 reads per episode instead of about 10")
    ap.add_argument("--reads", type=int, default=None, help="reads to aim for (overrides what scale implies)")
    ap.add_argument("--weeks", type=int, default=520, help="weeks of history (default ten years); fewer weeks "
                    "make a smaller network with the same reads per episode (52: about 10,000 reads)")
    ap.add_argument("--seed", type=int, default=2019)
    args = ap.parse_args()
    t0 = time.perf_counter()
    counts = build(Path(args.output), args.reads, args.seed, scale=args.scale, dense=args.dense, weeks=args.weeks)
    took = time.perf_counter() - t0
    print(f"built {args.output} in {took:.1f} s ({counts['ad_reads'] / took:,.0f} reads/s): "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
