"""Sweep throughput: runs per second for 200 runs of the small scenario, by executor.

Run: ``python benchmarks/bench_sweep.py [--runs 200] [--steps 40] [--workers 2]``.

Each executor runs the same sweep in a fresh Python process, as ``econ run`` would, and the
time of the ``run`` call is reported (pool or cluster start-up included: it is what a user
waits for). ``dask (warm)`` reuses a LocalCluster started beforehand, as a long sweep on a
running cluster would. Speed-up is against serial, and per worker. Target: at least 1.7x with
processes on this machine's 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Measure the econ of this checkout (its root first on the path), not an installed one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from econ.experiment import parse_spec, run


def sweep_spec(runs: int, steps: int):
    """A factorial of 4 pricing regimes x 5 openness levels, replicated to ``runs`` runs."""
    return parse_spec(
        {
            "experiment": {
                "name": "bench",
                "scenario": "small",
                "steps": steps,
                "replications": max(1, runs // 20),
                "seed": 1,
            },
            "design": {
                "type": "factorial",
                "factors": {
                    "pricing": ["free", "conditional_free", "cost_recovery", "market"],
                    "openness": [0.0, 0.25, 0.5, 0.75, 1.0],
                },
            },
        }
    )


def time_one(executor: str, runs: int, steps: int, workers: int, out: Path) -> float:
    """Seconds for one sweep with ``executor`` (run in this fresh process)."""
    spec = sweep_spec(runs, steps)
    if executor == "dask-warm":
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(lambda: __import__("econ.experiment.runner"))
            start = time.perf_counter()
            run(
                spec,
                executor=client.get_executor(),
                out=out,
                progress=False,
                batch_size=max(1, runs // (8 * workers)),
            )
            return time.perf_counter() - start
    start = time.perf_counter()
    run(
        spec,
        executor=executor,
        workers=None if executor == "serial" else workers,
        out=out,
        progress=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(time_one(args.one, args.runs, args.steps, args.workers, Path(args.out))))
        return
    n = len(sweep_spec(args.runs, args.steps).factors["pricing"]) * 5 * max(1, args.runs // 20)
    print(
        f"{n} runs of the small scenario, {args.steps} quarters each; {args.workers} workers "
        "for processes and dask; each executor in a fresh process"
    )
    print(f"{'executor':>12} {'seconds':>8} {'runs/s':>8} {'speed-up':>9} {'per worker':>11}")
    serial = None
    with tempfile.TemporaryDirectory() as tmp:
        for executor in ("serial", "processes", "dask", "dask-warm"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    executor,
                    "--runs",
                    str(args.runs),
                    "--steps",
                    str(args.steps),
                    "--workers",
                    str(args.workers),
                    "--out",
                    str(Path(tmp) / executor),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            seconds = json.loads(out.strip().splitlines()[-1])
            serial = serial or seconds
            workers = 1 if executor == "serial" else args.workers
            print(
                f"{executor:>12} {seconds:>8.2f} {n / seconds:>8.1f} {serial / seconds:>8.2f}x "
                f"{serial / seconds / workers:>10.2f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
