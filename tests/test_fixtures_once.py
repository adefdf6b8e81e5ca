"""A fixture is written once: a test module never defines again a fixture of tests/conftest.py (the link-check
modules each had their own ``servers`` and ``wired``, now conftest's)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _fixtures(path: Path) -> set[str]:
    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    out.add(node.name)
    return out


def test_no_test_module_defines_a_conftest_fixture_again():
    shared = _fixtures(TESTS / "conftest.py")
    assert {"servers", "wired", "demo_store"} <= shared
    again = {f"{p.name}::{name}" for p in sorted(TESTS.glob("test_*.py")) for name in _fixtures(p) & shared}
    assert not again
