"""Rebuild the bundled script fonts in sponsortrack/assets/fonts from Debian's font packages (run by hand).

    apt-get download fonts-noto-core fonts-nanum fonts-symbola && for f in *.deb; do dpkg-deb -x "$f" x; done
    python tools/subset_fonts.py x/usr/share/fonts/truetype

Each font is cut with fontTools' subsetter to the blocks of its script (layout tables kept, so harfbuzz can
still shape Indic scripts) and saved under a name of our own: the OFL lets a modified font be shipped only
under a name that is not a Reserved Font Name (Nanum has reserved names; Noto has none).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

COMMON = [(0x20, 0x20), (0xA0, 0xA0), (0x200C, 0x200F), (0x25CC, 0x25CC), (0x2010, 0x2011)]
# out name: (source file, ranges)
FONTS = {
    "STArabic": ("noto/NotoSansArabic-Regular.ttf", [(0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF),
                                                      (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]),
    "STHebrew": ("noto/NotoSansHebrew-Regular.ttf", [(0x590, 0x5FF), (0xFB1D, 0xFB4F)]),
    "STDevanagari": ("noto/NotoSansDevanagari-Regular.ttf", [(0x900, 0x97F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)]),
    "STBengali": ("noto/NotoSansBengali-Regular.ttf", [(0x980, 0x9FF)]),
    "STGurmukhi": ("noto/NotoSansGurmukhi-Regular.ttf", [(0xA00, 0xA7F)]),
    "STGujarati": ("noto/NotoSansGujarati-Regular.ttf", [(0xA80, 0xAFF)]),
    "STOriya": ("noto/NotoSansOriya-Regular.ttf", [(0xB00, 0xB7F)]),
    "STTamil": ("noto/NotoSansTamil-Regular.ttf", [(0xB80, 0xBFF)]),
    "STTelugu": ("noto/NotoSansTelugu-Regular.ttf", [(0xC00, 0xC7F)]),
    "STKannada": ("noto/NotoSansKannada-Regular.ttf", [(0xC80, 0xCFF)]),
    "STMalayalam": ("noto/NotoSansMalayalam-Regular.ttf", [(0xD00, 0xD7F)]),
    "STSinhala": ("noto/NotoSansSinhala-Regular.ttf", [(0xD80, 0xDFF)]),
    "STThai": ("noto/NotoSansThai-Regular.ttf", [(0xE00, 0xE7F)]),
    "STLao": ("noto/NotoSansLao-Regular.ttf", [(0xE80, 0xEFF)]),
    "STMyanmar": ("noto/NotoSansMyanmar-Regular.ttf", [(0x1000, 0x109F)]),
    "STKhmer": ("noto/NotoSansKhmer-Regular.ttf", [(0x1780, 0x17FF)]),
    "STArmenian": ("noto/NotoSansArmenian-Regular.ttf", [(0x530, 0x58F), (0xFB13, 0xFB17)]),
    "STGeorgian": ("noto/NotoSansGeorgian-Regular.ttf", [(0x10A0, 0x10FF), (0x1C90, 0x1CBF)]),
    "STEthiopic": ("noto/NotoSansEthiopic-Regular.ttf", [(0x1200, 0x139F)]),
    "STHangul": ("nanum/NanumGothic.ttf", [(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7A3)]),
    "STEmoji": ("ancient-scripts/Symbola_hint.ttf", [(0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF),
                                                      (0x1F000, 0x1FAFF), (0xFE0F, 0xFE0F)]),
}


def build(src_root: Path, out_dir: Path) -> None:
    for name, (src, ranges) in FONTS.items():
        font = TTFont(src_root / src)
        cmap = font.getBestCmap()
        wanted = {c for lo, hi in ranges + COMMON for c in range(lo, hi + 1) if c in cmap}
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(wanted))
        sub.subset(font)
        for rec in font["name"].names:
            if rec.nameID in (1, 4, 16):
                rec.string = f"Sponsortrack {name[2:]}"
            elif rec.nameID == 6:
                rec.string = f"Sponsortrack-{name[2:]}"
            elif rec.nameID == 3:
                rec.string = f"sponsortrack:{name}"
        out = out_dir / f"{name}.ttf"
        font.save(out)
        print(f"{out.name}: {len(wanted)} characters, {out.stat().st_size:,} bytes (from {src})")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "sponsortrack" / "assets" / "fonts")
