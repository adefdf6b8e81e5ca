"""What every command shares: its store, and printing lists as a table, CSV or JSON (snake_case keys)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from sponsortrack.services.export import safe_cell

FORMATS = ("table", "csv", "json")

format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                             help="Output format.")

# Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts escape sequences, BEL
# rings) and the bidirectional overrides and isolates that reorder what follows (U+202E).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in "\n\r":
        return " "
    if ch == "\t":
        return "\\t"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def table_text(value: object) -> str:
    """A value as a table cell: control and direction-changing characters are shown escaped (``\\x1b``,
    ``\\u202e``), never sent to the terminal; line breaks become spaces. JSON and CSV stay exact."""
    text = "" if value is None else str(value)
    return _INVISIBLE.sub(_escape_char, text)


def store_of(ctx: click.Context):
    """The command's open store (opened on first use by the root context's ``AppContext``)."""
    return ctx.find_root().obj.store


def resolved(ctx: click.Context, resolve: Callable[..., Any], *key: Any) -> tuple[Any, Any]:
    """The command's store and the record the user named: ``store, sp = resolved(ctx, resolve_sponsor, name)``
    (the service's ``resolve_*`` says in one line when nothing, or more than one record, answers to it)."""
    store = store_of(ctx)
    return store, resolve(store, *key)


def given(**opts: Any) -> dict[str, Any]:
    """Only the options the user gave (None means 'not given')."""
    return {k: v for k, v in opts.items() if v is not None}


def records(items: Iterable[Any], fmt: str, shown: Callable[[Any], dict[str, Any]] | None = None) -> list[dict]:
    """Dataclass records as rows: their fields, and for a table or CSV what ``shown(item)`` returns on top
    (the same fields put in words: money, percents, lists joined). JSON keeps the fields as they are."""
    from dataclasses import asdict

    rows = []
    for item in items:
        row = asdict(item)
        if shown is not None and fmt != "json":
            row.update(shown(item))
        rows.append(row)
    return rows


Rows = Iterable[dict[str, Any]] | Callable[[], Iterable[dict[str, Any]]]
_CHUNK = 500  # rows per write: streamed output without a call per row


def emit(rows: Rows, columns: Sequence[str], fmt: str, *, headers: dict[str, str] | None = None) -> None:
    """Print rows as JSON, CSV or a table. ``rows`` is a list, an iterator (JSON and CSV stream it in
    one pass, memory flat in the rows), or a function giving a fresh iterator each call (the table
    streams it twice: the column widths first)."""
    if fmt == "json":
        _emit_json(rows() if callable(rows) else rows)
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for i, r in enumerate(rows() if callable(rows) else rows, 1):
            w.writerow([safe_cell("" if r.get(c) is None else r.get(c)) for c in columns])
            if i % _CHUNK == 0:
                click.echo(buf.getvalue(), nl=False)
                buf.seek(0)
                buf.truncate()
        click.echo(buf.getvalue(), nl=False)
        return
    if not callable(rows) and not isinstance(rows, Sequence):
        rows = list(rows)  # a one-pass iterator: the table needs two
    again: Callable[[], Iterable[dict[str, Any]]] = rows if callable(rows) else (lambda: rows)
    headers = headers or {}
    titles = [headers.get(c, c.replace("_", " ")) for c in columns]
    widths = [len(t) for t in titles]
    any_rows = False
    for r in again():
        any_rows = True
        for i, c in enumerate(columns):
            n = min(len(table_text(r.get(c))), 48)
            if n > widths[i]:
                widths[i] = n

    def line(values: list[str]) -> str:
        out = []
        for v, w in zip(values, widths, strict=True):
            v = v if len(v) <= 48 else v[:47] + "…"
            out.append(v.ljust(w))
        return "  ".join(out).rstrip()

    click.echo(line(titles))
    click.echo("  ".join("-" * w for w in widths))
    lines: list[str] = []
    for r in again():
        lines.append(line([table_text(r.get(c)) for c in columns]))
        if len(lines) >= _CHUNK:
            click.echo("\n".join(lines))
            lines.clear()
    if lines:
        click.echo("\n".join(lines))
    if not any_rows:
        click.echo("(none)")


def _emit_json(rows: Iterable[dict[str, Any]]) -> None:
    """``json.dumps(list(rows), indent=2)``, byte for byte, one element at a time."""
    parts: list[str] = []
    first = True
    for r in rows:
        item = json.dumps(r, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        parts.append(("[\n  " if first else ",\n  ") + item)
        first = False
        if len(parts) >= _CHUNK:
            click.echo("".join(parts), nl=False)
            parts.clear()
    if first:
        click.echo("[]")
        return
    parts.append("\n]")
    click.echo("".join(parts))
