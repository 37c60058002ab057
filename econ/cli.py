"""Command line: ``econ run``, ``econ study``, ``econ figures``, ``econ paper``,
``econ baseline``, ``econ dashboard``, ``econ levers``, ``econ scenarios``.

This module only parses arguments and prints; the work is in :mod:`econ.study` and
:mod:`econ.experiment`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from econ._version import __version__
from econ.analysis import EFFECT_COLUMNS
from econ.experiment import EXECUTORS, run
from econ.experiment.store import load
from econ.policy import Policy
from econ.scenarios import SCENARIOS, Scenario
from econ.study import (
    HEADLINES,
    REPORTED_GROWTH,
    baseline_spec,
    build_paper,
    growth_summary,
    spec_names,
    spec_path,
    study,
    write_figures,
    write_tables,
)
from econ.viz import dashboard

__all__ = ["build_parser", "main"]


def _print_baseline(args: argparse.Namespace) -> int:
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


def _spec_argument(spec: str) -> Path:
    """A spec file's path, or the shipped spec of that name."""
    path = Path(spec)
    if path.is_file() or spec.endswith(".toml") or spec not in spec_names():
        return path
    return spec_path(spec)


def _run_experiment(args: argparse.Namespace) -> int:
    results = run(
        _spec_argument(args.spec),
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
        print(f"  ... and {len(failed) - 5} more; see {results.path}/runs/<run_id>.json")
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
    print(f"\nResults: {results.path}/ (runs.parquet, series/*.parquet, manifest.json)")
    print(f"Load them with: econ.results.load({str(results.path)!r})")
    return 1 if len(failed) else 0


def _figures(args: argparse.Namespace) -> int:
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


def _print_study(args: argparse.Namespace) -> int:
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
        print(
            f"  [{row.behaviour}] {verdict} {row.statistic}: {row.value:,.3g} "
            f"[{row.ci_low:,.3g}, {row.ci_high:,.3g}]"
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
        help="path of a spec file, or the name of a shipped one: " + ", ".join(spec_names()),
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
    base.add_argument("--scenario", default="china_2024", choices=sorted(SCENARIOS))
    base.add_argument("--n-firms", type=int, default=None, help="firm slots (default: scenario)")
    base.add_argument("--quarters", type=int, default=40)
    base.add_argument("--replications", type=int, default=5)
    base.add_argument("--executor", default="processes", choices=EXECUTORS)
    base.add_argument("--out", default=None, help="results folder (default results/baseline)")
    base.add_argument("--seed", type=int, default=2024, help="root seed (default 2024)")
    _time_limit_option(base)
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
        (the error is printed as one line on stderr).
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run_experiment(args)
        if args.command == "figures":
            return _figures(args)
        if args.command == "dashboard":
            return dashboard(args.host, args.port)
        if args.command == "study":
            return _print_study(args)
        if args.command == "paper":
            pdf = build_paper(quick=args.quick, executor=args.executor)
            print(f"\nPaper: {pdf}")
            return 0
        if args.command == "baseline":
            return _print_baseline(args)
        if args.command in ("levers", "scenarios"):
            table = Policy if args.command == "levers" else Scenario
            print(json.dumps(table.records(), indent=2) if args.json else table.describe())
    except (ValueError, OSError) as err:  # ParameterError and SpecError are ValueErrors
        message = str(err).replace("\n", " ")
        print(f"econ {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"econ {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
