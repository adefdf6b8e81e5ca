"""History at scale: what the window's thread spends on the History of N reads, and when the rows are there.

Opens the real main window (offscreen) on a database of ``bench/make_big_db.py`` (built once into ``--dir``)
and measures, on the GUI thread: opening History (and how many first-page queries it sent), the time until
the worker has listed every id (the total shown, Ctrl+End possible), Ctrl+End to the last row, the scroll
bar dragged to the middle, a sort by sponsor (GUI thread, then the rows ready), a rare and a common search
keystroke; then the rows held in memory after scrolling through, and peak RSS. Each figure is the median of
``--runs``. The part of ``bench/scale.py`` about History, with the figures the sparse model adds.

    python bench/history_scale.py [--dir /tmp/sponsortrack-scale] [--sizes 100k,1m] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {"10k": ["--weeks", "52"], "100k": [], "1m": ["--scale", "10"], "dense": ["--dense"]}
RARE, COMMON = "POD297", "podcast"


def database(directory: Path, key: str) -> Path:
    path = directory / f"{key}.db"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_big_db.py"), "-o", str(path), *SIZES[key]],
                       check=True)
    return path


def probe(db: Path, runs: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from sponsortrack.store import Store
    from sponsortrack.ui.config import Config
    from sponsortrack.ui.context import AppContext
    from sponsortrack.ui.mainwindow import MainWindow
    from sponsortrack.ui.models.reads import COL

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = Path(tempfile.mkdtemp()) / "settings.ini"
    store = Store(db)
    ctx = AppContext(store, Config(str(settings)))
    win = MainWindow(ctx)
    win.resize(1280, 720)
    win.show()
    app.processEvents()

    def gui(fn) -> float:
        t0 = time.perf_counter()
        fn()
        app.processEvents()
        return time.perf_counter() - t0

    def until(cond, timeout=600.0) -> float:
        t0 = time.perf_counter()
        while not cond():
            app.processEvents()
            time.sleep(0.001)
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("timed out")
        return time.perf_counter() - t0

    figures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    queries: list[str] = []
    store.conn.set_trace_callback(lambda s: queries.append(s) if s.startswith("SELECT r.id FROM") else None)
    add("open_gui", gui(lambda: win.show_page("history")))
    store.conn.set_trace_callback(None)
    first_page_queries = len([q for q in queries if "LIMIT" in q])
    page = win.pages["history"]
    model, view = page.model, page.view
    add("ids_ready", figures["open_gui"][0] + until(lambda: model.known_total is not None))

    def key(k, mods=Qt.KeyboardModifier.NoModifier) -> None:
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(view, QKeyEvent(kind, k, mods))
        view.grab()  # painted: the rows in view are read

    bar = view.verticalScrollBar()
    for _ in range(runs):
        add("paint_gui", gui(view.grab))  # the reference: one paint of the view, nothing read
        add("ctrl_end_gui", gui(lambda: key(Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)))
        add("ctrl_home_gui", gui(lambda: key(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)))

        def middle() -> None:
            bar.setValue(bar.maximum() // 2)
            view.grab()
        add("scroll_middle_gui", gui(middle))
        bar.setValue(0)
        add("sort_gui", gui(lambda: view.sortByColumn(COL["sponsor"], Qt.SortOrder.AscendingOrder)))
        add("sort_ready", figures["sort_gui"][-1] + until(lambda: not model.sorting and model.known_total))
        gui(lambda: view.sortByColumn(COL["air_date"], Qt.SortOrder.DescendingOrder))
        until(lambda: not model.sorting and model.known_total is not None)
        for name, word in (("search_rare", RARE), ("search_common", COMMON)):
            page.search.blockSignals(True)
            page.search.setText(word)
            page.search.blockSignals(False)
            add(f"{name}_gui", gui(lambda: page.apply_filters(typing=True)))
            add(f"{name}_total", figures[f"{name}_gui"][-1]
                + until(lambda: not model.sorting and (model.known_total is not None or model.exhausted)))
        page.clear_filters()
        until(lambda: model.known_total is not None)
    cached = 0
    for step in range(101):  # scrolled through: the rows kept stay bounded
        bar.setValue(bar.maximum() * step // 100)
        view.grab()
        cached = max(cached, model.cached_rows)
    out = {k: statistics.median(v) for k, v in figures.items()}
    out.update(reads=model.rowCount(), first_page_queries=first_page_queries, max_cached_rows=cached,
               rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ctx.tasks.wait(60_000)
    win.close()
    store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "sponsortrack-scale")
    ap.add_argument("--sizes", default="100k,1m")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe, args.runs)))
        return 0
    keys = [k.strip() for k in args.sizes.split(",") if k.strip()]
    results = {}
    for k in keys:
        db = database(args.dir, k)
        proc = subprocess.run([sys.executable, __file__, "--probe", str(db), "--runs", str(args.runs)],
                              check=True, capture_output=True, text=True)
        results[k] = json.loads(proc.stdout.strip().splitlines()[-1])
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    rows = [("reads", lambda r: f"{r['reads']:,}"), ("open History (GUI thread)", lambda r: ms(r["open_gui"])),
            ("first-page queries on open", lambda r: str(r["first_page_queries"])),
            ("every id listed (total shown)", lambda r: ms(r["ids_ready"])),
            ("one paint of the view (the reference in the rows below)", lambda r: ms(r["paint_gui"])),
            ("Ctrl+End to the last row and paint (GUI thread)", lambda r: ms(r["ctrl_end_gui"])),
            ("Ctrl+Home and paint (GUI thread)", lambda r: ms(r["ctrl_home_gui"])),
            ("scroll bar to the middle and paint (GUI thread)", lambda r: ms(r["scroll_middle_gui"])),
            ("sort by sponsor: GUI thread / rows ready", lambda r: f"{ms(r['sort_gui'])} / {ms(r['sort_ready'])}"),
            ("search rare: keystroke / total", lambda r: f"{ms(r['search_rare_gui'])} / {ms(r['search_rare_total'])}"),
            ("search common: keystroke / total",
             lambda r: f"{ms(r['search_common_gui'])} / {ms(r['search_common_total'])}"),
            ("rows in memory after scrolling through", lambda r: f"{r['max_cached_rows']:,}"),
            ("peak RSS", lambda r: f"{r['rss_mb']:.0f} MB")]
    print("| History | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for title, fmt in rows:
        print(f"| {title} | " + " | ".join(fmt(results[k]) for k in keys) + " |")
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
