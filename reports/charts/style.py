"""The look shared by the SVG and the Word chart: fills that stay apart when printed in grey.

Series are told apart by luminance (dark, middle, light) and, past three, by hatching; lines by dash
pattern and marker shape, so a black-and-white photocopy of the handout still reads.
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "BaoCao Serif"  # the @font-face name in templates/style.css
FALLBACK_FAMILIES = "'Liberation Serif', 'Times New Roman', serif"
WORD_FONT = "Times New Roman"
INK = "#000000"
GRID = "#BFBFBF"


@dataclass(frozen=True)
class SeriesStyle:
    fill: str  # solid colour, or the background behind the hatching
    text: str  # colour of a label written on the fill
    line: str  # stroke colour of a line series and its markers
    hatch: str = ""  # colour of diagonal hatching lines, "" for a plain fill
    dash: str = ""  # SVG stroke-dasharray of a line series
    word_dash: str = "solid"  # DrawingML a:prstDash of the same line
    marker: str = "circle"  # circle, square, triangle, diamond (also c:symbol values)


PALETTE = (
    SeriesStyle("#1F3864", "#FFFFFF", "#1F3864", dash="", word_dash="solid", marker="circle"),
    SeriesStyle("#7F9FD3", "#000000", "#5B7DB8", dash="6 3", word_dash="dash", marker="square"),
    SeriesStyle("#D9E2F3", "#000000", "#404040", dash="1.5 2", word_dash="sysDot", marker="triangle"),
    SeriesStyle(
        "#FFFFFF", "#000000", "#1F3864", hatch="#1F3864", dash="8 3 2 3", word_dash="dashDot", marker="diamond"
    ),
    SeriesStyle("#595959", "#FFFFFF", "#595959", dash="10 4", word_dash="lgDash", marker="circle"),
    SeriesStyle("#FFFFFF", "#000000", "#595959", "#595959", "3 3", "sysDash", "square"),
)


def series_style(index: int) -> SeriesStyle:
    return PALETTE[index % len(PALETTE)]
