"""Ad reads: writes in one transaction, paged and filtered reads, aggregates."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sponsortrack.errors import ConflictError
from sponsortrack.pricing import DELIVERED_STATUSES
from sponsortrack.store import base, locks
from sponsortrack.store.db import Store
from sponsortrack.store.models import AdRead, ReadRow, from_row
from sponsortrack.store.unbilled import BILLED

# SQL for "the read was delivered" (pricing.DELIVERED_STATUSES, the one list): ``r.status IN {DELIVERED}``
DELIVERED = "(" + ", ".join(f"'{s}'" for s in DELIVERED_STATUSES) + ")"

READ_COLUMNS = (
    "episode_id", "sponsor_id", "campaign_id", "placement", "position", "read_type", "start_seconds",
    "length_seconds", "promo_url", "promo_code", "status", "make_good_of", "units", "units_source",
    "units_window_days", "price_override_minor", "source", "notes",
)

AIR_DATE = "coalesce(e.published_on, e.recorded_on)"

# A new read's id: past every id a read ever had, deleted ones included (``read_id_high_water``, m009), so a
# deleted read's change_log history never becomes a new read's. Every insert of a new read uses it.
NEW_READ_ID = ("(SELECT max(coalesce((SELECT max(id) FROM ad_reads), 0), "
               "coalesce((SELECT last FROM read_id_high_water), 0)) + 1)")

# A billed read (its invoice issued or paid) reports what its invoice line fixed: amount, currency,
# pricing and rate, and for CPM the units billed. Every face (lists, POP, summary, CSV, dashboard) reads
# reads through this select, so they agree with the invoice whatever the campaign says since.
_BILLED_LINE = "bl.id IS NOT NULL AND bl.pricing IN ('flat', 'per_episode', 'cpm')"

# A read with its episode, show, sponsor and campaign: the joins of every list of reads.
READ_JOINS = ("FROM ad_reads r JOIN episodes e ON e.id = r.episode_id JOIN shows sh ON sh.id = e.show_id "
              "JOIN sponsors sp ON sp.id = r.sponsor_id LEFT JOIN campaigns c ON c.id = r.campaign_id")

# The columns come in the order of ReadRow's fields (episode_season last, after the fields it had before).
_ROW_SELECT = f"""
SELECT r.id, r.episode_id, e.show_id, sh.name AS show_name, e.number AS episode_number,
       e.title AS episode_title, {AIR_DATE} AS air_date, r.sponsor_id, sp.name AS sponsor_name,
       r.campaign_id, c.name AS campaign_name, r.placement, r.position, r.read_type, r.start_seconds,
       r.length_seconds, r.promo_url, r.promo_code, r.status, r.make_good_of,
       CASE WHEN bl.id IS NOT NULL AND bl.pricing = 'cpm' THEN bl.units ELSE
       coalesce(r.units, CASE WHEN c.pricing = 'cpm' THEN (
           SELECT d.downloads FROM download_snapshots d
           WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days
           ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1) END) END AS units,
       r.invoice_id,
       CASE WHEN {_BILLED_LINE} THEN bl.pricing ELSE c.pricing END AS pricing,
       CASE WHEN {_BILLED_LINE} THEN bl.rate_minor ELSE c.rate_minor END AS rate_minor,
       CASE WHEN bl.id IS NOT NULL THEN i.currency ELSE c.currency END AS currency,
       r.price_override_minor,
       CASE WHEN c.pricing = 'per_episode' THEN NOT EXISTS (
           SELECT 1 FROM ad_reads r2 WHERE r2.episode_id = r.episode_id AND r2.campaign_id = r.campaign_id
             AND r2.id < r.id AND r2.make_good_of IS NULL AND r2.status <> 'flagged') ELSE 1 END
         AS first_in_episode,
       i.number AS invoice_number, i.status AS invoice_status, r.notes, r.source,
       bl.amount_minor AS billed_amount_minor, e.season AS episode_season
{READ_JOINS}
LEFT JOIN invoices i ON i.id = r.invoice_id
LEFT JOIN invoice_lines bl ON bl.id = (
    SELECT l.id FROM invoice_lines l WHERE l.invoice_id = r.invoice_id AND l.read_id = r.id
      AND i.status IN {BILLED} ORDER BY l.position LIMIT 1)
"""

# The units a billed CPM read was invoiced for (NULL for any other read): pacing counts those, not the
# download snapshots recorded since.
BILLED_UNITS = ("(SELECT l.units FROM invoice_lines l JOIN invoices li ON li.id = l.invoice_id "
                f"WHERE l.read_id = r.id AND l.invoice_id = r.invoice_id AND li.status IN {BILLED} "
                "AND l.pricing = 'cpm' ORDER BY l.position LIMIT 1)")

# The price a list shows (``ReadRow.price_minor``, i.e. ``pricing.read_amount``), as SQL, to sort by: a
# billed read's invoice line amount; else nothing for a flagged read or a make-good, the override, the
# flat rate, the per-episode rate on the episode's first read of the campaign, or downloads x CPM / 1000.
# Sorting by the campaign's rate put a $25-CPM read worth $390 below a $25 flat one.
PRICE_SORT = (
    "coalesce((SELECT l.amount_minor FROM invoice_lines l JOIN invoices li ON li.id = l.invoice_id "
    f"WHERE l.read_id = r.id AND l.invoice_id = r.invoice_id AND li.status IN {BILLED} "
    "ORDER BY l.position LIMIT 1), "
    "CASE WHEN r.status = 'flagged' OR r.make_good_of IS NOT NULL THEN 0 "
    "WHEN r.price_override_minor IS NOT NULL THEN r.price_override_minor "
    "WHEN c.pricing = 'flat' THEN c.rate_minor "
    "WHEN c.pricing = 'per_episode' THEN CASE WHEN EXISTS (SELECT 1 FROM ad_reads r2 WHERE "
    "r2.episode_id = r.episode_id AND r2.campaign_id = r.campaign_id AND r2.id < r.id "
    "AND r2.make_good_of IS NULL AND r2.status <> 'flagged') THEN 0 ELSE c.rate_minor END "
    "WHEN c.pricing = 'cpm' THEN coalesce(r.units, (SELECT d.downloads FROM download_snapshots d "
    "WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days "
    "ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1)) * c.rate_minor / 1000.0 END)"
)
# Titles in natural order (2, 10, 100): ``natural_key`` is registered on every connection (store.db).
TITLE_SORT = "natural_key(e.title)"

_READ_ROW_FIELDS = [f.name for f in dataclasses.fields(ReadRow)]

# Sort keys the lists accept, mapped to SQL expressions (never user text in SQL).
SORTS = {
    "id": "r.id",
    "air_date": AIR_DATE,
    "show": "sh.name COLLATE NOCASE",
    "episode": "e.number",
    "title": TITLE_SORT,
    "sponsor": "sp.name COLLATE NOCASE",
    "placement": "CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END",
    "read_type": "r.read_type",
    "promo_url": "r.promo_url",
    "promo_code": "r.promo_code",
    "status": "r.status",
    "price": PRICE_SORT,
    "campaign": "c.name COLLATE NOCASE",
    "invoice": "i.number",
}


def search_condition(text: str) -> tuple[str, dict[str, Any]]:
    """Reads whose sponsor, episode title, show, promo URL, code or notes contain ``text``
    (case-insensitive). Three characters or more use the trigram index; shorter text scans."""
    term = text.strip()
    if len(term) >= 3:
        return ("r.id IN (SELECT rowid FROM read_search WHERE read_search MATCH :q)",
                {"q": '"' + term.replace('"', '""') + '"'})
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("(r.sponsor_id IN (SELECT id FROM sponsors WHERE name LIKE :q ESCAPE '\\') "
            "OR r.episode_id IN (SELECT id FROM episodes WHERE title LIKE :q ESCAPE '\\' "
            "OR show_id IN (SELECT id FROM shows WHERE name LIKE :q ESCAPE '\\')) "
            "OR r.promo_url LIKE :q ESCAPE '\\' OR r.promo_code LIKE :q ESCAPE '\\' "
            "OR r.notes LIKE :q ESCAPE '\\')", {"q": like})


@dataclass
class ReadFilter:
    date_from: str | None = None   # inclusive ISO dates, on the episode's air date
    date_to: str | None = None
    sponsor_id: int | None = None
    show_id: int | None = None
    campaign_id: int | None = None
    episode_id: int | None = None
    status: str | None = None
    search: str | None = None
    unbilled: bool = False

    def where(self) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if self.date_from:
            where.append(f"{AIR_DATE} >= ?")
            params.append(self.date_from)
        if self.date_to:
            where.append(f"{AIR_DATE} <= ?")
            params.append(self.date_to)
        for col, value in (("r.sponsor_id", self.sponsor_id), ("e.show_id", self.show_id),
                           ("r.campaign_id", self.campaign_id), ("r.episode_id", self.episode_id),
                           ("r.status", self.status)):
            if value is not None:
                where.append(f"{col} = ?")
                params.append(value)
        if self.unbilled:  # the one rule (store.unbilled): on no invoice, or on one not issued or paid (a draft)
            where.append(f"(r.invoice_id IS NULL OR r.invoice_id NOT IN "
                         f"(SELECT id FROM invoices WHERE status IN {BILLED}))")
        if self.search and self.search.strip():
            cond, named = search_condition(self.search)
            where.append(cond)
            params.append(named)
        return (" WHERE " + " AND ".join(where)) if where else "", params


def _bind(sql_where: str, params: list[Any]) -> tuple[str, dict[str, Any]]:
    """Turn the positional ``?`` and one optional named ``:q`` into a single named mapping."""
    named: dict[str, Any] = {}
    out, i = [], 0
    for p in params:
        if isinstance(p, dict):
            named.update(p)
    positional = [p for p in params if not isinstance(p, dict)]
    for ch in sql_where:
        if ch == "?":
            key = f"p{i}"
            named[key] = positional[i]
            out.append(f":{key}")
            i += 1
        else:
            out.append(ch)
    return "".join(out), named


def iter_reads(store: Store, flt: ReadFilter | None = None, *, sort: str = "air_date", descending: bool = True,
               limit: int | None = None, offset: int = 0) -> Iterator[ReadRow]:
    """The reads of ``list_reads``, one at a time from the cursor (memory flat in the number of rows)."""
    flt = flt or ReadFilter()
    where, params = flt.where()
    where, named = _bind(where, params)
    order = SORTS.get(sort, SORTS["air_date"])
    direction = "DESC" if descending else "ASC"
    sql = f"{_ROW_SELECT}{where} ORDER BY {order} {direction}, sh.name, e.number {direction}, " \
          f"CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END, r.position, r.id"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        named.update(limit=limit, offset=offset)
    cur = store.conn.execute(sql, named)
    cols = [d[0] for d in cur.description]
    positional = cols == _READ_ROW_FIELDS  # the select's columns are the dataclass's fields, in order
    while batch := cur.fetchmany(500):
        if positional:
            yield from (ReadRow(*row) for row in batch)
        else:
            yield from (ReadRow(**dict(zip(cols, row, strict=True))) for row in batch)


def list_reads(store: Store, flt: ReadFilter | None = None, *, sort: str = "air_date", descending: bool = True,
               limit: int | None = None, offset: int = 0) -> list[ReadRow]:
    return list(iter_reads(store, flt, sort=sort, descending=descending, limit=limit, offset=offset))


def count_reads(store: Store, flt: ReadFilter | None = None) -> int:
    flt = flt or ReadFilter()
    where, params = flt.where()
    where, named = _bind(where, params)
    # The filter only names r.* and e.* columns (its search reaches sponsors and shows by subquery),
    # and every read has exactly one episode, show and sponsor: so only the episode join is needed.
    sql = "SELECT count(*) FROM ad_reads r JOIN episodes e ON e.id = r.episode_id" + where
    return int(store.conn.execute(sql, named).fetchone()[0])


def get_read(store: Store, read_id: int) -> AdRead | None:
    r = base.get(store, "ad_reads", read_id)
    return from_row(AdRead, r) if r else None


def get_read_row(store: Store, read_id: int) -> ReadRow | None:
    cur = store.conn.execute(_ROW_SELECT + " WHERE r.id = ?", [read_id])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    return ReadRow(**dict(zip(cols, row, strict=True))) if row else None


def reads_for_episode(store: Store, episode_id: int) -> list[ReadRow]:
    return list_reads(store, ReadFilter(episode_id=episode_id), sort="placement", descending=False)


def insert_reads(store: Store, reads: list[dict[str, Any]]) -> list[int]:
    """Insert many reads in one transaction: all are written, or none.

    A read given without a ``position`` goes after the last one of its episode's break, counted inside
    this write transaction (``BEGIN IMMEDIATE``), so writers logging into the same break at once each
    get the next free position."""
    ids: list[int] = []
    try:
        with store.write():
            for values in reads:
                if values.get("position") is None:
                    values = {**values, "position": next_position(store, values["episode_id"],
                                                                  values["placement"])}
                cols = [c for c in READ_COLUMNS if c in values]
                cur = store.conn.execute(
                    f"INSERT INTO ad_reads (id, {', '.join(cols)}) VALUES ({NEW_READ_ID}, "
                    f"{', '.join('?' for _ in cols)})", [values[c] for c in cols])
                ids.append(int(cur.lastrowid))  # type: ignore[arg-type]
    except sqlite3.IntegrityError as exc:
        raise base._conflict("ad_reads", exc) from None
    return ids


def update_read(store: Store, read_id: int, values: dict[str, Any]) -> None:
    base.update(store, "ad_reads", read_id, values)


def delete_reads(store: Store, read_ids: list[int]) -> None:
    rid = None
    try:
        with store.write():
            for rid in read_ids:
                store.conn.execute("DELETE FROM ad_reads WHERE id = ?", [rid])
    except sqlite3.IntegrityError as exc:
        raise locks.lock_error(store.conn, exc, "ad_reads", rid) or ConflictError(
            f"read {rid}: another read is a make-good of it, or an invoice line names it") from None


def raw_reads(store: Store, read_ids: list[int]) -> list[dict[str, Any]]:
    if not read_ids:
        return []
    marks = ", ".join("?" for _ in read_ids)
    return store.query(f"SELECT * FROM ad_reads WHERE id IN ({marks}) ORDER BY id", list(read_ids))


def invoice_status_of_read(store: Store, read_id: int) -> dict | None:
    """The invoice that locks a read, if any (issued or paid)."""
    return store.query_one(
        "SELECT i.id, i.number, i.status FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
        f"WHERE r.id = ? AND i.status IN {BILLED}", [read_id])


def next_position(store: Store, episode_id: int, placement: str) -> int:
    return int(store.scalar(
        "SELECT coalesce(max(position), 0) + 1 FROM ad_reads WHERE episode_id = ? AND placement = ?",
        [episode_id, placement]) or 1)


# -- aggregates -----------------------------------------------------------------------------


def latest_air_date(store: Store) -> str | None:
    v = store.scalar(f"SELECT max({AIR_DATE}) FROM ad_reads r JOIN episodes e ON e.id = r.episode_id")
    return str(v) if v else None


def reads_per_sponsor_month(store: Store, date_from: str, date_to: str) -> list[dict]:
    """``{month, sponsor_id, sponsor_name, reads}`` for delivered reads in the date range."""
    return store.query(
        f"""SELECT substr({AIR_DATE}, 1, 7) AS month, sp.id AS sponsor_id, sp.name AS sponsor_name,
                   count(*) AS reads
            FROM ad_reads r JOIN episodes e ON e.id = r.episode_id JOIN sponsors sp ON sp.id = r.sponsor_id
            WHERE {AIR_DATE} BETWEEN ? AND ? AND r.status IN {DELIVERED}
            GROUP BY month, sp.id ORDER BY month, sp.name COLLATE NOCASE""",
        [date_from, date_to])


def price_groups(store: Store, date_from: str, date_to: str) -> Iterator[dict]:
    """Delivered reads in the date range grouped by air month and everything their price depends on
    (the fields of the list's own select, so a group prices exactly as each of its reads would):
    ``{month, currency, pricing, rate_minor, units, price_override_minor, billed_amount_minor,
    first_in_episode, make_good, status, reads}``, one at a time from the cursor. Revenue per month without
    a row object per read (a CPM read's group is its episode's downloads: tens of thousands at 1M reads)."""
    cur = store.conn.execute(
        f"""SELECT substr(air_date, 1, 7) AS month, currency, pricing, rate_minor, units, price_override_minor,
                   billed_amount_minor, first_in_episode, make_good_of IS NOT NULL AS make_good, status,
                   count(*) AS reads
            FROM ({_ROW_SELECT} WHERE {AIR_DATE} BETWEEN ? AND ?
                  AND r.status IN {DELIVERED})
            GROUP BY month, currency, pricing, rate_minor, units, price_override_minor, billed_amount_minor,
                     first_in_episode, make_good, status""",
        [date_from, date_to])
    cols = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(cols, row, strict=True))


def campaign_delivery(store: Store, campaign_ids: list[int] | None = None, as_of: str | None = None) -> list[dict]:
    """Per campaign: delivered reads, flagged reads, make-goods delivered, delivered units.

    One grouped pass over ``ad_reads_delivery`` (campaign, episode, status, make-good, units, invoice)
    per campaign, joining episodes only to cut at ``as_of``. A delivered read's units are what its
    issued invoice billed, else its own, else — for a CPM campaign only — the download snapshot."""
    where = ""
    params: list[Any] = []
    if campaign_ids is not None:
        if not campaign_ids:
            return []
        where = f"WHERE c.id IN ({', '.join('?' for _ in campaign_ids)})"
        params += campaign_ids
    date_cond = f"AND (SELECT {AIR_DATE} FROM episodes e WHERE e.id = r.episode_id) <= ?" if as_of else ""
    date_params = [as_of] if as_of else []
    return store.query(
        f"""SELECT c.id AS campaign_id,
              count(CASE WHEN r.status IN {DELIVERED} THEN 1 END) AS delivered_reads,
              count(CASE WHEN r.status = 'flagged' THEN 1 END) AS flagged_reads,
              count(CASE WHEN r.make_good_of IS NOT NULL AND r.status IN {DELIVERED}
                         THEN 1 END) AS make_goods_delivered,
              count(CASE WHEN r.status = 'flagged' AND NOT EXISTS (
                      SELECT 1 FROM ad_reads m WHERE m.make_good_of = r.id) THEN 1 END) AS make_goods_owed,
              coalesce(sum(CASE WHEN r.status IN {DELIVERED} THEN coalesce(
                  CASE WHEN r.invoice_id IS NOT NULL THEN {BILLED_UNITS} END, r.units,
                  CASE WHEN c.pricing = 'cpm' THEN (
                  SELECT d.downloads FROM download_snapshots d
                  WHERE d.episode_id = r.episode_id AND d.day <= c.download_window_days
                  ORDER BY d.day DESC, d.recorded_at DESC LIMIT 1) END) END), 0) AS delivered_units
            FROM campaigns c
            LEFT JOIN ad_reads r ON r.campaign_id = c.id {date_cond}
            {where}
            GROUP BY c.id""",
        date_params + params)


def filter_clause(flt: ReadFilter) -> tuple[str, dict[str, Any]]:
    """The filter's WHERE clause with named parameters (its search uses the trigram index)."""
    return _bind(*flt.where())


def rows_by_ids(store: Store, ids: Sequence[int]) -> list[ReadRow]:
    """The full rows of these reads, in the order given (reads deleted since are left out)."""
    if not ids:
        return []
    ids = list(ids)
    cur = store.conn.execute(f"{_ROW_SELECT} WHERE r.id IN ({', '.join('?' for _ in ids)})", ids)
    cols = [d[0] for d in cur.description]
    by_id = {row[0]: ReadRow(**dict(zip(cols, row, strict=True))) for row in cur}
    return [by_id[i] for i in ids if i in by_id]
