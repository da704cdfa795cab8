"""Charts for the handout and the report: one declared `ChartSpec`, two renderings.

- `chart_svg(spec)`: vector SVG with real text, inlined in the HTML that WeasyPrint lays out (PDF).
- `add_chart(document, run, spec, ...)` / `attach_chart` + `inline_xml`: a native Word chart part with
  its embedded workbook (DOCX), so "Edit Data" in Word opens the figures.
"""

from reports.charts.spec import KINDS, ChartSpec, ChartSpecError, Series
from reports.charts.svg import chart_svg

__all__ = ["KINDS", "ChartSpec", "ChartSpecError", "Series", "chart_svg"]
