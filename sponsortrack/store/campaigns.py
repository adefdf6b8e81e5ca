"""Campaigns (insertion orders)."""

from __future__ import annotations

from typing import Any

from sponsortrack.store import base
from sponsortrack.store.db import Store
from sponsortrack.store.models import Campaign, from_row

_SELECT = """
SELECT c.*, s.name AS sponsor_name, a.name AS agency_name, sh.name AS show_name
FROM campaigns c
JOIN sponsors s ON s.id = c.sponsor_id
LEFT JOIN agencies a ON a.id = c.agency_id
LEFT JOIN shows sh ON sh.id = c.show_id
"""


def list_campaigns(store: Store, sponsor_id: int | None = None, status: str | None = None,
                   active_on: str | None = None, show_id: int | None = None,
                   current_on: str | None = None) -> list[Campaign]:
    """``current_on``: only campaigns not ended by that day and not completed or cancelled."""
    where, params = base.where(
        ("c.end_date >= ? AND c.status IN ('draft', 'active', 'paused')", current_on),
        ("c.sponsor_id = ?", sponsor_id), ("c.status = ?", status),
        ("c.start_date <= ? AND c.end_date >= ?", active_on), ("(c.show_id IS NULL OR c.show_id = ?)", show_id))
    sql = _SELECT + where
    sql += " ORDER BY c.start_date DESC, s.name COLLATE NOCASE, c.id"
    return [from_row(Campaign, r) for r in store.query(sql, params)]


def get_campaign(store: Store, campaign_id: int) -> Campaign | None:
    r = store.query_one(_SELECT + " WHERE c.id = ?", [campaign_id])
    return from_row(Campaign, r) if r else None


def find_campaign(store: Store, sponsor_id: int, name: str) -> Campaign | None:
    r = store.query_one(_SELECT + " WHERE c.sponsor_id = ? AND c.name = ? COLLATE NOCASE", [sponsor_id, name])
    return from_row(Campaign, r) if r else None


def insert_campaign(store: Store, values: dict[str, Any]) -> int:
    return base.insert(store, "campaigns", values)


def update_campaign(store: Store, campaign_id: int, values: dict[str, Any]) -> None:
    base.update(store, "campaigns", campaign_id, values)


def delete_campaign(store: Store, campaign_id: int) -> None:
    base.delete(store, "campaigns", campaign_id)


def campaign_usage(store: Store, campaign_id: int) -> int:
    return int(store.scalar("SELECT count(*) FROM ad_reads WHERE campaign_id = ?", [campaign_id]) or 0)
