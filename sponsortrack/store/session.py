"""Small queries and connection settings the desktop window needs (the SQL stays in the store)."""

from __future__ import annotations

from sponsortrack.store.db import Store
from sponsortrack.store.reads import AIR_DATE


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
