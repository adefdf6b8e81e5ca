"""What the PDF documents print: plain data, gathered by the services, rendered by :mod:`sponsortrack.reports`.

The documents depend on these classes and on the store's model dataclasses only, never on the services
(tests/test_reports_data_only.py reads the imports): a document is a pure function of its data. No reportlab
here either, so the services import this module at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.store.invoices import Invoice
from sponsortrack.store.models import Campaign, Pacing, ReadRow, Sponsor

PLACEMENT_LABELS = {"pre": "Pre-roll", "mid": "Mid-roll", "post": "Post-roll"}


# -- labels ---------------------------------------------------------------------------------------


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


# -- the monthly proof of performance ------------------------------------------------------------


@dataclass
class CampaignDelivery:
    """One insertion order in a POP: booked against delivered, this month and to date."""

    campaign: Campaign
    month_reads: int
    month_impressions: int
    to_date_reads: int
    to_date_impressions: int
    make_goods_owed: int
    make_goods_delivered: int
    month_amount_minor: int
    unpriced_reads: int = 0

    @property
    def booked(self) -> int | None:
        return self.campaign.booked_impressions if self.campaign.pricing == "cpm" else self.campaign.booked_reads

    @property
    def unit(self) -> str:
        return "impressions" if self.campaign.pricing == "cpm" else "reads"

    @property
    def delivered_to_date(self) -> int:
        return self.to_date_impressions if self.campaign.pricing == "cpm" else self.to_date_reads

    @property
    def delivered_month(self) -> int:
        return self.month_impressions if self.campaign.pricing == "cpm" else self.month_reads

    @property
    def percent_delivered(self) -> float | None:
        """For display only (never on the money path)."""
        return None if not self.booked else 100 * self.delivered_to_date / self.booked


@dataclass
class WeekBar:
    start: str       # Monday of the week (ISO)
    label: str       # e.g. "7 Oct"
    reads: int = 0
    impressions: int = 0


@dataclass
class LinkHealth:
    url: str
    reads: int
    checked_at: str | None = None
    verdict: str | None = None
    status_code: int | None = None
    final_url: str | None = None
    explanation: str | None = None


@dataclass
class PopData:
    sponsor: Sponsor
    month: str
    period_start: str
    period_end: str
    prepared_on: str
    seller: dict
    agencies: list[str]
    campaigns: list[CampaignDelivery]
    reads: list[ReadRow]
    weeks: list[WeekBar]
    links: list[LinkHealth]
    link_checks_exist: bool
    amounts: dict[str, int] = field(default_factory=dict)   # currency -> delivered value this month
    episode_links: dict[int, str | None] = field(default_factory=dict)     # episode id -> its web page
    snapshots: dict[int, tuple[int, str]] = field(default_factory=dict)    # CPM read id -> (day, source)
    make_goods: dict[int, ReadRow] = field(default_factory=dict)           # not-delivered read id -> make-good
    logo: str | None = None                                                # the seller's logo (base64)
    # Where the published show notes and the logged reads disagree (services.reconcile.reconcile);
    # each with ``kind`` and a one-line ``message``.
    exceptions: list[dict] = field(default_factory=list)

    @property
    def not_delivered(self) -> list[ReadRow]:
        """Flagged reads, and scheduled ones that never aired: listed apart, outside the attestation."""
        return [r for r in self.reads if r.status not in DELIVERED_STATUSES]

    @property
    def delivered(self) -> list[ReadRow]:
        return [r for r in self.reads if r.status in DELIVERED_STATUSES]

    @property
    def any_cpm(self) -> bool:
        return any(c.campaign.pricing == "cpm" for c in self.campaigns)


# -- the network summary -----------------------------------------------------------------------


@dataclass
class RevenueRow:
    name: str
    currency: str
    reads: int
    amount_minor: int
    unpriced: int = 0


@dataclass
class SummaryData:
    month: str
    period_start: str
    period_end: str
    prepared_on: str
    seller: dict
    by_sponsor: list[RevenueRow]
    by_show: list[RevenueRow]
    pacing: list[Pacing]
    unbilled: list[RevenueRow]           # delivered this month, not billed (no invoice, or a draft)
    unbilled_earlier: list[dict]         # {sponsor_name, reads, first_air} before this month
    overdue: list[Invoice]               # balance due left on the period's last day, past their due date
    invoiced: list[Invoice]              # numbered in the month, void ones too (the series reads gapless)
    totals: dict[str, int] = field(default_factory=dict)
    reads_total: int = 0
    flagged: int = 0
    receivables: list[Invoice] = field(default_factory=list)   # balance due left on the period's last day
    balances: dict[int, Any] = field(default_factory=dict)     # invoice id -> payments.Balance at period end


# -- the invoice -------------------------------------------------------------------------------


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
