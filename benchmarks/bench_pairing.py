"""How well paired comparisons pair: spread of paired welfare effects across seeds.

For each comparison, the same seed runs under a base policy and a changed one; the paired
effect is the difference in mean welfare (RMB per quarter). Its standard deviation across
seeds is the noise a paired design has to beat. An inert change (the Hong Kong bridge with
the border closed) should have zero spread; a small real change should have a small one.

    python benchmarks/bench_pairing.py [--firms 2000] [--quarters 40] [--seeds 10] [--paired-entry]

``--paired-entry`` draws each entrant from its slot's own stream (the scenario's
``paired_entry``): without it, arms that admit different numbers of entrants admit
different firms, and that dominates the spread.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

# Measure the econ of this checkout (its root first on the path), not an installed one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from econ import DataEconomy, Policy

COMPARISONS = {
    "bridge, border closed (inert)": (
        Policy(openness=0.0, operators=2),
        Policy(openness=0.0, operators=2, hk_bridge=True),
    ),
    # Under cost recovery: today's baseline prices open data free, where the level is inert.
    "price level 1.0 -> 1.1": (
        Policy(pricing="cost_recovery"),
        Policy(pricing="cost_recovery", price_level=1.1),
    ),
    "openness 0.3 -> 0.4": (Policy(), Policy(openness=0.4)),
    "operators 2 -> 3": (Policy(operators=2), Policy(operators=3)),
}


def mean_welfare(
    policy: Policy, seed: int, firms: int, quarters: int, paired_entry: bool = False
) -> float:
    model = DataEconomy(
        policy=policy, scenario="china_2024", n_firms=firms, seed=seed, paired_entry=paired_entry
    )
    return float(model.run(quarters)["welfare"].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=2000)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--paired-entry", action="store_true")
    args = parser.parse_args()
    entry = "paired entry" if args.paired_entry else "entry as published"
    print(f"{args.firms} firms, {args.quarters} quarters, seeds 1..{args.seeds}, {entry}")
    print(f"{'comparison':<32} {'mean effect':>14} {'sd across seeds':>16}  (RMB bn/quarter)")
    for label, (base, changed) in COMPARISONS.items():
        diffs = [
            mean_welfare(changed, s, args.firms, args.quarters, args.paired_entry)
            - mean_welfare(base, s, args.firms, args.quarters, args.paired_entry)
            for s in range(1, args.seeds + 1)
        ]
        d = np.asarray(diffs) / 1e9
        print(f"{label:<32} {d.mean():>+14.2f} {d.std(ddof=1):>16.2f}")


if __name__ == "__main__":
    main()
