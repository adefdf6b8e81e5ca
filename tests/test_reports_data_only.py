"""Reports depend on data, not on services (issue 10, item 3).

The documents in ``sponsortrack/reports`` are pure functions of the classes in ``reports/data.py`` and of the
store's model dataclasses: they never import the services, the faces or a writer, and they never write a
file. Each face (CLI, window) makes one service call per PDF: ``reporting.write_monthly_pdf`` or
``invoicing.write_invoice_pdf`` (the packet: ``packet.month_packet``), never "fetch data, then render".
The rules are checked by reading the imports (every ``import``, at module level or inside a function).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path

import pytest
from invoicing_helpers import network, pdf_text, seller

from sponsortrack.errors import ValidationError
from sponsortrack.services import invoicing, reporting

PKG = Path(__file__).resolve().parents[1] / "sponsortrack"
FACES = ["cli/invoicing.py", "ui/pages/reports.py", "ui/pages/invoices.py"]


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import in the file; ``import a.b`` gives ("a.b", [], line)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, [a.name for a in node.names], node.lineno))
    return out


def _reports_modules() -> list[Path]:
    files = sorted((PKG / "reports").glob("*.py"))
    assert {"data.py", "invoice.py", "pop.py", "summary.py"} <= {p.name for p in files}
    return files


def test_reports_import_no_services_faces_or_writers():
    bad = []
    for path in _reports_modules():
        for module, names, line in imports(path):
            if module.startswith(("sponsortrack.services", "sponsortrack.ui", "sponsortrack.cli",
                                  "sponsortrack.outputs", "sponsortrack.launch", "PySide6")):
                bad.append(f"{path.name}:{line} imports {module}")
            elif module == "sponsortrack" and set(names) & {"services", "ui", "cli", "outputs", "store"}:
                bad.append(f"{path.name}:{line} imports {names} from sponsortrack")
    assert bad == []


def test_reports_take_only_model_dataclasses_from_the_store():
    """From the store only its models (dataclasses and pure helpers such as ``episode_code``), and from
    another store module only dataclasses (``Invoice``, ``InvoiceLine``): never ``Store`` or a query."""
    bad = []
    for path in _reports_modules():
        for module, names, line in imports(path):
            if not module.startswith("sponsortrack.store") or module == "sponsortrack.store.models":
                continue
            if not names:
                bad.append(f"{path.name}:{line} imports the module {module}")
            mod = importlib.import_module(module)
            for name in names:
                obj = getattr(mod, name, None)
                if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
                    bad.append(f"{path.name}:{line} imports {module}.{name}, which is not a model dataclass")
    assert bad == []


def test_the_rule_reader_sees_function_level_imports(tmp_path):
    """The reader is not blind to the imports inside functions, where the cycle used to hide."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from sponsortrack.services.invoicing import seller_snapshot\n")
    assert imports(f) == [("sponsortrack.services.invoicing", ["seller_snapshot"], 2)]


def test_faces_make_one_service_call_and_never_render():
    """The CLI's and the window's PDF code imports no renderer: the services gather, render and write."""
    bad = [f"{face}:{line} imports {module}" for face in FACES for module, _names, line in imports(PKG / face)
           if module.startswith("sponsortrack.reports")]
    assert bad == []
    for face, call in (("cli/invoicing.py", "reporting.write_monthly_pdf("),
                       ("cli/invoicing.py", "invoicing.write_invoice_pdf("),
                       ("ui/pages/reports.py", "reporting.write_monthly_pdf("),
                       ("ui/pages/invoices.py", "invoicing.write_invoice_pdf(")):
        assert (PKG / face).read_text(encoding="utf-8").count(call) == 1, (face, call)


def test_write_monthly_pdf_writes_the_pop_and_the_summary(demo_store, tmp_path):
    steps: list[tuple[int, int, str]] = []
    pop = reporting.write_monthly_pdf(demo_store, "2019-10", tmp_path / "pop.pdf", sponsor="Brave",
                                      progress=lambda *a: steps.append(a))
    assert pop is not None and pop.path == tmp_path / "pop.pdf"
    assert (pop.sponsor, pop.month) == ("Brave", "2019-10")
    assert pop.reads == len(reporting.pop_data(demo_store, "Brave", "2019-10").reads) > 0
    assert "Proof of performance" in pdf_text(pop.path.read_bytes())[0]
    assert [s[0] for s in steps] == [0, 1, 3] and all(s[1] == 3 for s in steps)
    summary = reporting.write_monthly_pdf(demo_store, "2019-10", tmp_path / "net.pdf")
    assert summary is not None and summary.sponsor is None and summary.reads is None
    assert "Network summary" in pdf_text(summary.path.read_bytes())[0]


def test_write_monthly_pdf_cancelled_before_rendering_writes_nothing(demo_store, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    assert reporting.write_monthly_pdf(demo_store, "2019-10", tmp_path / "x.pdf", sponsor="Brave",
                                       cancelled=lambda: True) is None
    assert reporting.write_monthly_pdf(demo_store, "2019-10", tmp_path / "y.pdf", cancelled=lambda: True) is None
    assert list(tmp_path.iterdir()) == []


def test_write_monthly_pdf_refuses_a_bad_month_in_one_line(demo_store, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValidationError, match="month"):
        reporting.write_monthly_pdf(demo_store, "2019-13", tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_write_invoice_pdf_writes_the_document_it_returns(store, tmp_path):
    seller(store)
    n = network(store)
    [draft] = invoicing.create_drafts(store, n["sponsor"].id, "2019-10").invoices
    steps: list[int] = []
    w = invoicing.write_invoice_pdf(store, draft.id, tmp_path / "d.pdf", progress=lambda d, t, text: steps.append(d))
    assert w is not None and w.document.draft and steps == [0, 1, 2]
    assert "DRAFT" in pdf_text(w.path.read_bytes())[0]
    assert invoicing.write_invoice_pdf(store, draft.id, tmp_path / "c.pdf", cancelled=lambda: True) is None
    assert not (tmp_path / "c.pdf").exists()
    invoicing.issue_invoice(store, draft.id, issue_date="2019-11-01")
    first = invoicing.write_invoice_pdf(store, "2019-0001", tmp_path / "a.pdf", as_issued=True)
    assert first is not None and first.document.invoice.label == "invoice 2019-0001"
    from sponsortrack.reports.invoice import invoice_pdf_bytes

    assert first.path.read_bytes() == invoice_pdf_bytes(invoicing.invoice_document(store, "2019-0001",
                                                                                   as_issued=True))
