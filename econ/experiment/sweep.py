"""Running an experiment: plan the runs, skip the finished ones, execute the rest, store them.

``run(spec)`` is the whole engine; ``econ run`` is a thin layer over it.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from concurrent import futures
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import psutil
from tqdm.auto import tqdm as _auto_tqdm

from econ._version import __version__
from econ.experiment.designs import design_points
from econ.experiment.executors import (
    EXECUTORS,
    RETRIES_AFTER_DEATH,
    DaskExecutor,
    check_workers,
    cores,
    make_executor,
)
from econ.experiment.pool import TaskTimeoutError, WorkerDiedError
from econ.experiment.posterior import draw_particles, draw_seeds
from econ.experiment.runner import abandon_after, execute_runs
from econ.experiment.runs import RunResult, RunSpec, model_fingerprint
from econ.experiment.spec import LIMITS, TIME_LIMIT_BOUNDS, ExperimentSpec, load_spec
from econ.experiment.store import Results, ResultStore, load, record_of
from econ.parameters import shown
from econ.policy import LEVERS
from econ.scenarios import resolve_estimate
from econ.seeds import spawn_seeds

__all__ = ["plan_runs", "run"]


class tqdm(_auto_tqdm):  # noqa: N801 - tqdm's own name
    """A progress bar (terminal or notebook) without tqdm's monitor thread: a process with
    no threads can fork its workers, which then skip re-importing the model."""

    monitor_interval = 0


#: Seconds the process pool waits, beyond the time a worker itself waits for its runs, before
#: it kills a worker that does not answer.
POOL_GRACE = 5.0
#: Times a run may be sent again because a worker died while holding it (waiting or running).
MAX_RESUBMISSIONS = 3
#: Memory the main process holds per planned run (its RunSpec and record), in bytes.
PLAN_BYTES_PER_RUN = 4_000

_VERSIONS = (
    "econ-datamarket",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "SALib",
    "dask",
    "distributed",
)


def plan_runs(spec: ExperimentSpec) -> list[RunSpec]:
    """Every run of the experiment: each design point times each replication seed.

    Replication r of every design point uses the same seed (common random numbers), drawn
    from ``SeedSequence(spec.seed).spawn(replications)``.

    With ``spec.posterior_draws = K`` every design point runs at each of K particles drawn
    by weight from the stored posterior (:func:`~econ.experiment.posterior.draw_particles`),
    replication by replication: within a draw, replication r of every point shares a seed;
    each draw has seeds of its own (:func:`~econ.experiment.posterior.draw_seeds`). A run's
    ``factors`` then also hold ``draw`` (0 to K - 1), ``particle`` (the posterior row drawn)
    and the drawn values of the estimated parameters the spec does not set itself.

    Parameters
    ----------
    spec : ExperimentSpec
        The experiment.

    Returns
    -------
    list of RunSpec
        Point by point, (draw by draw,) replication by replication.
    """
    design = design_points(spec)
    # "<scenario>@posterior": the estimated values become explicit parameters, so run ids
    # change when the stored calibration does, and a run reproduces without it.
    scenario, estimated = resolve_estimate(spec.scenario)
    # Each arm: the labels its runs record, the estimated values they run at, their seeds.
    arms: list[tuple[dict[str, Any], dict[str, Any], list[int]]]
    if spec.posterior_draws:
        particles = draw_particles(spec.scenario, spec.posterior_draws, spec.seed)
        seeds = draw_seeds(spec.seed, spec.posterior_draws, spec.replications)
        shown_values = [n for n in estimated if n not in spec.params and n not in spec.factors]
        arms = []
        for draw, row in particles.iterrows():
            values = {n: float(row[n]) for n in estimated}
            labels = {"draw": int(draw), "particle": int(row["particle"])}
            labels |= {n: values[n] for n in shown_values}
            arms.append((labels, values, seeds[int(draw)]))
    else:
        arms = [({}, estimated, spawn_seeds(spec.seed, spec.replications))]
    plan = []
    factor_names = list(spec.factors)
    for point, row in design.iterrows():
        values = {n: _plain(row[n]) for n in factor_names}
        levers = {k: v for k, v in values.items() if k in LEVERS}
        params = {k: v for k, v in values.items() if k not in LEVERS}
        for labels, drawn, seeds in arms:
            for replication, seed in enumerate(seeds):
                plan.append(
                    RunSpec(
                        point=int(point),
                        replication=replication,
                        seed=seed,
                        scenario=scenario,
                        n_firms=spec.n_firms,
                        steps=spec.steps,
                        policy={**spec.policy, **levers},
                        params={**drawn, **spec.params, **params},
                        factors={**values, **labels},
                        outputs=spec.outputs,
                        model_class=spec.model,
                    )
                )
    return plan


def run(
    spec: ExperimentSpec | str | Path,
    executor: str | futures.Executor | None = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    quick: bool = False,
    progress: bool = True,
    batch_size: int | None = None,
    time_limit: float | None = None,
    compact: bool = True,
) -> Results:
    """Run an experiment and return its results (only runs not already on disk execute).

    Runs stream into the results folder as they finish; a failed run is recorded and the
    sweep goes on. The manifest records the spec, the plan, the econ version, the model's
    fingerprint, the git commit, package versions, the platform and the times.

    Parameters
    ----------
    spec : ExperimentSpec or str or pathlib.Path
        A spec or the path of a spec file.
    executor : {"processes", "serial", "dask"} or concurrent.futures.Executor, default "processes"
        Where runs execute: all cores of this machine, this process, Dask, or any executor
        (see :func:`~econ.experiment.executors.make_executor`).
    workers : int or None, default None
        Processes or Dask workers to start; None: all cores.
    scheduler : str or None, default None
        A Dask scheduler address (with ``executor="dask"``).
    out : str or pathlib.Path or None, default None
        The results folder; None: ``results/<experiment name>``.
    quick : bool, default False
        Shrink the spec for a smoke run (:meth:`ExperimentSpec.quick
        <econ.experiment.spec.ExperimentSpec.quick>`).
    progress : bool, default True
        Show a progress bar (terminal or notebook).
    batch_size : int or None, default None
        Runs per task; None: 1, and for Dask about eight tasks per worker (each Dask task
        costs milliseconds of scheduling).
    time_limit : float or None, default None
        Seconds one run may take (default: the spec's ``time_limit``, else an estimate from
        its size, see ``ExperimentSpec.run_time_limit``). A run over it, like a run that kills
        its worker or exits, is recorded as failed, alone.
    compact : bool, default True
        At the end, compact the runs into one Parquet dataset (``series.parquet``) and
        delete their per-run files (:meth:`ResultStore.compact
        <econ.experiment.store.ResultStore.compact>`); False keeps the per-run files.

    Returns
    -------
    Results
        The experiment's results, loaded from the folder.
    """
    _check_arguments(executor, scheduler, out, quick, progress, batch_size, time_limit)
    check_workers(workers, local=not scheduler)
    if not isinstance(spec, ExperimentSpec):
        spec = load_spec(spec)
    if quick:
        spec = spec.quick()
    if time_limit is not None:
        spec = replace(spec, time_limit=float(time_limit))
    limit = spec.run_time_limit()
    store = ResultStore(out if out is not None else Path("results") / spec.name)
    store.claim(spec.name)
    _check_resources(spec, executor, workers, scheduler)
    plan = plan_runs(spec)
    store.remove_stale_temporaries()
    finished = store.finished([r.run_id for r in plan])
    pending = list({r.run_id: r for r in plan if r.run_id not in finished}.values())
    manifest = _manifest(spec, plan, executor, workers, scheduler)
    manifest["time_limit"] = limit
    counts = {"planned": len(plan), "skipped": len(plan) - len(pending), "done": 0, "failed": 0}
    store.write_manifest(manifest)  # first of all: the folder now holds this experiment
    bar = None
    records: dict[str, dict] = {}
    size = batch_size or _batch_size(executor, workers, scheduler, len(pending))
    try:
        with make_executor(
            executor, workers, scheduler, task_timeout=size * abandon_after(limit) + POOL_GRACE
        ) as pool:
            # Submit before anything starts a thread here (Parquet writers, the progress
            # bar's monitor) where workers start at the first submission.
            # Local workers store their own runs; remote ones may not share our disk.
            local = executor in ("serial", "processes") or (executor == "dask" and not scheduler)
            folder = str(store.root) if local else None
            submitted: dict[futures.Future, list[RunSpec]] = {}
            announce = pool.announcer() if isinstance(pool, DaskExecutor) else None
            resubmitted: dict[str, int] = {}

            umask = _current_umask()

            def submit(batch: list[RunSpec]) -> None:
                future = pool.submit(execute_runs, batch, folder, limit, announce, umask)
                submitted[future] = batch

            for i in range(0, len(pending), size):
                submit(pending[i : i + size])
            store.write_design(design_points(spec))
            bar = tqdm(
                total=len(plan),
                initial=counts["skipped"],
                desc=spec.name,
                unit="run",
                disable=not progress,
                file=sys.stderr,
                dynamic_ncols=True,
                # In a log (not a terminal) a bar redrawn ten times a second is thousands of
                # lines: there, one update every half minute.
                mininterval=0.1 if sys.stderr.isatty() else 30.0,
            )
            while submitted:
                done, _ = futures.wait(submitted, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    batch = submitted.pop(future)
                    try:
                        results = future.result()
                    except (Exception, SystemExit) as err:  # the task, not a run, failed
                        results, again = _recover(err, batch, pool, store if local else None)
                        for run_spec in again:  # each alone, a bounded number of times
                            tries = resubmitted[run_spec.run_id] = (
                                resubmitted.get(run_spec.run_id, 0) + 1
                            )
                            if tries > MAX_RESUBMISSIONS:
                                error = f"its worker died {tries} times while holding it"
                                results.append(RunResult(run_spec, "failed", error=error))
                            else:
                                submit([run_spec])
                    for result in results:
                        if not result.stored:
                            store.write_result(result)
                        records[result.run.run_id] = record_of(result)
                        counts["done" if result.status == "ok" else "failed"] += 1
                        bar.update()
                # refresh=False: a postfix redraws the bar at once, which in a log would be
                # one line per finished run whatever the bar's interval.
                bar.set_postfix(
                    done=counts["done"] + counts["skipped"],
                    failed=counts["failed"],
                    remaining=len(plan) - bar.n,
                    refresh=False,
                )
    except BaseException:
        manifest.update(status="interrupted", finished_at=_now(), counts=counts)
        store.write_manifest(manifest)
        raise
    finally:
        if bar is not None:
            bar.close()
    store.consolidate(plan, records)
    if compact:
        store.compact(plan)
    manifest.update(status="complete", finished_at=_now(), counts=counts)
    store.write_manifest(manifest)
    return load(store.root)


def _check_arguments(executor, scheduler, out, quick, progress, batch_size, time_limit) -> None:
    """Reject bad arguments of :func:`run` before anything starts, naming them."""
    if not isinstance(executor, futures.Executor) and executor not in (*EXECUTORS, None):
        raise ValueError(
            f"executor={shown(executor)}; allowed: {', '.join(EXECUTORS)} or an Executor"
        )
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(
            f"scheduler={shown(scheduler)}: expected an address such as tcp://host:8786"
        )
    if out is not None and not isinstance(out, str | Path):
        raise TypeError(f"out={shown(out)}: expected a folder path")
    for name, flag in (("quick", quick), ("progress", progress)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name}={shown(flag)}: expected True or False")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or not 1 <= batch_size
    ):
        raise ValueError(f"batch_size={shown(batch_size)}: expected a whole number >= 1")
    low, high = TIME_LIMIT_BOUNDS
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not low <= time_limit <= high
    ):
        raise ValueError(
            f"time_limit={shown(time_limit)}: expected seconds per run in [{low:g}, {high:g}]"
        )


def _check_resources(spec: ExperimentSpec, executor, workers, scheduler) -> None:
    """Refuse a sweep that cannot fit: too many runs, or more memory than the machine has."""
    runs_limit = LIMITS["runs"][1]
    if spec.n_runs > runs_limit:
        draws = f" x {spec.posterior_draws:,} posterior draws" if spec.posterior_draws else ""
        raise ValueError(
            f"{spec.name}: {spec.n_points:,} design points x {spec.replications:,} "
            f"replications{draws} = {spec.n_runs:,} runs; at most {runs_limit:,}"
        )
    if executor == "dask" and scheduler:
        local = 0  # the runs use the cluster's memory
    elif executor == "serial":
        local = 1
    else:
        local = workers or cores()
    per_run = spec.memory_per_run()
    need = local * per_run + spec.n_runs * PLAN_BYTES_PER_RUN
    total = psutil.virtual_memory().total
    if need > total:
        gib = 2**30
        raise ValueError(
            f"{spec.name}: this sweep needs about {need / gib:,.1f} GiB of memory ({local} "
            f"worker(s) x {per_run / gib:,.2f} GiB for a run of {spec.firms():,} firms seeing "
            f"up to {spec.view_width():,} products, and {spec.n_runs:,} planned runs); this "
            f"machine has {total / gib:,.1f} GiB: use fewer workers, fewer firms "
            "(n_firms) or a Dask cluster"
        )


def _recover(
    err: BaseException, batch: list[RunSpec], pool: futures.Executor, store: ResultStore | None
) -> tuple[list[RunResult], list[RunSpec]]:
    """Results of a task that failed as a whole, and runs to try again alone.

    A worker that died or hung fails the run it was running, with the cause; runs the task
    had already stored are kept, and the others are tried again. Never raises, so a sweep
    never hangs or stops on a worker's death.
    """
    results, again = [], []
    killed = type(err).__name__ == "KilledWorker"  # Dask's: every task the worker held
    for run in batch:
        if store is not None and run.run_id in store.finished([run.run_id]):
            results.append(_stored_result(store, run))
            continue
        if killed:
            deaths = pool.deaths(run.run_id) if isinstance(pool, DaskExecutor) else len(batch) == 1
            if deaths > RETRIES_AFTER_DEATH:
                error = f"its worker process died in each of {deaths} tries (Dask: KilledWorker)"
                results.append(RunResult(run, "failed", error=error))
            else:  # it was waiting on that worker, or died there fewer times than allowed
                again.append(run)
        elif isinstance(err, WorkerDiedError) and len(batch) > 1:
            again.append(run)  # which run killed the worker is unknown: each alone
        elif isinstance(err, WorkerDiedError | TaskTimeoutError):
            results.append(RunResult(run, "failed", error=str(err)))
        else:
            error = f"worker failed: {type(err).__name__}: {err}"
            results.append(RunResult(run, "failed", error=error))
    return results, again


def _stored_result(store: ResultStore, run: RunSpec) -> RunResult:
    """A run a dead worker stored before it died, as a result."""
    record = store.read_record(run.run_id)
    return RunResult(
        run,
        record["status"],
        record["summary"],
        error=record["error"],
        traceback=record.get("traceback", ""),
        seconds=record.get("seconds", 0.0),
        stored=True,
    )


def _batch_size(executor, workers: int | None, scheduler: str | None, n_runs: int) -> int:
    """Runs per task: one, except on Dask, where about eight tasks per worker are enough."""
    if executor != "dask":
        return 1
    n_workers = workers or (cores() if not scheduler else 8)
    return max(1, n_runs // (8 * n_workers))


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _current_umask() -> int:
    """This process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: What a run's results depend on in a checkout: a change elsewhere (the paper, the docs,
#: a figure a build rewrites) does not make the code behind a run differ from its commit.
SOURCE_PATHS = ("econ", "pyproject.toml")


def _git(root: Path | None = None) -> dict[str, Any]:
    """Commit and dirtiness of econ's own source tree, when econ runs from a git checkout.

    ``dirty`` is whether :data:`SOURCE_PATHS` differ from the commit. An installed econ (a
    wheel in some other project's virtualenv) has no commit of its own: the repository
    around it is someone else's, so nothing is recorded.
    """
    root = Path(str(resources.files("econ"))).parent if root is None else root
    pyproject = root / "pyproject.toml"
    own = pyproject.is_file() and 'name = "econ-datamarket"' in pyproject.read_text()
    if not own or not (root / ".git").exists():
        return {"commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", *SOURCE_PATHS],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
        return {"commit": commit, "dirty": bool(status.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _manifest(spec, plan, executor, workers, scheduler) -> dict[str, Any]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "experiment": spec.name,
        "econ_version": __version__,
        "status": "running",
        "spec": spec.to_dict(),
        "plan": [r.run_id for r in plan],
        "model": spec.model,
        "model_fingerprint": model_fingerprint(spec.model),
        "git": _git(),
        "versions": versions,
        "platform": {
            "system": platform.platform(),
            "machine": platform.machine(),
            "processor": platform.processor(),
        },
        "executor": executor
        if isinstance(executor, str) or executor is None
        else type(executor).__name__,
        "workers": workers,
        "scheduler": scheduler,
        "started_at": _now(),
        "finished_at": None,
        "counts": {},
    }
