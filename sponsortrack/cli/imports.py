"""Import commands: ``import shownotes|rss|csv|downloads|chapters`` and ``reconcile``.

Bad input prints one line per problem (with its row or feed item) on stderr and exits 2; nothing is
written then.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sponsortrack.cli.output import emit, format_option
from sponsortrack.cli.output import store_of as _store
from sponsortrack.wording import count, count_of, plural

EXIT_BAD_INPUT = 2


def register(main: click.Group) -> None:
    main.add_command(import_group)
    main.add_command(reconcile_cmd)


def _fail(problems: list[str], what: str) -> None:
    for p in problems[:200]:
        click.echo(f"error: {p}", err=True)
    if len(problems) > 200:
        click.echo(f"error: ... and {len(problems) - 200:,} more {plural(len(problems) - 200, 'problem')}", err=True)
    click.echo(f"{what}: {count(len(problems), 'problem')}; nothing was imported.", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _parse_mapping(items: tuple[str, ...]) -> dict[str, str] | None:
    if not items:
        return None
    out = {}
    for item in items:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: use FIELD=COLUMN, e.g. sponsor=Advertiser", param_hint="--map")
        k, _, val = item.partition("=")
        out[k.strip()] = val.strip()
    return out


@click.group("import")
def import_group() -> None:
    """Import show notes, an RSS feed, spreadsheets (CSV) of reads, campaigns and downloads, or the
    sponsor chapters of an episode's audio file."""


@import_group.command("shownotes")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--show", help="Show of the episode these notes belong to.")
@click.option("--episode", help="Episode number (with --show): 62, or S2E5 in a show with seasons.")
@click.option("--apply", is_flag=True, help="Log the sponsors found as reads of that episode (status aired).")
@format_option
@click.pass_context
def import_shownotes(ctx: click.Context, file: str, show: str | None, episode: str | None, apply: bool,
                     fmt: str) -> None:
    """Print the sponsors found in show notes (plain text, Markdown or HTML)."""
    from sponsortrack.importers.tabular import read_bytes
    from sponsortrack.services.imports import import_show_notes

    data = sys.stdin.buffer.read() if file == "-" else read_bytes(Path(file).expanduser())
    result = import_show_notes(_store(ctx), data, show=show, episode=episode, apply=apply)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    rows = []
    for p, known in zip(result.sponsors, result.matches, strict=True):
        rows.append({"sponsor": p.name, "matches": known or "(new)", "promo_url": p.promo_url,
                     "promo_code": p.promo_code, "offer": p.offer,
                     "start": p.start_seconds, "length": p.length_seconds, "found_by": p.why})
    emit(rows, ["sponsor", "matches", "promo_url", "promo_code", "offer", "start", "length", "found_by"], fmt)
    if result.episode_label and fmt == "table":
        if result.applied:
            made = f" (new sponsors: {', '.join(result.sponsors_created)})" if result.sponsors_created else ""
            click.echo(f"Logged {count(result.reads_created, 'read')} on {result.episode_label}{made}.")
        else:
            click.echo(f"{count(len(result.proposed), 'read')} proposed for {result.episode_label}; "
                       "add --apply to log them.")


@import_group.command("chapters")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--show", required=True, help="Show of the episode the chapters mark.")
@click.option("--episode", required=True, help="Episode number (with --show): 62, or S2E5 in a show with seasons.")
@click.option("--dry-run", is_flag=True, help="Show the reads that would be logged; write nothing.")
@format_option
@click.pass_context
def import_chapters_cmd(ctx: click.Context, file: str, show: str, episode: str, dry_run: bool, fmt: str) -> None:
    """Log the sponsor reads an episode's chapter markers show: ID3 chapters of an MP3, MP4 chapters of
    an M4A, a Podcasting 2.0 chapters JSON file, or a feed's Podlove Simple Chapters (psc:chapters).

    A chapter titled "Sponsor: X", "Ad: X", "X (sponsor)" ... becomes a read of sponsor X (a known
    sponsor, by name or alias) with its start and length; placement from where it starts: the first
    15 % of the episode is pre-roll, the last 15 % post-roll, the rest mid-roll."""
    from sponsortrack.services.chapters import KIND_LABELS, import_chapters
    from sponsortrack.validation import format_duration

    result = import_chapters(_store(ctx), file, show=show, episode=episode, apply=not dry_run)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return

    def state(r) -> str:
        if r.already_logged:
            return "already logged"
        if not r.loggable:
            return "skipped"
        if not r.selected:
            return "not ticked"
        return "would log" if dry_run else "logged"

    rows = [{"start": format_duration(r.start_seconds), "length": format_duration(r.length_seconds),
             "placement": r.placement, "sponsor": r.sponsor_name or "?", "campaign": r.campaign_name,
             "chapter": r.chapter_title, "result": state(r)} for r in result.reads]
    cols = ["start", "length", "placement", "sponsor", "campaign", "chapter", "result"]
    if fmt == "csv":
        emit(rows, cols, fmt)
        return
    dur = f", {format_duration(round(result.duration))} long" if result.duration else ""
    click.echo(f"{result.file_name}: {count(len(result.chapters), 'chapter')} ({KIND_LABELS[result.kind]}{dur}) "
               f"for {result.episode_label}.")
    if rows:
        emit(rows, cols, fmt)
    for r in result.not_loggable:
        click.echo(f"skipped “{r.chapter_title}” at {format_duration(r.start_seconds)}: {r.problem}")
    for note in result.notes:
        click.echo(f"note: {note}")
    n = len(result.to_log)
    if dry_run:
        click.echo(f"Dry run: {count(n, 'read')} would be logged on {result.episode_label}. "
                   "Nothing was written.")
    else:
        click.echo(f"Logged {count(len(result.read_ids), 'read')} on {result.episode_label}.")


@import_group.command("rss")
@click.argument("feed")
@click.option("--show", "show_name", help="Import into this show (default: the feed's title).")
@click.option("--apply", is_flag=True, help="Also log the sponsors found in the show notes as reads.")
@click.option("--dry-run", is_flag=True, help="Report what the import would do; write nothing, not even the show.")
@click.option("--strict", is_flag=True, help="All or nothing: any item with a problem means nothing is imported "
                                             "(by default such items are skipped, counted and listed).")
@format_option
@click.pass_context
def import_rss_cmd(ctx: click.Context, feed: str, show_name: str | None, apply: bool, dry_run: bool,
                   strict: bool, fmt: str) -> None:
    """Create or update a show and its episodes from an RSS feed (a file or an http(s) URL)."""
    from sponsortrack.services.imports import import_rss

    result = import_rss(_store(ctx), feed, apply=apply, show_name=show_name, dry_run=dry_run, strict=strict)
    if result.problems and (strict or not (result.added or result.changed or result.unchanged)):
        _fail(result.problems, f"feed {feed}")
    for p in result.problems:
        click.echo(f"skipped {p}", err=True)
    for note in result.notes:  # chapters that could not be read; the episode itself imports
        click.echo(f"note: {note}", err=True)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        emit([p.to_dict() for p in result.proposed],
             ["episode_label", "air_date", "sponsor_name", "is_new_sponsor", "campaign_name", "placement",
              "promo_url", "promo_code", "offer", "start_seconds", "length_seconds"], fmt)
        return
    verb = "Created" if result.show_created else "Updated"
    if dry_run:
        verb = "Would create" if result.show_created else "Would update"
    skipped = f", {count(result.skipped, 'item')} skipped (problems above)" if result.skipped else ""
    added = "to add" if dry_run else "added"
    nothing = " Nothing was written (dry run)." if dry_run else ""
    click.echo(f"{verb} show {result.show_name}: {count(len(result.added), 'episode')} {added}, "
               f"{len(result.changed):,} changed, {result.unchanged:,} unchanged{skipped}.{nothing}")
    for label, fields in result.changed[:20]:
        click.echo(f"  changed {label}: {', '.join(fields)}")
    if len(result.changed) > 20:
        click.echo(f"  ... and {len(result.changed) - 20} more")
    if apply and dry_run:
        click.echo(f"Would log {count(sum(p.selected for p in result.proposed), 'read')} from the show notes.")
    elif apply:
        made = f"; new sponsors: {', '.join(result.sponsors_created)}" if result.sponsors_created else ""
        click.echo(f"Logged {count(result.reads_created, 'read')} from the show notes{made}.")
    elif result.proposed:
        new = sorted({p.sponsor_name for p in result.proposed if p.is_new_sponsor})
        extra = f" ({count(len(new), 'new sponsor')}: {', '.join(new[:10])})" if new else ""
        click.echo(f"{count(len(result.proposed), 'read')} found in the show notes{extra}; "
                   "run again with --apply to log them.")


@import_group.command("csv")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["reads", "campaigns"]), required=True, help="What the rows are.")
@click.option("--dry-run", is_flag=True, help="Check every row and preview; write nothing.")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help="Read FIELD from COLUMN (repeatable), e.g. --map sponsor=Advertiser.")
@click.option("--dates", type=click.Choice(["auto", "us", "day-first"]), default="auto", show_default=True,
              help="How to read numeric dates like 3/5/2024: us = March 5, day-first = 3 May; auto decides "
                   "from the sheet's unambiguous dates and reports any that still read both ways.")
@click.option("--create-missing", is_flag=True, help="Create the shows and sponsors the sheet names that do not "
                                                     "exist yet (listed), instead of reporting them.")
@format_option
@click.pass_context
def import_csv_cmd(ctx: click.Context, file: str, kind: str, dry_run: bool, mapping: tuple[str, ...],
                   dates: str, create_missing: bool, fmt: str) -> None:
    """Import reads or campaigns from a spreadsheet, CSV or XLSX (all rows, or none)."""
    from sponsortrack.services.imports import import_campaigns_csv, import_reads_csv

    if kind == "reads":
        result = import_reads_csv(_store(ctx), file, mapping=_parse_mapping(mapping), dry_run=dry_run, dates=dates,
                                  create_missing=create_missing)
    else:
        if create_missing:
            raise click.UsageError("--create-missing is for --kind reads (campaign rows name existing sponsors)")
        result = import_campaigns_csv(_store(ctx), file, mapping=_parse_mapping(mapping), dry_run=dry_run,
                                      dates=dates)
    for what, names in (("shows", getattr(result, "new_shows", [])), ("sponsors", getattr(result, "new_sponsors", []))):
        if names and fmt == "table":
            click.echo(f"new {what} {'to create' if dry_run or result.problems else 'created'}: {', '.join(names)}")
    _table_result(result, file, fmt)


@import_group.command("downloads")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--source", "source_name", help="Where the counts come from (default: a Source column, or 'import').")
@click.option("--dry-run", is_flag=True, help="Check every row and preview; write nothing.")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from COLUMN.")
@format_option
@click.pass_context
def import_downloads_cmd(ctx: click.Context, file: str, source_name: str | None, dry_run: bool,
                         mapping: tuple[str, ...], fmt: str) -> None:
    """Import downloads per episode at day N (a hosting provider's CSV export)."""
    from sponsortrack.services.imports import import_downloads_csv

    result = import_downloads_csv(_store(ctx), file, source_name=source_name, mapping=_parse_mapping(mapping),
                                  dry_run=dry_run)
    _table_result(result, file, fmt)


def _table_result(result, file: str, fmt: str) -> None:
    if result.problems:
        _fail([str(p) for p in result.problems], file)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if result.dry_run and result.preview:
        cols = list(result.preview[0])
        emit(result.preview[:50], cols, fmt)
        if fmt == "csv":
            return
    if fmt == "csv":
        return
    what = ", ".join(count_of(n, k) for k, n in result.created.items())
    if result.unused_columns:
        click.echo(f"Columns not imported: {', '.join(result.unused_columns)}")
    skipped = (f"; {count(result.skipped, 'row')} already in the database {plural(result.skipped, 'was')} skipped"
               if result.skipped else "")
    if result.dry_run:
        click.echo(f"Dry run: {count(result.rows, 'row')} {plural(result.rows, 'is')} fine and would add "
                   f"{what}{skipped}. Nothing was written.")
    else:
        click.echo(f"Imported {count(result.rows, 'row')} from {file}: {what}{skipped}.")


@click.command("reconcile")
@click.option("--month", help="Month to check (YYYY-MM).")
@click.option("--campaign", "campaign_id", type=int, help="Check one campaign over its flight (campaign id).")
@click.option("--show", help="Only this show.")
@format_option
@click.pass_context
def reconcile_cmd(ctx: click.Context, month: str | None, campaign_id: int | None, show: str | None,
                  fmt: str) -> None:
    """Compare published show notes with the reads logged: what is missing on either side, and promo
    URLs or codes in the notes that differ from the campaign's."""
    from sponsortrack.services.reconcile import reconcile

    if month is None and campaign_id is None:
        raise click.UsageError("give --month YYYY-MM or --campaign ID")
    rec = reconcile(_store(ctx), month=month, campaign_id=campaign_id, show=show)
    if fmt == "json":
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
        return
    rows = [{"air_date": e.air_date, "show": e.show_name, "episode": e.episode_number, "sponsor": e.sponsor_name,
             "problem": e.kind.replace("_", " "), "in_notes": e.in_notes, "expected": e.expected,
             "read": e.read_id} for e in rec.exceptions]
    if fmt == "csv":
        emit(rows, ["air_date", "show", "episode", "sponsor", "problem", "in_notes", "expected", "read"], fmt)
        return
    click.echo(f"Checked {count(rec.episodes_checked, 'episode')} and {count(rec.reads_checked, 'read')}, "
               f"{rec.date_from} to {rec.date_to}.")
    if rec.episodes_without_notes:
        n = rec.episodes_without_notes
        click.echo(f"{count(n, 'episode')} with reads {plural(n, 'has')} no show notes to compare "
                   "(not counted as disagreements).")
    if rec.clean:
        click.echo("Show notes and logged reads agree.")
        return
    emit(rows, ["air_date", "show", "episode", "sponsor", "problem", "in_notes", "expected", "read"], fmt)
