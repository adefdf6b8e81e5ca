"""Business settings that travel with the data (seller, invoice numbering, terms, tax)."""

from __future__ import annotations

import json
from typing import Any

from sponsortrack.store.db import Store, utc_now


def decode(raw: str | None) -> Any:
    """A stored setting's value (JSON text) as Python."""
    return json.loads(raw) if raw is not None else None


def get_all(store: Store) -> dict[str, Any]:
    return {r["key"]: decode(r["value"]) for r in store.query("SELECT key, value FROM settings")}


def get(store: Store, key: str, default: Any = None) -> Any:
    r = store.query_one("SELECT value FROM settings WHERE key = ?", [key])
    if r is None or r["value"] is None:
        return default
    return json.loads(r["value"])


def put_many(store: Store, values: dict[str, Any]) -> None:
    now = utc_now()
    with store.write():
        for key, value in values.items():
            store.conn.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                [key, json.dumps(value), now],
            )


def forget(store: Store, keys: list[str]) -> None:
    """Forget settings so their defaults apply again."""
    with store.write():
        for key in keys:
            store.conn.execute("DELETE FROM settings WHERE key = ?", [key])
