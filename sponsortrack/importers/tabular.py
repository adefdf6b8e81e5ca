"""Reading spreadsheets (CSV exports, or XLSX workbooks directly): decoding, delimiter, column mapping,
per-row problems.

Pure and store-free: ``read_table`` turns bytes into a ``Table`` (headers and numbered rows);
``map_columns`` matches its headers to the fields of an import kind (``READS``, ``CAMPAIGNS``,
``DOWNLOADS``), accepting common aliases and an explicit mapping; ``Table.records`` yields
``(row_number, {field: text})``. Row numbers are the ones a spreadsheet shows: the header is row 1.
Typed validation of each value is done by the import service with ``sponsortrack.validation``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sponsortrack.errors import ValidationError

MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_CELL = 100_000
MAX_COLUMNS = 10_000  # a wide downloads export has one column per day: ten years fit, a runaway header not


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem with one row (``row`` as a spreadsheet numbers it; 1 is the header)."""

    row: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.problem}"

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "problem": self.problem}


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    # at least one of each group must be mapped (e.g. an episode number or a GUID)
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


def _c(field_name: str, label: str, *aliases: str, required: bool = False) -> Column:
    return Column(field_name, label, required, aliases)


READS = Kind("reads", (
    _c("show", "Show", "podcast", "show_name", "program", required=True),
    _c("episode", "Episode number", "episode_number", "ep", "ep_number", "number", "episode_no", "no",
       required=True),
    _c("sponsor", "Sponsor", "advertiser", "brand", "client", "sponsor_name", required=True),
    _c("campaign", "Campaign", "campaign_name", "io", "insertion_order"),
    _c("placement", "Placement", "slot", "position_in_show", "roll", "break"),
    _c("position", "Position", "order", "pos", "position_in_break"),
    _c("read_type", "Read type", "type", "ad_type", "format"),
    _c("start", "Start", "start_time", "start_seconds", "timestamp", "offset"),
    _c("length", "Length", "duration", "length_seconds", "seconds"),
    _c("promo_url", "Promo URL", "url", "link", "promo_link", "vanity_url"),
    _c("promo_code", "Promo code", "code", "coupon", "offer_code", "discount_code"),
    _c("status", "Status", "state"),
    _c("units", "Units", "downloads", "impressions"),
    _c("episode_title", "Episode title", "title"),
    _c("air_date", "Air date", "date", "published", "published_on", "release_date", "aired"),
    _c("notes", "Notes", "note", "comments", "comment"),
))

CAMPAIGNS = Kind("campaigns", (
    _c("sponsor", "Sponsor", "advertiser", "brand", "client", "sponsor_name", required=True),
    _c("name", "Campaign", "campaign", "campaign_name", "title", required=True),
    _c("agency", "Agency", "agency_name", "agency_of_record"),
    _c("show", "Show", "podcast", "show_name"),
    _c("io_number", "IO number", "io", "io_no", "insertion_order", "io_#"),
    _c("po_number", "PO number", "po", "po_no", "purchase_order", "po_#"),
    _c("start_date", "Start date", "start", "flight_start", "from", required=True),
    _c("end_date", "End date", "end", "flight_end", "to", "until", required=True),
    _c("pricing", "Pricing", "pricing_model", "model", "rate_type", required=True),
    _c("rate", "Rate", "price", "cost", "rate_per_read", "cpm", "amount", required=True),
    _c("currency", "Currency", "ccy", "cur"),
    _c("booked_reads", "Booked reads", "reads", "spots", "booked_spots", "units_booked"),
    _c("booked_impressions", "Booked impressions", "impressions", "booked_downloads"),
    _c("download_window_days", "Download window (days)", "window", "window_days", "download_window"),
    _c("default_placement", "Placement", "placement"),
    _c("default_read_type", "Read type", "read_type", "type"),
    _c("promo_url", "Promo URL", "url", "link", "vanity_url"),
    _c("promo_code", "Promo code", "code", "coupon", "offer_code"),
    _c("talking_points", "Talking points", "talking_points", "copy", "brief"),
    _c("status", "Status", "state"),
    _c("notes", "Notes", "note", "comments"),
))

DOWNLOADS = Kind("downloads", (
    _c("show", "Show", "podcast", "show_name"),
    _c("episode", "Episode number", "episode_number", "ep", "number", "episode_no"),
    _c("guid", "GUID", "episode_guid", "id", "episode_id", "item_guid"),
    _c("day", "Day", "days", "day_n", "days_after_release", "age_days", "window"),
    _c("downloads", "Downloads", "download_count", "count", "total_downloads", "listens", "plays"),
    _c("source", "Source", "provider", "host", "platform"),
), one_of=(("episode", "guid"),))

KINDS: dict[str, Kind] = {k.name: k for k in (READS, CAMPAIGNS, DOWNLOADS)}

# wide download exports: one column per window, e.g. "Day 7", "7 days", "downloads_30d", "D30"
_WIDE_DAY_RE = re.compile(
    r"^(?:(?:downloads|dl)_)?(?:(?:day|days|d)_?)?(\d{1,4})(?:_?(?:d|day|days))?(?:_(?:downloads|dl))?$"
)


def header_key(text: str) -> str:
    """``"IO #"`` -> ``"io_number"``, ``" Promo URL "`` -> ``"promo_url"``."""
    s = (text or "").strip().lower().replace("#", " number ")
    return re.sub(r"[\W_]+", "_", s).strip("_")


def wide_day(header: str) -> int | None:
    """The day N of a wide downloads column ("Day 7", "30 days", "downloads_90d", "D30"), or None."""
    key = header_key(header)
    if key.isdigit():
        return None
    m = _WIDE_DAY_RE.match(key)
    if not m:
        return None
    n = int(m.group(1))
    return n if n <= 3650 else None


# --------------------------------------------------------------------------- decoding

def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: a BOM wins, then strict UTF-8, then Windows-1252 (then Latin-1)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ValidationError("file", f"starts with a {enc} byte-order mark but is not {enc} "
                                              f"(byte {exc.start})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_bytes(source: bytes | str | Path) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValidationError("file", f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ValidationError("file", f"{path} does not exist") from None
        except IsADirectoryError:
            raise ValidationError("file", f"{path} is a folder, not a file") from None
        except PermissionError:
            raise ValidationError("file", f"{path} cannot be read (permission denied)") from None
        except OSError as exc:
            raise ValidationError("file", f"{path} cannot be read ({exc.strerror or exc})") from None
    return data


# --------------------------------------------------------------------------- tables

@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells); header is row 1
    encoding: str = "utf-8"
    delimiter: str = ","
    problems: list[RowProblem] = field(default_factory=list)  # structural problems (too many cells, ...)

    def records(self, mapping: Mapping[str, int]) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row number, {field: stripped text})`` for every row, empty cells as ``""``."""
        items = list(mapping.items())
        for number, cells in self.rows:
            n = len(cells)
            yield number, {f: (cells[i].strip() if i < n else "") for f, i in items}


def read_table(source: bytes | str | Path) -> Table:
    """Parse CSV bytes (or a file) into a table. Raises ``ValidationError`` when it is not a table."""
    data = read_bytes(source)
    if not data.strip():
        raise ValidationError("file", "is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError("file", "looks like an old Excel workbook (XLS); save it as CSV and import that")
    text, encoding = decode(data)
    if "\x00" in text:
        raise ValidationError("file", "contains NUL bytes: it is not a text CSV file")
    sample = text[:20_000]
    delimiter = _sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    number = 0  # spreadsheet row: one per CSV record, a quoted multi-line cell stays one row

    def numbered() -> Iterator[tuple[int, list[str]]]:
        nonlocal number
        for cells in reader:
            number += 1
            yield number, cells

    try:
        headers, rows, problems = _collect(numbered())
    except csv.Error as exc:
        raise ValidationError("file", f"row {number + 1}: not valid CSV ({exc})") from None
    if headers is None:
        raise ValidationError("file", "has no header row")
    return Table(headers, rows, encoding, delimiter, problems)


def _collect(records: Iterator[tuple[int, list[str]]]
             ) -> tuple[list[str] | None, list[tuple[int, list[str]]], list[RowProblem]]:
    """The header (the first row with text) and the rows after it, of numbered rows of cells, CSV's or a
    worksheet's: blank rows skipped as a spreadsheet would, an absurdly wide header or too many rows refused,
    over-long cells cut and rows wider than the header reported as problems."""
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[RowProblem] = []
    for number, cells in records:
        if headers is None:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > MAX_COLUMNS:
                raise ValidationError("file", f"row {number}: the header has {len(cells):,} columns; "
                                              f"at most {MAX_COLUMNS:,} can be imported")
            headers = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue  # blank rows are skipped, as a spreadsheet would
        if any(len(c) > MAX_CELL for c in cells):
            problems.append(RowProblem(number, "row", f"has a cell longer than {MAX_CELL:,} characters"))
            cells = [c[:MAX_CELL] for c in cells]
        rows.append((number, cells))
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
            problems.append(RowProblem(number, "row",
                                       f"has {len(cells)} cells but the header has {len(headers)} columns"))
        if len(rows) > MAX_ROWS:
            raise ValidationError("file", f"has more than {MAX_ROWS:,} rows")
    return headers, rows, problems


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV export of it would hold: dates ISO, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    """The first worksheet of an XLSX workbook as a table (openpyxl, read-only: rows are streamed)."""
    try:
        import openpyxl  # only an XLSX import needs it
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ValidationError("file", "is an Excel workbook (XLSX) and openpyxl is not installed; save it as "
                                      "CSV (UTF-8) and import that") from None
    import zipfile

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError("file", f"is a ZIP file but not a readable Excel workbook (XLSX): {exc}") from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or wb.worksheets
        if not sheets:
            raise ValidationError("file", "is an Excel workbook with no worksheet")

        def numbered() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(sheets[0].iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                while cells and not cells[-1].strip():
                    cells.pop()
                yield number, cells

        headers, rows, problems = _collect(numbered())
    finally:
        wb.close()
    if headers is None:
        raise ValidationError("file", f"worksheet {sheets[0].title!r} has no header row")
    return Table(headers, rows, "xlsx", "", problems)


def _sniff_delimiter(sample: str) -> str:
    first = next((ln for ln in sample.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


# --------------------------------------------------------------------------- mapping

@dataclass
class ColumnMap:
    """Which column index each field reads, plus the columns left unused."""

    fields: dict[str, int]
    unused: list[str]
    wide_days: dict[int, int] = field(default_factory=dict)  # downloads: day -> column index


def map_columns(kind: Kind, headers: list[str], explicit: Mapping[str, str] | None = None) -> ColumnMap:
    """Match headers to the kind's fields. ``explicit`` maps field -> header and wins over aliases.

    Raises ``ValidationError("columns", ...)`` naming what is missing or ambiguous.
    """
    if len(headers) > MAX_COLUMNS:
        raise ValidationError("columns", f"the header has {len(headers):,} columns; at most {MAX_COLUMNS:,} "
                                         f"can be imported")
    keys = [header_key(h) for h in headers]
    first: dict[str, int] = {}  # key -> its first column, and how often it appears: one pass, not a scan per key
    seen_count: dict[str, int] = {}
    for i, k in enumerate(keys):
        first.setdefault(k, i)
        seen_count[k] = seen_count.get(k, 0) + 1
    fields: dict[str, int] = {}
    known = {c.field for c in kind.columns}
    for fld, header in (explicit or {}).items():
        if fld not in known:
            raise ValidationError("columns", f"{fld!r} is not a {kind.name} field "
                                             f"(fields: {', '.join(sorted(known))})")
        if header in (None, ""):
            continue
        hk = header_key(header)
        if hk not in first:
            raise ValidationError("columns", f"there is no column {header!r} for {fld} "
                                             f"(columns: {_some(headers)})")
        fields[fld] = first[hk]
    taken = set(fields.values())
    for col in kind.columns:
        if col.field in fields or (explicit and col.field in explicit):
            continue
        for candidate in (col.field, header_key(col.label), *col.aliases):
            ck = header_key(candidate)
            if ck in first and first[ck] not in taken:
                fields[col.field] = first[ck]
                taken.add(first[ck])
                break
    dup = {k for k, n in seen_count.items() if k and n > 1 and first[k] in taken}
    if dup:
        raise ValidationError("columns", f"column {sorted(dup)[0]!r} appears more than once")
    wide: dict[int, int] = {}
    if kind is DOWNLOADS and "downloads" not in fields:
        for i, h in enumerate(headers):
            if i in taken:
                continue
            day = wide_day(h)
            if day is not None and day not in wide:
                wide[day] = i
                taken.add(i)
    missing = [c.label for c in kind.columns if c.required and c.field not in fields]
    if kind is DOWNLOADS:
        if "downloads" not in fields and not wide:
            missing.append("Downloads (or one column per day, such as 'Day 7')")
        elif "downloads" in fields and "day" not in fields:
            missing.append("Day")
    for group in kind.one_of:
        if not any(f in fields for f in group):
            missing.append(" or ".join(kind.column(f).label for f in group))
    if missing:
        raise ValidationError("columns", f"missing {', '.join(missing)} (found: {_some(headers) or 'none'})")
    unused = [h for i, h in enumerate(headers) if i not in taken and h]
    return ColumnMap(fields, unused, wide)


def _some(headers: list[str], limit: int = 30) -> str:
    """Headers for a message: all of a normal header, the first ``limit`` of a very wide one."""
    if len(headers) <= limit:
        return ", ".join(headers)
    return ", ".join(headers[:limit]) + f", … ({len(headers) - limit:,} more)"
