"""Every table model passes QAbstractItemModelTester; the history filters and sorts in SQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.store import reads as rstore
from sponsortrack.store import session as ssession
from sponsortrack.store.bulk import insert_rows
from sponsortrack.store.reads import ReadFilter
from sponsortrack.ui.models import SORT_ROLE
from sponsortrack.ui.models.reads import COL, PAGE, ReadsModel
from sponsortrack.ui.models.table import ObjectTableModel, RawSortProxy

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def generated(store):
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
    return store


def test_reads_model_is_a_valid_model_and_pages(qtmodeltester, generated):
    m = ReadsModel(generated)
    m.reload()
    assert m.rowCount() == PAGE and m.canFetchMore()
    qtmodeltester.check(m)
    total = rstore.count_reads(generated)
    while m.canFetchMore():
        m.fetchMore()
    assert m.rowCount() == total
    assert len({r.id for r in m.rows}) == total


def test_every_column_sorts_in_sql_by_value(generated):
    m = ReadsModel(generated)
    for key, col in COL.items():
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            m.sort(col, order)
            while m.canFetchMore():
                m.fetchMore()
            raw = [m.data(m.index(i, col), SORT_ROLE) for i in range(m.rowCount())]
            vals = [x for x in raw if x is not None]
            want = sorted(vals, reverse=order == Qt.SortOrder.DescendingOrder)
            if key == "price":  # ordered by the rate (a flagged read's price is 0): checked below
                rates = [r.rate_minor for r in m.rows]
                assert rates == sorted(rates, reverse=order == Qt.SortOrder.DescendingOrder)
            elif key == "placement":
                assert [x[0] for x in vals] == [x[0] for x in want]
            else:
                assert vals == want, key
    # money sorts as a number, not as text
    m.sort(COL["price"], Qt.SortOrder.DescendingOrder)
    assert m.rows[0].rate_minor == max(r.rate_minor for r in rstore.list_reads(generated))


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
        assert ssession.count_reads(generated, flt) == len(expected)


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
    real_walk = ssession._walk_page

    def spy(*args, **kwargs):
        ids = real_walk(*args, **kwargs)
        walked.append(ids is not None)
        return ids

    monkeypatch.setattr(ssession, "_WALK_MIN_MATCHES", 50)  # the fixture is small: walk from 50 matches
    monkeypatch.setattr(ssession, "_walk_page", spy)
    for flt in (ReadFilter(search=text), ReadFilter(search=text, date_from="2024-06-01", date_to="2024-12-31")):
        for offset in (0, PAGE):
            expected = ssession.page_reads(generated, flt, descending=descending, limit=PAGE, offset=offset)
            got = ssession.page_reads_for_view(generated, flt, descending=descending, limit=PAGE, offset=offset)
            assert [r.id for r in got] == [r.id for r in expected]
            assert got == expected
    if text == "pod":  # in every read's promo URL: the walk answered
        assert walked and all(walked)


def test_history_search_walk_out_of_budget_falls_back(generated, monkeypatch):
    monkeypatch.setattr(ssession, "_WALK_MIN_MATCHES", 50)
    monkeypatch.setattr(ssession, "_WALK_BUDGET_S", -1.0)  # already over: the progress handler interrupts
    flt = ReadFilter(search="pod")
    assert ssession._walk_page(generated, flt, True, PAGE, 0) is None
    got = ssession.page_reads_for_view(generated, flt)
    assert [r.id for r in got] == [r.id for r in ssession.page_reads(generated, flt)]
    # the connection is usable afterwards (handler removed)
    assert ssession.count_reads(generated, flt) == rstore.count_reads(generated, flt)


def test_history_search_walk_only_for_the_search_box_alone(generated, monkeypatch):
    monkeypatch.setattr(ssession, "_WALK_MIN_MATCHES", 50)
    calls = []
    monkeypatch.setattr(ssession, "_walk_page", lambda *a, **k: calls.append(a) or None)
    sponsor = cat.resolve_sponsor(generated, "Sponsor 04")
    for flt, sort in ((ReadFilter(search="pod", sponsor_id=sponsor.id), "air_date"),
                      (ReadFilter(search="pod", status="aired"), "air_date"),
                      (ReadFilter(search="pod"), "sponsor"),
                      (ReadFilter(search="po"), "air_date"),
                      (ReadFilter(search="pöd"), "air_date")):
        ssession.page_reads_for_view(generated, flt, sort=sort)
    assert calls == []
