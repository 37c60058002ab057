"""Model throughput from CPU time, against Mesa's Boltzmann wealth model and the memory bus.

Run: ``python benchmarks/bench_model.py [--steps 40] [--repeats 3] [--no-million]``.

Every figure is process CPU time (``time.process_time``; the machine is shared), median of
``repeats`` runs, on one pinned core:

- econ firm-steps per second at 1k, 10k and 100k firms (``china_2024``, 40 quarters; model
  construction timed apart), and the time of one quarter at 1k firms;
- Mesa's Boltzmann wealth model core (Mesa's own example agents and grid, stepped with
  ``AgentSet.shuffle_do``, no data collection) at the same agent count, and econ's ratio;
- 1M firms x 40 quarters, build plus run, CPU time and peak resident memory (in a fresh
  process, so the peak is that run's own);
- the bandwidth bound beside each size: the bytes a step must touch per firm (each firm's
  state and view read once, its state written once, what the step keeps written once) times
  the firms, over a measured numpy copy bandwidth. ``x bound`` is how far the step is from it.

Targets (issue #14, never asserted in tests): >= 15x Boltzmann at 100k; 1M x 40 < 30 s of
CPU and < 1.5 GB peak; 1k firms < 1 ms a quarter.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.examples.basic.boltzmann_wealth_model.agents import MoneyAgent

# Measure the econ of this checkout (its root first on the path), not an installed one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from econ import DataEconomy, Policy, __version__
from econ.scenarios import get_scenario

#: Quarters a default china_2024 run simulates before its first reported one (ODD 5.3).
SPIN_UP = get_scenario("china_2024").spin_up_quarters
POLICY = Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True)


# ------------------------------------------------------------------ Mesa's Boltzmann core ---
class BoltzmannCore(mesa.Model):
    """Mesa's own Boltzmann wealth example (its ``MoneyAgent``: move to a neighbouring cell,
    give one unit to a cellmate) on its Moore grid at the example's density of one agent per
    cell, without its data collection."""

    def __init__(self, n: int, seed: int) -> None:
        super().__init__(rng=seed)
        side = max(2, round(n**0.5))
        self.grid = OrthogonalMooreGrid((side, side), random=self.random)
        MoneyAgent.create_agents(self, n, self.random.choices(self.grid.all_cells.cells, k=n))

    def step(self) -> None:
        self.agents.shuffle_do("step")


def boltzmann(n_agents: int, steps: int, repeats: int) -> float:
    """Median agent-steps per CPU second of Mesa's Boltzmann core."""
    rates = []
    for seed in range(repeats):
        model = BoltzmannCore(n_agents, seed)
        start = time.process_time()
        for _ in range(steps):
            model.step()
        rates.append(n_agents * steps / (time.process_time() - start))
    return statistics.median(rates)


# ------------------------------------------------------------------------------- econ ---
def bytes_per_firm_step(model: DataEconomy) -> float:
    """Bytes a quarter must move per firm slot at least: the view and the firm table read
    once, the firm table written once, and the per-firm results the step keeps written."""
    n = len(model.firms)
    view = model.market.view
    read = view.product.nbytes + view.fit.nbytes + view.tie_break.nbytes
    table = sum(getattr(model.firms.table, f.name).nbytes for f in model.firms.table.columns())
    clearing = model.clearing
    kept = sum(
        value.nbytes
        for value in vars(clearing).values()
        if isinstance(value, np.ndarray) and value.shape[:1] == (n,)
    )
    return (read + 2 * table + kept) / n


def econ(n_firms: int, steps: int, repeats: int) -> dict:
    """Median build and run CPU seconds of ``repeats`` models (seeds 0, 1, ...)."""
    builds, runs = [], []
    for seed in range(repeats):
        start = time.process_time()
        # The initial economy alone: the spin-up's quarters are steps like any other, so
        # the build is timed without them and the quarters a step at a time.
        model = DataEconomy(
            policy=POLICY, scenario="china_2024", n_firms=n_firms, seed=seed, spin_up_quarters=0
        )
        built = time.process_time()
        model.run(steps)
        done = time.process_time()
        builds.append(built - start)
        runs.append(done - built)
    run_s = statistics.median(runs)
    return {
        "firms": n_firms,
        "build_s": statistics.median(builds),
        "run_s": run_s,
        "firm_steps_per_s": n_firms * steps / run_s,
        "ms_per_step": 1e3 * run_s / steps,
        "bytes_per_firm_step": bytes_per_firm_step(model),
    }


def copy_bandwidth(megabytes: int = 256, repeats: int = 5) -> float:
    """Bytes per CPU second a numpy copy moves (read plus write), best of ``repeats``."""
    src = np.ones(megabytes * 2**20 // 8)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # fault the pages in first
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        np.copyto(dst, src)
        best = min(best, time.process_time() - start)
    return 2 * src.nbytes / best


def million(n_firms: int, steps: int) -> dict:
    """Build and run one large model in this process: CPU seconds and peak memory."""
    start = time.process_time()
    model = DataEconomy(
        policy=POLICY, scenario="china_2024", n_firms=n_firms, seed=0, spin_up_quarters=0
    )
    built = time.process_time()
    model.run(steps)
    done = time.process_time()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "build_s": built - start,
        "run_s": done - built,
        "peak_gb": peak_kb * 1024 / 1e9,
        "bytes_per_firm_step": bytes_per_firm_step(model),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--boltzmann-steps", type=int, default=5)
    parser.add_argument("--million", type=int, default=1_000_000, help="0 to skip")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    if args.one:
        print(json.dumps(million(args.one, args.steps)))
        return
    DataEconomy(scenario="small", seed=0).run(2)  # warm caches (compiled kernels, imports)
    bandwidth = copy_bandwidth()
    print(
        f"econ {__version__}, Mesa {mesa.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, one core, CPU time, median of {args.repeats}; "
        f"numpy copy bandwidth {bandwidth / 1e9:.1f} GB/s"
    )
    print(
        f"{'firms':>9} {'build s':>8} {'run s':>8} {'firm-steps/s':>13} {'Boltzmann/s':>12} "
        f"{'ratio':>6} {'ms/step':>8} {'B/firm-step':>11} {'bound s':>8} {'x bound':>8}"
    )
    for n in args.sizes:
        r = econ(n, args.steps, args.repeats)
        mesa_rate = boltzmann(n, args.boltzmann_steps, args.repeats)
        bound = r["bytes_per_firm_step"] * n * args.steps / bandwidth
        print(
            f"{n:>9,} {r['build_s']:>8.3f} {r['run_s']:>8.3f} {r['firm_steps_per_s']:>13,.0f} "
            f"{mesa_rate:>12,.0f} {r['firm_steps_per_s'] / mesa_rate:>5.1f}x "
            f"{r['ms_per_step']:>8.3f} {r['bytes_per_firm_step']:>11.0f} {bound:>8.3f} "
            f"{r['run_s'] / bound:>7.1f}x",
            flush=True,
        )
    if args.million:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(args.million), "--steps", str(args.steps)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        bound = r["bytes_per_firm_step"] * args.million * args.steps / bandwidth
        print(
            f"{args.million:,} firms x {args.steps} quarters (fresh process): build "
            f"{r['build_s']:.1f} s + run {r['run_s']:.1f} s = "
            f"{r['build_s'] + r['run_s']:.1f} s of CPU, peak {r['peak_gb']:.2f} GB resident; "
            f"bandwidth bound of the run {bound:.2f} s ({r['run_s'] / bound:.1f}x); a default "
            f"run spins up {SPIN_UP} quarters first: about "
            f"{r['run_s'] * SPIN_UP / args.steps:.1f} s more"
        )


if __name__ == "__main__":
    main()
