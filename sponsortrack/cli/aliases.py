"""``sponsors alias add|remove|list``: the other names a sponsor goes by in show notes ("DO" for
DigitalOcean), so imports and reconciliation recognise it by them. A group of its own attached to the
``sponsors`` group of ``cli.core`` (``register``); ``sponsors list`` shows the aliases."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option
from sponsortrack.cli.output import store_of as _store


def register(main: click.Group) -> None:
    sponsors = main.commands["sponsors"]
    assert isinstance(sponsors, click.Group)
    sponsors.add_command(alias)


@click.group()
def alias() -> None:
    """Other names a sponsor goes by in show notes."""


def _change(verb: str, doc: str, said: str) -> click.Command:
    """``alias add`` / ``alias remove``: SPONSOR (name, alias or id) and ALIAS, through ``services.aliases``."""

    @click.argument("sponsor")
    @click.argument("alias_text", metavar="ALIAS")
    @click.pass_context
    def run(ctx: click.Context, sponsor: str, alias_text: str) -> None:
        from sponsortrack.services import aliases, catalog

        store = _store(ctx)
        sp = catalog.resolve_sponsor(store, sponsor)
        done = getattr(aliases, f"{verb}_alias")(store, sp.id, alias_text)
        click.echo(said.format(alias=done, sponsor=sp.name))

    run.__doc__ = doc
    return alias.command(verb)(run)


alias_add = _change("add", "Give SPONSOR (name, alias or id) the alias ALIAS.",
                    "Sponsor {sponsor} is also known as {alias!r} now.")
alias_remove = _change("remove", "Take the alias ALIAS off SPONSOR.", "Removed alias {alias!r} of sponsor {sponsor}.")


@alias.command("list")
@click.argument("sponsor", required=False)
@format_option
@click.pass_context
def alias_list(ctx: click.Context, sponsor: str | None, fmt: str) -> None:
    """Every sponsor's aliases (or SPONSOR's), one a row."""
    from sponsortrack.services import catalog

    store = _store(ctx)
    chosen = [catalog.resolve_sponsor(store, sponsor)] if sponsor else catalog.list_sponsors(store)
    rows = [{"sponsor": sp.name, "alias": a} for sp in chosen for a in sp.aliases]
    emit(rows, ["sponsor", "alias"], fmt)
