"""The one escape door for Qt rich text (issue 10, item 5), as ``reports/text.py`` is for PDFs.

A sponsor named ``<Acme>`` and a code ``<PODCAST20>`` showed as blanks in the "Already logged" list, the
read dialog and the dashboard. Every value in window markup now comes through ``ui.text.rich``; a test
reads ``ui/`` so that no new HTML f-string can skip it.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument
from ui_helpers import make_window

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.ui.text import Html, rich

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

UI = Path(__file__).resolve().parents[1] / "sponsortrack" / "ui"
TAG = re.compile(r"<(/?)(b|br|i|p|a|h\d|font|span|u|small|big|code|pre|table|tr|td|ul|ol|li|div)\b", re.I)
# Files whose markup does not come through the door yet, each with its reason (none today). Only shrinks.
NOT_YET: dict[str, str] = {}


def shown(html_text: str) -> str:
    """What a rich-text label displays."""
    doc = QTextDocument()
    doc.setHtml(html_text)
    return doc.toPlainText()


def test_the_door():
    assert rich("AT&T <Labs>") == "AT&amp;T &lt;Labs&gt;"
    assert rich("<PODCAST20>") == "&lt;PODCAST20&gt;"
    assert rich('say "hi"') == 'say "hi"'
    assert rich("a\nb\r\nc") == "a<br>b<br>c"
    assert rich(None) == "" and rich(12) == "12"
    assert rich(Html("<b>x</b>")) == "<b>x</b>" and isinstance(rich("x"), Html)
    assert shown(f"<b>{rich('<Acme>')}</b> code {rich('<PODCAST20>')}") == "<Acme> code <PODCAST20>"


def _safe(node: ast.expr) -> bool:
    """A value allowed inside window markup: through the door, a number, or our own constant text."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and node.id.isupper():  # a module constant, ours (``Html`` if markup)
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("rich", "Html",
                                                                                          "len", "int"):
        return True
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    return False


def _offenders(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if TAG.search(text):
                for v in node.values:
                    if isinstance(v, ast.FormattedValue) and v.format_spec is None and not _safe(v.value):
                        out.append(f"{path.relative_to(UI)}:{v.lineno}: {{{ast.unparse(v.value)}}}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, ast.Constant) and TAG.search(str(node.func.value.value)):
            out.append(f"{path.relative_to(UI)}:{node.lineno}: str.format on markup")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            sides = (node.left, node.right)
            if any(isinstance(s, ast.Constant) and TAG.search(str(s.value)) for s in sides) \
                    and not all(_safe(s) for s in sides):
                out.append(f"{path.relative_to(UI)}:{node.lineno}: markup joined with a bare value")
    return out


def test_window_markup_takes_values_only_through_the_door():
    offenders: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        if str(path.relative_to(UI)) in NOT_YET:
            continue
        offenders += _offenders(path)
    assert offenders == []


def test_html_escape_is_called_only_in_the_door():
    calls = [str(p.relative_to(UI)) for p in UI.rglob("*.py")
             if p.name != "text.py" and str(p.relative_to(UI)) not in NOT_YET
             and re.search(r"\bhtml\.escape\(|\bescape\(", p.read_text("utf-8"))]
    assert calls == []


def test_the_exceptions_still_need_their_place():
    for rel in NOT_YET:
        assert (UI / rel).is_file() and _offenders(UI / rel), f"{rel} needs no exception any more: remove it"


@pytest.fixture
def acme(store):
    today = dt.date.today()
    show = cat.add_show(store, name="Show <1>")
    sp = cat.add_sponsor(store, name="<Acme>")
    k = camp.add_campaign(store, sponsor=sp.id, name="Spring <A&B>", pricing="flat", rate="100",
                          start_date=(today - dt.timedelta(days=40)).isoformat(),
                          end_date=(today + dt.timedelta(days=40)).isoformat(), promo_url="https://acme.example/x",
                          promo_code="<PODCAST20>", booked_reads=50)
    ep = cat.add_episode(store, show.id, number=7, title="Tags <em>&</em> all",
                         published_on=(today - dt.timedelta(days=20)).isoformat())
    rsvc.log_read(store, ep.id, sponsor=sp.id, campaign=k.id, placement="mid", status="aired")
    return ep


def test_already_logged_list_shows_angle_brackets(qtbot, acme, store, tmp_path):
    win = make_window(qtbot, store, tmp_path, page="log")
    log = win.pages["log"]
    log.open_episode(acme.id)
    text = shown(log.logged.text())
    assert "<Acme>" in text and "code <PODCAST20>" in text


def test_read_dialog_head_shows_angle_brackets(qtbot, acme, store, tmp_path):
    from PySide6.QtWidgets import QLabel

    from sponsortrack.ui.dialogs.read import ReadDialog

    win = make_window(qtbot, store, tmp_path)
    row = rsvc.list_reads(store)[0]
    dlg = ReadDialog(win.ctx, row, win)
    qtbot.addWidget(dlg)
    heads = [shown(w.text()) for w in dlg.findChildren(QLabel) if "<Acme>" in shown(w.text())]
    assert heads and "<Acme> on Show <1> #7 Tags <em>&</em> all" in heads[0]
    assert "campaign: Spring <A&B>" in heads[0]


def test_dashboard_shows_angle_brackets(qtbot, acme, store, tmp_path):
    from PySide6.QtWidgets import QLabel

    win = make_window(qtbot, store, tmp_path, page="dashboard")
    dash = win.pages["dashboard"]
    dash.refresh()
    qtbot.waitUntil(lambda: any("<Acme>" in shown(w.text()) for w in dash.findChildren(QLabel)), timeout=10_000)
    texts = [shown(w.text()) for w in dash.findChildren(QLabel)]
    assert any(t.startswith("<Acme>: 1 read (") for t in texts), texts  # unbilled
    assert any(t == "<Acme> — Spring <A&B>" for t in texts), texts  # behind pace
