"""Our `build` against the peer pipeline (docxtpl + LibreOffice, bench/peer/), side by side.

Every command runs as a whole process, the way a user runs it, and the contenders of a job take turns
(A B A B ...: one run of each per repeat), so a busy spell on the machine hits them alike. Jobs, each
on a folder made by genfolder.py (cached in bench/_work/, as bench_build.py does):

- `full:N`: the first build of an N-unit folder into an empty output folder: the consolidated report
  and N unit reports, DOCX + PDF. Ours: `build_reports.py build FOLDER --out TMP --no-daemon` (a first
  build on a machine has no background process to hand its work to, reports/daemon.py); below LARGE
  units also "ours, daemon running" (the same build handed to a running daemon); the peer:
  `bench/peer/peer_build.py FOLDER --out TMP`. All must write 2 x (N + 1) documents.
- `rebuild:N`: one unit resent one corrected figure. Each contender keeps its own copy of the folder
  and its own output folder, built once untimed; before each timed run one figure (`bd_luot_hoc_vien`
  of the first unit workbook that reports it) goes up or back down by 1, then the contender builds into
  the same output folder. Ours: `build` (whatever it does on a second run: the first build started
  the daemon, which the next ones are handed to); "ours, no daemon": `build --no-daemon`, all of it in
  the command's own process; the peer "smart": only
  the documents whose inputs changed (that unit's and the consolidated report); the peer "naive":
  `--full`, everything again. "Ours watching": `build_reports.py watch` running on a copy of its own
  (started and given its first build before the runs), each run `bench/watch_wait.py`, which changes
  the figure and returns when the watcher has put the new documents in place; its wall time is what
  watch_wait prints, from the workbook saved to the documents in place (the others are timed after the
  change too); its CPU column counts only watch_wait itself, not the watcher's work.
- `consolidated:N`: the consolidated report alone, DOCX + PDF (reading the folder included). Ours:
  `bench/peer/ours_consolidated.py`; the peer: `peer_build.py --only consolidated`.

Per run: wall seconds, CPU seconds of the process and everything it waited for (user + sys, which
counts the soffice processes), the 1-minute load average before it. Ratios are peer / ours (above 1:
ours is faster), of the medians and pair by pair. Debian's libharfbuzz-subset0 makes our PDFs much
cheaper; the comparison is meant for a plain machine without it, so the script refuses to run when the
library can be loaded (`--allow-harfbuzz-subset` to run anyway; it is recorded either way).

    python bench/bench_peer.py [--jobs full:60,rebuild:60,consolidated:600,full:600] [--repeats 3]
                               [--repeats-large 2] [--warmup 1] [--quick]
    python bench/bench_peer.py --from-json bench/results/<file>.json    (reprint the tables of a saved run)
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import benchutil as bu

PEER = bu.BENCH / "peer" / "peer_build.py"
OURS_CONSOLIDATED = bu.BENCH / "peer" / "ours_consolidated.py"
WATCH_WAIT = bu.BENCH / "watch_wait.py"
DEFAULT_JOBS = "full:60,rebuild:60,consolidated:600,full:600"
LARGE = 600  # jobs with at least this many units use --repeats-large
FLIP_CODES = ("bd_luot_hoc_vien", "dieu_dong", "luan_chuyen")
NO_DAEMON = "--no-daemon"
TARGETS = {"full": 3.0, "rebuild_vs_peer_smart": 2.0, "rebuild_vs_our_full": 5.0}


# --------------------------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------------------------


def harfbuzz_subset_loadable() -> bool:
    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.so"):
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def soffice_version() -> str:
    try:
        done = subprocess.run(["soffice", "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in ("docxtpl", "python-docx", "weasyprint"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    found["libreoffice"] = soffice_version()
    return found


# --------------------------------------------------------------------------------------------
# Running one command
# --------------------------------------------------------------------------------------------


def run(command: Sequence[str | Path]) -> dict[str, Any]:
    """Wall and CPU seconds of one command (and of every process it waited for), load before it."""
    load = bu.load_average()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, stdout = bu.run_timed([str(c) for c in command])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    return {"wall": seconds, "cpu": cpu, "load_before": load, "said": last}


def python(script: Path, *args: str | Path) -> list[str]:
    return [sys.executable, str(script), *(str(a) for a in args)]


def documents(out: Path) -> int:
    return bu.report_documents(out)


def sizes(out: Path) -> dict[str, int]:
    """Bytes of the consolidated PDF and DOCX and of the median unit PDF, to compare what each writes."""
    found: dict[str, int] = {}
    for path in out.rglob("bao-cao-tong-hop-*"):
        found[f"consolidated_{path.suffix[1:]}"] = path.stat().st_size
    unit_pdfs = [p.stat().st_size for p in out.rglob("don-vi/*.pdf")]
    if unit_pdfs:
        found["unit_pdf_median"] = int(statistics.median(unit_pdfs))
    return found


# --------------------------------------------------------------------------------------------
# Jobs: each contender is (name, prepare, command); prepare runs untimed before each run
# --------------------------------------------------------------------------------------------


@dataclass
class Contender:
    name: str
    command: Callable[[Path], list[str]]  # output folder -> command
    prepare: Callable[[], None] = lambda: None
    expect: int | None = None  # documents the output folder must hold afterwards
    fresh: bool = True  # a new empty output folder for every run
    close: Callable[[], None] = lambda: None  # after the job (stops a watcher)
    # The wall time is what the command prints last (the watcher's, from the change saved to the
    # documents in place), not the command's own, which includes making the change.
    wall_printed: bool = False


def full_job(units: int) -> tuple[list[Contender], Path]:
    folder = bu.ensure_folder(units)
    expect = 2 * (units + 1)
    contenders = [
        Contender("ours", lambda out: bu.cli_command("build", folder, "--out", out, NO_DAEMON), expect=expect),
        Contender("peer", lambda out: python(PEER, folder, "--out", out), expect=expect),
    ]
    if units < LARGE:
        contenders.insert(
            1,
            Contender(
                "ours, daemon running",
                lambda out: bu.cli_command("build", folder, "--out", out),
                prepare=start_daemon,
                expect=expect,
                close=stop_daemons,
            ),
        )
    return contenders, folder


def start_daemon() -> None:
    """Have a daemon answering before the run (as after a user's first build); untimed."""
    if subprocess.run(bu.cli_command("stop-daemon"), capture_output=True, check=False).returncode != 0:
        raise RuntimeError("build_reports.py stop-daemon failed")
    subprocess.run(
        bu.cli_command("check", bu.ensure_folder(10), "--out", bu.WORK / "daemon-start"),
        capture_output=True,
        env=bu.subprocess_env(),
        check=False,
    )
    sys.path.insert(0, str(bu.ROOT))
    from reports import daemon

    path = daemon.socket_path()
    deadline = time.monotonic() + 60
    while path is None or not daemon._answers(path):
        if time.monotonic() > deadline:
            raise RuntimeError("the daemon did not start")
        time.sleep(0.1)
    time.sleep(3)  # its warm-up, which a user's next build rarely meets


def stop_daemons() -> None:
    subprocess.run(bu.cli_command("stop-daemon"), capture_output=True, check=False)


def consolidated_job(units: int) -> tuple[list[Contender], Path]:
    folder = bu.ensure_folder(units)
    return [
        Contender("ours", lambda out: python(OURS_CONSOLIDATED, folder, "--out", out), expect=2),
        Contender("peer", lambda out: python(PEER, folder, "--out", out, "--only", "consolidated"), expect=2),
    ], folder


def rebuild_job(units: int) -> tuple[list[Contender], Path]:
    """Each contender: its own copy of the folder and output folder, built once now (untimed)."""
    source = bu.ensure_folder(units)
    contenders = []
    runs = (("ours", None), ("ours, no daemon", [NO_DAEMON]), ("peer smart", []), ("peer naive", ["--full"]))
    for name, extra in runs:
        home = bu.WORK / f"rebuild-u{units}-{name.replace(' ', '-')}"
        shutil.rmtree(home, ignore_errors=True)
        data, out = home / "data", home / "out"
        shutil.copytree(source, data)
        flip = Flip(data)

        def command(_out: Path, data: Path = data, out: Path = out, extra: list[str] | None = extra) -> list[str]:
            if extra is None or NO_DAEMON in extra:
                return bu.cli_command("build", data, "--out", out, *(extra or []))
            return python(PEER, data, "--out", out, *extra)

        bu.log(f"  first build for {name} (untimed) ...")
        bu.run_timed(command(out))
        contenders.append(Contender(name, command, prepare=flip, expect=None, fresh=False))
    contenders[0].close = stop_daemons
    contenders.append(watching(source, units))
    return contenders, source


def watching(source: Path, units: int) -> Contender:
    """`build_reports.py watch` running on its own copy: each run changes the figure and waits until the
    watcher has put the new documents in place (bench/watch_wait.py), as a clerk waits after saving."""
    home = bu.WORK / f"rebuild-u{units}-ours-watching"
    shutil.rmtree(home, ignore_errors=True)
    data, out = home / "data", home / "out"
    shutil.copytree(source, data)
    log = (home / "watch.log").open("w", encoding="utf-8")
    watcher = subprocess.Popen(
        bu.cli_command("watch", data, "--out", out), cwd=bu.ROOT, env=bu.subprocess_env(), stdout=log, stderr=log
    )
    bu.log("  first build for ours watching (untimed) ...")
    deadline = time.monotonic() + 1800
    while "Đang theo dõi" not in (home / "watch.log").read_text(encoding="utf-8"):
        if watcher.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the watcher did not start: see {home / 'watch.log'}")
        time.sleep(0.2)

    def stop() -> None:
        watcher.terminate()
        watcher.wait(timeout=60)
        log.close()

    command = python(WATCH_WAIT, data, out)
    return Contender("ours watching", lambda _: command, expect=None, fresh=False, close=stop, wall_printed=True)


class Flip:
    """Changes one figure of one unit workbook: up by 1, then back, and so on (always a change)."""

    def __init__(self, folder: Path) -> None:
        from openpyxl import load_workbook

        self._load = load_workbook
        for path in sorted((folder / "nop").glob("*.xlsx")):
            found = self._find(path)
            if found:
                self.path, self.code, self.original = path, found[0], found[1]
                self.up = False
                bu.log(f"  the changed figure: {self.code} in {path.name} ({self.original} <-> {self.original + 1})")
                return
        raise RuntimeError(f"no unit workbook in {folder / 'nop'} reports any of {FLIP_CODES}")

    def _find(self, path: Path) -> tuple[str, int] | None:
        wb = self._load(path, read_only=True)
        try:
            if "SoLieu" not in wb.sheetnames:
                return None
            rows = list(wb["SoLieu"].iter_rows(values_only=True))
        finally:
            wb.close()
        values = _code_values(rows)
        for code in FLIP_CODES:
            if isinstance(values.get(code), int | float):
                return code, int(values[code])
        return None

    def __call__(self) -> None:
        self.up = not self.up
        wb = self._load(self.path)
        ws = wb["SoLieu"]
        header, code_col, value_col = _header(ws)
        for row in ws.iter_rows(min_row=header + 1):
            if row[code_col].value == self.code:
                row[value_col].value = self.original + (1 if self.up else 0)
                break
        wb.save(self.path)


def _code_values(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    for i, row in enumerate(rows):
        if "ma_chi_tieu" in row and "gia_tri" in row:
            code_col, value_col = row.index("ma_chi_tieu"), row.index("gia_tri")
            return {r[code_col]: r[value_col] for r in rows[i + 1 :] if len(r) > max(code_col, value_col)}
    return {}


def _header(ws: Any) -> tuple[int, int, int]:
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if "ma_chi_tieu" in values and "gia_tri" in values:
            return row[0].row, values.index("ma_chi_tieu"), values.index("gia_tri")
    raise RuntimeError("no header row in SoLieu")


JOB_KINDS: dict[str, Callable[[int], tuple[list[Contender], Path]]] = {
    "full": full_job,
    "rebuild": rebuild_job,
    "consolidated": consolidated_job,
}


def run_job(kind: str, units: int, repeats: int, warmup: int) -> dict[str, Any]:
    bu.log(f"{kind}:{units}: preparing ...")
    contenders, folder = JOB_KINDS[kind](units)
    try:
        return _runs(kind, units, repeats, warmup, contenders, folder)
    finally:
        for c in contenders:
            c.close()


def _runs(
    kind: str, units: int, repeats: int, warmup: int, contenders: list[Contender], folder: Path
) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {c.name: [] for c in contenders}
    output_sizes: dict[str, dict[str, int]] = {}
    for rep in range(warmup + repeats):
        counted = rep >= warmup
        for c in contenders:
            c.prepare()
            with bu.fresh_dir("peer-out-") as tmp:
                result = run(c.command(tmp))
                if c.wall_printed:
                    result["command_wall"], result["wall"] = result["wall"], float(result["said"])
                if c.expect is not None and documents(tmp) != c.expect:
                    raise RuntimeError(f"{kind}:{units} {c.name}: expected {c.expect} documents, got {documents(tmp)}")
                if c.fresh:
                    output_sizes[c.name] = sizes(tmp)
            label = "" if counted else " (warm-up, not counted)"
            wall_s, cpu_s, load = result["wall"], result["cpu"], result["load_before"]
            bu.log(f"  {c.name}: {wall_s:.1f} s wall, {cpu_s:.1f} s CPU, load {load:.2f}{label}")
            if counted:
                runs[c.name].append(result)
    return {"kind": kind, "units": units, "folder": folder.name, "runs": runs, "sizes": output_sizes}


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def wall(job: dict[str, Any], name: str) -> list[float]:
    return [r["wall"] for r in job["runs"].get(name, [])]


def med(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def pairwise(num: Sequence[float], den: Sequence[float]) -> float | None:
    pairs = [a / b for a, b in zip(num, den, strict=False) if b > 0]
    return statistics.median(pairs) if pairs else None


OURS_CPU_NOTE = (
    "Our CPU time is not shown: the build's workers are children of multiprocessing's fork server, which "
    "the build starts but does not wait for, so the system does not count them in the build's CPU time."
)


def report(payload: dict[str, Any]) -> None:
    jobs = payload["jobs"]
    rows = []
    for job in jobs:
        ours = wall(job, "ours")
        for name, runs in job["runs"].items():
            times = [r["wall"] for r in runs]
            cpu = [r["cpu"] for r in runs]
            load = [r["load_before"] for r in runs]
            is_ours = name.startswith("ours")
            rows.append(
                [
                    f"{job['kind']}, {job['units']} units",
                    name,
                    _spread(times),
                    "–" if is_ours else bu.secs(med(cpu), 1),  # see OURS_CPU_NOTE
                    f"{min(load):.1f}–{max(load):.1f}".replace(".", ",") if load else "–",
                    "" if is_ours else bu.ratio(_ratio(med(times), med(ours))),
                    "" if is_ours else bu.ratio(pairwise(times, ours)),
                ]
            )
    repeats, large, warmup = payload["repeats"], payload["repeats_large"], payload["warmup"]
    print(f"\nRuns per contender: {repeats} (large: {large}), warm-up {warmup}.")
    print(f"libharfbuzz-subset loadable: {payload['harfbuzz_subset']}. Versions: {payload['versions']}\n")
    headers = ["job", "who", "wall, median (min–max)", "CPU median", "load before"]
    headers += ["peer / ours", "pairwise"]
    print(OURS_CPU_NOTE + "\n")
    print(bu.md_table(headers, rows))
    print()
    print(bu.md_table(["target (issue 10)", "measured"], targets(jobs)))
    print()
    size_rows = [
        [f"{job['kind']}, {job['units']}", name, ", ".join(f"{k} {v // 1024} KiB" for k, v in s.items())]
        for job in jobs
        for name, s in job.get("sizes", {}).items()
    ]
    if size_rows:
        print(bu.md_table(["job", "who", "output sizes"], size_rows))


def _spread(times: Sequence[float]) -> str:
    if not times:
        return "–"
    return f"**{bu.secs(med(times), 1)}** ({bu.secs(min(times), 1)}–{bu.secs(max(times), 1)})"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(jobs: Sequence[dict[str, Any]]) -> list[list[str]]:
    by = {(j["kind"], j["units"]): j for j in jobs}
    rows = []
    for (kind, units), job in sorted(by.items()):
        ours = med(wall(job, "ours"))
        if kind == "full":
            rows.append([f"full build, {units}: peer / ours ≥ 3", bu.ratio(_ratio(med(wall(job, "peer")), ours))])
            warm = med(wall(job, "ours, daemon running"))
            if warm:
                ratio = _ratio(med(wall(job, "peer")), warm)
                rows.append([f"full build, {units}: peer / ours, daemon running ≥ 3", bu.ratio(ratio)])
        if kind == "rebuild":
            smart = _ratio(med(wall(job, "peer smart")), ours)
            rows.append([f"one unit changed, {units}: peer smart / ours ≥ 2", bu.ratio(smart)])
            alone_here = med(wall(job, "ours, no daemon"))
            if alone_here:
                smart = _ratio(med(wall(job, "peer smart")), alone_here)
                rows.append([f"one unit changed, {units}: peer smart / ours, no daemon ≥ 2", bu.ratio(smart)])
            watch = med(wall(job, "ours watching"))
            if watch:
                smart = _ratio(med(wall(job, "peer smart")), watch)
                rows.append([f"one unit changed, {units}: peer smart / ours watching ≥ 2", bu.ratio(smart)])
            full = by.get(("full", units))
            if full:
                ratio = _ratio(med(wall(full, "ours")), ours)
                rows.append([f"one unit changed, {units}: our full (first) / our rebuild ≥ 5", bu.ratio(ratio)])
                if alone_here:
                    ratio = _ratio(med(wall(full, "ours")), alone_here)
                    rows.append([f"one unit changed, {units}: our full / ours, no daemon ≥ 5", bu.ratio(ratio)])
                if watch:
                    ratio = _ratio(med(wall(full, "ours")), watch)
                    rows.append([f"one unit changed, {units}: our full / ours watching ≥ 5", bu.ratio(ratio)])
            alone = by.get(("consolidated", units))
            if alone:
                rows.append(
                    [
                        f"one unit changed, {units}: ours ≤ our consolidated alone",
                        f"{bu.secs(ours, 1)} vs {bu.secs(med(wall(alone, 'ours')), 1)}",
                    ]
                )
    return rows


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_jobs(text: str) -> list[tuple[str, int]]:
    jobs = []
    for item in text.split(","):
        kind, _, units = item.strip().partition(":")
        if kind not in JOB_KINDS or not units.isdigit():
            raise argparse.ArgumentTypeError(f"{item!r}: expected KIND:UNITS with KIND among {sorted(JOB_KINDS)}")
        jobs.append((kind, int(units)))
    return jobs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=parse_jobs, default=parse_jobs(DEFAULT_JOBS), help=f"({DEFAULT_JOBS})")
    parser.add_argument("--repeats", type=int, default=3, help="counted runs of each contender (3)")
    parser.add_argument("--repeats-large", type=int, help=f"counted runs for jobs of {LARGE}+ units (--repeats)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs of each contender first (1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: full:10, rebuild:10, consolidated:20, once")
    parser.add_argument("--allow-harfbuzz-subset", action="store_true")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS", help="only print the tables of a saved run")
    args = parser.parse_args(argv)
    if args.from_json:
        report(json.loads(args.from_json.read_text(encoding="utf-8")))
        return 0
    harfbuzz = harfbuzz_subset_loadable()
    if harfbuzz and not args.allow_harfbuzz_subset:
        bu.log("libharfbuzz-subset can be loaded here: apt-get remove libharfbuzz-subset0, or --allow-harfbuzz-subset.")
        return 2
    if shutil.which("soffice") is None:
        bu.log("soffice not found: apt-get install -y libreoffice-writer-nogui (see bench/README.md).")
        return 2
    if args.quick:
        args.jobs, args.repeats, args.warmup = parse_jobs("full:10,rebuild:10,consolidated:20"), 1, 1
    repeats_large = args.repeats_large or args.repeats
    started_at = dt.datetime.now()
    bu.warn_if_busy()
    machine = bu.machine_info()
    found_versions = versions()
    jobs: list[dict[str, Any]] = []
    payload = {
        "started": started_at.isoformat(timespec="seconds"),
        "machine": machine,
        "git_commit_at_end": bu.machine_info()["git_commit"],
        "versions": found_versions,
        "harfbuzz_subset": harfbuzz,
        "repeats": args.repeats,
        "repeats_large": repeats_large,
        "warmup": args.warmup,
        "jobs": jobs,
    }
    kind_name = "peer-quick" if args.quick else "peer"
    for kind, units in args.jobs:
        repeats = repeats_large if units >= LARGE else args.repeats
        jobs.append(run_job(kind, units, repeats, args.warmup))
        bu.save_results(kind_name, payload, started_at)  # after each job: a run stopped early keeps its figures
    payload["git_commit_at_end"] = bu.machine_info()["git_commit"]
    report(payload)
    path = bu.save_results(kind_name, payload, started_at)
    print(f"\nRaw timings: {path.relative_to(bu.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
