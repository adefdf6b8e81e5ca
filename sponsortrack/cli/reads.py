"""Read commands: ``log`` (one read of an episode) and ``reads list|edit|delete|history``."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option, given, resolved
from sponsortrack.cli.output import store_of as _store
from sponsortrack.money import format_money
from sponsortrack.validation import format_duration
from sponsortrack.wording import count


def register(main: click.Group) -> None:
    main.add_command(log)
    main.add_command(reads)


@click.command()
@click.option("--show", required=True)
@click.option("--episode", required=True, help="Episode number (5, or S2E5 in a seasoned show).")
@click.option("--season", help="The episode's season (or give --episode S2E5).")
@click.option("--sponsor", required=True)
@click.option("--placement", required=True, help="pre, mid or post.")
@click.option("--url", "promo_url", help="Promo URL as read (default: the campaign's).")
@click.option("--code", "promo_code", help="Promo code as read (default: the campaign's).")
@click.option("--campaign", help="Campaign id or name (default: the sponsor's running campaign).")
@click.option("--type", "read_type", help="host or produced.")
@click.option("--start", help="Start offset (seconds, M:SS or H:MM:SS).")
@click.option("--length", help="Length (seconds or M:SS).")
@click.option("--status", help="scheduled, recorded, aired, verified or flagged.")
@click.option("--position", help="Position in the break (default: next).")
@click.option("--make-good-of", help="Id of the read this one makes good.")
@click.option("--units", help="Downloads counted for this read (CPM).")
@click.option("--price", "price_override", help="Price override for this read (e.g. 0 or 950.00).")
@click.option("--notes")
@click.pass_context
def log(ctx: click.Context, show: str, episode: str, season: str | None, sponsor: str, **opts) -> None:
    """Log one read of an episode."""
    from sponsortrack.services import catalog
    from sponsortrack.services import reads as svc

    store, ep = resolved(ctx, catalog.resolve_episode, show, episode, season)
    rid = svc.log_read(store, ep.id, sponsor=sponsor, **given(**opts))
    r = svc.get_read(store, rid)
    where = f"{r.placement}-roll #{r.position}"
    click.echo(f"Logged read {rid}: {r.sponsor_name}, {r.show_name} {r.episode_code}, {where}"
               + (f", {r.promo_url}" if r.promo_url else "") + (f", code {r.promo_code}" if r.promo_code else "")
               + (f", campaign {r.campaign_name}" if r.campaign_name else ", no campaign") + ".")
    same = svc.same_spot_reads(store, rid)
    if same:
        ids = ", ".join(str(o.id) for o in same)
        click.echo(f"note: {r.sponsor_name} already had a {r.placement}-roll read on this episode (read {ids}); "
                   f"this is another one. If it was a slip: sponsortrack reads delete {rid}", err=True)


@click.group()
def reads() -> None:
    """Logged ad reads."""


READ_TABLE_COLUMNS = ["id", "air_date", "show_name", "episode_number", "sponsor_name", "placement", "read_type",
                      "promo_url", "promo_code", "status", "price"]
READ_JSON_KEYS = ["id", "air_date", "show_id", "show_name", "episode_id", "episode_number", "episode_title",
                  "sponsor_id", "sponsor_name", "campaign_id", "campaign_name", "placement", "position",
                  "read_type", "start_seconds", "length_seconds", "promo_url", "promo_code", "status",
                  "make_good_of", "units", "price_minor", "currency", "invoice_id", "invoice_number", "source",
                  "notes"]


@reads.command("list")
@click.option("--month", help="Air month, YYYY-MM.")
@click.option("--sponsor")
@click.option("--show")
@click.option("--status")
@click.option("--search", help="Text in sponsor, episode title, URL, code or notes.")
@click.option("--unbilled", is_flag=True,
              help="Only reads not on an issued or paid invoice (a draft bills nothing yet).")
@format_option
@click.pass_context
def reads_list(ctx: click.Context, fmt: str, **filters) -> None:
    from sponsortrack.services import reads as svc

    store = _store(ctx)
    opts = given(**filters)
    reads = svc.iter_reads(store, descending=False, **opts)  # streamed: memory flat in the reads
    if fmt == "json":
        def as_json(r) -> dict:
            d = r.to_json()
            return {k: d[k] for k in READ_JSON_KEYS}

        emit((as_json(r) for r in reads), READ_JSON_KEYS, fmt)
        return

    def shaped(r) -> dict:
        d = r.to_json()
        price = r.price_minor
        d["price"] = "" if price is None else format_money(price, r.currency or "USD")
        if fmt == "csv":
            d["price"] = "" if price is None else price
            d["currency"] = r.currency
        d["start"] = format_duration(r.start_seconds)
        d["length"] = format_duration(r.length_seconds)
        return d

    if fmt == "csv":
        emit((shaped(r) for r in reads), [*READ_TABLE_COLUMNS[:-1], "episode_title", "campaign_name", "start",
                                          "length", "price", "currency", "invoice_number", "notes"], fmt)
    else:
        passes = iter([reads])  # the table streams the reads twice (widths, then lines)
        emit(lambda: (shaped(r) for r in next(passes, None) or svc.iter_reads(store, descending=False, **opts)),
             READ_TABLE_COLUMNS, fmt, headers={"show_name": "show", "episode_number": "ep",
                                               "sponsor_name": "sponsor", "read_type": "type"})


@reads.command("edit")
@click.argument("read_id", type=int)
@click.option("--placement")
@click.option("--url", "promo_url")
@click.option("--code", "promo_code")
@click.option("--type", "read_type")
@click.option("--start")
@click.option("--length")
@click.option("--status")
@click.option("--units")
@click.option("--price", "price_override")
@click.option("--notes")
@click.pass_context
def reads_edit(ctx: click.Context, read_id: int, **opts) -> None:
    """Change a logged read (once it is on an issued invoice, only its notes)."""
    from sponsortrack.services import reads as svc

    r = svc.edit_read(_store(ctx), read_id, **given(**opts))
    click.echo(f"Updated read {r.id}: {r.sponsor_name}, {r.placement}-roll, {r.status}.")


@reads.command("delete")
@click.argument("read_ids", type=int, nargs=-1, required=True)
@click.pass_context
def reads_delete(ctx: click.Context, read_ids: tuple[int, ...]) -> None:
    """Delete reads (refused once they are on an issued invoice)."""
    from sponsortrack.services import reads as svc

    rows = svc.delete_reads(_store(ctx), list(read_ids))
    click.echo(f"Deleted {count(len(rows), 'read')}.")


@reads.command("history")
@click.argument("read_id", type=int)
@format_option
@click.pass_context
def reads_history(ctx: click.Context, read_id: int, fmt: str) -> None:
    """Every recorded change of a read: when, what, before and after."""
    from sponsortrack.services.reads import read_history

    entries = read_history(_store(ctx), read_id)
    rows = []
    for e in reversed(entries):
        changed = sorted(k for k in set(e.before or {}) | set(e.after or {})
                         if (e.before or {}).get(k) != (e.after or {}).get(k) and k != "updated_at")
        rows.append({"at": e.at, "action": e.action, "changed": ", ".join(changed) if fmt != "json" else changed,
                     "before": e.before, "after": e.after})
    emit(rows, ["at", "action", "changed"] if fmt != "json" else ["at", "action", "changed", "before", "after"],
         fmt)

