"""Our consolidated report alone, DOCX + PDF, as one process (bench_peer.py's "consolidated" job).

`build` has no option to make only the consolidated report, so this does what `build` does for it:
read and check the folder with reports.intake.load_folder, then render the consolidated report with
our renderers and write the two files. When render/ is reshaped, only `render_consolidated` below
needs to follow.

    python bench/peer/ours_consolidated.py FOLDER --out DIR
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reports.intake import load_folder  # noqa: E402
from reports.model import Dataset  # noqa: E402

FORMATS = ("docx", "pdf")


def render_consolidated(folder: Path, dataset: Dataset, jobs: int = 1) -> dict[str, bytes]:
    """Format -> bytes of the consolidated report, as `build` makes it: the document registry's
    consolidated kind (its context from the aggregated data), rendered with the folder's template set
    (a `templates/` folder in the data folder overrides the bundled templates, as in `build`). With
    `jobs` > 1, in a pool of that many processes, as `build` does: the report's parts (each appendix
    numbers its own pages) are laid out side by side."""
    from reports.documents import CONSOLIDATED, aggregate_all, documents
    from reports.render.batch import RenderJob, render_all, render_one, warm_pool
    from reports.render.html import TemplateSet

    layout = dataset.settings.trinh_bay
    templates = TemplateSet.for_folder(folder, decimals=layout.so_le_thap_phan, leading_zero=layout.so_0_duoi_10)
    (document,) = documents(aggregate_all(dataset), (CONSOLIDATED,))
    job = RenderJob(document.stem, document.template, document.context)
    if jobs <= 1:
        return render_one(job, FORMATS, templates).files
    with warm_pool(jobs, FORMATS, templates) as pool:
        (rendered,) = list(render_all([job], FORMATS, templates, executor=pool))
    return rendered.files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=1, help="processes (1: one process; build uses every core)")
    args = parser.parse_args(argv)
    intake = load_folder(args.folder)
    if intake.validation.has_errors:
        print("the data has errors; nothing built", file=sys.stderr)
        return 1
    dataset = intake.dataset(draft=False)
    out = args.out / str(dataset.settings.nam)
    out.mkdir(parents=True, exist_ok=True)
    for fmt, data in render_consolidated(args.folder, dataset, args.jobs).items():
        (out / f"bao-cao-tong-hop-{dataset.settings.nam}.{fmt}").write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
