"""Reconciliation of published show notes with logged reads, against a real temporary database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.network import practical_ai_october

from sponsortrack.errors import ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rd
from sponsortrack.services import reconcile as rc


@pytest.fixture
def net(store):
    """A show with two episodes, three sponsors with running campaigns."""
    return practical_ai_october(store)


def test_reconcile_month(net):
    ep62 = cat.resolve_episode(net, "Practical AI", 62)
    # 62's notes name DigitalOcean, Brave, Fastly. Log DigitalOcean with the right URL, Fastly with none,
    # and a read of a sponsor the notes do not name.
    cat.add_sponsor(net, name="Linode")
    rd.log_reads(net, ep62.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Linode", "placement": "mid"}])
    rec = rc.reconcile(net, month="2019-10")
    assert rec.episodes_checked == 2 and rec.reads_checked == 2
    got = sorted((e.kind, e.sponsor_name, e.episode_number) for e in rec.exceptions)
    assert got == [
        ("in_notes_not_logged", "Brave", 62),
        ("in_notes_not_logged", "Fastly", 62),
        ("logged_not_in_notes", "Linode", 62),
    ]
    assert all(isinstance(e.to_dict()["message"], str) for e in rec.exceptions)


def test_reconcile_promo_differences_and_campaign_scope(net):
    ep63 = cat.resolve_episode(net, "Practical AI", 63)
    cat.edit_episode(net, ep63.id, show_notes=(
        "Sponsors:\nDigitalOcean – Learn more at do.co/practicalai and use code OTHER.\n"
        "Fastly – Learn more at fastly.com/\n"))
    rd.log_reads(net, ep63.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Fastly"}])
    rec = rc.reconcile(net, month="2019-10")
    diffs = [(e.kind, e.in_notes, e.expected) for e in rec.exceptions if e.episode_number == 63]
    assert diffs == [("promo_url_differs", "https://do.co/practicalai", "https://do.co/changelog"),
                     ("promo_code_differs", "OTHER", "PAI")]  # fastly.com/ equals fastly.com
    do_read = next(r.id for r in rd.list_reads(net, sponsor="DigitalOcean"))
    assert {e.read_id for e in rec.exceptions if e.episode_number == 63} == {do_read}  # the window opens it
    db_campaign = camp.resolve_campaign(net, "DB")
    rec = rc.reconcile(net, campaign_id=db_campaign.id)
    assert (rec.date_from, rec.date_to) == ("2019-08-01", "2019-12-31")
    assert {e.sponsor_name for e in rec.exceptions} == {"DigitalOcean"}
    assert rc.reconcile_for_pop(net, db_campaign.sponsor_id, "2019-10")[0]["sponsor_name"] == "DigitalOcean"


def test_reconcile_bad_input(net):
    with pytest.raises(ValidationError, match="not a month"):
        rc.reconcile(net, month="2019-13")
    with pytest.raises(ValidationError, match="give a month"):
        rc.reconcile(net)


def _kinds(rec, number):
    return sorted((e.kind, e.sponsor_name) for e in rec.exceptions if e.episode_number == number)


def test_a_read_is_in_the_notes_when_they_carry_its_promo_url_or_a_sponsor_domain(net):
    # The notes never name these sponsors, but carry their links: no "logged, not in notes".
    cat.add_sponsor(net, name="Linode", domains="linode.com")
    cat.add_sponsor(net, name="Sentry", domains="sentry.io")
    cat.add_episode(net, "Practical AI", number=64, title="Links only", published_on="2019-10-29",
                    show_notes="Thanks for listening! Try https://www.linode.com/practicalai/ today.\n"
                               "Errors? <a href=\"https://get.sentry.io/pai\">start here</a>.\n"
                               "And the bandwidth: fastly.com.")
    rd.log_reads(net, cat.resolve_episode(net, "Practical AI", 64).id,
                 [{"sponsor": "Linode", "placement": "pre"}, {"sponsor": "Sentry", "placement": "mid"},
                  {"sponsor": "Fastly"}])
    assert _kinds(rc.reconcile(net, month="2019-10"), 64) == []


def test_a_read_with_its_promo_url_in_the_notes_counts_even_off_the_sponsor_domains(net):
    cat.add_sponsor(net, name="Hired")  # no domains; the promo link is the show's redirect
    cat.add_episode(net, "Practical AI", number=65, title="Redirects", published_on="2019-10-30",
                    show_notes="Get a job: changelog.com/hired. Also see notlinode.com")
    cat.add_sponsor(net, name="Linode", domains="linode.com")
    rd.log_reads(net, cat.resolve_episode(net, "Practical AI", 65).id,
                 [{"sponsor": "Hired", "placement": "pre", "promo_url": "https://changelog.com/hired/"},
                  {"sponsor": "Linode", "placement": "mid"}])
    # Hired: its read's URL is in the notes. Linode: notlinode.com is another domain.
    assert _kinds(rc.reconcile(net, month="2019-10"), 65) == [("logged_not_in_notes", "Linode")]


def test_an_episode_without_notes_is_not_a_disagreement(net):
    ep63 = cat.resolve_episode(net, "Practical AI", 63)  # no notes
    rd.log_reads(net, ep63.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Fastly"}])
    rec = rc.reconcile(net, month="2019-10")
    assert _kinds(rec, 63) == []
    assert rec.episodes_without_notes == 1 and rec.to_dict()["episodes_without_notes"] == 1
    assert "no_show_notes" not in rec.counts()


def test_demo_episode_61_is_the_one_disagreement_of_october(demo_store):
    rec = rc.reconcile(demo_store, month="2019-10")
    assert [(e.kind, e.episode_number, e.sponsor_name) for e in rec.exceptions] == [
        ("logged_not_in_notes", 61, "Fastly")]


@given(before=st.text(max_size=40), after=st.text(max_size=40),
       path=st.from_regex(r"(/[a-z0-9]{1,8}){0,2}/?", fullmatch=True),
       scheme=st.sampled_from(["", "https://", "http://www."]))
def test_a_link_on_the_sponsor_domain_anywhere_in_the_notes_is_found(before, after, path, scheme):
    notes = f"{before} {scheme}get.linode.com{path} {after}"
    links = rc._NotesLinks(notes)
    assert links.carries_domain(["linode.com"])
    assert links.carries_url(f"https://get.linode.com{path}")
    assert not rc._NotesLinks(f"see notlinode.com{path} and linode.community").carries_domain(["linode.com"])


# --------------------------------------------------------------------------- per sponsor, not per network-month

def _busy_month(store):
    """Twelve episodes of October with notes: two name Fastly (by name; by its link alone), the rest others."""
    cat.add_show(store, name="Other Show")
    cat.add_sponsor(store, name="Linode", domains="linode.com")
    others = ["Sponsors:\nLinode – Learn more at linode.com/changelog.\n",
              "Sponsors:\nBrave – Download it at brave.com.\n"]
    for n in range(10):
        cat.add_episode(store, "Other Show", number=n + 1, title=f"Ep {n + 1}", published_on=f"2019-10-{n + 2:02d}",
                        show_notes=others[n % 2])
    cat.add_episode(store, "Other Show", number=11, title="Named", published_on="2019-10-20",
                    show_notes="Sponsors:\nFastly – Our bandwidth partner.\n")
    cat.add_episode(store, "Other Show", number=12, title="Link only", published_on="2019-10-22",
                    show_notes="Thanks to https://www.fastly.com/changelog for the bandwidth.\n")


def test_one_sponsor_parses_only_the_notes_that_can_name_it(net, monkeypatch):
    """The POP's check (one sponsor's month) parses the notes that hold the sponsor's name, a domain or a
    promo host of it, not every episode of the network's month; and finds what the whole month finds."""
    from sponsortrack.importers import shownotes

    _busy_month(net)
    fastly = cat.resolve_sponsor(net, "Fastly").id
    whole = [e for e in rc.reconcile(net, month="2019-10").exceptions if e.sponsor_id == fastly]
    parsed: list[str] = []
    real = shownotes.parse_show_notes
    counting = lambda text, **kw: parsed.append(text) or real(text, **kw)  # noqa: E731
    monkeypatch.setattr(shownotes, "parse_show_notes", counting)
    monkeypatch.setattr(rc, "parse_show_notes", counting, raising=False)  # wherever reconcile takes it from
    mine = rc.reconcile(net, month="2019-10", sponsor_id=fastly)
    # 62's seed notes name Fastly, 11 names it, 12 links it; the ten other episodes are not parsed
    assert len(parsed) == 3 and all("fastly" in t.lower() for t in parsed)
    assert [e.to_dict() for e in mine.exceptions] == [e.to_dict() for e in whole]
    assert sorted((e.kind, e.episode_number) for e in mine.exceptions) == [
        ("in_notes_not_logged", 11), ("in_notes_not_logged", 12), ("in_notes_not_logged", 62)]
    parsed.clear()
    assert [e["kind"] for e in rc.reconcile_for_pop(net, fastly, "2019-10")] == ["in_notes_not_logged"] * 3
    assert len(parsed) == 3


def test_the_parser_knows_the_database_sponsors(net):
    """Notes that only link a known sponsor's domain ("Thanks to https://www.fastly.com/changelog") name it:
    the reconciliation hands the parser the sponsors it knows (names, domains, campaigns' promo URLs)."""
    _busy_month(net)
    rec = rc.reconcile(net, month="2019-10", show="Other Show")
    assert ("in_notes_not_logged", 12, "Fastly") in [(e.kind, e.episode_number, e.sponsor_name)
                                                     for e in rec.exceptions]


def test_needles_cover_the_ways_a_sponsor_is_matched():
    from sponsortrack.importers.shownotes import name_key

    sp = {"name": "The Brave Browser", "domains": ["brave.com"]}
    assert rc._needles(sp, [{"promo_url": "https://bit.ly/brave-pod"}], name_key) == ["brave", "bravecom", "bitly"]
    assert rc._needles({"name": "株式会社", "domains": []}, [], name_key) is None  # cannot tell: parse every one
    assert "digitalocean" in rc._squash("Thanks to Digital&nbsp;Ocean!") and rc._squash("Café") == "cafe"
