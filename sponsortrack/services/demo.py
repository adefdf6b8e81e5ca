"""The demo network: Changelog's Practical AI around the seed episode of October 2019.

Idempotent: running it again adds nothing that is already there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store, catalog, downloads

SEED_NUMBER = 62
SEED_TITLE = "Blacklisted AI: facial recognition, surveillance and US–China politics"
FIRST_DATE = dt.date(2019, 8, 5)
LAST_DATE = dt.date(2019, 12, 30)

SPONSOR_LINES = {
    "DigitalOcean": "DigitalOcean – DigitalOcean now offers three managed databases — PostgreSQL, MySQL, and "
                    "Redis. Get started for free with a $50 credit. Learn more at do.co/changelog.",
    "Brave": "The Brave Browser – Browse the web up to 8x faster than Chrome and Safari, block ads and trackers "
             "by default, and reward your favorite creators with the built-in Basic Attention Token. Download "
             "Brave for free and give tipping a try right here on changelog.com.",
    "Fastly": "Fastly – Our bandwidth partner. Fastly powers fast, secure, and scalable digital experiences. "
              "Move beyond your content delivery network to their powerful edge cloud platform. Learn more at "
              "fastly.com.",
}

TOPICS = [
    "Deep learning in the browser", "Annotating data at scale", "AI for agriculture", "Explainable models",
    "Reinforcement learning in practice", "Speech recognition for everyone", "MLOps from the trenches",
    "Open source NLP toolkits", "Computer vision at the edge", "Robots, ethics and jobs",
    "GPUs in the cloud", "Blacklisted AI", "Federated learning", "Fighting bias in datasets",
    "TensorFlow 2.0 is here", "AI in healthcare", "Model serving patterns", "Data versioning",
    "Transformers explained", "AI year in review", "Predictions for 2020", "Holiday special: ask us anything",
]


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    @property
    def anything(self) -> bool:
        return any(self.created.values())


def seed_text() -> str:
    return resources.files("sponsortrack.demo").joinpath("practical_ai_blacklist_2019.txt").read_text("utf-8")


def _notes(topic: str, sponsors: list[str]) -> str:
    body = "\n".join(SPONSOR_LINES[s] for s in sponsors)
    return (f"{topic}: Chris and Daniel dig into it with practical takeaways.\n\n"
            f"Sponsors:\n\n{body}\n\nFeaturing:\n\nChris Benson – Twitter, GitHub, LinkedIn, Website\n"
            f"Daniel Whitenack – Twitter, GitHub, Website\n")


def load_demo(store: Store) -> DemoResult:
    """Create the demo network in one transaction; return what was added."""
    res = DemoResult()
    with store.write():
        _load(store, res)
    return res


def _get_or_add(find, add, res: DemoResult, what: str):
    found = find()
    if found is not None:
        return found
    res.add(what)
    return add()


def _load(store: Store, res: DemoResult) -> None:
    if not any(ssvc.get_settings(store).get(k) for k in ("seller_name", "seller_address")):
        ssvc.update_settings(
            store, seller_name="Changelog Media LLC",
            seller_address="Changelog Media LLC\n1200 Example Street, Suite 5\nOmaha, NE 68102\nUnited States",
            seller_email="billing@changelog.example", seller_tax_id="EIN 00-0000000",
            invoice_number_pattern="{year}-{seq:04}", default_terms_days=30, default_currency="USD",
            tax_label="Sales tax", tax_bp=0,
            payment_instructions="ACH or wire to Example Bank, account 000123456, routing 000000000. "
                                 "Please quote the invoice number.")
        res.add("settings")
    pai = _get_or_add(lambda: catalog.find_show(store, "Practical AI"),
                      lambda: cat.add_show(store, name="Practical AI", website="https://changelog.com/practicalai",
                                           feed_url="https://changelog.com/practicalai/feed",
                                           description="Making artificial intelligence practical, productive "
                                                       "and accessible to everyone."), res, "shows")
    tcl = _get_or_add(lambda: catalog.find_show(store, "The Changelog"),
                      lambda: cat.add_show(store, name="The Changelog", website="https://changelog.com/podcast",
                                           description="Conversations with the hackers, leaders, and "
                                                       "innovators of software development."), res, "shows")
    agency = _get_or_add(lambda: catalog.find_agency(store, "Soundwave Media"),
                         lambda: cat.add_agency(store, name="Soundwave Media", commission="15",
                                                contact_name="Dana Ortiz", contact_email="ap@soundwave.example",
                                                billing_address="Soundwave Media\n77 Market Street\n"
                                                                "San Francisco, CA 94105\nUnited States",
                                                terms_days=45), res, "agencies")
    do = _get_or_add(lambda: catalog.find_sponsor(store, "DigitalOcean"),
                     lambda: cat.add_sponsor(store, name="DigitalOcean", domains="digitalocean.com do.co",
                                             contact_name="Partnerships team",
                                             contact_email="podcasts@digitalocean.example",
                                             billing_address="DigitalOcean, LLC\nAccounts Payable\n"
                                                             "New York, NY\nUnited States"), res, "sponsors")
    brave = _get_or_add(lambda: catalog.find_sponsor(store, "Brave"),
                        lambda: cat.add_sponsor(store, name="Brave", domains="brave.com basicattentiontoken.org",
                                                contact_name="Growth marketing", agency=agency.id,
                                                billing_address="Brave Software, Inc.\nSan Francisco, CA\n"
                                                                "United States"), res, "sponsors")
    fastly = _get_or_add(lambda: catalog.find_sponsor(store, "Fastly"),
                         lambda: cat.add_sponsor(store, name="Fastly", domains="fastly.com",
                                                 contact_name="Developer relations",
                                                 contact_email="ap@fastly.example",
                                                 billing_address="Fastly, Inc.\nAccounts Payable\n"
                                                                 "San Francisco, CA\nUnited States",
                                                 terms_days=30), res, "sponsors")

    def campaign(sponsor, name, **kw):
        existing = [c for c in camp.list_campaigns(store, sponsor=sponsor.id) if c.name == name]
        if existing:
            return existing[0]
        res.add("campaigns")
        return camp.add_campaign(store, sponsor=sponsor.id, name=name, **kw)

    c_do = campaign(do, "Managed databases, H2 2019", io_number="IO-DO-2019-07", po_number="PO-88412",
                    start_date="2019-08-01", end_date="2019-12-31", pricing="flat", rate="1200.00",
                    currency="USD", booked_reads=30, default_placement="pre", promo_url="do.co/changelog",
                    talking_points="Managed PostgreSQL, MySQL and Redis. Offer: $50 credit for new accounts.")
    c_brave = campaign(brave, "Brave browser, Practical AI fall 2019", io_number="SW-IO-1931",
                       start_date="2019-09-01", end_date="2019-12-31", pricing="cpm", rate="25.00",
                       currency="USD", booked_impressions=200_000, download_window_days=30, agency=agency.id,
                       show=pai.id, default_placement="mid",
                       talking_points="Up to 8x faster than Chrome and Safari; tipping with BAT on changelog.com.")
    c_fastly = campaign(fastly, "Bandwidth partner 2019", io_number="IO-FASTLY-2019",
                        start_date="2019-08-01", end_date="2019-12-31", pricing="per_episode", rate="800.00",
                        currency="USD", booked_reads=40, default_placement="post", promo_url="fastly.com",
                        talking_points="Our bandwidth partner: edge cloud platform.")

    day = FIRST_DATE
    i = 0
    while day <= LAST_DATE:
        number = SEED_NUMBER - 11 + i
        is_seed = number == SEED_NUMBER
        in_brave = day >= dt.date(2019, 9, 1)
        sponsors = ["DigitalOcean", "Brave", "Fastly"] if in_brave else ["DigitalOcean", "Fastly"]
        # Episode 61's published notes forgot Fastly: the reconciliation and the POP have something to show.
        noted = [s for s in sponsors if not (number == 61 and s == "Fastly")]
        ep = catalog.find_episode(store, pai.id, number)
        if ep is None:
            ep = cat.add_episode(
                store, pai.id, number=number, title=SEED_TITLE if is_seed else TOPICS[i % len(TOPICS)],
                recorded_on=(day - dt.timedelta(days=5)).isoformat(), published_on=day.isoformat(),
                guid=f"practicalai-{number}", link=f"https://changelog.com/practicalai/{number}",
                show_notes=seed_text() if is_seed else _notes(TOPICS[i % len(TOPICS)], noted))
            res.add("episodes")
        if not ep.read_count:
            status = "aired" if day >= dt.date(2019, 12, 1) else "verified"
            batch = [{"sponsor": do.id, "campaign": c_do.id, "status": status, "start": "0:45", "length": "1:05"}]
            if in_brave:
                batch.append({"sponsor": brave.id, "campaign": c_brave.id, "status": status,
                              "start": f"{24 + i % 6}:{(i * 7) % 60:02d}", "length": "1:20"})
            batch.append({"sponsor": fastly.id, "campaign": c_fastly.id, "status": status,
                          "start": f"{47 + i % 5}:10", "length": "0:35", "read_type": "produced" if i % 4 == 3
                          else "host"})
            if number == 58:  # the promo URL was read wrong: flagged, made good in episode 60
                batch[0].update(status="flagged", promo_url="do.co/changlog",
                                notes="Host read the URL as do.co/changlog; make-good owed.")
            ids = rsvc.log_reads(store, ep.id, batch)
            res.add("reads", len(ids))
            if number == 60:
                flagged = [r for r in rsvc.list_reads(store, sponsor=do.id, status="flagged")]
                if flagged:
                    rsvc.log_reads(store, ep.id, [{"sponsor": do.id, "campaign": c_do.id, "placement": "mid",
                                                   "status": status, "make_good_of": flagged[0].id,
                                                   "start": "31:20", "length": "1:00",
                                                   "notes": "Make-good for the misread URL in episode 58."}])
                    res.add("reads")
            if in_brave:
                d30 = 11_000 + (number * 1373) % 5_000
                downloads.upsert_snapshots(store, [
                    {"episode_id": ep.id, "day": 7, "downloads": d30 * 7 // 10, "source": "Megaphone"},
                    {"episode_id": ep.id, "day": 30, "downloads": d30, "source": "Megaphone"},
                ])
                res.add("download snapshots", 2)
        day += dt.timedelta(days=7)
        i += 1

    # The Changelog: fortnightly episodes with DigitalOcean and Fastly reads.
    day = dt.date(2019, 8, 9)
    n = 355
    while day <= LAST_DATE:
        ep = catalog.find_episode(store, tcl.id, n)
        if ep is None:
            ep = cat.add_episode(store, tcl.id, number=n, title=f"The Changelog #{n}: open source, in depth",
                                 recorded_on=(day - dt.timedelta(days=4)).isoformat(),
                                 published_on=day.isoformat(), guid=f"changelog-{n}",
                                 show_notes=_notes("Open source, in depth", ["DigitalOcean", "Fastly"]))
            res.add("episodes")
        if not ep.read_count:
            status = "aired" if day >= dt.date(2019, 12, 1) else "verified"
            ids = rsvc.log_reads(store, ep.id, [
                {"sponsor": do.id, "campaign": c_do.id, "status": status, "start": "1:10", "length": "1:00"},
                {"sponsor": fastly.id, "campaign": c_fastly.id, "status": status, "start": "58:00",
                 "length": "0:30"},
            ])
            res.add("reads", len(ids))
        day += dt.timedelta(days=14)
        n += 1
