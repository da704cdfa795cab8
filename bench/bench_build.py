"""Time the full build (DOCX + PDF) against "the bare limit", and the 620-row consolidated DOCX.

1. Full build, as a user runs it: `python build_reports.py build FOLDER --out TMP --jobs J` as a
   subprocess, for each folder size and each J, into a fresh output folder every run (a second build
   into the same folder would meet the manifest's protection of edited files). Runs are interleaved
   (size x jobs inside each repeat) so a slow spell on the machine hits every configuration alike.
   One untimed build of the smallest folder first (.pyc files, page cache).
2. The bare limit, per folder size, in this one warm process: the HTML of every document (the
   consolidated report and each unit's) is rendered first, untimed for the limit; then WeasyPrint
   alone lays out all of it to PDF (`weasyprint.HTML(string=...).write_pdf` with the stylesheet,
   FontConfiguration, base URL and URL fetcher of reports.render.pdf) and python-docx alone writes all
   the DOCX (`reports.render.docx.render_docx`). One untimed document of each kind first. Our overhead
   is (full build with --jobs 1 - bare limit) / bare limit (target <= 25 %); loading the folder and
   rendering the HTML are timed too, to show where that overhead goes.
3. The consolidated report of a 620-unit folder: render_docx alone (its appendices have one row per
   unit; target <= 1 s), and, once, render_pdf of the same HTML for comparison.

    python bench/bench_build.py [--units 60,600] [--jobs 1,2] [--repeats 3] [--docx-units 620] [--quick]
    python bench/bench_build.py --from-json bench/results/<file>.json    (reprint the tables of a saved run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import benchutil as bu

OVERHEAD_TARGET = 0.25
LINEARITY_SLACK = 1.1  # 600 units <= 11 x 60 units: ten times the units, plus 10 %
DOCX_TARGET_SECONDS = 1.0
_PIPELINE_SECONDS = re.compile(r"mất (\d+(?:,\d+)?) giây")


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


# --------------------------------------------------------------------------------------------
# 1. Full build
# --------------------------------------------------------------------------------------------


def build_once(folder: Path, units: int, jobs: int) -> tuple[float, float | None]:
    """Wall seconds of one build, and the pipeline's own total as the command prints it."""
    with bu.fresh_dir("build-out-") as out:
        seconds, stdout = bu.run_timed(bu.cli_command("build", folder, "--out", out, "--jobs", jobs))
        documents = bu.report_documents(out)
    if documents != 2 * (units + 1):
        raise RuntimeError(f"expected {2 * (units + 1)} documents from {folder}, found {documents}")
    found = _PIPELINE_SECONDS.search(stdout)
    return seconds, float(found.group(1).replace(",", ".")) if found else None


def time_builds(
    folders: dict[int, Path], jobs_list: Sequence[int], repeats: int
) -> dict[tuple[int, int], dict[str, list[float]]]:
    smallest = min(folders)
    bu.log(f"untimed warm-up build of {smallest} units ...")
    build_once(folders[smallest], smallest, 1)
    results: dict[tuple[int, int], dict[str, list[float]]] = {
        (n, j): {"wall": [], "pipeline": []} for n in folders for j in jobs_list
    }
    for r in range(repeats):
        for n, folder in folders.items():
            for j in jobs_list:
                wall, inner = build_once(folder, n, j)
                results[n, j]["wall"].append(wall)
                if inner is not None:
                    results[n, j]["pipeline"].append(inner)
                load = bu.load_average()
                bu.log(f"  build {n} units --jobs {j}, run {r + 1}/{repeats}: {wall:.1f} s (load {load:.2f})")
    return results


# --------------------------------------------------------------------------------------------
# 2. The bare limit
# --------------------------------------------------------------------------------------------


def prepare(folder: Path) -> tuple[Any, list[str], dict[str, float]]:
    """(dataset, HTML of every document, {"load_folder": s, "html": s}) for one folder."""
    from benchutil import consolidated_html, unit_html

    from reports.intake import load_folder

    load_s, intake = bu.timed(lambda: load_folder(folder))
    dataset = intake.dataset()
    codes = [str(code) for code in dataset.figures.index]
    html_s, htmls = bu.timed(lambda: [consolidated_html(dataset), *(unit_html(dataset, c) for c in codes)])
    return dataset, htmls, {"load_folder": load_s, "html": html_s}


def bare_pdf(html: str) -> bytes:
    """WeasyPrint alone, with what reports.render.pdf.render_pdf gives it (stylesheet, fonts, fetcher)."""
    from weasyprint import HTML

    from reports.render import pdf

    stylesheet, font_config = pdf.stylesheet()
    document = HTML(
        string=html, base_url=pdf._base_url(), url_fetcher=pdf._fetcher((pdf.TEMPLATES_DIR,), stub_stylesheet=True)
    )
    data = document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    assert isinstance(data, bytes)
    return data


def bare_docx(html: str, dataset: Any) -> bytes:
    from reports.render.docx import render_docx

    return render_docx(html)


def time_bare(folder: Path, repeats: int) -> dict[str, Any]:
    dataset, htmls, prep = prepare(folder)
    bare_pdf(htmls[-1])  # warm-up: imports, stylesheet and fonts, first layout
    bare_docx(htmls[-1], dataset)
    pdf_times, docx_times = [], []
    pdf_bytes = docx_bytes = 0
    for r in range(repeats):
        seconds, sizes = bu.timed(lambda: [len(bare_pdf(h)) for h in htmls])
        pdf_times.append(seconds)
        pdf_bytes = sum(sizes)
        seconds, sizes = bu.timed(lambda: [len(bare_docx(h, dataset)) for h in htmls])
        docx_times.append(seconds)
        docx_bytes = sum(sizes)
        bu.log(
            f"  bare limit, {len(htmls)} documents, run {r + 1}/{repeats}: PDF {pdf_times[-1]:.1f} s, "
            f"DOCX {docx_times[-1]:.1f} s (load {bu.load_average():.2f})"
        )
    consolidated_pdf = bu.timed(lambda: bare_pdf(htmls[0]))[0]
    return {
        "documents": len(htmls),
        "prepare": prep,
        "pdf": pdf_times,
        "docx": docx_times,
        "total": [p + d for p, d in zip(pdf_times, docx_times, strict=True)],
        "pdf_bytes": pdf_bytes,
        "docx_bytes": docx_bytes,
        "consolidated_pdf": consolidated_pdf,
    }


# --------------------------------------------------------------------------------------------
# 3. The consolidated DOCX with a long appendix
# --------------------------------------------------------------------------------------------


def appendix_rows(html: str) -> list[int]:
    """Body rows of each appendix table (table.data inside a landscape section)."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html)
    tables = root.xpath("//section[contains(@class, 'landscape')]//table[contains(@class, 'data')]")
    return [len(t.xpath("./tbody/tr")) for t in tables]


def time_consolidated(folder: Path, repeats: int) -> dict[str, Any]:
    from benchutil import consolidated_html

    from reports.intake import load_folder
    from reports.render.pdf import render_pdf

    dataset = load_folder(folder).dataset()
    html = consolidated_html(dataset)
    bare_docx(html, dataset)  # warm-up
    times = []
    size = 0
    for _ in range(repeats):
        seconds, data = bu.timed(lambda: bare_docx(html, dataset))
        times.append(seconds)
        size = len(data)
    render_pdf(html)  # warm-up for the comparison below
    pdf_seconds, pdf = bu.timed(lambda: render_pdf(html))
    return {
        "units": len(dataset.figures.index),
        "appendix_rows": appendix_rows(html),
        "docx": times,
        "docx_bytes": size,
        "pdf_once": pdf_seconds,
        "pdf_bytes": len(pdf),
    }


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return bu.summary(values)["median"]


def _median_or_none(values: Sequence[float]) -> float | None:
    return _median(values) if values else None


def report(payload: dict[str, Any]) -> None:
    """Print the Markdown tables from a results payload (a live run's, or one loaded from bench/results/)."""
    units: list[int] = payload["units"]
    jobs_list: list[int] = payload["jobs"]
    seconds = payload["seconds"]
    builds = {(b["units"], b["jobs"]): b for b in seconds["build"]}
    bare = {int(n): b for n, b in seconds["bare_limit"].items()}
    consolidated = seconds.get("consolidated")
    when = payload["started"][:10]
    cpus = payload["machine"]["cpus"]

    print(
        f"\n### Full build, DOCX + PDF (`build_reports.py build --jobs J`, subprocess): "
        f"{cpus} cores, {when}, median of {payload['repeats']}\n"
    )
    rows = []
    for n in units:
        for j in jobs_list:
            wall = bu.summary(builds[n, j]["wall"])
            inner = _median_or_none(builds[n, j]["pipeline"])
            rows.append(
                [
                    str(n),
                    str(j),
                    f"**{bu.secs(wall['median'], 1)}**",
                    bu.secs(wall["min"], 1),
                    bu.secs(wall["max"], 1),
                    f"{wall['median'] / (n + 1) * 1000:.0f} ms",
                    bu.secs(inner, 1),
                ]
            )
    print(
        bu.md_table(
            ["units", "--jobs", "wall median", "min", "max", "per document pair", "pipeline's own total (printed)"],
            rows,
        )
    )

    print(
        "\n### Bare limit (one warm process, one core: WeasyPrint write_pdf + render_docx on pre-rendered HTML), "
        f"median of {payload['bare_repeats']}\n"
    )
    rows = []
    for n in units:
        b = bare[n]
        pdf_s, docx_s, total = (bu.summary(b[k]) for k in ("pdf", "docx", "total"))
        pdf_share = pdf_s["median"] / (pdf_s["median"] + docx_s["median"])
        rows.append(
            [
                str(n),
                str(b["documents"]),
                bu.secs(pdf_s["median"], 1),
                bu.secs(docx_s["median"], 1),
                f"**{bu.secs(total['median'], 1)}** ({bu.secs(total['min'], 1)}–{bu.secs(total['max'], 1)})",
                f"{pdf_share * 100:.0f} % / {(1 - pdf_share) * 100:.0f} %",
                bu.secs(b["prepare"]["load_folder"], 1),
                bu.secs(b["prepare"]["html"], 1),
                bu.secs(b["consolidated_pdf"], 1),
            ]
        )
    print(
        bu.md_table(
            [
                "units",
                "documents",
                "PDF (WeasyPrint)",
                "DOCX (render_docx)",
                "bare limit (min–max)",
                "PDF / DOCX",
                "load_folder (not in limit, once)",
                "HTML of all documents (not in limit, once)",
                "consolidated PDF alone (once)",
            ],
            rows,
        )
    )

    print("\n### Ratios\n")
    rows = []

    def both(pick: Any) -> tuple[float, float]:
        return pick("median"), pick("min")

    if 1 in jobs_list and 2 in jobs_list:
        for n in units:
            med, low = both(lambda k, n=n: bu.summary(builds[n, 1]["wall"])[k] / bu.summary(builds[n, 2]["wall"])[k])
            rows.append([f"jobs 1 / jobs 2, {n} units", bu.ratio(med), bu.ratio(low), "2× at best on 2 idle cores"])
    small, large = min(units), max(units)
    if large > small:
        target = LINEARITY_SLACK * large / small
        for j in jobs_list:
            med, low = both(
                lambda k, j=j: bu.summary(builds[large, j]["wall"])[k] / bu.summary(builds[small, j]["wall"])[k]
            )
            verdict = "met" if med <= target else "NOT met"
            note = f"target ≤ {bu.ratio(target)}: {verdict}"
            rows.append([f"{large} / {small} units, --jobs {j}", bu.ratio(med), bu.ratio(low), note])
    if 1 in jobs_list:
        for n in units:
            full, limit = bu.summary(builds[n, 1]["wall"]), bu.summary(bare[n]["total"])
            med, low = both(lambda k, full=full, limit=limit: (full[k] - limit[k]) / limit[k])
            verdict = "met" if med <= OVERHEAD_TARGET else "NOT met"
            known = bare[n]["prepare"]["load_folder"] + bare[n]["prepare"]["html"]
            rows.append(
                [
                    f"overhead over bare limit, {n} units, --jobs 1",
                    f"{bu.pct(med)} ({bu.secs(full['median'] - limit['median'], 1)})",
                    f"{bu.pct(low)} ({bu.secs(full['min'] - limit['min'], 1)})",
                    f"target ≤ {OVERHEAD_TARGET * 100:.0f} %: {verdict}; load_folder + HTML alone: "
                    f"{bu.secs(known, 1)} = {bu.pct(known / limit['median'])}",
                ]
            )
    print(bu.md_table(["ratio", "of medians", "of minimums", "note"], rows))

    if consolidated:
        docx = bu.summary(consolidated["docx"])
        verdict = "met" if docx["median"] <= DOCX_TARGET_SECONDS else "NOT met"
        print(
            f"\n### Consolidated report of {consolidated['units']} units: appendix tables of "
            f"{' and '.join(str(r) for r in consolidated['appendix_rows'])} body rows\n"
        )
        print(
            bu.md_table(
                ["what", "median", "min", "max", "note"],
                [
                    [
                        f"render_docx (median of {len(consolidated['docx'])})",
                        f"**{bu.secs(docx['median'])}**",
                        bu.secs(docx["min"]),
                        bu.secs(docx["max"]),
                        f"target ≤ 1 s: {verdict}; {consolidated['docx_bytes'] / 1024:.0f} KiB",
                    ],
                    [
                        "render_pdf (once, for comparison)",
                        bu.secs(consolidated["pdf_once"]),
                        "",
                        "",
                        f"{consolidated['pdf_bytes'] / 1024:.0f} KiB",
                    ],
                ],
            )
        )
    load = payload["load_average"]
    print(
        f"\n1-minute load average {load['before']:.2f} before the run"
        + (" (busy: other work shared the CPU)" if load["before"] >= 1.0 else "")
        + f", {load['after']:.2f} at the end (includes the benchmark itself)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=_ints, default=[60, 600], help="folder sizes, comma-separated (60,600)")
    parser.add_argument("--jobs", type=_ints, default=[1, 2], help="--jobs values, comma-separated (1,2)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each configuration (3)")
    parser.add_argument("--bare-repeats", type=int, help="timed runs of the bare limit (default: --repeats)")
    parser.add_argument("--docx-units", type=int, default=620, help="units of the long-appendix folder (620; 0: skip)")
    parser.add_argument("--docx-repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--last-year", choices=bu.LAST_YEAR_MODES, default="workbooks", help="nam-truoc/ contents")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 and 20 units, 1 repeat, docx 20 units")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS", help="only print the tables of a saved run")
    args = parser.parse_args(argv)
    if args.from_json:
        report(json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0
    if args.quick:
        args.units, args.repeats, args.docx_units, args.docx_repeats = [10, 20], 1, 20, 1
    bare_repeats = args.bare_repeats or args.repeats
    units = sorted(set(args.units))
    jobs_list = sorted(set(args.jobs))
    started_at = dt.datetime.now()
    bu.warn_if_busy()
    load_before = bu.load_average()
    machine = bu.machine_info()  # the commit when the run starts; other people may commit meanwhile

    folders = {n: bu.ensure_folder(n, seed=args.seed, last_year=args.last_year) for n in units}
    docx_folder = None
    if args.docx_units:
        docx_folder = bu.ensure_folder(args.docx_units, seed=args.seed, last_year=args.last_year)

    builds = time_builds(folders, jobs_list, args.repeats)
    bare = {}
    for n, folder in folders.items():
        bu.log(f"bare limit, {n} units ...")
        bare[n] = time_bare(folder, bare_repeats)
    consolidated = None
    if docx_folder:
        bu.log(f"consolidated DOCX, {args.docx_units} units ...")
        consolidated = time_consolidated(docx_folder, args.docx_repeats)
    load_after = bu.load_average()

    payload: dict[str, Any] = {
        "benchmark": "build",
        "started": started_at.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "units": units,
        "jobs": jobs_list,
        "repeats": args.repeats,
        "bare_repeats": bare_repeats,
        "seed": args.seed,
        "last_year": args.last_year,
        "quick": args.quick,
        "load_average": {"before": load_before, "after": load_after},
        "machine": machine,
        "git_commit_at_end": bu.machine_info()["git_commit"],
        "seconds": {
            "build": [{"units": n, "jobs": j, **v} for (n, j), v in builds.items()],
            "bare_limit": {str(n): v for n, v in bare.items()},
            "consolidated": consolidated,
        },
        "targets": {
            "overhead_jobs1": OVERHEAD_TARGET,
            "linearity_max_ratio": LINEARITY_SLACK * max(units) / min(units),
            "consolidated_docx_seconds": DOCX_TARGET_SECONDS,
        },
    }
    report(payload)
    path = bu.save_results("build-quick" if args.quick else "build", payload, started_at)
    print(f"\nRaw timings: {path.relative_to(bu.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
