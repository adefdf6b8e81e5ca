"""What the read tables show in each cell: the columns, a read's text and raw (sort) value per column, the
price as words, and the Link column's tooltip. Plain functions of a :class:`ReadRow` (no model state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor

from sponsortrack.money import format_money
from sponsortrack.store.models import ReadRow
from sponsortrack.wording import natural_key

if TYPE_CHECKING:
    from sponsortrack.store.links import LinkCheck


@dataclass(frozen=True)
class ReadColumn:
    key: str          # also the store's sort key (store.reads.SORTS)
    title: str
    align: str = "left"
    sortable: bool = True


COLUMNS = [
    ReadColumn("air_date", "Date"),
    ReadColumn("show", "Show"),
    ReadColumn("episode", "Ep", "right"),
    ReadColumn("title", "Episode"),
    ReadColumn("sponsor", "Sponsor"),
    ReadColumn("placement", "Placement"),
    ReadColumn("read_type", "Type"),
    ReadColumn("promo_url", "Promo URL"),
    ReadColumn("link", "Link", sortable=False),
    ReadColumn("promo_code", "Code"),
    ReadColumn("status", "Status"),
    ReadColumn("price", "Price", "right"),
    ReadColumn("invoice", "Invoice"),
]
COL = {c.key: i for i, c in enumerate(COLUMNS)}

STATUS_COLORS = {"flagged": QColor(214, 69, 69), "scheduled": QColor(150, 150, 160)}
LINK_COL = COL["link"]  # VERDICT_ROLE there: the raw verdict (None: no promo URL, or never checked)


def price_text(r: ReadRow) -> str:
    p = r.price_minor
    if p is None:
        return "—" if r.campaign_id is None else "pending"
    if p == 0 and r.make_good_of is not None:
        return "make-good"
    return format_money(p, r.currency or "USD")


def cell_text(r: ReadRow, key: str) -> str:
    if key == "air_date":
        return r.air_date or ""
    if key == "show":
        return r.show_name
    if key == "episode":
        return r.episode_code.lstrip("#")  # "62", or "S2 E5" in a show with seasons
    if key == "title":
        return r.episode_title
    if key == "sponsor":
        return r.sponsor_name
    if key == "placement":
        return f"{r.placement} {r.position}" if r.position > 1 else r.placement
    if key == "read_type":
        return r.read_type
    if key == "promo_url":
        return r.promo_url or ""
    if key == "promo_code":
        return r.promo_code or ""
    if key == "status":
        return r.status + (" (make-good)" if r.make_good_of else "")
    if key == "price":
        return price_text(r)
    if key == "invoice":
        return r.invoice_number or ("draft" if r.invoice_id else "")
    return ""


def raw_value(r: ReadRow, key: str) -> Any:
    return {
        "air_date": r.air_date, "show": r.show_name.casefold(), "episode": r.episode_number,
        "title": natural_key(r.episode_title), "sponsor": r.sponsor_name.casefold(),
        "placement": ({"pre": 0, "mid": 1, "post": 2}[r.placement], r.position), "read_type": r.read_type,
        "promo_url": r.promo_url, "promo_code": r.promo_code, "status": r.status, "price": r.price_minor,
        "invoice": r.invoice_number,
    }.get(key)


def link_tooltip(r: ReadRow, chk: LinkCheck | None) -> str | None:
    if not r.promo_url:
        return None
    if chk is None:
        return f"{r.promo_url}\nNot checked yet (the Links page checks every promo URL)."
    from sponsortrack.linkcheck.model import VERDICT_LABELS, VERDICT_MEANINGS

    head = VERDICT_LABELS.get(chk.verdict, chk.verdict)
    lines = [f"{head}: {chk.explanation or VERDICT_MEANINGS.get(chk.verdict, '')}".rstrip(": ")]
    if chk.final_url and chk.final_url != r.promo_url:
        lines.append(f"Lands on {chk.final_url}")
    lines.append(f"Checked {chk.checked_at[:16].replace('T', ' ')} UTC"
                 + (f" · HTTP {chk.status_code}" if chk.status_code else ""))
    return "\n".join(lines)
