"""The unbilled counters (m009, ``store/unbilled.py``): kept right by triggers through every change, and the
one "billed" rule (a read is billed while its invoice is issued or paid; a draft bills nothing yet)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from sponsortrack.errors import SponsortrackError
from sponsortrack.pricing import BILLED_INVOICE_STATUSES, DELIVERED_STATUSES
from sponsortrack.services import catalog as cat
from sponsortrack.services import dashboard as dash
from sponsortrack.services import invoicing as inv
from sponsortrack.services import reads as rsvc
from sponsortrack.services import reporting
from sponsortrack.store import unbilled

COLUMNS = "sponsor_id, month, reads, first_air, last_air"


def kept(store) -> list[tuple]:
    return store.conn.execute(f"SELECT {COLUMNS} FROM unbilled_months ORDER BY 1, 2").fetchall()


def from_scratch(store) -> list[tuple]:
    """The same figures from a plain GROUP BY over the reads."""
    return store.conn.execute(f"SELECT {COLUMNS} FROM ({unbilled.from_scratch_sql()}) ORDER BY 1, 2").fetchall()


def from_the_reads(store) -> list[tuple]:
    """The same figures in Python from the reads the lists show (no SQL of the counters at all)."""
    groups: dict[tuple[int, str], list[str | None]] = defaultdict(list)
    for r in rsvc.list_reads(store):
        if r.status in DELIVERED_STATUSES and r.invoice_status not in BILLED_INVOICE_STATUSES:
            groups[(r.sponsor_id, (r.air_date or "")[:7])].append(r.air_date)
    out = []
    for (sponsor_id, month), days in sorted(groups.items()):
        dated = [d for d in days if d]
        out.append((sponsor_id, month, len(days), min(dated, default=None), max(dated, default=None)))
    return out


def _random_change(store, rng: random.Random, months: list[str]) -> str:
    reads = rsvc.list_reads(store)
    episodes = cat.list_episodes(store)
    sponsors = cat.list_sponsors(store)
    invoices = inv.list_invoices(store)
    what = rng.choice(["log", "log", "edit", "move", "delete", "draft", "draft", "issue", "issue", "void",
                       "paid", "credit", "delete_draft", "episode_date", "episode_undated"])
    if what == "log":
        ep = rng.choice(episodes)
        rsvc.log_read(store, ep.id, sponsor=rng.choice(sponsors).id, placement=rng.choice(["pre", "mid", "post"]),
                      status=rng.choice(["recorded", "aired", "verified", "flagged", "planned"]))
    elif what == "edit" and reads:
        r = rng.choice(reads)
        change = rng.choice([{"status": rng.choice(["recorded", "aired", "verified", "flagged"])},
                             {"sponsor": rng.choice(sponsors).id, "campaign": None},
                             {"notes": "checked"}, {"placement": rng.choice(["pre", "mid", "post"])}])
        rsvc.edit_read(store, r.id, **change)
    elif what == "move" and reads:
        r = rng.choice(reads)
        rsvc.delete_reads(store, [r.id])  # a read moved to another episode: deleted here, logged there
        rsvc.log_read(store, rng.choice(episodes).id, sponsor=r.sponsor_id, placement=r.placement,
                      status=r.status)
    elif what == "delete" and reads:
        rsvc.delete_reads(store, [r.id for r in rng.sample(reads, min(len(reads), rng.randint(1, 3)))])
    elif what == "draft":
        inv.create_drafts(store, rng.choice(sponsors).id, rng.choice(months))
    elif what == "issue" and (drafts := [i for i in invoices if i.status == "draft"]):
        inv.issue_invoice(store, rng.choice(drafts).id, issue_date="2020-01-15")
    elif what == "void" and (issued := [i for i in invoices if i.status == "issued"]):
        inv.void_invoice(store, rng.choice(issued).id, "test")
    elif what == "paid" and (issued := [i for i in invoices if i.status == "issued" and i.kind == "invoice"]):
        inv.mark_paid(store, rng.choice(issued).id, "2020-02-01")
    elif what == "credit" and (billed := [i for i in invoices if i.kind == "invoice"
                                          and i.status in BILLED_INVOICE_STATUSES]):
        note = inv.create_credit_note(store, rng.choice(billed).id, reason="wrong")
        inv.issue_invoice(store, note.id, issue_date="2020-01-20")
    elif what == "delete_draft" and (drafts := [i for i in invoices if i.status == "draft"]):
        inv.delete_draft(store, rng.choice(drafts).id)
    elif what == "episode_date":
        ep = rng.choice(episodes)
        day = f"{rng.choice(months)}-{rng.randint(1, 28):02d}"
        cat.edit_episode(store, ep.id, **{rng.choice(["published_on", "recorded_on"]): day})
    elif what == "episode_undated":
        ep = rng.choice(episodes)
        cat.edit_episode(store, ep.id, published_on=None, recorded_on=None)
    return what


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counters_equal_a_group_by_after_random_logs_edits_invoices_and_voids(demo_store, seed):
    store = demo_store
    rng = random.Random(seed)
    months = sorted({(r.air_date or "")[:7] for r in rsvc.list_reads(store) if r.air_date})
    assert kept(store) == from_scratch(store) == from_the_reads(store) != []  # the demo's load recounted
    done: dict[str, int] = defaultdict(int)
    for _ in range(70):
        try:
            done[_random_change(store, rng, months)] += 1
        except SponsortrackError:
            done["refused"] += 1  # a billed read refuses an edit, a draft without lines will not issue...
        assert kept(store) == from_scratch(store)
    assert kept(store) == from_the_reads(store)
    assert done["issue"] and done["draft"] and done["log"], dict(done)


def test_a_draft_is_not_billed_the_dashboard_counts_its_reads_until_it_is_issued(demo_store):
    from sponsortrack.ui.pages.dashboard import compute

    def not_invoiced() -> dict[str, int]:
        return {u["sponsor_name"]: u["reads"] for u in compute(None, None, demo_store)["unbilled"]}

    before = not_invoiced()
    draft = inv.create_drafts(demo_store, "DigitalOcean", "2019-11").invoices[0]
    on_it = len([ln for ln in draft.lines if ln.read_id])
    assert on_it > 0
    assert not_invoiced() == before      # a draft claims its reads but bills nothing yet
    inv.issue_invoice(demo_store, draft.id, issue_date="2019-12-02")
    after = not_invoiced()
    assert after.get("DigitalOcean", 0) == before["DigitalOcean"] - on_it
    # the network summary's "unbilled earlier" follows the same rule
    summary = reporting.network_summary_data(demo_store, "2019-12")
    earlier = {r["sponsor_name"]: r["reads"] for r in summary.unbilled_earlier}
    assert earlier.get("DigitalOcean", 0) == after.get("DigitalOcean", 0) - sum(
        1 for r in rsvc.list_reads(demo_store, sponsor="DigitalOcean", month="2019-12")
        if r.status in DELIVERED_STATUSES and r.invoice_status not in BILLED_INVOICE_STATUSES)


def test_unbilled_before_a_day_inside_a_month_counts_only_the_days_before_it(demo_store):
    from sponsortrack.store import invoices as istore

    reads = [r for r in rsvc.list_reads(demo_store) if r.status in DELIVERED_STATUSES and r.air_date]
    days = sorted({r.air_date for r in reads if r.air_date[8:] != "01"})
    cut = days[len(days) // 2]
    want: dict[str, int] = defaultdict(int)
    for r in reads:
        if r.air_date < cut:
            want[r.sponsor_name] += 1
    assert {r["sponsor_name"]: r["reads"] for r in istore.unbilled_before(demo_store, cut)} == want
    first = {r["sponsor_name"]: r["first_air"] for r in istore.unbilled_before(demo_store, cut)}
    assert first == {name: min(r.air_date for r in reads if r.sponsor_name == name and r.air_date < cut)
                     for name in want}


def test_the_summary_matches_the_reads_with_first_and_last_dates(demo_store):
    rows = dash.unbilled_summary(demo_store)
    reads = [r for r in rsvc.list_reads(demo_store) if r.status in DELIVERED_STATUSES
             and r.invoice_status not in BILLED_INVOICE_STATUSES]
    assert sum(u["reads"] for u in rows) == len(reads)
    top = rows[0]
    mine = [r.air_date for r in reads if r.sponsor_id == top["sponsor_id"]]
    assert (top["reads"], top["first"], top["last"]) == (len(mine), min(mine), max(mine))
    assert [u["reads"] for u in rows] == sorted((u["reads"] for u in rows), reverse=True)
