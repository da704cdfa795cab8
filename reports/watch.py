"""Watching a data folder: what changed in it since the last look, once the change has settled.

In December a clerk rebuilds again and again as units resend corrected workbooks. The `watch`
command builds once, then waits here for the next change and builds again in the same process, so
a rebuild costs only what changed: no interpreter start, no imports, no warm-up of the renderers.

The folder is polled (its files' size and modification time, a few milliseconds for a thousand
files) rather than watched with inotify: data folders often sit on a shared network drive, where
change notifications do not arrive. A change is acted on only once the folder has stayed the same
for `settle` seconds, so a workbook still being copied or saved is not read half-written (Excel
writes a temporary file, then renames it). Lock and temporary files (Excel's `~$…`, LibreOffice's
`.~lock…#`, hidden files) and the output folder, when it lies inside the data folder, are ignored.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]  # relative path -> (size, modification time in ns)

POLL_SECONDS = 0.1  # the shortest time between two looks
SETTLE_SECONDS = 0.3
SCAN_SHARE = 0.05  # looking takes at most this share of the time while waiting


def snapshot(folder: Path, ignore: Iterable[Path] = ()) -> Snapshot:
    """Every file under `folder` that a build may read ("nop/x.xlsx": size, modification time).

    About 10 ms for a 600-unit folder with last year's (1 200 files); it runs every `POLL_SECONDS`,
    or less often when it takes longer (`next_change`).
    """
    root = os.path.abspath(folder)
    skipped = {os.path.normcase(os.path.abspath(p)) for p in ignore}
    found: Snapshot = {}
    stack = [(root, "")]
    while stack:
        current, prefix = stack.pop()
        try:
            entries = os.scandir(current)
        except OSError:  # removed or unreadable while we looked: seen as gone
            continue
        with entries:
            for entry in entries:
                if _ignored(entry.name):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if os.path.normcase(entry.path) not in skipped:
                            stack.append((entry.path, f"{prefix}{entry.name}/"))
                    elif entry.is_file():
                        info = entry.stat()
                        found[prefix + entry.name] = (info.st_size, info.st_mtime_ns)
                except OSError:
                    continue
    return found


def _ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name.endswith(("~", ".tmp", "#"))


@dataclass(frozen=True)
class Change:
    now: Snapshot
    paths: tuple[str, ...]  # added, changed or removed, relative to the folder, sorted


def changed(before: Snapshot, now: Snapshot) -> tuple[str, ...]:
    return tuple(sorted(p for p in before.keys() | now.keys() if before.get(p) != now.get(p)))


def next_change(
    folder: Path,
    before: Snapshot,
    ignore: Iterable[Path] = (),
    *,
    poll: float = POLL_SECONDS,
    settle: float = SETTLE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Change:
    """Wait until the folder differs from `before` and has then stayed the same for `settle` seconds.

    It looks every `poll` seconds, or less often when a look is slow (a large folder on a network
    drive): a watcher waiting for hours keeps to `SCAN_SHARE` of a core.
    """
    ignore = tuple(ignore)
    look = _Looker(folder, ignore, poll)
    now = look()
    while now == before:
        sleep(look.interval)
        now = look()
    quiet_since = clock()
    while clock() - quiet_since < settle:
        sleep(look.interval)
        later = look()
        if later != now:
            now, quiet_since = later, clock()
    return Change(now, changed(before, now))


@dataclass
class _Looker:
    folder: Path
    ignore: tuple[Path, ...]
    poll: float
    interval: float = 0.0

    def __call__(self) -> Snapshot:
        started = time.perf_counter()
        found = snapshot(self.folder, self.ignore)
        self.interval = max(self.poll, (time.perf_counter() - started) / SCAN_SHARE)
        return found
