"""HTML (from templates/base.html.j2 and its children) -> PDF bytes with WeasyPrint.

- WeasyPrint is imported inside the functions: the import costs about 0,5 s and the `check` command
  and the DOCX-only builds never need it.
- The stylesheet (templates/style.css, with the @font-face rules for the bundled fonts) and
  its FontConfiguration are parsed once per process and reused for every document: the per-unit
  reports render in worker processes, each of which renders many documents. The document's own
  `<link rel="stylesheet" href="style.css">` is answered with an empty stylesheet, since the parsed
  copy is passed in directly; this keeps the fonts from being registered again for every document.
- Fonts: templates/fonts/BaoCaoSerif-*.ttf, the Latin + Vietnamese subset of Liberation Serif 2 made by
  `reports.fonts_build`, subset again per document with HarfBuzz (uharfbuzz, `reports.render.pdf_fonts`),
  not fontTools: fast on a machine without libharfbuzz-subset, and the same bytes for the same HTML
  without touching `os.environ` (rendering may run in threads).
- Every resource goes through `ConfinedFetcher`, which serves files under templates/ and refuses
  anything else (another local file, http:, data:): a template or a unit's text can never make the
  PDF pull in an outside file. A refused fetch stops the rendering with a `PdfRenderError`.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import multiprocessing.util
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reports.errors import UserError
from reports.render import pdf_fonts
from reports.render.html import TEMPLATES_DIR
from reports.render.weasy_import import load as load_weasyprint

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

STYLESHEET = "style.css"

# WeasyPrint lays text out with Pango through the FontConfiguration this module shares per process, and
# Pango's font map must not be used by two threads at once: two threads laying out PDFs crash the process
# (seen as a segmentation fault in `get_first_line`). Every use of WeasyPrint in a process takes this
# lock, so threads (a thread pool, a Dask worker with several threads) render their PDFs one at a time;
# the local pool's single-threaded worker processes never wait on it.
WEASYPRINT_LOCK = threading.RLock()


class PdfRenderError(UserError):
    """The PDF could not be produced (a refused resource, a layout failure)."""


def render_pdf(html: str, template_dirs: Sequence[Path] = (TEMPLATES_DIR,)) -> bytes:
    """Lay out `html` as an A4 PDF and return its bytes.

    Resources (the stylesheet, fonts) are looked up in `template_dirs` in order (the committee's
    templates/ first, then the bundled one) and confined to them. A report whose appendices number
    their own pages is laid out part by part and joined (`pdf_parts`); `reports.render.batch` lays
    the parts out on several processes instead, with the same bytes.
    """
    from reports.render.pdf_parts import join_parts, split_parts

    parts = split_parts(html)
    if len(parts) == 1:
        return render_part(html, template_dirs)
    return join_parts([render_part(p.html, template_dirs) for p in parts], [p.label for p in parts])


def render_part(html: str, template_dirs: Sequence[Path] = (TEMPLATES_DIR,)) -> bytes:
    """One WeasyPrint document: `html` laid out as an A4 PDF."""
    load_weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    try:
        return write(lay_out(html, template_dirs), html)
    except FatalURLFetchingError as exc:
        reason = exc.__cause__ or exc
        raise PdfRenderError(f"Không tạo được tệp PDF: {reason}") from exc


def lay_out(html: str, template_dirs: Sequence[Path] = (TEMPLATES_DIR,)) -> Any:
    """`html` laid out by WeasyPrint (its Document: pages, anchors), with the process's parsed stylesheet
    and fonts and the confined fetcher; `write` turns it into PDF bytes."""
    load_weasyprint()
    from weasyprint import HTML

    dirs = tuple(Path(d) for d in template_dirs)
    css, font_config = stylesheet(dirs)
    document = HTML(string=html, base_url=_base_url(), url_fetcher=_fetcher(dirs, stub_stylesheet=True))
    with WEASYPRINT_LOCK:
        return document.render(font_config=font_config, stylesheets=[css])


def write(laid: Any, html: str) -> bytes:
    """The PDF of a document laid out from `html`: the same bytes for the same HTML (a file identifier
    made from it; the manifest and the part cache compare bytes)."""
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with WEASYPRINT_LOCK:
        pdf = laid.write_pdf(pdf_identifier=identifier)
    assert isinstance(pdf, bytes)
    return pdf


def _base_url() -> str:
    return TEMPLATES_DIR.as_uri() + "/"


@lru_cache(maxsize=4)
def stylesheet(template_dirs: tuple[Path, ...] = (TEMPLATES_DIR,)) -> tuple[CSS, FontConfiguration]:
    """style.css parsed once per process, with the FontConfiguration that holds its @font-face fonts.

    Also where WeasyPrint is set to subset fonts with HarfBuzz (`pdf_fonts.install`): every PDF of this
    module goes through here first.
    """
    load_weasyprint()
    pdf_fonts.install()
    with WEASYPRINT_LOCK:
        return _parse_stylesheet(template_dirs)


def _parse_stylesheet(template_dirs: tuple[Path, ...]) -> tuple[CSS, FontConfiguration]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # WeasyPrint copies @font-face files to a temporary folder that FontConfiguration.__del__ removes;
    # at interpreter exit that comes too late (shutdown) or never (worker processes end with os._exit).
    # multiprocessing runs this finaliser at the exit of the main process and of every worker.
    multiprocessing.util.Finalize(None, _release_stylesheet, exitpriority=10)
    css = CSS(
        url=_base_url() + STYLESHEET,
        url_fetcher=_fetcher(template_dirs, stub_stylesheet=False),
        font_config=font_config,
    )
    return css, font_config


def _release_stylesheet() -> None:
    """Drop the cached stylesheet so its FontConfiguration deletes its temporary font folder now."""
    stylesheet.cache_clear()
    gc.collect()


@lru_cache(maxsize=8)
def _fetcher(template_dirs: tuple[Path, ...], *, stub_stylesheet: bool) -> Any:
    return make_fetcher(TEMPLATES_DIR, stub_stylesheet=stub_stylesheet, overrides=template_dirs)


def make_fetcher(root: Path, *, stub_stylesheet: bool = False, overrides: Sequence[Path] = ()) -> Any:
    """A WeasyPrint URL fetcher serving only files under `root` (stops the rendering otherwise).

    URLs are written relative to `root` (the bundled templates/); a file of the same relative path in
    one of `overrides` (the committee's templates/ first) is served instead, as Jinja's loader does.
    """
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = root.resolve()
    folders = [Path(d).resolve() for d in overrides if Path(d).resolve() != root]

    class ConfinedFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = _choose(root, folders, url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            relative = path.relative_to(next(f for f in (*folders, root) if path.is_relative_to(f)))
            body = b"" if stub_stylesheet and relative == Path(STYLESHEET) else path.read_bytes()
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    return ConfinedFetcher()


def _choose(root: Path, overrides: Sequence[Path], url: str) -> Path:
    """The file `url` names under `root`, or its replacement in the first override folder that has it."""
    parts = urlsplit(url)
    wanted = Path(url2pathname(parts.path))
    if parts.scheme == "file" and wanted.is_absolute() and wanted.resolve().is_relative_to(root):
        relative = wanted.resolve().relative_to(root)
        for folder in overrides:
            candidate = (folder / relative).resolve()
            if candidate.is_relative_to(folder) and candidate.is_file():
                return candidate
    return confined_path(root, url)


def confined_path(root: Path, url: str) -> Path:
    """The file a file: URL names, if it exists under `root` (symlinks resolved); else ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"tài nguyên ngoài thư mục mẫu bị từ chối: {url}")
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise ValueError(f"tài nguyên ngoài thư mục mẫu bị từ chối: {url}")
    return path
