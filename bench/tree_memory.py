"""Peak memory of a command and every process it starts, the fork server's workers included.

`/usr/bin/time -v` and farm-bench see only the processes the command waits for; a build's workers are
children of multiprocessing's fork server, which the build starts but does not wait for. This samples the
resident memory of every process descending from the command (the fork server is the build's child, the
workers are the server's) every 0,2 s, and prints the largest single process and the largest sum seen.

    .venv/bin/python bench/tree_memory.py -- .venv/bin/python build_reports.py build FOLDER --out OUT

A build handed to the tool's background process (reports/daemon.py) runs in a child of that process,
not of the command: the daemon and everything under it count too (RSS counts the pages a forked child
shares with the daemon in both, so the sum is an upper bound). The proportional sum (PSS, from
/proc/PID/smaps_rollup: a page shared by n processes counts 1/n in each) is printed too: the memory the
processes take together.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident KiB) of every process readable in /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            rss_pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        found[int(entry.name)] = (parent, rss_pages * os.sysconf("SC_PAGE_SIZE") // 1024)
    return found


def _tree(root: int, table: dict[int, tuple[int, int]]) -> set[int]:
    members = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if pid not in members and parent in members:
                members.add(pid)
                grew = True
    return members


def _pss(pid: int) -> int:
    """KiB of the process's proportional set size; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _daemons() -> set[int]:
    """The tool's background processes (their command line names reports.daemon_server's serve)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"reports.daemon_server import serve" in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def main(command: list[str]) -> int:
    started = time.perf_counter()
    child = subprocess.Popen(command)
    peak_one = peak_sum = peak_pss = 0
    while child.poll() is None:
        table = _processes()
        roots = {child.pid, *_daemons()}
        members = set().union(*(_tree(root, table) for root in roots))
        sizes = [table[pid][1] for pid in members if pid in table]
        peak_one, peak_sum = max(peak_one, max(sizes, default=0)), max(peak_sum, sum(sizes))
        peak_pss = max(peak_pss, sum(_pss(pid) for pid in members))
        time.sleep(0.2)
    print(
        f"exit {child.returncode}, {time.perf_counter() - started:.1f} s; largest process {peak_one / 1024:.0f} MiB, "
        f"all processes together at most {peak_sum / 1024:.0f} MiB (proportional set size {peak_pss / 1024:.0f} MiB)",
        file=sys.stderr,
    )
    return child.returncode


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[1:] if args and args[0] == "--" else args))
