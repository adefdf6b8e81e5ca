"""Where the files shipped inside the package live (fonts, icons, the desktop entry, the demo's notes).

They are real files under ``sponsortrack/assets/`` and ``sponsortrack/demo/`` — package data in
``pyproject.toml``, so a wheel, ``pip install .`` and an editable install all find them beside this
module. No symbolic links (a Windows checkout has none) and no top-level folder to fall back on.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
DEMO_DIR = PACKAGE_DIR / "demo"

# Every file the app reads at run time: tests/test_wheel_install.py checks the built wheel holds each.
RUNTIME_FILES = (
    "assets/sponsortrack-64.png",
    "assets/sponsortrack-256.png",
    "assets/toolbar-light.png",  # the toolbar's glyphs drawn in advance (ui.icons)
    "assets/toolbar-dark.png",
    "assets/sponsortrack.svg",
    "assets/sponsortrack.desktop",
    "assets/fonts/DejaVuSans.ttf",
    "assets/fonts/DejaVuSans-Bold.ttf",
    "assets/fonts/DroidSansFallbackFull.ttf",
    "assets/fonts/LICENSE-DejaVu.txt",
    "assets/fonts/LICENSE-DroidSansFallback.txt",
    "assets/fonts/Apache-2.0.txt",
    "assets/fonts/README.md",
    # the script faces of reports.fonts (text set per character run) and their licences
    *(f"assets/fonts/ST{script}.ttf" for script in (
        "Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu", "Kannada",
        "Malayalam", "Sinhala", "Thai", "Lao", "Myanmar", "Khmer", "Armenian", "Georgian", "Ethiopic", "Hangul",
        "Emoji")),
    "assets/fonts/OFL-1.1.txt",
    "assets/fonts/LICENSE-Noto.txt",
    "assets/fonts/LICENSE-Nanum.txt",
    "assets/fonts/LICENSE-Symbola.txt",
    "demo/practical_ai_blacklist_2019.txt",
)


def asset(name: str) -> Path | None:
    """A file of ``sponsortrack/assets/`` (``"fonts/DejaVuSans.ttf"``), or None when it is missing."""
    path = ASSETS_DIR / name
    return path if path.is_file() else None
