"""What planning an incremental build costs per unit, in one process: hashing a unit's rows and the
settings (`fingerprint.unit_sources`, enough to keep an unchanged unit's documents) against aggregating
the unit, building its context and hashing that (what a changed unit needs).

    python bench/bench_plan.py FOLDER [--sample 60]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from reports.documents import UNIT_REPORT, aggregate_all, documents
from reports.fingerprint import document_fingerprint, unit_sources
from reports.intake import load_folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sample", type=int, default=60)
    args = parser.parse_args()
    dataset = load_folder(args.folder).dataset()
    units = len(dataset.figures)
    started = time.perf_counter()
    keys = list(unit_sources(dataset, UNIT_REPORT.name, UNIT_REPORT.template, "x", ("docx", "pdf")))
    hashing = time.perf_counter() - started
    assert len(keys) == units
    sample = dataset.figures.index[: args.sample]
    aggregated = aggregate_all(dataset.__class__(**{**dataset.__dict__, "figures": dataset.figures.loc[sample]}))
    started = time.perf_counter()  # the units are aggregated lazily, as `documents` builds each context
    for doc in documents(aggregated, (UNIT_REPORT,)):
        document_fingerprint("x", doc.template, doc.context)
    contexts = time.perf_counter() - started
    per_unit = contexts / len(sample)
    print(
        f"units {units}: unit_sources {hashing:.2f} s ({1000 * hashing / units:.2f} ms a unit); "
        f"aggregate + context + fingerprint {1000 * per_unit:.1f} ms a unit ({per_unit * units:.1f} s for all); "
        f"ratio {per_unit * units / hashing:.0f}x"
    )


if __name__ == "__main__":
    main()
