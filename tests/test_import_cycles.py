"""No import cycles among sponsortrack's modules: module-level and function-level imports both count
(a function-level import that closes a cycle is still a cycle — it only moves the failure to run time).
Imports under ``if TYPE_CHECKING:`` are for type checkers and do not count.

The graph is read from the sources with ``ast``. A package counts as importing what its ``__init__``
imports; ``from package import module`` is an edge to the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "sponsortrack"

# Cycles that are still there, each as the sorted modules of one strongly connected component. The list
# only shrinks: a new cycle fails the test, and so does an entry here that is gone (delete it).
KNOWN_CYCLES: list[list[str]] = []


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                found.add(sub if sub in modules else mod)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in ROOT.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, name, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return sorted(out)


def test_the_graph_reader_sees_function_level_imports_and_skips_type_checking(tmp_path):
    (tmp_path / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n"
                                   "def f():\n    from c import x\n")
    got = imports_of(tmp_path / "a.py", "a", {"a", "b", "c"})
    assert got == {"c"}
    assert cycles({"a": {"c"}, "c": {"a"}, "b": set()}) == [["a", "c"]]


def test_no_import_cycles_among_sponsortrack_modules():
    found = cycles(import_graph())
    new = [c for c in found if c not in KNOWN_CYCLES]
    gone = [c for c in KNOWN_CYCLES if c not in found]
    assert not new, f"new import cycles: {new}"
    assert not gone, f"cycles that are gone: delete them from KNOWN_CYCLES: {gone}"


def test_the_named_families_are_free_of_cycles():
    graph = import_graph()
    for a, b in (("sponsortrack.cli", "sponsortrack.launch"), ("sponsortrack.ui.app", "sponsortrack.ui.mainwindow"),
                 ("sponsortrack.ui.mainwindow", "sponsortrack.ui.dialogs.settings"),
                 ("sponsortrack.ui.dialogs.settings", "sponsortrack.ui.app")):
        assert not any(a in c and b in c for c in cycles(graph)), (a, b)


def test_open_database_reaches_ui_app_through_the_window_signal(qtbot, store, tmp_path, monkeypatch):
    """File ▸ Open Database: the main window emits the file it was given; ui.app opens it (no import back)."""
    from PySide6.QtWidgets import QFileDialog

    from sponsortrack.ui import app as uiapp

    opened = []
    monkeypatch.setattr(uiapp, "relaunch_on", lambda win, path: opened.append((win, path)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(tmp_path / "x.db"), "")))
    from sponsortrack.ui.config import Config

    win = uiapp.build_window(store, Config(str(tmp_path / "s.ini")))
    qtbot.addWidget(win)
    win.open_database()
    assert opened == [(win, tmp_path / "x.db")]
