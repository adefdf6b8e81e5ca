"""Where sponsortrack keeps its files by default: the producer's database and the demo's.

Its own module so that the command line, the launcher and the window can all ask without importing each
other (``cli`` imported the default path from ``launch``, which imports ``cli`` to run a command: a cycle).
Qt-free, click-free and quick to import (``platformdirs`` is imported when a path is asked for).
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "sponsortrack"


def data_dir() -> Path:
    """The user's data folder for sponsortrack (``platformdirs``; not created here)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """``sponsortrack.db`` in the user's data folder (``--db`` / ``SPONSORTRACK_DB`` point elsewhere)."""
    return data_dir() / "sponsortrack.db"


def demo_db_path() -> Path:
    """``demo.db`` next to the default database: where "Explore the demo network" loads the demo, so it
    never goes into the producer's own file."""
    return default_db_path().with_name("demo.db")
