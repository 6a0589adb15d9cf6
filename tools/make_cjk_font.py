"""Make the Chinese font NeuroLoom ships (assets/fonts/NeuroLoomCJK.ttf): WenQuanYi Micro
Hei cut down to the characters the Chinese translation and the lessons use, for machines
without any CJK font (where Chinese would show as empty boxes). Run it again whenever a
translation or a lesson brings characters the font lacks (tests/test_i18n.py says so):

    pip install fonttools
    python tools/make_cjk_font.py [--source /path/to/wqy-microhei.ttc]
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "assets" / "fonts" / "NeuroLoomCJK.ttf"
FAMILY = "NeuroLoom CJK"
SOURCES = (  # where Debian, Fedora and Arch put WenQuanYi Micro Hei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
)
# Always kept, whether used yet or not: CJK punctuation and the full-width forms.
ALWAYS = {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF66)}


def used_characters(root: Path = ROOT) -> set[str]:
    """Every character beyond ASCII in the Chinese catalogue(s) and the lessons' texts."""
    texts: list[str] = []
    for catalogue in sorted((root / "assets" / "i18n").glob("*_zh_CN.ts")):
        for message in ElementTree.parse(catalogue).getroot().iter("message"):
            texts.append(message.findtext("translation") or "")
    for lesson in sorted((root / "assets" / "lessons").glob("*.json")):
        texts.extend(_chinese_texts(json.loads(lesson.read_text("utf-8"))))
    texts.append("简体中文")  # the language's own name in the Language menu
    return {c for text in texts for c in text if ord(c) > 0x7F}


def _chinese_texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [t for key, v in value.items() for t in ([v] if key == "zh_CN" else _chinese_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _chinese_texts(v)]
    return []


def make_font(source: Path, output: Path = OUTPUT) -> tuple[int, int]:
    """Write the subset; returns (characters kept, bytes written)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, fontNumber=0, lazy=False, recalcTimestamp=False)
    cmap = font.getBestCmap()
    wanted = sorted(ord(c) for c in used_characters() | ALWAYS if ord(c) in cmap)
    options = subset.Options()
    options.hinting = False  # CJK outlines render well unhinted; hints would double the size
    options.recalc_timestamp = False  # the same input gives the same file
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence records
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    _rename(font)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    font.save(temporary)
    temporary.replace(output)
    return len(wanted), output.stat().st_size


def _rename(font) -> None:
    """A family name of its own, so it never stands in for a full WenQuanYi install."""
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName("Regular", 2, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular (subset of WenQuanYi Micro Hei 0.2.0-beta)", 3, 3, 1, 0x409)
    names.setName(FAMILY, 4, 3, 1, 0x409)
    names.setName("NeuroLoomCJK-Regular", 6, 3, 1, 0x409)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="WenQuanYi Micro Hei (.ttc or .ttf)")
    args = parser.parse_args(argv)
    source = args.source or next((Path(p) for p in SOURCES if Path(p).exists()), None)
    if source is None or not source.exists():
        print("WenQuanYi Micro Hei not found: install fonts-wqy-microhei or pass --source", file=sys.stderr)
        return 1
    kept, size = make_font(source)
    print(f"{OUTPUT.relative_to(ROOT)}: {kept} characters, {size / 1024:.0f} KiB (from {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
