"""Who bills whom, under which terms: the seller and bill-to snapshots, the payment terms and the agency's
commission, and what is still missing before an invoice can be issued."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from sponsortrack.errors import ValidationError
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store, campaigns
from sponsortrack.store import catalog as cstore
from sponsortrack.store.invoices import Invoice

MAX_LOGO_BYTES = 2_000_000


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
