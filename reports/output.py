"""The only module that writes outputs: staged writes, one commit step, the manifest, edited-file protection.

A build either completes or leaves the previous outputs and manifest as they were:

- `OutputFolder.write` (or `stage_path` + `add_staged`) puts each new file into a staging folder
  `<out>/<nam>/.dang-ghi-XXXX/` (same file system, so moving it into place is a rename). Nothing
  under its normal name changes while a build renders; the staging folder holds a lock of its own
  for as long as its build is alive.
- `OutputFolder.commit` then, holding the folder's lock (`<out>/<nam>/.khoa`), decides each file's
  final name against the manifest as it is now, writes that plan with the new manifest into a
  journal in the staging folder, renames the files into place, writes `manifest.json` (atomically,
  last) and deletes the journal. Ctrl+C and SIGTERM are held back for those milliseconds.
- A build killed at any moment (kill -9, power cut of the process) leaves a staging folder whose
  lock nobody holds. The next run, under the folder's lock, finishes its commit from the journal
  when there is one (every step is idempotent) or discards it when there is none. So the tool's own
  files always end up recorded with the hash they have, and are never mistaken for hand-edited ones.
- Two builds into the same folder render side by side in their own staging folders; their commits
  take turns on the lock, each against the manifest the other left, so the manifest stays whole.

Protection of edited outputs (unchanged): an output whose bytes no longer match the manifest was
changed by someone (a clerk drafting in Word), and a file the manifest does not know was not made by
us: neither is ever overwritten. The new file goes beside it with a numbered name
("bao-cao-tong-hop-2024 (2).docx") and the caller gets a `Diverted` note to warn about. The same
happens when the target cannot be replaced because it is open in another program.

New files get the permissions of the user's umask (they are created with `open`, mode 0666 & ~umask).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

from reports import __version__
from reports.errors import FileSystemError, UserError, file_system_error

MANIFEST = "manifest.json"
TOOL_NAME = "bao-cao-xay-dung-dang"
LOCK_FILE = ".khoa"  # in <out>/<nam>/, kept for good (deleting a lock file races with its next user)
STAGING_PREFIX = ".dang-ghi-"  # "being written": what a clerk sees if a build is running or was killed
STAGED_FILES = "files"  # inside a staging folder: the new outputs under their relative names
JOURNAL = "journal.json"  # inside a staging folder: present from the commit decision until it is done
STAGING_LOCK = "lock"  # inside a staging folder: locked by its build for as long as it lives
LOCK_TIMEOUT = 60.0  # seconds to wait for another build's commit (it normally takes well under a second)
DATA_SUBFOLDERS = ("nop", "nam-truoc", "templates", "hoi-nghi")  # read by the tool: never an output place
CRASH_ENV = "REPORTS_TEST_CRASH_AT"  # tests only: "<point>" or "<point>:INT" kills the process there


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Write `data` to `path` through a new file in the same folder and a rename.

    The new file is created with mode 0666 & ~umask (not mkstemp's 0600). `durable` flushes it to the
    disk before the rename, for the few files a later run must be able to trust (journal, manifest).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{attempt}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Diverted:
    """An output written under another name because the usual one holds someone's work."""

    wanted: Path
    written: Path
    reason: str  # Vietnamese, e.g. "tệp đã được sửa sau lần tạo trước"


EDITED = "tệp đã có sẵn và đã được sửa (hoặc không do công cụ tạo ra) nên được giữ nguyên"
LOCKED = "không ghi đè được tệp (có thể đang mở trong Word/Excel) nên được giữ nguyên"


@dataclass(frozen=True)
class _Staged:
    sha256: str
    size: int
    meta: Mapping[str, Any]


class OutputFolder:
    """`<out>/<nam>/`: stages outputs, then moves them into place and records them in one commit.

    Use as a context manager, or call `commit` then `close`; a folder dropped without a commit
    discards what it staged (also at interpreter exit, e.g. after Ctrl+C).

    `write` returns the path the file will have once committed, as foreseen from the manifest when
    the folder was opened; `commit` decides again against the manifest of that moment, so after it
    `written` and `diverted` are exact (they differ from the forecast only when another build or a
    person changed a file meanwhile).
    """

    def __init__(self, root: Path, build_date: dt.date, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.root = root
        self.build_date = build_date
        self.written: list[Path] = []
        self.diverted: list[Diverted] = []
        self._lock_timeout = lock_timeout
        self._staged: dict[str, _Staged] = {}
        self._committed = False
        _make_folder(root)
        try:
            with _folder_lock(root, lock_timeout):
                recover(root)
                self._staging, lock = _new_staging(root)
        except OSError as exc:
            raise file_system_error(exc, root, writing=True) from exc
        self._release = weakref.finalize(self, _release_staging, self._staging, lock)
        self._outputs = _load_outputs(root)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Give up the staging folder: deleted unless a commit in it must still be finished."""
        self._release()

    @property
    def staging(self) -> Path:
        return self._staging

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def recorded(self, rel: str) -> dict[str, Any] | None:
        """The manifest entry of `rel` when the folder was opened (sha256, bytes and any meta)."""
        entry = self._outputs.get(rel)
        return dict(entry) if entry is not None else None

    def is_ours(self, path: Path) -> bool:
        """True when `path` is missing, or holds exactly what this tool last wrote there."""
        return _is_ours(path, self.root, self._outputs)

    # --- staging ------------------------------------------------------------------------------------

    def write(self, rel: str, data: bytes, meta: Mapping[str, Any] | None = None) -> Path:
        """Stage one output; returns the path it is expected to get (numbered when the usual one is kept).

        `meta` (JSON-able) is stored in the file's manifest entry beside its sha256 and size.
        """
        staged = self.stage_path(rel)
        try:
            with staged.open("wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise file_system_error(exc, self.root, writing=True) from exc
        self._staged[_clean_rel(rel)] = _Staged(sha256_bytes(data), len(data), dict(meta or {}))
        _crash_point("write")
        return self._forecast(rel)

    def read_current(self, rel: str) -> bytes:
        """The bytes `rel` has in this build: staged when written in it, else the output as it is."""
        key = _clean_rel(rel)
        path = self.stage_path(key) if key in self._staged else self.root / key
        try:
            return path.read_bytes()
        except OSError as exc:
            raise file_system_error(exc, self.root, writing=False) from exc

    def stage_path(self, rel: str) -> Path:
        """Where to put the new `rel` in the staging folder, for a caller that writes it itself.

        Register it with `add_staged` once it is complete; a file left there unregistered is discarded.
        """
        self._check_open()
        path = self._staging / STAGED_FILES / _clean_rel(rel)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_system_error(exc, self.root, writing=True) from exc
        return path

    def add_staged(self, rel: str, meta: Mapping[str, Any] | None = None) -> Path:
        """Register a file the caller wrote at `stage_path(rel)`; returns its expected final path."""
        path = self.stage_path(rel)
        self._staged[_clean_rel(rel)] = _Staged(sha256_file(path), path.stat().st_size, dict(meta or {}))
        return self._forecast(rel)

    def _forecast(self, rel: str) -> Path:
        wanted = self.root / _clean_rel(rel)
        return wanted if self.is_ours(wanted) else _free_name(wanted, self.root, self._outputs)

    def _check_open(self) -> None:
        if self._committed or not self._release.alive:
            raise RuntimeError("OutputFolder is closed")

    # --- commit ----------------------------------------------------------------------------------

    def commit(self, inputs: Iterable[Path], data_folder: Path, extra: Mapping[str, Any]) -> Path:
        """Move every staged file into place and record inputs and outputs in the manifest, as one step.

        Entries of earlier runs are kept while their files exist. Returns the manifest's path.
        """
        self._check_open()
        header = self._manifest_header(inputs, data_folder, extra)  # hashing inputs needs no lock
        _crash_point("commit")
        try:
            with _folder_lock(self.root, self._lock_timeout), _interrupts_held():
                recover(self.root, skip=self._staging)
                journal = self._plan(header)
                _write_json(self._staging / JOURNAL, journal)
                _crash_point("journal")
                for move in _apply_journal(self.root, self._staging, journal, recovering=False):
                    self._renamed(move)
        except OSError as exc:  # what was decided is finished by the next run (the journal stays)
            raise file_system_error(exc, self.root, writing=True) from exc
        self._committed = True
        self.close()
        return self.root / MANIFEST

    def _renamed(self, move: Mapping[str, Any]) -> None:
        wanted = self.root / move["wanted"]
        moved = self.root / move["to"]
        self.diverted.append(Diverted(wanted, moved, LOCKED))
        self.written = [moved if path == wanted else path for path in self.written]

    def _manifest_header(self, inputs: Iterable[Path], data_folder: Path, extra: Mapping[str, Any]) -> dict[str, Any]:
        listed = []
        for path in inputs:
            try:
                entry = {"path": _display(path, data_folder), "sha256": sha256_file(path), "bytes": path.stat().st_size}
            except OSError as exc:
                raise file_system_error(exc, path, writing=False) from exc
            listed.append(entry)
        return {
            "tool": TOOL_NAME,
            "version": __version__,
            "build_date": self.build_date.isoformat(),
            "data_folder": str(data_folder),
            **extra,
            "inputs": listed,
        }

    def _plan(self, header: dict[str, Any]) -> dict[str, Any]:
        """Decide each staged file's final name against the manifest as it is now (under the lock)."""
        current = _load_outputs(self.root)
        outputs = {rel: entry for rel, entry in sorted(current.items()) if (self.root / rel).is_file()}
        moves: list[dict[str, Any]] = []
        self.written, self.diverted = [], []
        for rel, staged in self._staged.items():
            wanted = target = self.root / rel
            before = _hash_or_none(wanted)
            if before is not None and not (before and before == (current.get(rel) or {}).get("sha256")):
                target = _free_name(wanted, self.root, current)
                self.diverted.append(Diverted(wanted, target, EDITED))
                before = _hash_or_none(target)
            to = target.relative_to(self.root).as_posix()
            move = {"from": rel, "to": to, "wanted": rel, "before": before, "after": staged.sha256}
            moves.append({**move, "previous": outputs.get(to)})  # the entry to keep if `to` cannot be replaced
            outputs[to] = {"sha256": staged.sha256, "bytes": staged.size, **staged.meta}
            self.written.append(target)
        return {"moves": moves, "manifest": {**header, "outputs": dict(sorted(outputs.items()))}}


# --- the commit journal and recovery -------------------------------------------------------------------


def _apply_journal(root: Path, staging: Path, journal: dict[str, Any], *, recovering: bool) -> list[dict[str, Any]]:
    """Carry out a commit's journal; safe to run again after being stopped at any point.

    When `recovering` (a later run finishing a killed one), a move whose target no longer holds what
    the plan found (someone saved over it meanwhile) leaves the target alone and its entry out of the
    manifest. Returns the moves that had to take a numbered name because the target could not be
    replaced (open in Word).
    """
    outputs: dict[str, Any] = journal["manifest"]["outputs"]
    renamed = []
    for move in journal["moves"]:
        source = staging / STAGED_FILES / move["from"]
        target = root / move["to"]
        found = _hash_or_none(target) if recovering else move["before"]
        if not source.is_file():  # moved before the interruption, or lost
            if found != move["after"]:
                outputs.pop(move["to"], None)
            continue
        if found not in (None, move["before"], move["after"]):
            outputs.pop(move["to"], None)
            continue
        try:
            _move(source, target)
        except PermissionError:
            if not target.exists():
                raise
            _rename_in_journal(root, staging, journal, move)
            _move(source, root / move["to"])
            renamed.append(move)
        _crash_point("move")
    write_atomic(root / MANIFEST, _json_bytes(journal["manifest"]), durable=True)
    _crash_point("manifest")
    (staging / JOURNAL).unlink()
    return renamed


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _rename_in_journal(root: Path, staging: Path, journal: dict[str, Any], move: dict[str, Any]) -> None:
    """The target is held by another program: give the move a numbered name, recorded before moving."""
    outputs: dict[str, Any] = journal["manifest"]["outputs"]
    entry = outputs.pop(move["to"])
    if move.get("previous"):
        outputs[move["to"]] = move["previous"]  # the file left in place is still the one recorded before
    target = _free_name(root / move["to"], root, outputs)
    move["to"] = target.relative_to(root).as_posix()
    move["before"] = _hash_or_none(target)
    outputs[move["to"]] = entry
    _write_json(staging / JOURNAL, journal)


def recover(root: Path, skip: Path | None = None) -> None:
    """Finish or discard what builds killed earlier left in `root`. Call with the folder's lock held.

    A staging folder whose lock can be taken belongs to no live build: its journal, if any, is carried
    out (the commit had been decided); without one it is deleted. Stray temporary manifests go too.
    """
    for staging in sorted(root.glob(f"{STAGING_PREFIX}*")):
        if staging == skip or not staging.is_dir():
            continue
        try:
            fd = os.open(staging / STAGING_LOCK, os.O_RDWR)
        except FileNotFoundError:  # half made or half deleted, under the lock or by its dying owner
            shutil.rmtree(staging, ignore_errors=True)
            continue
        try:
            if not _try_lock(fd):
                continue  # a build still running
            journal = _read_json(staging / JOURNAL)
            if journal is not None:
                _apply_journal(root, staging, journal, recovering=True)
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            os.close(fd)
    for stray in root.glob(f".{MANIFEST}.*.tmp"):
        stray.unlink(missing_ok=True)


def _new_staging(root: Path) -> tuple[Path, IO[bytes]]:
    """A fresh staging folder with its lock taken (made while holding the folder's lock)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
        lock = (staging / STAGING_LOCK).open("wb")
    except OSError as exc:
        raise file_system_error(exc, root, writing=True) from exc
    if not _try_lock(lock.fileno()):
        raise RuntimeError(f"cannot lock new staging folder {staging}")
    return staging, lock


def _release_staging(staging: Path, lock: IO[bytes]) -> None:
    """Unlock a staging folder and delete it, unless it holds a journal a later run must finish.

    Unlocking first is safe (a recovering build would only delete it too) and lets Windows delete it.
    """
    lock.close()
    if not (staging / JOURNAL).exists():
        shutil.rmtree(staging, ignore_errors=True)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError:
        return None  # cannot happen with atomic writes; treated as "never decided"
    return data if isinstance(data, dict) else None


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    write_atomic(path, _json_bytes(data), durable=True)


# --- locks and interruptions ---------------------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another holder has it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _folder_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold `<root>/.khoa` while recovering or committing; wait up to `timeout` s for another build."""
    path = root / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise file_system_error(exc, root, writing=True) from exc
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise UserError(
                    f"Thư mục kết quả '{root}' đang được một lần chạy khác ghi (đã chờ {timeout:.0f} giây). "
                    "Chờ lần chạy đó xong rồi chạy lại."
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl+C (SIGINT) and SIGTERM back until the block ends, then deliver them.

    Renaming the files and writing the manifest takes milliseconds; an interruption in the middle
    would be recovered by the next run, but need not happen at all.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    wanted = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    previous = {s: signal.signal(s, hold) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        for s in dict.fromkeys(caught):
            signal.raise_signal(s)


def _crash_point(point: str) -> None:
    """Tests only: at the named point, kill the process as kill -9 would ("<point>"), send it Ctrl+C
    ("<point>:INT") or pause 1,5 s there ("<point>:SLEEP"), when REPORTS_TEST_CRASH_AT asks to."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    name, _, how = wanted.partition(":")
    if name != point:
        return
    if how == "SLEEP":
        os.environ.pop(CRASH_ENV)
        time.sleep(1.5)
    elif how == "INT":
        os.environ.pop(CRASH_ENV)
        signal.raise_signal(signal.SIGINT)
    else:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# --- the manifest and the edited-file protection ------------------------------------------------------


def _load_outputs(root: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        outputs = data.get("outputs", {})
        return {str(k): dict(v) for k, v in outputs.items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}  # no manifest (or an unreadable one): every existing file counts as someone's


def _hash_or_none(path: Path) -> str | None:
    """sha256 of `path`; None when it is missing; "" when it exists but cannot be read as a file."""
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise file_system_error(exc, path.parent, writing=True) from exc
    except IsADirectoryError:
        raise FileSystemError(
            f"Không ghi được '{path}': đường dẫn này là một thư mục chứ không phải tệp. "
            "Đổi tên hoặc chuyển thư mục đó đi rồi chạy lại."
        ) from None
    except OSError:
        return ""


def _is_ours(path: Path, root: Path, outputs: Mapping[str, Mapping[str, Any]]) -> bool:
    found = _hash_or_none(path)
    if found is None:
        return True
    entry = outputs.get(path.relative_to(root).as_posix()) or {}
    return bool(found) and entry.get("sha256") == found


def _free_name(wanted: Path, root: Path, outputs: Mapping[str, Mapping[str, Any]]) -> Path:
    """The first "name (n).ext" that is free or holds an unchanged output of ours."""
    for n in range(2, 10_000):
        candidate = wanted.with_name(f"{wanted.stem} ({n}){wanted.suffix}")
        if not candidate.is_dir() and _is_ours(candidate, root, outputs):
            return candidate
    raise FileSystemError(f"Không tìm được tên trống để ghi '{wanted}'. Dọn bớt các bản đánh số rồi chạy lại.")


def _clean_rel(rel: str) -> str:
    """`rel` as a normalised relative POSIX path that stays inside the output folder."""
    parts = [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or rel.startswith("/"):
        raise ValueError(f"output path must be relative and inside the folder: {rel!r}")
    return "/".join(parts)


def _make_folder(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FileSystemError(
            f"Không tạo được thư mục kết quả '{root}': đã có một tệp cùng tên. "
            "Chọn thư mục kết quả khác (--out) hoặc đổi tên tệp đó."
        ) from None
    except OSError as exc:
        raise file_system_error(exc, root, writing=True) from exc


def check_out_folder(out: Path, data_folder: Path) -> None:
    """Refuse an output folder that is a file, or that lies where the tool reads its own inputs.

    Outputs inside `nop/` (or last year's folder, templates, handout papers) would be read back as
    submissions by the next run.
    """
    if out.exists() and not out.is_dir():
        raise FileSystemError(
            f"Thư mục kết quả '{out}' là một tệp chứ không phải thư mục. Chọn thư mục khác bằng --out."
        )
    target = out.resolve()
    folder = data_folder.resolve()
    for name in DATA_SUBFOLDERS:
        if target.is_relative_to(folder / name):
            raise UserError(
                f"Thư mục kết quả '{out}' nằm trong thư mục '{name}/' của bộ dữ liệu; lần chạy sau sẽ đọc "
                "lại chính các tệp kết quả. Chọn thư mục kết quả ở ngoài (ví dụ --out output)."
            )


def _display(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)
