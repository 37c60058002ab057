"""Command line: ``econ baseline``, ``econ levers``, ``econ scenarios``."""

from __future__ import annotations

import argparse
import sys

import pandas as pd
from tqdm.auto import tqdm

from econ.metrics import MODEL_COLUMNS, cagr
from econ.model import DataEconomy
from econ.parameters import ParameterError
from econ.policy import Policy
from econ.scenarios import SCENARIOS, Scenario
from econ.seeds import spawn_seeds

#: Growth of the Chinese data market reported for 2022-2025 (DESIGN.md, literature.md).
REPORTED_GROWTH = (0.20, 0.35)


def baseline(
    scenario: str, n_firms: int | None, quarters: int, replications: int, seed: int
) -> pd.DataFrame:
    """Run the scenario under today's policy mix; one row of growth figures per replication."""
    rows = []
    seeds = spawn_seeds(seed, replications)
    with tqdm(
        total=replications * quarters,
        desc=f"{scenario} x{replications}",
        unit="quarter",
        file=sys.stderr,
    ) as bar:
        for s in seeds:
            model = DataEconomy(policy=Policy(), scenario=scenario, n_firms=n_firms, seed=s)
            for _ in range(quarters):
                model.step()
                bar.update()
            df = model.datacollector.get_model_vars_dataframe()
            rows.append(
                {
                    "seed": s,
                    "market_cagr": cagr(df["market_size"]),
                    "market_cagr_first_3y": cagr(df["market_size"].iloc[:13]),
                    "output_cagr": cagr(df["output"]),
                    "market_start_bn_per_year": 4 * df["market_size"].iloc[0] / 1e9,
                    "market_end_bn_per_year": 4 * df["market_size"].iloc[-1] / 1e9,
                    "incidents": int(df["incidents"].sum()),
                    "supply_effort_end": df["supply_effort"].iloc[-1],
                    "public_datasets_end": df["public_datasets"].iloc[-1],
                    "compute_utilisation_end": df["compute_utilisation"].iloc[-1],
                }
            )
    return pd.DataFrame(rows)


def _print_baseline(args: argparse.Namespace) -> int:
    table = baseline(args.scenario, args.n_firms, args.quarters, args.replications, args.seed)
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
        f"{lo:.0%}-{hi:.0%} for 2022-2025)."
    )
    print(
        f"Output growth {mean['output_cagr']:.1%}/yr. Columns reported each quarter: "
        f"{', '.join(MODEL_COLUMNS)}."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``econ`` command."""
    parser = argparse.ArgumentParser(prog="econ", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    base = sub.add_parser(
        "baseline", help="run a scenario under today's policy mix and print its growth"
    )
    base.add_argument("--scenario", default="china_2024", choices=sorted(SCENARIOS))
    base.add_argument("--n-firms", type=int, default=None, help="firm slots (default: scenario)")
    base.add_argument("--quarters", type=int, default=40)
    base.add_argument("--replications", type=int, default=3)
    base.add_argument("--seed", type=int, default=2024, help="root seed (default 2024)")
    sub.add_parser("levers", help="list policy levers with units, defaults and bounds")
    sub.add_parser("scenarios", help="list scenario parameters with units and sources")
    args = parser.parse_args(argv)
    try:
        if args.command == "baseline":
            return _print_baseline(args)
        if args.command == "levers":
            print(Policy.describe())
        elif args.command == "scenarios":
            print(Scenario.describe())
    except ParameterError as err:
        print(f"econ: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
