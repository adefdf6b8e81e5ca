"""Errors every face of the app turns into one clear line."""

from __future__ import annotations


class SponsortrackError(Exception):
    """Base class: the message is meant for the producer, one line."""


class ValidationError(SponsortrackError, ValueError):
    """Bad input for one field. ``str()`` gives ``field: problem``."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class NotFoundError(SponsortrackError, LookupError):
    """An entity named by the user does not exist."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class ConflictError(SponsortrackError):
    """The change is refused because of the state of the data (duplicate, locked, in use)."""


class DatabaseError(SponsortrackError):
    """The database file cannot be used (not SQLite, corrupt, read-only, locked)."""
