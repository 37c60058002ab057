"""One run of an experiment: its identity, and the function a worker executes.

A :class:`RunSpec` carries everything needed to reproduce a run (policy, scenario, changes,
size, quarters, seed) and has a stable id: a hash of those and of the model's source code, so
a changed spec or model re-runs exactly what changed. :func:`execute_run` never raises: a run
that fails comes back as a failed :class:`RunResult` with its error and traceback.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from econ.metrics import MODEL_COLUMNS, cagr

__all__ = ["RunResult", "RunSpec", "execute_run", "execute_runs", "model_fingerprint", "summarise"]

#: Source files whose content defines the model's behaviour.
_MODEL_SOURCES = (
    "model.py",
    "market.py",
    "equations.py",
    "metrics.py",
    "policy.py",
    "scenarios.py",
    "parameters.py",
    "agents",
)


@cache
def model_fingerprint() -> str:
    """A hash of the model's source code: runs of a changed model get new ids."""
    root = Path(__file__).parents[1]
    digest = hashlib.sha256()
    for name in _MODEL_SOURCES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(f.relative_to(root).as_posix().encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunSpec:
    """Everything that fixes one simulation run."""

    point: int
    replication: int
    seed: int
    scenario: str
    n_firms: int | None
    steps: int
    policy: dict[str, Any]
    params: dict[str, Any]
    factors: dict[str, Any]
    outputs: tuple[str, ...]
    model: str = field(default_factory=model_fingerprint)

    @property
    def run_id(self) -> str:
        """Stable id: hash of design point, seed, scenario, size, quarters and model code."""
        key = {
            "policy": self.policy,
            "params": self.params,
            "scenario": self.scenario,
            "n_firms": self.n_firms,
            "steps": self.steps,
            "seed": self.seed,
            "outputs": list(self.outputs),
            "model": self.model,
        }
        blob = json.dumps(key, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:20]


@dataclass
class RunResult:
    """What a worker sends back: status, summary outcomes and the kept time series."""

    run: RunSpec
    status: str  # "ok" or "failed"
    summary: dict[str, float] = field(default_factory=dict)
    series: pd.DataFrame | None = None
    error: str = ""
    traceback: str = ""
    seconds: float = 0.0
    stored: bool = False  # already written to the results folder by the worker


def summarise(df: pd.DataFrame) -> dict[str, float]:
    """Summary outcomes of one run: final and mean values, CAGRs, totals."""
    out: dict[str, float] = {}
    for column in MODEL_COLUMNS:
        if column in df:
            out[f"{column}_final"] = float(df[column].iloc[-1])
            out[f"{column}_mean"] = float(df[column].mean())
    out["market_size_cagr"] = cagr(df["market_size"])
    out["output_cagr"] = cagr(df["output"])
    out["incidents_total"] = float(df["incidents"].sum())
    out["welfare_total"] = float(df["welfare"].sum())
    return out


def execute_run(run: RunSpec, results_folder: str | None = None) -> RunResult:
    """Build and run the model for ``run``; never raises (failures are returned).

    With ``results_folder`` the worker stores the run itself (in parallel with other workers)
    and returns only its status and summary.
    """
    result = _simulate(run)
    if results_folder is not None:
        from econ.experiment.store import ResultStore

        try:
            ResultStore(results_folder).write_result(result)
            result.series, result.stored = None, True
        except OSError as err:  # the main process will try to store it instead
            result.error = result.error or f"worker could not store the run: {err}"
    return result


def execute_runs(runs: list[RunSpec], results_folder: str | None = None) -> list[RunResult]:
    """Several runs in one task (cuts per-task overhead on a Dask cluster)."""
    return [execute_run(run, results_folder) for run in runs]


def _simulate(run: RunSpec) -> RunResult:
    from econ.model import DataEconomy

    start = time.perf_counter()
    try:
        model = DataEconomy(
            policy=run.policy,
            scenario=run.scenario,
            n_firms=run.n_firms,
            seed=run.seed,
            **run.params,
        )
        df = model.run(run.steps)
        summary = summarise(df)
        series = df[list(run.outputs)].reset_index()
        series.insert(0, "run_id", run.run_id)  # so the Parquet files stand alone (DuckDB)
        return RunResult(run, "ok", summary, series, seconds=time.perf_counter() - start)
    except Exception as err:
        return RunResult(
            run,
            "failed",
            error=f"{type(err).__name__}: {err}",
            traceback=traceback.format_exc(),
            seconds=time.perf_counter() - start,
        )
