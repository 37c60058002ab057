"""Where a small model's quarter goes: CPU time per step of the quarter, at 1k firms.

Run: ``python benchmarks/quarter_parts.py [TREE ...] [--firms 1000] [--quarters 300]
[--rounds 2]`` (default: this checkout). Each tree runs in its own process with the tree
first on ``sys.path``, ``rounds`` times, the trees' order alternating from round to round,
and each figure is the least of its rounds: two checkouts compared on one shared machine.

Each step the quarter calls (``econ.model``'s functions and the populations' methods) is
timed with ``time.process_time`` around its call, over ``quarters`` quarters of
``china_2024`` (the policy of ``bench_model.py``, seeds 1-3 after a warm-up model, no
spin-up). It prints microseconds a quarter per step, the whole quarter
(``DataEconomy._advance``), the timers' own cost (the calls a quarter times the measured cost
of timing an empty call) and the rest: the quarter's own lines, between the steps. Each step
reads high by up to one timer's cost a call. Compare trees run the same way, alternately;
the absolute figures move with the machine's load. Issue #14's target is the whole quarter
under 1 ms at 1k firms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

#: The steps timed: econ.model's functions, then the populations' methods by module.
MODEL_FUNCTIONS = (
    "refresh_catalogue", "value_licences", "sampled_demand", "set_foreign_prices", "clear",
    "enter_firms", "enter_firms_by_slot", "measure",
)  # fmt: skip
METHODS = {
    "econ.agents.firms:Firms": ("value_per_unit", "produce", "exit"),
    "econ.agents.holders:PublicHolders": (
        "choose_effort", "product_size", "sensitive_quality", "set_prices", "receive",
    ),
    "econ.agents.suppliers:PrivateSuppliers": ("product_size", "set_prices", "receive"),
    "econ.agents.operators:Operators": ("set_prices", "receive", "settle"),
    "econ.agents.compute:ComputeClusters": ("update_cost", "route", "grow"),
    "econ.agents.exchanges:DataExchanges": ("settle",),
    "econ.agents.regulator:Regulator": ("enforce",),
}  # fmt: skip
WHOLE = "the whole quarter"


def _timed(function, label: str, spent: Counter, calls: Counter):
    """``function``, adding the CPU time of each call to ``spent[label]`` and counting it."""
    clock = time.process_time

    def timed(*args, **kwargs):
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += clock() - start
            calls[label] += 1

    return timed


def timer_cost(n: int = 100_000) -> float:
    """Seconds of CPU one timed call of an empty function costs."""
    empty = _timed(lambda: None, "empty", Counter(), Counter())
    start = time.process_time()
    for _ in range(n):
        empty()
    return (time.process_time() - start) / n


def time_parts(tree: Path, n_firms: int, quarters: int) -> dict[str, float]:
    """Microseconds of CPU a quarter per step, with the econ of ``tree``."""
    sys.path.insert(0, str(tree))
    # econ is imported here, once the tree to time is first on the path.
    import importlib

    import econ.model
    from econ import DataEconomy, Policy

    if not econ.__file__.startswith(str(tree)):
        sys.exit(f"econ imported from {econ.__file__}, not from {tree}")
    spent: Counter = Counter()
    calls: Counter = Counter()
    for name in MODEL_FUNCTIONS:
        if hasattr(econ.model, name):  # older trees may lack a step
            setattr(econ.model, name, _timed(getattr(econ.model, name), name, spent, calls))
    for path, names in METHODS.items():
        module, cls_name = path.split(":")
        cls = getattr(importlib.import_module(module), cls_name)
        for name in names:
            label = f"{cls_name}.{name}"
            setattr(cls, name, _timed(getattr(cls, name), label, spent, calls))
    econ.model.DataEconomy._advance = _timed(econ.model.DataEconomy._advance, WHOLE, spent, calls)
    policy = Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True)
    kwargs = dict(policy=policy, scenario="china_2024", n_firms=n_firms, spin_up_quarters=0)
    DataEconomy(seed=0, **kwargs).run(20)  # compile and warm the caches
    spent.clear()
    calls.clear()
    for seed in (1, 2, 3):
        DataEconomy(seed=seed, **kwargs).run(quarters)
    per_quarter = {k: v / (3 * quarters) * 1e6 for k, v in spent.items()}
    steps = sum(v for k, v in per_quarter.items() if k != WHOLE)
    # The whole quarter's time holds its steps' timers too; each step's holds part of its own.
    inner_calls = sum(n for k, n in calls.items() if k != WHOLE) / (3 * quarters)
    per_quarter["the timers (estimated)"] = inner_calls * timer_cost() * 1e6
    per_quarter["the rest"] = per_quarter[WHOLE] - steps - per_quarter["the timers (estimated)"]
    return per_quarter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[Path(__file__).parents[1]])
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--quarters", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tree; the least kept")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child: time one tree and print JSON
        print(json.dumps(time_parts(args.trees[0].resolve(), args.firms, args.quarters)))
        return
    results: dict[str, dict[str, float]] = {str(tree): {} for tree in args.trees}
    for round_ in range(args.rounds):
        # Alternate the order (A B, B A, ...) so a change in the machine's load falls on both.
        for tree in args.trees[:: -1 if round_ % 2 else 1]:
            command = [sys.executable, __file__, str(tree), "--one"]
            command += ["--firms", str(args.firms), "--quarters", str(args.quarters)]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            best = results[str(tree)]
            for step, us in json.loads(out).items():
                best[step] = min(us, best.get(step, us))
    first = results[str(args.trees[0])]
    last = ("the timers (estimated)", "the rest", WHOLE)
    steps = sorted(first, key=lambda k: (k in last, last.index(k) if k in last else -first[k]))
    print(
        f"us of CPU a quarter, {args.firms} firms, 3 x {args.quarters} quarters, "
        f"the least of {args.rounds} rounds"
    )
    print(f"{'step':40s}" + "".join(f"{Path(t).name[-12:]:>14s}" for t in results))
    for step in steps:
        row = "".join(f"{r.get(step, float('nan')):14.1f}" for r in results.values())
        print(f"{step:40s}{row}")


if __name__ == "__main__":
    main()
