"""The small Practical AI network the import, reconciliation and chapter tests build on a fresh database."""

from __future__ import annotations

import hashlib

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat

# Practical AI #62's published notes: three sponsors, each with its promo link, then the guests.
SEED_NOTES = (
    "Sponsors:\n\n"
    "DigitalOcean – Managed databases. Get started for free with a $50 credit. Learn more at do.co/changelog.\n"
    "The Brave Browser – Download Brave for free and give tipping a try right here on changelog.com.\n"
    "Fastly – Our bandwidth partner. Learn more at fastly.com.\n\n"
    "Featuring:\nChris Benson – Twitter, GitHub\n"
)


def digest(store) -> str:
    """The whole database's contents as one hash: equal before and after means nothing was written."""
    return hashlib.sha256("\n".join(store.conn.iterdump()).encode()).hexdigest()


def practical_ai(store, *, fastly_placement: str = "post"):
    """The show, DigitalOcean, Brave and Fastly (with their domains), and the two running campaigns of
    DigitalOcean and Fastly; the caller adds the episodes it needs."""
    cat.add_show(store, name="Practical AI", website="https://changelog.com/practicalai")
    for name, domains in (("DigitalOcean", "digitalocean.com do.co"), ("Brave", "brave.com"),
                          ("Fastly", "fastly.com")):
        cat.add_sponsor(store, name=name, domains=domains)
    camp.add_campaign(store, sponsor="DigitalOcean", name="DB", start_date="2019-08-01", end_date="2019-12-31",
                      pricing="flat", rate="1500", promo_url="do.co/changelog", promo_code="PAI")
    camp.add_campaign(store, sponsor="Fastly", name="Bandwidth", start_date="2019-08-01", end_date="2019-12-31",
                      pricing="flat", rate="900", promo_url="fastly.com", default_placement=fastly_placement)
    return store


def practical_ai_october(store):
    """:func:`practical_ai` with October 2019's two episodes: #62 with :data:`SEED_NOTES` on file, #63
    with none."""
    practical_ai(store)
    cat.add_episode(store, "Practical AI", number=62, title="China's AI blacklist", published_on="2019-10-21",
                    show_notes=SEED_NOTES)
    cat.add_episode(store, "Practical AI", number=63, title="Federated learning", published_on="2019-10-28")
    return store
