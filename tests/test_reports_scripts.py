"""Every script, every string: sponsors named in Korean, Hindi, Arabic, Hebrew, Japanese mixed with Latin and
with emoji print on invoices and POPs (text set per character run), extract in logical order with pypdf, and a
character no bundled face has is refused before an invoice is issued, naming the field."""

from __future__ import annotations

import re

import pytest
from invoicing_helpers import network, pdf_text, seller

from sponsortrack.errors import ValidationError
from sponsortrack.reports import fonts
from sponsortrack.reports.charts import horizontal_bars, vertical_bars
from sponsortrack.reports.invoice import invoice_pdf_bytes
from sponsortrack.reports.pop import pop_pdf_bytes
from sponsortrack.reports.render import DocSpec, render_bytes
from sponsortrack.reports.text import esc
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing, reporting

NAMES = {
    "korean": "한국 팟캐스트 주식회사",
    "hindi": "हिन्दी क्षत्रिय प्रकाशन",
    "arabic": "شركة النخيل للتجارة",
    "hebrew": 'שלום עולם בע"מ',
    "japanese": "東京ラジオ Tokyo Radio 株式会社",
    "emoji": "Happy Sponsor 😀🎉 Co",
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _missing(name: str, text: str) -> list[str]:
    return [ch for ch in name if not ch.isspace() and ch not in text]


@pytest.mark.parametrize("script", list(NAMES))
def test_invoice_prints_every_character_of_the_sponsor_name(store, script):
    name = NAMES[script]
    seller(store, seller_address="Seller\n" + name)
    n = network(store, sponsor=name, billing_address=f"{name}\n1 Example Way")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    inv = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    text = _flat(pdf_text(invoice_pdf_bytes(invoicing.invoice_document(store, inv.id)))[0])
    assert _missing(name, text) == []
    assert name in text            # in logical order, words in the order typed (Arabic and Hebrew too)


@pytest.mark.parametrize("script", list(NAMES))
def test_pop_prints_every_character_of_the_sponsor_name(store, script):
    name = NAMES[script]
    seller(store)
    network(store, sponsor=name)
    text = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(store, name, "2019-10")))[0])
    assert _missing(name, text) == []
    assert name in text


def test_one_japanese_character_does_not_blank_the_latin_of_a_footer_or_chart():
    footer = "Invoice 2019-0001 · 東 Latin stays Latin"
    story = [vertical_bars(["Week 東 one", "हिन्दी क्षत्रिय"], [[3, 4]], ["Reads 한"], width=300, height=120,
                           title="Reads per week 東京"),
             horizontal_bars(["شركة النخيل", "Sponsor 東"], [5, 7], width=300, fmt=str, title="By sponsor")]
    text = _flat(pdf_text(render_bytes(DocSpec(story=story, title="t", footer=footer)))[0])
    for expected in ("Invoice 2019-0001 · 東 Latin stays Latin", "Week 東 one", "हिन्दी क्षत्रिय",
                     "Reads per week 東京", "شركة النخيل", "Sponsor 東", "By sponsor"):
        assert expected in text, expected


def test_runs_pick_one_face_per_script():
    runs = fonts.runs("Acme 한국 Ltd")
    assert [(r.face, r.text) for r in runs] == [(fonts.FONT, "Acme "), ("STHangul", "한국"), (fonts.FONT, " Ltd")]
    # spaces between two Arabic words stay in the Arabic run, so it is set as one right-to-left run
    assert [r.face for r in fonts.runs("Bill شركة النخيل!")] == [fonts.FONT, "STArabic", fonts.FONT]
    assert 'face="STDevanagari"' in esc("हिन्दी") and 'face="STEmoji"' in esc("🎉")


def test_unprintable_characters_are_found():
    assert fonts.unprintable("Acme 한국 हिन्दी شركة 😀 ok") == []
    assert fonts.unprintable("Acme \U00013000 x") == ["\U00013000"]        # Egyptian hieroglyph: no face
    assert fonts.unprintable("tab\tand\nnew line") == []


def test_issue_refuses_a_glyph_that_would_not_print_naming_the_field(store):
    seller(store)
    n = network(store)
    cat.edit_sponsor(store, n["sponsor"].id, billing_address="Pharaoh \U00013000 Ltd\nCairo")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    with pytest.raises(ValidationError, match=r"^billing address: .*U\+13000.* cannot be printed"):
        invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    assert invoicing.invoice_document(store, inv.id).invoice.number is None   # still a draft, no number used


def _font_names(data: bytes) -> set[tuple[str, bool]]:
    import io

    from pypdf import PdfReader

    out = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            out.add((str(f["/BaseFont"]), "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"]))
    return out


def test_pop_and_summary_embed_every_font(demo_store):
    from sponsortrack.reports.summary import summary_pdf_bytes

    for data in (pop_pdf_bytes(reporting.pop_data(demo_store, "DigitalOcean", "2019-10")),
                 summary_pdf_bytes(reporting.network_summary_data(demo_store, "2019-10", today="2019-12-01"))):
        names = _font_names(data)
        assert names and all(embedded for _, embedded in names), names
        assert not any("Helvetica" in n for n, _ in names)


def test_pop_is_proof_per_read_cpm_downloads_not_delivered_and_attestation(store):
    from invoicing_helpers import snapshots

    from sponsortrack.services import reads as rsvc

    seller(store)
    n = network(store, pricing="cpm", rate="25.00", episodes=3, booked_impressions=1000)
    eps = [rsvc.get_read(store, r).episode_id for r in n["reads"]]
    cat.edit_episode(store, eps[0], link="https://show.example/ep1")
    snapshots(store, {eps[0]: {30: 12_345}})                       # the second episode has no downloads yet
    rsvc.edit_read(store, n["reads"][2], status="flagged")
    text = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(store, "AT&T <Labs>", "2019-10")))[0])
    assert "Episode 1: AT&T <Labs> & 東京" in text and "show.example/ep1" in text and "IO-<1>" in text
    assert "12,345" in text and "day 30 · Megaphone" in text
    assert "not yet known" in text                                  # not "0"
    assert "Not delivered" in text and "flagged: not delivered as booked" in text and "owed" in text
    assert "attests that the 2 delivered reads listed in the airing log" in text
    assert 'The reads listed under "Not delivered" are not covered.' in text
    assert "Over-delivery:" in text and "12,345 impressions against 1,000 booked" in text


def test_pop_never_prints_an_unreachable_check_as_a_failure(demo_store):
    demo_store.conn.execute(
        "INSERT INTO link_checks (url, checked_at, verdict, explanation) VALUES "
        "('https://do.co/changelog', '2019-11-01T10:00:00.000Z', 'unchecked', 'offline: no network')")
    demo_store.conn.commit()
    text = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(demo_store, "DigitalOcean", "2019-10")))[0])
    # an attempt made offline is never a verdict (the store leaves it out): the link reads as not checked
    assert "No link check has run yet" in text and "nchecked" not in text and "offline" not in text


def test_urls_wrap_at_separators_never_mid_word():
    from sponsortrack.reports.text import url

    long = "www.digitalocean.com/go/podcast/changelog?refcode=changelog&utm_source=podcast"
    lines = str(url(long, 90)).split("<br/>")
    assert len(lines) > 1 and "".join(lines) == long.replace("&", "&amp;")
    assert all(line[-1] in "/?&.=-_#;" for line in lines[:-1])          # each break follows a separator
    assert str(url("do.co/changelog", 90)) == "do.co/changelog"


def test_layout_defects_of_the_issue(store):
    from sponsortrack.reports.invoice import build_story
    from sponsortrack.reports.summary import revenue_rows
    from sponsortrack.services.reporting import RevenueRow, _weeks

    # one "Revenue by show" row per show, every currency in it, and the value says it is gross
    rows = revenue_rows([RevenueRow("Show A", "USD", 2, 100_00), RevenueRow("Show A", "EUR", 1, 50_00),
                         RevenueRow("Show B", "USD", 1, 10_00)], "Show")
    assert len(rows) == 3 and rows[0][2].text == "Value (gross)"
    assert rows[1][1] == "3" and "$100.00" in rows[1][2].text and "€50.00" in rows[1][2].text
    # week labels are the Mondays the chart title promises, also where one falls in the month before
    assert [w.label for w in _weeks("2019-10-01", "2019-10-31")][:2] == ["30 Sep", "7 Oct"]
    # the agency's name is printed once in BILL TO, and BILL TO keeps a gutter before ORDER
    seller(store)
    n = network(store, agency="Soundwave Media")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    cat.edit_agency(store, n["agency"].id, billing_address="Soundwave Media\n77 Market Street")
    inv = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    doc = invoicing.invoice_document(store, inv.id)
    text = _flat(pdf_text(invoice_pdf_bytes(doc))[0])
    bill_block = text[text.index("BILL TO"):text.index("77 Market Street")]
    assert bill_block.count("Soundwave Media") == 1
    parties = build_story(doc)[2]
    assert parties._cellStyles[0][0].rightPadding > 10        # 6 mm between BILL TO and ORDER


def test_paragraphs_start_where_full_width_tables_start(demo_store):
    import io

    from pypdf import PdfReader

    from sponsortrack.reports.render import MARGIN
    from sponsortrack.reports.summary import summary_pdf_bytes

    data = summary_pdf_bytes(reporting.network_summary_data(demo_store, "2019-10", today="2019-12-01"))
    xs: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            xs.setdefault(text.strip(), cm[4] + tm[4])

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    para_x = next(x for t, x in xs.items() if t.startswith("Delivered value at the booked rates"))
    cell_x = next(x for t, x in xs.items() if t == "Sponsor")
    assert para_x == pytest.approx(MARGIN, abs=0.5)            # the paragraph starts at the margin
    assert cell_x == pytest.approx(MARGIN + 3, abs=0.5)        # the table too (its text after 3 pt padding)


def test_every_script_face_is_listed_as_package_data():
    from sponsortrack.package_data import RUNTIME_FILES

    assert {f"assets/fonts/{f.file}" for f in fonts.FACES.values()} <= set(RUNTIME_FILES)
