"""Campaign commands: ``campaigns list|add|edit|pacing`` (insertion orders and how they deliver)."""

from __future__ import annotations

import click

from sponsortrack.cli.output import emit, format_option, given, records
from sponsortrack.cli.output import store_of as _store
from sponsortrack.money import format_money


def register(main: click.Group) -> None:
    main.add_command(campaigns)


@click.group()
def campaigns() -> None:
    """Insertion orders."""


@campaigns.command("list")
@click.option("--sponsor")
@click.option("--status")
@format_option
@click.pass_context
def campaigns_list(ctx: click.Context, sponsor: str | None, status: str | None, fmt: str) -> None:
    from sponsortrack.services import campaigns as svc

    def shown(c) -> dict:
        return {"rate": format_money(c.rate_minor, c.currency) + (" CPM" if c.pricing == "cpm" else ""),
                "flight": f"{c.start_date} – {c.end_date}"}

    rows = records(svc.list_campaigns(_store(ctx), sponsor=sponsor, status=status), fmt, shown)
    cols = ["id", "sponsor_name", "name", "pricing", "rate" if fmt != "json" else "rate_minor", "currency",
            "flight" if fmt != "json" else "start_date", *(["end_date"] if fmt == "json" else []),
            "booked_reads", "booked_impressions", "status", "promo_url"]
    emit(rows, cols, fmt)


def _campaign_options(f):
    for opt in reversed([
        click.option("--agency"),
        click.option("--show", help="Only on this show (default: network-wide)."),
        click.option("--io", "io_number", help="IO number."),
        click.option("--po", "po_number", help="PO number."),
        click.option("--start", "start_date", help="Flight start, YYYY-MM-DD."),
        click.option("--end", "end_date", help="Flight end, YYYY-MM-DD."),
        click.option("--pricing", type=click.Choice(["flat", "per_episode", "cpm"])),
        click.option("--rate", help="Per read, per episode, or per thousand downloads (e.g. 1200.00)."),
        click.option("--currency", help="ISO 4217 code (default USD)."),
        click.option("--booked-reads"),
        click.option("--booked-impressions"),
        click.option("--window", "download_window_days", help="CPM download window in days (default 30)."),
        click.option("--placement", "default_placement", help="Default placement: pre, mid or post."),
        click.option("--read-type", "default_read_type", help="Default read type: host or produced."),
        click.option("--url", "promo_url", help="Promo URL."),
        click.option("--code", "promo_code", help="Promo code."),
        click.option("--talking-points"),
        click.option("--status"),
    ]):
        f = opt(f)
    return f


@campaigns.command("add")
@click.option("--sponsor", required=True)
@click.option("--name", required=True)
@_campaign_options
@click.pass_context
def campaigns_add(ctx: click.Context, sponsor: str, name: str, **opts) -> None:
    from sponsortrack.services import campaigns as svc

    c = svc.add_campaign(_store(ctx), sponsor=sponsor, name=name, **given(**opts))
    click.echo(f"Added campaign {c.name} for {c.sponsor_name} (id {c.id}).")


@campaigns.command("edit")
@click.argument("campaign_id", type=int)
@click.option("--name")
@_campaign_options
@click.pass_context
def campaigns_edit(ctx: click.Context, campaign_id: int, **opts) -> None:
    from sponsortrack.services import campaigns as svc

    store = _store(ctx)
    before = svc.get_campaign(store, campaign_id)
    c = svc.edit_campaign(store, campaign_id, **given(**opts))
    click.echo(f"Updated campaign {c.name} (id {c.id}).")
    note = svc.pricing_note(store, before, c)
    if note:
        click.echo(note)


@campaigns.command("pacing")
@click.option("--as-of", help="Count delivery up to this date (default today).")
@click.option("--all", "show_all", is_flag=True, help="Every campaign, not only running ones.")
@format_option
@click.pass_context
def campaigns_pacing(ctx: click.Context, as_of: str | None, show_all: bool, fmt: str) -> None:
    """Booked against delivered, per campaign."""
    from sponsortrack.services import campaigns as svc
    from sponsortrack.validation import parse_date

    as_of = parse_date(as_of, "as_of") if as_of else None
    rows = []
    for p in svc.pacing(_store(ctx), as_of=as_of, only_running=not show_all):
        frac = p.delivered_fraction
        rows.append({
            "campaign_id": p.campaign_id, "sponsor_name": p.sponsor_name, "campaign_name": p.campaign_name,
            "pricing": p.pricing, "booked_reads": p.booked_reads, "delivered_reads": p.delivered_reads,
            "booked_impressions": p.booked_impressions, "delivered_impressions": p.delivered_impressions,
            "make_goods_owed": p.make_goods_owed, "make_goods_delivered": p.make_goods_delivered,
            "delivered_percent": None if frac is None else round(frac * 100, 1),
            "flight_elapsed_percent": round(p.elapsed_fraction * 100, 1), "behind_pace": p.behind,
        })
    emit(rows, ["campaign_id", "sponsor_name", "campaign_name", "pricing", "booked_reads", "delivered_reads",
                "booked_impressions", "delivered_impressions", "delivered_percent", "flight_elapsed_percent",
                "behind_pace"], fmt)
