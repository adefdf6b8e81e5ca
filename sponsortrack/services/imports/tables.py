"""Spreadsheets (CSV or XLSX): the shared table plumbing, and the campaigns and downloads imports.

The reads import, the largest, is in ``sheet_reads``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import NotFoundError, SponsortrackError, ValidationError
from sponsortrack.importers import sheet_values, tabular
from sponsortrack.importers.tabular import RowProblem
from sponsortrack.money import MAX_UNITS
from sponsortrack.services.imports.common import PREVIEW_ROWS, Cancelled, Progress, check_cancel, noop_progress
from sponsortrack.store import Store
from sponsortrack.store import imports as istore


@dataclass
class TableImportResult:
    kind: str
    rows: int = 0
    encoding: str = "utf-8"
    unused_columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header
    problems: list[RowProblem] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)  # first rows, cleaned
    created: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # rows already in the database (re-import)
    dry_run: bool = False
    written: bool = False
    new_shows: list[str] = field(default_factory=list)  # created by the import (create_missing)
    new_sponsors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "rows": self.rows, "encoding": self.encoding, "mapping": self.mapping,
            "new_shows": self.new_shows, "new_sponsors": self.new_sponsors,
            "unused_columns": self.unused_columns, "problems": [p.to_dict() for p in self.problems],
            "preview": self.preview, "created": self.created, "skipped": self.skipped, "dry_run": self.dry_run,
            "written": self.written,
        }


def row_problem(row: int, exc: SponsortrackError) -> RowProblem:
    fld = getattr(exc, "field", None)
    problem = getattr(exc, "problem", None)
    if fld is not None and problem is not None:
        return RowProblem(row, fld, problem)
    return RowProblem(row, "row", str(exc))


def open_table(source: bytes | str | Path, kind: tabular.Kind, mapping: Mapping[str, str] | None,
                result: TableImportResult) -> tuple[tabular.Table, tabular.ColumnMap]:
    table = tabular.read_table(source if isinstance(source, bytes) else Path(str(source)).expanduser())
    cmap = tabular.map_columns(kind, table.headers, mapping)
    result.rows = len(table.rows)
    result.encoding = table.encoding
    result.unused_columns = cmap.unused
    result.mapping = {f: table.headers[i] for f, i in cmap.fields.items()}
    result.mapping.update({f"day {d}": table.headers[i] for d, i in cmap.wide_days.items()})
    result.problems.extend(table.problems)
    if not table.rows:
        raise ValidationError("file", "has a header row but no data rows")
    return table, cmap


class Memo:
    """Validation results of repeated cell values (a spreadsheet repeats sponsors, URLs, placements)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Any] = {}

    def __call__(self, fn: Callable[[str], Any], tag: str, raw: str) -> Any:
        key = (tag, raw)
        try:
            hit = self.cache[key]
        except KeyError:
            try:
                hit = fn(raw)
            except SponsortrackError as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, SponsortrackError):
            raise hit
        return hit


def import_campaigns_csv(store: Store, source: bytes | str | Path, *, mapping: Mapping[str, str] | None = None,
                         dry_run: bool = False, progress: Progress | None = None,
                         cancelled: Cancelled | None = None, dates: str = "auto") -> TableImportResult:
    """Campaigns (insertion orders) from a spreadsheet (CSV or XLSX), validated like the campaign form.

    Start and end dates are read like the reads import's air dates (``dates``: auto, us, day-first);
    rates may carry their currency's sign or code ("$1,200.00", "1200 USD")."""
    from sponsortrack.services import campaigns as camp_service

    progress = progress or noop_progress
    result = TableImportResult(kind="campaigns", dry_run=dry_run)
    table, cmap = open_table(source, tabular.CAMPAIGNS, mapping, result)
    existing = {(c["sponsor_id"], c["name"].casefold()) for c in istore.campaigns(store)}
    seen: dict[tuple[int, str], int] = {}
    rows: list[dict[str, Any]] = []
    total = len(table.rows)
    if dates not in sheet_values.DATE_ORDERS:
        raise ValidationError("dates", f"{dates!r} is not one of auto, us, day-first")
    order: str | None = None if dates == "auto" else dates
    date_cols = {k: i for k, i in cmap.fields.items() if k in ("start_date", "end_date")}
    if dates == "auto" and date_cols:
        order, _example = sheet_values.date_order_of(
            val for _, rec in table.records(date_cols) for val in rec.values())
    for n, (row, rec) in enumerate(table.records(cmap.fields), start=1):
        if n % 200 == 0:
            check_cancel(cancelled)
            progress(n, total, f"Checked {n} of {total} rows")
        values: dict[str, str | None] = {k: val for k, val in rec.items() if val != ""}
        date_problems = []
        for k in date_cols:
            raw = values.get(k)
            if raw:
                try:
                    values[k] = sheet_values.sheet_date(raw, k, order)
                except ValidationError as exc:
                    date_problems.append(row_problem(row, exc))
        if date_problems:
            result.problems.extend(date_problems)
            continue
        for k in ("sponsor", "name", "start_date", "end_date", "pricing", "rate"):
            values.setdefault(k, "")
        try:
            clean = camp_service.clean_campaign(store, values)
        except SponsortrackError as exc:
            result.problems.append(row_problem(row, exc))
            continue
        key = (clean["sponsor_id"], clean["name"].casefold())
        if key in existing:
            result.problems.append(RowProblem(row, "name", f"this sponsor already has a campaign named "
                                                           f"{clean['name']!r}"))
            continue
        if key in seen:
            result.problems.append(RowProblem(row, "name", f"the same campaign is on row {seen[key]}"))
            continue
        seen[key] = row
        rows.append(clean)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"row": row, "sponsor": rec.get("sponsor"), **{
                k: clean.get(k) for k in ("name", "start_date", "end_date", "pricing", "rate_minor", "currency",
                                          "booked_reads", "promo_url", "promo_code")}})
    result.problems.sort(key=lambda p: p.row)
    result.created = {"campaigns": len(rows)}
    if result.problems or dry_run:
        return result
    istore.write_batch(store, istore.Batch(campaigns_insert=rows))
    result.written = True
    progress(total, total, "Done")
    return result


def import_downloads_csv(store: Store, source: bytes | str | Path, *, source_name: str | None = None,
                         mapping: Mapping[str, str] | None = None, dry_run: bool = False,
                         progress: Progress | None = None, cancelled: Cancelled | None = None) -> TableImportResult:
    """Download snapshots (episode, day N, downloads, source) from a hosting provider's export.

    Episodes are named by show and number, or by GUID. Long format (a Day and a Downloads column)
    or wide (one column per day: "Day 7", "Day 30"). Re-importing replaces the same snapshots.
    """
    progress = progress or noop_progress
    result = TableImportResult(kind="downloads", dry_run=dry_run)
    table, cmap = open_table(source, tabular.DOWNLOADS, mapping, result)
    default_source = v.text(source_name, "source", max_len=50) or "import"
    f = cmap.fields
    shows = {s["name"].casefold(): s for s in istore.shows(store)}
    by_number: dict[tuple[int, int], dict] = {}
    if "show" in f and "episode" in f:
        ids = [s["id"] for s in shows.values()]
        by_number = {(e["show_id"], e["number"]): e for e in istore.episodes_of_shows(store, ids, with_notes=False)
                     if e["number"] is not None}
    by_guid: dict[str, list[dict]] = defaultdict(list)
    if "guid" in f:
        guids = [c[f["guid"]].strip() for _, c in table.rows if f["guid"] < len(c) and c[f["guid"]].strip()]
        for e in istore.episodes_with_guid(store, guids):
            by_guid[e["guid"]].append(e)
    snapshots: dict[tuple[int, int, str], dict[str, Any]] = {}
    first_row: dict[tuple[int, int, str], int] = {}
    for row, cells in table.rows:
        rec = {k: (cells[i].strip() if i < len(cells) else "") for k, i in f.items()}
        try:
            ep = None
            show = None
            if rec.get("show"):
                show = shows.get(rec["show"].casefold())
                if show is None:
                    raise NotFoundError("show", f"no show named {rec['show'][:60]!r}")
            if rec.get("guid"):
                hits = [e for e in by_guid.get(rec["guid"], []) if show is None or e["show_id"] == show["id"]]
                if len(hits) > 1:
                    raise ValidationError("guid", f"{rec['guid'][:60]!r} names episodes of several shows; "
                                                  "add a Show column")
                ep = hits[0] if hits else None
                if ep is None and not rec.get("episode"):
                    raise NotFoundError("guid", f"no episode with GUID {rec['guid'][:60]!r}")
            if ep is None:
                if show is None:
                    raise ValidationError("show", "is required to find an episode by number")
                number = v.positive_int(rec.get("episode"), "episode", maximum=100_000)
                ep = by_number.get((show["id"], number))
                if ep is None:
                    raise NotFoundError("episode", f"{show['name']} has no episode {number}")
            src = v.text(rec.get("source"), "source", max_len=50) or default_source
            pairs: list[tuple[int, str, str]] = []  # (day, raw downloads, field)
            if "downloads" in f:
                day = v.non_negative_int(rec.get("day"), "day", allow_none=False, maximum=3650)
                pairs.append((day, rec["downloads"], "downloads"))  # type: ignore[arg-type]
            for day, idx in cmap.wide_days.items():
                pairs.append((day, cells[idx].strip() if idx < len(cells) else "", table.headers[idx]))
            for day, raw, fld in pairs:
                if raw == "" and fld != "downloads":
                    continue  # an empty wide cell: not counted yet
                downloads = v.non_negative_int(sheet_values.sheet_count(raw, fld), fld, allow_none=False,
                                               maximum=MAX_UNITS)
                key = (ep["id"], day, src)
                if key in snapshots:
                    raise ValidationError(fld, f"day {day} of this episode is also on row {first_row[key]}")
                first_row[key] = row
                snapshots[key] = {"episode_id": ep["id"], "day": day, "downloads": downloads, "source": src}
        except SponsortrackError as exc:
            result.problems.append(row_problem(row, exc))
    result.problems.sort(key=lambda p: p.row)
    existing = istore.download_keys(store, {k[0] for k in snapshots})
    result.created = {"snapshots": sum(1 for k in snapshots if k not in existing),
                      "replaced": sum(1 for k in snapshots if k in existing)}
    result.preview = list(snapshots.values())[:PREVIEW_ROWS]
    if result.problems or dry_run:
        return result
    check_cancel(cancelled)
    istore.write_batch(store, istore.Batch(snapshots=list(snapshots.values())))
    result.written = True
    progress(len(table.rows), len(table.rows), "Done")
    return result
