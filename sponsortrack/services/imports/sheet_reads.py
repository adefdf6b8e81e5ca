"""Reads from a spreadsheet: show, episode and sponsor per row, every problem of a row reported at once."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, SponsortrackError, ValidationError
from sponsortrack.importers import sheet_values, tabular
from sponsortrack.importers.shownotes import name_key
from sponsortrack.money import check_cpm
from sponsortrack.services.imports.common import (
    PREVIEW_ROWS,
    SOURCE_CSV,
    Cancelled,
    Progress,
    check_cancel,
    noop_progress,
)
from sponsortrack.services.imports.matching import Campaigns, Sponsors
from sponsortrack.services.imports.tables import Memo, TableImportResult, open_table, row_problem
from sponsortrack.services.reads import DEFAULT_PLACEMENT, DEFAULT_READ_TYPE, read_field
from sponsortrack.store import Store
from sponsortrack.store import imports as istore
from sponsortrack.store.models import episode_code, parse_episode_code


def import_reads_csv(store: Store, source: bytes | str | Path, *, mapping: Mapping[str, str] | None = None,
                     dry_run: bool = False, default_status: str = "aired", progress: Progress | None = None,
                     cancelled: Cancelled | None = None, dates: str = "auto",
                     create_missing: bool = False) -> TableImportResult:
    """Reads from a spreadsheet (CSV or XLSX): show, episode number and sponsor per row (plus optional columns).

    With ``create_missing`` a show or sponsor the database does not have yet is created (listed in
    ``new_shows`` / ``new_sponsors`` for the preview) instead of being a problem.

    Every problem of a row is reported at once. Air dates may be ISO, "5 Mar 2024", or numeric in the
    order ``dates`` says ("us": 3/5/2024 is March 5; "day-first": 5 March); with "auto" the column's
    unambiguous values decide, and a value that still reads both ways is a problem naming both.
    Placements are read as sheets write them ("Pre-roll", "Mid roll", "Post").

    Episodes missing from the database are created when the row gives an air date. Rows already
    logged (same episode, sponsor, placement and position) are skipped, so a re-import adds nothing.
    """
    progress = progress or noop_progress
    result = TableImportResult(kind="reads", dry_run=dry_run)
    table, cmap = open_table(source, tabular.READS, mapping, result)
    status_default = v.choice(default_status, "status", v.READ_STATUSES)
    shows = {s["name"].casefold(): s for s in istore.shows(store)}
    sponsors = Sponsors(istore.sponsors(store))
    campaigns = Campaigns(istore.campaigns(store))
    memo = Memo()

    # first pass over shows, to load only their episodes
    show_col = cmap.fields["show"]
    wanted_shows = {shows[c[show_col].strip().casefold()]["id"] for _, c in table.rows
                    if show_col < len(c) and c[show_col].strip().casefold() in shows}
    # an episode is (show, season, number); a sheet names it "62", or "S2E5" in a show with seasons
    episodes = {(e["show_id"], e["season"] or 0, e["number"]): e
                for e in istore.episodes_of_shows(store, wanted_shows, with_notes=False) if e["number"] is not None}
    numbered: dict[tuple[int, int], list[dict]] = defaultdict(list)  # (show, number) -> its seasons' episodes
    for e in episodes.values():
        numbered[(e["show_id"], e["number"])].append(e)
    existing_reads = istore.read_summaries(store, [e["id"] for e in episodes.values()]) if episodes else []
    taken: set[tuple[Any, int, str, int]] = set()
    positions: dict[tuple[Any, str], int] = {}
    logged: Counter[tuple[Any, int, str]] = Counter()
    for r in existing_reads:
        taken.add((r["episode_id"], r["sponsor_id"], r["placement"], r["position"]))
        logged[(r["episode_id"], r["sponsor_id"], r["placement"])] += 1
        key = (r["episode_id"], r["placement"])
        positions[key] = max(positions.get(key, 0), r["position"])

    new_episodes: dict[tuple[Any, int, int], dict[str, Any]] = {}  # (show, season or 0, number)
    seen_in_file: Counter[tuple[Any, int, str]] = Counter()
    reads: list[dict[str, Any]] = []
    problems = result.problems
    total = len(table.rows)
    f = cmap.fields
    has = {k: k in f for k in ("campaign", "placement", "position", "read_type", "start", "length", "promo_url",
                               "promo_code", "status", "units", "episode_title", "air_date", "notes")}

    def cell(rec: dict[str, str], name: str) -> Any:
        """A read's field by the one rule the log screen applies (``reads.read_field``); blank is None."""
        if not has[name]:
            return None
        return memo(lambda raw: read_field(name, raw), name, rec[name])

    order: str | None = dates
    if has["air_date"] and dates == "auto":
        try:
            order, _example = sheet_values.date_order_of(rec["air_date"] for _, rec in table.records(
                {"air_date": f["air_date"]}))
        except ValidationError as exc:
            raise ValidationError("air_date", exc.problem) from None
    elif dates not in sheet_values.DATE_ORDERS:
        raise ValidationError("dates", f"{dates!r} is not one of auto, us, day-first")
    order = None if order == "auto" else order
    bad = object()  # a field whose value has a problem (reported; the row is not imported)

    def episode_number(raw: str) -> tuple[int | None, int] | None:
        code = parse_episode_code(raw)  # "S2E5" / "S2 E5": (2, 5)
        if code is not None and code[0] is not None:
            return code
        n = v.positive_int(raw, "episode", maximum=100_000)
        return None if n is None else (None, n)

    def find_episode(show: dict, season: int | None, number: int) -> dict | None:
        if season is not None or (show["id"], 0, number) in episodes:
            return episodes.get((show["id"], season or 0, number))
        seasons = numbered.get((show["id"], number), [])
        if len(seasons) > 1:
            which = ", ".join(episode_code(number, e["season"]) for e in sorted(seasons, key=lambda e: e["season"]))
            raise ValidationError("episode", f"{show['name']} has episode {number} in several seasons ({which}): "
                                             f"write it as S{seasons[-1]['season']}E{number}")
        return seasons[0] if seasons else None

    def sheet_air_date(raw: str) -> str | None:
        return sheet_values.sheet_date(raw, "air_date", order)

    def episode_title(rec: dict[str, str], number: int) -> str:
        title = v.text(rec["episode_title"], "episode_title", max_len=500) if has["episode_title"] else None
        return title or f"Episode {number}"
    new_shows: dict[str, dict[str, Any]] = {}  # casefold name -> {"id": ("new", key), "name"}
    new_sponsors: dict[str, dict[str, Any]] = {}  # name_key -> {"id": ("new", key), "name"}

    for n, (row, rec) in enumerate(table.records(f), start=1):
        if n % 5000 == 0:
            check_cancel(cancelled)
            progress(n, total, f"Checked {n:,} of {total:,} rows")
        errors: list[SponsortrackError] = []  # every problem of the row, reported at once

        def get(fn: Callable[..., Any], *args: Any, errors: list[SponsortrackError] = errors) -> Any:
            try:
                return fn(*args)
            except SponsortrackError as exc:
                errors.append(exc)
                return bad

        def need_show(rec: dict[str, str] = rec) -> dict:
            if not rec["show"]:
                raise ValidationError("show", "is required")
            hit = shows.get(rec["show"].casefold()) or new_shows.get(rec["show"].casefold())
            if hit is None and create_missing:
                name = v.name(rec["show"], "show")
                hit = new_shows[name.casefold()] = {"id": ("new", ("show", name.casefold())), "name": name}
            if hit is None:
                raise NotFoundError("show", f"no show named {rec['show'][:60]!r} (add it first, or import with "
                                            "--create-missing)")
            return hit

        def need_sponsor(rec: dict[str, str] = rec) -> dict:
            if not rec["sponsor"]:
                raise ValidationError("sponsor", "is required")
            hit = sponsors.find(rec["sponsor"]) or new_sponsors.get(name_key(rec["sponsor"]))
            if hit is None and create_missing:
                name = v.name(rec["sponsor"], "sponsor")
                hit = new_sponsors[name_key(name)] = {"id": ("new", ("sponsor", name_key(name))), "name": name}
            if hit is None:
                raise NotFoundError("sponsor", f"no sponsor named {rec['sponsor'][:60]!r} (add it first, or "
                                               "import with --create-missing)")
            return hit

        show = get(need_show, rec)
        number = get(memo, episode_number, "ep", rec["episode"])
        sponsor = get(need_sponsor, rec)
        air_date = get(memo, sheet_air_date, "date", rec["air_date"]) if has["air_date"] else None
        # the read's own fields by the one rule the log screen applies (reads.read_field); blank is None.
        # A placement is read as sheets write it ("Pre-roll", "Mid roll", "Post"), then is one of pre/mid/post.
        placement_raw = get(memo, sheet_values.placement, "placement", rec["placement"]) \
            if has["placement"] and rec["placement"] else None
        read_type = get(cell, rec, "read_type")
        status = get(cell, rec, "status") or status_default
        position = get(cell, rec, "position")
        start = get(cell, rec, "start")
        length = get(cell, rec, "length")
        promo_url_raw = get(cell, rec, "promo_url")
        promo_code_raw = get(cell, rec, "promo_code")
        units = get(cell, rec, "units")
        notes = get(cell, rec, "notes")

        ep_ref: Any = bad
        on = None
        season = None
        if number is not bad and number is not None:
            season, number = number
        ep = get(find_episode, show, season, number) if show is not bad and number is not bad else bad
        if show is not bad and number is not bad and ep is not bad:
            if ep is not None:
                ep_ref, on = ep["id"], ep["published_on"] or ep["recorded_on"]
            else:
                ep_key: tuple[Any, int, int] = (show["id"], season or 0, number)
                if ep_key not in new_episodes:
                    if not air_date or air_date is bad:
                        if air_date is not bad:
                            errors.append(NotFoundError("episode", f"{show['name']} has no episode "
                                                                   f"{episode_code(number, season).lstrip('#')} "
                                                                   "(give an air date column to create it)"))
                    else:
                        title = get(episode_title, rec, number)
                        if title is not bad:
                            new_episodes[ep_key] = {"key": ep_key, "show_id": show["id"], "number": number,
                                                    "season": season, "title": title, "published_on": air_date}
                if ep_key in new_episodes:
                    ep_ref, on = ("new", ep_key), new_episodes[ep_key]["published_on"]
        campaign = None
        if sponsor is not bad:
            if has["campaign"] and rec["campaign"]:
                named = campaigns.named(sponsor["id"], rec["campaign"])
                if not named:
                    errors.append(NotFoundError("campaign", f"{sponsor['name']} has no campaign named "
                                                            f"{rec['campaign'][:60]!r}"))
                campaign = named[0] if named else None
            elif show is not bad:
                campaign = campaigns.running(sponsor["id"], on, show["id"])
        placement = placement_raw or (campaign["default_placement"] if campaign else DEFAULT_PLACEMENT)
        read_type = read_type or (campaign["default_read_type"] if campaign else DEFAULT_READ_TYPE)
        promo_url = promo_url_raw or (campaign["promo_url"] if campaign else None)
        promo_code = promo_code_raw or (campaign["promo_code"] if campaign else None)
        if units not in (None, bad) and campaign and campaign["pricing"] == "cpm":
            get(check_cpm, units, campaign["rate_minor"], campaign["currency"], "units")
        if errors or bad in (ep_ref, placement, read_type, status, position, start, length, promo_url,
                             promo_code, units, notes):
            problems.extend(row_problem(row, err) for err in errors)
            continue
        dup_key = (ep_ref if isinstance(ep_ref, int) else ep_ref[1], sponsor["id"], placement)
        seen_in_file[dup_key] += 1
        if isinstance(ep_ref, int):
            if position is not None and (ep_ref, sponsor["id"], placement, position) in taken:
                result.skipped += 1
                continue
            if position is None and seen_in_file[dup_key] <= logged[dup_key]:
                result.skipped += 1
                continue
        pos_key = (dup_key[0], placement)
        if position is None:
            position = positions.get(pos_key, 0) + 1
        positions[pos_key] = max(positions.get(pos_key, 0), position)
        reads.append({
            "episode_id": ep_ref, "sponsor_id": sponsor["id"], "campaign_id": campaign["id"] if campaign else None,
            "placement": placement, "position": position, "read_type": read_type, "start_seconds": start,
            "length_seconds": length, "promo_url": promo_url, "promo_code": promo_code, "status": status,
            "units": units, "source": SOURCE_CSV, "notes": notes,
            "_row": row, "_labels": (show["name"], number if season is None else episode_code(number, season),
                                     sponsor["name"],
                                     campaign["name"] if campaign else None),
        })
    problems.sort(key=lambda p: p.row)
    result.preview = [_read_preview(r) for r in reads[:PREVIEW_ROWS]]
    result.created = {"episodes": len(new_episodes), "reads": len(reads)}
    if create_missing:
        result.new_shows = [sh["name"] for sh in new_shows.values()]
        result.new_sponsors = [sp["name"] for sp in new_sponsors.values()]
        result.created.update(shows=len(new_shows), sponsors=len(new_sponsors))
    if problems or dry_run:
        return result
    check_cancel(cancelled)
    progress(total, total, f"Writing {len(reads):,} reads")
    batch = istore.Batch(episodes_insert=list(new_episodes.values()), reads=reads,
                         shows_insert=[{"key": sh["id"][1], "name": sh["name"]} for sh in new_shows.values()],
                         sponsors_insert=[{"key": sp["id"][1], "name": sp["name"], "domains": []}
                                          for sp in new_sponsors.values()])
    istore.write_batch(store, batch)
    result.written = True
    progress(total, total, "Done")
    return result


def _read_preview(r: dict[str, Any]) -> dict[str, Any]:
    show, number, sponsor, campaign = r["_labels"]
    return {"row": r["_row"], "show": show, "episode": number, "sponsor": sponsor, "campaign": campaign,
            "placement": r["placement"], "position": r["position"], "read_type": r["read_type"],
            "promo_url": r["promo_url"], "promo_code": r["promo_code"], "status": r["status"],
            "new_episode": not isinstance(r["episode_id"], int)}
