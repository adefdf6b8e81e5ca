"""One "billed" rule: a read is billed only while its invoice is issued or paid
(``pricing.BILLED_INVOICE_STATUSES``). ``reads list --unbilled`` and ``ReadFilter(unbilled=True)`` follow it
like the dashboard and the network summary do: a read on a draft is still unbilled."""

from __future__ import annotations

import json

from click.testing import CliRunner

from sponsortrack.cli import main
from sponsortrack.pricing import BILLED_INVOICE_STATUSES, DELIVERED_STATUSES
from sponsortrack.services import dashboard
from sponsortrack.services import invoicing as inv
from sponsortrack.services import reads as rsvc
from sponsortrack.store import reads as rstore
from sponsortrack.store.reads import ReadFilter


def _unbilled_by_the_rule(store) -> set[int]:
    return {r.id for r in rsvc.list_reads(store) if r.invoice_status not in BILLED_INVOICE_STATUSES}


def _cli_unbilled(db_path) -> set[int]:
    res = CliRunner().invoke(main, ["--db", str(db_path), "reads", "list", "--unbilled", "--format", "json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return {r["id"] for r in json.loads(res.output)}


def test_reads_on_a_draft_stay_unbilled_until_it_is_issued(demo_store, db_path):
    draft = inv.create_drafts(demo_store, "DigitalOcean", "2019-11").invoices[0]
    on_draft = {ln.read_id for ln in draft.lines if ln.read_id}
    assert on_draft
    unbilled = _unbilled_by_the_rule(demo_store)
    assert on_draft <= unbilled
    assert {r.id for r in rstore.list_reads(demo_store, ReadFilter(unbilled=True))} == unbilled
    assert rstore.count_reads(demo_store, ReadFilter(unbilled=True)) == len(unbilled)
    assert _cli_unbilled(db_path) == unbilled
    # the dashboard's card counts the same reads (the delivered ones)
    delivered = {r.id for r in rsvc.list_reads(demo_store) if r.status in DELIVERED_STATUSES}
    assert sum(u["reads"] for u in dashboard.unbilled_summary(demo_store)) == len(unbilled & delivered)

    inv.issue_invoice(demo_store, draft.id, issue_date="2019-12-02")
    after = _cli_unbilled(db_path)
    assert after == _unbilled_by_the_rule(demo_store) == unbilled - on_draft
    assert {r.id for r in rstore.list_reads(demo_store, ReadFilter(unbilled=True))} == after


def test_the_option_says_what_unbilled_means():
    res = CliRunner().invoke(main, ["reads", "list", "--help"])
    assert "not on an issued or paid invoice" in " ".join(res.output.split())
