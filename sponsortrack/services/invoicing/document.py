"""The invoice PDF: what it prints (:class:`~sponsortrack.reports.data.InvoiceDocument`, from stored data
only; a draft from the current settings), and the one call the CLI and the window make to write it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sponsortrack.reports.data import InvoiceDocument
from sponsortrack.services.invoicing.lines import billable_reads, day_text
from sponsortrack.services.invoicing.parties import bill_to_snapshot, gaps, seller_snapshot
from sponsortrack.services.invoicing.records import resolve_invoice, void_reason
from sponsortrack.store import Store
from sponsortrack.store import invoices as istore
from sponsortrack.store.models import episode_label


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
        for r in billable_reads(store, inv.sponsor_id, inv.period_start, inv.period_end, inv.id):
            if r.campaign_id == inv.campaign_id and r.pricing == "cpm" and r.price_minor is None:
                ep = episode_label(r.episode_number, r.episode_title, r.episode_season)
                doc.held_back.append(f"{r.show_name} {ep}, "
                                     f"{day_text(r.air_date)}")
    if as_issued:
        if inv.status != "draft":
            inv.status = "issued"
            inv.paid_on = None
        return doc
    if inv.status == "void":
        doc.void_date = (inv.voided_at or "")[:10] or None
        doc.void_reason = void_reason(inv.notes)
    elif inv.kind == "invoice" and inv.billed:
        bal = psvc.balance(store, inv)
        if bal.paid_minor or bal.credited_minor or inv.status == "paid":
            doc.balance = bal
    return doc


@dataclass
class WrittenInvoice:
    """What :func:`write_invoice_pdf` wrote: the file, and the document it holds (its label, its gaps)."""

    path: Path
    document: InvoiceDocument


def write_invoice_pdf(store: Store, ref: str | int, path: str | os.PathLike[str], *, as_issued: bool = False,
                      progress: Callable[[int, int, str], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> WrittenInvoice | None:
    """Gather the invoice's document, render it and write it atomically (never over the open database):
    the one call behind ``invoice pdf`` and the Invoices page. ``progress(done, total, text)`` is told
    between the steps; ``cancelled()`` is asked before rendering (None: it was)."""
    from sponsortrack.outputs import write_atomic
    from sponsortrack.reports.invoice import invoice_pdf_bytes

    step = progress or (lambda *_: None)
    step(0, 2, "Reading the invoice")
    doc = invoice_document(store, ref, as_issued=as_issued)
    if cancelled is not None and cancelled():
        return None
    step(1, 2, "Rendering the PDF")
    out = write_atomic(invoice_pdf_bytes(doc), path)
    step(2, 2, "Done")
    return WrittenInvoice(path=out, document=doc)
