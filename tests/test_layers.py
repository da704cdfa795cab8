"""The house reads top-down: no module imports a later stage.

load (settings, units, tables, submissions, values, validate, intake) -> aggregate -> context ->
render -> output. The render package knows templates, not figures: it imports neither the aggregation
nor the context code; the context code never imports the renderers. Checked on the source (every
import statement, including those inside functions), so a lazy import cannot hide a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reports"

# Modules (prefixes) each layer must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "render": ("reports.aggregate", "reports.context", "reports.documents", "reports.pipeline", "reports.intake"),
    "context": ("reports.render", "reports.pipeline", "reports.documents", "reports.output", "reports.intake"),
    "aggregate.py": ("reports.render", "reports.context", "reports.documents", "reports.pipeline"),
    "document.py": ("reports.render", "reports.aggregate", "reports.pipeline"),
    "intake.py": ("reports.aggregate", "reports.context", "reports.render", "reports.documents"),
    "validate.py": ("reports.aggregate", "reports.context", "reports.render", "reports.documents"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files_of(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_a_later_stage(layer: str) -> None:
    files = files_of(layer)
    assert files and all(f.is_file() for f in files)
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if module.startswith(FORBIDDEN[layer])
    }
    assert not wrong


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from reports.aggregate import aggregate\n    import reports.context.unit\n")
    assert {"reports.aggregate", "reports.context.unit"} <= imported_modules(sample)


# Modules a rendering worker imports to unpickle its task (reports/preload.py): pandas and NumPy only for
# type checking or inside functions (which run in the build's own process), never at import.
UNPICKLED = ("model.py", "documents.py", "figures.py", "document.py", "settings.py", "context", "charts")


@pytest.mark.parametrize("layer", UNPICKLED)
def test_what_workers_unpickle_does_not_import_pandas(layer: str) -> None:
    files = files_of(layer)
    assert files
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in files
        for module in module_level_imports(path)
        if module.split(".")[0] in ("pandas", "numpy", "openpyxl") or module == "reports.aggregate"
    }
    assert not wrong


def module_level_imports(path: Path) -> set[str]:
    """The imports run when the module is imported: top level, outside `if TYPE_CHECKING:`."""
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try | ast.With):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found
