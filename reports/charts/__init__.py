"""Charts for the handout and the report: one declared `ChartSpec`, two renderings.

- `chart_svg(spec)`: vector SVG with real text, inlined in the HTML that WeasyPrint lays out (PDF).
- `add_chart(document, run, spec, ...)` / `attach_chart` + `inline_xml`: a native Word chart part with
  its embedded workbook (DOCX), so "Edit Data" in Word opens the figures.
"""

from reports.charts.spec import KINDS, ChartSpec, ChartSpecError, Series
from reports.charts.svg import chart_svg
from reports.charts.word import add_chart, attach_chart, chart_part, inline_xml

__all__ = [
    "KINDS",
    "ChartSpec",
    "ChartSpecError",
    "Series",
    "add_chart",
    "attach_chart",
    "chart_part",
    "chart_svg",
    "inline_xml",
]
