"""The consolidated report alone, as a command: load and check the folder, aggregate, render the
consolidated report's DOCX and PDF and write them into OUT. No unit report, no manifest.

It is the reference for "one unit changed at 600 units takes no longer than the consolidated report
alone" (bench_rebuild.py): the part of a build that no incremental trick can skip.

    python bench/consolidated_only.py FOLDER OUT [--formats docx,pdf]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reports.documents import aggregate_all, documents
from reports.intake import load_folder
from reports.pipeline import _templates
from reports.render.batch import RenderJob, render_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--formats", default="docx,pdf")
    args = parser.parse_args()
    dataset = load_folder(args.folder).dataset()
    consolidated = next(documents(aggregate_all(dataset)))  # the registry puts once-made kinds first
    assert not consolidated.unit
    formats = tuple(args.formats.split(","))
    job = RenderJob(consolidated.stem, consolidated.template, consolidated.context)
    rendered = render_one(job, formats, _templates(args.folder, dataset))
    args.out.mkdir(parents=True, exist_ok=True)
    for fmt, data in rendered.files.items():
        (args.out / f"consolidated.{fmt}").write_bytes(data)


if __name__ == "__main__":
    main()
