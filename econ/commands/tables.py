"""``econ levers`` and ``econ scenarios``: the lever and scenario tables (core install)."""

from __future__ import annotations

import argparse
import json

from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Print the lever table (``econ levers``) or the scenario table, as text or JSON.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ levers`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    table = Policy if args.command == "levers" else Scenario
    print(json.dumps(table.records(), indent=2) if args.json else table.describe())
    return 0
