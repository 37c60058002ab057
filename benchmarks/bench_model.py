"""Model throughput: firm-steps per second for 1,000, 10,000 and 100,000 firms, on one core.

Run: ``python benchmarks/bench_model.py [--steps 40] [--repeats 3]``. Reports the best of
``repeats`` runs of ``steps`` quarters (model construction timed separately). Target: 100,000
firms for 40 quarters in under 8 s on one core, about 500,000 firm-steps per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from econ import DataEconomy, Policy, __version__

POLICY = Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True)


def bench(n_firms: int, steps: int, repeats: int) -> dict:
    """Best-of-``repeats`` timing of building and running one model."""
    best_build = best_run = float("inf")
    for seed in range(repeats):
        start = time.perf_counter()
        model = DataEconomy(policy=POLICY, scenario="china_2024", n_firms=n_firms, seed=seed)
        built = time.perf_counter()
        model.run(steps)
        done = time.perf_counter()
        best_build, best_run = min(best_build, built - start), min(best_run, done - built)
    return {
        "firms": n_firms,
        "build_s": best_build,
        "run_s": best_run,
        "total_s": best_build + best_run,
        "firm_steps_per_s": n_firms * steps / best_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    print(
        f"econ {__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"one core, {args.steps} quarters, best of {args.repeats}"
    )
    print(f"{'firms':>8} {'build s':>8} {'run s':>8} {'total s':>8} {'firm-steps/s':>14}")
    for n in args.sizes:
        r = bench(n, args.steps, args.repeats)
        print(
            f"{r['firms']:>8,} {r['build_s']:>8.2f} {r['run_s']:>8.2f} {r['total_s']:>8.2f} "
            f"{r['firm_steps_per_s']:>14,.0f}"
        )


if __name__ == "__main__":
    main()
