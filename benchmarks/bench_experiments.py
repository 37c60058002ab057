"""What the statistics-sized experiments cost: 300 replications of free-vs-priced, Sobol N=1024.

Run: ``python benchmarks/bench_experiments.py [--sample 16] [--sweep-runs 96]``.

For each experiment the runs are planned exactly as ``econ run`` plans them, and measured on
an evenly spread sample of them (process CPU time; the machine is shared):

- model: CPU seconds of ``DataEconomy(...).run(steps)`` per run, median over the sample;
- worker overhead: what a worker adds per run (``execute_runs``: summary, Parquet file);
- engine: a real sweep of ``--sweep-runs`` of the planned runs through ``econ.run`` with
  the process pool on this machine's cores (planning, pool, storing, consolidation included),
  giving the engine's overhead per run beside the model's CPU time.

The projections are extrapolations from those measurements, not runs: the whole experiment
on this machine (engine wall per run x runs), and on N cores of a Dask cluster
(total CPU / N, plus ``DASK_TASK_S`` of scheduling per task of ``batch`` runs).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from econ import DataEconomy
from econ.experiment import plan_runs, run
from econ.experiment.executors import cores
from econ.experiment.runner import execute_runs
from econ.experiment.spec import load_spec
from econ.study import spec_path

#: Scheduling cost of one Dask task (measured by benchmarks/bench_sweep.py: a few ms).
DASK_TASK_S = 0.005


def experiments() -> dict:
    """The two experiments of issue #14, as specs."""
    priced = replace(load_spec(spec_path("free_vs_priced")), replications=300)
    sobol = replace(load_spec(spec_path("sensitivity")), samples=1024)
    return {"free_vs_priced x300": priced, "sobol N=1024": sobol}


def model_seconds(runs) -> float:
    """Median CPU seconds of the model alone over ``runs``."""
    times = []
    for r in runs:
        start = time.process_time()
        DataEconomy(
            policy=r.policy, scenario=r.scenario, n_firms=r.n_firms, seed=r.seed, **r.params
        ).run(r.steps)
        times.append(time.process_time() - start)
    return statistics.median(times)


def worker_seconds(runs, folder: Path) -> float:
    """CPU seconds per run of what a worker does (model, summary, Parquet file)."""
    start = time.process_time()
    execute_runs(runs, str(folder))
    return (time.process_time() - start) / len(runs)


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the pool's workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def engine_sweep(spec, n_runs: int, folder: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes) per run of a real process-pool sweep of
    about ``n_runs`` of the planned runs."""
    if spec.design == "sobol":  # fewer base samples (a power of two), each 2D + 2 runs
        per_sample = len(plan_runs(replace(spec, samples=1)))
        small = replace(spec, samples=max(2, 1 << max(0, (n_runs // per_sample).bit_length() - 1)))
    else:
        reps = max(1, n_runs // len(plan_runs(replace(spec, replications=1))))
        small = replace(spec, replications=reps)
    runs = len(plan_runs(small))
    cpu, start = _cpu(), time.perf_counter()
    run(small, executor="processes", out=folder, progress=False)
    return (time.perf_counter() - start) / runs, (_cpu() - cpu) / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=16)
    parser.add_argument("--sweep-runs", type=int, default=96)
    parser.add_argument("--dask-cores", type=int, nargs="+", default=[32, 128, 512])
    args = parser.parse_args()
    print(f"{cores()} cores here; CPU time; projections are extrapolations")
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in experiments().items():
            plan = plan_runs(spec)
            step = max(1, len(plan) // args.sample)
            sample = plan[::step][: args.sample]
            model = model_seconds(sample)
            worker = worker_seconds(sample, Path(tmp) / f"{name}-worker")
            wall, cpu = engine_sweep(spec, args.sweep_runs, Path(tmp) / f"{name}-sweep")
            print(
                f"{name}: {len(plan):,} runs of {spec.n_firms or 'scenario'} firms x "
                f"{spec.steps} quarters ({spec.scenario})\n"
                f"  model {model * 1e3:.1f} ms CPU/run; worker overhead "
                f"{(worker - model) * 1e3:.1f} ms/run; process-pool sweep on {cores()} cores: "
                f"{wall * 1e3:.1f} ms wall/run, {cpu * 1e3:.1f} ms CPU/run in all processes "
                f"(engine overhead {(cpu - model) * 1e3:.1f} ms CPU/run)\n"
                f"  whole experiment: {cpu * len(plan) / 3600:.2f} CPU hours; here "
                f"{cpu * len(plan) / cores() / 60:.1f} min on {cores()} idle cores, "
                f"{wall * len(plan) / 60:.1f} min at this sweep's wall rate (extrapolated)"
            )
            for n in args.dask_cores:
                batch = max(1, len(plan) // (8 * n))
                tasks = -(-len(plan) // batch)
                minutes = (cpu * len(plan) / n + tasks * DASK_TASK_S / n) / 60
                print(f"    Dask, {n} cores, {batch} runs a task: {minutes:.2f} min (extrapolated)")


if __name__ == "__main__":
    main()
