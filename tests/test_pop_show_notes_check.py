"""The proof of performance tells the sponsor where the published show notes and the logged reads disagree."""

import io

from pypdf import PdfReader

from sponsortrack.reports.pop import pop_pdf_bytes
from sponsortrack.services import campaigns, catalog
from sponsortrack.services import reads as rsvc
from sponsortrack.services.reporting import pop_data


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_demo_fastly_pop_names_the_episode_whose_notes_forgot_it(demo_store):
    data = pop_data(demo_store, "Fastly", "2019-10", today="2019-11-02")
    assert [(e["kind"], e["episode_number"]) for e in data.exceptions] == [("logged_not_in_notes", 61)]
    text = pdf_text(pop_pdf_bytes(data))
    assert "Show notes" in text
    flat = " ".join(text.split())
    assert "Practical AI #61" in flat and "the read aired; the episode's show notes do not mention you" in flat


def test_pop_says_notes_agree_when_they_do(demo_store):
    data = pop_data(demo_store, "DigitalOcean", "2019-10", today="2019-11-02")
    assert data.exceptions == []
    flat = " ".join(pdf_text(pop_pdf_bytes(data)).split())
    assert "The published show notes of every episode name you wherever a read aired" in flat


def test_a_different_code_in_the_notes_is_reported(demo_store):
    ep = catalog.resolve_episode(demo_store, "Practical AI", 63)
    notes = ep.show_notes.replace("Learn more at do.co/changelog.", "Learn more at do.co/changelog and use code "
                                                                     "OLDCODE.")
    catalog.edit_episode(demo_store, ep.id, show_notes=notes)
    c = rsvc.list_reads(demo_store, sponsor="DigitalOcean", month="2019-10")[0]
    campaigns.edit_campaign(demo_store, c.campaign_id, promo_code="CHANGELOG50")
    data = pop_data(demo_store, "DigitalOcean", "2019-10", today="2019-11-02")
    kinds = {(e["kind"], e["episode_number"]) for e in data.exceptions}
    assert ("promo_code_differs", 63) in kinds
    text = pdf_text(pop_pdf_bytes(data))
    assert "OLDCODE" in text and "CHANGELOG50" in text


def test_episodes_without_show_notes_are_not_findings_for_the_sponsor(demo_store):
    ep = catalog.resolve_episode(demo_store, "Practical AI", 63)
    catalog.edit_episode(demo_store, ep.id, show_notes="")
    data = pop_data(demo_store, "DigitalOcean", "2019-10", today="2019-11-02")
    assert ep.id in {e["episode_id"] for e in data.exceptions if e["kind"] == "no_show_notes"}
    flat = " ".join(pdf_text(pop_pdf_bytes(data)).split())
    assert "no show notes" not in flat and "What differs" not in flat
    assert "The published show notes of 5 of the 6 episodes name you" in flat
