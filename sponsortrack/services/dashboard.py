"""Figures for the dashboard and summaries: reads per sponsor per month, revenue per month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sponsortrack.pricing import read_amount
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store import reads as rstore


def last_months(n: int, today: dt.date | None = None) -> list[str]:
    today = today or dt.date.today()
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def unbilled_summary(store: Store) -> list[dict]:
    """Delivered reads not billed yet (on no invoice, or on a draft: a read is billed once its invoice is
    issued), per sponsor, most first: ``{sponsor_id, sponsor_name, reads, first, last}``."""
    return istore.unbilled_summary(store)


@dataclass
class MonthlyFigures:
    months: list[str]
    reads_by_sponsor: dict[str, list[int]] = field(default_factory=dict)   # sponsor -> count per month
    revenue_by_currency: dict[str, list[int]] = field(default_factory=dict)  # currency -> minor per month
    unpriced_reads: int = 0


def monthly_figures(store: Store, months: int = 12, today: dt.date | None = None) -> MonthlyFigures:
    """Figures for the ``months`` months ending at ``today`` (default: this month, or the month of the
    latest logged read when the history ends earlier, so an archive still shows its last year)."""
    if today is None:
        today = dt.date.today()
        latest = rstore.latest_air_date(store)
        if latest and latest[:7] < today.isoformat()[:7]:
            today = dt.date.fromisoformat(latest)
    ms = last_months(months, today)
    index = {m: i for i, m in enumerate(ms)}
    first = ms[0] + "-01"
    last_y, last_m = (int(x) for x in ms[-1].split("-"))
    nxt = dt.date(last_y + (last_m == 12), last_m % 12 + 1, 1)
    last = (nxt - dt.timedelta(days=1)).isoformat()
    out = MonthlyFigures(months=ms)
    for row in rstore.reads_per_sponsor_month(store, first, last):
        series = out.reads_by_sponsor.setdefault(row["sponsor_name"], [0] * len(ms))
        series[index[row["month"]]] += row["reads"]
    revenue: dict[str, list[int]] = defaultdict(lambda: [0] * len(ms))
    for g in rstore.price_groups(store, first, last):
        price = read_amount(g["pricing"], g["rate_minor"], g["units"], status=g["status"],
                            make_good=bool(g["make_good"]), override_minor=g["price_override_minor"],
                            first_in_episode=bool(g["first_in_episode"])) \
            if g["billed_amount_minor"] is None else g["billed_amount_minor"]
        if price is None:
            out.unpriced_reads += g["reads"]
            continue
        revenue[g["currency"] or "USD"][index[g["month"]]] += price * g["reads"]
    out.revenue_by_currency = dict(revenue)
    return out
