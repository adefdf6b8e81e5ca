"""Link commands: ``check-urls`` (check promo URLs, store every check) and ``link-report`` (old episodes
whose links are broken or whose campaign has ended, from the stored checks; no network).

``check-urls`` exits 1 when any link is not fine, 2 with one line on bad input.
"""

from __future__ import annotations

import json
import sys

import click

from sponsortrack.cli.output import emit
from sponsortrack.cli.output import store_of as _store

EXIT_NOT_FINE = 1


def register(main: click.Group) -> None:
    main.add_command(check_urls_cmd)
    main.add_command(link_report_cmd)


@click.command("check-urls")
@click.argument("urls", nargs=-1)
@click.option("--month", help="Check the promo URLs of reads aired (and campaigns flying) in YYYY-MM.")
@click.option("--sponsor", help="Only this sponsor's promo URLs (or: judge the URLs given against its domains).")
@click.option("--all", "all_urls", is_flag=True, help="Back-catalogue sweep: every promo URL ever logged.")
@click.option("--concurrency", default="32", show_default=True, help="URLs checked at the same time.")
@click.option("--timeout", default="10", show_default=True, help="Seconds allowed for each request.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="Output format.")
@click.pass_context
def check_urls_cmd(ctx: click.Context, urls: tuple[str, ...], month: str | None, sponsor: str | None,
                   all_urls: bool, concurrency: str, timeout: str, fmt: str) -> None:
    """Check that promo URLs answer, land on the sponsor's own site and keep their code.

    Every check is stored (see link-report). Exit code 1 when any link is not fine.
    """
    from sponsortrack.services.links import check_urls

    store = _store(ctx)
    bar = None
    show_bar = sys.stderr.isatty() and fmt == "table"

    def on_plan(n: int) -> None:
        nonlocal bar
        if show_bar and n:
            bar = click.progressbar(length=n, label="Checking links", file=sys.stderr, show_pos=True)
            bar.__enter__()

    def progress(done: int, total: int, result) -> None:
        if bar is not None:
            bar.update(1)

    try:
        run = check_urls(store, urls=list(urls), month=month, sponsor=sponsor, all_urls=all_urls,
                         concurrency=concurrency, timeout=timeout, progress=progress, on_plan=on_plan)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "json":
        click.echo(json.dumps(run.rows(), ensure_ascii=False, indent=2))
    else:
        rows = [{"verdict": r["verdict"], "status": r["status"], "url": r["url"], "sponsor": r["sponsor"],
                 "final_url": r["final_url"] if r["final_url"] != r["url"] else "",
                 "explanation": r["explanation"]} for r in run.rows()]
        emit(rows, ["verdict", "status", "url", "sponsor", "final_url", "explanation"], fmt)
        bad = sum(1 for r in run.results if not r.fine)
        click.echo(f"{len(run.results)} checked, {len(run.results) - bad} fine, {bad} not fine; "
                   f"{run.saved} checks stored.", err=True)
    if not run.all_fine:
        ctx.exit(EXIT_NOT_FINE)


@click.command("link-report")
@click.option("--today", help="Campaigns that ended before this date count as ended (default: today).")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
              show_default=True, help="Output format.")
@click.pass_context
def link_report_cmd(ctx: click.Context, today: str | None, fmt: str) -> None:
    """Old episodes whose promo link is broken or whose campaign has ended (run check-urls --all first)."""
    from dataclasses import asdict

    from sponsortrack.services.links import back_catalogue_report

    rows = [asdict(e) for e in back_catalogue_report(_store(ctx), today)]
    emit(rows, ["air_date", "show_name", "episode_number", "episode_title", "sponsor_name", "url", "reason",
                "verdict", "campaign_end"], fmt, headers={"show_name": "show", "episode_number": "episode",
                                                         "episode_title": "title", "sponsor_name": "sponsor"})
