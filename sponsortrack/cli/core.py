"""Core commands: demo, shows, episodes, sponsors, agencies, campaigns, log, reads, settings, backup, gui."""

from __future__ import annotations

import json

import click

from sponsortrack.cli.output import emit, format_option
from sponsortrack.cli.output import store_of as _store
from sponsortrack.money import format_money, format_percent
from sponsortrack.validation import format_duration


def _clean_opts(**opts):
    """Keep only the options the user gave (None means 'not given')."""
    return {k: v for k, v in opts.items() if v is not None}


def register(main: click.Group) -> None:
    for cmd in (demo, gui, log, backup):
        main.add_command(cmd)
    for grp in (shows, episodes, sponsors, agencies, campaigns, reads, settings):
        main.add_command(grp)


# -- demo, gui, backup -----------------------------------------------------------------------


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo network (Practical AI, autumn 2019). Safe to run twice."""
    from sponsortrack.services.demo import load_demo

    store = _store(ctx)
    res = load_demo(store)
    if res.anything:
        what = ", ".join(f"{n} {k}" for k, n in res.created.items())
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


# -- shows -------------------------------------------------------------------------------------


@click.group()
def shows() -> None:
    """Podcasts of the network."""


@shows.command("list")
@format_option
@click.pass_context
def shows_list(ctx: click.Context, fmt: str) -> None:
    from dataclasses import asdict

    from sponsortrack.services import catalog

    rows = [asdict(s) for s in catalog.list_shows(_store(ctx))]
    emit(rows, ["id", "name", "website", "feed_url"], fmt)


@shows.command("add")
@click.argument("name")
@click.option("--website")
@click.option("--feed-url")
@click.option("--description")
@click.pass_context
def shows_add(ctx: click.Context, name: str, **opts) -> None:
    from sponsortrack.services import catalog

    show = catalog.add_show(_store(ctx), name=name, **_clean_opts(**opts))
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

    store = _store(ctx)
    current = catalog.resolve_show(store, show)
    updated = catalog.edit_show(store, current.id, **_clean_opts(**opts))
    click.echo(f"Updated show {updated.name} (id {updated.id}).")


# -- episodes ----------------------------------------------------------------------------------


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
    from dataclasses import asdict

    from sponsortrack.services import catalog

    rows = []
    from sponsortrack.validation import format_duration

    for e in catalog.list_episodes(_store(ctx), show=show, search=search, limit=limit):
        d = asdict(e)
        if fmt != "json":
            d.pop("show_notes")
            d["duration"] = format_duration(e.duration_seconds)
        rows.append(d)
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
    values = _clean_opts(**opts)
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

    store = _store(ctx)
    ep = catalog.resolve_episode(store, show, number, season)
    values = _clean_opts(**opts)
    if new_number is not None:
        values["number"] = new_number
    if new_season is not None:
        values["season"] = None if new_season.strip().lower() in ("none", "") else new_season
    if notes_file is not None:
        values["show_notes"] = notes_file.read()
    ep = catalog.edit_episode(store, ep.id, **values)
    click.echo(f"Updated {ep.show_name} episode {ep.code}: {ep.title}.")


# -- sponsors & agencies -------------------------------------------------------------------------


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
    from dataclasses import asdict

    from sponsortrack.services import catalog

    rows = []
    for s in catalog.list_sponsors(_store(ctx)):
        d = asdict(s)
        if fmt != "json":
            d["domains"] = ", ".join(s.domains)
        rows.append(d)
    emit(rows, ["id", "name", "domains", "contact_name", "contact_email", "terms_days"], fmt)


@sponsors.command("add")
@click.argument("name")
@_sponsor_options
@click.pass_context
def sponsors_add(ctx: click.Context, name: str, **opts) -> None:
    from sponsortrack.services import catalog

    sp = catalog.add_sponsor(_store(ctx), name=name, **_unescape(_clean_opts(**opts)))
    click.echo(f"Added sponsor {sp.name} (id {sp.id}).")


@sponsors.command("edit")
@click.argument("sponsor")
@click.option("--name", help="New name.")
@_sponsor_options
@click.pass_context
def sponsors_edit(ctx: click.Context, sponsor: str, **opts) -> None:
    from sponsortrack.services import catalog

    store = _store(ctx)
    sp = catalog.resolve_sponsor(store, sponsor)
    sp = catalog.edit_sponsor(store, sp.id, **_unescape(_clean_opts(**opts)))
    click.echo(f"Updated sponsor {sp.name} (id {sp.id}).")


@sponsors.command("delete")
@click.argument("sponsor")
@click.pass_context
def sponsors_delete(ctx: click.Context, sponsor: str) -> None:
    from sponsortrack.services import catalog

    store = _store(ctx)
    sp = catalog.resolve_sponsor(store, sponsor)
    catalog.delete_sponsor(store, sp.id)
    click.echo(f"Deleted sponsor {sp.name}.")


@click.group()
def agencies() -> None:
    """Agencies of record."""


@agencies.command("list")
@format_option
@click.pass_context
def agencies_list(ctx: click.Context, fmt: str) -> None:
    from dataclasses import asdict

    from sponsortrack.services import catalog

    rows = []
    for a in catalog.list_agencies(_store(ctx)):
        d = asdict(a)
        if fmt != "json":
            d["commission"] = format_percent(a.commission_bp)
        rows.append(d)
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

    ag = catalog.add_agency(_store(ctx), name=name, **_unescape(_clean_opts(**opts)))
    click.echo(f"Added agency {ag.name} ({format_percent(ag.commission_bp)} commission, id {ag.id}).")


# -- campaigns ---------------------------------------------------------------------------------


@click.group()
def campaigns() -> None:
    """Insertion orders."""


def _campaign_json(c) -> dict:
    from dataclasses import asdict

    return asdict(c)


@campaigns.command("list")
@click.option("--sponsor")
@click.option("--status")
@format_option
@click.pass_context
def campaigns_list(ctx: click.Context, sponsor: str | None, status: str | None, fmt: str) -> None:
    from sponsortrack.services import campaigns as svc

    rows = []
    for c in svc.list_campaigns(_store(ctx), sponsor=sponsor, status=status):
        d = _campaign_json(c)
        if fmt != "json":
            d["rate"] = format_money(c.rate_minor, c.currency) + (" CPM" if c.pricing == "cpm" else "")
            d["flight"] = f"{c.start_date} – {c.end_date}"
        rows.append(d)
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

    c = svc.add_campaign(_store(ctx), sponsor=sponsor, name=name, **_clean_opts(**opts))
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
    c = svc.edit_campaign(store, campaign_id, **_clean_opts(**opts))
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


# -- log and reads -----------------------------------------------------------------------------


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

    store = _store(ctx)
    ep = catalog.resolve_episode(store, show, episode, season)
    rid = svc.log_read(store, ep.id, sponsor=sponsor, **_clean_opts(**opts))
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
@click.option("--unbilled", is_flag=True, help="Only reads not on an invoice.")
@format_option
@click.pass_context
def reads_list(ctx: click.Context, fmt: str, **filters) -> None:
    from sponsortrack.services import reads as svc

    store = _store(ctx)
    opts = _clean_opts(**filters)
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

    r = svc.edit_read(_store(ctx), read_id, **_clean_opts(**opts))
    click.echo(f"Updated read {r.id}: {r.sponsor_name}, {r.placement}-roll, {r.status}.")


@reads.command("delete")
@click.argument("read_ids", type=int, nargs=-1, required=True)
@click.pass_context
def reads_delete(ctx: click.Context, read_ids: tuple[int, ...]) -> None:
    """Delete reads (refused once they are on an issued invoice)."""
    from sponsortrack.services import reads as svc

    rows = svc.delete_reads(_store(ctx), list(read_ids))
    click.echo(f"Deleted {len(rows)} read(s).")


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


# -- settings --------------------------------------------------------------------------------


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
    click.echo(f"Saved {len(values)} setting(s).")
