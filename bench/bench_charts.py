"""Time one chart's two renderings: chart_svg (PDF side) and chart_part (DOCX chart XML + workbook).

Run: python bench/bench_charts.py [--repeats N] [--sample PAGE.pdf]. Prints the first call (imports and
font metrics loaded) and the median per chart over the example charts (target: under 0,1 s a chart).
`--sample` also writes a page with the four example charts through the project's PDF renderer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.charts import ChartSpec, chart_part, chart_svg
from reports.charts.examples import example_specs


def timed(label: str, render: Callable[[ChartSpec], Any], specs: list[ChartSpec], repeats: int) -> None:
    start = time.perf_counter()
    render(specs[0])
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeats):
        for spec in specs:
            start = time.perf_counter()
            render(spec)
            runs.append(time.perf_counter() - start)
    print(
        f"{label}: first call {first * 1000:.1f} ms, then median {statistics.median(runs) * 1000:.2f} ms"
        f" (max {max(runs) * 1000:.2f} ms) per chart over {len(runs)}"
    )


def sample_page(path: Path, specs: list[ChartSpec]) -> None:
    from reports.render.pdf import render_pdf

    body = "".join(f'<div class="bieu-do">{chart_svg(s, width_mm=165, height_mm=62)}</div>' for s in specs)
    html = f'<html><head><link rel="stylesheet" href="style.css"></head><body>{body}</body></html>'
    path.write_bytes(render_pdf(html))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sample", type=Path)
    args = parser.parse_args()
    specs = example_specs()
    timed("chart_svg", chart_svg, specs, args.repeats)
    timed("chart_part", chart_part, specs, args.repeats)
    if args.sample:
        sample_page(args.sample, specs)


if __name__ == "__main__":
    main()
