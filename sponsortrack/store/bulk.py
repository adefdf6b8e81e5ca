"""Bulk loading for generators and importers: many rows, one transaction, executemany."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sponsortrack.store.db import Store


def insert_rows(store: Store, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert rows (tuples in ``columns`` order) into ``table`` in one transaction; returns the count."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with store.write():
        cur = store.conn.executemany(sql, rows)
    return cur.rowcount


def analyze(store: Store) -> None:
    store.conn.execute("ANALYZE")
