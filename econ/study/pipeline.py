"""The main job: run the study's experiments and write their figures, tables and the
validation table (``econ study``); the baseline growth check (``econ baseline``).

The experiments are the spec files shipped in ``econ/study/specs/`` (found with
:func:`spec_path`, by name); outputs go where the caller says, relative to the working
directory by default.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from econ import shipped
from econ.experiment import ExperimentSpec, load_spec, parse_spec, run
from econ.experiment.store import Results, write_atomic
from econ.metrics import cagr
from econ.study.report import HEADLINES, write_figures, write_tables
from econ.study.validation import check_behaviours

__all__ = [
    "REPORTED_GROWTH",
    "STUDY",
    "baseline_spec",
    "growth_summary",
    "spec_names",
    "spec_path",
    "study",
]

#: Growth of the Chinese data market reported for 2022-2025 (DESIGN.md, literature.md).
REPORTED_GROWTH = (0.20, 0.35)
#: The experiments of the main job, in the order they run.
STUDY = (
    "baseline",
    "free_vs_priced",
    "authorised_operation",
    "cross_border",
    "who_trades",
    "registration",
    "exchanges",
    "cold_chain",
    "security_breakeven",
    "privacy_breakeven",
)


def spec_names() -> list[str]:
    """Names of the experiment specs shipped with econ.

    Returns
    -------
    list of str
        Sorted names, each usable with ``econ run NAME`` and :func:`spec_path`.
    """
    return shipped.spec_names(shipped.EXPERIMENT_SPECS)


def spec_path(name: str) -> Path:
    """The shipped spec file of experiment ``name`` (see :func:`spec_names`).

    Parameters
    ----------
    name : str
        A shipped experiment's name.

    Returns
    -------
    pathlib.Path
        The spec file inside the installed package.

    Raises
    ------
    FileNotFoundError
        If no shipped spec has that name.
    """
    return shipped.spec_path(name, shipped.EXPERIMENT_SPECS, "experiment")


def baseline_spec(
    scenario: str = "china_2024",
    n_firms: int | None = None,
    quarters: int = 40,
    replications: int = 5,
    seed: int = 2024,
) -> ExperimentSpec:
    """The baseline experiment (the shipped ``baseline`` spec) with optional changes.

    Parameters
    ----------
    scenario : str, default "china_2024"
        The scenario.
    n_firms : int or None, default None
        Firm slots; None keeps the shipped spec's for ``china_2024`` and the scenario's for
        others.
    quarters : int, default 40
        Quarters each run lasts.
    replications : int, default 5
        Runs, each with its own seed.
    seed : int, default 2024
        Root seed of the replications.

    Returns
    -------
    ExperimentSpec
        The spec, named ``baseline`` for ``china_2024`` and ``baseline_<scenario>`` for
        others.
    """
    shipped = load_spec(spec_path("baseline"))
    data = {
        "experiment": {
            "name": "baseline" if scenario == "china_2024" else f"baseline_{scenario}",
            "description": shipped.description,
            "scenario": scenario,
            "steps": quarters,
            "replications": replications,
            "seed": seed,
        },
        "design": {
            "type": "factorial",
            "factors": {k: list(v) for k, v in shipped.factors.items()},
        },
    }
    if n_firms is not None or scenario == "china_2024":
        data["experiment"]["n_firms"] = shipped.n_firms if n_firms is None else n_firms
    return parse_spec(data, source=shipped.source)


def growth_summary(results: Results) -> pd.DataFrame:
    """Growth figures of each baseline run (one row per replication).

    Parameters
    ----------
    results : Results
        Results of the baseline experiment.

    Returns
    -------
    pandas.DataFrame
        Per run: ``seed``, ``market_cagr``, ``market_cagr_first_3y`` and ``output_cagr``
        (compound annual growth, shares per year), ``market_start_bn_per_year`` and
        ``market_end_bn_per_year`` (RMB bn a year), ``incidents`` (count),
        ``supply_effort_end``, ``public_datasets_end`` and ``compute_utilisation_end``.
    """
    rows = []
    for _, df in results.series.groupby("run_id", sort=False):
        rows.append(
            {
                "seed": int(df["seed"].iloc[0]),
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


def study(
    quick: bool = False,
    executor: str = "processes",
    results_root: str | Path = "results",
    out: str | Path = "paper",
    time_limit: float | None = None,
) -> dict[str, Path]:
    """Run the policy experiments, then write their figures, tables and the validation table.

    Finished runs are reused, so a second call only redraws.

    Parameters
    ----------
    quick : bool, default False
        Quick sizes, into ``figures_quick/`` and ``tables_quick/``.
    executor : str, default "processes"
        Where runs execute (:func:`econ.experiment.run`).
    results_root : str or pathlib.Path, default "results"
        The folder each experiment's results go under.
    out : str or pathlib.Path, default "paper"
        The folder for ``figures/`` and ``tables/``.
    time_limit : float or None, default None
        Seconds one run may take (default: from each experiment's size).

    Returns
    -------
    dict of str to pathlib.Path
        Where everything went: ``results``, ``figures``, ``tables``, ``validation`` (CSV) and
        ``summary`` (CSV of headline effects).
    """
    if not isinstance(quick, bool):
        raise TypeError(f"quick={quick!r}: expected True or False")
    suffix = "_quick" if quick else ""
    figures, tables = Path(out) / f"figures{suffix}", Path(out) / f"tables{suffix}"
    results, effect_tables = {}, {}
    for name in STUDY:
        results[name] = run(
            spec_path(name),
            executor=executor,
            quick=quick,
            out=Path(results_root) / f"{name}{suffix}",
            time_limit=time_limit,
        )
        if name != "baseline":
            write_figures(results[name], figures)
        if name in HEADLINES:
            effect_tables[name] = write_tables(results[name], tables)[0]
    validation = check_behaviours(results)
    validation_path = tables / "validation.csv"
    write_atomic(validation_path, lambda tmp: validation.to_csv(tmp, index=False))
    summary = pd.concat(
        [pd.read_csv(path).assign(experiment=name) for name, path in effect_tables.items()],
        ignore_index=True,
    )
    summary_path = tables / "summary.csv"
    write_atomic(summary_path, lambda tmp: summary.to_csv(tmp, index=False))
    return {
        "results": Path(results_root),
        "figures": figures,
        "tables": tables,
        "validation": validation_path,
        "summary": summary_path,
    }
