"""Lookups the proof of performance needs beyond the read rows: episode links, make-goods of given reads."""

from __future__ import annotations

from sponsortrack.store.db import Store


def episode_links(store: Store, episode_ids: list[int]) -> dict[int, str | None]:
    if not episode_ids:
        return {}
    marks = ", ".join("?" for _ in episode_ids)
    return {r["id"]: r["link"] for r in store.query(
        f"SELECT id, link FROM episodes WHERE id IN ({marks})", list(episode_ids))}


def make_goods_of(store: Store, read_ids: list[int]) -> dict[int, int]:
    """``{replaced read id: make-good read id}`` for the given (flagged or missed) reads."""
    if not read_ids:
        return {}
    marks = ", ".join("?" for _ in read_ids)
    return {r["make_good_of"]: r["id"] for r in store.query(
        f"SELECT id, make_good_of FROM ad_reads WHERE make_good_of IN ({marks}) ORDER BY id", list(read_ids))}
