"""Every table model passes QAbstractItemModelTester; the history filters and sorts in SQL."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import history
from sponsortrack.services import reads as rsvc
from sponsortrack.store import Store
from sponsortrack.store import read_pages as rpages
from sponsortrack.store import reads as rstore
from sponsortrack.store.bulk import insert_rows
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models import SORT_ROLE
from sponsortrack.ui.models.reads import COL, PAGE, ReadsModel
from sponsortrack.ui.models.table import ObjectTableModel, RawSortProxy

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _generate(store) -> None:
    """A generated network: 3 shows, 40 sponsors, ~3,000 reads over two years."""
    rnd = random.Random(7)
    shows = [cat.add_show(store, name=n).id for n in ("Practical AI", "Go Time", "JS Party")]
    sponsors = [cat.add_sponsor(store, name=f"Sponsor {i:02d}", domains=f"sponsor{i}.com").id for i in range(40)]
    camps = [camp.add_campaign(store, sponsor=sid, name="2024-25", start_date="2024-01-01", end_date="2025-12-31",
                               pricing="flat", rate=str(100 + 10 * i)).id for i, sid in enumerate(sponsors)]
    start = dt.date(2024, 1, 1)
    episodes, reads = [], []
    eid = 0
    for week in range(104):
        for s in shows:
            eid += 1
            day = (start + dt.timedelta(days=7 * week + s)).isoformat()
            episodes.append((eid, s, week + 1, f"Episode {week + 1} of show {s}", day))
            for pos in range(rnd.randint(8, 11)):
                i = rnd.randrange(40)
                reads.append((eid, sponsors[i], camps[i], ("pre", "mid", "post")[pos % 3], pos // 3 + 1,
                              f"https://sponsor{i}.com/pod", f"CODE{i}" if i % 4 == 0 else None,
                              rnd.choice(["recorded", "aired", "verified", "flagged"]),
                              "needs a make-good" if rnd.random() < 0.01 else None))
    insert_rows(store, "episodes", ["id", "show_id", "number", "title", "published_on"], episodes)
    insert_rows(store, "ad_reads", ["episode_id", "sponsor_id", "campaign_id", "placement", "position", "promo_url",
                                    "promo_code", "status", "notes"], reads)
    assert 2500 < len(reads) < 3500


@pytest.fixture(scope="module")
def generated_template(tmp_path_factory) -> Path:
    """The generated network, built once per module into a file each test gets a copy of."""
    path = tmp_path_factory.mktemp("generated") / "template.db"
    template = Store(path)
    _generate(template)
    template.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    template.close()
    return path


@pytest.fixture
def generated(generated_template, tmp_path):
    """A fresh copy of the generated network for this test (its own file, so writes stay its own)."""
    path = tmp_path / "generated.db"
    shutil.copy(generated_template, path)
    store = Store(path)
    yield store
    store.close()


def test_reads_model_is_a_valid_model_and_reports_every_read(qtmodeltester, generated):
    """Without a worker (an in-memory database) the ids are listed at once: every read is a row, its page
    read when it is asked for, and no more than ``MAX_PAGES`` pages stay in memory."""
    m = ReadsModel(generated)
    m.reload()
    total = rstore.count_reads(generated)
    assert m.rowCount() == total and not m.canFetchMore() and m.known_total == total
    assert m.cached_rows == PAGE  # only the first page was read
    qtmodeltester.check(m)
    assert len({r.id for r in m.rows}) == total
    assert m.cached_rows <= ReadsModel.MAX_PAGES * PAGE
    assert [r.id for r in m.rows] == [r.id for r in rstore.list_reads(generated)]


def test_every_column_sorts_in_sql_by_value(generated):
    m = ReadsModel(generated)
    for key, col in COL.items():
        if key == "link":  # not sortable: covered by test_link_column_is_not_sortable
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            m.sort(col, order)
            while m.canFetchMore():
                m.fetchMore()
            raw = [m.data(m.index(i, col), SORT_ROLE) for i in range(m.rowCount())]
            vals = [x for x in raw if x is not None]
            want = sorted(vals, reverse=order == Qt.SortOrder.DescendingOrder)
            if key == "placement":
                assert [x[0] for x in vals] == [x[0] for x in want]
            else:
                assert vals == want, key
    # money sorts as a number (the price shown, in minor units), not as text nor by the campaign's rate
    m.sort(COL["price"], Qt.SortOrder.DescendingOrder)
    assert m.rows[0].price_minor == max(r.price_minor or 0 for r in rstore.list_reads(generated))


def test_filters_and_search_match_the_store(generated):
    m = ReadsModel(generated)
    sponsor = cat.resolve_sponsor(generated, "Sponsor 04")
    for flt in (ReadFilter(sponsor_id=sponsor.id), ReadFilter(show_id=2, status="flagged"),
                ReadFilter(date_from="2024-03-01", date_to="2024-03-31"), ReadFilter(search="code1"),
                ReadFilter(search="make-good"), ReadFilter(search="of show 3"), ReadFilter(search="50%_x"),
                ReadFilter(search="SPONSOR 1", status="aired", show_id=1)):
        m.set_filter(flt)
        while m.canFetchMore():
            m.fetchMore()
        expected = rstore.list_reads(generated, flt)
        assert [r.id for r in m.rows] == [r.id for r in expected], flt
        assert history.count(generated, flt) == len(expected) == m.rowCount()


def test_history_page_filters_and_search_as_you_type(qtbot, generated, tmp_path):
    from ui_helpers import make_window

    win = make_window(qtbot, generated, tmp_path, page="history")
    page = win.pages["history"]
    total = rstore.count_reads(generated)
    qtbot.waitUntil(lambda: page.count_label.text() == f"{total:,} reads")
    page.month.setCurrentIndex(page.month.findData("2024-03"))
    page.show_box.setCurrentIndex(page.show_box.findData(2))
    expected = rsvc.count_reads(generated, month="2024-03", show="Go Time")
    qtbot.waitUntil(lambda: page.count_label.text().startswith(f"{expected:,} read"))
    assert all(r.show_name == "Go Time" and r.air_date.startswith("2024-03") for r in page.model.rows)
    page.clear_filters()
    qtbot.keyClicks(page.search, "code12")
    qtbot.waitUntil(lambda: page.model.filter.search == "code12", timeout=2000)
    assert page.model.rows and all(r.promo_code == "CODE12" for r in page.model.rows)
    page.status.setCurrentIndex(page.status.findData("flagged"))
    assert all(r.status == "flagged" and r.promo_code == "CODE12" for r in page.model.rows)


def test_object_model_and_raw_sort_proxy(qtmodeltester, generated):
    from sponsortrack.ui.pages.campaigns import COLUMNS

    m = ObjectTableModel(COLUMNS)
    m.set_items(camp.list_campaigns(generated))
    qtmodeltester.check(m)
    proxy = RawSortProxy()
    proxy.setSourceModel(m)
    qtmodeltester.check(proxy)
    rate = m.column_index("pricing")
    proxy.sort(rate, Qt.SortOrder.DescendingOrder)
    top = proxy.index(0, rate).data()
    assert top == "$490.00/read"  # $490 > $1,00 as a number, though "$490" < "$100" would not hold as text
    proxy.setFilterFixedString("sponsor 07")
    assert proxy.rowCount() == 1


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("text", ["pod", "sponsor1", "Episode 5", "CODE8", "go time", "no such text", "1%_x"])
def test_history_search_walk_gives_the_same_pages(generated, monkeypatch, text, descending):
    """The view's walk for common text returns exactly ``page_reads``'s rows, in the same order."""
    walked = []
    real_walk = rpages._walk_page

    def spy(*args, **kwargs):
        ids = real_walk(*args, **kwargs)
        walked.append(ids is not None)
        return ids

    monkeypatch.setattr(rpages, "_WALK_MIN_MATCHES", 50)  # the fixture is small: walk from 50 matches
    monkeypatch.setattr(rpages, "_WALK_BUDGET_S", 3600.0)  # never out of time: no wall clock in the test
    monkeypatch.setattr(rpages, "_walk_page", spy)
    for flt in (ReadFilter(search=text), ReadFilter(search=text, date_from="2024-06-01", date_to="2024-12-31")):
        for offset in (0, PAGE):
            expected = rpages.page_reads(generated, flt, descending=descending, limit=PAGE, offset=offset)
            got = rpages.page_reads_for_view(generated, flt, descending=descending, limit=PAGE, offset=offset)
            assert [r.id for r in got] == [r.id for r in expected]
            assert got == expected
    if text == "pod":  # in every read's promo URL: the walk answered
        assert walked and all(walked)


def test_history_search_walk_out_of_budget_falls_back(generated, monkeypatch):
    monkeypatch.setattr(rpages, "_WALK_MIN_MATCHES", 50)
    monkeypatch.setattr(rpages, "_WALK_BUDGET_S", -1.0)  # already over: the progress handler interrupts
    flt = ReadFilter(search="pod")
    assert rpages._walk_page(generated, flt, True, PAGE, 0) is None
    got = rpages.page_reads_for_view(generated, flt)
    assert [r.id for r in got] == [r.id for r in rpages.page_reads(generated, flt)]
    # the connection is usable afterwards (handler removed)
    assert history.count(generated, flt) == rstore.count_reads(generated, flt)


def test_history_search_walk_only_for_the_search_box_alone(generated, monkeypatch):
    monkeypatch.setattr(rpages, "_WALK_MIN_MATCHES", 50)
    calls = []
    monkeypatch.setattr(rpages, "_walk_page", lambda *a, **k: calls.append(a) or None)
    sponsor = cat.resolve_sponsor(generated, "Sponsor 04")
    for flt, sort in ((ReadFilter(search="pod", sponsor_id=sponsor.id), "air_date"),
                      (ReadFilter(search="pod", status="aired"), "air_date"),
                      (ReadFilter(search="pod"), "sponsor"),
                      (ReadFilter(search="po"), "air_date"),
                      (ReadFilter(search="pöd"), "air_date")):
        rpages.page_reads_for_view(generated, flt, sort=sort)
    assert calls == []


def _check(store, url, verdict, when, **extra):
    from sponsortrack.store import links as lstore

    lstore.save_check(store, {"url": url, "verdict": verdict, "checked_at": when, **extra})


def test_link_column_shows_the_latest_verdict_as_a_badge(qtmodeltester, generated):
    from sponsortrack.ui.models.links import VERDICT_ROLE, badge_colours
    from sponsortrack.ui.models.reads import LINK_COL

    _check(generated, "https://sponsor3.com/pod", "ok", "2024-01-02T00:00:00Z")
    _check(generated, "https://sponsor3.com/pod", "broken", "2024-03-02T00:00:00Z", status_code=404,
           explanation="the server answers 404 Not Found")
    _check(generated, "https://sponsor5.com/pod", "redirected", "2024-03-02T00:00:00Z",
           final_url="https://www.sponsor5.com/pod")
    m = ReadsModel(generated)
    m.reload()
    qtmodeltester.check(m)
    assert m.headerData(LINK_COL, Qt.Orientation.Horizontal) == "Link"
    seen = set()
    for row, r in enumerate(m.rows):
        idx = m.index(row, LINK_COL)
        if r.promo_url == "https://sponsor3.com/pod":  # the latest check wins
            assert idx.data() == "Broken" and idx.data(VERDICT_ROLE) == "broken"
            assert idx.data(Qt.ItemDataRole.BackgroundRole) == badge_colours("broken")[0]
            assert "404 Not Found" in idx.data(Qt.ItemDataRole.ToolTipRole)
            seen.add("broken")
        elif r.promo_url == "https://sponsor5.com/pod":
            assert idx.data() == "Redirected"
            assert "Lands on https://www.sponsor5.com/pod" in idx.data(Qt.ItemDataRole.ToolTipRole)
            seen.add("redirected")
        else:  # never checked: no badge, and the tooltip says so
            assert idx.data() == "" and idx.data(VERDICT_ROLE) is None
            assert "Not checked yet" in idx.data(Qt.ItemDataRole.ToolTipRole)
    assert seen == {"broken", "redirected"}


def test_link_verdicts_are_fetched_per_page_not_per_cell(generated, monkeypatch):
    from sponsortrack.services import links as lsvc
    from sponsortrack.ui.models.reads import LINK_COL

    calls = []
    real = lsvc.latest_verdicts
    monkeypatch.setattr(lsvc, "latest_verdicts", lambda store, urls: calls.append(list(urls)) or real(store, urls))
    m = ReadsModel(generated)
    m.reload()
    assert len(calls) == 1 and len(calls[0]) == len({r.promo_url for r in m.rows[:PAGE]})
    for row in range(PAGE):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole):
            m.data(m.index(row, LINK_COL), role)
    assert len(calls) == 1
    m.data(m.index(PAGE, LINK_COL))
    assert len(calls) == 2  # one more page, one more query
    m.data(m.index(PAGE + 1, LINK_COL))
    assert len(calls) == 2


def test_link_column_is_not_sortable(generated):
    from sponsortrack.ui.models.reads import LINK_COL

    m = ReadsModel(generated)
    m.sort(COL["sponsor"], Qt.SortOrder.AscendingOrder)
    before = [r.id for r in m.rows]
    m.sort(LINK_COL, Qt.SortOrder.DescendingOrder)
    assert m.sort_key == "sponsor" and [r.id for r in m.rows] == before


def test_history_link_badges_follow_new_checks_without_reloading(qtbot, generated, tmp_path):
    from ui_helpers import make_window

    from sponsortrack.ui import context as c
    from sponsortrack.ui.models.reads import LINK_COL
    from sponsortrack.ui.widgets.badge import BadgeDelegate

    win = make_window(qtbot, generated, tmp_path, page="history")
    page = win.pages["history"]
    url = page.model.rows[0].promo_url
    assert page.model.index(0, LINK_COL).data() == ""
    resets = []
    page.model.modelReset.connect(lambda: resets.append(1))
    changed = []
    page.model.dataChanged.connect(lambda a, b, _roles=(): changed.append((a.column(), b.column())))
    _check(generated, url, "wrong_destination", "2024-05-01T00:00:00Z")
    win.ctx.notify({c.LINKS})  # what the Links page says after a sweep
    assert page.model.index(0, LINK_COL).data() == "Wrong site"
    assert resets == [] and changed == [(LINK_COL, LINK_COL)]
    assert isinstance(page.view.itemDelegateForColumn(LINK_COL), BadgeDelegate)
    page.view.viewport().repaint()  # the badge delegate paints without errors
    page.view.horizontalHeader().setSortIndicator(LINK_COL, Qt.SortOrder.AscendingOrder)
    assert page.view.horizontalHeader().sortIndicatorSection() == COL["air_date"]


def test_history_total_follows_the_first_page_without_waiting_for_typing(qtbot, generated, tmp_path):
    from ui_helpers import make_window

    win = make_window(qtbot, generated, tmp_path, page="history")
    page = win.pages["history"]
    total = rstore.count_reads(generated)
    # the first page is shown with "200+", the total is counted on a worker right after (no typing pause)
    qtbot.waitUntil(lambda: page.count_label.text() == f"{total:,} reads", timeout=5000)
    page.show_box.setCurrentIndex(page.show_box.findText("Go Time"))
    n = rstore.count_reads(generated, ReadFilter(show_id=page.show_box.currentData()))
    qtbot.waitUntil(lambda: page.count_label.text() == f"{n:,} reads match", timeout=5000)
    page.sponsor.setCurrentIndex(page.sponsor.findText("Sponsor 04"))
    page.month.setCurrentIndex(page.month.findText("2024-03"))
    # few enough for one page: the total is the page, at once
    assert page.model.exhausted and page.count_label.text().endswith(("read match", "reads match"))
