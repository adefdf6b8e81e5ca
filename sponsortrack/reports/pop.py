"""The monthly proof of performance for one sponsor: cover, delivery against the IO, weekly chart,
airing log, promo-link health, attestation. A pure function from ``PopData`` to flowables."""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer, Table

from sponsortrack.money import format_money
from sponsortrack.reports.charts import vertical_bars
from sponsortrack.reports.common import kv_table, long_date, month_title
from sponsortrack.reports.render import MARGIN, DocSpec, page_size_for, render, render_bytes
from sponsortrack.reports.styles import BAD, GOOD, MUTED, WARN, grid_style, layout_style, styles
from sponsortrack.reports.text import Markup, bold, esc, join, para
from sponsortrack.services.imports import RECON_KINDS
from sponsortrack.services.invoicing import PLACEMENT_LABELS, short_url
from sponsortrack.services.reporting import PopData
from sponsortrack.validation import format_duration

LOG_HEADERS = ["Aired", "Show", "Ep.", "Spot", "Type", "Start", "Length", "Promo URL", "Code", "Status"]
LOG_WIDTHS_MM = [17, 26, 8, 16, 15, 11, 13, 31, 24, 22]
FINE = {"ok", "redirected"}


def _currency(data: PopData) -> str:
    return data.campaigns[0].campaign.currency if data.campaigns else "USD"


def cover(data: PopData, width: float) -> list:
    st = styles()
    ios = [join([c.campaign.name, c.campaign.io_number and f"IO {c.campaign.io_number}",
                 c.campaign.po_number and f"PO {c.campaign.po_number}"], Markup(" · ")) for c in data.campaigns]
    delivered = data.delivered
    shows = sorted({r.show_name for r in delivered})
    episodes = {r.episode_id for r in delivered}
    facts = [
        ("Advertiser", data.sponsor.name),
        ("Agency of record", ", ".join(data.agencies)),
        ("Insertion orders", join(ios) if ios else "none running this month"),
        ("Period", f"{month_title(data.month)} ({long_date(data.period_start)} – {long_date(data.period_end)})"),
        ("Prepared on", long_date(data.prepared_on)),
        ("Prepared by", join([data.seller.get("name"), data.seller.get("email")], Markup(" · "))),
    ]
    summary = f"{len(delivered)} read{'s' if len(delivered) != 1 else ''} aired in {len(episodes)} " \
              f"episode{'s' if len(episodes) != 1 else ''} of {', '.join(shows) or 'no show'}."
    if data.any_cpm:
        impressions = sum(c.month_impressions for c in data.campaigns if c.campaign.pricing == "cpm")
        summary += f" {impressions:,} impressions (downloads) counted."
    return [
        Spacer(1, 40 * mm),
        para("Proof of performance", st.cover_sub),
        para(data.sponsor.name, st.cover_title),
        para(month_title(data.month), st.cover_sub),
        Spacer(1, 14 * mm),
        kv_table(facts, (40 * mm, width - 40 * mm)),
        Spacer(1, 10 * mm),
        para(summary, st.body),
        PageBreak(),
    ]


def delivery_rows(data: PopData) -> list[list]:
    st = styles()
    head = ["Campaign · IO", "Pricing", "Booked", "This month", "To date", "Delivered", "Make-goods owed / aired",
            "Amount this month"]
    rows: list[list] = [[para(h, st.head_right if i >= 2 else st.head) for i, h in enumerate(head)]]
    for c in data.campaigns:
        camp = c.campaign
        pct = c.percent_delivered
        unit = "impr." if camp.pricing == "cpm" else "reads"
        pricing = {"flat": f"{format_money(camp.rate_minor, camp.currency)} per read",
                   "per_episode": f"{format_money(camp.rate_minor, camp.currency)} per episode",
                   "cpm": f"{format_money(camp.rate_minor, camp.currency)} CPM"}[camp.pricing]
        amount = format_money(c.month_amount_minor, camp.currency)
        if c.unpriced_reads:
            amount += f" (+{c.unpriced_reads} not priced yet)"
        rows.append([
            para([bold(camp.name), Markup("<br/>"), esc(join([camp.io_number and f"IO {camp.io_number}",
                                                              f"{long_date(camp.start_date)} – "
                                                              f"{long_date(camp.end_date)}"], " · "))], st.cell),
            para(pricing, st.cell),
            f"{c.booked:,} {unit}" if c.booked else "—",
            f"{c.delivered_month:,}",
            f"{c.delivered_to_date:,}",
            "—" if pct is None else f"{pct:.0f} %",
            f"{c.make_goods_owed} / {c.make_goods_delivered}",
            para(amount, st.cell_right),
        ])
    return rows


def log_rows(data: PopData) -> list[list]:
    st = styles()
    rows: list[list] = [[para(h, st.head) for h in LOG_HEADERS]]
    for r in data.reads:
        status: object = r.status
        if r.make_good_of:
            status = esc(r.status) + Markup('<br/><font size="6.5" color="#59636e">') + \
                f"make-good for read {r.make_good_of}" + Markup("</font>")
        rows.append([
            r.air_date or "", para(r.show_name, st.cell), "" if r.episode_number is None else str(r.episode_number),
            PLACEMENT_LABELS.get(r.placement, r.placement) + ("" if r.position == 1 else f" #{r.position}"),
            r.read_type, format_duration(r.start_seconds), format_duration(r.length_seconds),
            para(short_url(r.promo_url), st.cell), para(r.promo_code or "", st.cell), para(status, st.cell),
        ])
    return rows


def link_rows(data: PopData) -> list[list]:
    st = styles()
    rows: list[list] = [[para(h, st.head) for h in ("Promo URL", "Reads", "Last checked", "Verdict", "Lands on")]]
    for link in data.links:
        if link.verdict in (None, "unchecked"):  # an attempt made offline is no verdict
            verdict = Markup('<font color="#59636e">not checked yet</font>')
        else:
            warn = link.verdict in ("redirected", "suspect", "rate_limited", "blocked_by_bot_protection")
            color = GOOD if link.verdict in FINE else (WARN if warn else BAD)
            code = f" (HTTP {link.status_code})" if link.status_code else ""
            verdict = Markup(f'<font color="{color.hexval().replace("0x", "#")}">') + esc(
                link.verdict.replace("_", " ") + code) + Markup("</font>")
        rows.append([para(link.url, st.cell), str(link.reads), (link.checked_at or "")[:16].replace("T", " "),
                     para(verdict, st.cell), para(link.final_url or "", st.cell)])
    return rows


def exception_section(data: PopData, width: float) -> list:
    """Where the published show notes and the logged reads disagree, so the sponsor hears it from us."""
    if not data.reads:
        return []
    st = styles()
    out: list = [CondPageBreak(35 * mm), Spacer(1, 4 * mm), para("Show notes check", st.h1)]
    if not data.exceptions:
        out.append(para("The published show notes name this sponsor wherever a read was logged, with the "
                        "campaign's promo URL and code.", st.body))
        return out
    out += [para("Where the published show notes and the logged reads disagree; each is being corrected.",
                 st.muted), Spacer(1, 2 * mm)]
    rows = [[para("Episode", st.head), para("Aired", st.head), para("Finding", st.head)]]
    for e in data.exceptions:
        ep = f"{e['show_name']} #{e['episode_number']}" if e.get("episode_number") else e["show_name"]
        finding = RECON_KINDS.get(e["kind"], e["kind"])
        if e.get("in_notes") or e.get("expected"):
            finding += f" (notes: {e.get('in_notes') or '—'}; campaign: {e.get('expected') or '—'})"
        rows.append([para(ep, st.cell), para(e.get("air_date") or "", st.cell), para(finding, st.cell)])
    t = Table(rows, colWidths=[38 * mm, 22 * mm, width - 60 * mm], repeatRows=1)
    t.setStyle(grid_style())
    out.append(t)
    return out


def build_story(data: PopData) -> list:
    st = styles()
    cur = _currency(data)
    width = page_size_for(cur)[0] - 2 * MARGIN
    story = cover(data, width)

    story.append(para("Delivery against the insertion order", st.h1))
    if data.campaigns:
        widths = [46, 22, 22, 16, 17, 18, 21, 22]
        scale = width / (sum(widths) * mm)
        t = Table(delivery_rows(data), colWidths=[w * mm * scale for w in widths], repeatRows=1)
        t.setStyle(grid_style(right_cols=(2, 3, 4, 5, 6, 7)))
        story.append(t)
        totals = ", ".join(format_money(a, c) for c, a in sorted(data.amounts.items()))
        story += [Spacer(1, 2 * mm), para(f"Delivered value this month: {totals or format_money(0, cur)}.", st.muted)]
    else:
        story.append(para("No insertion order of this sponsor runs this month.", st.body))

    labels = [w.label for w in data.weeks]
    if data.any_cpm:   # two charts side by side: reads and impressions
        half = (width - 8 * mm) / 2
        pair = Table([[vertical_bars(labels, [[w.reads for w in data.weeks]], ["Reads"], width=half,
                                     height=52 * mm, title="Reads aired per week"),
                       vertical_bars(labels, [[w.impressions for w in data.weeks]], ["Impressions"], width=half,
                                     height=52 * mm, title="Impressions per week (downloads)")]],
                     colWidths=[half + 8 * mm, half])
        pair.setStyle(layout_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        chart = pair
    else:
        chart = vertical_bars(labels, [[w.reads for w in data.weeks]], ["Reads"], width=width, height=48 * mm,
                              title="Reads aired per week (weeks starting Monday)")
    story += [Spacer(1, 6 * mm), KeepTogether([chart]), Spacer(1, 2 * mm)]

    story += [CondPageBreak(40 * mm), para("Airing log", st.h1),
              para("Every read of the month, as it aired. Start is the offset into the episode.", st.muted),
              Spacer(1, 2 * mm)]
    if data.reads:
        scale = width / (sum(LOG_WIDTHS_MM) * mm)
        t = Table(log_rows(data), colWidths=[w * mm * scale for w in LOG_WIDTHS_MM], repeatRows=1)
        t.setStyle(grid_style())
        story.append(t)
    else:
        story.append(para("Nothing aired for this sponsor in the month.", st.body))

    story += [CondPageBreak(45 * mm), para("Promo link health", st.h1)]
    if not data.links:
        story.append(para("No promo URL was read this month.", st.body))
    elif not data.link_checks_exist:
        story.append(para("No link check has run yet, so the promo URLs below have not been verified.", st.body))
        story.append(Spacer(1, 2 * mm))
        t = Table([[para("Promo URL", st.head), para("Reads", st.head)]]
                  + [[para(link.url, st.cell), str(link.reads)] for link in data.links],
                  colWidths=[width - 25 * mm, 25 * mm], repeatRows=1)
        t.setStyle(grid_style(right_cols=(1,)))
        story.append(t)
    else:
        story.append(para("The latest check of each promo URL read this month.", st.muted))
        story.append(Spacer(1, 2 * mm))
        widths = [55, 12, 26, 34, 57]
        scale = width / (sum(widths) * mm)
        t = Table(link_rows(data), colWidths=[w * mm * scale for w in widths], repeatRows=1)
        t.setStyle(grid_style(right_cols=(1,)))
        story.append(t)

    story += exception_section(data, width)

    seller = data.seller.get("name") or "The publisher"
    attest = [
        para("Attestation", st.h2),
        para([esc(seller), Markup(" attests that the sponsor reads listed in this report aired as described: in "
                                  "the episodes, on the dates and at the positions shown, with the promo URLs "
                                  "and codes as read.")], st.body),
        Spacer(1, 12 * mm),
    ]
    sig = Table([["", "", ""], [para("Signature", st.muted), "", para("Date", st.muted)]],
                colWidths=[80 * mm, 10 * mm, 45 * mm], hAlign="LEFT")
    sig.setStyle(layout_style([("LINEBELOW", (0, 0), (0, 0), 0.6, MUTED), ("LINEBELOW", (2, 0), (2, 0), 0.6, MUTED),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 2)]))
    story += [Spacer(1, 6 * mm), KeepTogether([*attest, sig])]
    return story


def doc_spec(data: PopData) -> DocSpec:
    seller = data.seller.get("name") or ""
    title = f"Proof of performance: {data.sponsor.name}, {month_title(data.month)}"
    return DocSpec(story=build_story(data), title=title, author=seller,
                   subject=f"Sponsor reads aired for {data.sponsor.name} in {month_title(data.month)}",
                   keywords=f"proof of performance, {data.sponsor.name}, {data.month}",
                   footer=" · ".join(p for p in (seller, "Proof of performance", data.sponsor.name,
                                                 month_title(data.month)) if p),
                   pagesize=page_size_for(_currency(data)), first_page_footer=False)


def pop_pdf_bytes(data: PopData) -> bytes:
    return render_bytes(doc_spec(data))


def write_pop_pdf(data: PopData, path: str | os.PathLike[str]) -> Path:
    return render(doc_spec(data), path)
