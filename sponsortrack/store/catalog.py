"""Shows, episodes, sponsors and agencies."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from sponsortrack.store import base
from sponsortrack.store.db import Store
from sponsortrack.store.models import Agency, Episode, Show, Sponsor, from_row, parse_episode_code

# -- shows ----------------------------------------------------------------------------------


def is_empty(store: Store) -> bool:
    """No show, no sponsor and no read yet: a first start."""
    return not store.scalar("SELECT EXISTS(SELECT 1 FROM shows) OR EXISTS(SELECT 1 FROM sponsors) "
                            "OR EXISTS(SELECT 1 FROM ad_reads)")


def list_shows(store: Store) -> list[Show]:
    return [from_row(Show, r) for r in store.query("SELECT * FROM shows ORDER BY name COLLATE NOCASE")]


def get_show(store: Store, show_id: int) -> Show | None:
    r = base.get(store, "shows", show_id)
    return from_row(Show, r) if r else None


def find_show(store: Store, name: str) -> Show | None:
    r = store.query_one("SELECT * FROM shows WHERE name = ? COLLATE NOCASE", [name.strip()])
    return from_row(Show, r) if r else None


def insert_show(store: Store, values: dict[str, Any]) -> int:
    return base.insert(store, "shows", values)


def update_show(store: Store, show_id: int, values: dict[str, Any]) -> None:
    base.update(store, "shows", show_id, values)


def delete_show(store: Store, show_id: int) -> None:
    base.delete(store, "shows", show_id)


def show_usage(store: Store, show_id: int) -> int:
    return int(store.scalar("SELECT count(*) FROM episodes WHERE show_id = ?", [show_id]) or 0)


# -- episodes -------------------------------------------------------------------------------

_EPISODE_SELECT = """
SELECT e.*, s.name AS show_name,
       (SELECT count(*) FROM ad_reads r WHERE r.episode_id = e.id) AS read_count
FROM episodes e JOIN shows s ON s.id = e.show_id
"""


def list_episodes(store: Store, show_id: int | None = None, search: str | None = None,
                  limit: int | None = None, offset: int = 0, descending: bool = True) -> list[Episode]:
    where: list[str] = []
    params: list[Any] = []
    if show_id is not None:
        where.append("e.show_id = ?")
        params.append(show_id)
    if search:
        like = f"%{search}%"
        code = parse_episode_code(search)
        if code is not None and code[0] is not None:   # "S2E5", "s2 e5"
            where.append("(e.title LIKE ? OR (e.season = ? AND e.number = ?))")
            params += [like, code[0], code[1]]
        else:
            where.append("(e.title LIKE ? OR CAST(e.number AS TEXT) = ? OR e.guid = ?)")
            params += [like, search.strip().lstrip("#"), search]
    sql = _EPISODE_SELECT
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = "DESC" if descending else "ASC"
    sql += f" ORDER BY coalesce(e.published_on, e.recorded_on) {order}, e.number {order}, e.id {order}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [from_row(Episode, r) for r in store.query(sql, params)]


def episodes_without_reads(store: Store, *, since: str | None = None, until: str | None = None,
                           limit: int = 8) -> tuple[int, list[Episode]]:
    """Episodes that have no logged read (aired from ``since`` to ``until``, inclusive): how many, and
    the newest ``limit`` of them."""
    where = ["NOT EXISTS (SELECT 1 FROM ad_reads r WHERE r.episode_id = e.id)"]
    params: list[Any] = []
    day = "coalesce(e.published_on, e.recorded_on)"
    if since:
        where.append(f"{day} >= ?")
        params.append(since)
    if until:
        where.append(f"{day} <= ?")
        params.append(until)
    cond = " WHERE " + " AND ".join(where)
    n = int(store.scalar("SELECT count(*) FROM episodes e" + cond, params) or 0)
    rows = store.query(_EPISODE_SELECT + cond + f" ORDER BY {day} DESC, e.number DESC, e.id DESC LIMIT ?",
                       [*params, limit])
    return n, [from_row(Episode, r) for r in rows]


def get_episode(store: Store, episode_id: int) -> Episode | None:
    r = store.query_one(_EPISODE_SELECT + " WHERE e.id = ?", [episode_id])
    return from_row(Episode, r) if r else None


def find_episode(store: Store, show_id: int, number: int, season: int | None = None) -> Episode | None:
    """The show's episode with this number in this season (``None``: the season-less one)."""
    r = store.query_one(_EPISODE_SELECT + " WHERE e.show_id = ? AND coalesce(e.season, 0) = ? AND e.number = ?",
                        [show_id, season or 0, number])
    return from_row(Episode, r) if r else None


def episodes_numbered(store: Store, show_id: int, number: int) -> list[Episode]:
    """Every episode of the show with this number, whatever its season (season-less first)."""
    rows = store.query(_EPISODE_SELECT + " WHERE e.show_id = ? AND e.number = ? ORDER BY coalesce(e.season, 0)",
                       [show_id, number])
    return [from_row(Episode, r) for r in rows]


def next_episode_number(store: Store, show_id: int, season: int | None = None) -> int:
    """The number after the highest in that season of the show (``None``: its season-less episodes)."""
    return int(store.scalar("SELECT coalesce(max(number), 0) + 1 FROM episodes WHERE show_id = ? "
                            "AND coalesce(season, 0) = ? AND number IS NOT NULL", [show_id, season or 0]) or 1)


def latest_season(store: Store, show_id: int) -> int | None:
    """The season of the show's latest episode (by air date), None when it has no seasons."""
    value = store.scalar("SELECT season FROM episodes WHERE show_id = ? ORDER BY coalesce(published_on, "
                         "recorded_on) DESC, id DESC LIMIT 1", [show_id])
    return int(value) if value is not None else None


def last_used_show_id(store: Store) -> int | None:
    """The show of the most recently created episode (the log screen opens on it)."""
    v = store.scalar("SELECT show_id FROM episodes ORDER BY created_at DESC, id DESC LIMIT 1")
    return int(v) if v is not None else None


def insert_episode(store: Store, values: dict[str, Any]) -> int:
    return base.insert(store, "episodes", values)


def update_episode(store: Store, episode_id: int, values: dict[str, Any]) -> None:
    base.update(store, "episodes", episode_id, values)


def delete_episode(store: Store, episode_id: int) -> None:
    base.delete(store, "episodes", episode_id)


# -- sponsors -------------------------------------------------------------------------------


def _sponsor_values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if "domains" in values and not isinstance(values["domains"], str):
        values["domains"] = json.dumps(list(values["domains"] or []))
    return values


# a sponsor with its aliases (oldest first) as a JSON array
_SPONSOR_SELECT = ("SELECT s.*, (SELECT json_group_array(a.alias) FROM sponsor_aliases a "
                   "WHERE a.sponsor_id = s.id) AS aliases FROM sponsors s")


def list_sponsors(store: Store) -> list[Sponsor]:
    return [from_row(Sponsor, r) for r in store.query(_SPONSOR_SELECT + " ORDER BY s.name COLLATE NOCASE")]


def get_sponsor(store: Store, sponsor_id: int) -> Sponsor | None:
    r = store.query_one(_SPONSOR_SELECT + " WHERE s.id = ?", [sponsor_id])
    return from_row(Sponsor, r) if r else None


def find_sponsor(store: Store, name: str) -> Sponsor | None:
    r = store.query_one(_SPONSOR_SELECT + " WHERE s.name = ? COLLATE NOCASE", [name.strip()])
    return from_row(Sponsor, r) if r else None


# -- sponsor aliases (schema v10) -------------------------------------------------------------------


def alias_key(text: str) -> str:
    """An alias's normalised form, unique across sponsors: case-folded, letters and digits only, so
    "Digital Ocean", "digital-ocean" and "DigitalOcean" are one key."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def sponsor_aliases(store: Store, sponsor_id: int) -> list[dict[str, Any]]:
    """The sponsor's alias rows (``id``, ``sponsor_id``, ``alias``, ``alias_key``, ``created_at``), oldest first."""
    return store.query("SELECT * FROM sponsor_aliases WHERE sponsor_id = ? ORDER BY id", [sponsor_id])


def aliases_by_sponsor(store: Store) -> dict[int, list[str]]:
    """Every sponsor's aliases, by sponsor id (the known-sponsor matcher of imports and reconciliation)."""
    out: dict[int, list[str]] = {}
    for r in store.query("SELECT sponsor_id, alias FROM sponsor_aliases ORDER BY id"):
        out.setdefault(r["sponsor_id"], []).append(r["alias"])
    return out


def alias_owner(store: Store, key: str) -> dict[str, Any] | None:
    """The alias with that normalised key and its sponsor's name (``alias``, ``sponsor_id``, ``sponsor_name``)."""
    return store.query_one("SELECT a.id, a.alias, a.sponsor_id, s.name AS sponsor_name FROM sponsor_aliases a "
                           "JOIN sponsors s ON s.id = a.sponsor_id WHERE a.alias_key = ?", [key])


def insert_alias(store: Store, sponsor_id: int, alias: str) -> int:
    return base.insert(store, "sponsor_aliases",
                       {"sponsor_id": sponsor_id, "alias": alias, "alias_key": alias_key(alias)})


def delete_alias(store: Store, alias_id: int) -> None:
    base.delete(store, "sponsor_aliases", alias_id)


def insert_sponsor(store: Store, values: dict[str, Any]) -> int:
    return base.insert(store, "sponsors", _sponsor_values(values))


def update_sponsor(store: Store, sponsor_id: int, values: dict[str, Any]) -> None:
    base.update(store, "sponsors", sponsor_id, _sponsor_values(values))


def delete_sponsor(store: Store, sponsor_id: int) -> None:
    base.delete(store, "sponsors", sponsor_id)


def sponsor_usage(store: Store, sponsor_id: int) -> dict[str, int]:
    row = store.query_one(
        """SELECT (SELECT count(*) FROM ad_reads WHERE sponsor_id = :id) AS reads,
                  (SELECT count(*) FROM campaigns WHERE sponsor_id = :id) AS campaigns,
                  (SELECT count(*) FROM invoices WHERE sponsor_id = :id) AS invoices""",
        {"id": sponsor_id},
    )
    return dict(row or {})


# -- agencies -------------------------------------------------------------------------------


def list_agencies(store: Store) -> list[Agency]:
    return [from_row(Agency, r) for r in store.query("SELECT * FROM agencies ORDER BY name COLLATE NOCASE")]


def get_agency(store: Store, agency_id: int) -> Agency | None:
    r = base.get(store, "agencies", agency_id)
    return from_row(Agency, r) if r else None


def find_agency(store: Store, name: str) -> Agency | None:
    r = store.query_one("SELECT * FROM agencies WHERE name = ? COLLATE NOCASE", [name.strip()])
    return from_row(Agency, r) if r else None


def insert_agency(store: Store, values: dict[str, Any]) -> int:
    return base.insert(store, "agencies", values)


def update_agency(store: Store, agency_id: int, values: dict[str, Any]) -> None:
    base.update(store, "agencies", agency_id, values)


def delete_agency(store: Store, agency_id: int) -> None:
    base.delete(store, "agencies", agency_id)
