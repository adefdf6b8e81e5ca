"""Small generic row helpers used by the store modules (the only place with SQL)."""

from __future__ import annotations

import sqlite3
from typing import Any

from sponsortrack.errors import ConflictError
from sponsortrack.store import locks
from sponsortrack.store.db import Store, utc_now

_ENTITY = {
    "shows": "show", "episodes": "episode", "sponsors": "sponsor", "agencies": "agency",
    "campaigns": "campaign", "ad_reads": "read", "invoices": "invoice", "download_snapshots": "download snapshot",
}


def where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """`` WHERE a AND b ...`` of the ``(sql, value)`` conditions whose value is not None, and their
    parameters: the value once per ``?`` in its sql (``"start <= ? AND end >= ?"`` takes it twice)."""
    sql: list[str] = []
    params: list[Any] = []
    for cond, value in conditions:
        if value is not None:
            sql.append(cond)
            params += [value] * cond.count("?")
    return (" WHERE " + " AND ".join(sql)) if sql else "", params


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
        raise locks.lock_error(store.conn, exc, table, row_id) or _conflict(table, exc) from None


def delete(store: Store, table: str, row_id: int) -> None:
    try:
        with store.write():
            store.conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
    except sqlite3.IntegrityError as exc:
        raise locks.lock_error(store.conn, exc, table, row_id) or _conflict(table, exc) from None


def get(store: Store, table: str, row_id: int) -> dict | None:
    return store.query_one(f"SELECT * FROM {table} WHERE id = ?", [row_id])


def raw_row(store: Store, table: str, key_value: int | str, *, key: str = "id") -> dict | None:
    """The full stored row, timestamps included (what undo records), or None when there is none."""
    return store.query_one(f"SELECT * FROM {table} WHERE {key} = ?", [key_value])


# The two writes below put recorded rows back exactly, ids and timestamps included. Only
# ``services/undo.py`` calls them, after its own checks: the row is as the operation left it, the
# record passes the services' validation, no billed read is touched.


def reinsert(store: Store, table: str, row: dict[str, Any]) -> None:
    """Insert a recorded row again with its original key (undo of a delete, redo of a create)."""
    cols = list(row)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    try:
        with store.write():
            store.conn.execute(sql, [row[c] for c in cols])
    except sqlite3.IntegrityError as exc:
        raise locks.lock_error(store.conn, exc, table, row.get("id")) or _conflict(table, exc) from None


def overwrite(store: Store, table: str, row: dict[str, Any], *, key: str = "id") -> None:
    """Set every column of an existing row to a recorded copy (undo or redo of an edit)."""
    values = {c: val for c, val in row.items() if c != key}
    sets = ", ".join(f"{c} = ?" for c in values)
    try:
        with store.write():
            store.conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?", [*values.values(), row[key]])
    except sqlite3.IntegrityError as exc:
        raise locks.lock_error(store.conn, exc, table, row.get(key)) or _conflict(table, exc) from None
