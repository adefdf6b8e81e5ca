"""The window's settings on this computer (QSettings), each declared once with its key, type and default.

Picard's ``picard/options.py`` pattern: ``theme = TextOption("preferences", "theme", "system", ...)`` is the
only place that names the key; reading ``config.theme`` parses the stored value (a wrong type or a value
out of range gives the default, never a traceback) and ``config.theme = "dark"`` writes it. A key no code
reads is then visible at its declaration (``tests/test_ui_config.py`` checks that every declared option is
read somewhere) — the old write-only ``state/last_page`` and ``state/recent_databases`` are what this
prevents.

Business settings that travel with the data live in the database (``services/settings.py``), not here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

ORG = "sponsortrack"
APP = "sponsortrack"

T = TypeVar("T")


class Option(Generic[T]):
    """One setting: ``section/name``, its default and how a stored value is read back.

    A class attribute of :class:`Config`; QSettings hands values back as strings, numbers, lists or bytes
    depending on the backend, so :meth:`parse` accepts what it can and returns ``None`` for the rest."""

    def __init__(self, section: str, name: str, default: T | Callable[[], T]):
        self.key = f"{section}/{name}"
        self._default = default

    @property
    def default(self) -> T:
        d = self._default
        return d() if callable(d) else d

    def parse(self, raw: Any) -> T | None:
        """The stored value as this option's type, or None when it is not one."""
        raise NotImplementedError

    def to_stored(self, value: T) -> Any:
        return value

    def read(self, qs: QSettings) -> T:
        raw = qs.value(self.key)
        if raw is None:
            return self.default
        value = self.parse(raw)
        return self.default if value is None else value

    def write(self, qs: QSettings, value: T) -> None:
        qs.setValue(self.key, self.to_stored(value))

    @overload
    def __get__(self, cfg: None, owner: type) -> Option[T]: ...
    @overload
    def __get__(self, cfg: Config, owner: type) -> T: ...
    def __get__(self, cfg: Config | None, owner: type) -> Option[T] | T:
        return self if cfg is None else self.read(cfg.qs)

    def __set__(self, cfg: Config, value: T) -> None:
        self.write(cfg.qs, value)


class TextOption(Option[str]):
    def __init__(self, section: str, name: str, default: str, choices: tuple[str, ...] = ()):
        super().__init__(section, name, default)
        self.choices = choices

    def parse(self, raw: Any) -> str | None:
        if not isinstance(raw, str) or (self.choices and raw not in self.choices):
            return None
        return raw


class IntOption(Option[int]):
    def __init__(self, section: str, name: str, default: int, lo: int, hi: int):
        super().__init__(section, name, default)
        self.lo, self.hi = lo, hi

    def parse(self, raw: Any) -> int | None:
        try:
            v = int(raw)
        except (TypeError, ValueError):
            return None
        return v if self.lo <= v <= self.hi else None

    def to_stored(self, value: int) -> Any:
        return int(value)


class BoolOption(Option[bool]):
    def parse(self, raw: Any) -> bool | None:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        return True if text in ("true", "1") else False if text in ("false", "0") else None

    def to_stored(self, value: bool) -> Any:
        return "true" if value else "false"


class OptionalIntOption(Option["int | None"]):
    """An id or nothing (``None`` is the default)."""

    def __init__(self, section: str, name: str):
        super().__init__(section, name, None)

    def parse(self, raw: Any) -> int | None:
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None


class BytesOption(Option["QByteArray | None"]):
    """Saved window geometry and state (``None``: never saved, or not bytes)."""

    def __init__(self, section: str, name: str):
        super().__init__(section, name, None)

    def parse(self, raw: Any) -> QByteArray | None:
        return raw if isinstance(raw, QByteArray) else None


class OptionFamily:
    """Keys that share a section and a type, one per purpose (``folders/export``, ``folders/import`` ...)."""

    def __init__(self, section: str):
        self.section = section

    def key(self, name: str) -> str:
        return f"{self.section}/{name}"


def _auto_recheck_default() -> bool:
    """Until the producer chooses in Preferences, ``$SPONSORTRACK_AUTO_RECHECK`` (``0``: off) gives the
    default; the test suite sets it so that no window a test opens ever checks a real link by itself."""
    return os.environ.get("SPONSORTRACK_AUTO_RECHECK", "1").strip() not in ("0", "off", "no")


class Config:
    """``Config()`` uses the user's settings; tests pass ``Config(path)`` (an INI file in a temp dir)."""

    # -- preferences (what the user chose) --------------------------------------------------
    theme = TextOption("preferences", "theme", "system", choices=("system", "light", "dark"))
    # link checks: politeness and speed are this computer's (its network), so they live here
    link_per_host = IntOption("preferences", "link_per_host", 10, 1, 64)  # lychee's default is 10
    link_concurrency = IntOption("preferences", "link_concurrency", 32, 1, 256)
    link_keep_history = IntOption("preferences", "link_keep_history", 50, 1, 100_000)  # + every verdict change
    link_auto_recheck = BoolOption("preferences", "link_auto_recheck", _auto_recheck_default)

    # -- persisted state (what the window remembers) ----------------------------------------
    geometry_state = BytesOption("state", "geometry")
    window_layout = BytesOption("state", "window_state")
    show_id = OptionalIntOption("state", "last_show_id")
    system_dark = BoolOption("state", "system_dark", False)  # the desktop's scheme at the last start (ui.theme)
    folders = OptionFamily("folders")

    def __init__(self, path: str | None = None):
        if path is None:
            self.qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)
        else:
            self.qs = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def options(cls) -> dict[str, Option[Any]]:
        """Every declared option by attribute name."""
        return {name: v for name, v in vars(cls).items() if isinstance(v, Option)}

    # -- the window's state, under the names the pages use ----------------------------------
    def geometry(self) -> QByteArray | None:
        return self.geometry_state

    def set_geometry(self, value: QByteArray) -> None:
        self.geometry_state = value

    def window_state(self) -> QByteArray | None:
        return self.window_layout

    def set_window_state(self, value: QByteArray) -> None:
        self.window_layout = value

    def last_folder(self, purpose: str, default: str = "") -> str:
        """The folder last used for a kind of file dialog (``database``, ``export``, ``import`` ...)."""
        raw = self.qs.value(self.folders.key(purpose))
        return raw if isinstance(raw, str) and raw else default

    def set_last_folder(self, purpose: str, folder: str) -> None:
        self.qs.setValue(self.folders.key(purpose), str(folder))

    def last_show_id(self) -> int | None:
        return self.show_id

    def set_last_show_id(self, show_id: int) -> None:
        self.show_id = int(show_id)

    def sync(self) -> None:
        self.qs.sync()
