"""What every command shares: its store, and printing lists as a table, CSV or JSON (snake_case keys)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
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


def emit(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *,
         headers: dict[str, str] | None = None) -> None:
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([safe_cell("" if r.get(c) is None else r.get(c)) for c in columns])
        click.echo(buf.getvalue(), nl=False)
        return
    headers = headers or {}
    titles = [headers.get(c, c.replace("_", " ")) for c in columns]
    cells = [[table_text(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(t)] + [min(len(row[i]), 48) for row in cells]) for i, t in enumerate(titles)]

    def line(values: list[str]) -> str:
        out = []
        for v, w in zip(values, widths, strict=True):
            v = v if len(v) <= 48 else v[:47] + "…"
            out.append(v.ljust(w))
        return "  ".join(out).rstrip()

    click.echo(line(titles))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo(line(row))
    if not rows:
        click.echo("(none)")
