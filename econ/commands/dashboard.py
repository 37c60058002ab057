"""``econ dashboard``: serve the interactive dashboard (``[viz]`` extra)."""

from __future__ import annotations

import argparse

from econ.commands import require
from econ.viz import dashboard

__all__ = ["main"]


def main(args: argparse.Namespace) -> int:
    """Serve the dashboard at ``args.host``:``args.port`` until interrupted.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``econ dashboard`` arguments.

    Returns
    -------
    int
        The exit status.
    """
    # The server runs in a subprocess: check here that what it imports is installed.
    require("solara", "solara_assets", "ipyvuetify", "altair")
    return dashboard(args.host, args.port)
