"""The process entry point: opening the window without loading the command line.

``sponsortrack`` and ``python -m sponsortrack`` with no command, or with ``gui`` and only its own
options, open the desktop window straight away; click and the CLI's command modules (the services
behind them) are not imported — they are a good part of the start-up otherwise. Any other command
line, including ``--help`` and anything this parser does not recognise, goes to the click CLI
unchanged, so the two faces behave the same.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from sponsortrack.paths import default_db_path


def parse_gui_args(argv: list[str]) -> dict[str, str | None] | None:
    """``[--db PATH] [gui [--page NAME]]`` as a dict, or None for anything else (``--screenshot``
    included: it is not start-up critical, and click validates its file argument)."""
    opts: dict[str, str | None] = {"db": None, "page": None}
    args = list(argv)
    i = 0

    def take(name: str) -> bool:
        nonlocal i
        arg = args[i]
        if arg == f"--{name}":
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                return False
            opts[name] = args[i + 1]
            i += 2
            return True
        if arg.startswith(f"--{name}="):
            opts[name] = arg.split("=", 1)[1]
            i += 1
            return True
        return False

    while i < len(args) and args[i] != "gui":
        if not take("db"):
            return None
    if i == len(args):
        return opts
    i += 1  # "gui"
    while i < len(args):
        if not take("page"):
            return None
    return opts


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    opts = parse_gui_args(args)
    if opts is not None and (opts["db"] == "" or opts["page"] == ""):
        opts = None
    if opts is None:
        from sponsortrack.cli import run as cli_run

        cli_run(args=args, prog_name="sponsortrack")  # not "__main__.py" under python -m sponsortrack
        return
    db = opts["db"] or os.environ.get("SPONSORTRACK_DB") or None
    # No cyclic garbage collection while the window is built: the imports (PySide6 builds thousands of
    # enum objects) would trigger several full passes over them. The window turns it back on, with the
    # start-up objects frozen, once its first frame is painted.
    gc.disable()
    # The store first: once PySide6 is loaded, its import hook reads the source of every module it has not
    # seen (to see whether the module uses PySide6); import_pyside tells it about those loaded before it.
    import sponsortrack.store  # noqa: F401

    try:
        from sponsortrack.ui.lazy_qt import import_pyside

        import_pyside()
        from sponsortrack.ui.app import run_gui
    except ImportError as exc:
        print(f"The desktop window is not available: {exc}", file=sys.stderr)
        sys.exit(0)
    explicit = db is not None
    path = Path(db).expanduser() if db else default_db_path()
    sys.exit(run_gui(path, page=opts["page"], explicit_db=explicit))
