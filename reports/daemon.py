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

This module is the caller's side (`run_served`, `start_for_next_time`, `stop_all`) and the little
protocol both sides share; it imports only the standard library, since it runs before anything else in
every command. The daemon's side is reports/daemon_server.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import stat
import struct
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reports.errors import EXIT_BUG, EXIT_INTERRUPTED, INTERRUPTED  # (standard library only, as here)

ROOT = Path(__file__).resolve().parents[1]
SWITCH_ENV = "BAOCAO_DAEMON"  # "0", "off", "no", "false": never use or start the daemon
IDLE_ENV = "BAOCAO_DAEMON_IDLE"  # minutes without a command before the daemon stops
DEFAULT_IDLE_MINUTES = 30.0
NO_DAEMON_FLAG = "--no-daemon"
STOP_COMMAND = "stop-daemon"
SERVED_COMMANDS = frozenset({"build", "check"})  # and no command at all: the sample's build
# (SIGHUP: a closed terminal; Windows has none, and this module is imported there too, by build_reports.py)
FORWARDED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
STARTED_MESSAGE = (
    "Đã khởi động tiến trình nền để các lần chạy sau nhanh hơn (tự tắt khi lâu không dùng; "
    f"tắt ngay: build_reports.py {STOP_COMMAND}; xem README)."
)
_LENGTH = struct.Struct("!I")
_SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes on Linux
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

    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from reports.daemon_server import serve; serve({str(path)!r})"
    )
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
    return EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + signum


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
