"""Build a realistic large network database for the benchmarks.

20 shows, ten years of weekly episodes, about 100,000 reads, 60 sponsors, 300 campaigns,
download snapshots for the CPM campaigns. Deterministic (seeded).

    python bench/make_big_db.py [-o bench/big.db] [--reads 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.store import Store
from sponsortrack.store.bulk import analyze, insert_rows

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


def build(path: Path, target_reads: int = 100_000, seed: int = 2019) -> dict[str, int]:
    rnd = random.Random(seed)
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    end = dt.date(2026, 11, 23)
    start = end - dt.timedelta(weeks=520)

    insert_rows(store, "shows", ["id", "name", "website"],
                [(i + 1, n, f"https://example.net/{i + 1}") for i, n in enumerate(SHOW_NAMES)])
    insert_rows(store, "agencies", ["id", "name", "commission_bp"],
                [(1, "Soundwave Media", 1500), (2, "Adopter Media", 1500), (3, "Podcast Ad Partners", 1250)])
    sponsors = []
    for i, name in enumerate(SPONSOR_STEMS[:60]):
        dom = domain_of(name)
        sponsors.append((i + 1, name, json.dumps([dom]), f"Accounts Payable\n{name}\nSan Francisco, CA",
                         (i % 3) + 1 if i % 4 == 0 else None))
    insert_rows(store, "sponsors", ["id", "name", "domains", "billing_address", "agency_id"], sponsors)

    # 300 campaigns, five per sponsor, flights of three to twelve months across the decade.
    campaigns = []
    total_days = (end - start).days
    for cid in range(1, 301):
        sid = (cid - 1) % 60 + 1
        c_start = start + dt.timedelta(days=rnd.randrange(0, total_days - 90))
        c_end = min(c_start + dt.timedelta(days=rnd.randrange(90, 365)), end + dt.timedelta(days=60))
        pricing = rnd.choice(["flat", "flat", "per_episode", "cpm"])
        rate = {"flat": rnd.randrange(40, 250) * 1000, "per_episode": rnd.randrange(30, 200) * 1000,
                "cpm": rnd.randrange(18, 35) * 100}[pricing]
        sname = SPONSOR_STEMS[sid - 1]
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
    for show_idx in range(20):
        day = start + dt.timedelta(days=show_idx % 7)
        number = 1
        while day <= end:
            eid += 1
            episodes.append((eid, show_idx + 1, number, f"{SHOW_NAMES[show_idx]} episode {number}",
                             f"{SHOW_NAMES[show_idx].lower().replace(' ', '-')}-{number}",
                             (day - dt.timedelta(days=4)).isoformat(), day.isoformat()))
            day += dt.timedelta(days=7)
            number += 1
    insert_rows(store, "episodes",
                ["id", "show_id", "number", "title", "guid", "recorded_on", "published_on"], episodes)

    per_episode = target_reads / len(episodes)
    reads, snapshots = [], []
    rid = 0
    placements = ["pre", "mid", "post"]
    camps_by_date = sorted(campaigns, key=lambda c: c[5])
    for ep in episodes:
        pub = ep[6]
        running = [c for c in camps_by_date if c[5] <= pub <= c[6]]
        if not running:
            continue
        n = max(1, int(per_episode + rnd.uniform(-2.5, 2.5) + 0.5))
        has_cpm = False
        positions = {"pre": 0, "mid": 0, "post": 0}
        for _ in range(n):
            c = rnd.choice(running)
            placement = rnd.choice(placements)
            positions[placement] += 1
            rid += 1
            status = "flagged" if rnd.random() < 0.01 else ("verified" if pub < "2026-10-01" else "aired")
            reads.append((rid, ep[0], c[1], c[0], placement, positions[placement],
                          "produced" if rnd.random() < 0.1 else "host", rnd.randrange(0, 3600),
                          rnd.randrange(30, 90), c[13], c[14], status))
            has_cpm = has_cpm or by_pricing[c[0]] == "cpm"
        if has_cpm:
            d30 = rnd.randrange(3_000, 60_000)
            snapshots.append((ep[0], 7, d30 * 7 // 10, "generator"))
            snapshots.append((ep[0], 30, d30, "generator"))
    insert_rows(store, "ad_reads", [
        "id", "episode_id", "sponsor_id", "campaign_id", "placement", "position", "read_type", "start_seconds",
        "length_seconds", "promo_url", "promo_code", "status",
    ], reads)
    insert_rows(store, "download_snapshots", ["episode_id", "day", "downloads", "source"], snapshots)
    store.conn.execute("DELETE FROM change_log")  # the generator's inserts are not producer history
    store.conn.commit()
    analyze(store)
    counts = {t: int(store.scalar(f"SELECT count(*) FROM {t}") or 0)
              for t in ("shows", "episodes", "sponsors", "campaigns", "ad_reads", "download_snapshots")}
    store.close()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=str(Path(__file__).with_name("big.db")))
    ap.add_argument("--reads", type=int, default=100_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    counts = build(Path(args.output), args.reads)
    print(f"built {args.output} in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
