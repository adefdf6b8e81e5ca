"""The Invoices page (offscreen): create, review, issue, mark paid, void, credit, open the PDF (rendered
off the GUI thread); its table models pass Qt's model tester."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("PySide6")

from sponsortrack.services import invoicing


@pytest.fixture
def ctx(demo_store, tmp_path, qtbot):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext

    c = AppContext(demo_store, Config(str(tmp_path / "settings.ini")))
    yield c
    c.tasks.wait()


@pytest.fixture
def page(ctx, qtbot):
    from sponsortrack.ui.pages.invoices import InvoicesPage

    p = InvoicesPage(ctx)
    qtbot.addWidget(p)
    p.opened = []
    p.opener = p.opened.append
    p.confirm = lambda title, text: True
    p.refresh()
    return p


def _choose(page, sponsor: str, month: str) -> None:
    page.sponsor.setCurrentIndex(page.sponsor.findText(sponsor))
    page.month.setText(month)


def test_create_review_issue_pay_and_open_pdf(page, ctx, qtbot, qtmodeltester):
    _choose(page, "Brave", "2019-10")
    errors = []
    ctx.error.connect(lambda t, m: errors.append(m))
    page.create_btn.click()
    assert errors == []
    assert page.model.rowCount() == 1 and page._current is not None
    assert page.lines_model.rowCount() == 4 and "Soundwave Media" in page.detail.text()
    assert page.issue_btn.isEnabled() and not page.paid_btn.isEnabled()
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.lines_model)
    qtmodeltester.check(page.proxy)

    page.issue_btn.click()
    inv = invoicing.list_invoices(ctx.store)[0]
    assert inv.status == "issued" and inv.number == page._current.number
    assert page.paid_btn.isEnabled() and not page.issue_btn.isEnabled()

    task = page.generate_pdf(inv.id, str(page.ctx.db_path.parent / "inv.pdf"), open_after=True)
    assert task is not None
    qtbot.waitUntil(lambda: bool(page.opened), timeout=20_000)
    assert page.opened[0].endswith("inv.pdf")
    with open(page.opened[0], "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    page.ask_text = lambda *a: (dt.date.today().isoformat(), True)
    page.paid_btn.click()
    assert invoicing.get_invoice(ctx.store, inv.id).status == "paid"
    assert page.credit_btn.isEnabled() and not page.void_btn.isEnabled()


def test_nothing_to_bill_is_reported_not_crashing(page, ctx):
    errors = []
    ctx.error.connect(lambda t, m: errors.append(m))
    _choose(page, "Brave", "2018-01")
    page.create_btn.click()
    assert errors and "nothing to bill" in errors[0]
    assert page.model.rowCount() == 0


def test_issue_refused_shows_what_is_missing(page, ctx):
    from sponsortrack.services import catalog

    errors = []
    ctx.error.connect(lambda t, m: errors.append(m))
    sp = catalog.resolve_sponsor(ctx.store, "Fastly")
    catalog.edit_sponsor(ctx.store, sp.id, billing_address="")
    _choose(page, "Fastly", "2019-10")
    page.create_btn.click()
    assert "billing address" in page.gaps.text()
    page.issue_btn.click()
    assert errors and "billing address" in errors[-1]
    assert invoicing.list_invoices(ctx.store)[0].status == "draft"


def test_void_and_delete(page, ctx):
    _choose(page, "DigitalOcean", "2019-11")
    page.create_btn.click()
    page.delete_btn.click()
    assert invoicing.list_invoices(ctx.store) == []
    page.create_btn.click()
    page.issue_btn.click()
    page.void_btn.click()
    assert invoicing.list_invoices(ctx.store)[0].status == "void"
    page.status.setCurrentText("void")
    assert page.model.rowCount() == 1


def test_record_payments_in_the_window_until_paid(page, ctx):
    from sponsortrack.errors import ValidationError
    from sponsortrack.services import payments

    _choose(page, "Brave", "2019-10")
    page.create_btn.click()
    page.issue_btn.click()
    inv = invoicing.list_invoices(ctx.store)[0]
    assert page.pay_btn.isEnabled()
    refusals = []

    def fake_dialog(invoice, due, record):
        with pytest.raises(ValidationError):        # what the dialog shows under its form
            record(on="2019-13-01", amount="10", reference=None)
        refusals.append(due)
        return record(on=inv.issue_date, amount="100.00", reference="WIRE 1")

    page.ask_payment = fake_dialog
    page.pay_btn.click()
    bal = payments.balance(ctx.store, invoicing.get_invoice(ctx.store, inv.id))
    assert refusals == [inv.total_minor] and bal.paid_minor == 10_000
    assert "balance due" in page.detail.text() and "paid $100.00" in page.detail.text()
    page.ask_payment = lambda invoice, due, record: record(on=inv.issue_date, amount=str(due / 100), reference=None)
    page.pay_btn.click()
    assert invoicing.get_invoice(ctx.store, inv.id).status == "paid" and not page.pay_btn.isEnabled()


def test_payment_dialog_keeps_a_refusal_on_screen(qtbot, demo_store):
    from sponsortrack.errors import ValidationError
    from sponsortrack.store.invoices import Invoice
    from sponsortrack.ui.dialogs.payment import PaymentDialog

    def refuse(**kw):
        raise ValidationError("amount", "is not a number")

    dlg = PaymentDialog(Invoice(id=1, sponsor_id=1, status="issued", currency="USD", number="2019-0001"),
                        12_345, refuse)
    qtbot.addWidget(dlg)
    assert dlg.amount.text() == "123.45"
    dlg.try_accept()
    assert dlg.problem.text() == "amount: is not a number" and dlg.result() == 0
