"""Build the policy paper: run what it needs (reusing stored runs), write its figures,
tables and numbers, and compile ``paper/paper.typ`` with Typst (``econ paper``).

Every number the text cites is computed here from stored results and written to
``numbers.json`` beside the tables, so a rerun updates the paper.
"""

from __future__ import annotations

import json
import math
import sys
import tomllib
import warnings
from pathlib import Path

import pandas as pd
import typst

from econ.analysis import UnreliableIndicesWarning, effects, morris_indices, sobol_indices
from econ.experiment import parse_spec, run
from econ.experiment.store import Results, load, write_atomic
from econ.metrics import cagr
from econ.scenarios import ASSUMED, SCENARIO_PARAMETERS, get_scenario
from econ.statistics import adjust, minimal_detectable_effect, replications_needed
from econ.study.estimation import Estimate, estimate
from econ.study.pipeline import spec_path, study
from econ.study.posterior_report import leave_out, posterior_effects, write_estimation
from econ.study.report import COLD_CHAIN_TODAY, write_figures

__all__ = [
    "LEFT_OUT",
    "REQUIRED_SECTIONS",
    "build_paper",
    "calibration_table",
    "paper_numbers",
    "provenance",
    "sections",
]

#: The paper's folder (its Typst source, references, figures and tables), relative to the
#: working directory: run ``econ paper`` from the repository root, or pass ``out``.
PAPER = Path("paper")
#: The calibration the paper estimates (a shipped calibrate spec, `econ calibrate NAME`).
CALIBRATION = "china_2024"
#: Moments the paper's robustness estimate leaves out: no particle reaches the growth of open
#: datasets (docs/checks/unreachable_moment.py), so its miss may pull the estimate.
LEFT_OUT = ("datasets_growth",)
#: The headings the compiled paper must have (tests/test_paper.py checks them).
REQUIRED_SECTIONS = (
    "Introduction",
    "The model",
    "Calibration",
    "Estimation",
    "Experiments",
    "Free versus priced public data",
    "Authorised operation",
    "Cross-border openness",
    "Sensitivity",
    "Validation",
    "Discussion",
    "Limitations",
    "Conclusion",
)


def _validation_value(validation: pd.DataFrame, key: str) -> dict:
    rows = validation[validation["key"] == key]
    if len(rows) != 1:
        raise KeyError(f"expected one validation row with key {key!r}, found {len(rows)}")
    row = rows.iloc[0]
    return {
        "value": float(row["value"]),
        "low": float(row["ci_low"]),
        "high": float(row["ci_high"]),
        "holds": bool(row["holds"]),
    }


def calibration_table() -> pd.DataFrame:
    """Scenario parameters with a source other than an assumption (for the paper).

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter``, ``value`` (in ``china_2024``), ``unit`` and ``source``.
    """
    scenario = get_scenario("china_2024")
    rows = [
        {
            "parameter": p.name,
            "value": f"{getattr(scenario, p.name):,.6g}",
            "unit": p.unit,
            "source": p.source.replace("`", ""),  # code marks read as text in the table
        }
        for p in SCENARIO_PARAMETERS.values()
        if p.source and p.source != ASSUMED
    ]
    return pd.DataFrame(rows)


def paper_numbers(
    validation: pd.DataFrame,
    summary: pd.DataFrame,
    baseline: Results,
    sensitivity: Results,
    breakeven: Results | None = None,
    screening: Results | None = None,
    privacy_breakeven: Results | None = None,
) -> dict:
    """The numbers the paper's text cites, by name.

    Parameters
    ----------
    validation : pandas.DataFrame
        The validation table (:func:`~econ.study.validation.check_behaviours`).
    summary : pandas.DataFrame
        The headline effects of every experiment (``tables/summary.csv``).
    baseline : Results
        Results of the baseline experiment.
    sensitivity : Results
        Results of the Sobol sensitivity experiment.
    breakeven : Results or None, default None
        Results of the security break-even experiment, when there are some.
    screening : Results or None, default None
        Results of the Morris screening, when there are some.
    privacy_breakeven : Results or None, default None
        Results of the privacy-computing break-even experiment, when there are some.

    Returns
    -------
    dict
        Named numbers (each a value with its 95% CI where it has one), written to
        ``tables/numbers.json`` for the Typst source to read; money in RMB. Welfare effects
        are also given as shares of the baseline's mainland output (``*_output_share``).
    """
    # Runs in plan order (sort=False), not by run id: ids hash the model's code, so sorting
    # by them would change the order of summation, and the last digits, with every edit.
    by_run = baseline.series.groupby("run_id", sort=False)
    growth = [cagr(g["market_size"].iloc[:13]) for _, g in by_run]
    long = [cagr(g["market_size"]) for _, g in by_run]
    start = baseline.series[baseline.series["step"] == 1]["market_size"].mean() * 4
    end = baseline.series[baseline.series["step"] == baseline.series["step"].max()]
    keys = (
        "free_use_ratio",
        "elasticity",
        "free_welfare_fixed",
        "free_welfare_responding",
        "effort_gap",
        "conditional_vs_free",
        "conditional_vs_cost_recovery",
        "cap_welfare",
        "cap_profit",
        "revenue_cap_profit",
        "broad_vs_hoard",
        "hoard_vs_ban",
        "safeguards_vs_closure",
        "safeguards_vs_closure_bridge",
        "safeguards_vs_none",
        "safeguards_vs_none_bridge",
        "bridge_market",
        "baseline_growth",
        "forecast_2025",
        "forecast_2030",
        "output_2022",
        "output_growth_2023",
        "exchange_share_2022",
        "exchange_share_2030",
        "benefit_cost",
        "size_skew_free",
        "size_skew_trend",
    )
    numbers = {key: _validation_value(validation, key) for key in keys}
    welfare = summary[summary["outcome"] == "welfare_mean"]
    ops = welfare[welfare["experiment"] == "authorised_operation"]
    numbers["operators_welfare"] = {
        "low": float(ops["effect"].min()),
        "high": float(ops["effect"].max()),
    }
    # The paid market's growth under free pricing over cost recovery, supply responding (as
    # the market-paths figure shows it): free pricing shrinks the market's level.
    free_growth = summary[
        (summary["experiment"] == "free_vs_priced")
        & (summary["outcome"] == "market_size_cagr")
        & (summary["pricing"] == "free")
    ]
    if "supply_responds" in free_growth:
        free_growth = free_growth[free_growth["supply_responds"].eq(True)]
    numbers["free_market_growth"] = (
        _interval(free_growth.iloc[0]) if len(free_growth) == 1 else None
    )
    series = baseline.series
    scenario = get_scenario(baseline.spec.scenario)
    n_firms = int(baseline.spec.n_firms or scenario.n_firms)
    # Scenario values the text states, so that it follows the scenario.
    numbers["scenario"] = {
        "share_public_interest": float(scenario.share_public_interest),
        "trust_collapse_threshold": float(scenario.trust_collapse_threshold),
    }
    output = float(series["output"].mean())  # RMB per quarter, national
    for key in ("free_welfare_fixed", "free_welfare_responding", "safeguards_vs_none"):
        numbers[key]["output_share"] = numbers[key]["value"] / output
    # Whole years only: a run that stops mid-year (a quick study) has no last-year total;
    # one shorter than a year keeps its quarters, the only "year" it has.
    last_step = int(series["step"].max())
    whole_years = series[series["step"] <= (4 * (last_step // 4) or last_step)]
    annual = whole_years.assign(year=(whole_years["step"] - 1) // 4).groupby(["run_id", "year"])
    in_plan_order = series["run_id"].unique()  # unstack sorts by run id
    market_by_year = annual["market_size"].mean().unstack("year").reindex(in_plan_order)
    # RMB a year, one row a run.
    output_by_year = annual["output"].sum().unstack("year").reindex(in_plan_order)
    numbers["baseline"] = {
        "output_tn_per_year": 4 * output / 1e12,
        "welfare_share": float(series["welfare_share"].mean()),
        "incident_loss_share": float(series["incident_loss"].sum() / series["welfare"].sum()),
        "utilisation": [
            float(series[series["step"] == q]["compute_utilisation"].mean())
            for q in (1, 8, 20, int(series["step"].max()))
        ],
        # Share of data work run on partners' compute abroad (E31): mean and largest quarter.
        "compute_abroad_share": float(series["compute_abroad_share"].mean()),
        "compute_abroad_share_max": float(series["compute_abroad_share"].max()),
        "growth_years_1_to_3": float(((market_by_year[2] / market_by_year[0]) ** 0.5 - 1).mean())
        if market_by_year.shape[1] > 2
        else float("nan"),
        "growth_3y": float(pd.Series(growth).mean()),
        "growth_10y": float(pd.Series(long).mean()),
        # Output in the first and the last reported year (RMB tn a year).
        "output_first_year_tn": float(output_by_year.iloc[:, 0].mean()) / 1e12,
        "output_last_year_tn": float(output_by_year.iloc[:, -1].mean()) / 1e12,
        "market_start_bn": float(start / 1e9),
        # Incidents a quarter per 1,000 simulated firm slots: the rate trust responds to (E17).
        "incidents_per_thousand_firms": float(series["incidents"].mean()) * 1000 / n_firms,
        "market_end_bn": float(end["market_size"].mean() * 4 / 1e9),
        "replications": int(baseline.series["run_id"].nunique()),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableIndicesWarning)
        sobol = sobol_indices(sensitivity, ["market_size_cagr", "welfare_mean", "incidents_total"])
    top = {}
    for outcome, group in sobol.groupby("outcome"):
        ranked = group.sort_values("ST", ascending=False)
        best = ranked.iloc[0]
        top[outcome] = {
            "factor": best["factor"],
            "S1": float(best["S1"]),
            "ST": float(best["ST"]),
            "reliable": bool(best["reliable"]),
            "converged": int(group["converged"].sum()),
            "unreliable": int((~group["reliable"]).sum()),
            "factors": len(group),
            "s1_sum": float(group["S1"].sum()),
            "ST_sum": float(group["ST"].sum()),
            # Share of the point means' variance that is replication noise.
            "noise_share": float(group["noise_share"].iloc[0]),
            # The three largest total indices, for the text.
            "top": [
                {"factor": row.factor, "ST": float(row.ST)} for row in ranked.head(3).itertuples()
            ],
        }
    numbers["sobol"] = top
    numbers["sobol_samples"] = {
        "n": int(sensitivity.spec.samples),
        "half": int(sensitivity.spec.samples // 2),
        "replications": int(sensitivity.spec.replications),
        "scenario": sensitivity.spec.scenario,
        "n_firms": int(sensitivity.spec.n_firms or get_scenario(sensitivity.spec.scenario).n_firms),
    }
    registration = welfare[welfare["experiment"] == "registration"]
    numbers["registration"] = {
        str(row.pricing): {**_table_effect(row), "output_share": float(row.effect) / output}
        for row in registration.itertuples()
    }
    # The exchange fee against today's (1): welfare, and the exchange share it buys.
    exchanges = summary[summary["experiment"] == "exchanges"]
    numbers["exchanges"] = {
        f"{float(fee):g}": {
            row.outcome.removesuffix("_mean"): {
                **_table_effect(row),
                "treated": float(row.mean),
                "base": float(row.baseline_mean),
            }
            for row in group.itertuples()
        }
        for fee, group in exchanges.groupby("exchange_fee")
    }
    numbers["cold_chain"] = _cold_chain(summary[summary["experiment"] == "cold_chain"])
    if breakeven is not None:
        numbers["breakeven"] = _breakeven(breakeven)
    if privacy_breakeven is not None:
        numbers["privacy_breakeven"] = _breakeven(privacy_breakeven, "privacy_computing")
    if screening is not None:
        numbers["morris"] = _morris_constants(screening, set(sensitivity.factors))
    # Power (issue #12): the smallest welfare effect each headline comparison detects with
    # 80% power at the 5% level, as a share of its baseline; a design detects a 1% effect
    # when this is at most 0.01.
    if "mde" in welfare:
        mde_share = (welfare["mde"] / welfare["baseline_mean"].abs()).replace(math.inf, math.nan)
        needed = _replications_for_one_percent(welfare)
        numbers["power"] = {
            "mde_share_median": float(mde_share.median()),
            "mde_share_max": float(mde_share.max()),
            "detects_one_percent": int((mde_share <= 0.01).sum()),
            "comparisons": int(mde_share.notna().sum()),
            "replications_used": {
                name: int(n) for name, n in welfare.groupby("experiment")["n"].max().items()
            },
            "replications_for_one_percent": {
                name: int(n) if math.isfinite(n) else None
                for name, n in needed.groupby(welfare["experiment"]).max().items()
            },
        }
    numbers["counts"] = {
        name: int(v) for name, v in summary.groupby("experiment")["n"].max().items()
    }
    return numbers


def provenance(figures: str | Path) -> dict:
    """The model code and commits the paper's figures were drawn from, read from their
    sidecars (:func:`~econ.study.report.write_figures`).

    Parameters
    ----------
    figures : str or pathlib.Path
        The paper's figures folder.

    Returns
    -------
    dict
        ``model_fingerprints`` and ``commits`` (sorted, distinct; one of each when every
        figure comes from one build), ``dirty`` (whether any run was made from a tree whose
        ``econ/`` or ``pyproject.toml`` differed from its commit) and ``figures`` (how many
        sidecars name their runs).
    """
    sidecars = [json.loads(f.read_text()) for f in sorted(Path(figures).glob("*.json"))]
    # The estimation's own figures name no experiment's runs (their sidecar has no model).
    runs = [s for s in sidecars if s.get("model_fingerprint")]
    gits = [s.get("git") or {} for s in runs]
    return {
        "model_fingerprints": sorted({s["model_fingerprint"] for s in runs}),
        "commits": sorted({g["commit"][:12] for g in gits if g.get("commit")}),
        "dirty": any(g.get("dirty") for g in gits),
        "figures": len(runs),
    }


def _replications_for_one_percent(welfare: pd.DataFrame) -> pd.Series:
    """Paired replications each comparison needs to detect 1% of its baseline welfare with
    80% power at 5%: the sd of its paired differences is read back from its MDE at its n
    (the MDE is linear in the sd), then the power analysis is solved for the 1% effect."""
    needed = []
    for row in welfare.itertuples():
        if not (math.isfinite(row.mde) and row.n > 1 and row.baseline_mean):
            needed.append(math.nan)
            continue
        sd = row.mde / minimal_detectable_effect(1.0, int(row.n))
        needed.append(float(replications_needed(0.01 * abs(row.baseline_mean), sd)))
    return pd.Series(needed, index=welfare.index, dtype=float)


def _finite(value):
    """``value`` with every NaN or infinity (in nested dicts and lists) replaced by None."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _morris_constants(screening: Results, sobol_factors: set[str], top: int = 2) -> dict:
    """The Morris screening's most influential factors outside the Sobol design, by outcome.

    Each is named with its mean absolute elementary effect and its rank among all screened
    factors (1 is the most influential).
    """
    table = morris_indices(screening, ["market_size_cagr", "welfare_mean"])
    found = {}
    for outcome, group in table.groupby("outcome"):
        ranked = group.sort_values("mu_star", ascending=False).reset_index(drop=True)
        others = ranked[~ranked["factor"].isin(sobol_factors)].head(top)
        found[outcome] = {
            "factors": len(ranked),
            "trajectories": int(ranked["trajectories"].iloc[0]),
            "samples": int(screening.spec.samples),
            "top": [
                {"factor": row.factor, "mu_star": float(row.mu_star), "rank": int(i) + 1}
                for i, row in others.iterrows()
            ],
        }
    return found


def _cold_chain(summary: pd.DataFrame) -> dict:
    """Each cold-chain measure's effects by level against today's pilots.

    Also the incident loss at which a measure's welfare effect would turn: the loss it avoids,
    scaled up until it covers what the measure costs otherwise (``breakeven_loss_multiple``,
    times the scenario's ``incident_loss_rmb``; first order, behaviour held fixed). None when
    the measure already pays or avoids no loss.
    """
    out: dict = {}
    for measure, today in COLD_CHAIN_TODAY.items():
        rows = summary[(summary[measure] != today)] if measure in summary else summary[:0]
        for level, group in rows.groupby(measure):
            effect = {
                row.outcome.removesuffix("_mean"): {
                    **_table_effect(row),
                    "relative": float(row.relative),
                }
                for row in group.itertuples()
            }
            welfare, avoided = effect["welfare"]["value"], -effect["incident_loss"]["value"]
            effect["breakeven_loss_multiple"] = (
                1.0 - welfare / avoided if welfare < 0 and avoided > 0 else None
            )
            out.setdefault(measure, {})[f"{float(level):g}"] = effect
    return out


def _breakeven(results: Results, safeguard: str = "review_strictness") -> dict:
    """How often a safeguard pays over the break-even grid, and at the defaults.

    Review at full openness (``security_breakeven``), or privacy computing under today's
    policy (``privacy_breakeven``, ``safeguard="privacy_computing"``).
    """
    gain = effects(
        results.ok,
        {safeguard: 0.0},
        "welfare_mean",
        factors=results.factors,
        by=["incident_loss_rmb", "trust_collapse_threshold"],
    )
    gain = gain[gain[safeguard] > 0]
    # Each cell's own 95% interval, as the map's dots show; and Holm's correction over the
    # map's cells, since the text counts how many of them pass.
    pays = gain[(gain["ci_low"] > 0)]
    loses = gain[(gain["ci_high"] < 0)]
    corrected = adjust(gain["p_value"]) < 0.05
    default = gain[
        (gain["incident_loss_rmb"] == SCENARIO_PARAMETERS["incident_loss_rmb"].default)
        & (gain["trust_collapse_threshold"]
           == SCENARIO_PARAMETERS["trust_collapse_threshold"].default)
    ]  # fmt: skip
    row = default.iloc[0] if len(default) else None
    # At the default loss, the lowest threshold: where trust collapses most readily.
    at_loss = gain[gain["incident_loss_rmb"] == SCENARIO_PARAMETERS["incident_loss_rmb"].default]
    low = at_loss.sort_values("trust_collapse_threshold").iloc[0] if len(at_loss) else None
    return {
        "cells": len(gain),
        "replications": int(gain["n"].max()) if len(gain) else 0,  # paired seeds a cell
        "pays": len(pays),
        "loses": len(loses),
        "pays_holm": int((corrected & (gain["effect"] > 0).to_numpy()).sum()),
        "loses_holm": int((corrected & (gain["effect"] < 0).to_numpy()).sum()),
        "default": _interval(row),
        "lowest_threshold": None if low is None else float(low["trust_collapse_threshold"]),
        "at_lowest_threshold": _interval(low),
    }


def _table_effect(row) -> dict:
    """An effect from a table of headline effects: value, 95% interval, and the table's
    verdict after its correction, which ``holds`` follows (significant either way)."""
    return {"value": float(row.effect), "low": float(row.ci_low), "high": float(row.ci_high),
            "holds": row.verdict in ("higher", "lower"), "verdict": row.verdict}  # fmt: skip


def _interval(row: pd.Series | None) -> dict | None:
    """An effect row as the paper reads it: value, 95% interval, whether it is a gain, and
    the table's verdict when the row is from a table corrected for multiple comparisons."""
    if row is None:
        return None
    out = {"value": float(row["effect"]), "low": float(row["ci_low"]),
           "high": float(row["ci_high"]), "holds": bool(row["ci_low"] > 0)}  # fmt: skip
    if "verdict" in row:  # a gain only as its table corrects it
        out["verdict"] = row["verdict"]
        out["holds"] = row["verdict"] == "higher"
    return out


def build_paper(
    quick: bool = False,
    executor: str = "processes",
    results_root: str | Path = "results",
    out: str | Path = PAPER,
) -> Path:
    """Run (or reuse) the estimation and the experiments, write figures, tables and numbers;
    compile the PDF.

    The order: ``econ calibrate china_2024`` (stored under
    :func:`~econ.scenarios.calibrations_root`, reused when done), the ``posterior_effects``
    experiment at draws from that posterior, the same two without the moments of
    :data:`LEFT_OUT` (a robustness check), the study, the Morris screening and the Sobol
    run. A finished step is reused, so a second call only redraws and recompiles.

    Parameters
    ----------
    quick : bool, default False
        Quick sizes; the PDF is ``paper_quick.pdf``.
    executor : str, default "processes"
        Where runs execute (:func:`econ.experiment.run`).
    results_root : str or pathlib.Path, default "results"
        The folder each experiment's results go under.
    out : str or pathlib.Path, default "paper"
        The paper's folder; it must hold ``paper.typ``.

    Returns
    -------
    pathlib.Path
        The compiled PDF.

    Raises
    ------
    FileNotFoundError
        If ``out`` holds no ``paper.typ``.
    """
    out = Path(out)
    if not (out / "paper.typ").is_file():
        raise FileNotFoundError(
            f"{out}/paper.typ: no paper source; run from a folder made by `econ init DIR` "
            "(or the repository root)"
        )
    suffix = "_quick" if quick else ""
    # The estimation goes where `econ calibrate` puts it (calibrations_root()), which is
    # where the posterior-draws experiment's "china_2024@..." scenario reads it.
    estimated = estimate(
        CALIBRATION,
        quick=quick,
        executor=executor,
        progress=lambda line: print(f"calibrate {CALIBRATION}: {line}", file=sys.stderr),
    )
    draws = _posterior_effects(estimated, "", quick, executor, results_root)
    # Robustness: the same estimate without the moment no particle reaches, and the same
    # effects over its posterior.
    left_out = estimate(
        CALIBRATION,
        quick=quick,
        executor=executor,
        progress=lambda line: print(f"calibrate without: {line}", file=sys.stderr),
        without=LEFT_OUT,
    )
    left_out_draws = _posterior_effects(
        left_out, left_out.spec["name"].removeprefix(CALIBRATION), quick, executor, results_root
    )
    paths = study(quick=quick, executor=executor, results_root=str(results_root), out=str(out))
    extra = {}
    for name in ("screening", "sensitivity"):
        extra[name] = run(
            spec_path(name),
            quick=quick,
            executor=executor,
            out=Path(results_root) / f"{name}{suffix}",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnreliableIndicesWarning)
            write_figures(extra[name], paths["figures"])
    numbers = paper_numbers(
        pd.read_csv(paths["validation"]),
        pd.read_csv(paths["summary"]),
        load(Path(results_root) / f"baseline{suffix}"),
        extra["sensitivity"],
        load(Path(results_root) / f"security_breakeven{suffix}"),
        extra["screening"],
        load(Path(results_root) / f"privacy_breakeven{suffix}"),
    )
    numbers["quick"] = quick
    numbers["provenance"] = provenance(paths["figures"])
    draw_effects = posterior_effects(draws)
    numbers["estimation"] = write_estimation(
        estimated, draw_effects, paths["figures"], paths["tables"]
    )
    numbers["estimation"]["without"] = leave_out(
        estimated, left_out, draw_effects, posterior_effects(left_out_draws), paths["tables"]
    )
    calibration = calibration_table()
    write_atomic(
        paths["tables"] / "calibration.csv", lambda tmp: calibration.to_csv(tmp, index=False)
    )
    numbers_path = paths["tables"] / "numbers.json"
    # JSON has no NaN (Typst refuses it): a number that cannot be computed, such as a growth
    # rate over too few quarters in a quick run, is written as null.
    text = json.dumps(_finite(numbers), indent=2, allow_nan=False)
    write_atomic(numbers_path, lambda tmp: tmp.write_text(text))
    source = out / "paper.typ"
    pdf = out / f"paper{suffix}.pdf"
    inputs = {"figures": paths["figures"].name, "tables": paths["tables"].name}
    write_atomic(pdf, lambda tmp: typst.compile(str(source), output=str(tmp), sys_inputs=inputs))
    return pdf


def _posterior_effects(
    calibration: Estimate, label: str, quick: bool, executor: str, results_root: str | Path
) -> Results:
    """The ``posterior_effects`` experiment at draws from ``calibration``'s posterior,
    its name and folder followed by ``label`` (and ``_quick`` for a quick run)."""
    path = spec_path("posterior_effects")
    data = tomllib.loads(path.read_text())
    # The spec names the full posterior; this reads the calibration given (quick or not).
    data["experiment"]["scenario"] = calibration.scenario_name
    data["experiment"]["name"] += label
    return run(
        parse_spec(data, source=str(path)),
        executor=executor,
        quick=quick,
        out=Path(results_root) / f"posterior_effects{label}{'_quick' if quick else ''}",
    )


def sections(source: str | Path = PAPER / "paper.typ", **inputs: str) -> list[str]:
    """The headings of the compiled paper, all levels (to check what it contains).

    Parameters
    ----------
    source : str or pathlib.Path, default "paper/paper.typ"
        The paper's Typst source.
    **inputs : str
        Typst ``sys.inputs`` (``figures``, ``tables``: folder names).

    Returns
    -------
    list of str
        The heading texts, in order.
    """
    found = typst.query(str(source), "heading", field="body", sys_inputs=inputs)
    return [h.get("text", "") for h in json.loads(found)]
