"""Small generic row helpers used by the store modules (the only place with SQL)."""

from __future__ import annotations

import sqlite3
from typing import Any

from sponsortrack.errors import ConflictError
from sponsortrack.store.db import Store, utc_now

_ENTITY = {
    "shows": "show", "episodes": "episode", "sponsors": "sponsor", "agencies": "agency",
    "campaigns": "campaign", "ad_reads": "read", "invoices": "invoice", "download_snapshots": "download snapshot",
}


def _conflict(table: str, exc: sqlite3.IntegrityError) -> ConflictError:
    msg = str(exc)
    entity = _ENTITY.get(table, table)
    if "UNIQUE" in msg:
        col = msg.rsplit(".", 1)[-1]
        if "episodes.show_id, episodes.number" in msg:
            col = "number"
        return ConflictError(f"{col}: another {entity} already has this {col}")
    if "FOREIGN KEY" in msg:
        return ConflictError(f"{entity}: still referenced by other records (or refers to one that is missing)")
    if "CHECK" in msg:
        return ConflictError(f"{entity}: a value is out of range ({msg})")
    return ConflictError(f"{entity}: {msg}")


def insert(store: Store, table: str, values: dict[str, Any]) -> int:
    cols = list(values)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    try:
        with store.write():
            cur = store.conn.execute(sql, [values[c] for c in cols])
    except sqlite3.IntegrityError as exc:
        raise _conflict(table, exc) from None
    return int(cur.lastrowid)  # type: ignore[arg-type]


def update(store: Store, table: str, row_id: int, values: dict[str, Any], *, touch: bool = True) -> None:
    if not values:
        return
    values = dict(values)
    if touch:
        values["updated_at"] = utc_now()
    sets = ", ".join(f"{c} = ?" for c in values)
    try:
        with store.write():
            store.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])
    except sqlite3.IntegrityError as exc:
        raise _conflict(table, exc) from None


def delete(store: Store, table: str, row_id: int) -> None:
    try:
        with store.write():
            store.conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
    except sqlite3.IntegrityError as exc:
        raise _conflict(table, exc) from None


def get(store: Store, table: str, row_id: int) -> dict | None:
    return store.query_one(f"SELECT * FROM {table} WHERE id = ?", [row_id])


def raw_row(store: Store, table: str, row_id: int) -> dict | None:
    """The full stored row, used by undo to restore exactly what was there."""
    return get(store, table, row_id)


def restore_row(store: Store, table: str, row: dict[str, Any]) -> None:
    """Re-insert a deleted row with its original id (undo of a delete)."""
    cols = list(row)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    try:
        with store.write():
            store.conn.execute(sql, [row[c] for c in cols])
    except sqlite3.IntegrityError as exc:
        raise _conflict(table, exc) from None
