"""Balances: payments (several per invoice) and credit notes applied give the balance due; paid, part-paid,
void and credited invoices print their state and balance; the summary's receivables and overdue list use
balances as of the period end and list void numbers so the series reads gapless."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from invoicing_helpers import network, pdf_text, seller

from sponsortrack.cli import main
from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.reports.common import long_date
from sponsortrack.reports.invoice import invoice_pdf_bytes
from sponsortrack.reports.summary import summary_pdf_bytes
from sponsortrack.services import invoicing, payments, reporting


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _issued(store, *, rate="1000.00", issue_date="2019-11-01", **kw):
    seller(store, tax_bp=0)
    n = network(store, rate=rate, **kw)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    return invoicing.issue_invoice(store, inv.id, issue_date=issue_date)   # 3 reads × 1,000.00 = 3,000.00


def _pdf(store, ref, **kw) -> str:
    return _flat(pdf_text(invoice_pdf_bytes(invoicing.invoice_document(store, ref, **kw)))[0])


def test_several_payments_make_up_the_balance_and_the_last_makes_it_paid(store):
    inv = _issued(store)
    _, bal = payments.record_payment(store, inv.number, amount="1000.00", on="2019-11-10", reference="WIRE 1")
    assert (bal.paid_minor, bal.due_minor) == (100_000, 200_000)
    assert invoicing.get_invoice(store, inv.id).status == "issued"
    text = _pdf(store, inv.number)
    for expected in ("PART PAID · $2,000.00 due", "Paid 10 Nov 2019 · WIRE 1", "-$1,000.00",
                     "Balance due (USD) $2,000.00", "PAYMENT"):
        assert expected in text, expected
    inv2, bal = payments.record_payment(store, inv.number, amount="2000", on="2019-11-20", reference="WIRE 2")
    assert inv2.status == "paid" and inv2.paid_on == "2019-11-20" and bal.due_minor == 0
    text = _pdf(store, inv.number)
    assert "PAID 20 Nov 2019" in text and "Balance due (USD) $0.00" in text
    assert "PAYMENT" not in text            # nothing left to pay: no payment box


def test_overpaying_and_bad_payments_are_refused_naming_the_field(store):
    inv = _issued(store)
    with pytest.raises(ValidationError, match=r"^amount: \$3,000.01 is more than the balance due \$3,000.00"):
        payments.record_payment(store, inv.number, amount="3000.01", on="2019-11-10")
    with pytest.raises(ValidationError, match=r"^amount: must be more than zero"):
        payments.record_payment(store, inv.number, amount="0", on="2019-11-10")
    with pytest.raises(ValidationError, match=r"^date: 2019-10-01 is before the issue date 2019-11-01"):
        payments.record_payment(store, inv.number, amount="1", on="2019-10-01")
    with pytest.raises(ValidationError, match=r"^date: "):
        payments.record_payment(store, inv.number, amount="1", on="10/11/2019")
    assert payments.balance(store, inv).payments == []


def test_credit_note_reduces_the_balance_unless_refunded(store):
    inv = _issued(store)
    note = invoicing.create_credit_note(store, inv.number, positions=[1], reason="Cut short")
    invoicing.issue_invoice(store, note.id, issue_date="2019-11-05")
    bal = payments.balance(store, invoicing.get_invoice(store, inv.id))
    assert (bal.credited_minor, bal.due_minor) == (100_000, 200_000)
    text = _pdf(store, inv.number)
    assert "Credit notes applied -$1,000.00" in text and "Balance due (USD) $2,000.00" in text
    note_text = _pdf(store, note.id)
    assert "CREDITS INVOICE 2019-0001" in note_text and "INVOICE DATED 1 Nov 2019" in note_text
    assert "deducted from the balance due on that invoice" in note_text
    # a refunded credit note is paid back; the invoice's balance stays
    second = invoicing.create_credit_note(store, inv.number, positions=[2])
    payments.set_credit_settlement(store, second.id, "refund")
    invoicing.issue_invoice(store, second.id, issue_date="2019-11-06")
    assert payments.balance(store, invoicing.get_invoice(store, inv.id)).due_minor == 200_000
    assert "refunded to you" in _pdf(store, second.id)
    with pytest.raises(ConflictError, match="fixed when it is issued"):
        payments.set_credit_settlement(store, second.id, "deduct")


def test_an_invoice_only_credited_is_not_called_part_paid(store):
    """Nothing was received: the stamp says the balance was credited down, not that it was part paid."""
    inv = _issued(store)
    note = invoicing.create_credit_note(store, inv.number, positions=[1], reason="Cut short")
    invoicing.issue_invoice(store, note.id, issue_date="2019-11-05")
    text = _pdf(store, inv.number)
    assert "PART PAID" not in text and "PART CREDITED · $2,000.00 due" in text
    payments.record_payment(store, inv.number, amount="500", on="2019-11-10")
    assert "PART PAID · $1,500.00 due" in _pdf(store, inv.number)


def test_void_invoice_says_not_payable_with_date_and_reason_and_no_total_due(store):
    inv = _issued(store)
    invoicing.void_invoice(store, inv.number, "Billed twice")
    text = _pdf(store, inv.number)
    void_day = invoicing.get_invoice(store, inv.id).voided_at[:10]
    assert "VOID — NOT PAYABLE" in text and "Billed twice" in text
    assert "VOIDED ON" in text and long_date(void_day) in text
    assert "Total due" not in text and "PAYMENT" not in text and "Void total (USD)" in text
    assert payments.balance(store, invoicing.get_invoice(store, inv.id)).due_minor == 0


def test_as_issued_copy_stays_byte_identical_after_payments(store):
    inv = _issued(store)
    first = invoice_pdf_bytes(invoicing.invoice_document(store, inv.number))
    payments.record_payment(store, inv.number, amount="500", on="2019-11-10")
    assert invoice_pdf_bytes(invoicing.invoice_document(store, inv.number, as_issued=True)) == first
    assert invoice_pdf_bytes(invoicing.invoice_document(store, inv.number)) != first


def test_summary_receivables_and_overdue_use_balances_at_period_end(store):
    # issued 1 Oct with Net 30 (due 31 Oct... terms from settings: 30 days); billed for September's reads
    seller(store, tax_bp=0, default_terms_days=10)
    n = network(store, rate="1000.00", month="2019-09")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-09").invoices
    inv = invoicing.issue_invoice(store, inv.id, issue_date="2019-10-01")          # due 11 Oct
    payments.record_payment(store, inv.number, amount="1000", on="2019-10-15", reference="A")
    payments.record_payment(store, inv.number, amount="500", on="2019-11-02", reference="B")   # after 31 Oct
    data = reporting.network_summary_data(store, "2019-10", today="2019-12-01")
    assert [i.number for i in data.receivables] == [inv.number]
    assert data.balances[inv.id].due_minor == 200_000        # 3,000 − 1,000 paid by 31 Oct
    assert [i.number for i in data.overdue] == [inv.number]
    text = _flat(pdf_text(summary_pdf_bytes(data))[0])
    assert "$2,000.00" in text and "Balance due" in text
    assert "2019-10-11 20 $3,000.00 $2,000.00" in text        # due, days late to 31 Oct, total, balance
    # in November it is still owed 1,500; voided numbers still appear in "Issued in"
    nov = reporting.network_summary_data(store, "2019-11", today="2019-12-01")
    assert nov.balances[inv.id].due_minor == 150_000


def test_void_numbers_are_listed_in_issued_in(store):
    inv = _issued(store, issue_date="2019-10-31")
    invoicing.void_invoice(store, inv.number, "wrong rate")
    data = reporting.network_summary_data(store, "2019-10", today="2019-12-01")
    assert [i.number for i in data.invoiced] == [inv.number]
    text = _flat(pdf_text(summary_pdf_bytes(data))[0])
    assert f"{inv.number} invoice" in text and "void (not payable)" in text


def test_cli_invoice_pay(store, db_path):
    inv = _issued(store)
    store.close()
    runner = CliRunner()
    res = runner.invoke(main, ["--db", str(db_path), "invoice", "pay", inv.number, "--amount", "1200.50",
                               "--date", "2019-11-12", "--ref", "WIRE 9"])
    assert res.exit_code == 0, res.output
    assert "balance due $1,799.50" in res.output
    res = runner.invoke(main, ["--db", str(db_path), "invoice", "pay", inv.number, "--amount", "abc"])
    assert res.exit_code != 0 and "amount:" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["--db", str(db_path), "invoice", "show", inv.number])
    assert "payment 2019-11-12 $1,200.50 ref WIRE 9" in res.output and "balance due $1,799.50" in res.output


def test_what_accountants_look_for_is_on_the_invoice(store):
    import io

    from pypdf import PdfReader

    from sponsortrack.services import catalog as cat
    from sponsortrack.services import settings as ssvc

    seller(store, tax_bp=0)
    ssvc.update_settings(store, seller_phone="+49 30 1234567",
                         late_payment_terms="Late payments bear interest of 1 % per month.")
    n = network(store, rate="1000.00")
    cat.edit_sponsor(store, n["sponsor"].id, tax_id="DE123456789")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    inv = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    data = invoice_pdf_bytes(invoicing.invoice_document(store, inv.number))
    text = _flat(pdf_text(data)[0])
    for expected in ("Phone: +49 30 1234567", "Tax / VAT ID: DE123456789", "Quantity", "Unit price",
                     "1 read $1,000.00 $1,000.00", "Late payments bear interest of 1 % per month."):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/CreationDate"].startswith("D:20191101")
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts.add((f["/BaseFont"], "/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"]))
    assert all(embedded for _, embedded in fonts), fonts          # no unembedded Helvetica
    assert not any("Helvetica" in name for name, _ in fonts)


def test_make_good_line_names_the_read_it_replaces_without_internal_ids(store):
    from sponsortrack.services import reads as rsvc

    seller(store, tax_bp=0)
    n = network(store, rate="1000.00")
    flagged = n["reads"][0]
    rsvc.edit_read(store, flagged, status="flagged")
    ep = rsvc.get_read(store, n["reads"][1]).episode_id
    rsvc.log_read(store, ep, sponsor=n["sponsor"].id, campaign=n["campaign"].id, placement="post",
                  status="aired", make_good_of=flagged)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    mg = [ln for ln in inv.lines if ln.kind == "make_good"]
    assert mg and f"read {flagged}" not in mg[0].description
    assert "replaces the 1 Oct 2019 mid-roll" in mg[0].description and "(flagged)" in mg[0].description


def test_credit_notes_can_have_their_own_gapless_series(store):
    from sponsortrack.services import settings as ssvc

    inv = _issued(store)
    with pytest.raises(ValidationError, match=r"^credit_note_number_pattern: must contain \{seq\}"):
        ssvc.update_settings(store, credit_note_number_pattern="CN-{year}")
    ssvc.update_settings(store, credit_note_number_pattern="CN-{year}-{seq:03}")
    a = invoicing.create_credit_note(store, inv.number, positions=[1])
    a = invoicing.issue_invoice(store, a.id, issue_date="2019-11-05")
    b = invoicing.create_credit_note(store, inv.number, positions=[2])
    b = invoicing.issue_invoice(store, b.id, issue_date="2019-11-06")
    assert (a.number, b.number) == ("CN-2019-001", "CN-2019-002")
    # invoices keep their own series: the next one after 2019-0001 is 2019-0002
    again = invoicing.create_drafts(store, inv.sponsor_id, "2019-10").invoices   # the credited reads, rebilled
    assert invoicing.issue_invoice(store, again[0].id, issue_date="2019-11-07").number == "2019-0002"


def test_month_end_packet_writes_invoice_pop_and_reads_per_sponsor(demo_store, tmp_path):
    import csv

    from sponsortrack.services import packet

    [inv] = invoicing.create_drafts(demo_store, "DigitalOcean", "2019-10").invoices
    invoicing.issue_invoice(demo_store, inv.id, issue_date="2019-11-01")
    [draft] = invoicing.create_drafts(demo_store, "Fastly", "2019-10").invoices
    steps = []
    res = packet.month_packet(demo_store, "2019-10", tmp_path / "oct", progress=lambda d, t, s: steps.append(d))
    names = sorted(p.name for p in res.files)
    assert "DigitalOcean-2019-10-invoice-2019-0001.pdf" in names
    assert {f"{s}-2019-10-proof-of-performance.pdf" for s in ("Brave", "DigitalOcean", "Fastly")} <= set(names)
    assert any(f"{draft.label} is still a draft" in n for n in res.notes)
    assert steps == [0, 1, 2, 3]
    with open(tmp_path / "oct" / "DigitalOcean-2019-10-reads.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["sponsor"] for r in rows} == {"DigitalOcean"}
    text = _flat(pdf_text((tmp_path / "oct" / "DigitalOcean-2019-10-invoice-2019-0001.pdf").read_bytes())[0])
    assert "2019-0001" in text
    one = packet.month_packet(demo_store, "2019-10", tmp_path / "one", sponsor="DigitalOcean", combined=True)
    assert sorted(p.name for p in one.files) == ["DigitalOcean-2019-10-reads.csv", "DigitalOcean-2019-10.pdf"]
    combined_text, pages = pdf_text((tmp_path / "one" / "DigitalOcean-2019-10.pdf").read_bytes())
    assert "INVOICE" in combined_text and "Proof of performance" in combined_text and pages >= 3
    with pytest.raises(ValidationError, match="^month: no sponsor has reads in 2018-01"):
        packet.month_packet(demo_store, "2018-01", tmp_path / "none")


def test_cli_report_packet(demo_store, db_path, tmp_path):
    demo_store.close()
    res = CliRunner().invoke(main, ["--db", str(db_path), "report", "packet", "--month", "2019-10", "-o",
                                    str(tmp_path / "pk")])
    assert res.exit_code == 0, res.output
    assert "Wrote 6 files for 3 sponsors" in res.output
    res = CliRunner().invoke(main, ["--db", str(db_path), "report", "packet", "--month", "2019-10", "-o",
                                    str(tmp_path / "no" / "such")])
    assert res.exit_code != 0 and "output: folder" in res.output


def test_draft_names_the_cpm_reads_held_back_for_lack_of_downloads(store):
    from invoicing_helpers import snapshots

    from sponsortrack.services import reads as rsvc

    seller(store)
    n = network(store, pricing="cpm", rate="25.00", episodes=2)
    ep = rsvc.get_read(store, n["reads"][0]).episode_id
    snapshots(store, {ep: {30: 10_000}})                   # the second episode has no downloads yet
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    text = _pdf(store, inv.id)
    assert "Not on this draft: 1 CPM read without a download count" in text
    assert "Episode 2: AT&T <Labs> & 東京, 8 Oct 2019" in text


def test_repeated_spots_on_an_invoice_are_numbered(store):
    seller(store, tax_bp=0)
    n = network(store, rate="100.00", episodes=1, reads_per_episode=2)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    text = _pdf(store, inv.id)
    assert "Mid-roll host read" in text and "Mid-roll #2 host read" in text


def test_a_void_invoice_is_never_sent_in_the_packet(demo_store, tmp_path):
    from sponsortrack.services import packet

    [inv] = invoicing.create_drafts(demo_store, "Fastly", "2019-10").invoices
    invoicing.issue_invoice(demo_store, inv.id, issue_date="2019-11-01")
    invoicing.void_invoice(demo_store, inv.id, reason="wrong rate")
    res = packet.month_packet(demo_store, "2019-10", tmp_path / "oct", sponsor="Fastly")
    assert not [p for p in res.files if "invoice" in p.name]
    assert any("is void and is not in the packet" in n for n in res.notes)
