"""Download snapshots: downloads of an episode counted at day N after release."""

from __future__ import annotations

from sponsortrack.store.db import Store, utc_now
from sponsortrack.store.models import DownloadSnapshot, from_row


def upsert_snapshots(store: Store, rows: list[dict]) -> int:
    """Insert or replace snapshots ``{episode_id, day, downloads, source}`` in one transaction."""
    now = utc_now()
    with store.write():
        for r in rows:
            store.conn.execute(
                "INSERT INTO download_snapshots (episode_id, day, downloads, source, recorded_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(episode_id, day, source) DO UPDATE SET "
                "downloads = excluded.downloads, recorded_at = excluded.recorded_at",
                [r["episode_id"], r["day"], r["downloads"], r.get("source") or "manual", now],
            )
    return len(rows)


def list_snapshots(store: Store, episode_id: int) -> list[DownloadSnapshot]:
    return [from_row(DownloadSnapshot, r) for r in store.query(
        "SELECT * FROM download_snapshots WHERE episode_id = ? ORDER BY day, source", [episode_id])]
