"""One unit resends one corrected figure while `build_reports.py watch` runs; return once the watcher has
rebuilt (the documents its manifest records have changed: they are all put in place in one step). The
time this command takes is what the clerk waits between saving the workbook and having every document
up to date.

    python bench/watch_wait.py DATA OUT [--timeout 120]

DATA and OUT are the watcher's. For timing against the peer's smart rebuild with farm-bench (the
watcher started beforehand on the folders bench_peer.py --jobs rebuild:60 prepared):

    W=bench/_work
    .venv/bin/python build_reports.py watch $W/rebuild-u60-ours/data --out $W/rebuild-u60-ours/out &
    farm-bench -n 5 --timeout 600 \\
      --vs "sh -c '.venv/bin/python bench/flip_figure.py $W/rebuild-u60-peer-smart/data && \\
            exec .venv/bin/python bench/peer/peer_build.py $W/rebuild-u60-peer-smart/data \\
            --out $W/rebuild-u60-peer-smart/out'" \\
      -- .venv/bin/python bench/watch_wait.py $W/rebuild-u60-ours/data $W/rebuild-u60-ours/out

It prints the seconds from the workbook saved to the documents in place: bench_peer.py's rebuild job
times the watcher with that figure, since it times the other contenders after the change too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flip_figure import main as flip


def documents(out: Path) -> dict[Path, object]:
    """The documents each manifest under `out` records (all but the check report, which a build writes
    first, on its own): they change together, when a build puts its rendered files in place."""
    found: dict[Path, object] = {}
    for path in out.glob("*/manifest.json"):
        try:
            outputs = json.loads(path.read_text(encoding="utf-8"))["outputs"]
        except (OSError, ValueError, KeyError):  # being replaced right now: look again
            continue
        found[path] = {name: entry for name, entry in outputs.items() if not name.startswith("kiem-tra-so-lieu")}
    return found


def wait_for_rebuild(out: Path, before: dict[Path, object], timeout: float, poll: float = 0.01) -> float:
    """Seconds until the documents recorded under `out` differ from `before`; TimeoutError after `timeout`.

    The manifests are read again only when one of them has a new modification time: a 600-unit
    manifest takes milliseconds to parse, which every 10 ms would take CPU from the build it waits for.
    """
    started = time.monotonic()
    stamps = _stamps(out)
    while True:
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"no rebuild in {out} within {timeout} s: is the watcher running?")
        time.sleep(poll)
        now = _stamps(out)
        if now != stamps:
            stamps = now
            found = documents(out)
            if found and found != before:
                return time.monotonic() - started


def _stamps(out: Path) -> dict[Path, int]:
    found: dict[Path, int] = {}
    for path in out.glob("*/manifest.json"):
        try:
            found[path] = path.stat().st_mtime_ns
        except OSError:
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    before = documents(args.out)
    if not before:
        sys.exit(f"no manifest under {args.out}: start the watcher and let its first build finish")
    flip(args.data)
    seconds = wait_for_rebuild(args.out, before, args.timeout)
    print(f"{seconds:.3f}")  # from the workbook saved to the documents in place (bench_peer.py reads it)


if __name__ == "__main__":
    main()
