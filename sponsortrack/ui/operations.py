"""Undoable operations: each one calls the services, then lets the pages know what changed.

The GUI's only door for writes. One small function per use case (Anki's ``aqt/operations``):
``create(ctx, "sponsor", name=...)``, ``edit(ctx, "campaign", 3, rate="900")``, ``delete(ctx, ...)``,
``log_reads(ctx, ...)``, ``delete_reads(ctx, ids)``, ``update_settings(ctx, ...)``. Each returns
True when done (and pushed on the undo stack) or False when refused (the error was reported).
Validation errors are raised to the caller instead, so a dialog can show them next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sponsortrack.errors import ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import base
from sponsortrack.store import reads as rstore
from sponsortrack.store import session as ssession
from sponsortrack.ui import context as c
from sponsortrack.ui.context import AppContext, UndoCommand


@dataclass(frozen=True)
class Kind:
    """How to create, edit and delete one kind of record through the services."""

    name: str
    table: str
    add: Callable[..., Any]
    edit: Callable[..., Any]
    remove: Callable[..., Any]
    entities: frozenset[str]
    label: Callable[[Any], str]


def _add_episode(store, **values):
    show = values.pop("show", None) or values.pop("show_id", None)
    if show in (None, ""):
        raise ValidationError("show", "is required")
    return cat.add_episode(store, show, **values)


KINDS: dict[str, Kind] = {
    "show": Kind("show", "shows", cat.add_show, cat.edit_show, cat.delete_show,
                 frozenset({c.SHOWS, c.EPISODES, c.READS}), lambda o: o.name),
    "episode": Kind("episode", "episodes", _add_episode, cat.edit_episode, cat.delete_episode,
                    frozenset({c.EPISODES, c.READS}), lambda o: f"{o.show_name} {o.label}"),
    "sponsor": Kind("sponsor", "sponsors", cat.add_sponsor, cat.edit_sponsor, cat.delete_sponsor,
                    frozenset({c.SPONSORS, c.READS, c.CAMPAIGNS}), lambda o: o.name),
    "agency": Kind("agency", "agencies", cat.add_agency, cat.edit_agency, cat.delete_agency,
                   frozenset({c.AGENCIES, c.SPONSORS, c.CAMPAIGNS}), lambda o: o.name),
    "campaign": Kind("campaign", "campaigns", camp.add_campaign, camp.edit_campaign, camp.delete_campaign,
                     frozenset({c.CAMPAIGNS, c.READS}), lambda o: o.name),
}


class CreateCommand(UndoCommand):
    def __init__(self, ctx: AppContext, kind: Kind, values: dict[str, Any]):
        super().__init__(ctx, f"Add {kind.name}")
        self.kind, self.values = kind, values
        self.entities = kind.entities
        self.obj: Any = None
        self.row: dict | None = None

    def do(self) -> None:
        self.obj = self.kind.add(self.ctx.store, **self.values)
        self.row = base.raw_row(self.ctx.store, self.kind.table, self.obj.id)
        self.setText(f"Add {self.kind.name} {self.kind.label(self.obj)}")
        self.done_message = f"Added {self.kind.name} {self.kind.label(self.obj)}."

    def undo_do(self) -> None:
        self.kind.remove(self.ctx.store, self.obj.id)

    def redo_do(self) -> None:
        base.restore_row(self.ctx.store, self.kind.table, dict(self.row or {}))


class EditCommand(UndoCommand):
    def __init__(self, ctx: AppContext, kind: Kind, obj_id: int, changes: dict[str, Any]):
        super().__init__(ctx, f"Edit {kind.name}")
        self.kind, self.obj_id, self.changes = kind, obj_id, changes
        self.entities = kind.entities
        self.before: dict | None = None
        self.after: dict | None = None

    def do(self) -> None:
        self.before = base.raw_row(self.ctx.store, self.kind.table, self.obj_id)
        obj = self.kind.edit(self.ctx.store, self.obj_id, **self.changes)
        self.after = base.raw_row(self.ctx.store, self.kind.table, self.obj_id)
        self.setText(f"Edit {self.kind.name} {self.kind.label(obj)}")
        self.done_message = f"Saved {self.kind.name} {self.kind.label(obj)}."

    def undo_do(self) -> None:
        ssession.restore_values(self.ctx.store, self.kind.table, dict(self.before or {}))

    def redo_do(self) -> None:
        ssession.restore_values(self.ctx.store, self.kind.table, dict(self.after or {}))


class DeleteCommand(UndoCommand):
    def __init__(self, ctx: AppContext, kind: Kind, obj_id: int, label: str = ""):
        super().__init__(ctx, f"Delete {kind.name} {label}".strip())
        self.kind, self.obj_id = kind, obj_id
        self.entities = kind.entities
        self.row: dict | None = None
        self.done_message = f"Deleted {kind.name} {label}.".replace(" .", ".")

    def do(self) -> None:
        self.row = base.raw_row(self.ctx.store, self.kind.table, self.obj_id)
        self.kind.remove(self.ctx.store, self.obj_id)

    def undo_do(self) -> None:
        base.restore_row(self.ctx.store, self.kind.table, dict(self.row or {}))

    def redo_do(self) -> None:
        self.kind.remove(self.ctx.store, self.obj_id)


class LogReadsCommand(UndoCommand):
    """Log a batch of reads on an episode — optionally creating the episode first — as one undo step."""

    entities = frozenset({c.READS, c.EPISODES, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, reads: list[dict[str, Any]], *, episode_id: int | None = None,
                 new_episode: dict[str, Any] | None = None):
        super().__init__(ctx, f"Log {len(reads)} reads")
        self.reads = reads
        self.episode_id = episode_id
        self.new_episode = new_episode
        self.episode_row: dict | None = None
        self.read_rows: list[dict] = []
        self.ids: list[int] = []

    def do(self) -> None:
        store = self.ctx.store
        if self.new_episode is not None:
            # Validate the whole batch before creating anything: the episode and its reads land together.
            if not self.reads:
                raise ValidationError("reads", "nothing to log")
            cat.clean_episode({k: v for k, v in self.new_episode.items() if k not in ("show", "show_id")})
            with store.write():
                ep = _add_episode(store, **dict(self.new_episode))
                self.ids = rsvc.log_reads(store, ep.id, self.reads)
            self.episode_id = ep.id
            self.episode_row = base.raw_row(store, "episodes", ep.id)
        else:
            assert self.episode_id is not None
            self.ids = rsvc.log_reads(store, self.episode_id, self.reads)
        ep = cat.get_episode(store, self.episode_id)
        self.read_rows = rstore.raw_reads(store, self.ids)
        n = len(self.ids)
        what = f"{n} read{'s' if n != 1 else ''}"
        self.setText(f"Log {what} on {ep.show_name} {ep.label}")
        self.done_message = f"Logged {what} on {ep.show_name} {ep.label}."

    def undo_do(self) -> None:
        store = self.ctx.store
        with store.write():
            rsvc.delete_reads(store, self.ids)
            if self.episode_row is not None:
                cat.delete_episode(store, int(self.episode_row["id"]))

    def redo_do(self) -> None:
        store = self.ctx.store
        with store.write():
            if self.episode_row is not None:
                base.restore_row(store, "episodes", dict(self.episode_row))
            rsvc.restore_reads(store, [dict(r) for r in self.read_rows])


class EditReadCommand(UndoCommand):
    entities = frozenset({c.READS, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, read_id: int, changes: dict[str, Any]):
        super().__init__(ctx, f"Edit read {read_id}")
        self.read_id, self.changes = read_id, changes
        self.before: dict | None = None
        self.after: dict | None = None

    def do(self) -> None:
        self.before = base.raw_row(self.ctx.store, "ad_reads", self.read_id)
        row = rsvc.edit_read(self.ctx.store, self.read_id, **self.changes)
        self.after = base.raw_row(self.ctx.store, "ad_reads", self.read_id)
        self.setText(f"Edit {row.sponsor_name} read on {row.show_name} #{row.episode_number}")
        self.done_message = "Saved the read."

    def undo_do(self) -> None:
        ssession.restore_values(self.ctx.store, "ad_reads", dict(self.before or {}))

    def redo_do(self) -> None:
        ssession.restore_values(self.ctx.store, "ad_reads", dict(self.after or {}))


class DeleteReadsCommand(UndoCommand):
    entities = frozenset({c.READS, c.EPISODES, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, read_ids: list[int]):
        n = len(read_ids)
        super().__init__(ctx, f"Delete {n} read{'s' if n != 1 else ''}")
        self.read_ids = list(read_ids)
        self.rows: list[dict] = []
        self.done_message = f"Deleted {n} read{'s' if n != 1 else ''}."

    def do(self) -> None:
        self.rows = rsvc.delete_reads(self.ctx.store, self.read_ids)

    def undo_do(self) -> None:
        rsvc.restore_reads(self.ctx.store, [dict(r) for r in self.rows])

    def redo_do(self) -> None:
        rsvc.delete_reads(self.ctx.store, self.read_ids)


class SettingsCommand(UndoCommand):
    entities = frozenset({c.SETTINGS})

    def __init__(self, ctx: AppContext, values: dict[str, Any]):
        super().__init__(ctx, "Edit business settings")
        self.values = values
        self.before: list[dict] = []
        self.after: list[dict] = []
        self.missing: list[str] = []
        self.done_message = "Saved the business settings."

    def do(self) -> None:
        keys = list(self.values)
        self.before = ssession.settings_rows(self.ctx.store, keys)
        self.missing = [k for k in keys if k not in {r["key"] for r in self.before}]
        ssvc.update_settings(self.ctx.store, **self.values)
        self.after = ssession.settings_rows(self.ctx.store, keys)

    def undo_do(self) -> None:
        ssession.put_settings_rows(self.ctx.store, self.before, self.missing)

    def redo_do(self) -> None:
        ssession.put_settings_rows(self.ctx.store, self.after)


# -- the one-line wrappers the pages call ---------------------------------------------------------


def _run(ctx: AppContext, cmd: UndoCommand, *, raise_validation: bool) -> bool:
    """Validation errors go back to the caller (to mark the field) when it asks for them."""
    if raise_validation:
        ctx.call(cmd.first_redo)  # raises ValidationError / ConflictError / DatabaseLocked
        cmd.mark_done()
        ctx.undo_stack.push(cmd)
        ctx.notify(cmd.entities)
        if cmd.done_message:
            ctx.message.emit(cmd.done_message)
        return True
    return ctx.perform(cmd)


def create(ctx: AppContext, kind: str, *, raise_validation: bool = True, **values: Any) -> Any:
    cmd = CreateCommand(ctx, KINDS[kind], values)
    return cmd.obj if _run(ctx, cmd, raise_validation=raise_validation) else None


def edit(ctx: AppContext, kind: str, obj_id: int, *, raise_validation: bool = True, **changes: Any) -> bool:
    return _run(ctx, EditCommand(ctx, KINDS[kind], obj_id, changes), raise_validation=raise_validation)


def delete(ctx: AppContext, kind: str, obj_id: int, label: str = "") -> bool:
    return ctx.perform(DeleteCommand(ctx, KINDS[kind], obj_id, label))


def log_reads(ctx: AppContext, reads: list[dict[str, Any]], *, episode_id: int | None = None,
              new_episode: dict[str, Any] | None = None) -> LogReadsCommand:
    """Log a batch (raises ValidationError for the log screen to show). Returns the done command."""
    cmd = LogReadsCommand(ctx, reads, episode_id=episode_id, new_episode=new_episode)
    _run(ctx, cmd, raise_validation=True)
    return cmd


def edit_read(ctx: AppContext, read_id: int, *, raise_validation: bool = True, **changes: Any) -> bool:
    return _run(ctx, EditReadCommand(ctx, read_id, changes), raise_validation=raise_validation)


def delete_reads(ctx: AppContext, read_ids: list[int]) -> bool:
    return ctx.perform(DeleteReadsCommand(ctx, read_ids))


def update_settings(ctx: AppContext, **values: Any) -> bool:
    return _run(ctx, SettingsCommand(ctx, values), raise_validation=True)
