"""The researcher notebooks in notebooks/: stored without outputs, parameterised, and run end
to end with their quick parameters (papermill), so a notebook that raises fails the suite."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_quickstart",
    "02_free_vs_priced",
    "03_authorised_operation",
    "04_cross_border",
    "05_sensitivity",
    "06_build_your_own_policy",
    "07_calibration",
]


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _python(cell: dict) -> str:
    """A code cell's Python: a cell magic's line (``%%writefile PATH``) is IPython, the rest
    of the cell (the module it writes) is Python and is checked like any other cell."""
    code = _code(cell)
    return code.split("\n", 1)[1] if code.startswith("%%") else code


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_every_notebook_of_the_issue_exists():
    missing = set(EXPECTED) - {p.stem for p in NOTEBOOKS}
    assert not missing, f"missing notebooks: {sorted(missing)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stored_stripped_of_outputs(path):
    nb = _read(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} cell {i} has outputs: strip them"
            assert cell["execution_count"] is None, f"{path.name} cell {i} has an execution count"
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state: strip it"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_opens_with_its_question_and_has_a_parameters_cell(path):
    cells = _read(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and "**Question.**" in _code(cells[0])
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell must be tagged 'parameters'"
    assert tagged[0]["cell_type"] == "code"
    names = {
        target.id
        for node in ast.parse(_code(tagged[0])).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert {"quick", "results_dir"} <= names, f"{path.name}: parameters lack quick/results_dir"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_uses_only_the_public_api(path):
    """No private names: nothing imported or accessed that starts with '_' (dunders aside)."""
    for cell in _read(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_python(cell))):
            if isinstance(node, ast.ImportFrom):
                parts = (node.module or "").split(".") + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                parts = [p for a in node.names for p in a.name.split(".")]
            elif isinstance(node, ast.Attribute):
                parts = [node.attr]
            else:
                continue
            private = [p for p in parts if p.startswith("_") and not p.endswith("__")]
            assert not private, f"{path.name} uses private names {private}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_with_quick_parameters(path, tmp_path):
    try:
        import papermill
    except ImportError:  # pragma: no cover - a missing test dependency must fail loudly
        pytest.fail("papermill is needed to run the notebooks: pip install -e '.[test]'")
    before = {p.name for p in NOTEBOOK_DIR.iterdir()}
    results = tmp_path / "results"
    # The kernel starts in notebooks/, as in JupyterLab, so the specs are found as a user
    # finds them; everything the notebook writes goes to tmp_path.
    papermill.execute_notebook(
        str(path),
        str(tmp_path / path.name),
        parameters={"quick": True, "results_dir": str(results)},
        cwd=str(NOTEBOOK_DIR),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=600,
    )
    executed = _read(tmp_path / path.name)
    errors = [
        o
        for c in executed["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
        if o["output_type"] == "error"
    ]
    assert not errors
    assert list(results.glob("figures/**/*.png")), f"{path.name} saved no figure"
    assert {p.name for p in NOTEBOOK_DIR.iterdir()} == before, "a notebook wrote into notebooks/"
