"""Episode commands: ``episodes list|add|edit`` (an episode is known by its show and number, or S2E5)."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option, given, records, resolved
from sponsortrack.cli.output import store_of as _store


def register(main: click.Group) -> None:
    main.add_command(episodes)


@click.group()
def episodes() -> None:
    """Episodes of a show."""


@episodes.command("list")
@click.option("--show", help="Only this show.")
@click.option("--search", help="Title contains, or the number (5, #5, S2E5).")
@click.option("--limit", type=click.IntRange(1), help="At most this many.")
@format_option
@click.pass_context
def episodes_list(ctx: click.Context, show: str | None, search: str | None, limit: int | None, fmt: str) -> None:
    from sponsortrack.services import catalog
    from sponsortrack.validation import format_duration

    found = catalog.list_episodes(_store(ctx), show=show, search=search, limit=limit)
    rows = records(found, fmt, lambda e: {"duration": format_duration(e.duration_seconds)})
    emit(rows, ["id", "show_name", "season", "number", "title", "published_on", "duration", "episode_type",
                "read_count"], fmt)


def _episode_options(f):
    for opt in reversed([
        click.option("--title"),
        click.option("--recorded", "recorded_on", help="Recording date, YYYY-MM-DD."),
        click.option("--published", "published_on", help="Release date, YYYY-MM-DD."),
        click.option("--guid"),
        click.option("--link"),
        click.option("--duration", "duration_seconds", help="Length of the audio (seconds, M:SS or H:MM:SS)."),
        click.option("--type", "episode_type", help="full, trailer or bonus."),
        click.option("--enclosure", "enclosure_url", help="URL of the audio file."),
        click.option("--notes-file", type=click.File("r", encoding="utf-8"), help="Show notes from a file."),
    ]):
        f = opt(f)
    return f


@episodes.command("add")
@click.option("--show", required=True)
@click.option("--season", help="Season, for a show whose numbers restart each season.")
@click.option("--number", help="Episode number (default: the next one in its season).")
@_episode_options
@click.pass_context
def episodes_add(ctx: click.Context, show: str, season: str | None, number: str | None, notes_file, **opts) -> None:
    from sponsortrack import validation as v
    from sponsortrack.services import catalog

    store = _store(ctx)
    values = given(**opts)
    if season is not None:
        values["season"] = v.positive_int(season, "season", maximum=catalog.MAX_SEASON)
    values["number"] = number if number is not None else catalog.next_episode_number(store, show,
                                                                                     values.get("season"))
    if notes_file is not None:
        values["show_notes"] = notes_file.read()
    if "title" not in values:
        raise click.UsageError("Missing option '--title'.")
    ep = catalog.add_episode(store, show, **values)
    click.echo(f"Added {ep.show_name} episode {ep.code}: {ep.title} (id {ep.id}).")


@episodes.command("edit")
@click.option("--show", required=True)
@click.option("--episode", "number", required=True, help="The episode's number (5, or S2E5 in a seasoned show).")
@click.option("--season", help="The episode's season (or give --episode S2E5).")
@click.option("--new-number", help="Change the episode number.")
@click.option("--new-season", help="Change the season ('none' for a show without seasons).")
@_episode_options
@click.pass_context
def episodes_edit(ctx: click.Context, show: str, number: str, season: str | None, new_number: str | None,
                  new_season: str | None, notes_file, **opts) -> None:
    from sponsortrack.services import catalog

    store, ep = resolved(ctx, catalog.resolve_episode, show, number, season)
    values = given(**opts)
    if new_number is not None:
        values["number"] = new_number
    if new_season is not None:
        values["season"] = None if new_season.strip().lower() in ("none", "") else new_season
    if notes_file is not None:
        values["show_notes"] = notes_file.read()
    ep = catalog.edit_episode(store, ep.id, **values)
    click.echo(f"Updated {ep.show_name} episode {ep.code}: {ep.title}.")
