"""One door (issue 10, item 1): the window and the CLI reach the data only through the services.

``ui/`` and ``cli/`` import from ``sponsortrack.store`` nothing but ``Store`` and the model dataclasses,
and never reach a store module through a service module (``cat.catalog.list_episodes``). Read from the
source, in the style of ``test_core_no_qt``. The places that do not follow the rule yet are listed
below, each with its reason: the list may only shrink, and an entry that is no longer needed fails.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
from pathlib import Path

import pytest

from sponsortrack.errors import ValidationError

PKG = Path(__file__).resolve().parents[1] / "sponsortrack"
FACES = ("ui", "cli")

# (file under sponsortrack/, what it reaches) -> why it still does. Only shrinks.
NOT_YET: dict[tuple[str, str], str] = {}  # (empty: every face follows the rule)


def _is_model(module: str, name: str) -> bool:
    """``Store`` itself, or a dataclass the store hands out (models, ``ReadFilter``, ``LinkCheck``...)."""
    if module == "sponsortrack.store" and name == "Store":
        return True
    obj = getattr(importlib.import_module(module), name, None)
    return isinstance(obj, type) and dataclasses.is_dataclass(obj)


def _reaches(path: Path) -> set[str]:
    """What a face module takes from the store other than Store and dataclasses."""
    out: set[str] = set()
    services: dict[str, str] = {}  # local alias -> services module
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            mod = node.module
            for a in node.names:
                full = f"{mod}.{a.name}"
                if mod == "sponsortrack.services":
                    services[a.asname or a.name] = full
                if mod == "sponsortrack.store" and importlib.util.find_spec(full) is not None:
                    out.add(full)  # a store module: ``from sponsortrack.store import read_pages``
                elif mod.startswith("sponsortrack.store") and not _is_model(mod, a.name):
                    out.add(mod)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("sponsortrack.store")}
    for node in ast.walk(tree):
        # cat.catalog.x(...): a store module reached through a service module's namespace
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in services:
            target = getattr(importlib.import_module(services[node.value.id]), node.attr, None)
            if getattr(target, "__name__", "").startswith("sponsortrack.store"):
                out.add(f"{node.value.id}.{node.attr}")
    return out


def _all_reaches() -> set[tuple[str, str]]:
    found = set()
    for face in FACES:
        for path in sorted((PKG / face).rglob("*.py")):
            rel = str(path.relative_to(PKG))
            found |= {(rel, what) for what in _reaches(path)}
    return found


def test_faces_take_only_store_and_models_from_the_store():
    new = sorted(_all_reaches() - set(NOT_YET))
    assert new == [], "go through sponsortrack.services instead (or say why in NOT_YET)"


def test_every_exception_is_still_needed():
    gone = sorted(set(NOT_YET) - _all_reaches())
    assert gone == [], "these follow the rule now: remove them from NOT_YET"


def test_the_rule_sees_a_reach_through(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from sponsortrack.store import Store, read_pages\nfrom sponsortrack.store.models import Episode\n"
                   "from sponsortrack.store.reads import ReadFilter, list_reads\n"
                   "from sponsortrack.services import catalog as cat\n"
                   "x = cat.catalog.list_episodes\ny = cat.list_episodes\n", "utf-8")
    assert _reaches(bad) == {"sponsortrack.store.read_pages", "sponsortrack.store.reads", "cat.catalog"}


def test_the_services_the_faces_now_call(qtbot, demo_store, tmp_path):
    from ui_helpers import make_window

    from sponsortrack.services import catalog as cat
    from sponsortrack.services import reads as rsvc

    do = cat.resolve_sponsor(demo_store, "DigitalOcean")
    usage = cat.sponsor_usage(demo_store, do.id)
    assert usage["reads"] == rsvc.count_reads(demo_store, sponsor=do.id) > 0 and usage["campaigns"] >= 1
    win = make_window(qtbot, demo_store, tmp_path, page="sponsors")
    page = win.pages["sponsors"]
    page.refresh()
    page.sponsors.select_id(do.id)
    assert f"{usage['reads']:,} reads" in page.detail.text()
    rid = rsvc.list_reads(demo_store, sponsor=do.id, limit=1)[0].id
    rsvc.edit_read(demo_store, rid, notes="checked")
    assert rsvc.read_history(demo_store, rid)[0].action == "update"
    with pytest.raises(ValidationError, match="^read: must be a positive integer"):
        rsvc.read_history(demo_store, 0)


def test_every_page_follows_the_page_protocol(qtbot, store, tmp_path):
    from PySide6.QtWidgets import QWidget
    from ui_helpers import make_window

    from sponsortrack.ui.pages import PAGES, Page, as_page

    win = make_window(qtbot, store, tmp_path)
    for key, _title, _target in PAGES:
        assert isinstance(win.page(key), Page)
    bare = QWidget()
    qtbot.addWidget(bare)
    with pytest.raises(AssertionError, match="QWidget has no refresh"):
        as_page(bare)


def test_the_default_month_is_the_services(demo_store):
    import datetime as dt

    from sponsortrack.services import invoicing
    from sponsortrack.ui.pages.invoices import default_month

    assert invoicing.default_month(None, dt.date(2020, 3, 5)) == "2020-02"  # last month
    assert invoicing.default_month(demo_store, dt.date(2026, 3, 5)) == "2019-12"  # the archive's last month
    assert default_month(dt.date(2026, 3, 5), demo_store) == "2019-12"
