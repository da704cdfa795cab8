"""Read a risky workbook in a worker process, so that a native abort costs only that file.

python-calamine is Rust: on a grid it cannot allocate it aborts the process (SIGABRT), which no
`except` catches. Open XML workbooks are measured before they are read (reports.sheetscan); the
others (.xls, .xlsb, .ods) and the rare .xlsx the measure cannot vouch for are read here, in one
long-lived worker process: started on first use, restarted after a crash. The worker has a memory
ceiling and prints nothing (a Rust panic message is not for the clerk); a file it does not finish in
`TIMEOUT` seconds is given up and the worker is replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from reports.tables import Grid, UnreadableFile, read_grids

TIMEOUT = 45.0  # seconds for one file
MEMORY_LIMIT = 1 << 30  # bytes of address space the worker may add to what it starts with

_CRASHED = "trình đọc bảng tính bị dừng đột ngột khi mở tệp (tệp hỏng hoặc quá lớn)"
_TIMED_OUT = f"đọc quá {TIMEOUT:.0f} giây (tệp hỏng hoặc quá lớn)"


class _Worker:
    def __init__(self) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context: Any = multiprocessing.get_context(method)
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        self.owner = os.getpid()  # a process forked later must not share this pipe
        child.close()

    def read(self, path: Path, errors: dict[str, dict[tuple[int, int], str]] | None) -> Any:
        self.conn.send((str(path), errors))
        if not self.conn.poll(TIMEOUT):
            raise TimeoutError
        return self.conn.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


_worker: _Worker | None = None


def read_isolated(
    path: Path, errors: dict[str, dict[tuple[int, int], str]] | None = None
) -> list[tuple[str, Grid, list[tuple[int, int]]]]:
    """`read_grids(path)` in the worker; an abort, a hang or a broken pipe becomes `UnreadableFile`."""
    global _worker
    if _worker is None or _worker.owner != os.getpid() or not _worker.process.is_alive():
        _worker = _Worker()
    try:
        kind, payload = _worker.read(path, errors)
    except TimeoutError:
        _discard()
        raise UnreadableFile(_TIMED_OUT) from None
    except (EOFError, OSError, BrokenPipeError):
        _discard()
        raise UnreadableFile(_CRASHED) from None
    if kind == "ok":
        return payload
    if kind == "unreadable":
        raise UnreadableFile(payload)
    raise UnreadableFile(f"không đọc được tệp ({payload})")


def _discard() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(_discard)


def _serve(conn: Connection) -> None:
    """The worker's loop: read each path it is sent, answer ("ok", grids) or a reason."""
    _quiet()
    _limit_memory()
    while True:
        try:
            name, errors = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer: tuple[str, Any] = ("ok", read_grids(Path(name), errors))
        except UnreadableFile as exc:
            answer = ("unreadable", exc.reason)
        except MemoryError:
            answer = ("unreadable", "tệp quá lớn so với bộ nhớ dành cho một biểu")
        except Exception as exc:  # a reader's bug on a strange file: that file is unreadable, not the run
            answer = ("error", f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def _quiet() -> None:
    """A native crash message (Rust's 'memory allocation failed') must not reach the clerk's screen."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    except OSError:
        pass


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no ceiling, the process boundary still isolates a crash
        return
    try:
        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 0
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + MEMORY_LIMIT
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
