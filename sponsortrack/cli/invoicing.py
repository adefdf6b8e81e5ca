"""Invoices, monthly reports and CSV export: ``invoice ...``, ``report monthly``, ``export csv``.

reportlab is imported inside the commands that render, so the CLI starts fast.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import click

from sponsortrack.cli.output import emit, format_option
from sponsortrack.cli.output import store_of as _store
from sponsortrack.money import format_money
from sponsortrack.wording import count, count_of


def _group(main: click.Group, name: str, help_text: str) -> click.Group:
    """The group ``name`` of ``main``, made when no other feature made it first."""
    existing = main.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    grp = click.Group(name, help=help_text)
    main.add_command(grp)
    return grp


def register(main: click.Group) -> None:
    inv = _group(main, "invoice", "Invoices: draft from delivered reads, issue, PDF, paid, void, credit notes.")
    for cmd in (invoice_create, invoice_issue, invoice_pdf, invoice_list, invoice_show, invoice_pay, invoice_paid,
                invoice_void, invoice_credit, invoice_delete):
        inv.add_command(cmd)
    rep = _group(main, "report", "PDF reports: proof of performance, the network summary, the month-end packet.")
    rep.add_command(report_monthly)
    rep.add_command(report_packet)
    _group(main, "export", "Export data for spreadsheets and accounting.").add_command(export_csv)


def _describe(inv) -> str:
    period = inv.period_start[:7] if inv.period_start else ""
    to = f" to {inv.bill_to_name}" if inv.bill_to_name and inv.bill_to_name != inv.sponsor_name else ""
    return (f"{inv.label} for {inv.sponsor_name}{to}, {period}: {count(inv.line_count or len(inv.lines), 'line')}, "
            f"total {format_money(inv.total_minor, inv.currency)}")


# -- invoice ---------------------------------------------------------------------------------------


@click.command("create")
@click.option("--sponsor", required=True, help="Sponsor name or id.")
@click.option("--month", required=True, help="Air month to bill, YYYY-MM.")
@click.pass_context
def invoice_create(ctx: click.Context, sponsor: str, month: str) -> None:
    """Draft invoice(s) from the sponsor's unbilled delivered reads of the month (one per campaign).

    Prints the id of each draft on its own line (stdout); notes go to stderr.
    """
    from sponsortrack.services import invoicing

    res = invoicing.create_drafts(_store(ctx), sponsor, month)
    for inv in res.invoices:
        verb = "Updated" if inv.id in res.updated else "Created"
        click.echo(f"{verb} {_describe(inv)}.", err=True)
        click.echo(inv.id)
    for w in res.warnings:
        click.echo(f"note: {w}", err=True)


@click.command("issue")
@click.argument("invoice")
@click.option("--date", "issue_date", help="Issue date, YYYY-MM-DD (default today).")
@click.pass_context
def invoice_issue(ctx: click.Context, invoice: str, issue_date: str | None) -> None:
    """Issue a draft: give it the next number, fix its dates and terms. It never changes again."""
    from sponsortrack.services import invoicing

    inv = invoicing.issue_invoice(_store(ctx), invoice, issue_date=issue_date)
    click.echo(f"Issued {inv.label}: {format_money(inv.total_minor, inv.currency)} to {inv.bill_to_name}, "
               f"due {inv.due_date}.")


@click.command("pdf")
@click.argument("invoice")
@click.option("-o", "--output", required=True, type=click.Path(), help="PDF file to write.")
@click.option("--as-issued", is_flag=True,
              help="The document exactly as issued (byte-identical), without payments, PAID or VOID marks.")
@click.pass_context
def invoice_pdf(ctx: click.Context, invoice: str, output: str, as_issued: bool) -> None:
    """Write an invoice (or credit note, or draft) as PDF. INVOICE is its number or id. An issued invoice
    prints as it stands: paid, part-paid (payments, credits, balance due) or void."""
    from sponsortrack.services import invoicing

    written = invoicing.write_invoice_pdf(_store(ctx), invoice, output, as_issued=as_issued)
    assert written is not None  # None only when cancelled
    click.echo(f"Wrote {written.document.invoice.label} to {written.path}.")
    for gap in written.document.gaps:
        click.echo(f"note: {gap}", err=True)


@click.command("list")
@click.option("--status", help="draft, issued, paid or void.")
@click.option("--sponsor")
@click.option("--month", help="Billing month, YYYY-MM.")
@format_option
@click.pass_context
def invoice_list(ctx: click.Context, status: str | None, sponsor: str | None, month: str | None, fmt: str) -> None:
    """Invoices and credit notes."""
    from sponsortrack.services import invoicing

    rows = [invoicing.invoice_summary(i) for i in invoicing.list_invoices(_store(ctx), status=status,
                                                                           sponsor=sponsor, month=month)]
    if fmt == "json":
        for r in rows:
            r.pop("total")
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        r["number"] = r["number"] or f"(draft {r['id']})"
    emit(rows, ["id", "number", "kind", "status", "sponsor", "bill_to", "period_start", "issue_date", "due_date",
                "lines", "total", "paid_on"], fmt, headers={"period_start": "period", "bill_to": "bill to"})


@click.command("show")
@click.argument("invoice")
@format_option
@click.pass_context
def invoice_show(ctx: click.Context, invoice: str, fmt: str) -> None:
    """One invoice with its lines."""
    from dataclasses import asdict

    from sponsortrack.services import invoicing

    store = _store(ctx)
    inv = invoicing.resolve_invoice(store, invoice)
    if fmt == "json":
        d = invoicing.invoice_summary(inv)
        d.pop("total")
        d["lines"] = [asdict(ln) for ln in inv.lines]
        d["gaps"] = invoicing.gaps(inv, store) if inv.status == "draft" else []
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    click.echo(_describe(inv) + f" [{inv.status}]")
    if inv.kind == "invoice" and inv.billed:
        from sponsortrack.services import payments

        bal = payments.balance(store, inv)
        for p in bal.payments:
            click.echo(f"payment {p.paid_on} {format_money(p.amount_minor, inv.currency)}"
                       + (f" ref {p.reference}" if p.reference else ""))
        click.echo(f"paid {format_money(bal.paid_minor, inv.currency)} · credits "
                   f"{format_money(bal.credited_minor, inv.currency)} · balance due "
                   f"{format_money(bal.due_minor, inv.currency)}")
    rows = [{"pos": ln.position, "kind": ln.kind, "aired": ln.air_date, "description": ln.description,
             "units": ln.units, "amount": format_money(ln.amount_minor, inv.currency)} for ln in inv.lines]
    emit(rows, ["pos", "kind", "aired", "description", "units", "amount"], fmt)
    if inv.status == "draft":
        for gap in invoicing.gaps(inv, store):
            click.echo(f"note: {gap}", err=True)


@click.command("pay")
@click.argument("invoice")
@click.option("--amount", required=True, help="Amount received, in the invoice's currency (e.g. 1200.00).")
@click.option("--date", "paid_on", help="Day it was received, YYYY-MM-DD (default today).")
@click.option("--ref", "reference", help="Bank or remittance reference.")
@click.pass_context
def invoice_pay(ctx: click.Context, invoice: str, amount: str, paid_on: str | None, reference: str | None) -> None:
    """Record a payment against an issued invoice (several make up its balance; the one that settles it
    makes it paid)."""
    from sponsortrack.services import payments

    inv, bal = payments.record_payment(_store(ctx), invoice, amount=amount, on=paid_on, reference=reference)
    cur = inv.currency
    state = f"paid in full on {inv.paid_on}" if inv.status == "paid" else \
        f"balance due {format_money(bal.due_minor, cur)}"
    click.echo(f"Recorded {format_money(bal.payments[-1].amount_minor if bal.payments else 0, cur)} against "
               f"{inv.label}: paid {format_money(bal.paid_minor, cur)}, credits "
               f"{format_money(bal.credited_minor, cur)}, {state}.")


@click.command("paid")
@click.argument("invoice")
@click.option("--on", "paid_on", help="Payment date, YYYY-MM-DD (default today).")
@click.pass_context
def invoice_paid(ctx: click.Context, invoice: str, paid_on: str | None) -> None:
    """Mark an issued invoice paid."""
    from sponsortrack.services import invoicing

    inv = invoicing.mark_paid(_store(ctx), invoice, paid_on)
    click.echo(f"Marked {inv.label} paid on {inv.paid_on}.")


@click.command("void")
@click.argument("invoice")
@click.option("--reason", help="Why (kept in the invoice's notes).")
@click.pass_context
def invoice_void(ctx: click.Context, invoice: str, reason: str | None) -> None:
    """Void an issued invoice; its reads can be billed again. Its number stays used."""
    from sponsortrack.services import invoicing

    inv = invoicing.void_invoice(_store(ctx), invoice, reason)
    click.echo(f"Voided {inv.label}; its reads are free to bill again.")


@click.command("credit")
@click.argument("invoice")
@click.option("--line", "lines", type=int, multiple=True, help="Line number to credit (repeat; default all).")
@click.option("--reason", help="Why (printed on the credit note).")
@click.option("--settlement", type=click.Choice(["deduct", "refund"]), default="deduct", show_default=True,
              help="Deduct the credit from the invoice's balance due, or refund it.")
@click.pass_context
def invoice_credit(ctx: click.Context, invoice: str, lines: tuple[int, ...], reason: str | None,
                   settlement: str) -> None:
    """Draft a credit note against an issued or paid invoice (then issue it). Prints its id."""
    from sponsortrack.services import invoicing, payments

    store = _store(ctx)
    note = invoicing.create_credit_note(store, invoice, positions=list(lines) or None, reason=reason)
    payments.set_credit_settlement(store, note.id, settlement)
    click.echo(f"Created {_describe(note)}.", err=True)
    click.echo(note.id)


@click.command("delete")
@click.argument("invoice")
@click.pass_context
def invoice_delete(ctx: click.Context, invoice: str) -> None:
    """Delete a draft (its reads are freed). Issued invoices are voided or credited, never deleted."""
    from sponsortrack.services import invoicing

    store = _store(ctx)
    inv = invoicing.resolve_invoice(store, invoice)
    invoicing.delete_draft(store, inv.id)
    click.echo(f"Deleted {inv.label}.")


# -- report, export --------------------------------------------------------------------------------


@click.command("packet")
@click.option("--month", required=True, help="YYYY-MM.")
@click.option("--sponsor", help="Only this sponsor (default: every sponsor with reads in the month).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--combined/--separate", default=None,
              help="One PDF per sponsor, or invoice and POP apart (default: the packet_combined setting).")
@click.pass_context
def report_packet(ctx: click.Context, month: str, sponsor: str | None, output: str, combined: bool | None) -> None:
    """Month-end packet: each sponsor's invoice(s) and proof of performance, and a CSV of its reads."""
    from sponsortrack.services import packet

    def progress(done: int, total: int, text: str) -> None:
        click.echo(f"[{done}/{total}] {text}", err=True)

    res = packet.month_packet(_store(ctx), month, output, sponsor=sponsor, combined=combined, progress=progress)
    for note in res.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Wrote {count(len(res.files), 'file')} for {count(len(res.sponsors), 'sponsor')} to {res.folder}.")


@click.command("monthly")
@click.option("--month", required=True, help="YYYY-MM.")
@click.option("--sponsor", help="The sponsor's proof of performance (without: the network summary).")
@click.option("-o", "--output", required=True, type=click.Path(), help="PDF file to write.")
@click.pass_context
def report_monthly(ctx: click.Context, month: str, sponsor: str | None, output: str) -> None:
    """Monthly PDF: a sponsor's proof of performance, or the network summary."""
    from sponsortrack.services import reporting

    w = reporting.write_monthly_pdf(_store(ctx), month, output, sponsor=sponsor or None)
    assert w is not None  # None only when cancelled
    if w.sponsor is not None:
        click.echo(f"Wrote the proof of performance for {w.sponsor}, {w.month}, to {w.path} ({w.reads} reads).")
    else:
        click.echo(f"Wrote the network summary for {w.month} to {w.path}.")


@click.command("csv")
@click.option("--what", type=click.Choice(["reads", "invoices"]), required=True)
@click.option("--month", help="Air month (reads) or billing month (invoices), YYYY-MM.")
@click.option("--sponsor")
@click.option("-o", "--output", required=True, type=click.Path(), help="CSV file to write ('-': standard output).")
@click.pass_context
def export_csv(ctx: click.Context, what: str, month: str | None, sponsor: str | None, output: str) -> None:
    """Reads or invoices as CSV, safe to open in a spreadsheet (formulas neutralised)."""
    from sponsortrack.services import export

    store = _store(ctx)
    if what == "reads":
        filters: dict[str, Any] = {k: val for k, val in (("month", month), ("sponsor", sponsor)) if val}
        if output != "-":
            written = export.export_reads(store, output, **filters)  # History ▸ Export CSV makes this call too
            assert written is not None  # None only when cancelled
            click.echo(f"Wrote {count_of(written[1], what)} to {written[0]}.")
            return
        records: Iterable[Sequence[Any]] = export.read_records(store, **filters)  # cells as written
        columns = export.READ_COLUMNS
    else:
        rows = export.invoice_rows(store, month=month, sponsor=sponsor)
        columns = export.INVOICE_COLUMNS
        records = (export.safe_cells(r.get(c) for c in columns) for r in rows)
    if output == "-":  # the convention: '-' is standard output (the summary goes to stderr)
        n = 0

        def counted():
            nonlocal n
            for cells in records:
                n += 1
                yield cells

        for chunk in export.csv_chunks(counted(), columns, guarded=True):
            click.echo(chunk, nl=False)
        click.echo(f"Wrote {count_of(n, what)} to standard output.", err=True)
        return
    path, n = export.stream_csv(records, columns, output, guarded=True)
    click.echo(f"Wrote {count_of(n, what)} to {path}.")
