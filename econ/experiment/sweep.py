"""Running an experiment: plan the runs, skip the finished ones, execute the rest, store them.

``run(spec)`` is the whole engine; ``econ run`` is a thin layer over it.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from concurrent import futures
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm as _auto_tqdm

from econ._version import __version__
from econ.experiment.designs import design_points
from econ.experiment.executors import cores, make_executor, quiet_fork
from econ.experiment.runner import execute_runs
from econ.experiment.runs import RunResult, RunSpec, model_fingerprint
from econ.experiment.spec import ExperimentSpec, load_spec
from econ.experiment.store import Results, ResultStore, load, record_of
from econ.policy import LEVERS
from econ.seeds import spawn_seeds

__all__ = ["plan_runs", "run"]


class tqdm(_auto_tqdm):  # noqa: N801 - tqdm's own name
    """A progress bar (terminal or notebook) without tqdm's monitor thread: a process with
    no threads can fork its workers, which then skip re-importing the model."""

    monitor_interval = 0


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

    Parameters
    ----------
    spec : ExperimentSpec
        The experiment.

    Returns
    -------
    list of RunSpec
        Point by point, replication by replication.
    """
    design = design_points(spec)
    seeds = spawn_seeds(spec.seed, spec.replications)
    plan = []
    factor_names = list(spec.factors)
    for point, row in design.iterrows():
        values = {n: _plain(row[n]) for n in factor_names}
        levers = {k: v for k, v in values.items() if k in LEVERS}
        params = {k: v for k, v in values.items() if k not in LEVERS}
        for replication, seed in enumerate(seeds):
            plan.append(
                RunSpec(
                    point=int(point),
                    replication=replication,
                    seed=seed,
                    scenario=spec.scenario,
                    n_firms=spec.n_firms,
                    steps=spec.steps,
                    policy={**spec.policy, **levers},
                    params={**spec.params, **params},
                    factors=values,
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

    Returns
    -------
    Results
        The experiment's results, loaded from the folder.
    """
    if not isinstance(spec, ExperimentSpec):
        spec = load_spec(spec)
    if quick:
        spec = spec.quick()
    store = ResultStore(out if out is not None else Path("results") / spec.name)
    plan = plan_runs(spec)
    store.remove_stale_temporaries()
    finished = store.finished()
    pending = list({r.run_id: r for r in plan if r.run_id not in finished}.values())
    manifest = _manifest(spec, plan, executor, workers, scheduler)
    counts = {"planned": len(plan), "skipped": len(plan) - len(pending), "done": 0, "failed": 0}
    bar = None
    records: dict[str, dict] = {}
    try:
        with make_executor(executor, workers, scheduler) as pool:
            # Submit before anything starts a thread here (Parquet writers, the progress
            # bar's monitor): a process pool forks its workers at the first submission.
            # Local workers store their own runs; remote ones may not share our disk.
            local = executor in ("serial", "processes") or (executor == "dask" and not scheduler)
            folder = str(store.root) if local else None
            size = batch_size or _batch_size(executor, workers, scheduler, len(pending))
            batches = [pending[i : i + size] for i in range(0, len(pending), size)]
            with quiet_fork():
                submitted = {pool.submit(execute_runs, b, folder): b for b in batches}
            store.write_manifest(manifest)
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
            for future in futures.as_completed(submitted):
                for result in _results_of(future, submitted[future]):
                    if not result.stored:
                        store.write_result(result)
                    records[result.run.run_id] = record_of(result)
                    counts["done" if result.status == "ok" else "failed"] += 1
                    bar.update()
                bar.set_postfix(
                    done=counts["done"] + counts["skipped"],
                    failed=counts["failed"],
                    remaining=len(plan) - bar.n,
                )
    except BaseException:
        manifest.update(status="interrupted", finished_at=_now(), counts=counts)
        store.write_manifest(manifest)
        raise
    finally:
        if bar is not None:
            bar.close()
    store.consolidate(plan, records)
    manifest.update(status="complete", finished_at=_now(), counts=counts)
    store.write_manifest(manifest)
    return load(store.root)


def _results_of(future: futures.Future, batch: list[RunSpec]) -> list[RunResult]:
    """A task's results; a worker that died fails its runs, never hangs or stops the sweep."""
    try:
        return future.result()
    except Exception as err:
        error = f"worker failed: {type(err).__name__}: {err}"
        return [RunResult(run, "failed", error=error) for run in batch]


def _batch_size(executor, workers: int | None, scheduler: str | None, n_runs: int) -> int:
    """Runs per task: one, except on Dask, where about eight tasks per worker are enough."""
    if executor != "dask":
        return 1
    n_workers = workers or (cores() if not scheduler else 8)
    return max(1, n_runs // (8 * n_workers))


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _git() -> dict[str, Any]:
    """Commit and dirtiness of econ's own source tree, when econ runs from a git checkout.

    An installed econ (a wheel in some other project's virtualenv) has no commit of its own:
    the repository around it is someone else's, so nothing is recorded.
    """
    package = Path(str(resources.files("econ")))
    root = package.parent
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
            ["git", "status", "--porcelain", "--untracked-files=no"],
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
