"""The least time a full build can take on this machine: the CPU its documents need, over the cores.

Issue 10 asks a full first build to be 3x faster than docxtpl + LibreOffice on two cores. Whatever the
scheduling, a build cannot finish before its documents have been laid out and written, and those are
CPU-bound (WeasyPrint, python-docx). This script measures that work alone, in one warm process, one
document after the other, with `time.process_time` (steady on a shared machine):

- every unit report of an N-unit folder (`bench/genfolder.py`, the one bench_peer.py uses): its PDF
  (`reports.render.pdf.render_pdf`) and its DOCX (`reports.render.docx.render_docx`), from the HTML
  `build` makes (`benchutil.unit_html`);
- the consolidated report: the same, all its PDF parts laid out here one after the other.

Left out, so the floor is lower than any real build: starting Python, reading and checking the
workbooks, aggregating, the contexts and templates, the conference handout, the check report, hashing and
writing the files. WeasyPrint is imported, its stylesheet parsed and one document rendered before the
clock starts.

    floor = (CPU of the documents) / cores        budget = (the peer's full build, median wall) / 3

If the floor is above the budget, no scheduling of these documents meets the target on this machine.
The peer's figure is read from the newest `bench/results/*_peer_*.json` that has a `full` job for N
units (`--peer-seconds` to give it instead).

    .venv/bin/python bench/bench_floor.py [--units 60] [--repeats 3] [--peer-seconds S]

A Markdown table on stdout, progress on stderr, raw figures in bench/results/<date>_<time>_floor_<N>cpu.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchutil import (
    RESULTS,
    consolidated_html,
    cpu_count,
    ensure_folder,
    load_average,
    log,
    machine_info,
    md_table,
    ratio,
    save_results,
    secs,
    unit_html,
)

TARGET = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peer-seconds", type=float, default=None, help="the peer's full build, wall seconds")
    parser.add_argument("--batched", type=int, default=20, help="units laid out as one document (0: skip)")
    args = parser.parse_args()
    started = dt.datetime.now()

    from reports.intake import load_folder

    folder = ensure_folder(args.units)
    dataset = load_folder(folder).dataset()
    codes = [str(code) for code in dataset.figures.index]
    log(f"{len(codes)} units in {folder.name}; rendering the HTML ...")
    documents = {"consolidated": consolidated_html(dataset)} | {code: unit_html(dataset, code) for code in codes}
    warm_up(documents[codes[0]])

    load = load_average()
    runs = [measure(documents, repeat, args.repeats) for repeat in range(args.repeats)]
    peer, peer_source = peer_full_build(args.units, args.peer_seconds)
    payload = summarise(runs, cpu_count(), peer, peer_source, args.units)
    if args.batched:
        payload["batched"] = measure_batched([documents[code] for code in codes[: args.batched]], args.repeats)
    payload |= {"started": started.isoformat(timespec="seconds"), "machine": machine_info(), "load_before": load}
    print_table(payload)
    path = save_results("floor", payload, started)
    log(f"raw figures: {path.relative_to(RESULTS.parent.parent)}")
    return 0


def warm_up(html: str) -> None:
    from reports.render.docx import render_docx
    from reports.render.pdf import render_pdf

    render_pdf(html)
    render_docx(html)


def measure(documents: dict[str, str], repeat: int, repeats: int) -> dict[str, Any]:
    """CPU seconds of each document's PDF and DOCX, and its pages, rendered one after the other."""
    from pypdf import PdfReader

    from reports.render.docx import render_docx
    from reports.render.pdf import render_pdf

    log(f"repeat {repeat + 1}/{repeats}: {len(documents)} documents ...")
    result: dict[str, Any] = {}
    for name, html in documents.items():
        pdf_cpu, pdf = cpu(partial(render_pdf, html))
        docx_cpu, _ = cpu(partial(render_docx, html))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        result[name] = {"pdf_cpu": pdf_cpu, "docx_cpu": docx_cpu, "pages": pages}
    return result


def measure_batched(units: list[str], repeats: int) -> dict[str, Any]:
    """Per unit, the PDF's CPU when each unit is its own WeasyPrint document and when all of `units` are
    laid out as one (their bodies one after the other, each unit's section starting a page).

    What laying out many unit reports at once would save at most, before splitting the PDF again:
    the per-document costs (parsing, the cascade's set-up, embedding the fonts once per file).
    """
    from reports.render.pdf import lay_out, write

    head = units[0][: units[0].index("<body>") + len("<body>")]
    bodies = (html[html.index("<body>") + len("<body>") : html.index("</body>")] for html in units)
    joined = head + "\n".join(bodies) + "</body></html>"
    write(lay_out(joined), joined)
    log(f"batched: {len(units)} unit reports, separately and as one document, {repeats} repeats ...")
    runs = []
    for _ in range(repeats):
        layout_each, laid = cpu(lambda: [lay_out(html) for html in units])
        write_each, _ = cpu(partial(_write_all, laid, units))
        layout_joined, one = cpu(partial(lay_out, joined))
        write_joined, _ = cpu(partial(write, one, joined))
        runs.append([layout_each, write_each, layout_joined, write_joined])
    medians = [statistics.median(run[i] for run in runs) / len(units) for i in range(4)]
    return dict(zip(["layout_each", "write_each", "layout_joined", "write_joined"], medians, strict=True)) | {
        "units": len(units),
        "saving": 1 - (medians[2] + medians[3]) / (medians[0] + medians[1]),
    }


def _write_all(laid: list[Any], units: list[str]) -> list[bytes]:
    from reports.render.pdf import write

    return [write(doc, html) for doc, html in zip(laid, units, strict=True)]


def cpu(work: Callable[[], Any]) -> tuple[float, Any]:
    before = time.process_time()
    value = work()
    return time.process_time() - before, value


def peer_full_build(units: int, given: float | None) -> tuple[float | None, str]:
    """The peer's median full-build wall time for `units`, from the newest peer results that have it."""
    if given is not None:
        return given, "--peer-seconds"
    for path in sorted(RESULTS.glob("*_peer_*.json"), reverse=True):
        data = json.loads(path.read_text(encoding="utf-8"))
        for job in data.get("jobs", []):
            runs = job.get("runs", {}).get("peer", [])
            if job.get("kind") == "full" and job.get("units") == units and runs:
                return statistics.median(run["wall"] for run in runs), path.name
    return None, "none found"


def summarise(
    runs: list[dict[str, Any]], cores: int, peer: float | None, peer_source: str, units: int
) -> dict[str, Any]:
    def total(key: str, units: bool | None) -> float:
        """Median over the repeats of `key` summed over the unit reports (True), the consolidated report
        (False) or every document (None)."""
        return statistics.median(
            sum(doc[key] for name, doc in run.items() if units in (None, name != "consolidated")) for run in runs
        )

    cpu = {
        "unit_pdf": total("pdf_cpu", True),
        "unit_docx": total("docx_cpu", True),
        "consolidated_pdf": total("pdf_cpu", False),
        "consolidated_docx": total("docx_cpu", False),
    }
    cpu["documents"] = sum(cpu.values())
    pages = {
        "units": sum(doc["pages"] for name, doc in runs[0].items() if name != "consolidated"),
        "consolidated": runs[0]["consolidated"]["pages"],
    }
    cpu["pdf_per_page"] = total("pdf_cpu", None) / (pages["units"] + pages["consolidated"])
    floor = cpu["documents"] / cores
    return {
        "units": units,
        "cores": cores,
        "repeats": len(runs),
        "runs": runs,
        "pages": pages,
        "cpu": cpu,
        "floor_wall": floor,
        "peer_full_wall": peer,
        "peer_source": peer_source,
        "budget_wall": peer / TARGET if peer is not None else None,
        "best_ratio": peer / floor if peer is not None else None,
    }


def print_table(payload: dict[str, Any]) -> None:
    c, p = payload["cpu"], payload["pages"]
    rows = [
        [f"{payload['units']} unit reports, PDF ({p['units']} pages)", secs(c["unit_pdf"])],
        [f"{payload['units']} unit reports, DOCX", secs(c["unit_docx"])],
        [f"consolidated report, PDF ({p['consolidated']} pages)", secs(c["consolidated_pdf"])],
        ["consolidated report, DOCX", secs(c["consolidated_docx"])],
        ["**the documents, CPU**", f"**{secs(c['documents'])}**"],
        [f"floor: CPU / {payload['cores']} cores", f"**{secs(payload['floor_wall'])}**"],
        [f"the peer's full build, median wall ({payload['peer_source']})", secs(payload["peer_full_wall"])],
        [f"budget for {TARGET:g}x: the peer / {TARGET:g}", secs(payload["budget_wall"])],
        ["best ratio possible: the peer / floor", ratio(payload["best_ratio"])],
    ]
    heading = f"medians of {payload['repeats']} repeats, load {payload['load_before']:.1f}"
    print(md_table([heading, "s"], rows))
    print(f"\nPDF CPU per page: {c['pdf_per_page'] * 1000:.0f} ms")
    batched = payload.get("batched")
    if batched:
        each = (batched["layout_each"] + batched["write_each"]) * 1000
        joined = (batched["layout_joined"] + batched["write_joined"]) * 1000
        saved = batched["saving"] * c["unit_pdf"]
        floor = (c["documents"] - saved) / payload["cores"]
        best = ratio(payload["peer_full_wall"] / floor if payload["peer_full_wall"] else None)
        print(
            f"{batched['units']} unit reports laid out as one document: {joined:.0f} ms of PDF CPU a unit "
            f"against {each:.0f} ms one by one ({batched['saving'] * 100:.0f} % less); with every unit "
            f"report batched so, the floor would be {secs(floor)} and the best ratio {best}"
        )


if __name__ == "__main__":
    sys.exit(main())
