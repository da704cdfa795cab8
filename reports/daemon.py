"""A warm background process that `build` and `check` hand their work to, as Gradle's daemon does (Linux).

Why: a command's own process spends about a second before its first document (Python, pandas and
openpyxl imported; WeasyPrint imported, its stylesheet parsed, the templates compiled in the fork
server). On a rebuild after one unit's correction that second is a third of the time. This process
pays it once and keeps it.

How it works:
- The first command runs as always, in its own process; at its end it starts the daemon (detached, in
  its own session) unless one is running. The daemon binds its socket first, then warms up, then
  answers; a command that arrives during the warm-up waits for it.
- For each command the daemon forks a child, a copy of the warm process, and the child alone does the
  work: it takes the caller's standard streams (passed over the socket), working folder, environment,
  umask and arguments, runs `cli.main` exactly as `build_reports.py` would, and sends back the exit
  code. The daemon itself never runs a command, so nothing of one build is left for the next.
- Stale code never answers: the socket's name carries a fingerprint of the tool (its source and
  templates, the interpreter, the installed packages). After an update the caller finds no daemon under
  the new name and runs the command itself; the new daemon it starts stops the old one.
- Ctrl+C, `kill` and a closed terminal on the caller are passed on to the child.
- Private: the socket is in a folder only the user can open, and the daemon answers only its own user.
- Off with `--no-daemon` or BAOCAO_DAEMON=0; `build_reports.py stop-daemon` stops it; it stops by itself
  after BAOCAO_DAEMON_IDLE minutes without a command (default 30).

The caller's side (`run_served`, `start_for_next_time`) imports only the standard library: it runs
before anything else in every command.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import signal
import socket
import stat
import struct
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parents[1]
SWITCH_ENV = "BAOCAO_DAEMON"  # "0", "off", "no", "false": never use or start the daemon
IDLE_ENV = "BAOCAO_DAEMON_IDLE"  # minutes without a command before the daemon stops
DEFAULT_IDLE_MINUTES = 30.0
NO_DAEMON_FLAG = "--no-daemon"
STOP_COMMAND = "stop-daemon"
SERVED_COMMANDS = frozenset({"build", "check"})  # and no command at all: the sample's build
# (SIGHUP: a closed terminal; Windows has none, and this module is imported there too, by build_reports.py)
FORWARDED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
EXIT_BUG = 3
STARTED_MESSAGE = (
    "Đã khởi động tiến trình nền để các lần chạy sau nhanh hơn (tự tắt khi lâu không dùng; "
    f"tắt ngay: build_reports.py {STOP_COMMAND}; xem README)."
)
INTERRUPTED = "Đã dừng theo yêu cầu; không có tệp kết quả nào bị ghi dở."  # as cli.main says it
_LENGTH = struct.Struct("!I")
_SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes on Linux
_LOCK = -1  # the daemon's lock file, held while it starts, answers and stops
_SWITCHED_OFF = {"0", "off", "no", "false", "khong", "không"}


# --------------------------------------------------------------------------------------------
# The caller's side
# --------------------------------------------------------------------------------------------


def wanted(argv: Sequence[str]) -> bool:
    """Whether this command may go to the daemon: a build or a check, on Linux, not switched off, not
    on a Dask cluster (`--scheduler` connects from the caller's own process), not under a profiler."""
    if not _supported():
        return False
    if os.environ.get(SWITCH_ENV, "").strip().lower() in _SWITCHED_OFF:
        return False
    if any(a == NO_DAEMON_FLAG or a.startswith("--scheduler") for a in argv):
        return False
    if argv and argv[0] not in SERVED_COMMANDS:
        return False
    return sys.getprofile() is None and sys.gettrace() is None


def _supported() -> bool:
    """Linux only: macOS must not fork a process that has loaded GLib (Pango), Windows cannot fork."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and hasattr(os, "getuid")


def run_served(argv: Sequence[str]) -> int | None:
    """The command's exit code, the daemon having run it; None when no daemon took it (run it here)."""
    if not wanted(argv):
        return None
    path = socket_path()
    if path is None:
        return None
    with _PassedOn() as signals, socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        try:
            client.connect(str(path))
            _send_request(client, argv)
            child = _read_number(client)
        except OSError:
            child = None
        if child is None:  # no daemon, or it went away before a child took the command
            return _stopped(signals.received[-1]) if signals.received else None
        signals.know(child)
        try:
            code = _read_number(client)
        except OSError:
            code = None
    return _exit_code(code, signals.received)


def start_for_next_time(argv: Sequence[str]) -> bool:
    """Start the daemon in the background for the next command, unless one is running or starting;
    whether one was started."""
    if not wanted(argv):
        return False
    path = socket_path()
    if path is None or _answers(path) or _starting(path):
        return False
    import subprocess

    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from reports.daemon import serve; serve({str(path)!r})"
    try:
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
        )
    except OSError:
        return False
    return True


def _starting(path: Path) -> bool:
    """Whether a daemon holds this socket's lock (it is warming up before it listens, or stopping)."""
    import fcntl

    try:
        lock = os.open(path.with_suffix(".lock"), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(lock)
    return False


def stop_all() -> int:
    """Stop every daemon of this user (any version of the tool); how many were asked to."""
    folder = socket_folder() if _supported() else None
    if folder is None:
        return 0
    return sum(_ask_to_stop(path) for path in sorted(folder.glob("d-*.sock")))


def socket_folder() -> Path | None:
    """The user's private folder of daemon sockets (created 0700), or None when none can be trusted."""
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    folder = Path(base) / f"bao-cao-dang-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def socket_path() -> Path | None:
    folder = socket_folder()
    if folder is None:
        return None
    path = folder / f"d-{fingerprint()}.sock"
    return path if len(os.fsencode(path)) <= _SOCKET_PATH_LIMIT else None


def fingerprint() -> str:
    """What a daemon must have been started from to run this caller's command: the interpreter, the
    installed packages (the names in site-packages: a package's `*.dist-info` folder carries its
    version), and every file of the tool's source and bundled templates (time and size).

    Not the site-packages folder's time: Python changes it when it first compiles a module there."""
    digest = hashlib.sha256()
    for text in (sys.executable, sys.version, str(ROOT)):
        digest.update(text.encode("utf-8", "surrogateescape") + b"\0")
    for entry in sys.path:
        if "-packages" in entry and os.path.isdir(entry):
            names = sorted(n for n in os.listdir(entry) if n != "__pycache__")
            digest.update("\0".join([entry, *names]).encode("utf-8", "surrogateescape") + b"\n")
    for folder in (ROOT / "reports", ROOT / "templates"):
        for relative, info in _files(folder):
            digest.update(f"{relative}\0{info.st_mtime_ns}\0{info.st_size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:20]


def _files(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    for current, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names):
            path = os.path.join(current, name)
            with contextlib.suppress(OSError):
                yield os.path.relpath(path, folder), os.stat(path)


def _send_request(client: socket.socket, argv: Sequence[str]) -> None:
    request = {
        "argv": list(argv),
        "argv0": sys.argv[0] if sys.argv else "build_reports.py",
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": _current_umask(),
        "streams": [_stream_setting(sys.stdout), _stream_setting(sys.stderr)],
    }
    _send_message(client, request, fds=[0, 1, 2])


def _stream_setting(stream: Any) -> tuple[str, str]:
    return (getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict")


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _PassedOn:
    """While the command runs in the daemon's child: Ctrl+C, `kill` and a closed terminal reach the
    caller, which passes them on to the child (remembered until the child is known)."""

    def __init__(self) -> None:
        self.child: int | None = None
        self.received: list[int] = []
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _PassedOn:
        self._previous = {s: signal.signal(s, self._handle) for s in FORWARDED_SIGNALS}
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def know(self, child: int) -> None:
        self.child = child
        for signum in self.received:
            self._send(signum)

    def _handle(self, signum: int, _frame: Any) -> None:
        self.received.append(signum)
        self._send(signum)

    def _send(self, signum: int) -> None:
        if self.child is not None:
            with contextlib.suppress(OSError):
                os.kill(self.child, signum)


def _exit_code(code: int | None, received: Sequence[int]) -> int:
    """The child's exit code; when it ended without one, what the signal it was sent means, or a bug."""
    if code is not None:
        return code
    if received:
        return 128 + received[-1]
    print(
        "Lỗi: tiến trình nền của công cụ dừng bất thường giữa chừng (không có tệp kết quả nào bị ghi dở). "
        f"Chạy lại lệnh; nếu lỗi lặp lại, thêm {NO_DAEMON_FLAG}.",
        file=sys.stderr,
    )
    return EXIT_BUG


def _stopped(signum: int) -> int:
    """Stopped before the command started anywhere: nothing was done."""
    print(f"\n{INTERRUPTED}", file=sys.stderr)
    return 130 if signum == signal.SIGINT else 128 + signum


def _answers(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
        return True


def _ask_to_stop(path: Path) -> bool:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(5)
    with client:
        try:
            client.connect(str(path))
            _send_message(client, {"stop": True})
            client.recv(1)  # the daemon closes the connection once it has stopped listening
        except OSError:
            return False
    return True


def _send_message(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogateescape")
    data = _LENGTH.pack(len(body)) + body
    sent = socket.send_fds(sock, [data], list(fds)) if fds else sock.send(data)
    sock.sendall(data[sent:])


def _read_number(sock: socket.socket) -> int | None:
    data = _read_exactly(sock, _LENGTH.size)
    return None if data is None else _LENGTH.unpack(data)[0]


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# --------------------------------------------------------------------------------------------
# The daemon's side
# --------------------------------------------------------------------------------------------


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
        except BaseException:  # before the command's own handling (Ctrl+C is handled in _run_command)
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
    try:
        from reports.cli import main

        return main(argv)
    except KeyboardInterrupt:  # Ctrl+C before `main` took charge of it
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return 130
    except SystemExit as exc:  # argparse: --help, a usage error
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def _end_child(connection: socket.socket, code: int) -> NoReturn:
    """As `cli.exit_now`: the exit handlers, flushed streams, then the code to the caller and `os._exit`."""
    import atexit

    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(OSError):
        connection.sendall(_LENGTH.pack(code))
    os._exit(code)


def _idle_seconds() -> float:
    try:
        minutes = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return max(minutes, 0.05) * 60
