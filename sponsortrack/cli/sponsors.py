"""Advertiser commands: ``sponsors list|add|edit|delete`` and ``agencies list|add`` (agencies of record)."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option, given, records, resolved
from sponsortrack.cli.output import store_of as _store
from sponsortrack.money import format_percent


def register(main: click.Group) -> None:
    main.add_command(sponsors)
    main.add_command(agencies)


@click.group()
def sponsors() -> None:
    """Advertisers."""


def _sponsor_options(f):
    for opt in reversed([
        click.option("--domains", help="Domains promo links must land on, comma-separated."),
        click.option("--contact-name"),
        click.option("--contact-email"),
        click.option("--billing-address", help="Billing address (use \\n for new lines)."),
        click.option("--tax-id", help="The sponsor's tax / VAT id (printed on its invoices)."),
        click.option("--terms-days", help="Payment terms in days (overrides the default)."),
        click.option("--agency", help="Agency of record."),
        click.option("--notes"),
    ]):
        f = opt(f)
    return f


def _unescape(opts: dict) -> dict:
    if opts.get("billing_address"):
        opts["billing_address"] = opts["billing_address"].replace("\\n", "\n")
    return opts


@sponsors.command("list")
@format_option
@click.pass_context
def sponsors_list(ctx: click.Context, fmt: str) -> None:
    from sponsortrack.services import catalog

    rows = records(catalog.list_sponsors(_store(ctx)), fmt,
                   lambda s: {"domains": ", ".join(s.domains), "aliases": ", ".join(s.aliases)})
    emit(rows, ["id", "name", "aliases", "domains", "contact_name", "contact_email", "terms_days"], fmt)


@sponsors.command("add")
@click.argument("name")
@_sponsor_options
@click.pass_context
def sponsors_add(ctx: click.Context, name: str, **opts) -> None:
    from sponsortrack.services import catalog

    sp = catalog.add_sponsor(_store(ctx), name=name, **_unescape(given(**opts)))
    click.echo(f"Added sponsor {sp.name} (id {sp.id}).")


@sponsors.command("edit")
@click.argument("sponsor")
@click.option("--name", help="New name.")
@_sponsor_options
@click.pass_context
def sponsors_edit(ctx: click.Context, sponsor: str, **opts) -> None:
    from sponsortrack.services import catalog

    store, sp = resolved(ctx, catalog.resolve_sponsor, sponsor)
    sp = catalog.edit_sponsor(store, sp.id, **_unescape(given(**opts)))
    click.echo(f"Updated sponsor {sp.name} (id {sp.id}).")


@sponsors.command("delete")
@click.argument("sponsor")
@click.pass_context
def sponsors_delete(ctx: click.Context, sponsor: str) -> None:
    from sponsortrack.services import catalog

    store, sp = resolved(ctx, catalog.resolve_sponsor, sponsor)
    catalog.delete_sponsor(store, sp.id)
    click.echo(f"Deleted sponsor {sp.name}.")


@click.group()
def agencies() -> None:
    """Agencies of record."""


@agencies.command("list")
@format_option
@click.pass_context
def agencies_list(ctx: click.Context, fmt: str) -> None:
    from sponsortrack.services import catalog

    rows = records(catalog.list_agencies(_store(ctx)), fmt, lambda a: {"commission": format_percent(a.commission_bp)})
    cols = ["id", "name", "commission" if fmt != "json" else "commission_bp", "contact_name", "terms_days"]
    emit(rows, cols, fmt)


@agencies.command("add")
@click.argument("name")
@click.option("--commission", default="15", show_default=True, help="Commission in percent.")
@click.option("--contact-name")
@click.option("--contact-email")
@click.option("--billing-address")
@click.option("--tax-id", help="The agency's tax / VAT id (printed on invoices billed to it).")
@click.option("--terms-days")
@click.pass_context
def agencies_add(ctx: click.Context, name: str, **opts) -> None:
    from sponsortrack.services import catalog

    ag = catalog.add_agency(_store(ctx), name=name, **_unescape(given(**opts)))
    click.echo(f"Added agency {ag.name} ({format_percent(ag.commission_bp)} commission, id {ag.id}).")
