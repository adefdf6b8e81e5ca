"""The change log, written by triggers on ad_reads, campaigns and invoices."""

from __future__ import annotations

from typing import Any

from sponsortrack.store.db import Store
from sponsortrack.store.models import ChangeLogEntry, from_row


def history(store: Store, entity: str | None = None, entity_id: int | None = None,
            limit: int = 200) -> list[ChangeLogEntry]:
    where: list[str] = []
    params: list[Any] = []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(entity_id)
    sql = "SELECT * FROM change_log" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [from_row(ChangeLogEntry, r) for r in store.query(sql, params)]
