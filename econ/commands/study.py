"""``econ study``: the policy experiments, figures, tables and validation (``[paper]`` extra)."""

from __future__ import annotations

import argparse

import pandas as pd

from econ.analysis import EFFECT_COLUMNS
from econ.study import study

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Run the main job and print the validation and headline effects.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ study`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    paths = study(
        quick=args.quick,
        executor=args.executor,
        results_root=args.results,
        out=args.out,
        time_limit=args.time_limit,
    )
    validation = pd.read_csv(paths["validation"])
    print("\nDoes the model behave as the literature says (DESIGN.md)?")
    for row in validation.itertuples():
        verdict = "holds    " if row.holds else "DOES NOT "
        role = " (calibration target)" if row.role == "calibration target" else ""
        print(
            f"  [{row.behaviour}] {verdict} {row.statistic}: {row.value:,.3g} "
            f"[{row.ci_low:,.3g}, {row.ci_high:,.3g}]{role}"
        )
    summary = pd.read_csv(paths["summary"])
    welfare = summary[summary["outcome"] == "welfare_mean"]
    print(
        f"\nHeadline welfare effects ({len(welfare)} comparisons per table, RMB per quarter, "
        "95% CI; verdicts after Holm's correction; 'equivalent' = within 1% by TOST):"
    )
    for row in welfare.itertuples():
        ids = ", ".join(
            f"{c}={getattr(row, c)}"
            for c in summary.columns
            if c not in {*EFFECT_COLUMNS, "experiment"} and pd.notna(getattr(row, c))
        )
        print(
            f"  {row.experiment}: {ids}: {row.effect / 1e9:+,.1f} bn "
            f"[{row.ci_low / 1e9:+,.1f}, {row.ci_high / 1e9:+,.1f}] {row.verdict}"
        )
    print("\nWhere everything went:")
    for label, path in paths.items():
        print(f"  {label:<11} {path}")
    return 0
