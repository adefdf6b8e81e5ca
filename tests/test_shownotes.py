"""Show-notes sponsor parser: fixtures in every format, the seed, matching, robustness and speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sponsortrack.importers.shownotes import ParsedSponsor, SponsorMatcher, name_key, parse_show_notes

FIXTURES = Path(__file__).parent / "fixtures" / "shownotes"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_29f338a103c000be.txt"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def summary(items: list[ParsedSponsor]) -> list[tuple]:
    return [(p.name, p.promo_url, p.promo_code, p.offer) for p in items]


# --------------------------------------------------------------------------- the seed

def check_seed(text: str) -> None:
    items = parse_show_notes(text)
    assert [p.name for p in items] == ["DigitalOcean", "The Brave Browser", "Fastly"]
    do, brave, fastly = items
    assert do.promo_url == "https://do.co/changelog"
    assert do.promo_url_raw == "do.co/changelog"
    assert do.offer == "$50 credit"
    assert do.promo_code is None
    assert do.blurb.startswith("DigitalOcean now offers three managed databases")
    assert brave.promo_url is None  # "right here on changelog.com" is not Brave's promo URL
    assert brave.promo_url_raw is None
    assert brave.offer is None
    assert "Basic Attention Token" in brave.blurb
    assert fastly.promo_url == "https://fastly.com"
    assert fastly.offer is None
    # nothing from "Featuring:" (Chris Benson – Twitter, ...) or "Show Notes:"
    names = {p.name for p in items}
    assert not names & {"Chris Benson", "Hikvision", "iFlytek", "Megvii", "Yitu", "Twitter"}


def test_seed_fixture_parses_exactly():
    check_seed(fixture("seed_practical_ai.txt"))


def test_shared_seed_parses_exactly():
    if not SHARED_SEED.exists():
        pytest.skip("../shared/seed is not present")
    check_seed(SHARED_SEED.read_text(encoding="utf-8"))


def test_seed_matches_known_sponsors():
    items = parse_show_notes(fixture("seed_practical_ai.txt"))
    matcher = SponsorMatcher(["Brave", "digitalocean", "Linode"])
    matches = matcher.classify(p.name for p in items)
    assert [(m.parsed, m.known, m.is_new) for m in matches] == [
        ("DigitalOcean", "digitalocean", False),
        ("The Brave Browser", "Brave", False),
        ("Fastly", None, True),
    ]


# --------------------------------------------------------------------------- formats

def test_markdown_bullets_and_links():
    items = parse_show_notes(fixture("markdown_bullets.md"), exclude_domains=["changelog.com"])
    assert summary(items) == [
        ("Linode", "https://linode.com/changelog", "CHANGELOG2024", "$100 in free credit"),
        ("Sentry", "https://sentry.io/changelog", None, "2 months free"),
        ("LaunchDarkly", "https://launchdarkly.com/changelog", None, None),
    ]
    assert all(p.source == "section" for p in items)


def test_html_list_where_the_link_carries_the_url():
    items = parse_show_notes(fixture("html_list.html"))
    assert summary(items) == [
        ("Notion", "https://www.notion.so/changelog", None, None),
        ("Retool", "https://retool.com/changelog?utm_source=podcast", "SHIP20", "20% off your first year"),
        ("Square", "https://developer.squareup.com/changelog", None, None),
    ]
    # HTML entities and tags are gone from blurbs
    assert all("<" not in p.blurb for p in items)


def test_runon_sentences_without_heading_skip_social_and_show_links():
    items = parse_show_notes(fixture("runon_paragraphs.txt"), exclude_domains=["syntax.fm"])
    assert summary(items) == [
        ("Hover", "https://hover.com/SYNTAX", None, "10% off"),
        ("Cloudinary", "https://cloudinary.com/syntax", "SYNTAX50", None),
    ]
    assert items[0].promo_url_raw == "Hover.com/SYNTAX"
    assert all(p.source == "sentence" for p in items)


def test_chapter_lines_give_start_and_length():
    items = parse_show_notes(fixture("chapters.txt"))
    assert [(p.name, p.start_seconds, p.length_seconds) for p in items] == [
        ("Posit", 72, 53),  # 01:12 → next chapter 02:05
        ("PyCharm", 1120, 50),  # 18:40 → 19:30
        ("Posit", 2462, 48),  # [41:02] → [41:50]
    ]
    assert items[0].promo_url == items[2].promo_url == "https://posit.co/talkpython"
    assert items[1].promo_url == "https://jetbrains.com/pycharm"


def test_hyphen_and_colon_separators_and_any_case_urls():
    items = parse_show_notes(fixture("plain_hyphen_colon.txt"))
    assert summary(items) == [
        ("Squarespace", "https://squarespace.com/offer", "OFFER", "10% off"),
        ("HelloFresh", "https://hellofresh.com/show16", "SHOW16", None),
        ("The Athletic", "https://theathletic.com/Show", None, "A Week Free"),
    ]
    # "Music: Breakmaster Cylinder", "Hosted by", the show's own site and email are not sponsors
    assert "Music" not in {p.name for p in items}


def test_thanks_to_our_sponsors_numbered_list():
    items = parse_show_notes(fixture("thanks_heading.md"))
    assert summary(items) == [
        ("Zapier", "https://zapier.com/podcast", None, None),
        ("Mailchimp", "https://mailchimp.com", "MAILPOD", "3 months free"),
    ]


def test_inline_heading_list_of_names_merges_with_detail_line():
    items = parse_show_notes(fixture("sponsored_by_inline.txt"))
    assert summary(items) == [
        ("Vanta", "https://vanta.com/PODCAST", None, "$1,000 off"),
        ("Tailscale", None, None, None),
        ("1Password", None, None, None),
    ]


@pytest.mark.parametrize("sep", [" – ", " — ", " - ", ": ", "—", " | "])
def test_every_separator(sep):
    text = f"Sponsors\n\nAcme{sep}Widgets for everyone. Learn more at acme.io/pod.\n"
    assert summary(parse_show_notes(text)) == [("Acme", "https://acme.io/pod", None, None)]


@pytest.mark.parametrize("heading", [
    "Sponsors:", "Sponsors", "SPONSORS", "Sponsored by:", "Brought to you by", "Thanks to our sponsors:",
    "## Sponsors", "**Sponsors**", "This episode is brought to you by:", "Our sponsors",
    "<h2>Sponsors</h2>", "<p><strong>Brought to you by</strong></p>",
])
def test_every_heading(heading):
    text = f"{heading}\n- Acme – Widgets. Try it free at ACME.IO/Pod!\n"
    assert summary(parse_show_notes(text)) == [("Acme", "https://acme.io/Pod", None, None)]


@pytest.mark.parametrize("cue", ["Learn more at", "Try it free at", "Visit", "Head to", "Go to",
                                 "Check them out at", "Sign up at"])
def test_every_url_cue(cue):
    text = f"Sponsors:\nAcme – Widgets for all, see our friends right here on show.fm. {cue} acme.com/show."
    items = parse_show_notes(text)
    assert [(p.promo_url, p.promo_url_raw) for p in items] == [("https://acme.com/show", "acme.com/show")]


@pytest.mark.parametrize("raw,expected", [
    ("https://acme.com/show.", "https://acme.com/show"),
    ("HTTPS://ACME.COM/show),", "https://acme.com/show"),
    ("(acme.com/show)", "https://acme.com/show"),
    ("www.acme.com/show!", "https://www.acme.com/show"),
    ("acme.com/wiki/Foo_(bar)", "https://acme.com/wiki/Foo_(bar)"),
    ("http://acme.com/?ref=pod;", "http://acme.com/?ref=pod"),
    ("“acme.com/show”", "https://acme.com/show"),
])
def test_urls_with_or_without_scheme_and_trailing_punctuation(raw, expected):
    items = parse_show_notes(f"Sponsors:\nAcme – Great stuff. Visit {raw}\n")
    assert items[0].promo_url == expected


@pytest.mark.parametrize("phrase,code", [
    ("use code PODCAST20", "PODCAST20"),
    ("Use Code: pod-2024", "pod-2024"),
    ("promo code “SAVE10”", "SAVE10"),
    ("with the code ACME at checkout", "ACME"),
])
def test_promo_codes(phrase, code):
    items = parse_show_notes(f"Sponsors:\nAcme – Great stuff, {phrase}. Visit acme.com.")
    assert items[0].promo_code == code


def test_social_and_show_links_are_never_promo_urls():
    text = (
        "Sponsors:\n"
        "Acme – Follow them at twitter.com/acme and hear more right here at changelog.com/podcast.\n"
        "- [Globex](https://github.com/globex) – on GitHub\n"
    )
    items = parse_show_notes(text, exclude_domains=["changelog.com"])
    assert [(p.name, p.promo_url) for p in items] == [("Acme", None), ("Globex", None)]


def test_no_sponsors_anywhere():
    text = (
        "Featuring:\nJane Doe – Twitter, GitHub\n\nShow Notes:\n- Hikvision – their website\n"
        "Follow us on twitter.com/show. Subscribe at show.fm."
    )
    assert parse_show_notes(text) == []


def test_sentence_variants():
    text = (
        "We talk about databases. Thanks to Acme for sponsoring this episode, visit acme.com/db. "
        "Support for this episode comes from Globex Corporation. Go to globex.com/pod for a 30-day free trial.\n\n"
        "Today's sponsor is Initech and Hooli. Our guest is Jane."
    )
    items = parse_show_notes(text)
    assert [(p.name, p.promo_url, p.offer) for p in items] == [
        ("Acme", "https://acme.com/db", None),
        ("Globex Corporation", "https://globex.com/pod", "30-day free trial"),
        ("Initech", None, None),
        ("Hooli", None, None),
    ]


def test_html_sponsor_paragraph_with_link_in_sentence():
    html = ('<p>This episode is sponsored by <a href="https://acme.com/pod">Acme</a>. '
            'Follow us on <a href="https://twitter.com/show">Twitter</a>.</p>')
    items = parse_show_notes(html)
    assert [(p.name, p.promo_url) for p in items] == [("Acme", "https://acme.com/pod")]


def test_bytes_none_and_empty():
    assert parse_show_notes(None) == []
    assert parse_show_notes("") == []
    assert parse_show_notes(b"Sponsors:\nAcme \xe2\x80\x93 Visit acme.com\n")[0].name == "Acme"
    assert parse_show_notes(b"\xff\xfe garbage")  == []


def test_to_dict_is_plain_data():
    d = parse_show_notes(fixture("seed_practical_ai.txt"))[0].to_dict()
    assert d["name"] == "DigitalOcean" and d["promo_url"] == "https://do.co/changelog"
    assert set(d) >= {"name", "blurb", "promo_url", "promo_url_raw", "promo_code", "offer",
                      "start_seconds", "length_seconds", "source"}


# --------------------------------------------------------------------------- matching

@pytest.mark.parametrize("parsed,known", [
    ("The Brave Browser", "Brave"),
    ("brave", "Brave"),
    ("BRAVE", "Brave"),
    ("Digital Ocean", "DigitalOcean"),
    ("digitalocean", "DigitalOcean"),
    ("The DigitalOcean Cloud Platform", "DigitalOcean"),
    ("Fastly", "Fastly, Inc."),
    ("Crème Cloud", "Creme"),
])
def test_matcher_finds_known(parsed, known):
    matcher = SponsorMatcher(["Brave", "DigitalOcean", "Fastly, Inc.", "Creme", "Linode"])
    assert matcher.match(parsed) == known


def test_matcher_proposes_unknown_as_new():
    matcher = SponsorMatcher(["Brave", "Linode"])
    assert matcher.match("Fastly") is None
    assert matcher.match("") is None
    assert matcher.match("The") is None
    assert matcher.classify(["Bravo"])[0].is_new


def test_name_key():
    assert name_key("The Brave Browser") == "brave browser"
    assert name_key("  DigitalOcean, Inc. ") == "digitalocean inc"


# --------------------------------------------------------------------------- robustness

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_never_crashes_on_any_text(text):
    items = parse_show_notes(text)
    assert isinstance(items, list)
    for p in items:
        assert p.name.strip()
        assert p.promo_url is None or p.promo_url.startswith(("http://", "https://"))


_PIECES = st.sampled_from([
    "Sponsors:", "Sponsored by", "<li>", "</li>", "<a href='", "'>", "</a>", "<h2>", "**", "[", "](",
    ")", " – ", " — ", " - ", ": ", "\n", "\n\n", "Acme", "The Brave Browser", "is sponsoring us",
    "Learn more at ", "do.co/changelog", "HTTPS://X.IO/", "use code ", "PROMO", "$50 credit", "12:34 ",
    "Sponsor: ", "Featuring:", "twitter.com/x", ".", "(", "1:02:03", "www.", "&amp;", "<", ">", "%",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=80))
def test_never_crashes_on_structured_garbage(pieces):
    items = parse_show_notes("".join(pieces))
    for p in items:
        assert p.start_seconds is None or p.start_seconds >= 0
        assert p.length_seconds is None or p.length_seconds > 0


@pytest.mark.parametrize("evil", [
    "a" * 200_000,
    "a." * 100_000,
    "Sponsors:\n" + "X – " * 50_000,
    "<a href=\"" + "x" * 100_000,
    "1:" * 100_000,
    "Aa " * 60_000 + " is sponsoring",
    "https://" + "a" * 200_000,
    "[" * 100_000 + "](",
    "**" * 100_000,
    "a-" * 100_000 + ".com",
    ("Sponsors:\n" + "- Acme – visit acme.com\n") * 5_000,
], ids=lambda evil: f"{evil[:12]!r}x{len(evil)}")
def test_no_catastrophic_backtracking(evil):
    # a guard against exponential regexes (those take minutes), not a speed test: bench/imports.py is
    start = time.perf_counter()
    parse_show_notes(evil)
    assert time.perf_counter() - start < 10.0
