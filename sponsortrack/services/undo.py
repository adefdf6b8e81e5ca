"""Undo in the core: each undoable operation records the rows it changed; undo and redo put them back
through the services' own rules, and refuse when a row changed since.

An operation here runs one service call in one write transaction and returns :class:`Done`: the
service's result and a :class:`Change`, the stored rows it touched before and after (ids and
timestamps included). The window keeps the ``Change`` on its undo stack and hands it back to
:func:`undo` or :func:`redo` (as Anki's ``CollectionOp(..., lambda col: col.undo())`` leaves undo to
the collection); it never writes rows itself.

:func:`undo` and :func:`redo` run in one write transaction and write nothing unless every row is
still exactly as the operation left it (for redo: as it was before), and no read they touch is billed.
Otherwise they raise :class:`UndoRefused` with one line naming the record and why
(``read 12 changed since: billed on 2019-0001``). A row is put back through the same rules as a
producer's own edit: an edited row through the service's ``edit_*`` (so its validation and locks
apply, e.g. a billed read refuses), a deleted row is re-checked with the rules of a new one
(``check_new_*``, ``clean_read``) before it is inserted again, a created row is removed through the
service's ``delete_*``. Only then are the recorded values and timestamps copied back exactly
(``store.base.overwrite`` / ``reinsert``), so undo followed by redo gives the same database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sponsortrack.errors import ConflictError, SponsortrackError, ValidationError
from sponsortrack.money import to_decimal
from sponsortrack.services import aliases as al
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store, base
from sponsortrack.store import catalog as cstore
from sponsortrack.store import reads as rstore
from sponsortrack.store import settings as sstore
from sponsortrack.store.models import Episode, Sponsor, from_row

T = TypeVar("T")

TIMESTAMPS = frozenset({"created_at", "updated_at"})


class UndoRefused(ConflictError):
    """Undo or redo would overwrite a change made since, or a billed read; nothing was written."""


@dataclass(frozen=True)
class RowChange:
    """One stored row as an operation found it (``before``) and left it (``after``); None: no row."""

    table: str
    key: int | str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Change:
    """What one operation changed, row by row, in the order it changed them."""

    rows: tuple[RowChange, ...]

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(r.table for r in self.rows)


@dataclass(frozen=True)
class Done(Generic[T]):
    """An operation's result and the change it recorded."""

    value: T
    change: Change


# -- how each table is put back through its service ------------------------------------------------


@dataclass(frozen=True)
class _Table:
    entity: str
    edit: Callable[[Store, Any, dict[str, Any], dict[str, Any]], object]  # (store, key, changed, target row)
    remove: Callable[[Store, Any], object]
    check_new: Callable[[Store, dict[str, Any]], object]                   # (store, full row)
    key: str = "id"
    fixed: frozenset[str] = frozenset()  # columns no edit changes: a change there is never put back


def _columns(spec: _Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row's columns a service edit takes, by name (every one but the key, timestamps and fixed)."""
    return {c: val for c, val in row.items() if c != spec.key and c not in TIMESTAMPS and c not in spec.fixed}


def _sponsor_fields(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "domains" in out:
        out["domains"] = from_row(Sponsor, {"id": 0, "name": "", "domains": out["domains"] or "[]"}).domains
    return out


def _edit_campaign(store: Store, key: Any, changed: dict[str, Any], target: dict[str, Any]) -> object:
    if "currency" in changed:  # the service takes a new currency only with the rate in it
        changed = {c: val for c, val in changed.items() if c != "rate_minor"}
        changed["rate"] = to_decimal(target["rate_minor"], target["currency"])
    return camp.edit_campaign(store, key, **changed)


def _check_new_read(store: Store, row: dict[str, Any]) -> None:
    if row.get("invoice_id") is not None:
        raise UndoRefused(f"read {row['id']}: it was on invoice {row['invoice_id']}; its claim is not put back")
    episode = cat.get_episode(store, row["episode_id"])
    rsvc.clean_read(store, episode, _columns(_TABLES["ad_reads"], row))


def _edit_setting(store: Store, key: Any, changed: dict[str, Any], target: dict[str, Any]) -> object:
    return ssvc.update_settings(store, **{key: sstore.decode(target["value"])})


_TABLES: dict[str, _Table] = {
    "shows": _Table("show", lambda s, k, ch, _t: cat.edit_show(s, k, **ch), cat.delete_show,
                    lambda s, row: cat.check_new_show(s, _columns(_TABLES["shows"], row))),
    "episodes": _Table("episode", lambda s, k, ch, _t: cat.edit_episode(s, k, **ch), cat.delete_episode,
                       lambda s, row: cat.check_new_episode(s, row["show_id"], _columns(_TABLES["episodes"], row)),
                       fixed=frozenset({"show_id"})),
    "sponsors": _Table("sponsor", lambda s, k, ch, _t: cat.edit_sponsor(s, k, **_sponsor_fields(ch)),
                       cat.delete_sponsor,
                       lambda s, row: cat.check_new_sponsor(s, _sponsor_fields(_columns(_TABLES["sponsors"], row)))),
    "agencies": _Table("agency", lambda s, k, ch, _t: cat.edit_agency(s, k, **ch), cat.delete_agency,
                       lambda s, row: cat.check_new_agency(s, _columns(_TABLES["agencies"], row))),
    "campaigns": _Table("campaign", _edit_campaign, camp.delete_campaign,
                        lambda s, row: camp.check_new_campaign(s, _columns(_TABLES["campaigns"], row))),
    "ad_reads": _Table("read", lambda s, k, ch, _t: rsvc.edit_read(s, k, **ch),
                       lambda s, k: rsvc.delete_reads(s, [k]), _check_new_read,
                       fixed=frozenset({"episode_id", "invoice_id"})),
    # a sponsor's aliases (schema v10): added and removed with the sponsor's edit, never edited in place
    "sponsor_aliases": _Table("sponsor alias", lambda s, k, ch, _t: None, lambda s, k: cstore.delete_alias(s, k),
                              lambda s, row: al.clean_alias(s, row["sponsor_id"], row["alias"])),
    "settings": _Table("setting", _edit_setting, lambda s, k: ssvc.reset_settings(s, [k]),
                       lambda s, row: ssvc.clean_settings({row["key"]: sstore.decode(row["value"])}), key="key"),
}


def _row(store: Store, table: str, key: int | str) -> dict[str, Any] | None:
    return base.raw_row(store, table, key, key=_TABLES[table].key)


def _label(rc: RowChange) -> str:
    return f"{_TABLES[rc.table].entity} {rc.key}"


# -- undo and redo ----------------------------------------------------------------------------------


def undo(store: Store, change: Change) -> None:
    """Put every row of ``change`` back as it was before, or raise :class:`UndoRefused`."""
    _revert(store, tuple(reversed(change.rows)), forward=False)


def redo(store: Store, change: Change) -> None:
    """Make ``change`` again on rows that are as it found them, or raise :class:`UndoRefused`."""
    _revert(store, change.rows, forward=True)


def _revert(store: Store, steps: tuple[RowChange, ...], *, forward: bool) -> None:
    with store.write():
        plan = []
        for rc in steps:
            expected, target = (rc.before, rc.after) if forward else (rc.after, rc.before)
            current = _row(store, rc.table, rc.key)
            _check(store, rc, expected, current)
            plan.append((rc, current, target))
        for rc, current, target in plan:
            try:
                _apply(store, rc, current, target)
            except UndoRefused:
                raise
            except SponsortrackError as exc:
                raise UndoRefused(f"{_label(rc)}: {exc}") from None


def _check(store: Store, rc: RowChange, expected: dict | None, current: dict | None) -> None:
    """Refuse unless the row is exactly ``expected`` and no billed read is touched."""
    label = _label(rc)
    if rc.table == "ad_reads" and current is not None:
        inv = rstore.invoice_status_of_read(store, int(rc.key))
        if inv:
            raise UndoRefused(f"{label} changed since: billed on {inv['number']}")
    if current == expected:
        return
    if current is None:
        raise UndoRefused(f"{label} changed since: deleted")
    if expected is None:
        raise UndoRefused(f"{label} changed since: another {_TABLES[rc.table].entity} took its place")
    if rc.table == "ad_reads" and current.get("invoice_id") not in (None, expected.get("invoice_id")):
        raise UndoRefused(f"{label} changed since: put on draft invoice {current['invoice_id']}")
    edited = [c for c in current if c not in TIMESTAMPS and current[c] != expected.get(c)]
    if not edited:
        raise UndoRefused(f"{label} changed since: saved again")
    raise UndoRefused(f"{label} changed since: {', '.join(edited)} edited")


def _apply(store: Store, rc: RowChange, current: dict | None, target: dict | None) -> None:
    spec = _TABLES[rc.table]
    if target is None:
        spec.remove(store, rc.key)
    elif current is None:
        spec.check_new(store, target)
        base.reinsert(store, rc.table, target)
    else:
        moved = sorted(c for c in spec.fixed if current.get(c) != target.get(c))
        if moved:
            raise UndoRefused(f"{_label(rc)}: its {moved[0]} cannot be put back")
        changed = {c: val for c, val in _columns(spec, target).items() if current.get(c) != val}
        if changed:
            spec.edit(store, rc.key, changed, target)
        base.overwrite(store, rc.table, target, key=spec.key)


# -- the operations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How one kind of record is created, edited and deleted through the services."""

    name: str
    table: str
    add: Callable[..., Any]
    edit: Callable[..., Any]
    remove: Callable[..., Any]
    label: Callable[[Any], str]


def _add_episode(store: Store, **values: Any) -> Episode:
    show = values.pop("show", None) or values.pop("show_id", None)
    if show in (None, ""):
        raise ValidationError("show", "is required")
    return cat.add_episode(store, show, **values)


KINDS: dict[str, Kind] = {
    "show": Kind("show", "shows", cat.add_show, cat.edit_show, cat.delete_show, lambda o: o.name),
    "episode": Kind("episode", "episodes", _add_episode, cat.edit_episode, cat.delete_episode,
                    lambda o: f"{o.show_name} {o.label}"),
    "sponsor": Kind("sponsor", "sponsors", cat.add_sponsor, cat.edit_sponsor, cat.delete_sponsor, lambda o: o.name),
    "agency": Kind("agency", "agencies", cat.add_agency, cat.edit_agency, cat.delete_agency, lambda o: o.name),
    "campaign": Kind("campaign", "campaigns", camp.add_campaign, camp.edit_campaign, camp.delete_campaign,
                     lambda o: o.name),
}


def _alias_rows(store: Store, kind: str, obj_id: int) -> dict[int, dict[str, Any]]:
    """A sponsor's alias rows by id (other kinds have none): a sponsor's create, edit or delete records them."""
    return {r["id"]: r for r in cstore.sponsor_aliases(store, obj_id)} if kind == "sponsor" else {}


def _alias_changes(before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]) -> list[RowChange]:
    """Aliases removed, then aliases added (a row whose id was given again counts as both)."""
    gone = [RowChange("sponsor_aliases", i, r, None) for i, r in before.items() if after.get(i) != r]
    return gone + [RowChange("sponsor_aliases", i, None, r) for i, r in after.items() if before.get(i) != r]


def create(store: Store, kind: str, **values: Any) -> Done[Any]:
    k = KINDS[kind]
    with store.write():
        obj = k.add(store, **values)
        after = _row(store, k.table, obj.id)
        aliases = _alias_changes({}, _alias_rows(store, kind, obj.id))
    return Done(obj, Change((RowChange(k.table, obj.id, None, after), *aliases)))


def edit(store: Store, kind: str, obj_id: int, **changes: Any) -> Done[Any]:
    k = KINDS[kind]
    with store.write():
        before = _row(store, k.table, obj_id)
        aliases_before = _alias_rows(store, kind, obj_id)
        obj = k.edit(store, obj_id, **changes)
        after = _row(store, k.table, obj_id)
        aliases = _alias_changes(aliases_before, _alias_rows(store, kind, obj_id))
    return Done(obj, Change((RowChange(k.table, obj_id, before, after), *aliases)))


def delete(store: Store, kind: str, obj_id: int) -> Done[None]:
    """Delete a record; a sponsor's aliases go with it (first in the change, so undo puts them back last)."""
    k = KINDS[kind]
    with store.write():
        before = _row(store, k.table, obj_id)
        aliases = _alias_changes(_alias_rows(store, kind, obj_id), {})
        k.remove(store, obj_id)
    return Done(None, Change((*aliases, RowChange(k.table, obj_id, before, None))))


@dataclass(frozen=True)
class Logged:
    episode: Episode
    read_ids: list[int]


def log_reads(store: Store, reads: list[dict[str, Any]], *, episode_id: int | None = None,
              new_episode: dict[str, Any] | None = None) -> Done[Logged]:
    """Log a batch of reads on an episode — or on a new one, created with them — as one change."""
    created: int | None = None
    with store.write():
        if new_episode is not None:
            # Check the whole batch's episode before creating anything: the episode and its reads land together.
            if not reads:
                raise ValidationError("reads", "nothing to log")
            cat.clean_episode({k: val for k, val in new_episode.items() if k not in ("show", "show_id")})
            created = episode_id = _add_episode(store, **dict(new_episode)).id
        if episode_id is None:
            raise ValidationError("episode", "is required")
        ids = rsvc.log_reads(store, episode_id, reads)
        rows = [RowChange("episodes", created, None, _row(store, "episodes", created))] if created else []
        rows += [RowChange("ad_reads", r["id"], None, r) for r in rstore.raw_reads(store, ids)]
        episode = cat.get_episode(store, episode_id)
    return Done(Logged(episode, ids), Change(tuple(rows)))


def edit_read(store: Store, read_id: int, **changes: Any) -> Done[Any]:
    with store.write():
        before = _row(store, "ad_reads", read_id)
        row = rsvc.edit_read(store, read_id, **changes)
        after = _row(store, "ad_reads", read_id)
    return Done(row, Change((RowChange("ad_reads", read_id, before, after),)))


def delete_reads(store: Store, read_ids: list[int]) -> Done[None]:
    """Delete reads; the change lists them in the order they were deleted (undo inserts them in reverse,
    so a make-good comes back after the read it makes good for)."""
    ids = list(dict.fromkeys(read_ids))
    with store.write():
        rows = {r["id"]: r for r in rsvc.delete_reads(store, ids)}
    return Done(None, Change(tuple(RowChange("ad_reads", i, rows[i], None) for i in ids if i in rows)))


def update_settings(store: Store, **values: Any) -> Done[dict[str, Any]]:
    keys = list(values)
    with store.write():
        before = {k: _row(store, "settings", k) for k in keys}
        result = ssvc.update_settings(store, **values)
        rows = tuple(RowChange("settings", k, before[k], _row(store, "settings", k)) for k in keys)
    return Done(result, Change(rows))
