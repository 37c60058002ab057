"""``econ calibrate``: estimate scenario parameters by ABC-SMC (``[calibrate]`` extra)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from econ.study.estimation import estimate

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Run a calibration and print its generations, posterior and predictive check.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ calibrate`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    result = estimate(
        args.spec,
        out=args.out,
        quick=args.quick,
        executor=args.executor,
        workers=args.workers,
        progress=lambda line: print(f"  {line}", file=sys.stderr, flush=True),
        without=args.without or (),
    )
    spec, diagnostics = result.spec, result.diagnostics
    print(
        f"\necon calibrate {spec['name']}: ABC-SMC (pyabc), {spec['population']} particles, "
        f"{len(diagnostics['generations'])} generations, {diagnostics['evaluations']} runs "
        f"in {diagnostics['seconds']:.0f} s (seed {spec['seed']})"
    )
    with pd.option_context("display.float_format", "{:,.4g}".format, "display.width", 140):
        print("\nGenerations:")
        print(pd.DataFrame(diagnostics["generations"]).set_index("generation").to_string())
        print(f"Stopped at {diagnostics['stopped']}.")
        print("\nPosterior (weighted; the point estimate is the mean):")
        print(result.summary().set_index("parameter").to_string())
        check = result.predictive_check().drop(columns=["description", "source"])
        print(f"\nPosterior predictive check ({spec['predictive']} runs at posterior draws):")
        print(check.set_index("moment").to_string())
    print(f'\nStored: {result.path}/ (scenario = "{result.scenario_name}" reads it')
    print("when it is under results/calibrations/ or $ECON_CALIBRATIONS)")
    return 0
