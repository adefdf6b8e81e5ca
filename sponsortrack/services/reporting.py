"""The data behind the monthly proof of performance (per sponsor) and the network summary.

Plain Python, no Qt, no reportlab: the documents in :mod:`sponsortrack.reports` turn these into PDFs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.pricing import BILLED_INVOICE_STATUSES, DELIVERED_STATUSES
from sponsortrack.reports.data import (
    CampaignDelivery,
    LinkHealth,
    PopData,
    RevenueRow,
    SummaryData,
    WeekBar,
)
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import payments as psvc
from sponsortrack.services import settings as ssvc
from sponsortrack.services.reconcile import reconcile_for_pop
from sponsortrack.store import Store, campaigns
from sponsortrack.store import invoices as istore
from sponsortrack.store import links as lstore
from sponsortrack.store import payments as pstore
from sponsortrack.store import proof as pstore_proof
from sponsortrack.store import reads as rstore
from sponsortrack.store.models import ReadRow, Sponsor
from sponsortrack.store.reads import ReadFilter


def _today(today: dt.date | str | None) -> str:
    if today is None:
        return dt.date.today().isoformat()
    return today if isinstance(today, str) else today.isoformat()


def _weeks(start: str, end: str) -> list[WeekBar]:
    first = dt.date.fromisoformat(start)
    last = dt.date.fromisoformat(end)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        # the label is the week's Monday, as the chart title says, even where it falls in the month before
        out.append(WeekBar(start=monday.isoformat(), label=f"{monday.day} {monday.strftime('%b')}"))
        monday += dt.timedelta(days=7)
    return out


def _week_index(weeks: list[WeekBar], day: str) -> int:
    d = dt.date.fromisoformat(day)
    monday = (d - dt.timedelta(days=d.weekday())).isoformat()
    for i, w in enumerate(weeks):
        if w.start == monday:
            return i
    return len(weeks) - 1


def pop_data(store: Store, sponsor: str | int | Sponsor, month: str, *,
             today: dt.date | str | None = None) -> PopData:
    """What aired for a sponsor in a month, against its insertion orders, with link health."""
    sp = sponsor if isinstance(sponsor, Sponsor) else cat.resolve_sponsor(store, sponsor)
    month = v.parse_month(month)
    start, end = v.month_bounds(month)
    reads = rstore.list_reads(store, ReadFilter(sponsor_id=sp.id, date_from=start, date_to=end),
                              sort="air_date", descending=False)
    running = [c for c in campaigns.list_campaigns(store, sponsor_id=sp.id)
               if c.start_date <= end and c.end_date >= start and c.status not in ("draft", "cancelled")]
    ids = sorted({c.id for c in running} | {r.campaign_id for r in reads if r.campaign_id})
    if not reads and not running:
        raise ValidationError("month", f"{sp.name} has no reads and no running campaign in {month}")
    by_id = {c.id: c for c in campaigns.list_campaigns(store, sponsor_id=sp.id)}
    to_date = istore.sponsor_delivery(store, sp.id, ids, end)
    lines = []
    amounts: dict[str, int] = defaultdict(int)
    for cid in ids:
        c = by_id[cid]
        mine = [r for r in reads if r.campaign_id == cid and r.status in DELIVERED_STATUSES]
        priced = [r.price_minor for r in mine]
        amount = sum(p for p in priced if p is not None)
        for r in mine:  # a billed read counts in its invoice's currency, the others in the campaign's
            if r.price_minor is not None:
                amounts[r.currency or c.currency] += r.price_minor
        d = to_date[cid]
        lines.append(CampaignDelivery(
            campaign=c, month_reads=len(mine), month_impressions=sum(r.units or 0 for r in mine),
            to_date_reads=d["delivered_reads"], to_date_impressions=d["delivered_units"],
            make_goods_owed=d["make_goods_owed"], make_goods_delivered=d["make_goods_delivered"],
            month_amount_minor=amount, unpriced_reads=sum(1 for x in priced if x is None)))
    for r in reads:
        if r.campaign_id is None and r.status in DELIVERED_STATUSES and r.price_minor is not None:
            amounts[r.currency or "USD"] += r.price_minor
    weeks = _weeks(start, end)
    for r in reads:
        if r.status in DELIVERED_STATUSES and r.air_date:
            w = weeks[_week_index(weeks, r.air_date)]
            w.reads += 1
            w.impressions += (r.units or 0) if r.pricing == "cpm" else 0
    url_reads: dict[str, int] = defaultdict(int)
    for r in reads:
        if r.promo_url:
            url_reads[r.promo_url] += 1
    checks = lstore.latest_checks(store, sorted(url_reads))
    links = []
    for url in sorted(url_reads):
        chk = checks.get(url)
        links.append(LinkHealth(url=url, reads=url_reads[url]) if chk is None else LinkHealth(
            url=url, reads=url_reads[url], checked_at=chk.checked_at, verdict=chk.verdict,
            status_code=chk.status_code, final_url=chk.final_url, explanation=chk.explanation))
    agencies = sorted({c.campaign.agency_name for c in lines if c.campaign.agency_name})
    exceptions = reconcile_for_pop(store, sp.id, month)
    seller = ssvc.get_settings(store)
    cpm = [r.id for r in reads if r.pricing == "cpm" and r.status in DELIVERED_STATUSES]
    missing = [r.id for r in reads if r.status not in DELIVERED_STATUSES]
    mg_ids = pstore_proof.make_goods_of(store, missing)
    make_goods = {orig: mg for orig, mid in mg_ids.items() if (mg := rstore.get_read_row(store, mid)) is not None}
    from sponsortrack.services.invoicing import seller_snapshot

    logo = seller_snapshot(store).get("logo")
    return PopData(sponsor=sp, month=month, period_start=start, period_end=end, prepared_on=_today(today),
                   seller={"name": seller.get("seller_name"), "address": seller.get("seller_address"),
                           "email": seller.get("seller_email")},
                   agencies=agencies, campaigns=lines, reads=reads, weeks=weeks, links=links,
                   link_checks_exist=bool(checks) or lstore.count_checks(store) > 0, amounts=dict(amounts),
                   exceptions=exceptions,
                   episode_links=pstore_proof.episode_links(store, sorted({r.episode_id for r in reads})),
                   snapshots=istore.snapshot_days(store, cpm), make_goods=make_goods, logo=logo)


# -- network summary -----------------------------------------------------------------------------


def _revenue(rows: list[ReadRow], key) -> list[RevenueRow]:
    acc: dict[tuple[str, str], RevenueRow] = {}
    for r in rows:
        k = (key(r), r.currency or "USD")
        row = acc.setdefault(k, RevenueRow(name=k[0], currency=k[1], reads=0, amount_minor=0))
        row.reads += 1
        price = r.price_minor
        if price is None:
            row.unpriced += 1
        else:
            row.amount_minor += price
    return sorted(acc.values(), key=lambda x: (-x.amount_minor, x.name.lower()))


def network_summary_data(store: Store, month: str, *, today: dt.date | str | None = None) -> SummaryData:
    month = v.parse_month(month)
    start, end = v.month_bounds(month)
    prepared = _today(today)
    reads = rstore.list_reads(store, ReadFilter(date_from=start, date_to=end), sort="air_date", descending=False)
    delivered = [r for r in reads if r.status in DELIVERED_STATUSES]
    totals: dict[str, int] = defaultdict(int)
    for r in delivered:
        if r.price_minor is not None:
            totals[r.currency or "USD"] += r.price_minor
    pacing = camp.pacing(store, as_of=end, only_running=True, since=start)
    seller = ssvc.get_settings(store)
    # receivables and overdue as of the period end: balances on that day, days late counted to it
    open_then = pstore.receivable_as_of(store, end)
    bals = psvc.balances(store, open_then, as_of=end)
    receivables = [i for i in open_then if bals[i.id].due_minor > 0]
    overdue = [i for i in receivables if i.due_date and i.due_date < end]
    return SummaryData(
        month=month, period_start=start, period_end=end, prepared_on=prepared,
        seller={"name": seller.get("seller_name"), "address": seller.get("seller_address")},
        by_sponsor=_revenue(delivered, lambda r: r.sponsor_name),
        by_show=_revenue(delivered, lambda r: r.show_name),
        pacing=pacing,
        unbilled=_revenue([r for r in delivered if r.invoice_status not in BILLED_INVOICE_STATUSES],
                          lambda r: r.sponsor_name),
        unbilled_earlier=istore.unbilled_before(store, start),
        overdue=overdue, invoiced=pstore.numbered_in_period(store, start, end),
        totals=dict(totals), reads_total=len(delivered), flagged=sum(1 for r in reads if r.status == "flagged"),
        receivables=receivables, balances={i.id: bals[i.id] for i in receivables},
    )


# -- the monthly PDF ------------------------------------------------------------------------------


@dataclass
class WrittenReport:
    """What :func:`write_monthly_pdf` wrote: the file, and what it is (for the faces' messages)."""

    path: Path
    month: str
    sponsor: str | None = None          # the proof of performance's sponsor; None: the network summary
    reads: int | None = None            # the reads a proof of performance lists


def write_monthly_pdf(store: Store, month: str, path: str | os.PathLike[str], *, sponsor: str | int | None = None,
                      progress: Callable[[int, int, str], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> WrittenReport | None:
    """A sponsor's proof of performance for the month, or without ``sponsor`` the network summary: gather,
    render, write atomically (never over the open database). The one call behind ``report monthly`` and
    the Reports page. ``progress(done, total, text)`` is told between the steps; ``cancelled()`` is asked
    before rendering (None: it was)."""
    from sponsortrack.outputs import write_atomic

    step = progress or (lambda *_: None)
    step(0, 3, "Gathering the month's reads")
    if sponsor is None:
        summary = network_summary_data(store, month)
        if cancelled is not None and cancelled():
            return None
        from sponsortrack.reports.summary import summary_pdf_bytes

        step(1, 3, "Laying out the PDF")
        written = WrittenReport(path=write_atomic(summary_pdf_bytes(summary), path), month=summary.month)
    else:
        pop = pop_data(store, sponsor, month)
        if cancelled is not None and cancelled():
            return None
        from sponsortrack.reports.pop import pop_pdf_bytes

        step(1, 3, "Laying out the PDF")
        written = WrittenReport(path=write_atomic(pop_pdf_bytes(pop), path), month=pop.month,
                                sponsor=pop.sponsor.name, reads=len(pop.reads))
    step(3, 3, "Done")
    return written
