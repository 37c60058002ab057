"""The install splits into a core and extras (pyproject.toml), and the command line says so.

The core runs the model and the engine; a subcommand whose extra is missing fails with one
line naming the extra to install. A missing package is simulated by ``sys.modules[name] =
None`` in a fresh interpreter (Python then refuses to import it, as when it is absent).
"""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import econ.cli
from econ.cli import DISTRIBUTION, EXTRAS

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: Every optional top-level module (the extras' packages), blocked together below.
OPTIONAL = sorted(EXTRAS)


def _econ(args: list[str], blocked: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``econ ARGS`` in a fresh interpreter in which ``blocked`` cannot be imported."""
    code = (
        "import sys\n"
        f"for name in {blocked!r}:\n"
        "    sys.modules[name] = None\n"
        "from econ.cli import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env
    )


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["dashboard", "--port", "1"], "solara", "viz"),
        (["study", "--quick"], "matplotlib", "paper"),
        (["paper", "--quick"], "typst", "paper"),
        (["figures", "results/none"], "seaborn", "paper"),
        (["run", "smoke", "--quick", "--executor", "dask"], "distributed", "dask"),
    ],
)
def test_a_missing_extra_is_named_in_one_line(args, module, extra, tmp_path):
    done = _econ(args, [module], tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # one line, no traceback
    assert f"'{module}'" in lines[0]
    assert f'pip install "{DISTRIBUTION}[{extra}]"' in lines[0]


def test_the_core_runs_the_engine_without_any_extra(tmp_path):
    """econ run, levers and init need none of the extras' packages."""
    done = _econ(["run", "smoke", "--quick", "--executor", "serial"], OPTIONAL, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results" / "smoke_quick" / "manifest.json").is_file()
    done = _econ(["levers", "--json"], OPTIONAL, tmp_path)
    assert done.returncode == 0, done.stderr
    assert {r["name"] for r in json.loads(done.stdout)} >= {"pricing", "operators"}
    done = _econ(["init", "research"], OPTIONAL, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "research" / "paper" / "paper.typ").is_file()


def test_an_unrelated_missing_module_is_not_blamed_on_an_extra(tmp_path):
    """A module no extra provides (here pandas, a core dependency) is a real error."""
    done = _econ(["run", "smoke", "--quick"], ["pandas"], tmp_path)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "pip install" not in done.stderr


def test_extras_in_the_cli_exist_in_pyproject():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert set(EXTRAS.values()) <= set(extras)
    assert PYPROJECT["project"]["name"] == DISTRIBUTION


def test_the_core_holds_none_of_the_extras_packages():
    core = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    for package in ("solara", "typst", "dask", "seaborn", "matplotlib", "jupyterlab", "ema"):
        assert package not in core


def test_make_installs_every_extra():
    """The Makefile installs .[test,docs], and [test] pulls [all], which is every extra."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert '".[test,docs]"' in (ROOT / "Makefile").read_text()
    assert f"{DISTRIBUTION}[all]" in extras["test"]
    named = extras["all"][0].split("[")[1].rstrip("]").split(",")
    assert set(named) == set(extras) - {"all", "test", "docs"}


def test_cli_names_every_extra_module_it_maps():
    """Each module the CLI blames on an extra is one that extra installs (by its spec)."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    text = {name: " ".join(reqs).lower().replace("-", "_") for name, reqs in extras.items()}
    text["viz"] += " solara altair"  # through mesa[viz]
    text["ema"] += " platypus"
    for module, extra in econ.cli.EXTRAS.items():
        assert module.lower() in text[extra], (module, extra)
