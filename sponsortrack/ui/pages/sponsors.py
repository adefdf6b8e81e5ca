"""Sponsors (with their aliases, domains, contact and billing address) and the agencies that buy for them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sponsortrack.money import format_percent
from sponsortrack.services import catalog as cat
from sponsortrack.store.models import Sponsor
from sponsortrack.ui import context as c
from sponsortrack.ui.dialogs.records import AgencyDialog, SponsorDialog
from sponsortrack.ui.models.table import Column
from sponsortrack.ui.pages.base import RecordTable, splitter
from sponsortrack.ui.text import Html, rich
from sponsortrack.ui.theme import set_role
from sponsortrack.ui.widgets.panels import CardLabel

NO_DOMAINS = Html("<i>none — link checks cannot confirm the landing site</i>")
NO_ALIASES = Html("<i>no other names — imports know it by its name and domains</i>")

SPONSOR_COLUMNS = [
    Column("name", "Sponsor", lambda s: s.name, width=170),
    Column("domains", "Domains", lambda s: ", ".join(s.domains), width=220),
    Column("contact", "Contact", lambda s: " · ".join(x for x in (s.contact_name, s.contact_email) if x), width=230),
    Column("terms", "Terms", lambda s: f"{s.terms_days} days" if s.terms_days is not None else "",
           lambda s: s.terms_days, align="right", width=70),
    Column("agency", "Agency", lambda s: s.agency_name, width=140),
]
AGENCY_COLUMNS = [
    Column("name", "Agency", lambda a: a.name, width=170),
    Column("commission", "Commission", lambda a: format_percent(a.commission_bp), lambda a: a.commission_bp,
           align="right", width=90),
    Column("terms", "Terms", lambda a: f"{a.terms_days} days" if a.terms_days is not None else "",
           lambda a: a.terms_days, align="right", width=80),
    Column("contact", "Contact", lambda a: " · ".join(x for x in (a.contact_name, a.contact_email) if x)),
]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


class SponsorsPage(QWidget):
    WATCHES = frozenset({c.SPONSORS, c.AGENCIES, c.CAMPAIGNS, c.READS})

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.sponsors = RecordTable(ctx, "sponsor", SPONSOR_COLUMNS, SponsorDialog, "Sponsors")
        self.agencies = RecordTable(ctx, "agency", AGENCY_COLUMNS, AgencyDialog, "Agencies")
        self.sponsors.fit_columns("contact", drop=("agency", "terms"))  # narrow: fits, the detail says the rest
        self.agencies.fit_columns("contact")
        self.detail = CardLabel()
        self.detail.setObjectName("sponsor_detail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumWidth(280)
        self.detail.setMargin(12)
        self.reads_button = QPushButton("Its reads in History")
        self.reads_button.setObjectName("sponsor_reads")
        self.reads_button.clicked.connect(self._open_reads)
        self.invoices_button = QPushButton("Its invoices")
        self.invoices_button.setObjectName("sponsor_invoices")
        self.invoices_button.clicked.connect(self._open_invoices)
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        side_lay.addWidget(self.detail, 1)
        jumps = QHBoxLayout()
        jumps.addWidget(self.reads_button)
        jumps.addWidget(self.invoices_button)
        jumps.addStretch(1)
        side_lay.addLayout(jumps)
        # the detail scrolls within its pane: below the list (a narrow window) it leaves the list its rows
        side_scroll = QScrollArea()
        side_scroll.setObjectName("sponsor_detail_scroll")
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setWidget(side)
        side_scroll.setMinimumWidth(side.minimumSizeHint().width() + side_scroll.verticalScrollBar().sizeHint().width())
        top = splitter(self.sponsors, side_scroll, (840, 300))
        vs = QSplitter(Qt.Orientation.Vertical)
        vs.addWidget(top)
        vs.addWidget(self.agencies)
        vs.setSizes([520, 220])
        lay = QVBoxLayout(self)
        title = QLabel("Sponsors")
        set_role(title, "h1")
        lay.addWidget(title)
        lay.addWidget(vs, 1)
        self.sponsors.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self._agency_names: dict[int, str] = {}

    def refresh(self) -> None:
        store = self.ctx.store
        agencies = cat.list_agencies(store)
        self._agency_names = {a.id: a.name for a in agencies}
        sponsors = cat.list_sponsors(store)
        for s in sponsors:
            s.agency_name = self._agency_names.get(s.agency_id) if s.agency_id is not None else None  # type: ignore[attr-defined]
        self.sponsors.set_items(sponsors)
        self.agencies.set_items(agencies)
        if self.sponsors.selected() is None and sponsors:
            self.sponsors.view.selectRow(0)
        self._show_detail()

    def _show_detail(self) -> None:
        s: Sponsor | None = self.sponsors.selected()
        self.reads_button.setEnabled(s is not None)
        self.invoices_button.setEnabled(s is not None)
        if s is None:
            self.detail.setText("Select a sponsor.")
            return
        usage = cat.sponsor_usage(self.ctx.store, s.id)
        agency = self._agency_names.get(s.agency_id, "—") if s.agency_id else "direct"
        parts = [f"<h3>{rich(s.name)}</h3>",
                 f"<b>Also known as</b><br>{rich(', '.join(s.aliases)) if s.aliases else NO_ALIASES}",
                 f"<br><br><b>Domains</b><br>{rich(', '.join(s.domains)) if s.domains else NO_DOMAINS}",
                 f"<br><br><b>Contact</b><br>{rich(s.contact_name or '—')}<br>{rich(s.contact_email or '')}",
                 f"<br><br><b>Billing address</b><br>{rich(s.billing_address or '—')}",
                 f"<br><br><b>Agency</b><br>{rich(agency)}",
                 f"<br><br><b>Used by</b><br>{rich(_count(usage.get('campaigns', 0), 'campaign'))} · "
                 f"{rich(_count(usage.get('reads', 0), 'read'))} · {rich(_count(usage.get('invoices', 0), 'invoice'))}"]
        if s.notes:
            parts.append(f"<br><br><b>Notes</b><br>{rich(s.notes)}")
        self.detail.setText("".join(parts))

    def _open_reads(self) -> None:
        s = self.sponsors.selected()
        if s is not None:
            self.ctx.navigate.emit("history", {"sponsor_id": s.id})

    def _open_invoices(self) -> None:
        s = self.sponsors.selected()
        if s is not None:
            self.ctx.navigate.emit("invoices", {"sponsor_id": s.id, "search": s.name})

    def new_item(self) -> None:
        self.sponsors.new_item()

    def delete_selected(self) -> None:
        self.sponsors.delete_selected()

    def focus_search(self) -> None:
        self.sponsors.search.setFocus()
