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

The rooms: :mod:`.records` (finding invoices), :mod:`.lines` (lines and totals), :mod:`.parties` (seller,
bill-to, terms), :mod:`.drafts`, :mod:`.issuing` (issue, paid, void, credit notes), :mod:`.document` (what
the PDF prints, and writing it). Callers use this package's names: ``from sponsortrack.services import
invoicing; invoicing.issue_invoice(...)``.
"""

from sponsortrack.services.invoicing.document import invoice_document, write_invoice_pdf
from sponsortrack.services.invoicing.drafts import (
    DraftResult,
    add_adjustment,
    create_drafts,
    delete_draft,
    refresh_draft,
)
from sponsortrack.services.invoicing.issuing import (
    check_printable,
    create_credit_note,
    issue_invoice,
    mark_paid,
    void_invoice,
)
from sponsortrack.services.invoicing.lines import (
    draft_lines_manual,
    line_for_read,
    line_order,
    make_good_context,
    totals,
)
from sponsortrack.services.invoicing.parties import (
    MAX_LOGO_BYTES,
    bill_to_snapshot,
    commission_for,
    gaps,
    seller_snapshot,
    terms_for,
)
from sponsortrack.services.invoicing.records import (
    default_month,
    get_invoice,
    invoice_summary,
    list_invoices,
    resolve_invoice,
    void_reason,
)
from sponsortrack.store.models import episode_label

__all__ = [
    "MAX_LOGO_BYTES", "DraftResult", "add_adjustment", "bill_to_snapshot", "check_printable", "commission_for",
    "create_credit_note", "create_drafts", "default_month", "delete_draft", "draft_lines_manual", "episode_label",
    "gaps", "get_invoice", "invoice_document", "invoice_summary", "issue_invoice", "line_for_read", "line_order",
    "list_invoices", "make_good_context", "mark_paid", "refresh_draft", "resolve_invoice", "seller_snapshot",
    "terms_for", "totals", "void_invoice", "void_reason", "write_invoice_pdf",
]
