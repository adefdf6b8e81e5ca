"""A network ten times wider: grouped figures agree with the per-read ones, memory stays flat in rows."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import os
import sqlite3
import tracemalloc

import pytest

from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.services import campaigns as camp
from sponsortrack.services import dashboard as dash
from sponsortrack.services import reads as rsvc
from sponsortrack.store import reads as rstore
from sponsortrack.store.reads import ReadFilter


def test_monthly_revenue_from_price_groups_is_the_sum_of_every_read_price(demo_store):
    """The dashboard's revenue per month, now from grouped SQL, equals pricing each read one by one."""
    today = dt.date(2019, 12, 15)
    figs = dash.monthly_figures(demo_store, 12, today=today)
    first, last = figs.months[0] + "-01", figs.months[-1] + "-31"
    expected = [0] * len(figs.months)
    unpriced = 0
    for r in rstore.list_reads(demo_store, ReadFilter(date_from=first, date_to=last), sort="id"):
        if r.status not in DELIVERED_STATUSES:
            continue
        if r.price_minor is None:
            unpriced += 1
        else:
            expected[figs.months.index(r.air_date[:7])] += r.price_minor
    assert sum(expected) > 0
    assert figs.revenue_by_currency["USD"] == expected and figs.unpriced_reads == unpriced


def test_pacing_counts_downloads_only_for_cpm_campaigns(demo_store):
    """A flat campaign's reads in an episode with download snapshots deliver no impressions (the snapshot
    is looked up for CPM campaigns only); a CPM campaign's do, as before."""
    pacing = {p.campaign_id: p for p in camp.pacing(demo_store)}
    snap_eps = {r[0] for r in demo_store.conn.execute("SELECT episode_id FROM download_snapshots")}
    flat_with_snapshots = [p for p in pacing.values() if p.pricing != "cpm" and any(
        r.episode_id in snap_eps for r in rsvc.list_reads(demo_store, campaign=p.campaign_id))]
    assert flat_with_snapshots, "the demo has a flat campaign read in an episode with downloads"
    for p in flat_with_snapshots:
        assert p.delivered_impressions == 0
    cpm = [p for p in pacing.values() if p.pricing == "cpm"]
    assert cpm and all(p.delivered_impressions == sum(
        r.units or 0 for r in rsvc.list_reads(demo_store, campaign=p.campaign_id)
        if r.status in DELIVERED_STATUSES) for p in cpm)


def _generator():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "make_big_db", Path(__file__).resolve().parents[1] / "bench" / "make_big_db.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


@pytest.fixture(scope="module")
def networks(tmp_path_factory):
    """The benchmark's network over one year (about 10,000 reads) and five years (about 50,000), and a
    year with about 2,000 reads."""
    gen = _generator()
    out = {}
    for key, weeks, reads in ((52, 52, None), (260, 260, None), (2, 52, 2000)):
        path = tmp_path_factory.mktemp("net") / f"n{key}.db"
        gen.build(path, reads, seed=5, weeks=weeks)
        out[key] = path
    return out


def _peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _cli(path, *args: str) -> None:
    from sponsortrack.cli import main

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        main(["--db", str(path), *args], standalone_mode=False)


@pytest.mark.parametrize(("command", "sizes"), [
    (("export", "csv", "--what", "reads", "-o", "{out}"), (52, 260)),  # 10,000 and 50,000 reads
    (("reads", "list", "--format", "json"), (2, 52)),                  # 2,000 and 10,000 reads
    (("reads", "list", "--format", "csv"), (2, 52)),
    (("reads", "list", "--format", "table"), (2, 52)),
])
def test_export_and_reads_list_memory_does_not_grow_with_rows(networks, tmp_path, command, sizes):
    """Five times the reads, the same peak of Python memory: rows stream from the cursor to the file or
    terminal (before, the export held every row object and the whole text, 300 MB at 100,000 reads)."""
    small, large = networks[sizes[0]], networks[sizes[1]]
    n_small = sqlite3.connect(small).execute("SELECT count(*) FROM ad_reads").fetchone()[0]
    n_large = sqlite3.connect(large).execute("SELECT count(*) FROM ad_reads").fetchone()[0]
    assert n_large > 4.5 * n_small > 1800
    out = str(tmp_path / "reads.csv")
    args = [a.format(out=out) for a in command]
    _cli(small, *args)  # warm up: imports, the store's first open
    peaks = {}
    for name, path in (("small", small), ("large", large)):
        peaks[name] = _peak(lambda p=path: _cli(p, *args))
    assert peaks["large"] < 1.25 * peaks["small"] + 256 * 1024, peaks
    if command[0] == "export":
        with open(out, encoding="utf-8-sig") as fh:
            assert sum(1 for _ in csv.reader(fh)) == n_large + 1


class _Control:
    """What a worker gets (ui.tasks.TaskControl), without the signals."""

    cancelled = False

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        pass


def test_history_export_memory_does_not_grow_with_rows(networks, tmp_path):
    """History ▸ Export CSV on its worker's function: five times the reads, the same peak (it held a dict per
    read before)."""
    from sponsortrack.store.reads import ReadFilter
    from sponsortrack.ui.pages import history_export as hx

    filters = hx.filter_kwargs(ReadFilter())  # the History's "all": every read
    out = str(tmp_path / "history.csv")
    written: dict[str, int] = {}

    def export(name: str, key: int) -> None:
        written[name] = hx.export_task(_Control(), networks[key], filters, out)[1]

    export("warm-up", 52)  # imports, the store's first open
    peaks = {}
    for name, key in (("small", 52), ("large", 260)):
        peaks[name] = _peak(lambda n=name, k=key: export(n, k))
    counts = {n: sqlite3.connect(networks[k]).execute("SELECT count(*) FROM ad_reads").fetchone()[0]
              for n, k in (("small", 52), ("large", 260))}
    assert written["small"] == counts["small"] and written["large"] == counts["large"] > 4.5 * counts["small"] > 1800
    assert peaks["large"] < 1.25 * peaks["small"] + 256 * 1024, peaks


def test_streamed_export_is_the_rows_of_read_rows(demo_store, tmp_path):
    from sponsortrack.services import export

    path, n = export.stream_csv(export.read_records(demo_store), export.READ_COLUMNS, tmp_path / "a.csv")
    expected = export.write_csv(export.read_rows(demo_store), export.READ_COLUMNS, tmp_path / "b.csv")
    assert n == len(export.read_rows(demo_store)) > 0
    assert path.read_bytes() == expected.read_bytes() == ("\ufeff" + export.csv_text(
        export.read_rows(demo_store), export.READ_COLUMNS)).encode("utf-8")


def test_export_failing_midway_leaves_the_file_as_it_was(demo_store, tmp_path):
    from sponsortrack.services import export

    target = tmp_path / "reads.csv"
    target.write_text("old")

    def rows():
        yield from list(export.read_records(demo_store))[:3]
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        export.stream_csv(rows(), export.READ_COLUMNS, target)
    assert target.read_text() == "old" and not list(tmp_path.glob("*.partial"))


def test_reconciliation_per_sponsor_reads_only_that_sponsor_and_finds_the_same(demo_store, monkeypatch):
    """The POP's reconciliation reads the sponsor's reads and the episodes that can hold its exceptions,
    and finds exactly what reconciling the whole network's month and keeping the sponsor's found."""
    from sponsortrack.services import reconcile as isvc
    from sponsortrack.store import imports as istore

    sponsors = [r["id"] for r in demo_store.query("SELECT id FROM sponsors ORDER BY id")]
    months = ("2019-09", "2019-10", "2019-11", "2019-12")
    per_sponsor = {(m, s): isvc.reconcile(demo_store, month=m, sponsor_id=s).to_dict()
                   for m in months for s in sponsors}
    assert any(d["exceptions"] for d in per_sponsor.values())
    seen: list[int | None] = []
    real_eps, real_reads = istore.reconciliation_episodes, istore.reconciliation_reads
    monkeypatch.setattr(istore, "reconciliation_episodes",  # the whole network's month, as before
                        lambda store, lo, hi, show_id=None, sponsor_id=None: real_eps(store, lo, hi, show_id))
    monkeypatch.setattr(istore, "reconciliation_reads",
                        lambda store, ids, sponsor_id=None: seen.append(sponsor_id) or real_reads(store, ids))
    for (m, s), d in per_sponsor.items():
        assert isvc.reconcile(demo_store, month=m, sponsor_id=s).to_dict() == d, (m, s)
    assert seen and all(s is not None for s in seen)  # the per-sponsor path asked for one sponsor's reads
    one = real_reads(demo_store, [e["id"] for e in real_eps(demo_store, "2019-10-01", "2019-10-31")], sponsors[0])
    assert one and {r["sponsor_id"] for r in one} == {sponsors[0]}


@pytest.mark.parametrize("today", ["2019-06-01", "2019-10-15", "2019-12-31", "2030-01-01"])
def test_current_campaigns_in_sql_are_the_page_filter_of_every_campaign(demo_store, today):
    """The Campaigns page's "Running and upcoming" list, now asked of SQLite, is what filtering every
    campaign in Python gave."""
    every = camp.list_campaigns(demo_store)
    expected = [k for k in every if k.end_date >= today and k.status in ("draft", "active", "paused")]
    assert [k.id for k in camp.current_campaigns(demo_store, today)] == [k.id for k in expected]


def test_a_pages_budget_comes_from_the_environment_when_set(monkeypatch):
    from sponsortrack.services.budget import BUDGET_ENV, gui_budget

    monkeypatch.delenv(BUDGET_ENV, raising=False)
    assert gui_budget(0.04) == 0.04
    monkeypatch.setenv(BUDGET_ENV, "2.5")
    assert gui_budget(0.04) == 2.5
    monkeypatch.setenv(BUDGET_ENV, "soon")
    assert gui_budget(0.04) == 0.04
