"""Import WeasyPrint without the thirty-odd processes its library search starts on Linux.

`weasyprint.text.ffi` opens GObject, Pango, HarfBuzz, fontconfig and PangoFT2 by trying several
spellings of each name (Windows, macOS, Linux). cffi hands every spelling it cannot open directly to
`ctypes.util.find_library`, which on Linux runs `/sbin/ldconfig -p`, then gcc, then ld, each in a
subprocess. On a plain Debian that is 26 names and 68 processes (harfbuzz-subset and harfbuzz-vector are
absent, so every spelling of theirs is searched): 0,5 s of the 1,15 s the import takes, paid by every
build before its first PDF and by every worker that imports WeasyPrint itself.

While WeasyPrint is imported, `find_library` answers from one `ldconfig -p` listing, read once, with
ctypes' own pattern. It gives the same answer as ctypes for every library in the loader's cache and None
for the rest, where ctypes would also ask gcc and ld (which look in LIBRARY_PATH, a compiler's setting;
WeasyPrint's Linux spellings are tried with the loader, which reads LD_LIBRARY_PATH itself). Outside
Linux, or when the listing cannot be read, the import is left as it is.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache

# ctypes.util._findSoname_ldconfig: the loader cache's ABI tag of this interpreter.
_ABI_TAGS = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def load() -> None:
    """WeasyPrint imported; the first call in a process imports it with the quick library search."""
    if "weasyprint" in sys.modules:
        return
    with _library_search_from_listing():
        import weasyprint  # noqa: F401


@contextlib.contextmanager
def _library_search_from_listing() -> Iterator[None]:
    listing = _loader_listing() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = _finder(listing)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _finder(listing: bytes) -> Callable[[str], str | None]:
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = _ABI_TAGS.get(os.uname().machine + bits, "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


@lru_cache(maxsize=1)
def _loader_listing() -> bytes | None:
    """`ldconfig -p` as ctypes runs it (C locale), or None when it cannot be run."""
    try:
        done = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C", "LANG": "C"},
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None
