"""The core (store, services, reports, link checker, importers, CLI) never imports Qt."""

import subprocess
import sys

CORE = [
    "sponsortrack.store", "sponsortrack.store.reads", "sponsortrack.store.migrations", "sponsortrack.services",
    "sponsortrack.services.reads", "sponsortrack.services.campaigns", "sponsortrack.services.demo",
    "sponsortrack.services.dashboard", "sponsortrack.money", "sponsortrack.pricing", "sponsortrack.validation",
    "sponsortrack.cli", "sponsortrack.reports", "sponsortrack.linkcheck", "sponsortrack.importers",
    "sponsortrack.outputs", "sponsortrack.package_data",
]


def test_core_does_not_load_pyside6():
    import pkgutil

    import sponsortrack

    modules = list(CORE)
    for pkg in ("services", "store", "reports", "linkcheck", "importers"):
        path = [str(p) for p in sponsortrack.__path__]
        for info in pkgutil.iter_modules([f"{path[0]}/{pkg}"]):
            modules.append(f"sponsortrack.{pkg}.{info.name}")
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print('QT:' + ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "QT:", out


def test_reads_list_does_not_import_heavy_libraries(tmp_path):
    db = tmp_path / "x.db"
    subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), "demo"], check=True, capture_output=True)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from sponsortrack.cli import main\n"
        f"r = CliRunner().invoke(main, ['--db', {str(db)!r}, 'reads', 'list', '--format', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('PySide6', 'reportlab', 'httpx', 'feedparser', 'numpy') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("HEAVY:"), out
