"""Command line: ``econ run``, ``econ study``, ``econ figures``, ``econ paper``,
``econ baseline``, ``econ calibrate``, ``econ dashboard``, ``econ levers``, ``econ scenarios``,
``econ init``.

This module only parses arguments. Each subcommand's work is in its own module of
:mod:`econ.commands` (``econ run`` in ``econ/commands/run.py``), imported only when that
subcommand runs: ``econ --help`` then imports neither Mesa nor pandas, and a subcommand
whose optional extra is not installed fails with one line naming the extra (see
:data:`EXTRAS`). To add a subcommand, add its parser in :func:`build_parser` and a module
``econ/commands/NAME.py`` with ``main(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from econ import shipped
from econ._version import __version__

__all__ = [
    "DISTRIBUTION",
    "EXECUTORS",
    "EXTRAS",
    "build_parser",
    "main",
]

#: The executors of :func:`econ.experiment.run` (tests check it equals
#: ``econ.experiment.EXECUTORS``; kept here so that help does not import the engine).
EXECUTORS = ("serial", "processes", "dask")
#: The name econ is installed under (``pip install econ-datamarket``).
DISTRIBUTION = "econ-datamarket"
#: The optional extra that brings each optional top-level module (pyproject.toml).
EXTRAS = {
    "solara": "viz",
    "solara_assets": "viz",
    "ipyvue": "viz",
    "ipyvuetify": "viz",
    "altair": "viz",
    "matplotlib": "paper",
    "seaborn": "paper",
    "typst": "paper",
    "dask": "dask",
    "distributed": "dask",
    "ema_workbench": "ema",
    "platypus": "ema",
    "papermill": "notebooks",
    "pyabc": "calibrate",
}


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line (``econ run: error: ...``) and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _time_limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds one run may take before it is stopped and recorded as failed "
        "(default: the spec's time_limit, else an estimate from the model's size)",
    )


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The ``econ`` command's argument parser, with one subparser per subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser :func:`main` uses; the documentation prints its help.
    """
    parser = _Parser(
        prog="econ",
        description="econ: an agent-based model of a national data market, its policy "
        "experiments, figures, paper and dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"econ {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run_p = sub.add_parser("run", help="run an experiment spec (TOML); reruns only what is missing")
    run_p.add_argument(
        "spec",
        help="path of a spec file, or the name of a shipped one: "
        + ", ".join(shipped.spec_names(shipped.EXPERIMENT_SPECS)),
    )
    run_p.add_argument(
        "--out",
        default=None,
        help="results folder (default results/<name>); new, empty, or this experiment's",
    )
    run_p.add_argument(
        "--executor", default="processes", choices=EXECUTORS, help="where runs execute"
    )
    run_p.add_argument("--workers", type=int, default=None, help="processes or Dask workers")
    run_p.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler address (default: a LocalCluster on 127.0.0.1)",
    )
    run_p.add_argument("--quick", action="store_true", help="shrink the spec for a smoke run")
    _time_limit_option(run_p)
    base = sub.add_parser(
        "baseline", help="run a scenario under today's policy mix and print its growth"
    )
    base.add_argument(
        "--scenario", default="china_2024", help="scenario name (`econ scenarios` lists them)"
    )
    base.add_argument("--n-firms", type=int, default=None, help="firm slots (default: scenario)")
    base.add_argument("--quarters", type=int, default=40)
    base.add_argument("--replications", type=int, default=5)
    base.add_argument("--executor", default="processes", choices=EXECUTORS)
    base.add_argument("--out", default=None, help="results folder (default results/baseline)")
    base.add_argument("--seed", type=int, default=2024, help="root seed (default 2024)")
    _time_limit_option(base)
    cal_p = sub.add_parser(
        "calibrate",
        help="estimate scenario parameters by ABC-SMC against sourced moments (posterior, "
        "diagnostics, predictive check)",
    )
    cal_p.add_argument(
        "spec",
        help="path of a calibrate spec, or the name of a shipped one: "
        + ", ".join(shipped.spec_names(shipped.CALIBRATE_SPECS)),
    )
    cal_p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    cal_p.add_argument(
        "--out", default=None, help="folder (default results/calibrations/<name>[_quick])"
    )
    cal_p.add_argument(
        "--executor", default="processes", choices=EXECUTORS, help="where runs execute"
    )
    cal_p.add_argument("--workers", type=int, default=None, help="processes or Dask workers")
    cal_p.add_argument(
        "--without",
        action="append",
        metavar="MOMENT",
        help="leave this moment out (repeatable): a robustness check, stored as "
        "<name>_without_<moment>",
    )
    fig_p = sub.add_parser(
        "figures",
        help="write an experiment's figures (PDF, PNG, sidecar) "
        "and headline-effects table (CSV, Typst)",
    )
    fig_p.add_argument("results", help="results folder, e.g. results/free_vs_priced")
    fig_p.add_argument(
        "--out",
        default=None,
        help="figures folder (default RESULTS/figures; never the paper's: use econ paper)",
    )
    fig_p.add_argument("--tables", default=None, help="tables folder (default: OUT/../tables)")
    study_p = sub.add_parser(
        "study",
        help="run the policy experiments and write figures, "
        "tables and the validation table (the main job)",
    )
    study_p.add_argument("--quick", action="store_true", help="quick sizes (a smoke run)")
    study_p.add_argument("--executor", default="processes", choices=EXECUTORS)
    study_p.add_argument("--out", default="paper", help="folder for figures/ and tables/")
    study_p.add_argument("--results", default="results", help="folder for experiment results")
    _time_limit_option(study_p)
    paper_p = sub.add_parser(
        "paper",
        help="run what the paper needs (reusing stored runs), "
        "write its figures, tables and numbers, compile paper/paper.pdf",
    )
    paper_p.add_argument("--quick", action="store_true", help="quick sizes (paper_quick.pdf)")
    paper_p.add_argument("--executor", default="processes", choices=EXECUTORS)
    for name, what in (
        ("levers", "policy levers with units, defaults and bounds"),
        ("scenarios", "scenario parameters with units, defaults and sources"),
    ):
        table_p = sub.add_parser(name, help=f"list the {what}")
        table_p.add_argument(
            "--json", action="store_true", help="print JSON records instead of a table"
        )
    init_p = sub.add_parser(
        "init",
        help="create a research folder: the experiment specs, the paper template and the "
        "notebooks, ready for econ run/study/paper",
    )
    init_p.add_argument("folder", help="the folder to create or fill (new files only)")
    dash_p = sub.add_parser("dashboard", help="serve the interactive dashboard in the browser")
    dash_p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    dash_p.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``econ`` command.

    Parameters
    ----------
    argv : list of str or None, default None
        The arguments after ``econ``; None reads them from ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 on success, 1 when runs of an experiment failed, 2 on bad input
        or a missing optional extra (the error is printed as one line on stderr).
    """
    args = build_parser().parse_args(argv)
    name = args.command.replace("-", "_")
    if name in ("levers", "scenarios"):
        name = "tables"
    try:
        # The subcommand's module, imported only now (see the module docstring).
        command = importlib.import_module(f"econ.commands.{name}")
        return command.main(args)
    except ModuleNotFoundError as err:
        root = (err.name or "").split(".")[0]
        if root not in EXTRAS:
            raise
        extra = EXTRAS[root]
        print(
            f"econ {args.command}: error: needs {root!r}, part of the optional extra "
            f'[{extra}]; install it with: pip install "{DISTRIBUTION}[{extra}]"',
            file=sys.stderr,
        )
        return 2
    except (ValueError, OSError) as err:  # ParameterError and SpecError are ValueErrors
        message = str(err).replace("\n", " ")
        print(f"econ {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"econ {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
