"""The app as `pip install .` gives it: a wheel built from a clean copy of the source holds every file the app
reads at run time, and, installed from that wheel (a real `pip install`, in a subprocess, away from the source
tree), `demo`, `reads list`, a PDF report and `gui --screenshot` work (issue 9, item 5).

Offline: the wheel is built without build isolation (setuptools comes with the `test` extra) and installed
with `--no-deps` into a folder; its dependencies are this environment's. `.ci/run` does the full version:
a fresh venv with the dependencies from the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from sponsortrack.package_data import RUNTIME_FILES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sponsortrack"
SOURCE = ["pyproject.toml", "README.md", "MANIFEST.in", "sponsortrack"]


def _clean_copy(dest: Path) -> Path:
    """The files a checkout has (no build/, egg-info or __pycache__ whose stale files could hide a gap)."""
    dest.mkdir()
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def _pip(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    try:
        import setuptools
    except ImportError:  # pragma: no cover - the test extra brings it
        pytest.fail("setuptools is missing: pip install -e '.[test]'")
    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    assert (major, minor) >= (77, 0), f"setuptools {setuptools.__version__} is too old: pip install -e '.[test]'"
    work = tmp_path_factory.mktemp("wheel")
    src = _clean_copy(work / "src")
    proc = _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(work / "dist"),
                str(src), cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [whl] = (work / "dist").glob("sponsortrack-*.whl")
    return whl


def test_the_wheel_holds_every_runtime_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in RUNTIME_FILES if f"sponsortrack/{f}" not in names]
    assert missing == []
    # and every data file of the source package, so a new one cannot be forgotten in pyproject.toml
    data = sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)
    assert [d for d in data if d not in names] == []
    for f in RUNTIME_FILES:
        assert (PACKAGE / f).is_file(), f  # the list names real files


def test_the_source_distribution_holds_every_runtime_file(tmp_path):
    """`pip install sponsortrack` from an sdist builds the wheel from it: MANIFEST.in must carry the data too."""
    src = _clean_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                           "print(b.build_sdist(sys.argv[1]))", str(tmp_path / "dist")],
                          cwd=src, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(tmp_path / "dist" / proc.stdout.strip().splitlines()[-1]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert [f for f in RUNTIME_FILES if f"sponsortrack/{f}" not in names] == []


def test_no_symbolic_links_and_assets_live_in_the_package():
    """A Windows checkout has no symlinks; the top-level assets/ only points to sponsortrack/assets/."""
    proc = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode == 0:
        links = [line.split("\t", 1)[1] for line in proc.stdout.splitlines() if line.startswith("120000 ")]
    else:  # not a git checkout: look at the files
        links = [str(p) for p in ROOT.rglob("*") if p.is_symlink() and ".git" not in p.parts]
    assert links == []
    stray = [p.name for p in (ROOT / "assets").iterdir() if p.name != "README.md"] if (ROOT / "assets").exists() else []
    assert stray == [], "run-time files belong in sponsortrack/assets/ (package data), see assets/README.md"


def test_installed_from_the_wheel_the_app_runs(wheel, tmp_path):
    site = tmp_path / "site"
    proc = _pip("install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run_dir = tmp_path / "elsewhere"  # not the source tree: nothing can be found there by accident
    run_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPONSORTRACK_")}
    env.update(PYTHONPATH=str(site), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_DATA_HOME=str(tmp_path / "home" / "data"), XDG_CONFIG_HOME=str(tmp_path / "home" / "config"))
    db = tmp_path / "x.db"

    def app(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db), *args], cwd=run_dir,
                              env=env, capture_output=True, text=True, timeout=180)

    where = subprocess.run([sys.executable, "-c", "import sponsortrack; print(sponsortrack.__file__)"],
                           cwd=run_dir, env=env, capture_output=True, text=True)
    assert Path(where.stdout.strip()).parent == site / "sponsortrack", where.stdout + where.stderr

    demo = app("demo")
    assert demo.returncode == 0, demo.stderr
    reads = app("reads", "list", "--month", "2019-10")
    assert reads.returncode == 0 and "DigitalOcean" in reads.stdout, reads.stderr
    pdf = tmp_path / "network.pdf"
    report = app("report", "monthly", "--month", "2019-10", "-o", str(pdf))  # the bundled fonts
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    png = tmp_path / "window.png"
    shot = app("gui", "--screenshot", str(png))
    assert shot.returncode == 0, shot.stderr
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
