"""SQL for the imports (RSS, show notes, spreadsheets, downloads) and for reconciliation.

Lookups return plain dicts for the service's in-memory indexes; ``write_batch`` writes everything an
import produces in ONE transaction (all of it, or nothing).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sponsortrack.errors import ConflictError
from sponsortrack.store import base, locks
from sponsortrack.store.db import Store, utc_now
from sponsortrack.store.reads import NEW_READ_ID

READ_COLUMNS = (
    "episode_id", "sponsor_id", "campaign_id", "placement", "position", "read_type", "start_seconds",
    "length_seconds", "promo_url", "promo_code", "status", "units", "source", "notes",
)
EPISODE_COLUMNS = ("show_id", "number", "title", "guid", "recorded_on", "published_on", "link", "show_notes",
                   "season", "duration_seconds", "episode_type", "enclosure_url", "enclosure_type",
                   "enclosure_length")
CAMPAIGN_COLUMNS = (
    "sponsor_id", "agency_id", "show_id", "name", "io_number", "po_number", "start_date", "end_date", "pricing",
    "rate_minor", "currency", "booked_reads", "booked_impressions", "download_window_days", "default_placement",
    "default_read_type", "promo_url", "promo_code", "talking_points", "status", "notes",
)


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


# --------------------------------------------------------------------------- lookups

def shows(store: Store) -> list[dict]:
    return store.query("SELECT id, name, website, feed_url, description FROM shows")


def sponsors(store: Store) -> list[dict]:
    rows = store.query("SELECT id, name, domains, (SELECT json_group_array(a.alias) FROM sponsor_aliases a "
                       "WHERE a.sponsor_id = sponsors.id) AS aliases FROM sponsors")
    for r in rows:
        r["domains"] = json.loads(r["domains"] or "[]")
        r["aliases"] = json.loads(r["aliases"] or "[]")
    return rows


def agencies(store: Store) -> list[dict]:
    return store.query("SELECT id, name FROM agencies")


def campaigns(store: Store, sponsor_id: int | None = None) -> list[dict]:
    sql = ("SELECT id, sponsor_id, show_id, name, start_date, end_date, status, pricing, currency, rate_minor, "
           "default_placement, default_read_type, promo_url, promo_code FROM campaigns")
    if sponsor_id is None:
        return store.query(sql)
    return store.query(sql + " WHERE sponsor_id = ?", [sponsor_id])


def episodes_of_shows(store: Store, show_ids: Iterable[int], *, with_notes: bool = True) -> list[dict]:
    ids = sorted(set(show_ids))
    cols = ("id, show_id, number, guid, title, recorded_on, published_on, link, season, duration_seconds, "
            "episode_type, enclosure_url, enclosure_type, enclosure_length")
    if with_notes:
        cols += ", show_notes"
    out: list[dict] = []
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        out += store.query(f"SELECT {cols} FROM episodes WHERE show_id IN ({marks})", list(chunk))
    return out


def episodes_with_guid(store: Store, guids: Iterable[str]) -> list[dict]:
    """Episodes of any show with one of these GUIDs (downloads exports name episodes by GUID)."""
    out: list[dict] = []
    for chunk in _chunks(sorted(set(guids))):
        marks = ", ".join("?" for _ in chunk)
        out += store.query(f"SELECT id, show_id, number, guid, title FROM episodes WHERE guid IN ({marks})",
                           list(chunk))
    return out


def read_summaries(store: Store, episode_ids: Iterable[int] | None = None) -> list[dict]:
    """(id, episode_id, sponsor_id, placement, position, campaign_id, status, promo_url, promo_code, source)
    of the reads of these episodes (all reads when ``None``)."""
    cols = ("SELECT id, episode_id, sponsor_id, placement, position, campaign_id, status, promo_url, promo_code, "
            "source FROM ad_reads")
    if episode_ids is None:
        return store.query(cols)
    out: list[dict] = []
    for chunk in _chunks(sorted(set(episode_ids))):
        marks = ", ".join("?" for _ in chunk)
        out += store.query(f"{cols} WHERE episode_id IN ({marks})", list(chunk))
    return out


def download_keys(store: Store, episode_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    out: set[tuple[int, int, str]] = set()
    for chunk in _chunks(sorted(set(episode_ids))):
        marks = ", ".join("?" for _ in chunk)
        for r in store.conn.execute(
                f"SELECT episode_id, day, source FROM download_snapshots WHERE episode_id IN ({marks})",
                list(chunk)):
            out.add((r[0], r[1], r[2]))
    return out


# --------------------------------------------------------------------------- reconciliation

def reconciliation_episodes(store: Store, date_from: str, date_to: str, show_id: int | None = None,
                            sponsor_id: int | None = None) -> list[dict]:
    """Episodes aired in the range (on their air date) with their notes and show. With ``sponsor_id``,
    only those that can hold one of its exceptions: with show notes (they may name it), or with a read
    of it."""
    sql = ("SELECT e.id, e.show_id, s.name AS show_name, e.number, e.season, e.title, e.show_notes, s.website, "
           "coalesce(e.published_on, e.recorded_on) AS air_date FROM episodes e JOIN shows s ON s.id = e.show_id "
           "WHERE coalesce(e.published_on, e.recorded_on) BETWEEN ? AND ?")
    params: list[Any] = [date_from, date_to]
    if show_id is not None:
        sql += " AND e.show_id = ?"
        params.append(show_id)
    if sponsor_id is not None:
        sql += (" AND (coalesce(e.show_notes, '') <> '' OR EXISTS (SELECT 1 FROM ad_reads r "
                "WHERE r.episode_id = e.id AND r.sponsor_id = ?))")
        params.append(sponsor_id)
    return store.query(sql + " ORDER BY air_date, s.name, e.number", params)


def count_reconciliation_episodes(store: Store, date_from: str, date_to: str, show_id: int | None = None) -> int:
    sql = "SELECT count(*) FROM episodes e WHERE coalesce(e.published_on, e.recorded_on) BETWEEN ? AND ?"
    params: list[Any] = [date_from, date_to]
    if show_id is not None:
        sql += " AND e.show_id = ?"
        params.append(show_id)
    return int(store.scalar(sql, params) or 0)


def count_episodes_with_notes(store: Store, date_from: str, date_to: str, show_id: int | None = None) -> int:
    """Episodes aired in the range with show notes (what a reconciliation of the range parses)."""
    sql = ("SELECT count(*) FROM episodes e WHERE coalesce(e.published_on, e.recorded_on) BETWEEN ? AND ? "
           "AND coalesce(e.show_notes, '') <> ''")
    params: list[Any] = [date_from, date_to]
    if show_id is not None:
        sql += " AND e.show_id = ?"
        params.append(show_id)
    return int(store.scalar(sql, params) or 0)


def reconciliation_reads(store: Store, episode_ids: Iterable[int], sponsor_id: int | None = None) -> list[dict]:
    out: list[dict] = []
    only = " AND r.sponsor_id = ?" if sponsor_id is not None else ""
    for chunk in _chunks(sorted(set(episode_ids))):
        marks = ", ".join("?" for _ in chunk)
        out += store.query(
            "SELECT r.id, r.episode_id, r.sponsor_id, sp.name AS sponsor_name, r.campaign_id, r.status, "
            "r.promo_url, r.promo_code, r.make_good_of FROM ad_reads r JOIN sponsors sp ON sp.id = r.sponsor_id "
            f"WHERE r.episode_id IN ({marks}){only} ORDER BY r.episode_id, r.id",
            [*chunk, *([sponsor_id] if sponsor_id is not None else [])])
    return out


def campaign_row(store: Store, campaign_id: int) -> dict | None:
    return store.query_one(
        "SELECT c.*, s.name AS sponsor_name FROM campaigns c JOIN sponsors s ON s.id = c.sponsor_id WHERE c.id = ?",
        [campaign_id])


# --------------------------------------------------------------------------- writing

@dataclass
class Batch:
    """Everything one import writes. Keys let rows refer to rows created in the same batch:

    * ``show_insert``: a new show (its id replaces ``show_id == NEW_SHOW`` in episodes);
    * ``shows_insert``: more new shows, dicts with ``key`` plus ``name``; an episode's ``show_id`` may be
      ``("new", key)``;
    * ``episodes_insert``: dicts with ``key`` (any hashable) plus EPISODE_COLUMNS;
    * ``sponsors_insert``: dicts with ``key`` plus ``name``/``domains``;
    * ``reads``: dicts with READ_COLUMNS where ``episode_id``/``sponsor_id`` may be ``("new", key)``.
    """

    show_insert: dict[str, Any] | None = None
    show_update: tuple[int, dict[str, Any]] | None = None
    shows_insert: list[dict[str, Any]] = field(default_factory=list)
    episodes_insert: list[dict[str, Any]] = field(default_factory=list)
    episodes_update: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sponsors_insert: list[dict[str, Any]] = field(default_factory=list)
    campaigns_insert: list[dict[str, Any]] = field(default_factory=list)
    reads: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)


NEW_SHOW = -1


@dataclass
class BatchResult:
    show_id: int | None = None
    show_ids: dict[Any, int] = field(default_factory=dict)
    episode_ids: dict[Any, int] = field(default_factory=dict)
    sponsor_ids: dict[Any, int] = field(default_factory=dict)
    campaign_ids: list[int] = field(default_factory=list)
    reads: int = 0
    snapshots: int = 0


def _resolve(value: Any, ids: dict[Any, int]) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "new":
        return ids[value[1]]
    return value


def write_batch(store: Store, batch: Batch) -> BatchResult:
    """Write a whole import in one transaction. Any failure rolls all of it back."""
    res = BatchResult()
    conn = store.conn
    now = utc_now()
    table = "episodes"
    row_id: int | None = None
    try:
        with store.write():
            if batch.show_insert is not None:
                table = "shows"
                cols = list(batch.show_insert)
                cur = conn.execute(f"INSERT INTO shows ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                                   [batch.show_insert[c] for c in cols])
                res.show_id = int(cur.lastrowid)  # type: ignore[arg-type]
            if batch.show_update is not None:
                table = "shows"
                sid, values = batch.show_update
                if values:
                    sets = ", ".join(f"{c} = ?" for c in values)
                    conn.execute(f"UPDATE shows SET {sets}, updated_at = ? WHERE id = ?", [*values.values(), now, sid])
                res.show_id = res.show_id or sid
            for sh in batch.shows_insert:
                table = "shows"
                cur = conn.execute("INSERT INTO shows (name) VALUES (?)", [sh["name"]])
                res.show_ids[sh["key"]] = int(cur.lastrowid)  # type: ignore[arg-type]
            table = "episodes"
            ep_sql = (f"INSERT INTO episodes ({', '.join(EPISODE_COLUMNS)}) "
                      f"VALUES ({', '.join('?' for _ in EPISODE_COLUMNS)})")
            for ep in batch.episodes_insert:
                row = [ep.get(c) for c in EPISODE_COLUMNS]
                row[EPISODE_COLUMNS.index("episode_type")] = ep.get("episode_type") or "full"
                if row[0] == NEW_SHOW:
                    row[0] = res.show_id
                else:
                    row[0] = _resolve(row[0], res.show_ids)
                cur = conn.execute(ep_sql, row)
                res.episode_ids[ep["key"]] = int(cur.lastrowid)  # type: ignore[arg-type]
            for eid, values in batch.episodes_update:
                row_id = eid
                if values:
                    sets = ", ".join(f"{c} = ?" for c in values)
                    conn.execute(f"UPDATE episodes SET {sets}, updated_at = ? WHERE id = ?",
                                 [*values.values(), now, eid])
            row_id = None
            table = "sponsors"
            for sp in batch.sponsors_insert:
                cur = conn.execute("INSERT INTO sponsors (name, domains) VALUES (?, ?)",
                                   [sp["name"], json.dumps(list(sp.get("domains") or []))])
                res.sponsor_ids[sp["key"]] = int(cur.lastrowid)  # type: ignore[arg-type]
            table = "campaigns"
            if batch.campaigns_insert:
                sql = (f"INSERT INTO campaigns ({', '.join(CAMPAIGN_COLUMNS)}) "
                       f"VALUES ({', '.join('?' for _ in CAMPAIGN_COLUMNS)})")
                for c in batch.campaigns_insert:
                    values = {**c}
                    values.setdefault("currency", "USD")
                    values.setdefault("download_window_days", 30)
                    values.setdefault("default_placement", "mid")
                    values.setdefault("default_read_type", "host")
                    values.setdefault("status", "active")
                    cur = conn.execute(sql, [values.get(k) for k in CAMPAIGN_COLUMNS])
                    res.campaign_ids.append(int(cur.lastrowid))  # type: ignore[arg-type]
            table = "ad_reads"
            if batch.reads:
                sql = (f"INSERT INTO ad_reads (id, {', '.join(READ_COLUMNS)}) "
                       f"VALUES ({NEW_READ_ID}, {', '.join('?' for _ in READ_COLUMNS)})")
                eids, sids = res.episode_ids, res.sponsor_ids
                conn.executemany(sql, (
                    (_resolve(r["episode_id"], eids), _resolve(r["sponsor_id"], sids), r.get("campaign_id"),
                     r["placement"], r.get("position", 1), r.get("read_type", "host"), r.get("start_seconds"),
                     r.get("length_seconds"), r.get("promo_url"), r.get("promo_code"), r.get("status", "recorded"),
                     r.get("units"), r.get("source", "import"), r.get("notes"))
                    for r in batch.reads))
                res.reads = len(batch.reads)
            table = "download_snapshots"
            if batch.snapshots:
                conn.executemany(
                    "INSERT INTO download_snapshots (episode_id, day, downloads, source, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(episode_id, day, source) DO UPDATE SET "
                    "downloads = excluded.downloads, recorded_at = excluded.recorded_at",
                    ((_resolve(s["episode_id"], res.episode_ids), s["day"], s["downloads"], s["source"], now)
                     for s in batch.snapshots))
                res.snapshots = len(batch.snapshots)
    except sqlite3.IntegrityError as exc:
        # an episode whose reads are billed keeps its air date and number (store.locks)
        raise locks.lock_error(store.conn, exc, table, row_id) or base._conflict(table, exc) from None
    except ConflictError:
        raise
    return res
