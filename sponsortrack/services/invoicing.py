"""Invoices: a draft from what was delivered, issue with a gapless number, paid, void, credit notes.

Lifecycle: ``draft`` → ``issued`` → ``paid``, or ``void``. A draft is built per sponsor, month and
campaign (one insertion order per invoice, as agencies require) from the delivered reads of that month
that are on no invoice yet; it claims them, so a read is billed at most once. Issuing refreshes the draft
from its reads, freezes the seller and bill-to details, the terms and the tax rate, and stamps the next
number of the settings' pattern, all in one ``BEGIN IMMEDIATE`` transaction. An issued invoice never
changes again: its reads are locked, corrections go through a credit note, and its PDF is rebuilt from
the stored rows alone (byte-identical).

Money: each line is priced by :mod:`sponsortrack.pricing` (integer minor units, half-up once per line);
commission and tax are each computed once on the whole, half-up (see ``docs/money.md``).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ConflictError, NotFoundError, ValidationError
from sponsortrack.money import MAX_MINOR, format_money, max_amount_text, minor_units, parse_money, percent_of
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.services import catalog as cat
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store, campaigns
from sponsortrack.store import catalog as cstore
from sponsortrack.store import invoices as istore
from sponsortrack.store import reads as rstore
from sponsortrack.store.invoices import Invoice, InvoiceLine
from sponsortrack.store.models import ReadRow, episode_label
from sponsortrack.store.reads import ReadFilter

MAX_LOGO_BYTES = 2_000_000
PLACEMENT_LABELS = {"pre": "Pre-roll", "mid": "Mid-roll", "post": "Post-roll"}


@dataclass
class DraftResult:
    """What ``create_drafts`` made: the drafts, and what the producer should know about them."""

    invoices: list[Invoice] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)   # ids of existing drafts that were refreshed


# -- helpers ------------------------------------------------------------------------------------


def short_url(url: str | None) -> str:
    if not url:
        return ""
    for prefix in ("https://", "http://"):
        if url.lower().startswith(prefix):
            url = url[len(prefix):]
            break
    if url.startswith("www."):
        url = url[4:]
    return url.rstrip("/")


def promo_text(url: str | None, code: str | None) -> str:
    parts = [p for p in (short_url(url), f"code {code}" if code else "") if p]
    return " · ".join(parts)


def default_month(store: Store | None = None, today: dt.date | None = None) -> str:
    """The month to bill or report by default: last month (what a producer bills at the start of a
    month), or the month of the latest read when the history ends earlier (an archive)."""
    today = today or dt.date.today()
    month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    if store is not None:
        latest = rstore.latest_air_date(store)
        if latest and latest[:7] < month:
            month = latest[:7]
    return month


def _today(today: dt.date | str | None) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, str):
        return dt.date.fromisoformat(v.parse_date(today, "date"))
    return today


def resolve_invoice(store: Store, ref: str | int) -> Invoice:
    """An invoice by number (``2019-0001``) or by id (``17``, or ``#17``)."""
    if isinstance(ref, int):
        inv = istore.get_invoice(store, ref)
        if inv is None:
            raise NotFoundError("invoice", f"no invoice with id {ref}")
        return inv
    text = (ref or "").strip()
    if not text:
        raise ValidationError("invoice", "give an invoice number or id")
    inv = istore.find_by_number(store, text)
    if inv is not None:
        return inv
    digits = text.lstrip("#")
    if digits.isdigit():
        inv = istore.get_invoice(store, int(digits))
        if inv is not None:
            return inv
    raise NotFoundError("invoice", f"no invoice numbered {text!r}")


def get_invoice(store: Store, invoice_id: int) -> Invoice:
    return resolve_invoice(store, int(invoice_id))


def list_invoices(store: Store, *, status: str | None = None, sponsor: str | int | None = None,
                  month: str | None = None, kind: str | None = None) -> list[Invoice]:
    sponsor_id = cat.resolve_sponsor(store, sponsor).id if sponsor not in (None, "") else None  # type: ignore[arg-type]
    if status is not None:
        status = v.choice(status, "status", v.INVOICE_STATUSES)
    date_from = date_to = None
    if month:
        date_from, date_to = v.month_bounds(v.parse_month(month))
    return istore.list_invoices(store, status=status, sponsor_id=sponsor_id, period_from=date_from,
                                period_to=date_to, kind=kind)


# -- building lines -------------------------------------------------------------------------------


def line_for_read(r: ReadRow, snapshot: tuple[int, str] | None = None) -> dict[str, Any]:
    """One invoice line from a delivered read, with the descriptive columns snapshotted."""
    amount = r.price_minor
    if amount is None:
        raise ValueError(f"read {r.id} has no price yet")
    if abs(amount) >= MAX_MINOR:
        raise ValidationError(f"read {r.id}", f"its amount is too large for an invoice line (at most "
                                              f"{max_amount_text(r.currency or 'USD')}); check its units and rate")
    common = {
        "read_id": r.id, "show_name": r.show_name, "episode_number": r.episode_number,
        "episode_season": r.episode_season,
        "episode_title": r.episode_title, "air_date": r.air_date, "placement": r.placement,
        "read_type": r.read_type, "promo": promo_text(r.promo_url, r.promo_code), "amount_minor": amount,
    }
    ep = f"{r.show_name} {episode_label(r.episode_number, r.episode_title, r.episode_season)}"
    if r.make_good_of is not None:
        return {**common, "kind": "make_good", "pricing": "make_good", "units": 1, "rate_minor": 0,
                "description": f"Make-good for read {r.make_good_of}: {ep}"}
    if r.price_override_minor is not None:
        return {**common, "kind": "charge", "pricing": "override", "units": 1, "rate_minor": amount,
                "description": f"{ep} (agreed price)"}
    if r.pricing == "cpm":
        src = f" (downloads at day {snapshot[0]}, {snapshot[1]})" if snapshot else ""
        return {**common, "kind": "charge", "pricing": "cpm", "units": r.units, "rate_minor": r.rate_minor,
                "description": f"{ep}{src}"}
    if r.pricing == "per_episode":
        included = not r.first_in_episode
        return {**common, "kind": "charge", "pricing": "per_episode", "units": 0 if included else 1,
                "rate_minor": r.rate_minor,
                "description": f"{ep}" + (" (included in the episode price)" if included else "")}
    return {**common, "kind": "charge", "pricing": r.pricing or "flat", "units": 1, "rate_minor": r.rate_minor,
            "description": ep}


def _day_text(iso: str | None) -> str:
    if not iso:
        return "?"
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.day} {d:%b} {d.year}"


def make_good_context(store: Store, lines: list[dict[str, Any]]) -> None:
    """Name the read a make-good replaces: its show, episode and air date."""
    for ln in lines:
        if ln.get("kind") != "make_good":
            continue
        rid = int(ln["description"].split("read ", 1)[1].split(":", 1)[0])
        orig = rstore.get_read_row(store, rid)
        if orig is None:
            continue
        what = f"{orig.show_name} {episode_label(orig.episode_number, orig.episode_title, orig.episode_season)}"
        day = _day_text(orig.air_date)
        # customer text: the read it replaces by day, spot and episode, never by our internal read id
        ln["description"] = (f"Make-good, no charge: replaces the {day} {orig.placement}-roll in {what}"
                             + (f" ({orig.status})" if orig.status in ("flagged", "missed") else ""))


def totals(lines: list[dict[str, Any]] | list[InvoiceLine], commission_bp: int, tax_bp: int) -> dict[str, int]:
    """Gross subtotal → agency commission → net → tax → total. Lines are already rounded integers;
    commission and tax are each rounded half-up once, on the whole."""
    subtotal = sum(int(ln["amount_minor"] if isinstance(ln, dict) else ln.amount_minor) for ln in lines)
    if abs(subtotal) >= MAX_MINOR:
        raise ValidationError("total", f"the subtotal of {subtotal:,} minor units is too large for one invoice")
    commission = percent_of(subtotal, commission_bp)
    net = subtotal - commission
    tax = percent_of(net, tax_bp)
    return {"subtotal_minor": subtotal, "commission_minor": commission, "net_minor": net, "tax_minor": tax,
            "total_minor": net + tax}


def _logo_snapshot(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    p = Path(path).expanduser()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationError("logo_path", f"{p}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError("logo_path", f"{p}: is larger than 2 MB")
    return {"logo": base64.b64encode(data).decode("ascii"), "logo_name": p.name}


def seller_snapshot(store: Store, *, strict: bool = False) -> dict[str, Any]:
    """The seller block as it is now. ``strict``: an unreadable logo file is an error (when issuing)."""
    s = ssvc.get_settings(store)
    snap = {"name": s.get("seller_name"), "address": s.get("seller_address"), "email": s.get("seller_email"),
            "tax_id": s.get("seller_tax_id"), "payment_instructions": s.get("payment_instructions"),
            "phone": s.get("seller_phone"), "late_payment_terms": s.get("late_payment_terms"),
            "tax_label": s.get("tax_label") or "Tax"}
    try:
        snap.update(_logo_snapshot(s.get("logo_path")))
    except ValidationError:
        if strict:
            raise
    return snap


def bill_to_snapshot(store: Store, sponsor_id: int, agency_id: int | None,
                     campaign_id: int | None) -> dict[str, Any]:
    """Who is billed and under which order. Billed to the agency of record when the campaign has one,
    naming the advertiser; otherwise the sponsor."""
    sponsor = cstore.get_sponsor(store, sponsor_id)
    assert sponsor is not None
    c = campaigns.get_campaign(store, campaign_id) if campaign_id else None
    order = {"campaign": c.name if c else None, "io_number": c.io_number if c else None,
             "po_number": c.po_number if c else None}
    if agency_id:
        agency = cstore.get_agency(store, agency_id)
        assert agency is not None
        return {"kind": "agency", "name": agency.name, "address": agency.billing_address, "tax_id": agency.tax_id,
                "contact_name": agency.contact_name, "contact_email": agency.contact_email,
                "advertiser": sponsor.name, **order}
    return {"kind": "sponsor", "name": sponsor.name, "address": sponsor.billing_address, "tax_id": sponsor.tax_id,
            "contact_name": sponsor.contact_name, "contact_email": sponsor.contact_email, "advertiser": None,
            **order}


def terms_for(store: Store, sponsor_id: int, agency_id: int | None) -> int:
    """Payment terms in days: the agency's when billed to it, else the sponsor's, else the default."""
    if agency_id:
        agency = cstore.get_agency(store, agency_id)
        if agency is not None and agency.terms_days is not None:
            return agency.terms_days
    sponsor = cstore.get_sponsor(store, sponsor_id)
    if sponsor is not None and sponsor.terms_days is not None:
        return sponsor.terms_days
    return int(ssvc.get_settings(store).get("default_terms_days") or 30)


def commission_for(store: Store, agency_id: int | None) -> int:
    if not agency_id:
        return 0
    agency = cstore.get_agency(store, agency_id)
    return agency.commission_bp if agency is not None else 0


def gaps(inv: Invoice, store: Store | None = None) -> list[str]:
    """What is missing before this invoice can be issued (named for the producer)."""
    out = []
    if store is not None and inv.status == "draft":
        out += [f"{m} is not set (sponsortrack settings set ...)" for m in ssvc.missing_for_issuing(store)]
    snap = inv.bill_to_snapshot or {}
    if not (snap.get("address") or "").strip():
        who = "agency" if snap.get("kind") == "agency" else "sponsor"
        out.append(f"billing address of {who} {snap.get('name') or inv.sponsor_name!r} is missing")
    if not inv.lines and inv.line_count == 0:
        out.append("the invoice has no lines")
    return out


# -- drafts ---------------------------------------------------------------------------------------


def _billable(store: Store, sponsor_id: int, date_from: str, date_to: str,
              invoice_id: int | None = None) -> list[ReadRow]:
    """Delivered reads of the sponsor in the period that are unbilled (or on this draft)."""
    rows = rstore.list_reads(store, ReadFilter(sponsor_id=sponsor_id, date_from=date_from, date_to=date_to),
                             sort="air_date", descending=False)
    return [r for r in rows if r.status in DELIVERED_STATUSES
            and (r.invoice_id is None or (invoice_id is not None and r.invoice_id == invoice_id))]


def _lines_from_reads(store: Store, reads: list[ReadRow], warnings: list[str]) -> tuple[list[dict], list[int]]:
    snaps = istore.snapshot_days(store, [r.id for r in reads if r.pricing == "cpm" and r.price_override_minor is None
                                         and r.make_good_of is None])
    lines, ids = [], []
    for r in reads:
        if r.price_minor is None:
            if r.pricing == "cpm":
                ep = episode_label(r.episode_number, None, r.episode_season)
                warnings.append(f"read {r.id} ({r.show_name} {ep}, "
                                f"{r.air_date}) has no download count within the campaign's window yet; "
                                f"it stays unbilled until downloads are recorded")
            else:
                warnings.append(f"read {r.id} ({r.show_name}, {r.air_date}) has no campaign or price; "
                                f"it stays unbilled (set a campaign or a price)")
            continue
        lines.append(line_for_read(r, snaps.get(r.id)))
        ids.append(r.id)
    make_good_context(store, lines)
    return lines, ids


def _group_key(r: ReadRow, agency_of: dict[int, int | None]) -> tuple[int | None, int | None, str]:
    agency = agency_of.get(r.campaign_id) if r.campaign_id else None
    return (r.campaign_id, agency, r.currency or "USD")


def create_drafts(store: Store, sponsor: str | int, month: str) -> DraftResult:
    """Draft invoices for a sponsor's month: one per campaign (and currency) with unbilled delivered reads.

    An existing draft for the same sponsor, month and campaign is refreshed and extended instead of
    duplicated. A month with nothing to bill raises ``ValidationError`` with the reason.
    """
    sp = cat.resolve_sponsor(store, sponsor)
    month = v.parse_month(month)
    date_from, date_to = v.month_bounds(month)
    res = DraftResult()
    reads = _billable(store, sp.id, date_from, date_to)
    # Reads already on an existing draft of this month count as billable for that draft.
    drafts = [d for d in istore.list_invoices(store, status="draft", sponsor_id=sp.id, kind="invoice")
              if d.period_start == date_from]
    for d in drafts:
        reads += [r for r in _billable(store, sp.id, date_from, date_to, invoice_id=d.id) if r.invoice_id == d.id]
    if not reads:
        all_reads = rstore.list_reads(store, ReadFilter(sponsor_id=sp.id, date_from=date_from, date_to=date_to))
        if not all_reads:
            raise ValidationError("month", f"nothing to bill: {sp.name} has no reads in {month}")
        billed = sorted({r.invoice_number or f"draft {r.invoice_id}" for r in all_reads if r.invoice_id})
        undelivered = [r for r in all_reads if r.status not in DELIVERED_STATUSES]
        why = []
        if billed:
            n = sum(1 for r in all_reads if r.invoice_id)
            why.append(f"{n} {'is' if n == 1 else 'are'} already on invoice {', '.join(billed)}")
        if undelivered:
            why.append(f"{len(undelivered)} not delivered (scheduled or flagged)")
        raise ValidationError("month", f"nothing to bill for {sp.name} in {month}: of its {len(all_reads)} "
                                       f"read(s), " + "; ".join(why))
    agency_of = {c.id: c.agency_id for c in campaigns.list_campaigns(store, sponsor_id=sp.id)}
    groups: dict[tuple[int | None, int | None, str], list[ReadRow]] = {}
    for r in sorted(reads, key=lambda r: (r.air_date or "", r.show_name.lower(), r.episode_number or 0,
                                          {"pre": 0, "mid": 1, "post": 2}[r.placement], r.position, r.id)):
        groups.setdefault(_group_key(r, agency_of), []).append(r)
    settings = ssvc.get_settings(store)
    with store.write():
        for (campaign_id, agency_id, currency), group in groups.items():
            lines, ids = _lines_from_reads(store, group, res.warnings)
            if not lines:
                continue
            commission_bp = commission_for(store, agency_id)
            tax_bp = int(settings.get("tax_bp") or 0)
            header = {
                "sponsor_id": sp.id, "agency_id": agency_id, "campaign_id": campaign_id, "currency": currency,
                "period_start": date_from, "period_end": date_to, "terms_days": terms_for(store, sp.id, agency_id),
                "commission_bp": commission_bp, "tax_bp": tax_bp, **totals(lines, commission_bp, tax_bp),
                "bill_to_snapshot": bill_to_snapshot(store, sp.id, agency_id, campaign_id),
            }
            existing = istore.find_drafts(store, sp.id, campaign_id, date_from, currency)
            if existing:
                draft = existing[0]
                all_lines = lines + draft_lines_manual(store, draft.id)
                header.update(totals(all_lines, commission_bp, tax_bp))
                istore.replace_draft(store, draft.id, header, all_lines, ids)
                res.updated.append(draft.id)
                invoice_id = draft.id
            else:
                invoice_id = istore.create_invoice(store, {**header, "kind": "invoice", "status": "draft"}, lines)
            res.invoices.append(istore.get_invoice(store, invoice_id))  # type: ignore[arg-type]
    if not res.invoices:
        raise ValidationError("month", f"nothing to bill for {sp.name} in {month}: " + "; ".join(res.warnings))
    for inv in res.invoices:
        for gap in gaps(inv):
            res.warnings.append(f"{inv.label}: {gap}; it can be issued once that is set")
    return res


def draft_lines_manual(store: Store, invoice_id: int) -> list[dict[str, Any]]:
    """A draft's lines that come from no read (adjustments and credits), as line dicts."""
    return [{c: getattr(ln, c) for c in istore.LINE_COLUMNS}
            for ln in istore.list_lines(store, invoice_id) if ln.read_id is None]


def refresh_draft(store: Store, invoice_id: int) -> Invoice:
    """Re-price a draft from its reads as they are now (a read flagged since is dropped, an edited
    one re-priced) and refresh bill-to, terms, commission and tax. Manual lines stay."""
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; only a draft can change")
    if inv.kind == "credit_note":
        return inv
    with store.write():
        claimed = set(istore.claimed_read_ids(store, inv.id))
        reads = [r for r in (rstore.get_read_row(store, rid) for rid in sorted(claimed)) if r is not None]
        reads = [r for r in reads if r.status in DELIVERED_STATUSES]
        reads.sort(key=lambda r: (r.air_date or "", r.show_name.lower(), r.episode_number or 0,
                                  {"pre": 0, "mid": 1, "post": 2}[r.placement], r.position, r.id))
        warnings: list[str] = []
        lines, ids = _lines_from_reads(store, reads, warnings)
        lines += draft_lines_manual(store, inv.id)
        settings = ssvc.get_settings(store)
        commission_bp = commission_for(store, inv.agency_id)
        tax_bp = int(settings.get("tax_bp") or 0)
        header = {"terms_days": terms_for(store, inv.sponsor_id, inv.agency_id), "commission_bp": commission_bp,
                  "tax_bp": tax_bp, **totals(lines, commission_bp, tax_bp),
                  "bill_to_snapshot": bill_to_snapshot(store, inv.sponsor_id, inv.agency_id, inv.campaign_id)}
        istore.replace_draft(store, inv.id, header, lines, ids)
    return get_invoice(store, inv.id)


def add_adjustment(store: Store, invoice_id: int, description: str, amount: str | int) -> Invoice:
    """Add a manual line to a draft: a positive adjustment, or a credit (negative amount)."""
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; only a draft can change")
    text = v.text(description, "description", required=True, max_len=500) or ""
    if isinstance(amount, int):
        minor = minor_units(amount, "amount", allow_negative=True)
    else:
        minor = parse_money(amount, inv.currency, "amount", allow_negative=True)
    if minor == 0:
        raise ValidationError("amount", "must not be zero")
    lines = [{c: getattr(ln, c) for c in istore.LINE_COLUMNS} for ln in inv.lines]
    lines.append({"kind": "credit" if minor < 0 else "adjustment", "description": text, "amount_minor": minor})
    header = totals(lines, inv.commission_bp, inv.tax_bp)
    istore.replace_draft(store, inv.id, header, lines, istore.claimed_read_ids(store, inv.id))
    return get_invoice(store, inv.id)


def delete_draft(store: Store, invoice_id: int) -> None:
    inv = get_invoice(store, invoice_id)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is {inv.status}; an issued invoice is never deleted (void it, or "
                            f"issue a credit note)")
    istore.delete_draft(store, inv.id)


# -- issue, paid, void ----------------------------------------------------------------------------


def _printed_fields(inv: Invoice, seller: dict[str, Any]):
    """(field, text) for every piece of text an issued invoice prints."""
    for key in ("name", "address", "email", "phone", "tax_id", "payment_instructions", "tax_label"):
        yield f"seller {key.replace('_', ' ')}", seller.get(key)
    bill = inv.bill_to_snapshot or {}
    who = bill.get("kind", "sponsor")
    for key, label in (("name", f"{who} name"), ("address", "billing address"), ("contact_name", "contact name"),
                       ("contact_email", "contact email"), ("tax_id", "buyer tax id"), ("advertiser", "advertiser"),
                       ("campaign", "campaign"), ("io_number", "IO number"), ("po_number", "PO number")):
        yield label, bill.get(key)
    yield "notes", inv.notes
    for ln in inv.lines:
        yield f"line {ln.position}", ln.description
        yield f"line {ln.position} episode title", ln.episode_title
        yield f"line {ln.position} show", ln.show_name
        yield f"line {ln.position} promo", ln.promo


def check_printable(inv: Invoice, seller: dict[str, Any]) -> None:
    """Refuse, naming the field, any character no bundled font can print: an issued invoice is permanent,
    and an empty box where a name should be cannot be corrected afterwards."""
    from sponsortrack.reports import fonts

    for name, value in _printed_fields(inv, seller):
        bad = fonts.unprintable(value if isinstance(value, str) else None)
        if bad:
            chars = ", ".join(fonts.describe(c) for c in bad[:3]) + (" …" if len(bad) > 3 else "")
            raise ValidationError(name, f"{chars} cannot be printed by the bundled fonts; "
                                        "change the text before issuing")


def issue_invoice(store: Store, ref: str | int, *, issue_date: str | dt.date | None = None) -> Invoice:
    """Issue a draft: number it from the pattern (gapless, unique across processes), fix its dates,
    terms, tax, seller and bill-to. Refused while seller settings or the billing address are missing."""
    inv = resolve_invoice(store, ref)
    if inv.status != "draft":
        raise ConflictError(f"{inv.label} is already {inv.status}")
    missing = ssvc.missing_for_issuing(store)
    if missing:
        raise ValidationError("settings", "cannot issue before the seller is set up: " + ", ".join(missing)
                              + " missing (sponsortrack settings set seller_name=... seller_address=...)")
    day = _today(issue_date)
    settings = ssvc.get_settings(store)
    ssvc.check_pattern(settings["invoice_number_pattern"])  # one saved before patterns were checked
    seller = seller_snapshot(store, strict=True)
    with store.write():
        if inv.kind == "invoice":
            inv = refresh_draft(store, inv.id)
            if not inv.lines:
                raise ValidationError("invoice", f"{inv.label} has no billable lines left; delete the draft")
        addr = (inv.bill_to_snapshot or {}).get("address")
        if not (addr or "").strip():
            who = inv.bill_to_snapshot or {}
            raise ValidationError("bill_to", f"cannot issue {inv.label}: the billing address of "
                                             f"{who.get('kind', 'sponsor')} {who.get('name')!r} is missing")
        check_printable(inv, seller)
        terms = inv.terms_days if inv.terms_days is not None else int(settings.get("default_terms_days") or 30)
        header: dict[str, Any] = {"seller_snapshot": seller,
                                  "due_date": (day + dt.timedelta(days=terms)).isoformat(), "terms_days": terms}
        if inv.kind == "invoice":
            header["tax_bp"] = inv.tax_bp
        pattern = settings["invoice_number_pattern"]
        if inv.kind == "credit_note" and settings.get("credit_note_number_pattern"):
            pattern = settings["credit_note_number_pattern"]     # its own gapless series
        istore.issue(store, inv.id, pattern=pattern, issue_date=day.isoformat(),
                     header=header)
        if inv.kind == "credit_note" and inv.credit_of:
            istore.release_credited_reads(store, inv.credit_of, [ln.read_id for ln in inv.lines if ln.read_id])
    return get_invoice(store, inv.id)


def mark_paid(store: Store, ref: str | int, on: str | dt.date | None = None) -> Invoice:
    inv = resolve_invoice(store, ref)
    day = _today(on)
    if inv.status != "issued":
        raise ConflictError(f"{inv.label} is {inv.status}; only an issued invoice can be marked paid")
    if inv.issue_date and day.isoformat() < inv.issue_date:
        raise ValidationError("on", f"{day} is before the issue date {inv.issue_date}")
    istore.set_paid(store, inv.id, day.isoformat())
    return get_invoice(store, inv.id)


def void_invoice(store: Store, ref: str | int, reason: str | None = None) -> Invoice:
    """Void an issued invoice: its number stays used (the series stays gapless), its reads are freed.
    A draft is simply deleted; a paid invoice is corrected with a credit note instead."""
    inv = resolve_invoice(store, ref)
    if inv.status == "draft":
        raise ConflictError(f"{inv.label} is a draft; delete it instead (it has no number yet)")
    if inv.status == "paid":
        raise ConflictError(f"{inv.label} is paid; correct it with a credit note instead of voiding it")
    if inv.status == "void":
        raise ConflictError(f"{inv.label} is already void")
    if inv.kind == "invoice":
        active_notes = [n for n in istore.list_invoices(store, kind="credit_note") if n.credit_of == inv.id
                        and n.status != "void"]
        if active_notes:
            raise ConflictError(f"{inv.label} has credit note {active_notes[0].number or active_notes[0].id}; "
                                f"void that first")
    note = v.text(reason, "reason", max_len=500)
    istore.void(store, inv.id, f"Void: {note}" if note else None)
    return get_invoice(store, inv.id)


def create_credit_note(store: Store, ref: str | int, *, positions: list[int] | None = None,
                       reason: str | None = None) -> Invoice:
    """A draft credit note against an issued or paid invoice: the chosen lines (all by default) with
    their amounts negated, same commission and tax rates, same bill-to. Issue it like an invoice; once
    issued, the credited reads are released so they can be corrected and billed again."""
    orig = resolve_invoice(store, ref)
    if orig.kind != "invoice" or orig.status not in ("issued", "paid"):
        raise ConflictError(f"{orig.label} is {orig.status}; a credit note corrects an issued or paid invoice")
    credited = istore.credited_read_ids(store, orig.id)
    chosen = orig.lines if not positions else [ln for ln in orig.lines if ln.position in set(positions)]
    if positions:
        unknown = sorted(set(positions) - {ln.position for ln in orig.lines})
        if unknown:
            raise ValidationError("line", f"{orig.label} has no line {unknown[0]}")
    already = [ln.position for ln in chosen if ln.read_id in credited]
    if already:
        raise ConflictError(f"line {already[0]} of {orig.label} is already credited")
    chosen = [ln for ln in chosen if ln.amount_minor != 0 or ln.read_id]
    if not chosen:
        raise ValidationError("line", "nothing to credit")
    note = v.text(reason, "reason", max_len=500)
    lines = []
    for ln in chosen:
        d = {c: getattr(ln, c) for c in istore.LINE_COLUMNS}
        d.update(kind="credit", amount_minor=-ln.amount_minor,
                 description=f"Credit for line {ln.position} of invoice {orig.number}: {ln.description}")
        lines.append(d)
    header = {"kind": "credit_note", "credit_of": orig.id, "status": "draft", "sponsor_id": orig.sponsor_id,
              "agency_id": orig.agency_id, "campaign_id": orig.campaign_id, "currency": orig.currency,
              "period_start": orig.period_start, "period_end": orig.period_end, "terms_days": 0,
              "commission_bp": orig.commission_bp, "tax_bp": orig.tax_bp,
              **totals(lines, orig.commission_bp, orig.tax_bp),
              "bill_to_snapshot": orig.bill_to_snapshot, "notes": note}
    invoice_id = istore.create_invoice(store, header, lines)
    return get_invoice(store, invoice_id)


# -- for the renderer -----------------------------------------------------------------------------


@dataclass
class InvoiceDocument:
    """Everything the invoice PDF shows, from stored data only (drafts: from the current settings)."""

    invoice: Invoice
    seller: dict[str, Any]
    bill_to: dict[str, Any]
    gaps: list[str]
    credit_of_number: str | None = None
    credit_of_date: str | None = None      # the corrected invoice's issue date (credit notes)
    settlement: str = "deduct"             # credit notes: deducted from the original's balance, or refunded
    balance: Any = None                    # payments.Balance of an issued/paid invoice, unless as issued
    void_reason: str | None = None
    void_date: str | None = None
    held_back: list[str] = field(default_factory=list)   # drafts: CPM reads waiting for their downloads

    @property
    def draft(self) -> bool:
        return self.invoice.status == "draft"


def invoice_document(store: Store, ref: str | int, *, as_issued: bool = False) -> InvoiceDocument:
    """What the PDF prints. By default the invoice as it stands: paid, part-paid (payments, credits and the
    balance due) or void. ``as_issued``: the document exactly as it was issued, byte-identical for ever."""
    from sponsortrack.services import payments as psvc

    inv = resolve_invoice(store, ref)
    if inv.status == "draft":
        seller = seller_snapshot(store)
        bill_to = inv.bill_to_snapshot or bill_to_snapshot(store, inv.sponsor_id, inv.agency_id, inv.campaign_id)
        if inv.kind == "invoice":
            bill_to = bill_to_snapshot(store, inv.sponsor_id, inv.agency_id, inv.campaign_id)
            inv.bill_to_snapshot = bill_to
    else:
        seller = inv.seller_snapshot or {}
        bill_to = inv.bill_to_snapshot or {}
    doc = InvoiceDocument(invoice=inv, seller=seller, bill_to=bill_to,
                          gaps=gaps(inv, store) if inv.status == "draft" else [],
                          credit_of_number=inv.credit_of_number)
    if inv.kind == "credit_note":
        doc.settlement = psvc.settlement_of(store, inv)
        if inv.credit_of:
            orig = istore.get_invoice(store, inv.credit_of, with_lines=False)
            doc.credit_of_date = orig.issue_date if orig else None
    if inv.status == "draft" and inv.kind == "invoice" and inv.period_start and inv.period_end:
        for r in _billable(store, inv.sponsor_id, inv.period_start, inv.period_end, inv.id):
            if r.campaign_id == inv.campaign_id and r.pricing == "cpm" and r.price_minor is None:
                ep = episode_label(r.episode_number, r.episode_title, r.episode_season)
                doc.held_back.append(f"{r.show_name} {ep}, "
                                     f"{_day_text(r.air_date)}")
    if as_issued:
        if inv.status != "draft":
            inv.status = "issued"
            inv.paid_on = None
        return doc
    if inv.status == "void":
        doc.void_date = (inv.voided_at or "")[:10] or None
        doc.void_reason = void_reason(inv.notes)
    elif inv.kind == "invoice" and inv.status in ("issued", "paid"):
        bal = psvc.balance(store, inv)
        if bal.paid_minor or bal.credited_minor or inv.status == "paid":
            doc.balance = bal
    return doc


def void_reason(notes: str | None) -> str | None:
    """The reason given when voiding (stored as a "Void: ..." line of the notes)."""
    for line in reversed((notes or "").splitlines()):
        if line.startswith("Void: "):
            return line[6:].strip() or None
    return None


def invoice_summary(inv: Invoice) -> dict[str, Any]:
    """One row for lists (CLI, CSV, the Invoices screen): stable snake_case keys, minor units."""
    return {
        "id": inv.id, "number": inv.number, "kind": inv.kind, "status": inv.status,
        "sponsor": inv.sponsor_name, "bill_to": inv.bill_to_name, "agency": inv.agency_name,
        "campaign": inv.campaign_name, "credit_of": inv.credit_of_number, "currency": inv.currency,
        "period_start": inv.period_start, "period_end": inv.period_end, "issue_date": inv.issue_date,
        "due_date": inv.due_date, "terms_days": inv.terms_days, "lines": inv.line_count or len(inv.lines),
        "subtotal_minor": inv.subtotal_minor, "commission_minor": inv.commission_minor, "net_minor": inv.net_minor,
        "tax_minor": inv.tax_minor, "total_minor": inv.total_minor, "paid_on": inv.paid_on,
        "total": format_money(inv.total_minor, inv.currency),
    }
