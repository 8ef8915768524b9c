"""Serve Noto Sans SC from the site itself, for Chinese characters only.

The npm package @fontsource/noto-sans-sc (pinned in package.json) splits the font into ~100 subsets, each an
``@font-face`` rule with a ``unicode-range``; a browser downloads a subset only when a page uses one of its
characters. Several subsets also cover Latin letters, digits and symbols, which would then be drawn in Noto
instead of the theme's font. This script keeps only the CJK part of every range (U+2E80 and up, without emoji),
drops subsets left empty, keeps the woff2 files (every current browser reads them) and writes

    _vendor/fonts/noto-sans-sc.css          the @font-face rules, weights 400 and 700
    _vendor/fonts/noto-sans-sc/*.woff2      the files they name

``_vendor/`` is copied next to the HTML (``html_extra_path``), so both editions load the font offline.

    python tools/vendor_cjk_font.py
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "node_modules" / "@fontsource" / "noto-sans-sc"
OUT = ROOT / "_vendor" / "fonts"
WEIGHTS = (400, 700)
# CJK radicals, punctuation, kana, unified ideographs, compatibility and full-width forms, and the supplementary
# ideograph planes; everything below U+2E80 (Latin, Greek, maths, arrows) stays with the theme's fonts.
CJK = [(0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F),
       (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF)]

_FACE = re.compile(r"@font-face\s*\{(.*?)\}", re.S)


def _cjk_part(ranges: str) -> list[str]:
    """The pieces of a CSS unicode-range that fall inside the CJK blocks, as CSS ranges."""
    kept = []
    for item in ranges.split(","):
        bounds = item.strip()[2:].split("-")
        start, end = int(bounds[0], 16), int(bounds[-1], 16)
        for lo, hi in CJK:
            a, b = max(start, lo), min(end, hi)
            if a <= b:
                kept.append(f"U+{a:x}" if a == b else f"U+{a:x}-{b:x}")
    return kept


def main() -> None:
    shutil.rmtree(OUT / "noto-sans-sc", ignore_errors=True)
    (OUT / "noto-sans-sc").mkdir(parents=True)
    rules = []
    for weight in WEIGHTS:
        for body in _FACE.findall((PACKAGE / f"{weight}.css").read_text()):
            ranges = _cjk_part(re.search(r"unicode-range:\s*([^;]+);", body).group(1))
            woff2 = re.search(r"url\(\./files/([^)]+\.woff2)\)", body).group(1)
            if not ranges:
                continue
            shutil.copy(PACKAGE / "files" / woff2, OUT / "noto-sans-sc" / woff2)
            rules.append(
                "@font-face {\n  font-family: 'Noto Sans SC';\n  font-style: normal;\n  font-display: swap;\n"
                f"  font-weight: {weight};\n  src: url(noto-sans-sc/{woff2}) format('woff2');\n"
                f"  unicode-range: {','.join(ranges)};\n}}\n"
            )
    licence = (PACKAGE / "LICENSE").read_text() if (PACKAGE / "LICENSE").exists() else ""
    header = "/* Noto Sans SC (SIL Open Font License 1.1), from @fontsource/noto-sans-sc, CJK ranges only. */\n"
    (OUT / "noto-sans-sc.css").write_text(header + "\n".join(rules))
    if licence:
        (OUT / "noto-sans-sc" / "LICENSE").write_text(licence)
    print(f"{len(rules)} @font-face rules, {len(list((OUT / 'noto-sans-sc').glob('*.woff2')))} woff2 files")


if __name__ == "__main__":
    main()
