"""Executing runs: the function a worker calls, and the summary outcomes of a run.

:func:`execute_run` never raises: a run that fails comes back as a failed :class:`RunResult`
with its error and traceback. With a results folder, the worker stores the run itself.
"""

from __future__ import annotations

import time
import traceback

import pandas as pd

from econ.experiment.runs import RunResult, RunSpec, resolve_model
from econ.experiment.store import ResultStore
from econ.metrics import MODEL_COLUMNS, cagr

__all__ = ["execute_run", "execute_runs", "summarise"]


def summarise(df: pd.DataFrame) -> dict[str, float]:
    """Summary outcomes of one run: final and mean values, CAGRs, totals.

    Parameters
    ----------
    df : pandas.DataFrame
        The run's model-level series, one row per quarter (:meth:`econ.model.DataEconomy.run`).

    Returns
    -------
    dict of str to float
        ``<column>_final`` and ``<column>_mean`` for each reported column (in the column's
        unit), ``market_size_cagr`` and ``output_cagr`` (compound annual growth, a share per
        year), ``incidents_total`` (count) and ``welfare_total`` (RMB).
    """
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

    Parameters
    ----------
    run : RunSpec
        The run.
    results_folder : str or None, default None
        The experiment's results folder, when this worker can write to it.

    Returns
    -------
    RunResult
        Status ``"ok"`` with the summary (and the series unless stored), or ``"failed"`` with
        the error and traceback.
    """
    result = _simulate(run)
    if results_folder is not None:
        try:
            ResultStore(results_folder).write_result(result)
            result.series, result.stored = None, True
        except OSError as err:  # the main process will try to store it instead
            result.error = result.error or f"worker could not store the run: {err}"
    return result


def execute_runs(runs: list[RunSpec], results_folder: str | None = None) -> list[RunResult]:
    """Several runs in one task (cuts per-task overhead on a Dask cluster).

    Parameters
    ----------
    runs : list of RunSpec
        The runs, executed in order.
    results_folder : str or None, default None
        As for :func:`execute_run`.

    Returns
    -------
    list of RunResult
        One result per run, in order.
    """
    return [execute_run(run, results_folder) for run in runs]


def _simulate(run: RunSpec) -> RunResult:
    start = time.perf_counter()
    try:
        model_class = resolve_model(run.model_class)
        model = model_class(
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
