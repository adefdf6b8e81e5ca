"""The monthly network summary for the producer: revenue by sponsor and by show, pacing of every
running campaign, reads delivered but not invoiced, overdue invoices; with charts."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table

from sponsortrack.money import format_money
from sponsortrack.reports.charts import horizontal_bars, progress_bar
from sponsortrack.reports.common import long_date, month_title
from sponsortrack.reports.data import RevenueRow, SummaryData
from sponsortrack.reports.render import MARGIN, DocSpec, footer_text, page_size_for, render_bytes
from sponsortrack.reports.styles import grid_style, styles
from sponsortrack.reports.text import Markup, bold, esc, join, para


def main_currency(data: SummaryData) -> str:
    if not data.totals:
        return "USD"
    return max(data.totals.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _money_fmt(currency: str):
    def fmt(minor: int) -> str:
        text = format_money(minor, currency)
        return text[:-3] if text.endswith((".00",)) else text
    return fmt


def revenue_rows(rows: list[RevenueRow], first: str) -> list[list]:
    """One row per name: a show or sponsor billed in two currencies shows both values in its one row."""
    st = styles()
    out: list[list] = [[para(first, st.head), para("Reads", st.head_right),
                        para("Value (gross)", st.head_right)]]
    merged: dict[str, list[RevenueRow]] = {}
    for r in rows:
        merged.setdefault(r.name, []).append(r)
    for name, group in merged.items():
        values = []
        for r in group:
            value = format_money(r.amount_minor, r.currency)
            if r.unpriced:
                value += f" (+{r.unpriced} not priced)"
            values.append(value)
        out.append([para(name, st.cell), f"{sum(r.reads for r in group):,}", para(join(values), st.cell_right)])
    return out


def _table(rows: list[list], widths_mm: list[float], width: float, right: tuple[int, ...]) -> Table:
    scale = width / (sum(widths_mm) * mm)
    t = Table(rows, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1)
    t.setStyle(grid_style(right_cols=right))
    return t


def build_story(data: SummaryData) -> list:
    st = styles()
    cur = main_currency(data)
    width = page_size_for(cur)[0] - 2 * MARGIN
    fmt = _money_fmt(cur)
    story: list = [
        para(f"Network summary · {month_title(data.month)}", st.h1),
        para([esc(data.seller.get("name") or ""), Markup(" · prepared on "), esc(long_date(data.prepared_on))],
             st.muted),
        Spacer(1, 4 * mm),
    ]
    totals = ", ".join(format_money(a, c) for c, a in sorted(data.totals.items())) or format_money(0, cur)
    unbilled = sum(r.reads for r in data.unbilled)
    unbilled_value = ", ".join(f"{format_money(sum(r.amount_minor for r in data.unbilled if r.currency == c), c)}"
                               for c in sorted({r.currency for r in data.unbilled})) or format_money(0, cur)
    def due(i) -> int:
        b = data.balances.get(i.id)
        return b.due_minor if b is not None else i.total_minor

    overdue_value = ", ".join(
        format_money(sum(due(i) for i in data.overdue if i.currency == c), c)
        for c in sorted({i.currency for i in data.overdue}))
    receivable_value = ", ".join(
        format_money(sum(due(i) for i in data.receivables if i.currency == c), c)
        for c in sorted({i.currency for i in data.receivables})) or format_money(0, cur)
    kpis = [("Delivered value", totals), ("Reads delivered", f"{data.reads_total:,}"),
            ("Flagged reads", f"{data.flagged:,}"), ("Not yet invoiced",
             f"{unbilled:,} {'read' if unbilled == 1 else 'reads'} · {unbilled_value}"),
            ("Receivables", receivable_value),
            ("Overdue invoices", f"{len(data.overdue)}" + (f" · {overdue_value}" if overdue_value else ""))]
    # two rows of three, so a value such as "12 reads · $14,400.00" never wraps inside its cell
    cells = []
    for row in (kpis[:3], kpis[3:]):
        cells += [[para(Markup(str(esc(k.upper()))), st.label) for k, _ in row],
                  [para(bold(v), st.body) for _, v in row]]
    kt = Table(cells, colWidths=[width / 3] * 3)
    kt.setStyle(grid_style(zebra=False))
    story += [kt, Spacer(1, 6 * mm)]

    story.append(para("Revenue by sponsor", st.h2))
    story.append(para("Delivered value at the booked rates, gross: before any agency commission.", st.muted))
    if data.by_sponsor:
        main = [r for r in data.by_sponsor if r.currency == cur][:12]
        story.append(horizontal_bars([r.name for r in main], [r.amount_minor for r in main], width=width, fmt=fmt,
                                     title=f"Delivered value by sponsor ({cur})"
                                     + (", top 12" if len(data.by_sponsor) > 12 else "")))
        story += [Spacer(1, 2 * mm), _table(revenue_rows(data.by_sponsor, "Sponsor"), [110, 25, 45], width, (1, 2))]
    else:
        story.append(para("Nothing was delivered this month.", st.body))

    story += [CondPageBreak(60 * mm), para("Revenue by show", st.h2),
              para("Gross, before agency commission; one row per show, every currency in it.", st.muted)]
    if data.by_show:
        main = [r for r in data.by_show if r.currency == cur][:12]
        story.append(horizontal_bars([r.name for r in main], [r.amount_minor for r in main], width=width, fmt=fmt,
                                     title=f"Delivered value by show ({cur})"))
        story += [Spacer(1, 2 * mm), _table(revenue_rows(data.by_show, "Show"), [110, 25, 45], width, (1, 2))]
    else:
        story.append(para("Nothing was delivered this month.", st.body))

    story += [CondPageBreak(50 * mm), para("Pacing of running campaigns", st.h2),
              para(f"Delivered against booked, to {long_date(data.period_end)}. The bar is the delivered share; "
                   f"the tick is how much of the flight has passed.", st.muted), Spacer(1, 2 * mm)]
    if data.pacing:
        rows: list[list] = [[para(h, st.head_right if i == 4 else st.head)
                             for i, h in enumerate(("Sponsor · campaign", "Flight", "Delivered / booked", "Pacing",
                                                    "Make-goods owed"))]]
        for p in data.pacing:
            frac = p.delivered_fraction
            if p.pricing == "cpm":
                booked = f"{p.delivered_impressions:,} / {p.booked_impressions:,} impr." if p.booked_impressions \
                    else f"{p.delivered_impressions:,} impr."
            else:
                booked = f"{p.delivered_reads:,} / {p.booked_reads:,} reads" if p.booked_reads \
                    else f"{p.delivered_reads:,} reads"
            pct = "" if frac is None else f" {100 * frac:.0f} %" + (" · behind" if p.behind else "")
            rows.append([para([bold(p.sponsor_name), Markup("<br/>"), esc(p.campaign_name)], st.cell),
                         f"{p.start_date} – {p.end_date}", booked + pct,
                         progress_bar(frac, p.elapsed_fraction, width=62), str(p.make_goods_owed or "")])
        story.append(_table(rows, [52, 36, 46, 26, 20], width, (4,)))
    else:
        story.append(para("No campaign is running.", st.body))

    story += [CondPageBreak(40 * mm), para("Delivered but not yet invoiced", st.h2)]
    if data.unbilled:
        story.append(_table(revenue_rows(data.unbilled, "Sponsor"), [110, 25, 45], width, (1, 2)))
    else:
        story.append(para(f"Every read delivered in {month_title(data.month)} is on an invoice.", st.body))
    if data.unbilled_earlier:
        n = sum(r["reads"] for r in data.unbilled_earlier)
        names = ", ".join(f"{r['sponsor_name']} ({r['reads']})" for r in data.unbilled_earlier[:8])
        more = "" if len(data.unbilled_earlier) <= 8 else f" and {len(data.unbilled_earlier) - 8} more"
        story += [Spacer(1, 2 * mm),
                  para(f"Before {month_title(data.month)}: {n:,} delivered reads are on no invoice: {names}{more}.",
                       st.muted)]

    end = long_date(data.period_end)
    story += [CondPageBreak(40 * mm), para("Overdue invoices", st.h2),
              para(f"Balances due on {end} (payments and credit notes up to that day); days late counted to it.",
                   st.muted), Spacer(1, 1 * mm)]
    if data.overdue:
        rows = [[para(h, st.head_right if i >= 4 else st.head)
                 for i, h in enumerate(("Invoice", "Bill to", "Issued", "Due", "Days late", "Total", "Balance due"))]]
        for inv in data.overdue:
            late = (dt.date.fromisoformat(data.period_end) - dt.date.fromisoformat(inv.due_date or data.period_end))
            rows.append([inv.number or "", para(inv.bill_to_name, st.cell), inv.issue_date or "", inv.due_date or "",
                         str(late.days), format_money(inv.total_minor, inv.currency),
                         format_money(due(inv), inv.currency)])
        story.append(_table(rows, [22, 52, 20, 20, 15, 26, 26], width, (4, 5, 6)))
    else:
        story.append(para(f"No invoice was overdue on {end}.", st.body))

    if data.invoiced:
        rows = [[para(h, st.head_right if i == 5 else st.head)
                 for i, h in enumerate(("Number", "Kind", "Bill to", "Issued", "Status", "Total"))]]
        for inv in data.invoiced:
            rows.append([inv.number or "", "credit note" if inv.kind == "credit_note" else "invoice",
                         para(inv.bill_to_name, st.cell), inv.issue_date or "",
                         "void (not payable)" if inv.status == "void" else inv.status,
                         format_money(inv.total_minor, inv.currency)])
        story += [KeepTogether([para(f"Issued in {month_title(data.month)}", st.h2),
                                para("Every number of the month, void ones included, so the series reads "
                                     "without gaps.", st.muted), Spacer(1, 1 * mm),
                                _table(rows, [25, 22, 60, 22, 23, 30], width, (5,))])]
    return story


def doc_spec(data: SummaryData) -> DocSpec:
    seller = data.seller.get("name") or ""
    title = f"Network summary, {month_title(data.month)}"
    return DocSpec(story=build_story(data), title=title, author=seller,
                   subject=f"Revenue, pacing, unbilled reads and overdue invoices for {month_title(data.month)}",
                   keywords=f"network summary, {data.month}",
                   footer=footer_text(seller, title), pagesize=page_size_for(main_currency(data)))


def summary_pdf_bytes(data: SummaryData) -> bytes:
    return render_bytes(doc_spec(data))
