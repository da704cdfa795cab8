"""Time `python build_reports.py check FOLDER --out TMP` on N generated unit workbooks (target: <= 5 s for 600).

What it measures, each repeated and reported as median (min, max):

1. The command as a user runs it, as a subprocess: interpreter start, imports, reading and checking every
   file, writing the check report and the manifest, printing. Each run writes into a fresh, empty
   output folder. One untimed run first (compiles .pyc files, fills the page cache).
2. The bare interpreter (`python -c pass`) and the imports (`python -c "import reports.cli, reports.pipeline"`).
3. In one process, `reports.pipeline.check` split into its parts by wrapping the functions it calls:
   load_folder (last year's files, this year's files, the rules), check_report_xlsx, and the rest
   (writing the files, manifest). One untimed run first.

The folder is generated once by genfolder.py and cached in bench/_work/ by (units, seed, options).

    python bench/bench_check.py [--units 600] [--repeats 5] [--seed 1] [--last-year workbooks|csv|none]
                                [--quick]
    python bench/bench_check.py --from-json bench/results/<file>.json    (reprint the table of a saved run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import benchutil as bu

TARGET_SECONDS = 5.0


def time_command(folder: Path, repeats: int) -> list[float]:
    times = []
    with bu.fresh_dir("check-warmup-") as out:
        bu.run_timed(bu.cli_command("check", folder, "--out", out))
    for i in range(repeats):
        with bu.fresh_dir("check-out-") as out:
            seconds, _ = bu.run_timed(bu.cli_command("check", folder, "--out", out))
        times.append(seconds)
        bu.log(f"  check subprocess run {i + 1}/{repeats}: {seconds:.2f} s")
    return times


def time_startup(repeats: int) -> dict[str, list[float]]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "imports": [sys.executable, "-c", "import reports.cli, reports.pipeline"],
    }
    result: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        bu.run_timed(command)  # warm-up
    for _ in range(repeats):
        for name, command in commands.items():
            result[name].append(bu.run_timed(command)[0])
    return result


def time_in_process(folder: Path, repeats: int) -> tuple[list[dict[str, float]], list[str]]:
    """Per repeat: {probe path: seconds} for one in-process `pipeline.check`, plus "total"."""
    import reports.intake as intake
    import reports.output as output
    import reports.pipeline as pipeline

    probe = bu.Probe()
    probe.wrap(pipeline, "load_folder", "load_folder")
    # load_last_year runs in a second process (reports.intake._in_background) when last year's folder
    # is large, so it cannot be probed here: its cost shows as waiting, inside "rest" below.
    probe.wrap(intake, "read_submissions", "read")
    probe.wrap(intake, "validate", "validate")
    probe.wrap(pipeline, "check_report_xlsx", "check_report_xlsx")
    probe.wrap(output.OutputFolder, "commit", "manifest")
    runs = []
    try:
        for i in range(repeats + 1):
            probe.reset()
            with bu.fresh_dir("check-inproc-") as out:
                started = time.perf_counter()
                pipeline.check(folder, out)
                total = time.perf_counter() - started
            if i == 0:
                continue  # warm-up: lazy imports, caches
            runs.append({**probe.totals, "total": total})
            bu.log(f"  in-process pipeline.check run {i}/{repeats}: {total:.2f} s")
    finally:
        probe.restore()
    return runs, probe.missing


def split_rows(runs: list[dict[str, float]]) -> list[tuple[str, list[float]]]:
    """Named parts of pipeline.check, derived per run so that medians come from the same runs."""

    def part(run: dict[str, float], key: str) -> float:
        return run.get(key, 0.0)

    def rows_of(run: dict[str, float]) -> dict[str, float]:
        load = part(run, "load_folder")
        read = part(run, "load_folder/read")
        check = part(run, "load_folder/validate")
        return {
            "pipeline.check, in process": run["total"],
            "· load_folder": load,
            "·· this year (nop/): read": read,
            "·· this year: rules (validate)": check,
            "·· settings, don-vi.csv, waiting for last year (2nd process), rest": load - read - check,
            "· check report (check_report_xlsx)": part(run, "check_report_xlsx"),
            "· manifest (hashes every input)": part(run, "manifest"),
            "· writing files, rest": run["total"] - load - part(run, "check_report_xlsx") - part(run, "manifest"),
        }

    per_run = [rows_of(run) for run in runs]
    return [(name, [r[name] for r in per_run]) for name in per_run[0]]


def report(payload: dict[str, Any]) -> None:
    """Print the Markdown table from a results payload (a live run's, or one loaded from bench/results/)."""
    seconds = payload["seconds"]
    command, startup, runs = seconds["command"], seconds["startup"], seconds["in_process"]
    cmd = bu.summary(command)
    inproc_median = bu.summary([r["total"] for r in runs])["median"]
    last_year_files = payload.get("last_year_files", "?")
    title = (
        f"`build_reports.py check`: {payload['workbooks']} unit workbooks in nop/, nam-truoc/ = "
        f"{payload['last_year']} ({last_year_files} files); {payload['machine']['cpus']} cores, "
        f"{payload['started'][:10]}, median of {len(command)}"
    )
    verdict = "met" if cmd["median"] <= TARGET_SECONDS else "NOT met"
    rows: list[list[str]] = [
        [
            "**full command (subprocess)**",
            f"**{bu.secs(cmd['median'])}**",
            bu.secs(cmd["min"]),
            bu.secs(cmd["max"]),
            f"target ≤ {bu.secs(TARGET_SECONDS, 0)}: {verdict}",
        ]
    ]
    for name, values in startup.items():
        s = bu.summary(values)
        rows.append([f"· {name} (subprocess)", bu.secs(s["median"]), bu.secs(s["min"]), bu.secs(s["max"]), ""])
    rows.append(
        [
            "· command − in-process check (start, imports, printing)",
            bu.secs(cmd["median"] - inproc_median),
            "",
            "",
            "difference of medians",
        ]
    )
    for name, values in split_rows(runs):
        s = bu.summary(values)
        share = f"{s['median'] / cmd['median'] * 100:.0f} % of the command"
        rows.append([name, bu.secs(s["median"]), bu.secs(s["min"]), bu.secs(s["max"]), share])
    print(f"\n### {title}\n")
    print(bu.md_table(["what", "median", "min", "max", "note"], rows))
    if payload.get("not_measured"):
        print(f"\nNot measured (function not found, code changed?): {', '.join(payload['not_measured'])}")
    load = payload["load_average"]
    print(
        f"\n1-minute load average {load['before']:.2f} before the run"
        + (" (busy: other work shared the CPU)" if load["before"] >= 1.0 else "")
        + f", {load['after']:.2f} at the end (includes the benchmark itself)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=600, help="unit workbooks to generate (default 600)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each measurement (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--last-year",
        choices=bu.LAST_YEAR_MODES,
        default="workbooks",
        help="nam-truoc/: one workbook per unit (default, as a clerk keeps them), one CSV, or none",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 units, 1 repeat")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS", help="only print the table of a saved run")
    args = parser.parse_args(argv)
    if args.from_json:
        report(json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0
    if args.quick:
        args.units, args.repeats = 10, 1
    started_at = dt.datetime.now()
    bu.warn_if_busy()
    load_before = bu.load_average()
    machine = bu.machine_info()  # the commit when the run starts; other people may commit meanwhile

    folder = bu.ensure_folder(args.units, seed=args.seed, combined=0, last_year=args.last_year)
    workbooks = bu.count_files(folder / "nop", "*.xlsx")
    last_year_files = bu.count_files(folder / "nam-truoc", "*.*") if (folder / "nam-truoc").is_dir() else 0
    bu.log(f"timing `build_reports.py check` on {folder.relative_to(bu.ROOT)}, {args.repeats} runs ...")
    command = time_command(folder, args.repeats)
    startup = time_startup(args.repeats)
    bu.log("timing pipeline.check in process ...")
    runs, missing = time_in_process(folder, args.repeats)
    load_after = bu.load_average()

    payload: dict[str, Any] = {
        "benchmark": "check",
        "started": started_at.isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else list(argv),
        "units": args.units,
        "seed": args.seed,
        "last_year": args.last_year,
        "quick": args.quick,
        "workbooks": workbooks,
        "last_year_files": last_year_files,
        "folder": str(folder.relative_to(bu.ROOT)),
        "load_average": {"before": load_before, "after": load_after},
        "machine": machine,
        "git_commit_at_end": bu.machine_info()["git_commit"],
        "seconds": {
            "command": command,
            "startup": startup,
            "in_process": runs,
        },
        "not_measured": missing,
        "target_seconds": TARGET_SECONDS,
    }
    report(payload)
    path = bu.save_results("check-quick" if args.quick else "check", payload, started_at)
    print(f"\nRaw timings: {path.relative_to(bu.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
