"""Bulk loading for generators and importers: many rows, one transaction, executemany."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence

from sponsortrack.store import unbilled
from sponsortrack.store.db import Store


def insert_rows(store: Store, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert rows (tuples in ``columns`` order) into ``table`` in one transaction; returns the count."""
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with store.write():
        cur = store.conn.executemany(sql, rows)
    return cur.rowcount


def analyze(store: Store) -> None:
    store.conn.execute("ANALYZE")


@contextlib.contextmanager
def bulk_load(store: Store, tables: Sequence[str] = ("shows", "episodes", "sponsors", "agencies",
                                                       "campaigns", "ad_reads", "download_snapshots")
              ) -> Iterator[None]:
    """Load many rows fast, for generators and benchmarks: one write transaction in which the triggers
    on ``tables`` (audit log, search index, any others) and their explicit indexes are lifted, then put
    back exactly as they were, each index built once over all the rows, the read search index rebuilt
    once and the unbilled counters recounted once. (A trigger that keeps other derived data needs that
    data rebuilt here too.) A failure rolls all of it back, triggers and indexes included: SQLite's DDL
    is transactional."""
    from sponsortrack.store.migrations import _READ_SEARCH_SELECT

    cache = int(store.conn.execute("PRAGMA cache_size").fetchone()[0])
    store.conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while the indexes are built
    try:
        with store.write():
            marks = ", ".join("?" for _ in tables)
            lifted = store.conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
                f"AND sql IS NOT NULL AND tbl_name IN ({marks})", list(tables)).fetchall()
            for kind, name, _sql in lifted:
                store.conn.execute(f'DROP {kind.upper()} "{name}"')
            yield
            store.conn.execute("DELETE FROM read_search")
            store.conn.execute(f"INSERT INTO read_search (rowid, body) {_READ_SEARCH_SELECT}")
            unbilled.recount(store.conn.execute)  # the counters its lifted triggers keep
            for _kind, _name, sql in lifted:
                store.conn.execute(sql)
    finally:
        store.conn.execute(f"PRAGMA cache_size = {cache}")
