"""The daemon's side of reports/daemon.py: bind, warm up, then one forked child per command.

`serve` runs in the background process that `daemon.start_for_next_time` starts. The child of each
command takes the caller's place (streams, folder, environment, umask, arguments), runs `cli.main` and
ends in `_run_child` whatever happens: back in the daemon's loop it would serve, or clean up, as if it
were the daemon.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from reports.daemon import _LENGTH, DEFAULT_IDLE_MINUTES, IDLE_ENV, ROOT, _ask_to_stop, _read_exactly
from reports.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED

_LOCK = -1  # the daemon's lock file, held while it starts, answers and stops


def serve(path_text: str) -> None:
    """The daemon: bind, warm up, then fork a child per command until idle or asked to stop."""
    import fcntl

    global _LOCK
    sys.path[:] = import_path(sys.path)
    path = Path(path_text)
    _LOCK = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(_LOCK, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another daemon of this fingerprint is starting or running
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a socket left by a daemon that did not stop cleanly
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    bound = -1
    daemon = os.getpid()
    try:
        listener.bind(str(path))
        listener.listen(16)
        bound = os.stat(path).st_ino
        _warm_up()
        _stop_older(path)
        _answer(listener, path, bound)
    except BaseException:
        _log_failure(path)
    finally:
        if os.getpid() == daemon:  # (a child never gets here: it ends in _run_child)
            listener.close()
            if _still_ours(path, bound):
                path.unlink()
            with contextlib.suppress(OSError):
                os.unlink(path.with_suffix(".lock"))  # still held: a daemon starting now waits for none
        os._exit(0)


def _log_failure(path: Path) -> None:
    """Keep what stopped the daemon, or one command's child before it ran, beside its socket (the user's
    private folder): the daemon has no terminal to say it on."""
    import traceback

    with contextlib.suppress(OSError), open(path.with_suffix(".log"), "a", encoding="utf-8") as log:
        log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} pid {os.getpid()}\n{traceback.format_exc()}\n")


def import_path(paths: Sequence[str]) -> list[str]:
    """The daemon's sys.path: the tool's folder first, as for a command run directly, and not the current
    folder, which `python -c` puts there: a child works in its caller's folder, and a module imported
    later would be looked for among the clerk's files."""
    return [str(ROOT), *(p for p in paths if p not in ("", ".", str(ROOT)))]


def _stop_older(path: Path) -> None:
    """Stop the daemons of other versions of the tool bound before this one (an older daemon still
    warming up must not stop this newer one in turn)."""
    mine = os.stat(path).st_mtime_ns
    for other in path.parent.glob("d-*.sock"):
        with contextlib.suppress(OSError):
            if other != path and os.stat(other).st_mtime_ns <= mine:
                _ask_to_stop(other)


def _warm_up() -> None:
    """Import what a command uses and warm the renderers, once: every child starts with it.

    The renderers' warm-up is the fork server's (`reports.preload`); the other modules are imported
    (pandas, openpyxl, the readers), but nothing is read or built here.
    """
    import gc
    import importlib
    import pkgutil

    import reports

    for module in pkgutil.walk_packages(reports.__path__, "reports."):
        if module.name not in ("reports.preload", "reports.daemon"):
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)
    for name in ("python_calamine", "openpyxl", "xlsxwriter", "pypdf", "pptx", "zoneinfo"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    importlib.import_module("reports.preload")
    from reports.render.batch import fork_workers_from_here

    fork_workers_from_here()
    gc.collect()
    gc.freeze()


def _answer(listener: socket.socket, path: Path, bound: int) -> None:
    idle = _idle_seconds()
    last = time.monotonic()
    children: set[int] = set()
    stop = False

    def stop_now(_signum: int, _frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, stop_now)
    signal.signal(signal.SIGINT, stop_now)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while not stop:
        readable, _, _ = select.select([listener], [], [], 5.0)
        children = _reap(children)
        if children:
            last = time.monotonic()
        if readable:
            last = time.monotonic()
            try:
                stop = _take(listener, children)
            except Exception:  # one caller's request (a failed fork): the next one may well be served
                _log_failure(path)
        elif time.monotonic() - last > idle or not _still_ours(path, bound):
            return


def _take(listener: socket.socket, children: set[int]) -> bool:
    """Read one caller's request; fork its child. True when the request is to stop."""
    try:
        connection, _ = listener.accept()
    except OSError:
        return False
    with connection:
        if not _same_user(connection):
            return False
        connection.settimeout(10)
        try:
            request, fds = _receive_request(connection)
        except (OSError, ValueError):
            return False
        if request.get("stop"):
            for fd in fds:
                os.close(fd)
            listener.close()
            return True
        pid = os.fork()
        if pid == 0:
            listener.close()
            os.close(_LOCK)  # the lock is the daemon's: a child still running does not keep it
            _run_child(connection, request, fds)
        for fd in fds:
            os.close(fd)
        children.add(pid)
    return False


def _reap(children: set[int]) -> set[int]:
    running = set()
    for pid in children:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        if done == 0:
            running.add(pid)
    return running


def _still_ours(path: Path, bound: int) -> bool:
    """False once our socket file is gone or replaced (removed by hand, or the folder cleaned)."""
    try:
        return os.stat(path).st_ino == bound
    except OSError:
        return False


def _same_user(connection: socket.socket) -> bool:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _receive_request(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    header, fds, _flags, _address = socket.recv_fds(connection, _LENGTH.size, 3)
    if len(header) < _LENGTH.size:
        header += _read_exactly(connection, _LENGTH.size - len(header)) or b""
    if len(header) != _LENGTH.size:
        raise ValueError("short request")
    body = _read_exactly(connection, _LENGTH.unpack(header)[0])
    if body is None:
        raise ValueError("short request")
    request = json.loads(body.decode("utf-8", "surrogateescape"))
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request, list(fds)


def _run_child(connection: socket.socket, request: dict[str, Any], fds: list[int]) -> NoReturn:
    """In the forked child: become the caller's process, run its command, send the exit code, end.

    Whatever happens, the child ends here: back in the daemon's loop it would serve, or clean up, as if
    it were the daemon."""
    code = EXIT_BUG
    try:
        try:
            _take_the_callers_place(request, fds)
            connection.settimeout(None)
            connection.sendall(_LENGTH.pack(os.getpid()))
            code = _run_command(list(request["argv"]))
        except KeyboardInterrupt:  # passed on the moment the caller learnt this pid (`main` may not have begun)
            print(f"\n{INTERRUPTED}", file=sys.stderr)
            code = EXIT_INTERRUPTED
        except BaseException:  # taking the caller's place failed
            code = EXIT_BUG
        _end_child(connection, code)
    finally:
        os._exit(code)


def _take_the_callers_place(request: dict[str, Any], fds: list[int]) -> None:
    import io
    import locale
    import tempfile

    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    streams = request.get("streams") or [("utf-8", "strict"), ("utf-8", "backslashreplace")]
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding=streams[0][0], errors=streams[0][1], line_buffering=os.isatty(1)
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding=streams[1][0], errors=streams[1][1], line_buffering=True
    )
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.umask(int(request["umask"]))
    # What Python and the C library read from the environment once, read again from the caller's: the
    # time zone (TZ), the character type of the locale (as Python's start-up sets it), the temp folder.
    time.tzset()
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")
    tempfile.tempdir = None
    sys.argv = [str(request.get("argv0") or "build_reports.py"), *request["argv"]]


def _run_command(argv: list[str]) -> int:
    from reports.cli import main

    try:
        return main(argv)
    except SystemExit as exc:  # argparse: --help, a usage error
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def _end_child(connection: socket.socket, code: int) -> NoReturn:
    """As `cli.exit_now`: the exit handlers and flushed streams, then the code to the caller, `os._exit`."""
    from reports.cli import run_exit_handlers

    with contextlib.suppress(Exception):
        run_exit_handlers()
    with contextlib.suppress(OSError):
        connection.sendall(_LENGTH.pack(code))
    os._exit(code)


def _idle_seconds() -> float:
    try:
        minutes = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return max(minutes, 0.05) * 60
