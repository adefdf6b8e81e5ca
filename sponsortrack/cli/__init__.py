"""The command line: the second face over the same services as the window.

Feature modules (``core``, and those beside it) each define a ``register(main)`` function that adds
their commands to the ``main`` group; ``FEATURES`` lists them. Keep heavy imports (PySide6,
reportlab, httpx, feedparser) inside the command functions so ``sponsortrack reads list`` starts fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from sponsortrack import __version__
from sponsortrack.errors import DatabaseError, SponsortrackError
from sponsortrack.launch import default_db_path

FEATURES = ["core", "invoicing"]
FEATURES.append("imports")  # import shownotes|rss|csv|downloads, reconcile
FEATURES.append("links")  # check-urls, link-report

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class AppContext:
    """What every command gets: the database path, opened lazily on first use."""

    def __init__(self, db_path: str | None):
        self.explicit = db_path is not None
        self.db_path = Path(db_path).expanduser() if db_path else default_db_path()
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from sponsortrack.store import Store

            if not self.explicit:
                self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class Main(click.Group):
    """Turns every domain error into one line on stderr and a clean exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILURE)
        except SponsortrackError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except OSError as exc:
            click.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "), err=True)
            sys.exit(EXIT_FAILURE)


@click.group(cls=Main, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", envvar="SPONSORTRACK_DB", type=click.Path(dir_okay=False),
              help="Database file (default: sponsortrack.db in your user data folder; env SPONSORTRACK_DB).")
@click.version_option(__version__, prog_name="sponsortrack")
@click.pass_context
def main(ctx: click.Context, db_path: str | None) -> None:
    """sponsortrack: log host-read sponsor spots, invoice sponsors, prove what aired, check promo links.

    Run without a command to open the desktop window.
    """
    app = AppContext(db_path)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(main.commands["gui"])


def _register_features() -> None:
    for name in FEATURES:
        module = importlib.import_module(f"sponsortrack.cli.{name}")
        module.register(main)


_register_features()


def run() -> None:  # pragma: no cover - console entry
    main(prog_name=os.path.basename(sys.argv[0]) or "sponsortrack")
