"""Text widths from the bundled BaoCao Serif (Liberation Serif 2, subset): the SVG wraps labels and leaves room.

Liberation Serif is metric-compatible with Times New Roman, so the widths also hold where a viewer
substitutes one for the other. Only the `cmap` and `hmtx` tables are read (fontTools loads tables
lazily), once per process per weight.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from reports.render.html import TEMPLATES_DIR

FONT_FILES = {False: "BaoCaoSerif-Regular.ttf", True: "BaoCaoSerif-Bold.ttf"}


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance width per code point in em units, and the width used for a character the font lacks."""
    from fontTools.ttLib import TTFont

    font = TTFont(TEMPLATES_DIR / "fonts" / FONT_FILES[bold], lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {cp: metrics[glyph][0] / units for cp, glyph in font.getBestCmap().items()}
    font.close()
    return widths, 0.5


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` set at `size` (same unit as the result), without kerning."""
    widths, fallback = _advances(bold)
    return size * sum(widths.get(ord(ch), fallback) for ch in unicodedata.normalize("NFC", text))


def wrap(text: str, max_width: float, size: float, bold: bool = False, max_lines: int = 3) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines; the last line takes whatever is left.

    A word longer than the line is kept whole (never cut inside a Vietnamese syllable).
    """
    words = text.split()
    if not words:
        return [""]
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if text_width(candidate, size, bold) <= max_width or len(lines) == max_lines - 1:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines
