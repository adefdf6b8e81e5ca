"""The monthly proof of performance for one sponsor: cover, delivery against the IO, weekly chart,
airing log, promo-link health, attestation. A pure function from ``PopData`` to flowables."""

from __future__ import annotations

import base64
import io

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Image, KeepTogether, LongTable, Spacer, Table

from sponsortrack.linkcheck.model import VERDICT_LABELS, VERDICT_MEANINGS
from sponsortrack.money import format_money
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.reports.charts import vertical_bars
from sponsortrack.reports.common import kv_table, long_date, month_title
from sponsortrack.reports.data import PLACEMENT_LABELS, PopData, short_url
from sponsortrack.reports.render import MARGIN, DocSpec, footer_text, page_size_for, render_bytes
from sponsortrack.reports.styles import BAD, GOOD, MUTED, WARN, grid_style, layout_style, styles
from sponsortrack.reports.text import Markup, bold, esc, join, para, url
from sponsortrack.store.models import episode_code
from sponsortrack.validation import format_duration

LOG_HEADERS = ["Aired", "Episode", "Spot", "IO", "Promo", "Downloads", "Status"]
LOG_WIDTHS_MM = [19, 50, 23, 25, 28, 21, 18]
FINE = {"ok", "redirected"}
# an attempt made offline (or with DNS not answering) says nothing about the link: never printed as a failure
UNKNOWN = {"unchecked"}



def _code(r) -> str:
    """`` #59`` or `` S2 E5`` after a show's name (nothing for an unnumbered episode)."""
    return f" {r.episode_code}" if r.episode_code else ""

def io_label(io_number: str | None) -> str:
    """``IO-DO-2019-07`` stays as it is; a bare ``1931`` becomes ``IO 1931`` (never "IO IO-...")."""
    if not io_number:
        return ""
    return io_number if io_number.upper().startswith("IO") else f"IO {io_number}"


def _spot(r) -> str:
    return PLACEMENT_LABELS.get(r.placement, r.placement) + ("" if r.position == 1 else f" #{r.position}")


def _day(iso: str | None) -> str:
    return long_date(iso)[:-5] if iso else "?"


def _logo(data: PopData) -> Image | None:
    if not data.logo:
        return None
    try:
        img = Image(io.BytesIO(base64.b64decode(data.logo)))
        scale = min(50 * mm / img.imageWidth, 18 * mm / img.imageHeight)
        img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
        img.hAlign = "LEFT"
        return img
    except Exception:  # an unreadable logo is left out rather than failing the report
        return None


def _currency(data: PopData) -> str:
    return data.campaigns[0].campaign.currency if data.campaigns else "USD"


def cover(data: PopData, width: float) -> list:
    st = styles()
    ios = [join([c.campaign.name, io_label(c.campaign.io_number),
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
    missed = data.not_delivered
    if missed:
        summary += (f" {len(missed)} read{'s were' if len(missed) != 1 else ' was'} not delivered as booked "
                    "(listed apart, with make-goods).")
    out: list = []
    logo = _logo(data)
    if logo is not None:
        out += [logo, Spacer(1, 4 * mm)]
    out += [
        para("Proof of performance", st.cover_sub),
        para(data.sponsor.name, st.cover_title),
        para(month_title(data.month), st.cover_sub),
        Spacer(1, 6 * mm),
        kv_table(facts, (40 * mm, width - 40 * mm)),
        Spacer(1, 4 * mm),
        para(summary, st.body),
        Spacer(1, 8 * mm),
    ]
    return out


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
            para([bold(camp.name), Markup("<br/>"), esc(join([io_label(camp.io_number),
                                                              f"{long_date(camp.start_date)} – "
                                                              f"{long_date(camp.end_date)}"], " · "))], st.cell),
            para(pricing, st.cell),
            f"{c.booked:,} {unit}" if c.booked else "—",
            f"{c.delivered_month:,}",
            f"{c.delivered_to_date:,}",
            "—" if pct is None else (f"{pct:.0f} %" + (" over" if pct > 100 else "")),
            f"{c.make_goods_owed} / {c.make_goods_delivered}",
            para(amount, st.cell_right),
        ])
    return rows


def log_rows(data: PopData) -> list[list]:
    """The airing log: delivered reads only (flagged and unaired ones are listed apart)."""
    st = styles()
    ios = {c.campaign.id: io_label(c.campaign.io_number) or c.campaign.name for c in data.campaigns}
    small = Markup('<br/><font size="6.5" color="#59636e">')
    end = Markup("</font>")
    rows: list[list] = [[para(h, st.head_right if i == 5 else st.head) for i, h in enumerate(LOG_HEADERS)]]
    for r in data.delivered:
        ep = [bold(r.show_name + _code(r)), Markup("<br/>"), esc(r.episode_title)]
        link = data.episode_links.get(r.episode_id)
        if link:
            ep += [small, esc(short_url(link)), end]
        timing = " · ".join(x for x in (f"{r.read_type} read", format_duration(r.start_seconds) and
                                        f"at {format_duration(r.start_seconds)}",
                                        format_duration(r.length_seconds)) if x)
        spot = [esc(_spot(r)), small, esc(timing), end]
        promo = [url(short_url(r.promo_url), 66)] + ([Markup("<br/>"), esc(r.promo_code)] if r.promo_code else [])
        if r.pricing == "cpm":
            if r.units is None:
                downloads: list = [Markup('<font color="#59636e">not yet known</font>')]
            else:
                downloads = [esc(f"{r.units:,}")]
                snap = data.snapshots.get(r.id)
                if snap:
                    downloads += [small, esc(f"day {snap[0]} · {snap[1]}"), end]
        else:
            downloads = [esc("—")]
        status: list = [esc(r.status)]
        if r.make_good_of:
            status += [small, esc("make-good"), end]
        io_label_text = ios.get(r.campaign_id, "") if r.campaign_id is not None else ""
        rows.append([r.air_date or "", para(ep, st.cell), para(spot, st.cell), para(io_label_text, st.cell),
                     para(promo, st.cell), para(downloads, st.cell_right), para(status, st.cell)])
    return rows


def not_delivered_rows(data: PopData) -> list[list]:
    """Flagged reads and scheduled reads that did not air, each with its make-good (or that one is owed)."""
    st = styles()
    rows: list[list] = [[para(h, st.head) for h in ("Was due", "Episode", "Spot", "Why", "Make-good")]]
    for r in data.not_delivered:
        mg = data.make_goods.get(r.id)
        if mg is not None:
            where = f"{mg.show_name}" + _code(mg)
            made = f"{'aired' if mg.status in DELIVERED_STATUSES else mg.status} {long_date(mg.air_date)}, " \
                   f"{_spot(mg).lower()} in {where}"
        else:
            made = "owed"
        why = "flagged: not delivered as booked" if r.status == "flagged" else "scheduled, not confirmed as aired"
        ep = r.show_name + _code(r) + f" {r.episode_title}"
        rows.append([r.air_date or "", para(ep, st.cell), para(_spot(r), st.cell), para(why, st.cell),
                     para(made, st.cell)])
    return rows


def link_rows(data: PopData) -> list[list]:
    st = styles()
    rows: list[list] = [[para(h, st.head) for h in ("Promo URL", "Reads", "Checked on", "Result", "What it means")]]
    for link in data.links:
        if link.verdict is None:
            verdict = Markup('<font color="#59636e">not checked yet</font>')
            meaning = ""
        elif link.verdict in UNKNOWN:
            verdict = Markup('<font color="#59636e">could not be checked</font>')
            meaning = (f"{VERDICT_MEANINGS.get(link.verdict, '')} when checked from our side; this says nothing "
                       "about the link itself, and it is checked again.")
        else:
            warn = link.verdict in ("redirected", "suspect", "rate_limited", "blocked_by_bot_protection")
            color = GOOD if link.verdict in FINE else (WARN if warn else BAD)
            code = f" (HTTP {link.status_code})" if link.status_code else ""
            verdict = Markup(f'<font color="{color.hexval().replace("0x", "#")}">') + esc(
                VERDICT_LABELS.get(link.verdict, link.verdict.replace("_", " ")) + code) + Markup("</font>")
            meaning = link.explanation or VERDICT_MEANINGS.get(link.verdict, "")
        lands: list = []
        if link.verdict not in (None, *UNKNOWN) and link.final_url and link.final_url != link.url:
            lands = [Markup("<br/>"), esc("lands on "), url(short_url(link.final_url), 150)]
        rows.append([para(url(short_url(link.url), 130), st.cell), str(link.reads),
                     long_date(link.checked_at) if link.checked_at else "", para(verdict, st.cell),
                     para([esc(meaning), *lands], st.cell)])
    return rows


# How each disagreement reads to the sponsor ("no show notes on file" is our own gap, not a finding)
POP_FINDINGS = {
    "logged_not_in_notes": "the read aired; the episode's show notes do not mention you",
    "in_notes_not_logged": "the show notes mention you; no read of yours aired in this episode",
    "promo_url_differs": "the show notes give a different promo URL",
    "promo_code_differs": "the show notes give a different promo code",
}


def exception_section(data: PopData, width: float) -> list:
    """Where the published show notes and the aired reads really disagree, worded for the sponsor.
    Episodes without show notes on file are left out (nothing to compare, and not the sponsor's concern)."""
    if not data.delivered:
        return []
    st = styles()
    real = [e for e in data.exceptions if e["kind"] in POP_FINDINGS]
    unchecked = {e["episode_id"] for e in data.exceptions if e["kind"] == "no_show_notes"}
    episodes = {r.episode_id for r in data.delivered}
    compared = len(episodes - unchecked)
    if not compared and not real:
        return []
    out: list = [Spacer(1, 4 * mm), para("Show notes", st.h1)]
    if not real:
        what = "every episode" if compared == len(episodes) else f"{compared} of the {len(episodes)} episodes"
        out.append(para(f"The published show notes of {what} name you wherever a read aired, with the "
                        "campaign's promo URL and code.", st.body))
        return out
    out += [para("Where the published show notes differ from what aired; we are correcting the notes.", st.muted),
            Spacer(1, 2 * mm)]
    rows = [[para("Episode", st.head), para("Aired", st.head), para("What differs", st.head)]]
    for e in real:
        ep = (f"{e['show_name']} {episode_code(e['episode_number'], e.get('episode_season'))}"
              if e.get("episode_number") else e["show_name"])
        finding = POP_FINDINGS[e["kind"]]
        if e.get("in_notes") or e.get("expected"):
            finding += f" (show notes: {e.get('in_notes') or '—'}; as booked: {e.get('expected') or '—'})"
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
        for c in data.campaigns:
            if c.booked and c.delivered_to_date > c.booked:
                unit = "impressions" if c.campaign.pricing == "cpm" else "reads"
                story.append(para(
                    [bold("Over-delivery: "), esc(f"{c.campaign.name} has delivered {c.delivered_to_date:,} {unit} "
                                                  f"against {c.booked:,} booked ({c.percent_delivered:.0f} %), "
                                                  f"{c.delivered_to_date - c.booked:,} above the insertion order.")],
                    st.body))
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
              para("Every read delivered in the month, as it aired: the episode and its page, the spot (start is "
                   "the offset into the episode), the insertion order, the promo as read, and for CPM reads the "
                   "downloads counted with the day and source of the snapshot.", st.muted),
              Spacer(1, 2 * mm)]
    if data.delivered:
        scale = width / (sum(LOG_WIDTHS_MM) * mm)
        # LongTable: on each page split it measures only the rows that fit, not every remaining row again
        t = LongTable(log_rows(data), colWidths=[w * mm * scale for w in LOG_WIDTHS_MM], repeatRows=1)
        t.setStyle(grid_style(right_cols=(5,)))
        story.append(t)
    else:
        story.append(para("Nothing was delivered for this sponsor in the month.", st.body))
    if data.not_delivered:
        widths = [19, 58, 19, 40, 48]
        scale = width / (sum(widths) * mm)
        t = Table(not_delivered_rows(data), colWidths=[w * mm * scale for w in widths], repeatRows=1)
        t.setStyle(grid_style())
        story += [CondPageBreak(30 * mm), para("Not delivered", st.h1),
                  para("Reads that did not run as booked. They are not counted as delivered, not covered by the "
                       "attestation, and each is made good or owed.", st.muted), Spacer(1, 2 * mm), t]

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
        widths = [50, 12, 22, 30, 70]
        scale = width / (sum(widths) * mm)
        t = Table(link_rows(data), colWidths=[w * mm * scale for w in widths], repeatRows=1)
        t.setStyle(grid_style(right_cols=(1,)))
        story.append(t)

    notes = exception_section(data, width)

    seller = data.seller.get("name") or "The publisher"
    n = len(data.delivered)
    excluded = (" The reads listed under \"Not delivered\" are not covered." if data.not_delivered else "")
    attest = [
        para("Attestation", st.h2),
        para([esc(seller), esc(f" attests that the {n} delivered read{'s' if n != 1 else ''} listed in the "
                               "airing log aired as described: in the episodes, on the dates and at the positions "
                               "shown, with the promo URLs and codes as read." + excluded)], st.body),
        Spacer(1, 12 * mm),
    ]
    sig = Table([["", "", ""], [para("Signature", st.muted), "", para("Date", st.muted)]],
                colWidths=[80 * mm, 10 * mm, 45 * mm], hAlign="LEFT")
    sig.setStyle(layout_style([("LINEBELOW", (0, 0), (0, 0), 0.6, MUTED), ("LINEBELOW", (2, 0), (2, 0), 0.6, MUTED),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 2)]))
    # the attestation never stands alone on a page: it is kept with the section before it
    story += [KeepTogether([*notes, Spacer(1, 6 * mm), *attest, sig])]
    return story


def doc_spec(data: PopData) -> DocSpec:
    seller = data.seller.get("name") or ""
    title = f"Proof of performance: {data.sponsor.name}, {month_title(data.month)}"
    return DocSpec(story=build_story(data), title=title, author=seller,
                   subject=f"Sponsor reads aired for {data.sponsor.name} in {month_title(data.month)}",
                   keywords=f"proof of performance, {data.sponsor.name}, {data.month}",
                   footer=footer_text(seller, "Proof of performance", data.sponsor.name, month_title(data.month)),
                   pagesize=page_size_for(_currency(data)), first_page_footer=False)


def pop_pdf_bytes(data: PopData) -> bytes:
    return render_bytes(doc_spec(data))
