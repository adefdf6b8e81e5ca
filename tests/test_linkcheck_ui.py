"""The Links page (offscreen) on the demo network, its promo links pointed at loopback servers standing in
for the sponsors: sweep with progress, badges, redirect chain, re-check one, cancel, episodes to fix; its
table models pass Qt's model tester."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from support.loopback import LoopbackServer

from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import links as lsvc
from sponsortrack.services import reads as rsvc
from sponsortrack.store import links as lstore


@pytest.fixture
def urls(wired):
    return wired[1]


@pytest.fixture
def ctx(demo_store, tmp_path, qtbot):
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext

    c = AppContext(demo_store, Config(str(tmp_path / "settings.ini")))
    yield c
    c.tasks.cancel_all()
    c.tasks.wait()


@pytest.fixture
def page(ctx, urls, qtbot):
    from sponsortrack.ui.pages.links import LinksPage

    p = LinksPage(ctx)
    p.task_options = {"timeout": 3}
    qtbot.addWidget(p)
    p.resize(1200, 760)
    p.show()
    p.refresh()
    return p


def _verdicts(page) -> dict[str, str]:
    return {r.url: r.verdict for r in page.model.rows}


def _wait_idle(page, qtbot, timeout=15_000):
    qtbot.waitUntil(lambda: page.task is None, timeout=timeout)


def test_sweep_shows_badges_chain_and_episodes_to_fix(page, ctx, urls, qtbot, tmp_path):
    assert set(_verdicts(page).values()) == {""}  # nothing checked yet
    assert "4 never checked" in page.summary.text()
    messages: list[str] = []
    ctx.message.connect(messages.append)
    progress: list[int] = []
    page.check_all_btn.click()
    assert page.task is not None and not page.check_all_btn.isEnabled() and page.cancel_btn.isVisibleTo(page)
    page.task.signals.progress.connect(lambda d, t, u: progress.append(d))
    _wait_idle(page, qtbot)
    assert _verdicts(page) == {urls["do"]: "redirected", urls["do_misread"]: "wrong_destination",
                               urls["fastly"]: "broken", urls["brave"]: "code_lost"}
    assert messages[-1] == "Checked 4 links: 1 fine, 3 need attention."
    assert "3 need attention" in page.summary.text()
    assert page.check_all_btn.isEnabled() and not page.progress.isVisibleTo(page)

    # badges: colour and text, problems sorted first
    from PySide6.QtCore import Qt

    first = page.proxy.index(0, 0)
    assert first.data() == "Wrong site"
    assert first.data(Qt.ItemDataRole.BackgroundRole).name() == "#b71c1c"

    # the redirect chain of the selected URL
    assert page.select_url(urls["do"])
    assert page.chain_model.rowCount() == 2
    assert page.chain_model.index(0, 1).data() == "302 Found"
    assert page.chain_model.index(1, 2).data().startswith("http://127.0.0.3:")
    assert "Redirected" in page.detail.text() and "lands on 127.0.0.3" in page.detail.text()

    # only problems
    page.problems_only.setChecked(True)
    assert page.proxy.rowCount() == 3
    page.problems_only.setChecked(False)
    assert page.proxy.rowCount() == 4

    # the back catalogue: episode 58 carries the misread URL
    eps = page.episodes_model.rows
    assert any(e.episode_number == 58 and e.url == urls["do_misread"] for e in eps)
    assert page.tabs.tabText(1) == f"Episodes to fix ({len(eps)})"
    page.grab().save(str(tmp_path / "links.png"))


def test_recheck_one_link(page, urls, demo_store, qtbot):
    page.check_all_btn.click()
    _wait_idle(page, qtbot)
    before = {u: len(lstore.url_history(demo_store, u)) for u in urls.values()}
    assert page.select_url(urls["fastly"])
    page.recheck_btn.click()
    _wait_idle(page, qtbot)
    after = {u: len(lstore.url_history(demo_store, u)) for u in urls.values()}
    assert after[urls["fastly"]] == before[urls["fastly"]] + 1
    assert all(after[u] == before[u] for u in urls.values() if u != urls["fastly"])
    assert page.selected_url() == urls["fastly"]  # the selection survives the refresh
    assert "History (2 checks, oldest first)" in page.detail.text()


def test_cancel_stops_the_sweep(page, ctx, demo_store, urls, qtbot):
    with LoopbackServer("127.0.0.6") as slow:
        brave = cat.resolve_sponsor(demo_store, "Brave")
        slow_url = slow.url("/slow/20")
        for r in rsvc.list_reads(demo_store, sponsor=brave.id):
            rsvc.edit_read(demo_store, r.id, promo_url=slow_url)
        for cmp in camp.list_campaigns(demo_store, sponsor=brave.id):
            camp.edit_campaign(demo_store, cmp.id, promo_url=slow_url)
        page.task_options = {"timeout": 30}
        page.refresh()
        messages: list[str] = []
        ctx.message.connect(messages.append)
        page.check_all_btn.click()
        qtbot.waitUntil(lambda: page.progress.value() >= 3, timeout=10_000)  # all but the slow one
        page.cancel_btn.click()
        _wait_idle(page, qtbot, timeout=5_000)
    assert messages[-1].startswith("Link check cancelled")
    verdicts = _verdicts(page)
    assert verdicts[slow_url] == ""  # never finished, nothing stored for it
    assert verdicts[urls["fastly"]] == "broken"  # what finished before the cancel is stored


def test_models_pass_qt_model_tester(page, qtbot, qtmodeltester):
    page.check_all_btn.click()
    _wait_idle(page, qtbot)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    page.select_url(page.model.rows[0].url)
    qtmodeltester.check(page.chain_model)
    qtmodeltester.check(page.episodes_model)


def test_latest_verdict_for_a_reads_badge(page, urls, demo_store, qtbot):
    page.check_all_btn.click()
    _wait_idle(page, qtbot)
    reads = rsvc.list_reads(demo_store, sponsor="Fastly", limit=3)
    latest = lsvc.latest_verdicts(demo_store, [r.promo_url for r in reads])
    assert {latest[r.promo_url].verdict for r in reads} == {"broken"}


# -- issue 13: offline, notifications, settings -------------------------------------------------------


def test_links_page_offline_says_so_once_and_keeps_the_verdicts(page, ctx, qtbot, urls):
    from support.linkcheck import OfflineTransport

    from sponsortrack.linkcheck import CheckOptions

    page.check_all()
    _wait_idle(page, qtbot)
    before = _verdicts(page)
    assert "fine" in page.summary.text() and "offline" not in page.summary.text()
    messages: list[str] = []
    ctx.message.connect(messages.append)
    page.task_options = {"options": CheckOptions(timeout=2, trust_env=False, probe_url="http://probe.test/"),
                         "transport": OfflineTransport()}
    page.check_all()
    _wait_idle(page, qtbot)
    assert _verdicts(page) == before  # nothing offline became a verdict
    assert "offline — nothing was checked" in page.summary.text()
    assert sum("offline — nothing was checked" in m for m in messages) == 1
    assert not any("need attention" in m for m in messages)
    path = page.grab()  # what a screenshot shows (looked at by hand: the header says "offline")
    assert not path.isNull()


def test_a_link_that_starts_failing_is_notified_once(page, ctx, qtbot, urls, demo_store, servers):
    page.task_options = {"timeout": 3, "per_host": 2}
    page._start("one", urls=[urls["do"], urls["fastly"]])
    _wait_idle(page, qtbot)
    assert page.notifications == []  # never fine before: nothing *changed* to failing
    # the sponsor's landing page goes away: the same URL now ends on a 404
    demo_store.conn.execute("UPDATE link_checks SET verdict = 'ok' WHERE url = ?", [urls["fastly"]])
    demo_store.conn.commit()
    page._start("one", urls=[urls["fastly"]])
    _wait_idle(page, qtbot)
    assert len(page.notifications) == 1 and urls["fastly"] in page.notifications[0]
    page._start("one", urls=[urls["fastly"]])
    _wait_idle(page, qtbot)
    assert len(page.notifications) == 1  # already failing: not told again


def test_scheduled_recheck_checks_only_what_is_due(page, ctx, qtbot, urls):
    ctx.config.link_auto_recheck = True  # as a producer leaves it (the suite's default is off)
    page.check_due()
    _wait_idle(page, qtbot)
    assert page.last_outcome is not None and page.last_outcome.due and page.last_outcome.checked == 4
    page.check_due()
    _wait_idle(page, qtbot)
    assert page.last_outcome.checked == 0  # checked a moment ago: nothing due
    ctx.config.link_auto_recheck = False
    page.last_outcome = None
    page.check_due()
    assert page.task is None and page.last_outcome is None


def test_preferences_set_link_speed_and_refuse_bad_values(ctx, qtbot):
    from sponsortrack.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.fields["link_per_host"].widget.setText("0")
    dlg.save()
    assert "from 1" in dlg.error_text("link_per_host") or dlg.error_text("link_per_host")
    assert ctx.config.link_per_host == 10
    dlg.fields["link_per_host"].widget.setText("3")
    dlg.fields["link_concurrency"].widget.setText("8")
    dlg.fields["link_keep_history"].widget.setText("20")
    dlg.save()
    assert (ctx.config.link_per_host, ctx.config.link_concurrency, ctx.config.link_keep_history) == (3, 8, 20)


def test_the_window_rechecks_due_links_on_its_schedule_and_says_offline_once(demo_store, qtbot, tmp_path):
    from support.linkcheck import OfflineTransport
    from ui_helpers import make_window

    from sponsortrack.linkcheck import CheckOptions
    from sponsortrack.ui import mainwindow

    win = make_window(qtbot, demo_store, tmp_path)
    assert not win.ctx.config.link_auto_recheck  # the suite's default (conftest): no real link checked
    win.ctx.config.link_auto_recheck = True      # as a producer leaves it
    assert win.link_recheck.isActive() and "links" not in win.pages  # nothing built before it is due
    messages: list[str] = []
    win.ctx.message.connect(messages.append)
    links_page = win.page("links")
    links_page.task_options = {"options": CheckOptions(timeout=2, trust_env=False, probe_url="http://probe.test/"),
                               "transport": OfflineTransport()}
    win.link_recheck.timeout.emit()  # as the timer does
    assert win.link_recheck.interval() == mainwindow.LINK_RECHECK_EVERY_MS
    qtbot.waitUntil(lambda: links_page.task is None and links_page.last_outcome is not None, timeout=15_000)
    assert links_page.last_outcome.due and links_page.last_outcome.offline
    assert sum("offline — nothing was checked" in m for m in messages) == 1
    assert lsvc.latest_checks(demo_store) == {}  # nothing offline became a verdict
    win.ctx.tasks.wait()



def test_the_schedule_is_off_by_default_when_the_environment_says_so(demo_store, qtbot, tmp_path, monkeypatch):
    from ui_helpers import make_window

    win = make_window(qtbot, demo_store, tmp_path)
    win.link_recheck.timeout.emit()  # due, but the suite's environment switched the schedule off
    assert "links" not in win.pages
    monkeypatch.delenv("SPONSORTRACK_AUTO_RECHECK")
    assert win.ctx.config.link_auto_recheck  # a producer's window: on until switched off in Preferences
