"""Editors for shows, episodes, sponsors, agencies and campaigns. Every save is one undoable operation
through the services; their validation messages appear under the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from sponsortrack import validation as v
from sponsortrack.money import exponent, to_decimal
from sponsortrack.services import catalog as cat
from sponsortrack.store.models import Agency, Campaign, Episode, Show, Sponsor
from sponsortrack.ui import operations as ops
from sponsortrack.ui.context import AppContext
from sponsortrack.ui.widgets.form import FormDialog


def money_text(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    return f"{to_decimal(minor, currency):.{exponent(currency)}f}"


def percent_text(bp: int | None) -> str:
    if bp is None:
        return ""
    return f"{(Decimal(bp) / 100).normalize():f}"


class RecordDialog(FormDialog):
    """Create (``obj is None``) or edit one record of ``kind``; edits send only the changed fields."""

    kind = ""

    def __init__(self, ctx: AppContext, obj: Any = None, parent: QWidget | None = None):
        self.ctx = ctx
        self.obj = obj
        self.result_obj: Any = obj
        super().__init__(("Edit " if obj else "New ") + self.kind, parent)
        self.build()

    def build(self) -> None:
        raise NotImplementedError

    def to_service(self, values: dict[str, Any]) -> dict[str, Any]:
        """Turn form values into the service's keyword arguments (blank text clears a field on edit)."""
        return values

    def submit(self, values: dict[str, Any]) -> None:
        if self.obj is None:
            clean = {k: val for k, val in self.to_service(values).items() if val not in ("", None)}
            self.result_obj = ops.create(self.ctx, self.kind, **clean)
        else:
            changed = self.to_service(self.changed_values())
            if changed:
                ops.edit(self.ctx, self.kind, self.obj.id, **changed)


class ShowDialog(RecordDialog):
    kind = "show"

    def build(self) -> None:
        s: Show | None = self.obj
        self.add_field("name", "Name", value=s.name if s else "")
        self.add_field("website", "Website", value=s.website if s else "", placeholder="https://…")
        self.add_field("feed_url", "RSS feed", value=s.feed_url if s else "", placeholder="https://…/feed")
        self.add_field("description", "Description", QPlainTextEdit(), value=s.description if s else "")


class EpisodeDialog(RecordDialog):
    kind = "episode"

    def build(self) -> None:
        e: Episode | None = self.obj
        if e is None:
            shows = [(s.name, s.id) for s in cat.list_shows(self.ctx.store)]
            box = self.combo(shows)
            self.add_field("show", "Show", box, aliases=("show_id",))
            last = self.ctx.config.last_show_id()
            if last is not None and box.findData(last) >= 0:
                box.setCurrentIndex(box.findData(last))
        else:
            self.form.addRow("Show", QLabel(e.show_name or ""))
        self.add_field("season", "Season", value=e.season if e and e.season is not None else "",
                       placeholder="none", hint="For a show whose episode numbers restart each season.")
        self.add_field("number", "Number", value=e.number if e else "", placeholder="next number")
        self.add_field("title", "Title", value=e.title if e else "")
        self.add_field("recorded_on", "Recorded on", value=e.recorded_on if e else "", placeholder="YYYY-MM-DD")
        self.add_field("published_on", "Published on", value=e.published_on if e else "",
                       placeholder="YYYY-MM-DD")
        self.add_field("duration_seconds", "Duration", value=v.format_duration(e.duration_seconds) if e else "",
                       placeholder="H:MM:SS", aliases=("duration",))
        kinds = self.combo([(t.capitalize(), t) for t in cat.EPISODE_TYPES])
        self.add_field("episode_type", "Type", kinds, value=e.episode_type if e else "full")
        self.add_field("link", "Episode page", value=e.link if e else "", placeholder="https://…")
        self.add_field("enclosure_url", "Audio file", value=e.enclosure_url if e and e.enclosure_url else "",
                       placeholder="https://…/episode.mp3")
        self.add_field("guid", "Feed GUID", value=e.guid if e else "")
        notes = QPlainTextEdit()
        notes.setMaximumHeight(140)
        self.add_field("show_notes", "Show notes", notes, value=e.show_notes if e else "")

    def submit(self, values: dict[str, Any]) -> None:
        if self.obj is None and values.get("number") in ("", None) and values.get("show"):
            season = v.positive_int(values.get("season"), "season", allow_none=True, maximum=cat.MAX_SEASON)
            values["number"] = cat.next_episode_number(self.ctx.store, int(values["show"]), season)
        super().submit(values)


class BillingDialog(RecordDialog):
    """Agencies and sponsors are billed alike: contact, address, tax id, payment terms."""

    def add_billing_fields(self, o: Agency | Sponsor | None) -> None:
        self.add_field("contact_name", "Contact", value=o.contact_name if o else "")
        self.add_field("contact_email", "E-mail", value=o.contact_email if o else "")
        self.add_field("billing_address", "Billing address", QPlainTextEdit(),
                       value=o.billing_address if o else "")
        self.add_field("tax_id", "Tax / VAT id", value=o.tax_id if o and o.tax_id else "")
        self.add_field("terms_days", "Terms (days)", value=o.terms_days if o and o.terms_days is not None else "",
                       placeholder="blank = the payment terms in Preferences")


class AgencyDialog(BillingDialog):
    kind = "agency"

    def build(self) -> None:
        a: Agency | None = self.obj
        self.add_field("name", "Name", value=a.name if a else "")
        self.add_field("commission", "Commission %", value=percent_text(a.commission_bp) if a else "15",
                       aliases=("commission_bp",))
        self.add_billing_fields(a)
        self.add_field("notes", "Notes", QPlainTextEdit(), value=a.notes if a else "")


class SponsorDialog(BillingDialog):
    kind = "sponsor"

    def build(self) -> None:
        s: Sponsor | None = self.obj
        self.add_field("name", "Name", value=s.name if s else "")
        self.add_field("domains", "Web domains", value=", ".join(s.domains) if s else "",
                       placeholder="digitalocean.com, do.co",
                       hint="Promo links must land on one of these (the link check uses them).")
        self.add_field("aliases", "Also known as", value=", ".join(s.aliases) if s else "", aliases=("alias",),
                       placeholder="DO, Digital Ocean",
                       hint="Other names in show notes, comma-separated: imports recognise the sponsor by them.")
        self.add_billing_fields(s)
        agencies = [("— none —", None)] + [(a.name, a.id) for a in cat.list_agencies(self.ctx.store)]
        self.add_field("agency_id", "Agency of record", self.combo(agencies), value=s.agency_id if s else None,
                       aliases=("agency",))
        self.add_field("notes", "Notes", QPlainTextEdit(), value=s.notes if s else "")

    def to_service(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if "domains" in out and self.obj is None and not out["domains"]:
            out.pop("domains")
        return out


class CampaignDialog(RecordDialog):
    kind = "campaign"

    def build(self) -> None:
        c: Campaign | None = self.obj
        store = self.ctx.store
        sponsors = [(s.name, s.id) for s in cat.list_sponsors(store)]
        self.add_field("sponsor_id", "Sponsor", self.combo(sponsors), value=c.sponsor_id if c else None,
                       aliases=("sponsor",))
        self.add_field("name", "Campaign name", value=c.name if c else "", placeholder="e.g. Q1 2026 podcast flight")
        agencies = [("— direct —", None)] + [(a.name, a.id) for a in cat.list_agencies(store)]
        self.add_field("agency_id", "Agency", self.combo(agencies), value=c.agency_id if c else None,
                       aliases=("agency",))
        shows = [("— every show —", None)] + [(s.name, s.id) for s in cat.list_shows(store)]
        self.add_field("show_id", "Show", self.combo(shows), value=c.show_id if c else None, aliases=("show",))
        self.add_field("io_number", "IO number", value=c.io_number if c else "")
        self.add_field("po_number", "PO number", value=c.po_number if c else "")
        self.add_field("start_date", "Flight start", value=c.start_date if c else "", placeholder="YYYY-MM-DD")
        self.add_field("end_date", "Flight end", value=c.end_date if c else "", placeholder="YYYY-MM-DD")
        pricing = [("flat — per read", "flat"), ("per episode", "per_episode"), ("CPM — per 1,000 downloads", "cpm")]
        self.add_field("pricing", "Pricing", self.combo(pricing), value=c.pricing if c else "flat")
        self.add_field("rate", "Rate", value=money_text(c.rate_minor, c.currency) if c else "",
                       aliases=("rate_minor",), placeholder="e.g. 1,200.00 (per read, episode or 1,000)")
        self.add_field("currency", "Currency", value=c.currency if c else "USD")
        self.add_field("booked_reads", "Booked reads",
                       value=c.booked_reads if c and c.booked_reads is not None else "")
        self.add_field("booked_impressions", "Booked downloads (CPM)",
                       value=c.booked_impressions if c and c.booked_impressions is not None else "")
        self.add_field("download_window_days", "Download window (days)", value=c.download_window_days if c else 30)
        self.add_field("default_placement", "Default placement",
                       self.combo([(p, p) for p in v.PLACEMENTS]), value=c.default_placement if c else "mid")
        self.add_field("default_read_type", "Default read type",
                       self.combo([(p, p) for p in v.READ_TYPES]), value=c.default_read_type if c else "host")
        self.add_field("promo_url", "Promo URL", value=c.promo_url if c else "", placeholder="https://…")
        self.add_field("promo_code", "Promo code", value=c.promo_code if c else "")
        self.add_field("status", "Status", self.combo([(s, s) for s in v.CAMPAIGN_STATUSES]),
                       value=c.status if c else "active")
        self.add_field("talking_points", "Talking points", QPlainTextEdit(), value=c.talking_points if c else "")

    def to_service(self, values: dict[str, Any]) -> dict[str, Any]:
        out = dict(values)
        if self.obj is not None and "currency" in out and "rate" not in out:
            out["rate"] = self.values()["rate"]
        return out
