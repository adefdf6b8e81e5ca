"""Invoice lifecycle: drafts, pricing (CPM, commission, tax), issue numbering, locks, void, credit notes,
concurrent issuing from two processes, CSV export with formula injection neutralised, and the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from invoicing_helpers import network, seller, snapshots

from sponsortrack.cli import main
from sponsortrack.errors import ConflictError, NotFoundError, ValidationError
from sponsortrack.money import cpm_amount, percent_of
from sponsortrack.services import export, invoicing
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc

# -- drafts ------------------------------------------------------------------------------------------


def test_demo_flat_draft_bills_delivered_reads_and_names_the_make_good(demo_store):
    res = invoicing.create_drafts(demo_store, "DigitalOcean", "2019-10")
    [inv] = res.invoices
    assert inv.status == "draft" and inv.number is None
    charges = [ln for ln in inv.lines if ln.kind == "charge"]
    [mg] = [ln for ln in inv.lines if ln.kind == "make_good"]
    assert len(charges) == 6 and all(ln.amount_minor == 120_000 for ln in charges)
    assert mg.amount_minor == 0 and "replaces" in mg.description and "#58" in mg.description
    assert inv.subtotal_minor == inv.total_minor == 720_000
    assert inv.bill_to_snapshot["kind"] == "sponsor" and inv.bill_to_snapshot["io_number"] == "IO-DO-2019-07"
    assert inv.terms_days == 30
    # every line's read is claimed by the draft: a second draft cannot bill it again
    assert all(rsvc.get_read(demo_store, ln.read_id).invoice_id == inv.id for ln in inv.lines)


def test_demo_agency_campaign_bills_the_agency_with_commission(demo_store):
    [inv] = invoicing.create_drafts(demo_store, "Brave", "2019-10").invoices
    snap = inv.bill_to_snapshot
    assert snap["kind"] == "agency" and snap["name"] == "Soundwave Media" and snap["advertiser"] == "Brave"
    assert inv.terms_days == 45 and inv.commission_bp == 1500
    expected = [cpm_amount(ln.units, 2500) for ln in inv.lines]
    assert [ln.amount_minor for ln in inv.lines] == expected
    assert inv.subtotal_minor == sum(expected)
    assert inv.commission_minor == percent_of(inv.subtotal_minor, 1500)
    assert inv.net_minor == inv.subtotal_minor - inv.commission_minor == inv.total_minor


def test_cpm_units_come_from_the_snapshot_at_the_campaign_window(store):
    seller(store, tax_bp=0)
    n = network(store, pricing="cpm", rate="25.00", window=30, episodes=2)
    eps = [rsvc.get_read(store, r).episode_id for r in n["reads"]]
    snapshots(store, {eps[0]: {7: 9_000, 30: 12_345, 45: 99_999}, eps[1]: {7: 1_001}})
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert [ln.units for ln in inv.lines] == [12_345, 1_001]
    # 12,345 / 1000 × $25.00 = $308.625 → $308.63 (half-up, once per line); 1,001 → $25.025 → $25.03
    assert [ln.amount_minor for ln in inv.lines] == [30_863, 2_503]
    assert "day 30" in inv.lines[0].description and "day 7" in inv.lines[1].description


def test_golden_commission_and_tax(store):
    seller(store, tax_bp=825)
    n = network(store, agency="Agency & Co", rate="333.35", episodes=3)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert inv.subtotal_minor == 100_005                 # 3 × $333.35
    assert inv.commission_minor == 15_001                # 15 % of 1000.05 = 150.0075 → 150.01
    assert inv.net_minor == 85_004
    assert inv.tax_minor == 7_013                        # 8.25 % of 850.04 = 70.1283 → 70.13
    assert inv.total_minor == 92_017


def test_cpm_read_without_downloads_stays_unbilled_with_a_note(store):
    seller(store)
    n = network(store, pricing="cpm", rate="25.00", episodes=2)
    ep0 = rsvc.get_read(store, n["reads"][0]).episode_id
    snapshots(store, {ep0: {30: 10_000}})
    res = invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    assert len(res.invoices[0].lines) == 1
    assert any("no download count" in w for w in res.warnings)
    assert rsvc.get_read(store, n["reads"][1]).invoice_id is None


def test_nothing_to_bill_is_a_clear_message_and_no_invoice(store):
    seller(store)
    n = network(store)
    with pytest.raises(ValidationError, match="nothing to bill.*no reads in 2019-11"):
        invoicing.create_drafts(store, n["sponsor"].id, "2019-11")
    invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    invoicing.issue_invoice(store, invoicing.list_invoices(store)[0].id, issue_date="2019-11-01")
    with pytest.raises(ValidationError, match="already on invoice 2019-0001"):
        invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    assert len(invoicing.list_invoices(store)) == 1


def test_flagged_reads_only_means_nothing_to_bill(store):
    n = network(store, episodes=1)
    rsvc.edit_read(store, n["reads"][0], status="flagged")
    with pytest.raises(ValidationError, match="not delivered"):
        invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    assert invoicing.list_invoices(store) == []


def test_create_twice_refreshes_the_same_draft(store):
    n = network(store, episodes=2)
    first = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices[0]
    ep = rsvc.get_read(store, n["reads"][0]).episode_id
    rsvc.log_read(store, ep, sponsor=n["sponsor"].id, campaign=n["campaign"].id, placement="post", status="aired")
    res = invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    assert res.updated == [first.id] and len(res.invoices[0].lines) == 3
    assert len(invoicing.list_invoices(store)) == 1


def test_sponsor_without_billing_address_gets_a_draft_with_the_gap_named(store):
    seller(store)
    n = network(store, billing_address=None)
    res = invoicing.create_drafts(store, n["sponsor"].id, "2019-10")
    [inv] = res.invoices
    assert any("billing address" in w and "AT&T <Labs>" in w for w in res.warnings)
    with pytest.raises(ValidationError, match="billing address of sponsor 'AT&T <Labs>' is missing"):
        invoicing.issue_invoice(store, inv.id)
    assert invoicing.get_invoice(store, inv.id).status == "draft"


def test_issue_is_refused_without_seller_settings_naming_what_is_missing(store):
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    with pytest.raises(ValidationError, match="Seller name, Seller address missing"):
        invoicing.issue_invoice(store, inv.id)
    assert store.scalar("SELECT count(*) FROM invoice_sequences") == 0


# -- issue, lock, paid, void, credit -----------------------------------------------------------------


def test_issue_numbers_from_the_pattern_and_locks_the_reads(store):
    seller(store, invoice_number_pattern="INV-{year}{month:02}-{seq:03}", default_terms_days=14)
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    issued = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-04")
    assert issued.number == "INV-201911-001" and issued.status == "issued"
    assert issued.due_date == "2019-11-18" and issued.seller_snapshot["name"] == "Zoë Müller Media GmbH"
    with pytest.raises(ConflictError, match="INV-201911-001"):
        rsvc.edit_read(store, n["reads"][0], status="verified")
    with pytest.raises(ConflictError, match="INV-201911-001"):
        rsvc.delete_reads(store, [n["reads"][0]])
    with pytest.raises(ConflictError, match="already issued"):
        invoicing.issue_invoice(store, inv.id)


def test_terms_override_per_sponsor(store):
    from sponsortrack.services import catalog as cat

    seller(store, default_terms_days=30)
    n = network(store)
    cat.edit_sponsor(store, n["sponsor"].id, terms_days=10)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01").due_date == "2019-11-11"


def test_void_frees_the_reads_and_keeps_the_number_used(store):
    seller(store)
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    invoicing.void_invoice(store, "2019-0001", "sent to the wrong address")
    assert all(rsvc.get_read(store, r).invoice_id is None for r in n["reads"])
    [again] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert invoicing.issue_invoice(store, again.id, issue_date="2019-11-02").number == "2019-0002"
    with pytest.raises(ConflictError, match="already void"):
        invoicing.void_invoice(store, "2019-0001")


def test_paid_and_paid_cannot_be_voided(store):
    seller(store)
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    with pytest.raises(ConflictError, match="only an issued invoice"):
        invoicing.mark_paid(store, inv.id)
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    with pytest.raises(ValidationError, match="before the issue date"):
        invoicing.mark_paid(store, "2019-0001", "2019-10-01")
    paid = invoicing.mark_paid(store, "2019-0001", "2019-11-20")
    assert paid.status == "paid" and paid.paid_on == "2019-11-20"
    with pytest.raises(ConflictError, match="credit note"):
        invoicing.void_invoice(store, "2019-0001")
    with pytest.raises(NotFoundError):
        invoicing.mark_paid(store, "2019-9999")


def test_credit_note_mirrors_lines_and_releases_the_reads(store):
    seller(store, tax_bp=825)
    n = network(store, agency="Agency & Co", rate="333.35")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    note = invoicing.create_credit_note(store, "2019-0001", reason="wrong rate")
    assert note.kind == "credit_note" and note.status == "draft"
    assert [ln.amount_minor for ln in note.lines] == [-33_335] * 3
    orig = invoicing.resolve_invoice(store, "2019-0001")
    for key in ("subtotal_minor", "commission_minor", "net_minor", "tax_minor", "total_minor"):
        assert getattr(note, key) == -getattr(orig, key)
    issued = invoicing.issue_invoice(store, note.id, issue_date="2019-11-05")
    assert issued.number == "2019-0002" and issued.credit_of_number == "2019-0001"
    assert all(rsvc.get_read(store, r).invoice_id is None for r in n["reads"])   # free to correct and rebill
    rsvc.edit_read(store, n["reads"][0], price_override="300.00")
    [rebill] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    assert rebill.subtotal_minor == 30_000 + 2 * 33_335
    with pytest.raises(ConflictError, match="already credited"):
        invoicing.create_credit_note(store, "2019-0001", positions=[1])


def test_adjustment_and_credit_lines_on_a_draft(store):
    seller(store, tax_bp=0)
    n = network(store, episodes=1)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    inv = invoicing.add_adjustment(store, inv.id, "Goodwill credit", "-200.00")
    assert inv.lines[-1].kind == "credit" and inv.total_minor == 100_000
    inv = invoicing.refresh_draft(store, inv.id)      # manual lines survive a refresh
    assert inv.total_minor == 100_000


def test_a_read_flagged_after_drafting_is_dropped_on_issue(store):
    seller(store)
    n = network(store, episodes=2)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    rsvc.edit_read(store, n["reads"][1], status="flagged")
    issued = invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    assert len(issued.lines) == 1 and issued.total_minor == 120_000 + percent_of(120_000, 825)
    assert rsvc.get_read(store, n["reads"][1]).invoice_id is None


@given(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=40),
       st.integers(0, 10_000), st.integers(0, 10_000))
def test_totals_add_up_and_credit_notes_mirror(amounts, commission_bp, tax_bp):
    lines = [{"amount_minor": a} for a in amounts]
    t = invoicing.totals(lines, commission_bp, tax_bp)
    assert all(isinstance(v, int) for v in t.values())
    assert t["subtotal_minor"] == sum(amounts)
    assert t["commission_minor"] + t["net_minor"] == t["subtotal_minor"]
    assert t["net_minor"] + t["tax_minor"] == t["total_minor"]
    exact = Decimal(t["subtotal_minor"]) * commission_bp / 10_000
    assert abs(Decimal(t["commission_minor"]) - exact) <= Decimal("0.5")
    neg = invoicing.totals([{"amount_minor": -a} for a in amounts], commission_bp, tax_bp)
    assert neg == {k: -v for k, v in t.items()}


# -- two processes issuing at once -------------------------------------------------------------------

ISSUER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from sponsortrack.store import Store
    from sponsortrack.services import invoicing
    db, go, ids = sys.argv[1], Path(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]
    store = Store(db)
    while not go.exists():
        time.sleep(0.005)
    for i in ids:
        print(invoicing.issue_invoice(store, i, issue_date="2019-12-01").number, flush=True)
""")


def test_two_processes_issuing_at_once_get_unique_gapless_numbers(demo_store, db_path, tmp_path):
    ids = []
    for month in ("2019-09", "2019-10", "2019-11"):
        for sponsor in ("DigitalOcean", "Brave", "Fastly"):
            ids += [i.id for i in invoicing.create_drafts(demo_store, sponsor, month).invoices]
    assert len(ids) == 9
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", ISSUER, str(db_path), str(go), ",".join(map(str, part))],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for part in (ids[0::2], ids[1::2])]
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    numbers = [line for out, _ in outs for line in out.split()]
    assert sorted(numbers) == [f"2019-{i:04d}" for i in range(1, 10)]
    stored = sorted(i.number for i in invoicing.list_invoices(demo_store))
    assert stored == sorted(numbers)
    assert demo_store.scalar("SELECT last FROM invoice_sequences WHERE key = '2019-{seq:04}'") == 9


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv_export_neutralises_formulas_and_keeps_numbers(store, tmp_path):
    seller(store)
    n = network(store, sponsor="=HYPERLINK(\"http://evil\")", code="+SUM(A1)", agency="@Agency")
    rsvc.edit_read(store, n["reads"][0], notes="-2+3\tcmd", price_override="0")
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    invoicing.issue_invoice(store, inv.id, issue_date="2019-11-01")
    invoicing.issue_invoice(store, invoicing.create_credit_note(store, "2019-0001").id, issue_date="2019-11-02")
    path = export.write_csv(export.read_rows(store), export.READ_COLUMNS, tmp_path / "reads.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0]["sponsor"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["promo_code"] == "'+SUM(A1)" and rows[0]["notes"] == "'-2+3\tcmd"
    assert rows[1]["amount"] == "1200.00" and rows[0]["amount"] == "0.00"
    path = export.write_csv(export.invoice_rows(store), export.INVOICE_COLUMNS, tmp_path / "inv.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0]["sponsor"].startswith("'=") and rows[0]["agency"] == "'@Agency"
    assert rows[1]["kind"] == "credit_note" and rows[1]["total"].startswith("-")   # a number, not "'-..."
    for cell in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert export.safe_cell(cell) == "'" + cell
    assert export.safe_cell(-5) == -5 and export.safe_cell(Decimal("-1.50")) == Decimal("-1.50")


# -- CLI ---------------------------------------------------------------------------------------------


def run(db_path, *args):
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def test_cli_invoice_flow(demo_store, db_path, tmp_path):
    r = run(db_path, "invoice", "create", "--sponsor", "Brave", "--month", "2019-11")
    assert r.exit_code == 0, r.output
    draft_id = r.stdout.strip().splitlines()[-1]
    assert draft_id.isdigit()
    assert run(db_path, "invoice", "issue", draft_id, "--date", "2019-12-02").exit_code == 0
    pdf = tmp_path / "inv.pdf"
    r = run(db_path, "invoice", "pdf", "2019-0001", "-o", str(pdf))
    assert r.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    r = run(db_path, "invoice", "list", "--format", "json")
    assert '"number": "2019-0001"' in r.stdout and '"total_minor"' in r.stdout
    assert run(db_path, "invoice", "paid", "2019-0001", "--on", "2019-12-30").exit_code == 0
    r = run(db_path, "invoice", "void", "2019-0001")
    assert r.exit_code == 2 and "credit note" in r.output
    r = run(db_path, "invoice", "create", "--sponsor", "Brave", "--month", "2018-01")
    assert r.exit_code == 2 and "nothing to bill" in r.output
    r = run(db_path, "export", "csv", "--what", "invoices", "-o", str(tmp_path / "i.csv"))
    assert r.exit_code == 0 and "2019-0001" in (tmp_path / "i.csv").read_text("utf-8-sig")
    r = run(db_path, "export", "csv", "--what", "reads", "--month", "2019-11", "-o", str(tmp_path / "r.csv"))
    assert r.exit_code == 0 and "Wrote 18 reads" in r.output


def test_cli_unwritable_output_leaves_nothing_behind(demo_store, db_path, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    r = run(db_path, "report", "monthly", "--month", "2019-10", "-o", str(tmp_path / "missing" / "x.pdf"))
    assert r.exit_code == 2 and "does not exist" in r.output
    locked.chmod(0o500)
    try:
        r = run(db_path, "report", "monthly", "--month", "2019-10", "--sponsor", "Fastly",
                "-o", str(locked / "x.pdf"))
        if r.exit_code == 0:   # running as root: permissions do not bind; the write simply succeeds
            assert (locked / "x.pdf").exists()
        else:
            assert r.exit_code == 2 and "cannot write" in r.output
            assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
    r = run(db_path, "invoice", "pdf", "42", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2 and "no invoice" in r.output


def test_issue_needs_settings_via_cli(store, db_path):
    n = network(store)
    [inv] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    r = run(db_path, "invoice", "issue", str(inv.id))
    assert r.exit_code == 2 and "Seller name" in r.output
    ssvc.update_settings(store, **{"seller_name": "X", "seller_address": "Y"})
    assert run(db_path, "invoice", "issue", str(inv.id)).exit_code == 0
