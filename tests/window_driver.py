"""A real window in its own process, for tests with two processes (``tests/test_two_processes.py``).

    python tests/window_driver.py DB ROUNDS

Builds the main window offscreen on DB and, for each of ROUNDS rounds: shows the next page (its
background workers open their own stores), waits for the workers, prints ``ready N`` and waits for a
line on stdin (the test runs CLI commands meanwhile), then logs one read through the window's own
store and prints ``logged ID NOTE``. At the end it prints ``fds`` lines: what its /proc/self/fd point
at. It never decides anything itself; the test asserts.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the checkout this script lives in, whatever sponsortrack the interpreter has installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    db, rounds = Path(sys.argv[1]), int(sys.argv[2])
    from sponsortrack.services import catalog
    from sponsortrack.services import reads as svc
    from sponsortrack.ui.app import build_window, make_app, make_config, open_store
    from sponsortrack.ui.pages import page_keys

    app = make_app()
    store = open_store(db, True)
    win = build_window(store, make_config())
    win.show()
    keys = page_keys()
    episode = catalog.resolve_episode(store, "Practical AI", "62")
    for i in range(rounds):
        win.show_page(keys[i % len(keys)])
        for _ in range(3):
            app.processEvents()
            win.ctx.tasks.wait(60_000)
        print(f"ready {i}", flush=True)
        if not sys.stdin.readline():
            break
        note = f"window-{i}"
        rid = win.ctx.call(svc.log_read, store, episode.id, sponsor="DigitalOcean", placement="post", notes=note)
        app.processEvents()
        print(f"logged {rid} {note}", flush=True)
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        with contextlib.suppress(OSError):
            print(f"fd {fd} {os.readlink(f'/proc/self/fd/{fd}')}", flush=True)
    print("done", flush=True)
    win.ctx.tasks.wait(60_000)
    win.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
