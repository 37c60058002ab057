"""``econ figures RESULTS``: an experiment's figures and tables (``[paper]`` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path

from econ.experiment.store import load
from econ.study import HEADLINES, write_figures, write_tables

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Write the figures (and headline tables) of the results folder ``args.results``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ figures`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    results = load(args.results)
    figures_dir = Path(args.out) if args.out else Path(args.results) / "figures"
    tables_dir = Path(args.tables) if args.tables else figures_dir.parent / "tables"
    for folder, option in ((figures_dir, "--out"), (tables_dir, "--tables")):
        paper = _paper_folder(folder)
        if paper is not None:
            raise ValueError(
                f"{option} {folder} is inside the paper's folder {paper}: the paper's figures "
                "and tables change only through `econ paper` or `econ study`; choose another "
                f"{option} (default: {Path(args.results) / 'figures'})"
            )
    written = write_figures(results, figures_dir)
    if results.manifest["experiment"].removesuffix("_quick") in HEADLINES:
        written += write_tables(results, tables_dir)
    for path in written:
        print(path)
    return 0


def _paper_folder(folder: Path) -> Path | None:
    """The paper's folder (the one holding paper.typ) that ``folder`` is in, if any."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / "paper.typ").is_file():
            return candidate
    return None
