"""Soak: the window paints and scrolls every table view thousands of times and loses no reference to None.

Under PySide6 6.12 on Python 3.11 every call into Qt that answers None (a void method, ``index.data(role)``
without a value, ...) drops a reference to None, and ``Signal.emit`` one to True. The History's badge
delegate lost ~78 per repaint and CPython aborted the app ("Fatal Python error: none_dealloc") after ~250
wheel clicks. Here the real window, on the demo plus ~2,400 generated reads (so the History pages in rows
in view), is painted (``grab``) and scrolled (wheel events, scroll bar jumps) page by page, and the
History goes through search and filter cycles; the reference counts of None, True and False must not fall
by more than a small constant (caches filled on the way), checked every few paints so that a leak fails
the test long before it could crash the run.

The loops only call Qt functions that answer a value (``sendEvent``, ``grab``, ``setProperty``): a void call
made by the test itself would drop a reference too, and be counted against the app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sys

import pytest
from PySide6.QtCore import QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTabWidget, QWidget
from ui_helpers import make_window

from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing
from sponsortrack.services.demo import load_demo
from sponsortrack.store import links as lstore
from sponsortrack.store.bulk import insert_rows
from sponsortrack.ui import refguard

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SLACK = 64          # references a first paint may keep (a badge cache, a font) are not a leak
CHECK_EVERY = 20    # paints between two counts: a leak of one per cell fails at the first count
HISTORY_PAINTS = 1000
VIEW_PAINTS = 200   # every other table view
FILTER_CYCLES = 120


def counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


class Watch:
    """The counts at the start; :meth:`check` fails when any fell by more than SLACK."""

    def __init__(self):
        self.start = counts()

    def check(self, what: str, step: int) -> None:
        now = counts()
        lost = (self.start[0] - now[0], self.start[1] - now[1], self.start[2] - now[2])
        assert max(lost) <= SLACK, (
            f"{what}, after {step} paints: {lost[0]} references to None, {lost[1]} to True and {lost[2]} "
            "to False lost")


def wheel(widget, clicks: int) -> bool:
    """One wheel turn of ``clicks`` notches over the middle of ``widget`` (negative: down)."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * clicks),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                     False)
    return QApplication.sendEvent(widget, ev)


def soak(view, watch: Watch, what: str, paints: int) -> None:
    """Paint ``view`` ``paints`` times: 30 wheel notches down, 30 up, and a scroll bar jump to the end and
    back every 50 paints (on the History the jump to the end makes the model read the last page)."""
    viewport = view.viewport()
    bar = view.verticalScrollBar()
    hbar = view.horizontalScrollBar()
    for i in range(1, paints + 1):
        wheel(viewport, -1 if (i // 30) % 2 == 0 else 1)
        if i % 50 == 0:
            bar.setProperty("value", bar.maximum())
        elif i % 50 == 25:
            bar.setProperty("value", 0)
            hbar.setProperty("value", hbar.maximum() if i % 100 == 25 else 0)
        view.grab()  # the whole view: viewport (cells, delegates), headers, scroll bars
        if i % CHECK_EVERY == 0:
            watch.check(what, i)


@pytest.fixture
def soak_store(store):
    """The demo with an invoice draft per sponsor (the Invoices tables) and link checks (badges), plus 300
    episodes of its shows with 8 reads each on its sponsors' URLs."""
    load_demo(store)
    for sponsor in ("DigitalOcean", "Brave", "Fastly"):
        invoicing.create_drafts(store, sponsor, "2019-10")
    rnd = random.Random(11)
    shows = [s.id for s in cat.list_shows(store)]
    sponsors = [s.id for s in cat.list_sponsors(store)]
    urls = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT promo_url FROM ad_reads WHERE promo_url IS NOT NULL ORDER BY 1")] + [None]
    for url, verdict in zip(urls[:-2], ("ok", "too_many_redirects"), strict=True):  # the last URL: never checked
        lstore.save_check(store, {"url": url, "verdict": verdict, "checked_at": "2019-12-31T00:00:00Z"})
    first = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM episodes").fetchone()[0] + 1
    start = dt.date(2019, 1, 7)
    episodes, reads = [], []
    for k in range(300):
        eid = first + k
        episodes.append((eid, shows[k % len(shows)], 1000 + k, f"Soak episode {k}",
                         (start + dt.timedelta(days=3 * k)).isoformat()))
        for pos in range(8):
            reads.append((eid, rnd.choice(sponsors), ("pre", "mid", "post")[pos % 3], pos // 3 + 1,
                          rnd.choice(urls), rnd.choice(["recorded", "aired", "verified", "flagged"])))
    insert_rows(store, "episodes", ["id", "show_id", "number", "title", "published_on"], episodes)
    insert_rows(store, "ad_reads", ["episode_id", "sponsor_id", "placement", "position", "promo_url", "status"],
                reads)
    return store


def settle(win) -> None:
    """Let the page's work on worker threads land (outside the counted loops)."""
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
        win.ctx.tasks.wait(30_000)
    app.processEvents()


def table_views(page) -> list[QAbstractItemView]:
    return [v for v in page.findChildren(QAbstractItemView)
            if not isinstance(v, QHeaderView) and v.isVisible()]


def test_history_paints_scrolls_and_filters_without_losing_references(qtbot, soak_store, tmp_path):
    win = make_window(qtbot, soak_store, tmp_path, "history")
    win.resize(1360, 800)
    page = win.show_page("history")
    settle(win)
    view = page.view
    model = view.model()
    total = soak_store.conn.execute("SELECT count(*) FROM ad_reads").fetchone()[0]
    assert model.rowCount() == total > 2000 and model.cached_rows == 200  # every read, the first page read
    view.grab()
    watch = Watch()
    soak(view, watch, "History", HISTORY_PAINTS)
    assert model.cached_rows > 200 and model.read_at(total - 1) is not None  # the jumps read the last page
    badges = {view.model().badge(r) is not None for r in range(view.model().rowCount())}
    assert badges == {True, False}  # it painted cells with a badge and cells without

    def first_page() -> None:
        """Back to the unfiltered first page, freshly loaded: the same rows as at every other visit, so the
        references the loaded rows hold to None are the same too (a search that loads fewer rows frees
        references legitimately; only the same state, visited again, tells a leak)."""
        page.search.setProperty("text", "zzz-nothing")
        page.apply_filters()
        settle(win)
        page.clear_filters()
        settle(win)
        view.grab()

    queries = ["", "soak", "pod", "episode 1", "zzz-nothing", ""]
    first_page()
    first_page()  # the second visit: whatever a first search fills once (caches) is filled
    watch = Watch()
    for i in range(1, FILTER_CYCLES + 1):
        page.search.setProperty("text", queries[i % len(queries)])  # as typed: textChanged
        page.apply_filters()                                          # as once the typing pauses
        page.status.setProperty("currentIndex", i % page.status.count())
        page.month.setProperty("currentIndex", (i // 3) % min(page.month.count(), 6))
        wheel(view.viewport(), -3)
        view.grab()
        settle(win)  # the total is counted on a worker
        if i % 10 == 0:
            first_page()
            watch.check("History search and filter cycles", i)
    page.clear_filters()
    soak(view, watch, "History after the filters", 200)
    watch.check("History", HISTORY_PAINTS + FILTER_CYCLES + 200)


def test_every_page_paints_and_scrolls_without_losing_references(qtbot, soak_store, tmp_path):
    win = make_window(qtbot, soak_store, tmp_path)
    win.resize(1360, 800)
    soaked, seen, rows = [], [], {}
    for key in win.page_keys():
        page = win.show_page(key)
        settle(win)
        page.grab()
        win.grab()
        watch = Watch()
        for i in range(1, 51):  # the whole page and window: charts, icons, empty-table texts
            page.grab()
            win.grab()
            if i % 10 == 0:
                watch.check(f"the {key} page", i)
        tabs = [(t, i) for t in page.findChildren(QTabWidget) for i in range(t.count())] or [(None, 0)]
        for tab, i in tabs:  # the views on every tab (the Links page's episodes to fix)
            if tab is not None:
                tab.setProperty("currentIndex", i)
                settle(win)
            for view in table_views(page):  # select a row first: selected cells paint too (badges)
                if view not in seen and view.model() is not None and view.model().rowCount() > 0:
                    view.selectRow(0)
            settle(win)  # (a selected campaign or invoice fills the tables beside it)
            for n, view in enumerate(table_views(page)):
                if view in seen:
                    continue
                seen.append(view)
                name = f"{key}:{view.objectName() or f'{type(view).__name__}{n}'}"
                view.grab()
                soak(view, Watch(), name, VIEW_PAINTS)
                soaked.append(name)
                rows[name] = view.model().rowCount() if view.model() is not None else 0
    # the History (above), and every other page's tables, were all painted
    for name in ("log:log_proposals", "history:history_view", "episodes:episode_view", "episodes:show_view",
                 "sponsors:sponsor_view", "sponsors:agency_view", "campaigns:campaign_view",
                 "campaigns:campaign_reads", "links:links_table", "links:links_chain", "links:links_episodes"):
        assert name in soaked, soaked
    invoice_views = [name for name in soaked if name.startswith("invoices:")]
    assert len(invoice_views) == 2 and all(rows[name] > 0 for name in invoice_views), rows  # invoices, lines
    assert all(rows[name] > 0 for name in ("history:history_view", "campaigns:campaign_reads",
                                           "links:links_table", "links:links_episodes")), rows


# -- the guards themselves ------------------------------------------------------------------------------

class _Emitter(QObject):
    ping = Signal()


def _qt_calls(widget, emitter, n: int = 10) -> None:
    for _ in range(n):
        widget.setEnabled(True)  # void: drops a reference to None under the faulty binding
        emitter.ping.emit()      # drops one to True there


def test_keeps_refs_gives_back_what_the_qt_calls_inside_dropped(qapp):
    widget, emitter = QWidget(), _Emitter()
    if refguard.ACTIVE:  # the binding fault this guards against, as measured here
        before = counts()
        for _ in range(100):
            _qt_calls(widget, emitter)
        now = counts()
        assert (before[0] - now[0], before[1] - now[1]) == (1000, 1000)
        refguard.restore(before)

    @refguard.keeps_refs
    def returns_none():
        _qt_calls(widget, emitter)

    @refguard.keeps_refs
    def returns_true():
        _qt_calls(widget, emitter)
        return True

    @refguard.keeps_refs
    def returns_a_value():
        _qt_calls(widget, emitter)
        returns_none()  # nested guards
        return widget.size()

    @refguard.keeps_refs
    def raises():
        _qt_calls(widget, emitter)
        raise ValueError("x")

    for fn in (returns_none, returns_true, returns_a_value, raises):
        with contextlib.suppress(ValueError):
            fn()
        before = counts()
        for _ in range(200):
            with contextlib.suppress(ValueError):
                fn()
        now = counts()
        assert now[0] >= before[0] and now[1] >= before[1] and now[2] >= before[2], (fn.__name__, before, now)


@pytest.mark.skipif(not refguard.ACTIVE, reason="this PySide6 keeps its references to None")
def test_the_ref_floor_brings_the_counts_back_up(qtbot):
    widget, emitter = QWidget(), _Emitter()
    floor = refguard.RefFloor(interval_ms=10)
    floor.start()
    try:
        start = floor.floor
        _qt_calls(widget, emitter, 500)
        assert sys.getrefcount(None) < start[0] - 400  # dropped, not yet given back
        # (waiting drops a few itself: qtbot.wait's calls into Qt, between two checks of the floor)
        qtbot.waitUntil(lambda: sys.getrefcount(None) > start[0] - SLACK and sys.getrefcount(True) > start[1] - SLACK,
                        timeout=5000)
        assert floor.given >= 400
    finally:
        floor.stop()
        refguard.started.remove(floor)


def _drop(obj: object, n: int) -> None:
    """What the faulty binding does on each call answering ``obj``: let go of a reference it never took."""
    import ctypes

    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    decref.restype = None
    for _ in range(n):
        decref(obj)


def test_the_guards_give_back_a_simulated_binding_fault(qtbot, monkeypatch):
    """The guards work whichever PySide6 is installed: the fault is simulated, not waited for (pyproject
    leaves out 6.12.0, the release that has it, so CI may well run on a binding that keeps its references)."""
    monkeypatch.setattr(refguard, "ACTIVE", True)

    @refguard.keeps_refs
    def leaky(result=None):
        _drop(None, 30)
        _drop(True, 30)
        return result

    for result in (None, True, 7):
        leaky(result)
        before = counts()
        for _ in range(50):
            leaky(result)
        now = counts()
        assert now[0] >= before[0] and now[1] >= before[1], (result, before, now)

    floor = refguard.RefFloor(interval_ms=10)
    floor.start()
    try:
        start = floor.floor
        _drop(None, 300)
        _drop(True, 300)
        qtbot.waitUntil(lambda: sys.getrefcount(None) >= start[0] - SLACK and sys.getrefcount(True) >= start[1] - SLACK,
                        timeout=5000)
        assert floor.given >= 500
    finally:
        floor.stop()
