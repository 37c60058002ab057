"""``econ baseline``: a scenario under today's policy mix, and its growth (``[paper]`` extra)."""

from __future__ import annotations

import argparse

import pandas as pd

from econ.experiment import run
from econ.scenarios import get_scenario
from econ.study import REPORTED_GROWTH, baseline_spec, growth_summary

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Run the baseline experiment and print its growth against the reported range.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ baseline`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    get_scenario(args.scenario)  # an unknown name fails here, in one line
    spec = baseline_spec(args.scenario, args.n_firms, args.quarters, args.replications, args.seed)
    results = run(spec, executor=args.executor, out=args.out, time_limit=args.time_limit)
    table = growth_summary(results)
    mean = table.drop(columns="seed").mean()
    lo, hi = REPORTED_GROWTH
    growth = mean["market_cagr_first_3y"]
    verdict = "inside" if lo <= growth <= hi else "OUTSIDE"
    print(
        f"\necon baseline: scenario {args.scenario!r}, today's policy mix, {args.quarters} "
        f"quarters, {args.replications} replications (root seed {args.seed})\n"
    )
    with pd.option_context("display.float_format", "{:,.3f}".format, "display.width", 120):
        print(table.set_index("seed").T.to_string())
    print(
        f"\nData market: RMB {mean['market_start_bn_per_year']:,.0f} bn/yr -> "
        f"{mean['market_end_bn_per_year']:,.0f} bn/yr; growth {mean['market_cagr']:.1%}/yr "
        f"over the run, {growth:.1%}/yr over the first three years ({verdict} the reported "
        f"{lo:.0%}-{hi:.0%} for 2022-2025; calibrated, see docs/ODD.md section 8)."
    )
    print(f"Output growth {mean['output_cagr']:.1%}/yr. Results: {results.path}/")
    return 0
