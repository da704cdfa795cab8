"""How much the PDF's embedded fonts cost: WeasyPrint's fontTools subsetting against the levers, and before/after.

On a machine without libharfbuzz-subset (check: `ldconfig -p | grep harfbuzz-subset` prints nothing),
WeasyPrint 70 subsets every embedded font of every PDF with fontTools. This script measures:

1. **Levers**, in this process, on the HTML of one unit report and of the consolidated report of
   data/mau (rendered by this tree): each way of embedding the fonts, interleaved (every variant once
   per repeat), CPU seconds (`time.process_time`, steadier than wall time on a shared machine) and wall
   seconds per PDF, and the PDF's size:
   - `fonttools/source`: WeasyPrint's own fallback (fontTools) on the original Liberation Serif files;
   - `fonttools/bundled`: the same on the bundled Latin + Vietnamese subset (templates/fonts/BaoCaoSerif-*);
   - `full/bundled`: no subsetting, the bundled fonts embedded whole (`full_fonts=True`);
   - `uharfbuzz/source`, `uharfbuzz/bundled`: subset with HarfBuzz from PyPI (`reports.render.pdf_fonts`).
2. **Before/after**, as subprocesses alternating between a baseline commit (`--base`, extracted with
   `git archive` into bench/_work/) and this working tree: `render_pdf` of `--units` unit reports in a
   warm process (per PDF), and the command `build_reports.py build data/mau --out TMP --formats pdf`
   (consolidated report + every unit report, as PDF), wall time and the CPU time of the process tree.

    .venv/bin/python bench/bench_fonts.py [--base REV] [--repeats 5] [--units 8] [--skip-levers] [--quick]

Markdown tables on stdout, progress on stderr, raw figures in bench/results/<date>_<time>_fonts_<N>cpu.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

from benchutil import (
    ROOT,
    WORK,
    fresh_dir,
    load_average,
    log,
    machine_info,
    md_table,
    ratio,
    save_results,
    secs,
    subprocess_env,
    warn_if_busy,
)

DATA = ROOT / "data" / "mau"
VARIANTS = ("fonttools/source", "fonttools/bundled", "full/bundled", "uharfbuzz/source", "uharfbuzz/bundled")

# Run in each tree (its own `reports`): render unit reports' PDFs in one warm process, print JSON.
UNIT_SNIPPET = """
import json, os, sys, time
from pathlib import Path
import reports
from reports.intake import load_folder
try:  # trees before the document layer
    from reports.render.batch import unit_html
except ImportError:
    sys.path.insert(0, "bench")
    from benchutil import unit_html
from reports.render.pdf import render_pdf
assert Path(reports.__file__).resolve().is_relative_to(Path.cwd().resolve()), reports.__file__
dataset = load_folder(Path(sys.argv[1])).dataset()
htmls = [unit_html(dataset, code) for code in list(dataset.figures.index)[: int(sys.argv[2])]]
render_pdf(htmls[0])
env = dict(os.environ)
wall, cpu = time.perf_counter(), time.process_time()
sizes = [len(render_pdf(html)) for html in htmls]
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall / len(htmls), "cpu": cpu / len(htmls), "bytes": sizes,
                  "environ_unchanged": dict(os.environ) == env}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="e154adf", help="baseline commit (default: before this change)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--build-repeats", type=int, default=None, help="repeats of the build (default: --repeats)")
    parser.add_argument("--units", type=int, default=8, help="unit reports per process in the before/after run")
    parser.add_argument("--skip-levers", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one repeat, two units: a smoke test")
    parser.add_argument("--from-json", type=Path, help="reprint the tables of a saved run, run nothing")
    args = parser.parse_args()
    if args.from_json:
        print_tables(json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0
    if args.quick:
        args.repeats, args.units, args.build_repeats = 1, 2, 1
    started = dt.datetime.now()
    has_hb_subset = "harfbuzz-subset" in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    if has_hb_subset:
        log("WARNING: libharfbuzz-subset is installed: WeasyPrint would not use fontTools as on a plain machine.")
    warn_if_busy()
    payload: dict[str, Any] = {
        "machine": machine_info(),
        "libharfbuzz_subset_installed": has_hb_subset,
        "load_before": load_average(),
        "repeats": args.repeats,
    }
    if not args.skip_levers:
        payload["levers"] = run_levers(args.repeats)
    base_tree = extract_tree(args.base)
    payload["base"] = args.base
    build_repeats = args.repeats if args.build_repeats is None else args.build_repeats
    payload["build_repeats"] = build_repeats
    payload["before_after"] = run_before_after(base_tree, args.repeats, build_repeats, args.units)
    payload["load_after"] = load_average()
    payload["machine"]["git_commit_end"] = machine_info()["git_commit"]
    if args.quick:
        log("--quick: results not saved")
    else:
        log(f"results: {save_results('fonts', payload, started)}")
    print_tables(payload)
    return 0


# --------------------------------------------------------------------------------------------
# 1. Levers, in process
# --------------------------------------------------------------------------------------------


def run_levers(repeats: int) -> dict[str, Any]:
    from benchutil import consolidated_html, unit_html
    from weasyprint import CSS, HTML
    from weasyprint.pdf.fonts import Font
    from weasyprint.text.fonts import FontConfiguration

    from reports.intake import load_folder
    from reports.render import pdf_fonts
    from reports.render.html import TEMPLATES_DIR
    from reports.render.pdf import _base_url, _fetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # fontTools' "install HarfBuzz-Subset" warning
    weasyprint_subset = Font.subset  # WeasyPrint's own, before pdf_fonts.install() replaces it
    dataset = load_folder(DATA).dataset()
    documents = {"unit": unit_html(dataset, str(dataset.figures.index[0])), "consolidated": consolidated_html(dataset)}
    style = (TEMPLATES_DIR / "style.css").read_text(encoding="utf-8")
    source_style = re.sub(r"fonts/BaoCaoSerif-(\w+)\.ttf", r"fonts/source/LiberationSerif-\1.ttf", style)
    sheets = {}
    for fonts, text in (("bundled", style), ("source", source_style)):
        config = FontConfiguration()
        css = CSS(
            string=text,
            base_url=_base_url(),
            url_fetcher=_fetcher((TEMPLATES_DIR,), stub_stylesheet=False),
            font_config=config,
        )
        sheets[fonts] = (css, config)
    times: dict[str, dict[str, dict[str, list[float]]]] = {
        doc: {v: {"cpu": [], "wall": []} for v in VARIANTS} for doc in documents
    }
    sizes: dict[str, dict[str, int]] = {doc: {} for doc in documents}
    for repeat in range(repeats + 1):  # the first round is a warm-up
        log(f"levers: round {repeat}/{repeats} (load {load_average():.1f})")
        for doc, html in documents.items():
            for variant in VARIANTS:
                method, fonts = variant.split("/")
                Font.subset = pdf_fonts.harfbuzz_subset if method == "uharfbuzz" else weasyprint_subset
                css, config = sheets[fonts]
                document = HTML(
                    string=html, base_url=_base_url(), url_fetcher=_fetcher((TEMPLATES_DIR,), stub_stylesheet=True)
                )
                wall, cpu = time.perf_counter(), time.process_time()
                pdf = document.write_pdf(stylesheets=[css], font_config=config, full_fonts=method == "full")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                if repeat:
                    times[doc][variant]["cpu"].append(cpu)
                    times[doc][variant]["wall"].append(wall)
                sizes[doc][variant] = len(pdf)
    Font.subset = weasyprint_subset
    return {"seconds_per_pdf": times, "bytes": sizes}


# --------------------------------------------------------------------------------------------
# 2. Before / after, as subprocesses
# --------------------------------------------------------------------------------------------


def extract_tree(rev: str) -> Path:
    """The project files of `rev` under bench/_work/tree-<rev>/ (extracted once)."""
    tree = WORK / f"tree-{rev}"
    if (tree / ".complete").is_file():
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev, "reports", "templates", "build_reports.py"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    (tree / ".complete").touch()
    return tree


def run_unit_pdfs(tree: Path, units: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", UNIT_SNIPPET, str(DATA), str(units)],
        cwd=tree,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_build(tree: Path) -> dict[str, Any]:
    with fresh_dir("fonts-build-") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(
            [sys.executable, str(tree / "build_reports.py"), "build", str(DATA), "--out", str(out), "--formats", "pdf"],
            cwd=tree,
            env=subprocess_env(),
            capture_output=True,
            check=True,
        )
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pdfs = sorted(p for p in out.rglob("*.pdf") if ".bo-nho-dem" not in p.parts)  # not the cached parts
        return {
            "wall": wall,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "pdfs": len(pdfs),
            "bytes": sum(p.stat().st_size for p in pdfs),
            "largest_bytes": max(p.stat().st_size for p in pdfs),
        }


def run_before_after(base_tree: Path, repeats: int, build_repeats: int, units: int) -> dict[str, Any]:
    """Alternating sides; the first round of unit PDFs is a warm-up (page cache, .pyc files) for both jobs."""
    trees = {"before": base_tree, "after": ROOT}
    results: dict[str, dict[str, list[dict[str, Any]]]] = {
        job: {side: [] for side in trees} for job in ("unit", "build")
    }
    for repeat in range(max(repeats, build_repeats) + 1):
        log(f"before/after: round {repeat}/{max(repeats, build_repeats)} (load {load_average():.1f})")
        for side, tree in trees.items():
            if repeat == 0 or repeat <= repeats:
                unit = run_unit_pdfs(tree, units)
                if repeat:
                    results["unit"][side].append(unit)
            if 0 < repeat <= build_repeats:
                results["build"][side].append(run_build(tree))
    return {"units": units, "runs": results}


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values)


def print_tables(payload: dict[str, Any]) -> None:
    print(
        f"Load average: {payload['load_before']:.1f} before, {payload['load_after']:.1f} after; "
        f"libharfbuzz-subset installed: {payload['libharfbuzz_subset_installed']}\n"
    )
    levers = payload.get("levers")
    if levers:
        for doc, by_variant in levers["seconds_per_pdf"].items():
            base_cpu = med(by_variant[VARIANTS[0]]["cpu"])
            rows = []
            for variant in VARIANTS:
                cpu, wall = by_variant[variant]["cpu"], by_variant[variant]["wall"]
                rows.append(
                    [
                        variant,
                        f"{secs(med(cpu), 3)} ({secs(min(cpu), 3)}–{secs(max(cpu), 3)})",
                        ratio(base_cpu / med(cpu)),
                        secs(med(wall), 3),
                        f"{levers['bytes'][doc][variant] / 1024:.0f} KiB",
                    ]
                )
            print(f"**Levers, {doc} report** (one process, median of {payload['repeats']})\n")
            print(md_table(["variant", "CPU per PDF (min–max)", "speed-up (CPU)", "wall per PDF", "PDF size"], rows))
            print()
    runs = payload["before_after"]["runs"]
    rows = []
    for job, label in (
        ("unit", f"`render_pdf`, unit report (per PDF, {payload['before_after']['units']} in a warm process)"),
        ("build", "`build data/mau --formats pdf` (whole command)"),
    ):
        before, after = runs[job]["before"], runs[job]["after"]
        ratios_wall = [b["wall"] / a["wall"] for b, a in zip(before, after, strict=True)]
        ratios_cpu = [b["cpu"] / a["cpu"] for b, a in zip(before, after, strict=True)]
        size = (lambda r: statistics.mean(r["bytes"])) if job == "unit" else (lambda r: r["bytes"] / r["pdfs"])
        rows.append(
            [
                label,
                secs(med([r["wall"] for r in before]), 3),
                secs(med([r["wall"] for r in after]), 3),
                ratio(med(ratios_wall)),
                secs(med([r["cpu"] for r in before]), 3),
                secs(med([r["cpu"] for r in after]), 3),
                ratio(med(ratios_cpu)),
                f"{size(before[0]) / 1024:.0f} → {size(after[0]) / 1024:.0f} KiB",
            ]
        )
    print(
        f"**Before ({payload['base']}) / after**, alternating; medians of {payload['repeats']} (unit PDFs) "
        f"and {payload['build_repeats']} (build)\n"
    )
    print(
        md_table(
            [
                "job",
                "wall before",
                "wall after",
                "speed-up (wall, pairwise median)",
                "CPU before",
                "CPU after",
                "speed-up (CPU)",
                "mean PDF size",
            ],
            rows,
        )
    )
    unchanged = all(r["environ_unchanged"] for r in runs["unit"]["after"])
    print(f"\nos.environ unchanged across the 'after' renders: {unchanged}")


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
