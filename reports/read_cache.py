"""What reading each submission file gave, kept by the file's content, so a rebuild reads only what changed.

In December a clerk builds again and again as units resend corrected workbooks; reading 600 workbooks
(and last year's 600) is most of a rebuild's first seconds. Each spreadsheet's reading (its
submissions and its problems) is stored under a key made of the file's bytes, its name in the data
folder (problems name it), the tool's code and the reading libraries' versions. A file whose key is
found is not opened again; any other is read as always and stored.

The store is plain JSON (values tagged by type), never pickle: an output folder may come from someone
else, and reading it must not run anything. It is a cache: whatever cannot be read back (a damaged or
foreign file, a value of a type it does not know) is read from the workbook instead, and a cache that
cannot be written is simply not written. Entries not used by a reading are removed after it, so the
folder holds one entry per file read last time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reports.problems import Place, Problem, Severity

CACHE_DIR = ".bo-nho-dem"  # in the output folder, beside the year folders
READING_LIBRARIES = ("python-calamine", "openpyxl", "xlrd", "pandas")
FORMAT = 1


class _Unknown(Exception):
    """A value this store cannot write exactly: the file is then not stored."""


@dataclass
class ReadCache:
    """The entries of one reading (this year's nop/, last year's) in `folder`."""

    folder: Path
    used: set[str] = field(default_factory=set)
    hits: int = 0

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.sha256(f"{FORMAT}\0{_tool_key()}\0{name}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def load(self, key: str) -> tuple[list[Any], list[Problem]] | None:
        """The submissions and problems stored under `key`, or None (absent, damaged, foreign)."""
        self.used.add(key)
        try:
            stored = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            found = [_submission(s) for s in stored["submissions"]], [_problem(p) for p in stored["problems"]]
        except (OSError, ValueError, KeyError, TypeError, _Unknown):
            return None
        self.hits += 1
        return found

    def save(self, key: str, submissions: list[Any], problems: list[Problem]) -> None:
        self.used.add(key)
        try:
            text = json.dumps(
                {
                    "submissions": [_submission_out(s) for s in submissions],
                    "problems": [_problem_out(p) for p in problems],
                },
                ensure_ascii=False,
                allow_nan=False,
            )
        except (_Unknown, ValueError):
            return
        write_cache_file(self.folder / f"{key}.json", text.encode("utf-8"))

    def prune(self) -> None:
        """Remove the entries this reading did not use (files changed, renamed or gone)."""
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                if path.stem not in self.used:
                    path.unlink(missing_ok=True)


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache entry whole (a temporary file renamed into place); a cache that cannot be written
    is simply not written."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


@lru_cache(maxsize=1)
def _tool_key() -> str:
    from importlib import metadata

    from reports.fingerprint import tool_digest

    versions = []
    for name in READING_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return hashlib.sha256(f"{tool_digest()}\0{','.join(versions)}".encode()).hexdigest()


# --- values: JSON types as they are, the others tagged ------------------------------------------------


def _value_out(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    raise _Unknown(type(value).__name__)


def _value(stored: Any) -> Any:
    if not isinstance(stored, dict):
        return stored
    ((tag, text),) = stored.items()
    if tag == "$float":
        return float(text)
    if tag == "$datetime":
        return dt.datetime.fromisoformat(text)
    if tag == "$date":
        return dt.date.fromisoformat(text)
    if tag == "$time":
        return dt.time.fromisoformat(text)
    if tag == "$timedelta":
        return dt.timedelta(days=text[0], seconds=text[1], microseconds=text[2])
    raise _Unknown(tag)


def _place_out(place: Place | None) -> list[str] | None:
    return None if place is None else [place.file, place.sheet, place.cell]


def _place(stored: list[str] | None) -> Place | None:
    return None if stored is None else Place(*stored)


def _required_place(stored: list[str]) -> Place:
    return Place(*stored)


def _submission_out(s: Any) -> dict[str, Any]:
    return {
        "unit": s.unit,
        "file": s.file,
        "shape": s.shape,
        "unit_place": _place_out(s.unit_place),
        "table_place": _place_out(s.table_place),
        "values": [[v.code, _value_out(v.raw), _place_out(v.place)] for v in s.values],
        "info": {str(k): _value_out(v) for k, v in s.info.items()},
    }


def _submission(stored: dict[str, Any]) -> Any:
    from reports.submissions import Submission, Value

    return Submission(
        -1,  # numbered by the reader, in reading order
        stored["unit"],
        stored["file"],
        stored["shape"],
        _required_place(stored["unit_place"]),
        _required_place(stored["table_place"]),
        [Value(code, _value(raw), _required_place(place)) for code, raw, place in stored["values"]],
        {k: _value(v) for k, v in stored["info"].items()},
    )


def _problem_out(p: Problem) -> dict[str, Any]:
    return {
        "severity": p.severity.name,
        "rule": p.rule,
        "message": p.message,
        "unit": p.unit,
        "place": _place_out(p.place),
        "indicator": p.indicator,
        "value": p.value,
        "unit_name": p.unit_name,
    }


def _problem(stored: dict[str, Any]) -> Problem:
    return Problem(
        Severity[stored["severity"]],
        stored["rule"],
        stored["message"],
        stored["unit"],
        _place(stored["place"]),
        stored["indicator"],
        stored["value"],
        stored["unit_name"],
    )
