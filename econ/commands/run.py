"""``econ run SPEC``: run an experiment spec and print what it gave (core install)."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import pandas as pd

from econ.experiment import run

__all__ = ["main"]


def spec_argument(spec: str) -> Path:
    """A spec file's path, or the shipped spec of that name.

    Parameters
    ----------
    spec : str
        A path, or the name of a shipped spec (``econ run --help`` lists them).

    Returns
    -------
    pathlib.Path
        The spec file to read.
    """
    path = Path(spec)
    shipped = resources.files("econ") / "study" / "specs" / f"{spec}.toml"
    if path.is_file() or spec.endswith(".toml") or not shipped.is_file():
        return path
    return Path(str(shipped))


def main(args: argparse.Namespace) -> int:
    """Run the spec ``args.spec`` and print a summary; 1 if runs failed, else 0.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ run`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    results = run(
        spec_argument(args.spec),
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        out=args.out,
        quick=args.quick,
        time_limit=args.time_limit,
    )
    counts = results.manifest["counts"]
    print(
        f"\n{results.manifest['experiment']}: {counts['planned']} runs planned, "
        f"{counts['done']} run now, {counts['skipped']} already done, "
        f"{counts['failed']} failed."
    )
    failed = results.runs[results.runs["status"] != "ok"]
    for _, row in failed.head(5).iterrows():
        print(
            f"  failed run {row['run_id']} (point {row['point']}, seed {row['seed']}): "
            f"{row['error']}"
        )
    if len(failed) > 5:
        print(
            f"  ... and {len(failed) - 5} more; see the error column of {results.path}/runs.parquet"
        )
    ok = results.ok
    if len(ok):
        keys = ["point", *results.factors]
        cols = ["market_size_cagr", "output_cagr", "welfare_mean", "incidents_total"]
        table = ok.groupby(keys)[cols].mean().reset_index().set_index("point")
        with pd.option_context(
            "display.float_format", "{:,.4g}".format, "display.width", 140, "display.max_rows", 30
        ):
            print(f"\nMean over replications ({len(ok)} finished runs):")
            print(table.to_string(max_rows=30))
    print(f"\nResults: {results.path}/ (runs.parquet, series.parquet, manifest.json)")
    print(f"Load them with: econ.results.load({str(results.path)!r})")
    return 1 if len(failed) else 0
