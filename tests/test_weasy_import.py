"""WeasyPrint imported with the quick library search (reports.render.weasy_import) opens the same
libraries as its own import, and leaves ctypes as it was."""

from __future__ import annotations

import ast
import ctypes.util
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from reports.render import weasy_import

ROOT = Path(__file__).resolve().parent.parent

_LIBRARIES = """
import ctypes.util, sys
before = ctypes.util.find_library
{how}
assert ctypes.util.find_library is before, "find_library not restored"
names = set()
for line in open("/proc/self/maps"):
    path = line.split()[-1]
    if any(lib in path for lib in ("gobject", "pango", "harfbuzz", "fontconfig")):
        names.add(path)
print("\\n".join(sorted(names)))
"""


def _libraries(how: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LIBRARIES.format(how=how)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is for Linux only")
def test_the_quick_import_opens_the_libraries_weasyprint_opens_itself() -> None:
    quick = _libraries("from reports.render.weasy_import import load; load()")
    plain = _libraries("import weasyprint")
    assert quick == plain
    assert any("pango" in path for path in quick) and any("harfbuzz" in path for path in quick)


def _weasyprint_library_names() -> list[str]:
    """Every spelling weasyprint/text/ffi.py tries (the string arguments of its `_dlopen` calls)."""
    spec = importlib.util.find_spec("weasyprint")  # a top-level name: found, not imported
    assert spec is not None and spec.submodule_search_locations
    source = Path(spec.submodule_search_locations[0], "text", "ffi.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "_dlopen"]
    return [a.value for call in calls for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is for Linux only")
def test_every_name_weasyprint_tries_gets_ctypes_own_answer() -> None:
    """The fast sibling of the test above: name by name, the listing's answer is ctypes' (which asks
    ldconfig, gcc and ld in subprocesses)."""
    names = _weasyprint_library_names()
    listing = weasy_import._loader_listing()
    assert len(names) >= 20 and listing is not None
    quick = weasy_import._finder(listing)
    assert {name: quick(name) for name in names} == {name: ctypes.util.find_library(name) for name in names}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick search is for Linux only")
def test_find_library_answers_from_the_listing_as_ctypes_does() -> None:
    listing = (
        b"\tlibpango-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0\n"
        b"\tlibharfbuzz.so.0 (libc6) => /usr/lib/i386-linux-gnu/libharfbuzz.so.0\n"
    )
    find = weasy_import._finder(listing)
    if weasy_import._ABI_TAGS.get("x86_64-64") and sys.maxsize > 2**32 and "x86_64" in _machine():
        assert find("pango-1.0") == "libpango-1.0.so.0"
        assert find("harfbuzz") is None  # listed for another ABI only
    assert find("harfbuzz-subset") is None
    assert find("gobject-2.0") is None


def _machine() -> str:
    import os

    return os.uname().machine
