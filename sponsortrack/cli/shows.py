"""Show commands: ``shows list|add|edit`` (the podcasts of the network)."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option, given, records, resolved
from sponsortrack.cli.output import store_of as _store


def register(main: click.Group) -> None:
    main.add_command(shows)


@click.group()
def shows() -> None:
    """Podcasts of the network."""


@shows.command("list")
@format_option
@click.pass_context
def shows_list(ctx: click.Context, fmt: str) -> None:
    from sponsortrack.services import catalog

    emit(records(catalog.list_shows(_store(ctx)), fmt), ["id", "name", "website", "feed_url"], fmt)


@shows.command("add")
@click.argument("name")
@click.option("--website")
@click.option("--feed-url")
@click.option("--description")
@click.pass_context
def shows_add(ctx: click.Context, name: str, **opts) -> None:
    from sponsortrack.services import catalog

    show = catalog.add_show(_store(ctx), name=name, **given(**opts))
    click.echo(f"Added show {show.name} (id {show.id}).")


@shows.command("edit")
@click.argument("show")
@click.option("--name")
@click.option("--website")
@click.option("--feed-url")
@click.option("--description")
@click.pass_context
def shows_edit(ctx: click.Context, show: str, **opts) -> None:
    from sponsortrack.services import catalog

    store, current = resolved(ctx, catalog.resolve_show, show)
    updated = catalog.edit_show(store, current.id, **given(**opts))
    click.echo(f"Updated show {updated.name} (id {updated.id}).")
