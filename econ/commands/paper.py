"""``econ paper``: run what the paper needs and compile it with Typst (``[paper]`` extra)."""

from __future__ import annotations

import argparse

from econ.study import build_paper

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Build the paper (``paper/paper.typ`` in the working directory) and print its PDF.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ paper`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    pdf = build_paper(quick=args.quick, executor=args.executor)
    print(f"\nPaper: {pdf}")
    return 0
