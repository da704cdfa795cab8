"""The peer pipeline: docxtpl fills Word templates, LibreOffice headless converts DOCX to PDF.

What a committee office would otherwise build for our `build`: the consolidated report and one report
per unit, DOCX + PDF, from the same data folder. It reads and aggregates the data with our own code
(reports.intake.load_folder, reports.aggregate) and says it in the sentences our reports said before
their wording moved to Jinja (legacy_context.py), so only the making of the documents differs:
docxtpl renders the templates of make_templates.py into DOCX (one process, one after the other), then
two `soffice --headless --convert-to pdf` processes, each with its own user profile
(`-env:UserInstallation=file:///tmp/lo-profile-N`, kept between runs as a user's would be), convert
half of the files each, in parallel.

    python bench/peer/peer_build.py FOLDER --out DIR [--full] [--only consolidated] [--soffice 2]

Rebuilds: the peer keeps `peer-state.json` beside its outputs, one hash per document of what the
document is made from (the unit's rows in this year's and last year's figures, its line in
don-vi.csv, the settings, the template; for the consolidated report, all of them). Without `--full`
("smart"), a document whose hash is unchanged and whose DOCX and PDF are there is not made again;
with `--full` ("naive") everything is. Data with errors: exit 1, nothing written (as `build`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import make_templates  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402
from legacy_context import consolidated_context, unit_context  # noqa: E402

from reports.aggregate import aggregate, unit_dataset  # noqa: E402
from reports.intake import load_folder  # noqa: E402
from reports.model import Dataset  # noqa: E402

CONSOLIDATED = ""  # document key of the consolidated report (unit codes are never empty)
STATE_FILE = "peer-state.json"
PROFILE_BASE = "/tmp/lo-profile-"
SOFFICE = os.environ.get("SOFFICE", "soffice")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    templates = ensure_templates(args.templates)
    intake = load_folder(args.folder)
    if intake.validation.has_errors:
        print("peer: the data has errors; nothing built", file=sys.stderr)
        return 1
    dataset = intake.dataset(draft=False)
    out = args.out / str(dataset.settings.nam)
    (out / "don-vi").mkdir(parents=True, exist_ok=True)
    keys = [CONSOLIDATED] if args.only == "consolidated" else [CONSOLIDATED, *map(str, dataset.figures.index)]
    hashes = document_hashes(dataset, keys, templates)
    state_path = out / STATE_FILE
    previous = {} if args.full else read_state(state_path)
    todo = [k for k in keys if previous.get(k) != hashes[k] or not outputs_exist(out, dataset, k)]
    read_done = time.perf_counter()
    docx_files = [fill(dataset, key, templates, out) for key in todo]
    fill_done = time.perf_counter()
    convert(docx_files, out, args.soffice)
    state = {**previous, **{k: hashes[k] for k in todo}}
    write_atomic(state_path, json.dumps(state, ensure_ascii=False, indent=0).encode())
    finished = time.perf_counter()
    print(
        f"peer: {len(todo)} of {len(keys)} documents made (DOCX + PDF); read {read_done - started:.1f} s, "
        f"docxtpl {fill_done - read_done:.1f} s, LibreOffice {finished - fill_done:.1f} s"
    )
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--full", action="store_true", help="make every document again (naive rebuild)")
    parser.add_argument("--only", choices=["consolidated"], help="only the consolidated report")
    parser.add_argument("--soffice", type=int, default=2, help="LibreOffice processes converting in parallel")
    parser.add_argument("--templates", type=Path, default=make_templates.DEFAULT_OUT)
    return parser.parse_args(argv)


def ensure_templates(folder: Path) -> dict[str, Path]:
    paths = {"consolidated": folder / make_templates.CONSOLIDATED, "unit": folder / make_templates.UNIT}
    if not all(p.is_file() for p in paths.values()):
        return make_templates.write_templates(folder)
    return paths


# --------------------------------------------------------------------------------------------
# What changed
# --------------------------------------------------------------------------------------------


def document_hashes(dataset: Dataset, keys: Sequence[str], templates: dict[str, Path]) -> dict[str, str]:
    """One sha256 per document over everything it is made from (cheap: rows, not aggregates)."""
    common = repr(dataset.settings).encode() + file_digest(templates["unit"]).encode()
    units = {code: unit_digest(dataset, code) for code in map(str, dataset.units.index)}
    hashes = {code: sha(common, units[code].encode()) for code in keys if code != CONSOLIDATED}
    whole = json.dumps([sorted(units.items()), dataset.excluded, dataset.missing]).encode()
    hashes[CONSOLIDATED] = sha(repr(dataset.settings).encode(), file_digest(templates["consolidated"]).encode(), whole)
    return hashes


def unit_digest(dataset: Dataset, code: str) -> str:
    parts = [dataset.units.loc[[code]].to_json()]
    for frame in (dataset.figures, dataset.last_year):
        if frame is not None and code in frame.index:
            parts.append(frame.loc[[code]].to_json(default_handler=str))
    return sha("\n".join(parts).encode())


def sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_state(path: Path) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def output_stem(out: Path, dataset: Dataset, key: str) -> Path:
    if key == CONSOLIDATED:
        return out / f"bao-cao-tong-hop-{dataset.settings.nam}"
    return out / "don-vi" / key


def outputs_exist(out: Path, dataset: Dataset, key: str) -> bool:
    stem = output_stem(out, dataset, key)
    return stem.with_suffix(".docx").is_file() and stem.with_suffix(".pdf").is_file()


# --------------------------------------------------------------------------------------------
# Making the documents
# --------------------------------------------------------------------------------------------


def context(dataset: Dataset, key: str) -> dict[str, Any]:
    """Our context, with `report` also as `r` (the templates' short name)."""
    if key == CONSOLIDATED:
        ctx = consolidated_context(dataset, aggregate(dataset))
    else:
        ctx = unit_context(dataset, key, aggregate(unit_dataset(dataset, key), tables=False))
    return {**ctx, "r": ctx["report"]}


def fill(dataset: Dataset, key: str, templates: dict[str, Path], out: Path) -> Path:
    template = DocxTemplate(str(templates["consolidated" if key == CONSOLIDATED else "unit"]))
    template.render(context(dataset, key), autoescape=True)
    path = output_stem(out, dataset, key).with_suffix(".docx")
    tmp = path.with_name(path.name + ".tmp")
    template.save(str(tmp))
    tmp.replace(path)
    return path


def convert(files: Sequence[Path], out: Path, processes: int, *, retry: bool = True) -> None:
    """DOCX -> PDF with `processes` soffice instances in parallel, each with its own profile and half
    of the files (the consolidated report, the longest, first in the first half). Each converts into
    a staging folder; the PDFs are then moved beside their DOCX.

    LibreOffice 7.4 now and then skips a file of a long batch without a word (1 of 601 at 600 units, in
    two runs out of two): the files it skipped are converted once more, alone, as a user would."""
    if not files:
        return
    processes = max(1, min(processes, len(files)))
    shares = [list(files[i::processes]) for i in range(processes)]
    running = []
    for n, share in enumerate(shares, start=1):
        staging = out / f".peer-pdf-{n}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        command = [
            SOFFICE,
            f"-env:UserInstallation=file://{PROFILE_BASE}{n}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(staging),
            *map(str, share),
        ]
        running.append((subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), share, staging))
    skipped = []
    for process, share, staging in running:
        _, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"peer: soffice exited with {process.returncode}: {err.decode(errors='replace')}")
        for docx in share:
            pdf = staging / (docx.stem + ".pdf")
            if pdf.is_file():
                pdf.replace(docx.with_suffix(".pdf"))
            else:
                skipped.append(docx)
        shutil.rmtree(staging, ignore_errors=True)
    if skipped and retry:
        print(f"peer: LibreOffice skipped {len(skipped)} file(s); converting them again", file=sys.stderr)
        convert(skipped, out, 1, retry=False)
    elif skipped:
        raise SystemExit(f"peer: LibreOffice wrote no PDF for {skipped[0]}")


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
