"""Executing runs: the function a worker calls, and the summary outcomes of a run.

:func:`execute_run` never raises: a run that fails, exits or runs out of time comes back as
a failed :class:`RunResult` with its error and traceback. With a results folder, the worker
stores the run itself.

A time limit is kept twice: the run checks it after every quarter and stops itself, and the
worker waits for it only so long (then abandons it: a run stuck inside one quarter cannot
stall the sweep). A worker process whose run holds the interpreter and never answers is
killed by the process pool (:mod:`econ.experiment.pool`).
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from econ.experiment.runs import RunResult, RunSpec, resolve_model
from econ.experiment.store import ResultStore
from econ.metrics import ALL_COLUMNS, MODEL_COLUMNS, cagr

__all__ = ["FAULTS", "RunTimeoutError", "abandon_after", "execute_run", "execute_runs", "summarise"]

#: Test-only faults a RunSpec's hidden ``_fault`` may name (``kill_once:PATH`` kills the
#: worker the first time, when PATH does not exist yet, and runs normally after).
FAULTS = ("raise", "exit", "os_exit", "kill", "segfault", "hang", "hang_holding_gil", "slow")


class RunTimeoutError(Exception):
    """A run went over its time limit."""


def abandon_after(time_limit: float) -> float:
    """Seconds a worker waits for a run with ``time_limit`` before abandoning it.

    Parameters
    ----------
    time_limit : float
        The run's time limit (seconds), which the run checks after every quarter.

    Returns
    -------
    float
        The limit plus time for the quarter in progress to end: one second and 5% of the
        limit (seconds).
    """
    return time_limit + 1.0 + 0.05 * time_limit


#: Columns summarised when a run reports them: DESIGN.md's first, then the rest.
SUMMARISED = (*MODEL_COLUMNS, *(c for c in ALL_COLUMNS if c not in MODEL_COLUMNS))


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
    for column in SUMMARISED:
        if column in df:
            out[f"{column}_final"] = float(df[column].iloc[-1])
            out[f"{column}_mean"] = float(df[column].mean())
    out["market_size_cagr"] = cagr(df["market_size"])
    out["output_cagr"] = cagr(df["output"])
    out["incidents_total"] = float(df["incidents"].sum())
    out["welfare_total"] = float(df["welfare"].sum())
    return out


def execute_run(
    run: RunSpec, results_folder: str | None = None, time_limit: float | None = None
) -> RunResult:
    """Build and run the model for ``run``; never raises (failures are returned).

    With ``results_folder`` the worker stores the run itself (in parallel with other workers)
    and returns only its status and summary.

    Parameters
    ----------
    run : RunSpec
        The run.
    results_folder : str or None, default None
        The experiment's results folder, when this worker can write to it.
    time_limit : float or None, default None
        Seconds the run may take; a run that takes longer is stopped, or abandoned if it
        does not stop, and returned as failed.

    Returns
    -------
    RunResult
        Status ``"ok"`` with the summary (and the series unless stored), or ``"failed"`` with
        the error and traceback.
    """
    result = _simulate(run) if time_limit is None else _within(run, time_limit)
    if results_folder is not None:
        try:
            ResultStore(results_folder).write_result(result)
            result.series, result.stored = None, True
        except OSError as err:  # the main process will try to store it instead
            result.error = result.error or f"worker could not store the run: {err}"
    return result


def execute_runs(
    runs: list[RunSpec],
    results_folder: str | None = None,
    time_limit: float | None = None,
    announce: Callable[[str, str], None] | None = None,
    umask: int | None = None,
) -> list[RunResult]:
    """Several runs in one task (cuts per-task overhead on a Dask cluster).

    Parameters
    ----------
    runs : list of RunSpec
        The runs, executed in order.
    results_folder : str or None, default None
        As for :func:`execute_run`.
    time_limit : float or None, default None
        As for :func:`execute_run`.
    announce : callable or None, default None
        ``announce(event, run_id)`` is called with ``"start"`` before each run and ``"end"``
        after it: on Dask, it tells the sweep which run was running when a worker died.
    umask : int or None, default None
        The sweep's umask: a long-lived worker started under another umask writes the files
        of this sweep as its caller would.

    Returns
    -------
    list of RunResult
        One result per run, in order.
    """
    if umask is not None:
        os.umask(umask)
    results = []
    for run in runs:
        if announce is not None:
            announce("start", run.run_id)
        results.append(execute_run(run, results_folder, time_limit))
        if announce is not None:
            announce("end", run.run_id)
    return results


def _within(run: RunSpec, time_limit: float) -> RunResult:
    """Run in a thread of its own and wait at most ``abandon_after(time_limit)`` for it."""
    start = time.perf_counter()
    deadline = time.monotonic() + time_limit
    box: list[RunResult] = []
    thread = threading.Thread(
        target=lambda: box.append(_simulate(run, deadline, time_limit)),
        name=f"econ-run-{run.run_id}",
        daemon=True,
    )
    thread.start()
    thread.join(abandon_after(time_limit))
    if box:
        return box[0]
    seconds = time.perf_counter() - start
    error = (
        f"timed out: no answer after {seconds:.0f} s (limit {time_limit:g} s per run); "
        "the run was abandoned"
        if thread.is_alive()
        else "the run's thread ended without a result"
    )
    return RunResult(run, "failed", error=error, seconds=seconds)


def _simulate(
    run: RunSpec, deadline: float | None = None, time_limit: float | None = None
) -> RunResult:
    start = time.perf_counter()
    try:
        if run._fault:
            _inject(run._fault)
        model_class = resolve_model(run.model_class)
        model = model_class(
            policy=run.policy,
            scenario=run.scenario,
            n_firms=run.n_firms,
            seed=run.seed,
            **run.params,
        )
        for quarter in range(run.steps):  # model.run(steps), checking the time limit
            model.step()
            if run._fault == "slow":  # a run slower than its limit, whatever the machine
                time.sleep(0.25)
            if deadline is not None and time.monotonic() > deadline:
                raise RunTimeoutError(
                    f"timed out after {quarter + 1} of {run.steps} quarters "
                    f"(limit {time_limit:g} s per run)"
                )
        df = model.datacollector.get_model_vars_dataframe()
        summary = summarise(df)
        series = df[list(run.outputs)].reset_index()
        series.insert(0, "run_id", run.run_id)  # so the Parquet files stand alone (DuckDB)
        return RunResult(run, "ok", summary, series, seconds=time.perf_counter() - start)
    except RunTimeoutError as err:
        return RunResult(run, "failed", error=str(err), seconds=time.perf_counter() - start)
    except (Exception, SystemExit) as err:  # a run calling sys.exit() fails only itself
        return RunResult(
            run,
            "failed",
            error=f"{type(err).__name__}: {err}",
            traceback=traceback.format_exc(),
            seconds=time.perf_counter() - start,
        )


def _inject(fault: str) -> None:
    """Fail the way real runs can (test-only; see ``RunSpec._fault``)."""
    if fault.startswith("kill_once:"):
        marker = Path(fault.removeprefix("kill_once:"))
        if marker.exists():
            return
        marker.touch()
        fault = "kill"
    if fault == "raise":
        raise RuntimeError("injected fault")
    if fault == "exit":
        raise SystemExit(3)
    if fault == "os_exit":
        os._exit(3)
    if fault == "kill":  # as the out-of-memory killer does
        os.kill(os.getpid(), signal.SIGKILL)
    if fault == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if fault == "hang":
        while True:
            time.sleep(1.0)
    if fault == "hang_holding_gil":  # exponential backtracking: C code that never yields
        re.match(r"(a+)+$", "a" * 64 + "b")
