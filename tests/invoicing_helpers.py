"""Small networks for the invoice and report tests (a fresh temp database per test, from conftest)."""

from __future__ import annotations

import io

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import downloads

SELLER = {"seller_name": "Zoë Müller Media GmbH",
          "seller_address": "Zoë Müller Media GmbH\nMusterstraße 1\n東京 100-0001",
          "seller_email": "billing@zoe.example", "payment_instructions": "IBAN DE00 0000 0000 0000 0000 00",
          "tax_label": "VAT", "tax_bp": 825}


def seller(store, **over):
    ssvc.update_settings(store, **{**SELLER, **over})


def network(store, *, sponsor="AT&T <Labs>", pricing="flat", rate="1200.00", currency="USD", agency=None,
            billing_address="AT&T Labs\n1 Example Way\nDallas, TX", episodes=3, code="<PODCAST20>",
            url="https://att.example/podcast", window=30, month="2019-10", reads_per_episode=1, **campaign_kw):
    """One show, ``episodes`` weekly episodes in ``month``, one campaign with a read in each."""
    show = cat.add_show(store, name="東京 Tech Talk")
    ag = cat.add_agency(store, name=agency, commission="15", billing_address="Agency Inc\nNew York, NY") \
        if agency else None
    sp = cat.add_sponsor(store, name=sponsor, domains="att.example", billing_address=billing_address,
                         contact_name="Zoë Müller")
    c = camp.add_campaign(store, sponsor=sp.id, name="Spring ₹ promo", start_date=f"{month}-01",
                          end_date=f"{month}-28", pricing=pricing, rate=rate, currency=currency,
                          agency=ag.id if ag else None, io_number="IO-<1>", promo_code=code, promo_url=url,
                          booked_reads=10, download_window_days=window, **campaign_kw)
    read_ids = []
    step = 7 if episodes <= 4 else 1
    for i in range(episodes):
        ep = cat.add_episode(store, show.id, number=i + 1, title=f"Episode {i + 1}: AT&T <Labs> & 東京",
                             published_on=f"{month}-{step * i + 1:02d}")
        for _ in range(reads_per_episode):
            read_ids.append(rsvc.log_read(store, ep.id, sponsor=sp.id, campaign=c.id, placement="mid",
                                          status="aired"))
    return {"show": show, "sponsor": sp, "campaign": c, "agency": ag, "reads": read_ids}


def snapshots(store, episode_ids_downloads: dict[int, dict[int, int]]):
    rows = [{"episode_id": ep, "day": day, "downloads": n, "source": "Megaphone"}
            for ep, days in episode_ids_downloads.items() for day, n in days.items()]
    downloads.upsert_snapshots(store, rows)


def pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def pdf_meta(data: bytes) -> dict:
    from pypdf import PdfReader

    return dict(PdfReader(io.BytesIO(data)).metadata or {})
