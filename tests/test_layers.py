"""The package's layers run one way, with no import cycles and no hidden imports.

cli -> study/viz -> plots -> analysis -> results -> experiment -> model -> metrics ->
calibration -> market -> agents -> seeds -> kernels -> policy/scenarios ->
parameters/equations/categories,
as declared in pyproject.toml ([tool.importlinter]) and checked here with import-linter.
"""

import ast
import subprocess
import sys
from pathlib import Path

import grimp

PACKAGE = Path(__file__).parents[1] / "econ"
#: Optional heavy dependencies that may be imported inside a function, and only these.
LAZY_IMPORTS_ALLOWED = {"distributed", "ema_workbench", "pyabc"}
#: The modules that may import a module by name at run time (importlib.import_module), and
#: why: these are deferred imports by design, not hidden ones, and import-linter cannot see
#: them, so they are listed here.
#: - econ/__init__.py resolves its re-exports (DataEconomy, Policy, ...) on first use, so
#:   that ``import econ.cli`` does not import Mesa and pandas;
#: - econ/cli.py imports a subcommand's module (econ/commands/NAME.py) only when it runs,
#:   so that ``econ --help`` answers at once and a missing extra is named in one line;
#: - econ/experiment/runs.py imports the model class a spec names (``model = "pkg:Class"``).
RUNTIME_IMPORTS_ALLOWED = {"econ/__init__.py", "econ/cli.py", "econ/experiment/runs.py"}


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import cycle among econ's modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if not imported.startswith("econ.") or imported == module:
                continue
            if state.get(imported) == 1:
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (found := visit(imported)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module.startswith("econ.") and module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_cycles():
    graph = grimp.build_graph("econ")
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_a_planted_cycle_is_found():
    graph = grimp.ImportGraph()
    for module in ("econ.a", "econ.b", "econ.c"):
        graph.add_module(module)
    graph.add_import(importer="econ.a", imported="econ.b")
    graph.add_import(importer="econ.b", imported="econ.c")
    assert _cycle(graph) is None
    graph.add_import(importer="econ.c", imported="econ.a")
    assert _cycle(graph) == ["econ.a", "econ.b", "econ.c", "econ.a"]


def test_no_imports_inside_functions_except_optional_heavy_dependencies():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = [inner.module or ""]
                else:
                    continue
                found += [
                    f"{path.relative_to(PACKAGE.parent)}:{inner.lineno} imports {name}"
                    for name in names
                    if name.split(".")[0] not in LAZY_IMPORTS_ALLOWED
                ]
    assert not found, "\n".join(found)


def test_run_time_imports_only_where_documented():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text()
        if "import_module" in text or "__import__" in text:
            found.add(str(path.relative_to(PACKAGE.parent)))
    assert found == RUNTIME_IMPORTS_ALLOWED
