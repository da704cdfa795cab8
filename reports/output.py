"""The only module that writes files: atomic writes, the build record, protection of edited outputs.

- Every file is written to a temporary file in its target folder, then moved over the target with
  `os.replace`, so a reader (or a crash) never sees half a file.
- `manifest.json` in `<out>/<nam>/` records the inputs and every output with its sha256, the build
  date and the tool version. Entries of earlier runs are kept while their files exist.
- An output whose bytes no longer match the manifest was changed by someone (a clerk drafting in
  Word), and a file the manifest does not know was not made by us: neither is ever overwritten. The new
  file goes beside it with a numbered name ("bao-cao-tong-hop-2024 (2).docx") and the caller gets a
  `Diverted` note to warn about. The same happens when the target cannot be replaced because it is
  open in another program.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports import __version__

MANIFEST = "manifest.json"
TOOL_NAME = "bao-cao-xay-dung-dang"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Diverted:
    """An output written under another name because the usual one holds someone's work."""

    wanted: Path
    written: Path
    reason: str  # Vietnamese, e.g. "tệp đã được sửa sau lần tạo trước"


@dataclass
class OutputFolder:
    """`<out>/<nam>/`: writes outputs under it and keeps its manifest."""

    root: Path
    build_date: dt.date
    written: list[Path] = field(default_factory=list)
    diverted: list[Diverted] = field(default_factory=list)
    _outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._outputs = self._load_outputs()

    def _load_outputs(self) -> dict[str, dict[str, Any]]:
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            outputs = data.get("outputs", {})
            return {str(k): dict(v) for k, v in outputs.items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError):
            return {}  # no manifest (or an unreadable one): every existing file counts as someone's

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def is_ours(self, path: Path) -> bool:
        """True when `path` is missing, or holds exactly what this tool last wrote there."""
        if not path.exists():
            return True
        entry = self._outputs.get(self.rel(path)) or {}
        return entry.get("sha256") == sha256_file(path)

    def write(self, rel: str, data: bytes) -> Path:
        """Write one output; returns the path actually written (numbered when the usual one is kept)."""
        wanted = self.root / rel
        target, reason = wanted, ""
        if not self.is_ours(wanted):
            reason = "tệp đã có sẵn và đã được sửa (hoặc không do công cụ tạo ra) nên được giữ nguyên"
            target = self._free_name(wanted)
        try:
            write_atomic(target, data)
        except PermissionError:
            if target != wanted:
                raise
            reason = "không ghi đè được tệp (có thể đang mở trong Word/Excel) nên được giữ nguyên"
            target = self._free_name(wanted)
            write_atomic(target, data)
        if reason:
            self.diverted.append(Diverted(wanted, target, reason))
        self._outputs[self.rel(target)] = {"sha256": sha256_bytes(data), "bytes": len(data)}
        self.written.append(target)
        return target

    def _free_name(self, wanted: Path) -> Path:
        """The first "name (n).ext" that is free or holds an unchanged output of ours."""
        for n in range(2, 10_000):
            candidate = wanted.with_name(f"{wanted.stem} ({n}){wanted.suffix}")
            if self.is_ours(candidate):
                return candidate
        raise OSError(f"không tìm được tên trống cho {wanted}")

    def write_manifest(self, inputs: Iterable[Path], data_folder: Path, extra: dict[str, Any]) -> Path:
        """Record inputs and outputs; entries whose files are gone are dropped."""
        outputs = {rel: entry for rel, entry in sorted(self._outputs.items()) if (self.root / rel).is_file()}
        manifest = {
            "tool": TOOL_NAME,
            "version": __version__,
            "build_date": self.build_date.isoformat(),
            "data_folder": str(data_folder),
            **extra,
            "inputs": [
                {"path": _display(p, data_folder), "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in inputs
            ],
            "outputs": outputs,
        }
        path = self.root / MANIFEST
        write_atomic(path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return path


def _display(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)
