"""What the conference handout adds to a build, measured in one warm process on the sample folder.

Run: python bench/bench_handout.py [--folder data/mau] [--repeats 3]. Prints medians (min, max) of:

- the consolidated report: HTML -> PDF (the layout the handout reuses) and HTML -> DOCX;
- the handout as built: PDF binding (front matter laid out with its number pages, the report's pages
  and the hoi-nghi/ PDFs bound and stamped with pypdf) and DOCX (writer + TOC field + Word charts);
- for comparison, what laying the report out again would cost (the report's PDF rendered once more);
- each chart: SVG for the PDF and the Word chart part (XML + workbook), median per chart.

The handout's share of a build is its time against the consolidated report plus every unit report
(the unit reports are estimated from three of them).
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

from reports.charts import chart_part, chart_svg
from reports.documents import CONSOLIDATED, HANDOUT, UNIT_REPORT, aggregate_all, documents
from reports.handout import handout_docx, handout_pdf
from reports.intake import load_folder
from reports.render.batch import render_one, warm_up
from reports.render.docx import render_docx
from reports.render.html import BUNDLED, render_html
from reports.render.pdf import render_pdf


def timed(repeats: int, fn: Callable[[], Any]) -> tuple[list[float], Any]:
    runs, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return runs, result


def show(label: str, runs: list[float]) -> float:
    median = statistics.median(runs)
    print(f"| {label} | {median:.2f} s | {min(runs):.2f}–{max(runs):.2f} s |")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "mau")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = aggregate_all(load_folder(args.folder).dataset())
    report = next(documents(data, (CONSOLIDATED,)))
    handout = next(documents(data, (HANDOUT,)))
    units = list(documents(data, (UNIT_REPORT,)))[:3]
    warm_up(("docx", "pdf"), BUNDLED)
    html = render_html(report.template, report.context)
    render_pdf(html)  # untimed: fonts and stylesheet loaded
    print("| step | median | min–max |\n|---|---|---|")
    pdf_runs, report_pdf = timed(args.repeats, lambda: render_pdf(html))
    report_pdf_s = show("báo cáo tổng hợp: HTML → PDF (layout + write)", pdf_runs)
    report_docx_s = show("báo cáo tổng hợp: HTML → DOCX", timed(args.repeats, lambda: render_docx(html))[0])
    bind_s = show(
        "tài liệu hội nghị: PDF (front matter + bind + stamp)",
        timed(args.repeats, lambda: handout_pdf(handout.context, report_pdf, BUNDLED))[0],
    )
    docx_s = show(
        "tài liệu hội nghị: DOCX (writer + TOC + charts)",
        timed(args.repeats, lambda: handout_docx(handout.context, html, BUNDLED))[0],
    )
    unit_runs = [timed(1, lambda u=u: render_one_unit(u))[0][0] for u in units]
    unit_s = statistics.median(unit_runs)
    print(f"| one unit report (DOCX + PDF), median of {len(units)} | {unit_s:.2f} s | |")
    specs = [c.spec for c in handout.context.bieu_do]
    svg = [timed(1, lambda s=s: chart_svg(s))[0][0] for s in specs * args.repeats]
    word = [timed(1, lambda s=s: chart_part(s))[0][0] for s in specs * args.repeats]
    for label, runs in (("SVG (PDF)", svg), ("Word part + workbook", word)):
        median, worst = statistics.median(runs) * 1000, max(runs) * 1000
        print(f"| one chart: {label}, median over {len(runs)} | {median:.1f} ms | max {worst:.1f} ms |")
    build = report_pdf_s + report_docx_s + unit_s * len(data.unit_codes)
    print(
        f"\nBuild without the handout (one process, estimated): {build:.1f} s; the handout adds "
        f"{bind_s + docx_s:.1f} s ({(bind_s + docx_s) / build:.0%}); laying the report out again instead of "
        f"reusing it would have added {report_pdf_s:.1f} s more to the PDF."
    )


def render_one_unit(doc: Any) -> Any:
    from reports.render.batch import RenderJob

    return render_one(RenderJob(doc.stem, doc.template, doc.context), ("docx", "pdf"))


if __name__ == "__main__":
    main()
