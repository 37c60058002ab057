"""``econ --help`` imports no heavy package: the subcommands' modules load only when run.

No time is asserted here (benchmarks/bench_startup.py measures it); what is asserted is
which modules an interpreter holds after ``import econ.cli`` and after ``econ --help``.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import econ.cli
from econ.experiment import EXECUTORS
from econ.study import spec_names
from econ.study.estimation import calibrate_spec_names

ROOT = Path(__file__).parents[1]
#: Packages that take a second or more to import, none of which help needs.
HEAVY = ["mesa", "pandas", "numpy", "numba", "scipy", "matplotlib", "dask", "solara", "typst"]


def _imported_after(code: str) -> set[str]:
    probe = (
        "import sys, json, contextlib, io\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    {code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(done.stdout))


def test_importing_the_cli_imports_no_heavy_package():
    assert _imported_after("import econ.cli") == set()


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["--version"]])
def test_help_imports_no_heavy_package(args):
    code = f"import econ.cli\n    try: econ.cli.main({args!r})\n    except SystemExit: pass"
    assert _imported_after(code) == set()


def test_the_package_still_re_exports_the_model():
    assert _imported_after("from econ import DataEconomy") >= {"mesa", "pandas", "numba"}
    import econ

    assert econ.DataEconomy is importlib.import_module("econ.model").DataEconomy
    assert set(econ.__all__) <= set(dir(econ))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        econ.nope  # noqa: B018


def test_the_cli_lists_what_the_engine_has(capsys):
    assert econ.cli.EXECUTORS == EXECUTORS
    for command, names in (("run", spec_names()), ("calibrate", calibrate_spec_names())):
        with pytest.raises(SystemExit):
            econ.cli.main([command, "--help"])
        shown = " ".join(capsys.readouterr().out.split())
        assert names and all(name in shown for name in names)


def test_every_subcommand_has_a_module_with_main():
    parser = econ.cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        module = "tables" if name in ("levers", "scenarios") else name
        assert callable(importlib.import_module(f"econ.commands.{module}").main), name
