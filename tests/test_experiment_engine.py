"""The engine: seeds, identical results on every executor, failure isolation, kill and resume,
provenance, loading, EMA export and DuckDB."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from econ import results as econ_results
from econ.experiment import RunSpec, parse_spec, plan_runs, run
from econ.experiment.runner import execute_run
from econ.experiment.sweep import _git
from econ.study import spec_path

SPEC = {
    "experiment": {
        "name": "engine",
        "scenario": "small",
        "n_firms": 120,
        "steps": 5,
        "replications": 2,
        "seed": 5,
    },
    "policy": {"operators": 1},
    "design": {
        "type": "factorial",
        "factors": {"pricing": ["free", "conditional_free"], "openness": [0.0, 0.5]},
    },
}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    return run(
        parse_spec(SPEC), executor="serial", out=tmp_path_factory.mktemp("s") / "r", progress=False
    )


def test_plan_crosses_points_and_spawned_seeds():
    plan = plan_runs(parse_spec(SPEC))
    assert len(plan) == 4 * 2
    seeds = {r.seed for r in plan}
    assert len(seeds) == 2 and all(type(s) is int for s in seeds)
    # Replication r uses the same seed at every design point (common random numbers).
    assert {r.seed for r in plan if r.replication == 0} == {plan[0].seed}
    assert len({r.run_id for r in plan}) == len(plan)


def test_run_ids_change_with_what_defines_a_run():
    run_spec = plan_runs(parse_spec(SPEC))[0]
    same = RunSpec(**{**run_spec.__dict__})
    assert same.run_id == run_spec.run_id
    for change in (
        {"seed": 1},
        {"steps": 6},
        {"model": "other-code"},
        {"policy": {**run_spec.policy, "openness": 0.9}},
        {"scenario": "china_2024"},
    ):
        assert RunSpec(**{**run_spec.__dict__, **change}).run_id != run_spec.run_id


def test_results_are_tidy_and_record_seeds(serial):
    runs, series = serial.runs, serial.series
    assert len(runs) == 8 and (runs["status"] == "ok").all()
    assert {
        "run_id",
        "point",
        "replication",
        "seed",
        "pricing",
        "openness",
        "market_size_cagr",
        "output_cagr",
        "incidents_total",
    } <= set(runs.columns)
    assert runs["seed"].map(type).eq(int).all()
    assert (
        len(series) == 8 * 5
        and series.groupby("run_id")["step"].apply(list).map(lambda s: s == [1, 2, 3, 4, 5]).all()
    )
    assert {"market_size", "welfare", "pricing"} <= set(series.columns)


def test_replications_differ(serial):
    finals = serial.runs.groupby("point")["market_size_final"].nunique()
    assert (finals == 2).all()


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_identical_results_on_every_executor(serial, tmp_path, executor):
    other = run(
        parse_spec(SPEC), executor=executor, workers=2, out=tmp_path / executor, progress=False
    )
    pd.testing.assert_frame_equal(serial.runs, other.runs, check_exact=True)
    pd.testing.assert_frame_equal(serial.series, other.series, check_exact=True)


def test_any_concurrent_futures_executor_works(serial, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        other = run(parse_spec(SPEC), executor=pool, out=tmp_path / "threads", progress=False)
    pd.testing.assert_frame_equal(serial.runs, other.runs, check_exact=True)


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    # A prohibitive integration cost leaves no data market to calibrate against: the model
    # raises at start-up for those runs.
    spec = parse_spec(
        {
            **SPEC,
            "design": {"type": "factorial", "factors": {"integration_cost_rmb": [1_500.0, 1e9]}},
        }
    )
    results = run(spec, executor="processes", workers=2, out=tmp_path / "f", progress=False)
    assert results.manifest["counts"]["failed"] == 2 and results.manifest["counts"]["done"] == 2
    failed = results.runs[results.runs["status"] == "failed"]
    assert (failed["integration_cost_rmb"] == 1e9).all()
    assert failed["error"].str.contains("no firm licensed any data product").all()
    assert failed["error"].str.contains("integration_cost_rmb").all()
    # A finished sweep keeps each run's record (traceback included) in compacted.json.
    records = json.loads((tmp_path / "f" / "compacted.json").read_text())["records"]
    record = records[failed["run_id"].iloc[0]]
    assert "Traceback" in record["traceback"]
    assert len(results.series["run_id"].unique()) == 2  # only the good runs have series


def test_execute_run_never_raises():
    bad = RunSpec(
        point=0,
        replication=0,
        seed=1,
        scenario="small",
        n_firms=50,
        steps=2,
        policy={"openness": 7.0},
        params={},
        factors={},
        outputs=("market_size",),
    )
    result = execute_run(bad)
    assert result.status == "failed" and "openness" in result.error


def test_changed_spec_reruns_only_what_changed(serial, tmp_path):
    out = tmp_path / "grow"
    run(parse_spec(SPEC), executor="serial", out=out, progress=False)
    bigger = {
        **SPEC,
        "design": {
            "type": "factorial",
            "factors": {"pricing": ["free", "conditional_free"], "openness": [0.0, 0.5, 1.0]},
        },
    }
    results = run(parse_spec(bigger), executor="serial", out=out, progress=False)
    assert results.manifest["counts"] == {"planned": 12, "skipped": 8, "done": 4, "failed": 0}
    assert len(results.runs) == 12


KILL_SCRIPT = """
import sys
from econ.experiment import parse_spec, run
spec = {spec!r}
run(parse_spec(spec), executor="serial", out=sys.argv[1], progress=False)
"""


def test_killed_sweep_resumes_with_only_missing_runs_and_identical_results(tmp_path):
    spec = {**SPEC, "experiment": {**SPEC["experiment"], "steps": 24, "replications": 4}}
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT.format(spec=spec), str(out)])
    deadline = time.monotonic() + 60
    records = out / "runs"
    while time.monotonic() < deadline and len(list(records.glob("*.json"))) < 3:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(records.glob("*.json")))
    assert 3 <= finished < 16, "the sweep must be killed part-way"
    for path in records.glob("*.json"):
        json.loads(path.read_text())  # no partial record
    for path in (out / "series").glob("*.parquet"):
        pd.read_parquet(path)  # no partial series

    resumed = run(parse_spec(spec), executor="serial", out=out, progress=False)
    counts = resumed.manifest["counts"]
    assert counts["skipped"] == finished and counts["done"] == 16 - finished
    assert not list(out.glob("**/.*.tmp"))
    fresh = run(parse_spec(spec), executor="serial", out=tmp_path / "fresh", progress=False)
    pd.testing.assert_frame_equal(resumed.runs, fresh.runs, check_exact=True)
    pd.testing.assert_frame_equal(resumed.series, fresh.series, check_exact=True)


def test_manifest_records_provenance(serial):
    manifest = json.loads((serial.path / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["spec"]["factors"] == {
        "pricing": ["free", "conditional_free"],
        "openness": [0.0, 0.5],
    }
    assert set(manifest["versions"]) >= {
        "python",
        "econ-datamarket",
        "mesa",
        "numpy",
        "pandas",
        "scipy",
    }
    assert all(manifest["versions"][k] for k in ("python", "mesa", "numpy", "pandas", "scipy"))
    assert {"commit", "dirty"} <= set(manifest["git"])
    assert manifest["started_at"] <= manifest["finished_at"]
    assert manifest["counts"]["done"] == 8 and manifest["plan"] == list(serial.runs["run_id"])


def test_load_round_trips(serial):
    again = econ_results.load(serial.path)
    pd.testing.assert_frame_equal(again.runs, serial.runs)
    pd.testing.assert_frame_equal(again.series, serial.series)
    with pytest.raises(FileNotFoundError, match=r"manifest\.json"):
        econ_results.load(serial.path / "series")


def test_ema_workbench_export(serial):
    experiments, outcomes = econ_results.to_ema(serial)
    assert len(experiments) == 8
    assert {"pricing", "openness", "scenario", "policy", "model"} <= set(experiments.columns)
    assert outcomes["market_size"].shape == (8, 5)
    first = serial.series[serial.series["run_id"] == serial.runs["run_id"].iloc[0]]
    assert np.array_equal(outcomes["market_size"][0], first["market_size"].to_numpy())


def test_parquet_files_are_queryable_with_duckdb(serial):
    duckdb = pytest.importorskip("duckdb")
    pattern = str(Path(serial.path) / "series.parquet")  # one dataset once compacted
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}')").fetchall()[0][0]
    assert rows == len(serial.series)
    runs_file = str(Path(serial.path) / "runs.parquet")
    mean = duckdb.sql(f"SELECT avg(market_size_cagr) FROM '{runs_file}'").fetchall()[0][0]
    assert mean == pytest.approx(serial.runs["market_size_cagr"].mean())


def test_cli_run_quick(tmp_path, capsys):
    from econ.cli import main

    # A shipped spec by name, and the same spec by path.
    for spec in ("smoke", str(spec_path("smoke"))):
        out_dir = str(tmp_path / "q")
        assert main(["run", spec, "--quick", "--executor", "serial", "--out", out_dir]) == 0
    out = capsys.readouterr().out
    assert "smoke_quick: 8 runs planned" in out and "Results:" in out
    with pytest.raises(SystemExit) as exit_:
        main(["run", "smoke", "--executor", "nonsense"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_model_fingerprint_ignores_docstrings_and_comments():
    """A documentation edit changes no run id; a code edit does."""
    from econ.experiment.runs import code_of

    source = 'def f(x):\n    """Old words."""\n    return x + 1  # why\n'
    reworded = (
        'def f(x):\n    """New words, in numpydoc.\n\n    Returns\n    -------\n    int\n    """\n'
        "    return x + 1\n"
    )
    changed = 'def f(x):\n    """Old words."""\n    return x + 2\n'
    assert code_of(source) == code_of(reworded)
    assert code_of(source) != code_of(changed)


def test_model_fingerprint_covers_every_module_the_model_runs():
    """Every econ module that importing the model loads is hashed, so no code the model runs
    can change without new run ids (econ.kernels, the compiled clearing, once was not)."""
    code = (
        "import sys, json, econ.model\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('econ.'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout)) - {"econ._version"}
    from econ.experiment.runs import MODEL_MODULES

    hashed = set(MODEL_MODULES) | {m for m in loaded if m.startswith("econ.agents")}
    assert loaded <= hashed, sorted(loaded - hashed)


def test_a_manifest_is_dirty_only_when_econs_source_differs(tmp_path):
    # A paper build rewrites tracked files under paper/: the runs' code is still the commit's.
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "econ").mkdir()
    (tmp_path / "paper").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "econ-datamarket"\n')
    (tmp_path / "econ" / "model.py").write_text("A = 1\n")
    (tmp_path / "paper" / "paper.typ").write_text("text\n")
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    clean = _git(tmp_path)
    assert len(clean["commit"]) == 40 and clean["dirty"] is False
    (tmp_path / "paper" / "paper.typ").write_text("rebuilt\n")
    assert _git(tmp_path)["dirty"] is False
    (tmp_path / "econ" / "model.py").write_text("A = 2\n")
    assert _git(tmp_path)["dirty"] is True
    git("checkout", "-q", "--", "econ")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "econ-datamarket"\n# x\n')
    assert _git(tmp_path)["dirty"] is True
