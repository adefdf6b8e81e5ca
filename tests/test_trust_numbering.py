"""Issue 9 item 8: an invoice number pattern is checked when set by rendering it; issuing never spins."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from invoicing_helpers import network, seller

from sponsortrack.cli import main
from sponsortrack.errors import ConflictError, ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import invoices as istore
from sponsortrack.store import settings as sstore


@pytest.mark.parametrize(("pattern", "problem"), [
    ("INV-{{seq}}", "must contain {seq} so numbers are unique ({{seq}} is the text {seq}"),  # "INV-{seq}" always
    ("{year!s}-{seq}", "conversions are not allowed"),     # traceback when issuing
    ("{seq:c}", "control characters"),                     # chr(1), chr(2), ...
    ("{seq:.1e}", "gives the same number '1.0e+02' for sequences 100 and 101"),
    ("{seq:>9999}", "more than 40 characters"),
    ("{client}-{seq}", "{client} is not a field"),
    ("{seq:{year}}", "nested field"),
    ("{seq", "cannot be used"),
    ("{seq:q}", "cannot be used"),
])
def test_bad_patterns_are_refused_when_set(store, pattern, problem):
    with pytest.raises(ValidationError) as exc:
        ssvc.update_settings(store, invoice_number_pattern=pattern)
    assert str(exc.value).startswith("invoice_number_pattern: ") and problem in str(exc.value)
    assert ssvc.get_settings(store)["invoice_number_pattern"] == "{year}-{seq:04}"


@pytest.mark.parametrize("pattern", ["{year}-{seq:04}", "INV-{year}{month:02}-{seq:03}", "{seq}", "CL/{seq:x}",
                                     "{seq:,}"])
def test_good_patterns_are_kept(store, pattern):
    assert ssvc.update_settings(store, invoice_number_pattern=pattern)["invoice_number_pattern"] == pattern


def test_cli_refuses_a_literal_seq_pattern(db_path):
    res = CliRunner().invoke(main, ["--db", str(db_path), "settings", "set", "invoice_number_pattern=INV-{{seq}}"])
    assert res.exit_code == 2
    assert "invoice_number_pattern: must contain {seq}" in res.output and "Traceback" not in res.output


def _two_drafts(store):
    seller(store)
    a = network(store, sponsor="Alpha", month="2019-10")
    sp = cat.add_sponsor(store, name="Beta", domains="beta.example", billing_address="Beta\n1 Way")
    c = camp.add_campaign(store, sponsor=sp.id, name="B", start_date="2019-10-01", end_date="2019-10-31",
                          pricing="flat", rate="100")
    ep = cat.add_episode(store, a["show"].id, number=99, title="Extra", published_on="2019-10-20")
    rsvc.log_read(store, ep.id, sponsor=sp.id, campaign=c.id, placement="pre", status="aired")
    [ia] = invoicing.create_drafts(store, a["sponsor"].id, "2019-10").invoices
    [ib] = invoicing.create_drafts(store, sp.id, "2019-10").invoices
    return ia, ib


def test_a_bad_pattern_saved_earlier_is_refused_at_issue_without_a_write(store):
    ia, _ib = _two_drafts(store)
    sstore.put_many(store, {"invoice_number_pattern": "{year!s}-{seq}"})  # as an older version could save it
    with pytest.raises(ValidationError, match="invoice_number_pattern: .*conversions"):
        invoicing.issue_invoice(store, ia.id, issue_date="2019-11-04")
    assert invoicing.get_invoice(store, ia.id).status == "draft"


def test_issuing_with_a_repeating_pattern_is_bounded_and_releases_the_lock(store, db_path, monkeypatch):
    """The store's numbering loop gives up instead of spinning forever holding the write lock."""
    monkeypatch.setattr(istore, "MAX_NUMBER_SKIPS", 50)
    ia, ib = _two_drafts(store)
    assert istore.issue(store, ia.id, pattern="INV-{{seq}}", issue_date="2019-11-04", header={}) == "INV-{seq}"
    with pytest.raises(ConflictError, match="gives only numbers already used"):
        istore.issue(store, ib.id, pattern="INV-{{seq}}", issue_date="2019-12-04", header={})
    assert not store.conn.in_transaction
    other = sqlite3.connect(db_path, timeout=0.5)
    other.execute("BEGIN IMMEDIATE")  # the write lock is free
    other.rollback()
    other.close()
    assert invoicing.get_invoice(store, ib.id).status == "draft"
