"""CPU time of paired entry's step inside whole runs: compiled against its numpy reference.

Each run is a full model (spin-up and reported quarters); only the calls of
``econ.market.enter_firms_by_slot`` are timed (process CPU time), once with the compiled
path and once with ``enter_firms_by_slot_reference``, the two alternating so a change in the
machine's load falls on both. The runs are bit-identical (tests/test_kernels.py), so both
time the same entrants.

    python benchmarks/bench_paired_entry.py --firms 1000 --quarters 40 --repeats 6
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

import econ.model
from econ import DataEconomy
from econ import market as mk


def timed_runs(entry: Callable, firms: int, quarters: int, seed: int) -> float:
    """Mean CPU microseconds a quarter spent in ``entry`` over one run."""
    spent = 0.0

    def timed(*args):
        nonlocal spent
        start = time.process_time()
        rows = entry(*args)
        spent += time.process_time() - start
        return rows

    econ.model.enter_firms_by_slot = timed
    try:
        model = DataEconomy(scenario="china_2024", n_firms=firms, seed=seed, paired_entry=True)
        model.run(quarters)
    finally:
        econ.model.enter_firms_by_slot = mk.enter_firms_by_slot
    return spent / (quarters + model.params.spin_up_quarters) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=6)
    args = parser.parse_args()
    paths = {"compiled": mk.enter_firms_by_slot, "numpy": mk.enter_firms_by_slot_reference}
    timed_runs(mk.enter_firms_by_slot, args.firms, 2, 1)  # load the kernels' caches
    times: dict[str, list[float]] = {name: [] for name in paths}
    for repeat in range(args.repeats):
        for name, entry in paths.items():
            times[name].append(timed_runs(entry, args.firms, args.quarters, 1 + repeat))
    print(f"paired entry, {args.firms:,} firms, {args.quarters} quarters, seeds 1-{args.repeats}")
    for name, values in times.items():
        median, best = np.median(values), min(values)
        print(f"  {name:9s} median {median:6.1f} us, best {best:6.1f} us a quarter")
    ratio = np.median(np.array(times["compiled"]) / np.array(times["numpy"]))
    print(f"  compiled / numpy, median of the seeds' ratios: {ratio:.2f}")


if __name__ == "__main__":
    main()
