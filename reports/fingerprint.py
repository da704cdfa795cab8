"""Fingerprints of what a document is made from, so an unchanged document need not be rendered again.

A document's output is a function of its context (dataclasses of plain values), its template and the
files the template can reach (the committee's templates/ and the bundled ones, style.css, the fonts),
the tool's code and the libraries that shape the bytes, and the format. `document_fingerprint` hashes
all of that; the pipeline records it in the manifest entry of each output (`INPUTS_KEY`) and keeps an
output whose recorded fingerprint is the same and whose bytes are those the manifest recorded.

The context is serialised canonically (not pickled: pickle's bytes depend on which equal objects happen
to be the same object in memory). Mappings keep their order (it is the order the template sees).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from reports import __version__

INPUTS_KEY = "inputs_sha256"  # the manifest field of an output's fingerprint
SOURCE_KEY = "unit_inputs_sha256"  # ... and, for a unit's own document, of that unit's rows and the settings
CODE_DIR = Path(__file__).resolve().parent
# Libraries whose versions change the bytes of an output (pinned in pyproject.toml).
SHAPING_PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "fonttools",
    "uharfbuzz",
    "python-docx",
    "python-pptx",
    "XlsxWriter",
    "jinja2",
    "lxml",
)


def _plain(value: Any) -> Any:
    """JSON's hook for what it cannot write itself: one level of a dataclass, mapping, set or scalar.

    Dicts, lists, tuples, str, int, float, bool and None are written by json's C encoder (a float keeps
    its repr: 1.0 and 1 stay apart); everything else is tagged with its kind so equal-looking values of
    different kinds never collide.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__qualname__, **{name: getattr(value, name) for name in _field_names(type(value))}}
    if isinstance(value, enum.Enum):
        return {"@e": f"{type(value).__qualname__}.{value.name}"}
    if isinstance(value, Decimal):
        return {"@d": str(value)}
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return {"@t": value.isoformat()}
    if isinstance(value, Path):
        return {"@p": value.as_posix()}
    if isinstance(value, Mapping):
        return {"@m": [[key, item] for key, item in value.items()]}
    if isinstance(value, set | frozenset):
        return {"@s": sorted(_dumps(item) for item in value)}
    raise TypeError(f"cannot fingerprint a {type(value).__name__} in a document context")


@lru_cache(maxsize=256)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def context_bytes(context: Any) -> bytes:
    """`context` serialised canonically: two equal contexts always give the same bytes.

    A str enum (StrEnum) is written as its value, as the template prints it; int keys of a dict are
    written as json writes them (as strings). A dict with keys json refuses (tuples) takes a slower
    path that writes every dict as tagged pairs.
    """
    try:
        return _dumps(context).encode("utf-8")
    except TypeError:
        return _dumps(_pairs(context)).encode("utf-8")


def _pairs(value: Any) -> Any:
    """`value` with every dict turned into tagged pairs (the slow path, for dicts with non-str keys)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"@": type(value).__qualname__, **{n: _pairs(getattr(value, n)) for n in _field_names(type(value))}}
    if isinstance(value, Mapping):
        return {"@m": [[_pairs(k), _pairs(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_pairs(item) for item in value]
    return value


def tree_digest(folders: Iterable[Path], pattern: str = "*") -> str:
    """sha256 over every file matching `pattern` under `folders` (relative path and bytes), in a stable order."""
    digest = hashlib.sha256()
    for index, folder in enumerate(folders):
        digest.update(f"\0folder {index}\0".encode())
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The tool's own code and version, and the versions of the libraries that shape the bytes."""
    # Sources only: Python writes __pycache__/*.pyc beside them during a build.
    digest = hashlib.sha256(f"{__version__}\0{tree_digest([CODE_DIR], '*.py')}".encode())
    for name in SHAPING_PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{name}={version}".encode())
    return digest.hexdigest()


def build_digest(template_dirs: Sequence[Path], settings_key: str = "") -> str:
    """What every document of a build shares: the tool, the template folders (styles, fonts), a key."""
    return hashlib.sha256(f"{tool_digest()}\0{tree_digest(template_dirs)}\0{settings_key}".encode()).hexdigest()


def document_fingerprint(shared: str, template: str, context: Any) -> str:
    """The fingerprint of one document (formats apart: see `output_fingerprint`)."""
    digest = hashlib.sha256(f"{shared}\0{template}\0".encode())
    digest.update(context_bytes(context))
    return digest.hexdigest()


def unit_sources(
    dataset: Any, kind: str, template: str, shared: str, formats: Sequence[str], beyond: bytes = b""
) -> Iterator[tuple[str, dict[str, str]]]:
    """For each included unit: the fingerprint of what its own document is computed from, by format.

    A unit's document is a function of the settings, the draft flag, the unit's rows (its don-vi.csv
    row, its figures, last year's figures: `aggregate.unit_dataset` keeps nothing else) and `beyond`,
    what it reads from the other units (the committee's rates it compares with). Hashing those is about
    a hundred times cheaper than aggregating the unit and hashing its context.
    """
    # Where bao-cao.toml lies is not part of a unit's document: a moved data folder keeps its documents.
    settings = hashlib.sha256(_settings_bytes(dataclasses.replace(dataset.settings, source=None))).hexdigest()
    common = f"{shared}\0{kind}\0{template}\0{settings}\0{dataset.draft}\0{hashlib.sha256(beyond).hexdigest()}"
    units, figures = _rows(dataset.units), _rows(dataset.figures)
    last = _rows(dataset.last_year) if dataset.last_year is not None else None
    for code in map(str, dataset.figures.index):
        rows = [units.get(code), figures.get(code), last.get(code) if last is not None else None]
        unit = hashlib.sha256(json.dumps([code, rows], ensure_ascii=False, default=repr).encode("utf-8")).hexdigest()
        yield code, {fmt: output_fingerprint(f"{common}\0{unit}", fmt) for fmt in formats}


def _rows(frame: Any) -> dict[str, list[list[list[str]]]]:
    """Each unit's rows of a frame indexed by unit code, as (column, value) pairs.

    All at once: `frame.loc[code]` for each unit took 1 ms a frame, most of a rebuild's planning. A code
    is listed with every row it has (a repeated code never passes validation, but would still be hashed).
    """
    columns = [str(column) for column in frame.columns]
    rows: dict[str, list[list[list[str]]]] = {}
    for code, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        rows.setdefault(str(code), []).append([[c, repr(v)] for c, v in zip(columns, values, strict=True)])
    return rows


def _settings_bytes(settings: Any) -> bytes:
    try:
        return context_bytes(settings)
    except TypeError:
        return repr(settings).encode("utf-8")


def output_fingerprint(document: str, fmt: str) -> str:
    """The fingerprint recorded for one output file: its document's, and its format."""
    return hashlib.sha256(f"{document}\0{fmt}".encode()).hexdigest()
