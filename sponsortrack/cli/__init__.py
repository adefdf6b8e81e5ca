"""The command line: the second face over the same services as the window.

Feature modules (``core``, and those beside it) each define a ``register(main)`` function that adds
their commands to the ``main`` group; ``FEATURES`` lists them. Keep heavy imports (PySide6,
reportlab, httpx, feedparser) inside the command functions so ``sponsortrack reads list`` starts fast.
"""

from __future__ import annotations

import functools
import importlib
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sponsortrack import __version__
from sponsortrack.errors import DatabaseError, SponsortrackError, ValidationError

if TYPE_CHECKING:
    from sponsortrack.store import Store
from sponsortrack.paths import default_db_path

FEATURES = ["core", "shows", "episodes", "sponsors", "campaigns", "reads", "invoicing"]
FEATURES.append("imports")  # import shownotes|rss|csv|downloads, reconcile
FEATURES.append("links")  # check-urls, link-report
FEATURES.append("aliases")  # sponsors alias add|remove|list (attached to the sponsors group)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away

LOCK_TIMEOUT_ENV = "SPONSORTRACK_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 60.0
WAIT_NOTICE = "waiting for the database… (another program is writing to it)"

#: Commands that only read the database: given a ``--db`` that does not exist they say so and leave no file
#: behind (the commands that write, and ``demo``, create it).
READ_ONLY = frozenset({
    "agencies list", "backup", "campaigns list", "campaigns pacing", "episodes list", "export csv",
    "invoice list", "invoice pdf", "invoice show", "link-report", "reads history", "reads list", "reconcile",
    "report monthly", "report packet", "settings show", "shows list", "sponsors alias list", "sponsors list",
})


def lock_timeout_s() -> float:
    """How long a command waits for another program's write lock: ``$SPONSORTRACK_LOCK_TIMEOUT`` seconds,
    else :data:`DEFAULT_LOCK_TIMEOUT_S`."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        raise SponsortrackError(f"{LOCK_TIMEOUT_ENV}: {raw!r} is not a number of seconds") from None
    if not 0 <= value <= 24 * 3600:
        raise SponsortrackError(f"{LOCK_TIMEOUT_ENV}: must be between 0 and 86400 seconds")
    return value


class AppContext:
    """What every command gets: the database path, opened lazily on first use."""

    def __init__(self, db_path: str | None):
        self.explicit = db_path is not None
        self.db_path = Path(db_path).expanduser() if db_path else default_db_path()
        #: set by a read-only command: a database given that does not exist is an error, not a new file
        self.must_exist = False
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from sponsortrack.store import Store

            if self.must_exist and self.explicit and not self.db_path.exists():
                from sponsortrack.errors import NotFoundError

                raise NotFoundError("db", f"no database at {self.db_path} (a command that only reads never "
                                          "creates one)")
            if not self.explicit:
                self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._store = Store(self.db_path, busy_timeout_ms=int(lock_timeout_s() * 1000),
                                on_wait=lambda: click.echo(WAIT_NOTICE, err=True))
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def quiet_broken_pipe() -> None:
    """The reader of stdout went away (``| head``): nothing more can be said there, and Python's final
    flush must not complain about it either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class OneLineUsageError(click.UsageError):
    """A usage error said in one line on stderr (``Error: --month: ...``), not click's usage block; exit 2."""

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}", err=True)


#: what click >= 8.2 raises for a group run without its command (it shows the group's help); 8.1 just prints it
_NO_ARGS_IS_HELP: type[click.UsageError] = getattr(click.exceptions, "NoArgsIsHelpError", OneLineUsageError)


def one_line(exc: click.UsageError) -> click.UsageError:
    """``exc`` as one line: a bad value names its option or argument first (``--limit: 0 is not in the range
    x>=1``); a missing one, an unknown option or command keeps click's own sentence."""
    if isinstance(exc, OneLineUsageError | _NO_ARGS_IS_HELP):  # a group without its command shows its help
        return exc
    param = getattr(exc, "param", None)
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and param is not None:
        name = max(param.opts, key=len) if isinstance(param, click.Option) else param.human_readable_name
        message = f"{name}: {exc.message}"
    else:
        message = exc.format_message()
    return OneLineUsageError(" ".join(message.split()), exc.ctx)


class Main(click.Group):
    """Turns every domain error into one line on stderr and a clean exit code, and usage errors too."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise one_line(exc) from exc

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise one_line(exc) from exc
        except BrokenPipeError:
            quiet_broken_pipe()
            sys.exit(EXIT_BROKEN_PIPE)
        except DatabaseError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILURE)
        except SponsortrackError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except sqlite3.Error as exc:
            self._database_error(ctx, exc)
        except UnicodeDecodeError as exc:
            from sponsortrack.errors import raised_by_the_database

            if not raised_by_the_database(exc):
                raise
            self._database_error(ctx, exc)
        except OSError as exc:
            click.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}".replace(": : ", ": "), err=True)
            sys.exit(EXIT_FAILURE)

    @staticmethod
    def _database_error(ctx: click.Context, exc: BaseException) -> None:
        from sponsortrack.errors import explain, is_busy

        app = ctx.obj
        path = app.db_path if isinstance(app, AppContext) else "file"
        waited = lock_timeout_s() if is_busy(exc) else None
        click.echo(f"error: {explain(path, exc, waited_s=waited)}", err=True)
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
    if db_path == "":  # `--db "$DB"` with DB unset: not the default database behind the user's back
        raise ValidationError("db", "is empty; give a database file, or leave --db out for the default one")
    app = AppContext(db_path)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(main.commands["gui"])


def _shown(value: str) -> str:
    """A command-line value that is not valid UTF-8, with its bad bytes spelled out (``\\xff``)."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def check_text_params(ctx: click.Context) -> None:
    """Refuse a text argument that is not valid UTF-8 (Python hands such bytes over as lone surrogates,
    which no database or terminal accepts). File paths may be any bytes the system allows."""
    for param in ctx.command.params:
        if isinstance(param.type, click.Path | click.File):
            continue
        value = ctx.params.get(param.name or "")
        for v in value if isinstance(value, tuple | list) else (value,):
            if not isinstance(v, str):
                continue
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                name = max(param.opts, key=len) if isinstance(param, click.Option) else (param.name or "argument")
                raise ValidationError(name, f"'{_shown(v)}' is not valid UTF-8 text") from None


def _checking_text(cmd: click.Command) -> None:
    callback = cmd.callback
    if callback is not None and not getattr(callback, "_checks_text", False):
        @functools.wraps(callback)
        def checked(*args, **kwargs):
            check_text_params(click.get_current_context())
            return callback(*args, **kwargs)

        checked._checks_text = True  # type: ignore[attr-defined]
        cmd.callback = checked
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _checking_text(sub)


def _reading_only(cmd: click.Command, path: str) -> None:
    """Mark the ``READ_ONLY`` commands: their database must exist before they open it."""
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            _reading_only(sub, f"{path} {name}".strip())
        return
    callback = cmd.callback
    if path in READ_ONLY and callback is not None:
        @functools.wraps(callback)
        def reading(*args, **kwargs):
            click.get_current_context().find_root().obj.must_exist = True
            return callback(*args, **kwargs)

        cmd.callback = reading


def _register_features() -> None:
    for name in FEATURES:
        module = importlib.import_module(f"sponsortrack.cli.{name}")
        module.register(main)
    _checking_text(main)
    _reading_only(main, "")


_register_features()


def run(args: list[str] | None = None, prog_name: str | None = None) -> None:
    """The command line as a process entry point: ``main`` plus a quiet exit when stdout's reader has
    gone away (``sponsortrack reads list | head``), even at the final flush."""
    try:
        try:
            main(args=args, prog_name=prog_name or "sponsortrack")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        quiet_broken_pipe()
        sys.exit(EXIT_BROKEN_PIPE)
