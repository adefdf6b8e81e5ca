"""The invoice (and credit note) PDF: a pure function from an ``InvoiceDocument`` to flowables.

Everything printed comes from the stored invoice, its lines and its seller/bill-to snapshots, so an
issued invoice renders byte-identically for ever (``invariant`` mode, no clock, no live lookups).
"""

from __future__ import annotations

import base64
import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Spacer, Table

from sponsortrack.money import format_money, format_percent
from sponsortrack.reports.common import box, kv_table, long_date, period_text
from sponsortrack.reports.data import PLACEMENT_LABELS, InvoiceDocument
from sponsortrack.reports.render import MARGIN, DocSpec, footer_text, page_size_for, render_bytes
from sponsortrack.reports.styles import INK, RULE, WARN, grid_style, layout_style, styles
from sponsortrack.reports.text import Markup, bold, esc, join, para, url
from sponsortrack.store.invoices import InvoiceLine
from sponsortrack.store.models import episode_label

LINE_HEADERS = ["#", "Aired", "Show · episode", "Spot", "Promo", "Quantity", "Unit price", "Amount"]
LINE_WIDTHS_MM = [7, 17, 56, 20, 29, 22, 20, 21]
AMOUNT_COLS = (5, 6, 7)


def quantity_and_price(ln: InvoiceLine, currency: str) -> tuple[str, str]:
    """The quantity and unit price columns: what an accounts department multiplies to check a line."""
    rate = format_money(ln.rate_minor, currency) if ln.rate_minor is not None else ""
    if ln.kind == "make_good" or ln.pricing == "make_good":
        return "1 read", "no charge"
    if ln.kind in ("credit", "adjustment") and ln.read_id is None:
        return "", ""
    p = ln.pricing
    if p == "cpm":
        return f"{ln.units or 0:,} downloads", f"{rate} CPM"
    if p == "per_episode":
        return ("included", "in episode") if not ln.units else ("1 episode", rate)
    if p == "override":
        return "1 read", "agreed price"
    return f"{ln.units or 1} read" + ("s" if (ln.units or 1) > 1 else ""), rate


def quantity_text(ln: InvoiceLine, currency: str) -> str:
    """How a line's amount comes about, in words an accounts department reads without asking."""
    rate = format_money(ln.rate_minor, currency) if ln.rate_minor is not None else ""
    if ln.kind == "make_good":
        return "make-good, no charge"
    if ln.kind in ("credit", "adjustment") and ln.read_id is None:
        return ""
    p = ln.pricing
    if p == "cpm":
        return f"{ln.units or 0:,} downloads × {rate} CPM"
    if p == "per_episode":
        return "included in episode" if not ln.units else f"1 episode × {rate}"
    if p == "override":
        return "agreed price"
    if p == "make_good":
        return "make-good, no charge"
    return f"{ln.units or 1} read × {rate}"


def line_note(ln: InvoiceLine) -> str:
    """The part of a read line's description beyond show and episode (make-good, credit, units source)."""
    base = f"{ln.show_name} {episode_label(ln.episode_number, ln.episode_title, ln.episode_season)}"
    desc = ln.description or ""
    if desc.startswith(base):
        return desc[len(base):].strip().removeprefix("(").removesuffix(")")
    if ln.kind == "credit" and ": " in desc:
        return desc.split(": ", 1)[0]
    return desc


def line_rows(doc: InvoiceDocument) -> list[list]:
    """The lines table's rows (header first): what the table is built from, and what tests check."""
    st = styles()
    cur = doc.invoice.currency
    rows: list[list] = [[para(h, st.head_right if i in AMOUNT_COLS else st.head)
                         for i, h in enumerate(LINE_HEADERS)]]
    # a second read in the same spot of the same episode is numbered (#2), so repeated lines differ
    seen: dict[tuple, int] = {}
    nth: dict[int, int] = {}
    for ln in doc.invoice.lines:
        if ln.read_id is not None and ln.show_name:
            key = (ln.show_name, ln.episode_season, ln.episode_number, ln.episode_title, ln.air_date, ln.placement)
            seen[key] = seen.get(key, 0) + 1
            nth[ln.position] = seen[key]
    for ln in doc.invoice.lines:
        if ln.read_id is not None and ln.show_name:
            what = [bold(ln.show_name), Markup("<br/>"),
                    esc(episode_label(ln.episode_number, ln.episode_title, ln.episode_season))]
            note = line_note(ln)
            if note:
                what += [Markup('<br/><font size="6.5" color="#59636e">'), esc(note), Markup("</font>")]
            label = PLACEMENT_LABELS.get(ln.placement or "", ln.placement or "")
            if nth.get(ln.position, 1) > 1:
                label += f" #{nth[ln.position]}"
            spot = join([label, f"{ln.read_type} read" if ln.read_type else ""])
        else:
            what = [esc(ln.description)]
            spot = Markup("")
        qty, price = quantity_and_price(ln, cur)
        rows.append([
            str(ln.position), ln.air_date or "", para(what, st.cell), para(spot, st.cell),
            para(url(ln.promo or "", 66), st.cell), para(qty, st.cell_right), para(price, st.cell_right),
            format_money(ln.amount_minor, cur),
        ])
    return rows


def _logo(seller: dict) -> Image | None:
    data = seller.get("logo")
    if not data:
        return None
    try:
        raw = base64.b64decode(data)
        img = Image(io.BytesIO(raw))
        w, h = img.imageWidth, img.imageHeight
        scale = min(45 * mm / w, 16 * mm / h)
        img.drawWidth, img.drawHeight = w * scale, h * scale
        img.hAlign = "LEFT"
        return img
    except Exception:  # an unreadable image is left out rather than failing the invoice
        return None


def title_of(doc: InvoiceDocument) -> str:
    inv = doc.invoice
    base = "Credit note" if inv.kind == "credit_note" else "Invoice"
    if inv.number:
        return f"{base} {inv.number}"
    return f"Draft {base.lower()} {inv.id}"


def build_story(doc: InvoiceDocument) -> list:
    st = styles()
    inv = doc.invoice
    seller, bill = doc.seller, doc.bill_to
    cur = inv.currency
    width = page_size_for(cur)[0] - 2 * MARGIN
    story: list = []

    # -- header: seller (left), document title and facts (right)
    left: list = []
    logo = _logo(seller)
    if logo is not None:
        left += [logo, Spacer(1, 3 * mm)]
    left.append(para(seller.get("name") or "Seller name not set", st.seller))
    address = seller.get("address") or ""
    if seller.get("name") and address.splitlines() and address.splitlines()[0].strip() == seller["name"].strip():
        address = "\n".join(address.splitlines()[1:])  # the name is printed just above
    left.append(para(join([address, seller.get("email"), seller.get("phone") and f"Phone: {seller['phone']}",
                           seller.get("tax_id") and f"Tax ID: {seller['tax_id']}"]), st.body))
    heading = "CREDIT NOTE" if inv.kind == "credit_note" else "INVOICE"
    if inv.status == "draft":
        heading = f"DRAFT {heading}"
    void = inv.status == "void"
    facts = [
        ("Number", inv.number or "assigned when issued"),
        ("Issue date", long_date(inv.issue_date) or "on issue"),
    ]
    if void:
        facts += [("Voided on", long_date(doc.void_date)), ("Reason", doc.void_reason or "not given")]
    elif inv.kind == "invoice":
        terms = f"Net {inv.terms_days}" if inv.terms_days else "Due on receipt"
        facts += [("Due date", long_date(inv.due_date) or f"{inv.terms_days or 0} days after issue"),
                  ("Terms", terms)]
    else:
        facts.append(("Credits invoice", doc.credit_of_number or ""))
        if doc.credit_of_date:
            facts.append(("Invoice dated", long_date(doc.credit_of_date)))
    facts += [("Billing period", period_text(inv.period_start, inv.period_end)), ("Currency", cur)]
    right = [para(heading, st.title_right)]
    if void:
        right.append(para("VOID — NOT PAYABLE", st.state_void))
    elif doc.balance is not None and doc.balance.settled_on:
        right.append(para(f"PAID {long_date(doc.balance.settled_on)}", st.state_paid))
    elif doc.balance is not None and doc.balance.part_paid:
        state = "PART PAID" if doc.balance.paid_minor else "PART CREDITED"  # nothing received: only credited
        right.append(para(f"{state} · {format_money(doc.balance.due_minor, cur)} due", st.state_part))
    right += [Spacer(1, 2 * mm), kv_table(facts, (28 * mm, 45 * mm), right=True)]
    head = Table([[left, right]], colWidths=[width - 80 * mm, 80 * mm])
    head.setStyle(layout_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [head, Spacer(1, 7 * mm)]

    # -- bill to (left), the order (right)
    bill_lines: list = [para(Markup(str(esc("BILL TO"))), st.label), para(bold(bill.get("name") or ""), st.body)]
    if bill.get("advertiser"):
        bill_lines.append(para([Markup("Agency of record, on behalf of advertiser "), bold(bill["advertiser"])],
                               st.body))
    bill_address = (bill.get("address") or "").strip()
    first = bill_address.splitlines()[0].strip() if bill_address else ""
    if first and first == (bill.get("name") or "").strip():
        bill_address = "\n".join(bill_address.splitlines()[1:])   # the name is printed just above
    if (bill.get("address") or "").strip():
        bill_lines.append(para(bill_address, st.body))
    else:
        bill_lines.append(para("Billing address missing", st.warn))
    if bill.get("tax_id"):
        bill_lines.append(para(f"Tax / VAT ID: {bill['tax_id']}", st.body))
    contact = join([bill.get("contact_name"), bill.get("contact_email")], Markup(" · "))
    if contact:
        bill_lines.append(para(contact, st.muted))
    order = [("Advertiser", bill.get("advertiser") or bill.get("name")), ("Campaign", bill.get("campaign")),
             ("IO number", bill.get("io_number")), ("PO number", bill.get("po_number"))]
    order_block = [para(Markup(str(esc("ORDER"))), st.label), kv_table(order, (24 * mm, 56 * mm))]
    parties = Table([[bill_lines, order_block]], colWidths=[width - 82 * mm, 82 * mm])
    parties.setStyle(layout_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm)]))   # a gutter before ORDER
    story += [parties, Spacer(1, 6 * mm)]

    if doc.gaps:
        story += [box([para(Markup("<b>Draft — not ready to issue:</b> ") + "; ".join(doc.gaps), st.warn)],
                      width, border=WARN, background=colors.HexColor("#fff8e6")), Spacer(1, 4 * mm)]
    if doc.held_back:
        n = len(doc.held_back)
        story += [box([para([Markup("<b>Not on this draft:</b> "),
                             esc(f"{n} CPM read{'s' if n != 1 else ''} without a download count within the "
                                 f"campaign's window yet ({'; '.join(doc.held_back)}). "
                                 "They are billed once downloads are recorded.")], st.body)], width),
                  Spacer(1, 4 * mm)]
    if void:
        story += [box([para([Markup("<b>VOID — NOT PAYABLE.</b> "),
                             esc(f"This invoice was voided on {long_date(doc.void_date)}"
                                 + (f": {doc.void_reason}" if doc.void_reason else "")
                                 + ". Nothing is owed on it; its number stays used so the series has no gap.")],
                            st.warn)], width, border=WARN, background=colors.HexColor("#fdecea")),
                  Spacer(1, 4 * mm)]
    if inv.kind == "credit_note":
        of = bold(doc.credit_of_number or "?")
        dated = esc(f" of {long_date(doc.credit_of_date)}") if doc.credit_of_date else Markup("")
        how = (". The amount credited is refunded to you." if doc.settlement == "refund"
               else ". The amount credited is deducted from the balance due on that invoice.")
        story += [para([Markup("This credit note corrects invoice "), of, dated, esc(how)], st.body),
                  Spacer(1, 3 * mm)]

    # -- the lines
    widths = [w * mm for w in LINE_WIDTHS_MM]
    scale = width / sum(widths)
    table = Table(line_rows(doc), colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(grid_style(right_cols=(0, 7)))
    story += [table, Spacer(1, 4 * mm)]

    # -- totals
    story.append(KeepTogether([totals_table(doc, width), Spacer(1, 6 * mm), *payment_block(doc, width)]))
    return story


def totals_rows(doc: InvoiceDocument) -> list[tuple[str, str]]:
    inv = doc.invoice
    cur = inv.currency
    rows = [("Subtotal (gross)" if inv.commission_bp else "Subtotal", format_money(inv.subtotal_minor, cur))]
    if inv.commission_bp:
        rows.append((f"Agency commission ({format_percent(inv.commission_bp)})",
                     format_money(-inv.commission_minor, cur)))
        rows.append(("Net", format_money(inv.net_minor, cur)))
    if inv.tax_bp or inv.tax_minor:
        label = (doc.seller.get("tax_label") or "Tax")
        rows.append((f"{label} ({format_percent(inv.tax_bp)})", format_money(inv.tax_minor, cur)))
    if inv.status == "void":
        rows.append((f"Void total ({cur})", format_money(inv.total_minor, cur)))
        return rows
    bal = doc.balance
    if inv.kind == "invoice" and bal is not None:
        rows.append((f"Total ({cur})", format_money(inv.total_minor, cur)))
        for p in bal.payments:
            rows.append((f"Paid {long_date(p.paid_on)}" + (f" · {p.reference}" if p.reference else ""),
                         format_money(-p.amount_minor, cur)))
        recorded = sum(p.amount_minor for p in bal.payments)
        if bal.paid_minor > recorded:
            rows.append((f"Paid {long_date(bal.settled_on)}" if bal.settled_on else "Paid",
                         format_money(-(bal.paid_minor - recorded), cur)))
        if bal.credited_minor:
            rows.append(("Credit notes applied", format_money(-bal.credited_minor, cur)))
        rows.append((f"Balance due ({cur})", format_money(bal.due_minor, cur)))
        return rows
    final = "Total credited" if inv.kind == "credit_note" else "Total due"
    rows.append((f"{final} ({cur})", format_money(inv.total_minor, cur)))
    return rows


def totals_table(doc: InvoiceDocument, width: float) -> Table:
    st = styles()
    rows = totals_rows(doc)
    data = [[para(label, st.body), para(value, st.right)] for label, value in rows[:-1]]
    data.append([para(rows[-1][0], st.total_label), para(rows[-1][1], st.total)])
    t = Table(data, colWidths=[58 * mm, 34 * mm], hAlign="RIGHT")
    t.setStyle(layout_style([
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEABOVE", (0, -1), (-1, -1), 1, INK), ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
        ("TOPPADDING", (0, -1), (-1, -1), 4),
    ]))
    return t


def payment_block(doc: InvoiceDocument, width: float) -> list:
    st = styles()
    inv = doc.invoice
    out: list = []
    settled = doc.balance is not None and doc.balance.due_minor == 0
    if inv.kind == "invoice" and inv.status != "void" and not settled:
        instructions = doc.seller.get("payment_instructions")
        due = long_date(inv.due_date)
        lines = [para(Markup(str(esc("PAYMENT"))), st.label)]
        if instructions:
            lines.append(para(instructions, st.body))
        if inv.number and due:
            lines.append(para(f"Due {due}. Reference: invoice {inv.number}.", st.body))
        elif inv.terms_days:
            lines.append(para(f"Due {inv.terms_days} days after the issue date.", st.body))
        if doc.seller.get("late_payment_terms"):
            lines.append(para(doc.seller["late_payment_terms"], st.body))
        if inv.commission_bp:
            lines.append(para(f"Payable by the agency of record: the net amount after its "
                              f"{format_percent(inv.commission_bp)} commission.", st.muted))
        out.append(box(lines, width))
    notes = "\n".join(x for x in (inv.notes or "").splitlines() if not x.startswith("Void: ")).strip()
    if notes:
        out += [Spacer(1, 3 * mm), para([Markup("<b>Notes:</b> "), esc(notes)], st.body)]
    return out


def doc_spec(doc: InvoiceDocument) -> DocSpec:
    inv = doc.invoice
    seller = doc.seller.get("name") or ""
    title = title_of(doc)
    bill = doc.bill_to.get("name") or inv.sponsor_name or ""
    advertiser = doc.bill_to.get("advertiser")
    subject = f"{title} to {bill}" + (f" for {advertiser}" if advertiser else "") + \
        f", {period_text(inv.period_start, inv.period_end)}, {format_money(inv.total_minor, inv.currency)}"
    paid = doc.balance is not None and doc.balance.settled_on
    watermark = "DRAFT" if inv.status == "draft" else "VOID" if inv.status == "void" else "PAID" if paid else None
    return DocSpec(story=build_story(doc), title=title, author=seller, subject=subject,
                   keywords=f"invoice, {bill}, {inv.number or 'draft'}",
                   footer=footer_text(seller, title, bill),
                   pagesize=page_size_for(inv.currency), watermark=watermark, invariant=True,
                   created=inv.issue_date)


def invoice_pdf_bytes(doc: InvoiceDocument) -> bytes:
    return render_bytes(doc_spec(doc))
