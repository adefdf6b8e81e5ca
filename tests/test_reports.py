"""PDF reports: text extracted with pypdf (names, numbers, totals, page counts), escaping, Unicode,
metadata, byte-identical regeneration of issued invoices, atomic writes, and the one escaping door."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from invoicing_helpers import network, pdf_meta, pdf_text, seller, snapshots

from sponsortrack.errors import ValidationError
from sponsortrack.outputs import write_atomic
from sponsortrack.reports import fonts
from sponsortrack.reports.invoice import invoice_pdf_bytes, line_rows
from sponsortrack.reports.pop import pop_pdf_bytes
from sponsortrack.reports.summary import summary_pdf_bytes
from sponsortrack.reports.text import Markup, esc
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing, reporting
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc

ROOT = Path(__file__).resolve().parents[1]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_escaping_door():
    assert esc("AT&T <Labs>") == "AT&amp;T &lt;Labs&gt;"
    assert esc("<PODCAST20>") == "&lt;PODCAST20&gt;"
    assert esc('say "hi"') == 'say "hi"'
    assert esc("a\nb") == "a<br/>b"
    assert esc(Markup("<b>x</b>")) == "<b>x</b>"
    assert esc("東京 ok") == f'<font face="{fonts.FALLBACK}">東京</font> ok'
    assert esc("Zoë Müller ₹ €") == "Zoë Müller ₹ €"   # DejaVu has these: no font switch


def test_paragraph_is_only_made_in_the_escaping_module():
    offenders = []
    for path in (ROOT / "sponsortrack").rglob("*.py"):
        if path.name == "text.py" and path.parent.name == "reports":
            continue
        if "ui" in path.relative_to(ROOT / "sponsortrack").parts:
            continue
        if re.search(r"\bParagraph\(", path.read_text("utf-8")):
            offenders.append(str(path))
    assert offenders == []


def test_fonts_are_bundled_with_licences():
    d = fonts.fonts_dir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf", "LICENSE-DejaVu.txt",
                 "LICENSE-DroidSansFallback.txt", "OFL-1.1.txt", "LICENSE-Noto.txt", "LICENSE-Nanum.txt",
                 "LICENSE-Symbola.txt", *(f.file for f in fonts.FACES.values())):
        assert (d / name).is_file(), name
    assert d == ROOT / "sponsortrack" / "assets" / "fonts" and not d.is_symlink()


def test_invoice_pdf_text_escaping_and_unicode(store):
    seller(store)
    n = network(store, agency="Zoë & Partners <AoR>", rate="1234.56", currency="INR")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    inv = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    data = invoice_pdf_bytes(invoicing.invoice_document(store, inv.id))
    text, pages = pdf_text(data)
    flat = _flat(text)
    assert pages == 1
    for expected in ("INVOICE", "2019-0001", "Zoë Müller Media GmbH", "Musterstraße 1", "東京 100-0001",
                     "Zoë & Partners <AoR>", "AT&T <Labs>", "code <PODCAST20>", "IO-<1>", "Spring ₹ promo",
                     "Episode 1: AT&T <Labs> & 東京", "₹1,234.56", "Net 30",
                     "Agency commission (15 %)", "VAT (8.25 %)", "Total due (INR)", "Page 1 of 1",
                     "IBAN DE00"):
        assert expected in flat, expected
    # 3 × 1,234.56 = 3,703.68; commission 555.552 → 555.55; net 3,148.13; VAT 8.25 % = 259.72 → total 3,407.85
    assert "₹3,703.68" in flat and "-₹555.55" in flat and "₹3,148.13" in flat and "₹259.72" in flat
    assert "₹3,407.85" in flat
    meta = pdf_meta(data)
    assert meta["/Title"] == "Invoice 2019-0001" and meta["/Author"] == "Zoë Müller Media GmbH"
    assert "Zoë & Partners <AoR>" in meta["/Subject"] and "AT&T <Labs>" in meta["/Subject"]


def test_euro_and_draft_watermark(store):
    ssvc.update_settings(store, seller_name="S", seller_address="A")
    n = network(store, currency="EUR", rate="99.99", billing_address=None)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    text, _ = pdf_text(invoice_pdf_bytes(invoicing.invoice_document(store, inv.id)))
    flat = _flat(text)
    assert "DRAFT INVOICE" in flat and "€299.97" in flat and "Billing address missing" in flat
    assert "not ready to issue" in flat


def test_issued_invoice_regenerates_byte_identically(store, tmp_path):
    seller(store)
    n = network(store, agency="Agency")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    first = invoicing.write_invoice_pdf(store, "2019-0001", tmp_path / "a.pdf").path.read_bytes()
    # everything live changes afterwards: seller, sponsor, agency, campaign, settings, payment
    ssvc.update_settings(store, seller_name="Renamed LLC", tax_bp=2000, payment_instructions="changed")
    cat.edit_sponsor(store, n["sponsor"].id, billing_address="Elsewhere", name="Renamed sponsor")
    cat.edit_agency(store, n["agency"].id, billing_address="Moved")
    invoicing.mark_paid(store, "2019-0001", "2019-11-30")
    second = invoice_pdf_bytes(invoicing.invoice_document(store, "2019-0001", as_issued=True))
    assert second == first
    assert "AT&T <Labs>" in _flat(pdf_text(second)[0])
    # the copy as it stands now says it is paid, and is itself reproducible
    now = invoice_pdf_bytes(invoicing.invoice_document(store, "2019-0001"))
    assert "PAID 30 Nov 2019" in _flat(pdf_text(now)[0])
    assert invoice_pdf_bytes(invoicing.invoice_document(store, "2019-0001")) == now


def test_fifty_line_invoice_spans_pages_with_page_x_of_y(store):
    seller(store)
    n = network(store, episodes=25, reads_per_episode=2, month="2019-10")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert len(inv.lines) == 50
    rows = line_rows(invoicing.invoice_document(store, inv.id))
    assert len(rows) == 51
    text, pages = pdf_text(invoice_pdf_bytes(invoicing.invoice_document(store, inv.id)))
    assert pages >= 2
    flat = _flat(text)
    assert f"Page 1 of {pages}" in flat and f"Page {pages} of {pages}" in flat
    assert "$60,000.00" in flat   # 50 × $1,200.00


def test_credit_note_pdf(store):
    seller(store)
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    note = invoicing.issue_invoice(store, invoicing.create_credit_note(store, "2019-0001", positions=[2]).id,
                                   issue_date="2019-11-03")
    flat = _flat(pdf_text(invoice_pdf_bytes(invoicing.invoice_document(store, note.id)))[0])
    assert "CREDIT NOTE" in flat and "2019-0002" in flat and "corrects invoice 2019-0001" in flat
    assert "-$1,200.00" in flat and "Total credited (USD)" in flat


def test_pop_pdf(demo_store):
    data = reporting.pop_data(demo_store, "Brave", "2019-10", today="2019-11-01")
    assert [c.month_reads for c in data.campaigns] == [4]
    text, pages = pdf_text(pop_pdf_bytes(data))
    flat = _flat(text)
    assert pages == 2
    for expected in ("Proof of performance", "Brave", "October 2019", "Soundwave Media", "SW-IO-1931",
                     "Delivery against the insertion order", "200,000 impr.", "Airing log", "Practical AI",
                     "Promo link health", "Attestation", "Changelog Media LLC attests", "Impressions per week",
                     "Page 2 of 2", "1 Nov 2019"):
        assert expected in flat, expected
    assert f"{data.campaigns[0].month_impressions:,}" in flat
    assert pdf_meta(pop_pdf_bytes(data))["/Title"] == "Proof of performance: Brave, October 2019"


def test_pop_link_health_before_and_after_a_check(demo_store):
    flat = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(demo_store, "DigitalOcean", "2019-10")))[0])
    assert "No link check has run yet" in flat and "https://do.co/changelog" in flat
    demo_store.conn.execute(
        "INSERT INTO link_checks (url, checked_at, verdict, status_code, final_url) VALUES "
        "('https://do.co/changelog', '2019-11-01T10:00:00.000Z', 'redirected', 301, "
        "'https://www.digitalocean.com/?refcode=changelog')")
    demo_store.conn.commit()
    flat = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(demo_store, "DigitalOcean", "2019-10")))[0])
    assert "No link check has run yet" not in flat
    assert "Redirected (HTTP 301)" in flat and "digitalocean.com/?refcode=changelog" in flat and "1 Nov 2019" in flat
    assert "the link redirects and lands where expected" in flat          # what the result means


def test_pop_escapes_and_prints_unicode(store):
    seller(store)
    network(store)
    flat = _flat(pdf_text(pop_pdf_bytes(reporting.pop_data(store, "AT&T <Labs>", "2019-10")))[0])
    assert "AT&T <Labs>" in flat and "<PODCAST20>" in flat and "東京 Tech Talk" in flat
    assert "Zoë Müller Media GmbH attests" in flat


def test_pop_with_nothing_running_is_refused(demo_store):
    with pytest.raises(ValidationError, match="no reads and no running campaign"):
        reporting.pop_data(demo_store, "Brave", "2019-03")


def test_network_summary_pdf(demo_store):
    [inv] = invoicing.create_drafts(demo_store, "Fastly", "2019-09").invoices
    invoicing.issue_invoice(demo_store, inv.id, issue_date="2019-10-01")
    data = reporting.network_summary_data(demo_store, "2019-10", today="2019-12-01")
    assert [r.name for r in data.by_sponsor] == ["DigitalOcean", "Fastly", "Brave"]
    # overdue is judged on the period's last day (31 Oct), not on the day the summary is made
    assert inv.id not in {i.id for i in data.overdue}
    assert [i.number for i in data.receivables] == ["2019-0001"]
    text, pages = pdf_text(summary_pdf_bytes(data))
    flat = _flat(text)
    for expected in ("Network summary · October 2019", "Revenue by sponsor", "Revenue by show",
                     "Pacing of running campaigns", "Delivered but not yet invoiced", "Overdue invoices",
                     "2019-0001", "Issued in October 2019", "$7,200.00", "Practical AI", "The Changelog",
                     "Managed databases, H2 2019", f"Page {pages} of {pages}"):
        assert expected in flat, expected
    assert pdf_meta(summary_pdf_bytes(data))["/Title"] == "Network summary, October 2019"


def test_cpm_snapshot_changes_do_not_touch_an_issued_invoice(store):
    seller(store)
    n = network(store, pricing="cpm", rate="25.00", episodes=1)
    ep = rsvc.get_read(store, n["reads"][0]).episode_id
    snapshots(store, {ep: {30: 10_000}})
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    before = invoice_pdf_bytes(invoicing.invoice_document(store, inv.id))
    snapshots(store, {ep: {30: 20_000}})
    assert invoice_pdf_bytes(invoicing.invoice_document(store, inv.id)) == before
    assert "10,000 downloads $25.00 CPM" in _flat(pdf_text(before)[0])   # quantity, unit price columns


def test_atomic_write_keeps_the_old_file_and_leaves_no_partial(tmp_path, monkeypatch):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    import os

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ValidationError, match="No space left"):
        write_atomic(b"new", target)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
    with pytest.raises(ValidationError, match="is a folder"):
        write_atomic(b"x", tmp_path)
    with pytest.raises(ValidationError, match="does not exist"):
        write_atomic(b"x", tmp_path / "nope" / "x.pdf")
    assert write_atomic(b"new", target).read_bytes() == b"new"


def test_reports_and_services_do_not_import_qt():
    code = ("import sys; import sponsortrack.reports.invoice, sponsortrack.reports.pop, "
            "sponsortrack.reports.summary, sponsortrack.services.invoicing, sponsortrack.services.reporting, "
            "sponsortrack.services.export, sponsortrack.cli.invoicing; "
            "assert not [m for m in sys.modules if m.startswith('PySide6')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_cli_startup_does_not_import_reportlab():
    code = "import sys, sponsortrack.cli; assert 'reportlab' not in sys.modules, 'reportlab imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_pop_to_date_figures_match_campaign_pacing(demo_store):
    from sponsortrack.services import campaigns as camp

    for sponsor in ("DigitalOcean", "Brave", "Fastly"):
        for month in ("2019-09", "2019-10", "2019-12"):
            data = reporting.pop_data(demo_store, sponsor, month)
            pacing = {p.campaign_id: p for p in camp.pacing(demo_store, [c.campaign.id for c in data.campaigns],
                                                            as_of=data.period_end)}
            for c in data.campaigns:
                p = pacing[c.campaign.id]
                assert (c.to_date_reads, c.to_date_impressions, c.make_goods_owed, c.make_goods_delivered) == \
                    (p.delivered_reads, p.delivered_impressions, p.make_goods_owed, p.make_goods_delivered)
