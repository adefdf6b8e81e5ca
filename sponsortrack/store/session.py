"""Small queries and connection settings the desktop window needs (the SQL stays in the store)."""

from __future__ import annotations

from typing import Any

from sponsortrack.store import reads as rstore
from sponsortrack.store.db import Store
from sponsortrack.store.models import ReadRow
from sponsortrack.store.reads import _ROW_SELECT, AIR_DATE, SORTS, ReadFilter, _bind

# Plain joins: with the air-date index the planner walks episodes newest first and stops at the page.
_JOINS = ("FROM ad_reads r JOIN episodes e ON e.id = r.episode_id JOIN shows sh ON sh.id = e.show_id "
          "JOIN sponsors sp ON sp.id = r.sponsor_id LEFT JOIN campaigns c ON c.id = r.campaign_id "
          "LEFT JOIN invoices i ON i.id = r.invoice_id")


def _where(flt: ReadFilter) -> tuple[str, dict[str, Any]]:
    """The filter's WHERE clause; its search uses the trigram index (``reads.search_condition``)."""
    return _bind(*flt.where())


def page_reads(store: Store, flt: ReadFilter, *, sort: str = "air_date", descending: bool = True,
               limit: int = 200, offset: int = 0) -> list[ReadRow]:
    """One page of reads for the history table: the ids are chosen and sorted on a light query, then
    only those rows are joined in full (the per-read price subqueries run for the page, not for all)."""
    where, named = _where(flt)
    order = SORTS.get(sort, SORTS["air_date"])
    direction = "DESC" if descending else "ASC"
    named.update(limit=int(limit), offset=int(offset))
    ids = [row[0] for row in store.conn.execute(
        f"SELECT r.id {_JOINS}{where} ORDER BY {order} {direction}, sh.name, e.number {direction}, "
        f"CASE r.placement WHEN 'pre' THEN 0 WHEN 'mid' THEN 1 ELSE 2 END, r.position, r.id "
        "LIMIT :limit OFFSET :offset", named)]
    if not ids:
        return []
    cur = store.conn.execute(f"{_ROW_SELECT} WHERE r.id IN ({', '.join('?' for _ in ids)})", ids)
    cols = [d[0] for d in cur.description]
    by_id = {row[0]: ReadRow(**dict(zip(cols, row, strict=True))) for row in cur}
    return [by_id[i] for i in ids if i in by_id]


def count_reads(store: Store, flt: ReadFilter) -> int:
    return rstore.count_reads(store, flt)


def set_busy_timeout(store: Store, ms: int) -> None:
    """How long a write waits for another process's lock before ``database is locked``.

    The window uses a short timeout and retries itself, so a lock never freezes it for 15 s."""
    store.conn.execute(f"PRAGMA busy_timeout = {int(ms)}")


def read_months(store: Store) -> list[str]:
    """Every ``YYYY-MM`` that has at least one read, newest first."""
    rows = store.conn.execute(
        f"SELECT DISTINCT substr({AIR_DATE}, 1, 7) AS m FROM episodes e "
        "WHERE EXISTS (SELECT 1 FROM ad_reads r WHERE r.episode_id = e.id) AND m IS NOT NULL ORDER BY m DESC")
    return [r[0] for r in rows]


def unbilled_summary(store: Store) -> list[dict]:
    """Delivered reads not on any invoice yet, per sponsor: ``{sponsor_id, sponsor_name, reads, first, last}``."""
    return store.query(
        f"""SELECT sp.id AS sponsor_id, sp.name AS sponsor_name, count(*) AS reads,
                   min({AIR_DATE}) AS first, max({AIR_DATE}) AS last
            FROM ad_reads r JOIN episodes e ON e.id = r.episode_id JOIN sponsors sp ON sp.id = r.sponsor_id
            WHERE r.invoice_id IS NULL AND r.status IN ('recorded', 'aired', 'verified')
            GROUP BY sp.id ORDER BY reads DESC, sp.name COLLATE NOCASE""")


def last_used_show_id(store: Store) -> int | None:
    """The show of the most recently created episode (the log screen opens on it)."""
    v = store.scalar("SELECT show_id FROM episodes ORDER BY created_at DESC, id DESC LIMIT 1")
    return int(v) if v is not None else None  # type: ignore[arg-type]


def restore_values(store: Store, table: str, row: dict) -> None:
    """Put a row's stored values back exactly (undo of an edit), timestamps included."""
    from sponsortrack.store import base

    values = {k: val for k, val in row.items() if k != "id"}
    base.update(store, table, int(row["id"]), values, touch=False)


def delete_settings(store: Store, keys: list[str]) -> None:
    """Forget business settings so their defaults apply again (undo of a first-time setting)."""
    with store.write():
        for key in keys:
            store.conn.execute("DELETE FROM settings WHERE key = ?", [key])


def settings_rows(store: Store, keys: list[str]) -> list[dict]:
    """The stored rows of some settings, timestamps included (for undo)."""
    if not keys:
        return []
    return store.query(f"SELECT * FROM settings WHERE key IN ({', '.join('?' for _ in keys)})", list(keys))


def put_settings_rows(store: Store, rows: list[dict], forget: list[str] = ()) -> None:  # type: ignore[assignment]
    """Put settings rows back exactly, and forget the keys in ``forget``, in one transaction."""
    with store.write():
        for key in forget:
            store.conn.execute("DELETE FROM settings WHERE key = ?", [key])
        for r in rows:
            store.conn.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "value = excluded.value, updated_at = excluded.updated_at", [r["key"], r["value"], r["updated_at"]])
