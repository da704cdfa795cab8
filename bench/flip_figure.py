"""One unit resends one corrected figure, as bench_peer.py's rebuild job does, but without state: the
figure goes up by one when it is even and down by one when it is odd, so every run changes it.

For timing a rebuild with farm-bench (each command changes the figure, then builds into the output
folder that holds the previous build; the folders are those bench_peer.py --jobs rebuild:60 prepared):

    W=bench/_work
    farm-bench -n 5 --timeout 600 \\
      --vs "sh -c '.venv/bin/python bench/flip_figure.py $W/rebuild-u60-peer-smart/data && \\
            exec .venv/bin/python bench/peer/peer_build.py $W/rebuild-u60-peer-smart/data \\
            --out $W/rebuild-u60-peer-smart/out'" \\
      -- sh -c '.venv/bin/python bench/flip_figure.py $W/rebuild-u60-ours/data && \\
            exec .venv/bin/python build_reports.py build $W/rebuild-u60-ours/data --out $W/rebuild-u60-ours/out'
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_peer import Flip


def main(folder: Path) -> None:
    flip = Flip(folder)  # finds the workbook and the figure; `original` is its value now
    now = flip.original
    flip.original, flip.up = (now - 1, True) if now % 2 else (now, False)  # the call below toggles `up`
    flip()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
