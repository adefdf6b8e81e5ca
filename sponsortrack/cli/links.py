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
from sponsortrack.wording import count

EXIT_NOT_FINE = 1
EXIT_OFFLINE = 75  # EX_TEMPFAIL: nothing could be checked, try again later


def register(main: click.Group) -> None:
    main.add_command(check_urls_cmd)
    main.add_command(link_report_cmd)


def _read_urls(source: str) -> list[str]:
    """URLs from a file (``-``: stdin), one a line; blank lines and ``#`` comments are skipped."""
    from sponsortrack.errors import ValidationError
    from sponsortrack.services.links import MAX_URLS_ARGS

    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as fh:
                text = fh.read(64 * 1024 * 1024)
    except UnicodeDecodeError:
        raise ValidationError("input", f"{source}: is not UTF-8 text") from None
    except OSError as exc:
        raise ValidationError("input", f"{source}: {exc.strerror or exc}") from None
    urls = [line.strip() for line in text.splitlines()]
    urls = [u for u in urls if u and not u.startswith("#")]
    if len(urls) > MAX_URLS_ARGS:
        raise ValidationError("input", f"{source}: at most {MAX_URLS_ARGS} URLs at once, not {len(urls)}")
    return urls


@click.command("check-urls")
@click.argument("urls", nargs=-1)
@click.option("-i", "--input", "input_", metavar="FILE",
              help="Also check the URLs in FILE, one a line (- reads them from stdin).")
@click.option("--month", help="Check the promo URLs of reads aired (and campaigns flying) in YYYY-MM.")
@click.option("--sponsor", help="Only this sponsor's promo URLs (or: judge the URLs given against its domains).")
@click.option("--all", "all_urls", is_flag=True, help="Back-catalogue sweep: every promo URL ever logged.")
@click.option("--due", is_flag=True,
              help="Only the promo URLs due for a re-check (recent episodes daily, old ones rarely): for cron.")
@click.option("--concurrency", default="32", show_default=True, help="URLs checked at the same time.")
@click.option("--per-host", default="10", show_default=True, help="Requests to one host at the same time.")
@click.option("--timeout", default="10", show_default=True, help="Seconds allowed for each request.")
@click.option("--keep-history", metavar="N",
              help="Afterwards prune to the newest N checks per URL (every change of verdict is kept).")
@click.option("--today", hidden=True, help="The day --due counts from (tests).")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="Output format.")
@click.pass_context
def check_urls_cmd(ctx: click.Context, urls: tuple[str, ...], input_: str | None, month: str | None,
                   sponsor: str | None, all_urls: bool, due: bool, concurrency: str, per_host: str, timeout: str,
                   keep_history: str | None, today: str | None, fmt: str) -> None:
    """Check that promo URLs answer, land on the sponsor's own site and keep their code.

    Every check is stored as it is made (see link-report), so Ctrl-C keeps the checks done. Exit code
    1 when any link is not fine; 75 when the machine is offline and nothing could be checked.
    """
    from sponsortrack.services.links import LinkRun, check_options, check_urls

    store = _store(ctx)
    options = check_options(concurrency, timeout, per_host)
    all_urls_given = list(urls) + (_read_urls(input_) if input_ else [])
    if input_ and not all_urls_given and not (month or sponsor or all_urls or due):
        click.echo(f"{input_}: no URLs to check.", err=True)
        return
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

    run = LinkRun(items=[])
    try:
        check_urls(store, urls=all_urls_given, month=month, sponsor=sponsor, all_urls=all_urls, due=due,
                   options=options, keep_history=keep_history, today=today, progress=progress,
                   on_plan=on_plan, run=run)
    except KeyboardInterrupt:
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None
        click.echo(f"interrupted: {count(run.saved, 'check')} stored, "
                   f"{max(0, len(run.items) - len(run.results))} not made.", err=True)
        ctx.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "json":
        click.echo(json.dumps(run.rows(), ensure_ascii=False, indent=2))
    else:
        offline = run.offline
        if offline is None:  # offline: one line, not one "not checked" row per link
            rows = [{"verdict": r["verdict"], "status": r["status"], "url": r["url"], "sponsor": r["sponsor"],
                     "final_url": r["final_url"] if r["final_url"] != r["url"] else "",
                     "explanation": r["explanation"]} for r in run.rows()]
            emit(rows, ["verdict", "status", "url", "sponsor", "final_url", "explanation"], fmt)
        for r in run.newly_failing:
            click.echo(f"now failing: {r.url} — {r.verdict.replace('_', ' ')}: {r.explanation}", err=True)
        if due and not run.items:
            click.echo("Nothing is due for a re-check.", err=True)
        else:
            click.echo(run.summary(), err=True)
        if run.pruned:
            click.echo(f"{count(run.pruned, 'old check')} pruned.", err=True)
    if run.failing or run.inconclusive:
        ctx.exit(EXIT_NOT_FINE)
    if run.offline is not None:
        ctx.exit(EXIT_OFFLINE)


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
