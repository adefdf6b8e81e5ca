"""One "billed" rule: a read is billed only while its invoice is issued or paid
(``pricing.BILLED_INVOICE_STATUSES``). ``reads list --unbilled`` and ``ReadFilter(unbilled=True)`` follow it
like the dashboard and the network summary do: a read on a draft is still unbilled."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from click.testing import CliRunner

import sponsortrack
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


# -- the status pair is spelled in one place --------------------------------------------------------
# pricing.py defines the rule, store/unbilled.py builds its SQL (BILLED) from it; a migration's SQL stays as it
# was written (a change of the rule is a new migration), so migrations.py spells it out on purpose.
_DEFINING = {"pricing.py", "store/unbilled.py", "store/migrations.py"}
_PAIR = {"issued", "paid"}
_SQL_PAIR = re.compile(r"""['"](issued|paid)['"]\s*,\s*['"](issued|paid)['"]""")


def _spellings(tree: ast.AST) -> list[int]:
    """Lines where a module spells the billed statuses itself: a tuple, list or set of exactly the two
    words, or SQL text holding ``'issued', 'paid'`` (either order)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(words) == len(node.elts) == 2 and set(words) == _PAIR:
                lines.append(node.lineno)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and any(a != b for a, b in _SQL_PAIR.findall(node.value))):
            lines.append(node.lineno)
    return lines


def test_the_checks_catch_every_spelling():
    for src in ('x in ("issued", "paid")', "x in ['paid', 'issued']", "x in {'issued', 'paid'}",
                "q = \"WHERE i.status IN ('issued', 'paid')\"", "q = f\"IN ('paid', 'issued') {x}\"",
                "q = ('IN (\\'issued\\', ' \"'paid')\")"):
        assert _spellings(ast.parse(src)) == [1], src
    for src in ('STATUSES = ("draft", "issued", "paid", "void")', 'x == "issued"', "q = \"'issued', 'issued'\""):
        assert _spellings(ast.parse(src)) == [], src


def test_no_module_spells_the_billed_statuses_but_the_one_defining_them():
    root = Path(sponsortrack.__file__).parent
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel not in _DEFINING and (lines := _spellings(ast.parse(path.read_text(encoding="utf-8")))):
            found[rel] = lines
    assert found == {}, "use pricing.BILLED_INVOICE_STATUSES / Invoice.billed / store.unbilled.BILLED"
    assert all((root / rel).is_file() for rel in _DEFINING)


def test_an_invoice_is_billed_exactly_in_the_billed_statuses():
    from sponsortrack.store.invoices import Invoice
    from sponsortrack.validation import INVOICE_STATUSES

    for status in INVOICE_STATUSES:
        inv = Invoice(id=1, sponsor_id=1, status=status, currency="USD")
        assert inv.billed is (status in BILLED_INVOICE_STATUSES)
