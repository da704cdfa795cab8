"""The consolidated report's PDF parts, kept from one build to the next by the HTML they were laid out from.

The report's PDF is laid out part by part (the body, then each appendix that numbers its own pages:
`reports.render.pdf_parts`). When one unit resends a corrected figure, the body changes but most
appendices do not: at 60 units, a changed training figure leaves 4,8 s of the 5,6 s of layout as it
was. A part whose HTML (and tool, templates, styles and fonts: the build's digest) is the same as in an
earlier build is taken from here instead of laid out again. WeasyPrint gives the same bytes for the same
HTML, so the joined PDF is the one a full build writes (tested).

Each entry is `<key>-<first 16 hex of the PDF's SHA-256>.pdf` in `<out>/.bo-nho-dem/phan-pdf-<nam>/`: an entry
whose bytes do not match its name (cut short, damaged) is laid out again. A PDF is data, not code: an
output folder handed over by someone else can at worst put wrong pages in a report, as its kept outputs
could. `--full` lays every part out again (and stores them). After a build that looked parts up, the
entries it did not use are removed. The handout's front matter is kept here too, by the worker process
that binds it: an entry read or written during the build (its file's time refreshed) is never removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from reports.read_cache import write_cache_file

FOLDER = "phan-pdf"
FORMAT = 1


@dataclass
class PdfPartCache:
    folder: Path
    salt: str  # what every part of the build shares: the tool, the template folders, the number format
    read: bool = True  # False for --full: lay everything out, store it anyway
    used: set[str] = field(default_factory=set)
    hits: int = 0
    misses: int = 0
    started: float = field(default_factory=time.time)
    for_workers: bool = True  # False on a Dask cluster, whose machines need not see the output folder

    def for_another_document(self) -> PdfPartCache | None:
        """The same store with its own counts, for a document rendered in a worker (the handout's
        binder): the build's summary counts the report's parts only. None when workers are remote."""
        if not self.for_workers:
            return None
        return PdfPartCache(self.folder, self.salt, self.read, started=self.started)

    def key(self, html: str) -> str:
        digest = hashlib.sha256(f"{FORMAT}\0{self.salt}\0".encode())
        digest.update(html.encode("utf-8"))
        return digest.hexdigest()

    def get(self, html: str) -> bytes | None:
        """The part laid out from `html` in an earlier build, or None."""
        key = self.key(html)
        self.used.add(key)
        found = self._read(key) if self.read else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, html: str, pdf: bytes) -> None:
        key = self.key(html)
        self.used.add(key)
        write_cache_file(self.folder / f"{key}-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf", pdf)

    def prune(self) -> None:
        """Remove the entries this build did not use; nothing when it looked no part up (the report
        was kept whole, or only DOCX was made), so that the next build still finds them."""
        if not self.used:
            return
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.pdf"):
                # Another process of the build (the handout's binder) refreshed the files it used.
                if path.name.split("-", 1)[0] not in self.used and path.stat().st_mtime < self.started - 1:
                    path.unlink(missing_ok=True)

    def _read(self, key: str) -> bytes | None:
        with contextlib.suppress(OSError):
            for path in self.folder.glob(f"{key}-*.pdf"):
                data = path.read_bytes()
                if data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest()[:16] == path.stem.split("-", 1)[1]:
                    os.utime(path)  # used by this build: `prune` keeps it
                    return data
        return None
