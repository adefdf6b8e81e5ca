"""Undoable operations: each one runs a service operation, then lets the pages know what changed.

The GUI's only door for writes. One small function per use case (Anki's ``aqt/operations``):
``create(ctx, "sponsor", name=...)``, ``edit(ctx, "campaign", 3, rate="900")``, ``delete(ctx, ...)``,
``log_reads(ctx, ...)``, ``delete_reads(ctx, ids)``, ``update_settings(ctx, ...)``. Each returns
True when done (and pushed on the undo stack) or False when refused (the error was reported).
Validation errors are raised to the caller instead, so a dialog can show them next to the field.

The commands hold no row copies of their own: the service operation (``services/undo.py``) returns
the change it recorded, and undo and redo hand that change back to ``services.undo``, which puts it
back through the services' rules or refuses (a read billed since, a row edited elsewhere). How the
stack treats a refused undo is said in ``UndoCommand`` (``ui/context.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sponsortrack.services import undo as usvc
from sponsortrack.ui import context as c
from sponsortrack.ui.context import AppContext, UndoCommand
from sponsortrack.wording import count


@dataclass(frozen=True)
class Kind:
    """One kind of record the window edits, and the pages its changes concern."""

    name: str
    entities: frozenset[str]

    def label(self, obj: Any) -> str:
        return usvc.KINDS[self.name].label(obj)


KINDS: dict[str, Kind] = {
    "show": Kind("show", frozenset({c.SHOWS, c.EPISODES, c.READS})),
    "episode": Kind("episode", frozenset({c.EPISODES, c.READS})),
    "sponsor": Kind("sponsor", frozenset({c.SPONSORS, c.READS, c.CAMPAIGNS})),
    "agency": Kind("agency", frozenset({c.AGENCIES, c.SPONSORS, c.CAMPAIGNS})),
    "campaign": Kind("campaign", frozenset({c.CAMPAIGNS, c.READS})),
}


class OperationCommand(UndoCommand):
    """A service operation on the undo stack: ``run`` does it once; undo and redo replay its change."""

    change: usvc.Change | None = None

    def run(self) -> Any:
        """Do the operation through ``services.undo``; set the texts; return its value."""
        raise NotImplementedError

    def do(self) -> None:
        self.run()

    def keep(self, done: usvc.Done[Any]) -> Any:
        self.change = done.change
        return done.value

    def undo_do(self) -> None:
        assert self.change is not None
        usvc.undo(self.ctx.store, self.change)

    def redo_do(self) -> None:
        assert self.change is not None
        usvc.redo(self.ctx.store, self.change)


class CreateCommand(OperationCommand):
    def __init__(self, ctx: AppContext, kind: Kind, values: dict[str, Any]):
        super().__init__(ctx, f"Add {kind.name}")
        self.kind, self.values = kind, values
        self.entities = kind.entities
        self.obj: Any = None

    def run(self) -> None:
        self.obj = self.keep(usvc.create(self.ctx.store, self.kind.name, **self.values))
        self.setText(f"Add {self.kind.name} {self.kind.label(self.obj)}")
        self.done_message = f"Added {self.kind.name} {self.kind.label(self.obj)}."


class EditCommand(OperationCommand):
    def __init__(self, ctx: AppContext, kind: Kind, obj_id: int, changes: dict[str, Any]):
        super().__init__(ctx, f"Edit {kind.name}")
        self.kind, self.obj_id, self.changes = kind, obj_id, changes
        self.entities = kind.entities

    def run(self) -> None:
        obj = self.keep(usvc.edit(self.ctx.store, self.kind.name, self.obj_id, **self.changes))
        self.setText(f"Edit {self.kind.name} {self.kind.label(obj)}")
        self.done_message = f"Saved {self.kind.name} {self.kind.label(obj)}."


class DeleteCommand(OperationCommand):
    def __init__(self, ctx: AppContext, kind: Kind, obj_id: int, label: str = ""):
        super().__init__(ctx, f"Delete {kind.name} {label}".strip())
        self.kind, self.obj_id = kind, obj_id
        self.entities = kind.entities
        self.done_message = f"Deleted {kind.name} {label}.".replace(" .", ".")

    def run(self) -> None:
        self.keep(usvc.delete(self.ctx.store, self.kind.name, self.obj_id))


class LogReadsCommand(OperationCommand):
    """Log a batch of reads on an episode — optionally creating the episode first — as one undo step."""

    entities = frozenset({c.READS, c.EPISODES, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, reads: list[dict[str, Any]], *, episode_id: int | None = None,
                 new_episode: dict[str, Any] | None = None):
        super().__init__(ctx, f"Log {count(len(reads), 'read')}")
        self.reads = reads
        self.episode_id = episode_id
        self.new_episode = new_episode
        self.ids: list[int] = []

    def run(self) -> None:
        logged = self.keep(usvc.log_reads(self.ctx.store, self.reads, episode_id=self.episode_id,
                                          new_episode=self.new_episode))
        ep, self.ids, self.episode_id = logged.episode, logged.read_ids, logged.episode.id
        n = len(self.ids)
        what = f"{n} read{'s' if n != 1 else ''}"
        self.setText(f"Log {what} on {ep.show_name} {ep.label}")
        self.done_message = f"Logged {what} on {ep.show_name} {ep.label}."


class EditReadCommand(OperationCommand):
    entities = frozenset({c.READS, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, read_id: int, changes: dict[str, Any]):
        super().__init__(ctx, f"Edit read {read_id}")
        self.read_id, self.changes = read_id, changes

    def run(self) -> None:
        row = self.keep(usvc.edit_read(self.ctx.store, self.read_id, **self.changes))
        self.setText(f"Edit {row.sponsor_name} read on {row.show_name} {row.episode_code}")
        self.done_message = "Saved the read."


class DeleteReadsCommand(OperationCommand):
    entities = frozenset({c.READS, c.EPISODES, c.CAMPAIGNS})

    def __init__(self, ctx: AppContext, read_ids: list[int]):
        n = len(read_ids)
        super().__init__(ctx, f"Delete {n} read{'s' if n != 1 else ''}")
        self.read_ids = list(read_ids)
        self.done_message = f"Deleted {n} read{'s' if n != 1 else ''}."

    def run(self) -> None:
        self.keep(usvc.delete_reads(self.ctx.store, self.read_ids))


class SettingsCommand(OperationCommand):
    entities = frozenset({c.SETTINGS})

    def __init__(self, ctx: AppContext, values: dict[str, Any]):
        super().__init__(ctx, "Edit business settings")
        self.values = values
        self.done_message = "Saved the business settings."

    def run(self) -> None:
        self.keep(usvc.update_settings(self.ctx.store, **self.values))


# -- the one-line wrappers the pages call ---------------------------------------------------------


def _run(ctx: AppContext, cmd: UndoCommand, *, raise_validation: bool) -> bool:
    """Validation errors go back to the caller (to mark the field) when it asks for them."""
    return ctx.perform(cmd, raise_errors=raise_validation)  # ValidationError / ConflictError / DatabaseLocked


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
