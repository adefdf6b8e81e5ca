"""The database and the app: ``demo``, ``gui``, ``backup`` and ``settings show|set``.

The other nouns have their own modules beside this one (``shows``, ``episodes``, ``sponsors``, ``campaigns``,
``reads``); ``sponsortrack.cli.FEATURES`` lists them all.
"""

from __future__ import annotations

import json

import click

from sponsortrack.cli.output import emit, format_option
from sponsortrack.cli.output import store_of as _store
from sponsortrack.wording import count, count_of


def register(main: click.Group) -> None:
    for cmd in (demo, gui, backup, settings):
        main.add_command(cmd)


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo network (Practical AI, autumn 2019). Safe to run twice."""
    from sponsortrack.services.demo import load_demo

    store = _store(ctx)
    res = load_demo(store)
    if res.anything:
        what = ", ".join(count_of(n, k) for k, n in res.created.items())
        click.echo(f"Demo network loaded into {store.path}: {what}.")
    else:
        click.echo(f"Demo network already present in {store.path}; nothing added.")


@click.command()
@click.option("--screenshot", type=click.Path(), help="Render the window to a PNG and exit.")
@click.option("--page", help="With --screenshot: the page to show (dashboard, log, history, ...).")
@click.pass_context
def gui(ctx: click.Context, screenshot: str | None, page: str | None) -> None:
    """Open the desktop window."""
    app = ctx.find_root().obj
    try:
        from sponsortrack.ui.app import run_gui
    except ImportError as exc:
        click.echo(f"The desktop window is not available: {exc}", err=True)
        ctx.exit(0)
    ctx.exit(run_gui(app.db_path, screenshot=screenshot, page=page, explicit_db=app.explicit))


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(), help="Backup file to write.")
@click.pass_context
def backup(ctx: click.Context, output: str) -> None:
    """Copy the database to a file, safely, while it is in use."""
    store = _store(ctx)
    path = store.backup(output)  # refuses the database itself and its -wal/-shm/-journal (sponsortrack.outputs)
    click.echo(f"Backed up {store.path} to {path}.")



@click.group()
def settings() -> None:
    """Business settings kept in the database (seller, invoice numbers, terms, tax)."""


@settings.command("show")
@format_option
@click.pass_context
def settings_show(ctx: click.Context, fmt: str) -> None:
    from sponsortrack.services.settings import get_settings

    s = get_settings(_store(ctx))
    if fmt == "json":
        click.echo(json.dumps(s, indent=2, ensure_ascii=False))
        return
    emit([{"key": k, "value": v} for k, v in s.items()], ["key", "value"], fmt)


@settings.command("set")
@click.argument("pairs", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.pass_context
def settings_set(ctx: click.Context, pairs: tuple[str, ...]) -> None:
    """Set settings, e.g. seller_name="Changelog Media" tax_rate=8.25 default_terms_days=30."""
    from sponsortrack.errors import ValidationError
    from sponsortrack.services.settings import update_settings

    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValidationError(pair, "expected KEY=VALUE")
        k, v = pair.split("=", 1)
        k = k.strip()
        if k == "tax_rate":
            k = "tax_bp"
        values[k] = v.replace("\\n", "\n")
    update_settings(_store(ctx), **values)
    click.echo(f"Saved {count(len(values), 'setting')}.")
