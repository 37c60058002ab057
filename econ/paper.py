"""Build the policy paper: run what it needs (reusing stored runs), write its figures,
tables and numbers, and compile ``paper/paper.typ`` with Typst (``econ paper``).

Every number the text cites is computed here from stored results and written to
``numbers.json`` beside the tables, so a rerun updates the paper.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd

from econ.analysis import UnreliableIndicesWarning, sobol_indices
from econ.experiment import run
from econ.experiment.store import Results, write_atomic
from econ.report import write_figures

__all__ = ["REQUIRED_SECTIONS", "build_paper", "calibration_table", "paper_numbers", "sections"]

PAPER = Path(__file__).parents[1] / "paper"
EXPERIMENTS = Path(__file__).parents[1] / "experiments"
REQUIRED_SECTIONS = (
    "Introduction",
    "The model",
    "Calibration",
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


def _validation_value(validation: pd.DataFrame, needle: str) -> dict:
    rows = validation[validation["statistic"].str.contains(needle, regex=False)]
    if rows.empty:
        raise KeyError(f"no validation row matches {needle!r}")
    row = rows.iloc[0]
    return {
        "value": float(row["value"]),
        "low": float(row["ci_low"]),
        "high": float(row["ci_high"]),
        "holds": bool(row["holds"]),
    }


def calibration_table() -> pd.DataFrame:
    """Scenario parameters with a source other than an assumption (for the paper)."""
    from econ.scenarios import ASSUMED, SCENARIO_PARAMETERS, get_scenario

    scenario = get_scenario("china_2024")
    rows = [
        {
            "parameter": p.name,
            "value": f"{getattr(scenario, p.name):,.6g}",
            "unit": p.unit,
            "source": p.source,
        }
        for p in SCENARIO_PARAMETERS.values()
        if p.source and p.source != ASSUMED
    ]
    return pd.DataFrame(rows)


def paper_numbers(
    validation: pd.DataFrame, summary: pd.DataFrame, baseline: Results, sensitivity: Results
) -> dict:
    """The numbers the paper's text cites, by name."""
    from econ.metrics import cagr

    growth = [cagr(g["market_size"].iloc[:13]) for _, g in baseline.series.groupby("run_id")]
    long = [cagr(g["market_size"]) for _, g in baseline.series.groupby("run_id")]
    start = baseline.series[baseline.series["step"] == 1]["market_size"].mean() * 4
    end = baseline.series[baseline.series["step"] == baseline.series["step"].max()]
    v = {
        "free_use_ratio": "public data uses, free / cost recovery",
        "elasticity": "price elasticity of public data use",
        "free_welfare_fixed": "free over cost recovery, supply fixed",
        "free_welfare_responding": "free over cost recovery, supply responding",
        "effort_gap": "holders' effort after 10 years",
        "conditional_vs_free": "conditional free over free",
        "conditional_vs_cost_recovery": "conditional free over cost_recovery",
        "cap_welfare": "welfare: cap",
        "cap_profit": "operator profit: cap",
        "revenue_cap_profit": "operator profit under the revenue cap",
        "broad_vs_hoard": "broad over hoard",
        "hoard_vs_ban": "hoard over ban",
        "safeguards_vs_closure": "with safeguards (review 0.5) over closure (RMB",
        "safeguards_vs_closure_bridge": "with safeguards (review 0.5) over closure, bridge",
        "safeguards_vs_none": "openness with safeguards over openness without (RMB",
        "bridge_market": "data market gain from the bridge",
    }
    numbers = {key: _validation_value(validation, needle) for key, needle in v.items()}
    welfare = summary[summary["outcome"] == "welfare_mean"]
    ops = welfare[welfare["experiment"] == "authorised_operation"]
    numbers["operators_welfare"] = {
        "low": float(ops["effect"].min()),
        "high": float(ops["effect"].max()),
    }
    numbers["baseline"] = {
        "growth_3y": float(pd.Series(growth).mean()),
        "growth_10y": float(pd.Series(long).mean()),
        "market_start_bn": float(start / 1e9),
        "market_end_bn": float(end["market_size"].mean() * 4 / 1e9),
        "replications": int(baseline.series["run_id"].nunique()),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableIndicesWarning)
        sobol = sobol_indices(sensitivity, ["market_size_cagr", "welfare_mean"])
    top = {}
    for outcome, group in sobol.groupby("outcome"):
        best = group.sort_values("ST", ascending=False).iloc[0]
        top[outcome] = {"factor": best["factor"], "S1": float(best["S1"]), "ST": float(best["ST"])}
    numbers["sobol"] = top
    numbers["counts"] = {
        name: int(v) for name, v in summary.groupby("experiment")["n"].max().items()
    }
    return numbers


def build_paper(
    quick: bool = False,
    executor: str = "processes",
    results_root: str | Path = "results",
    out: str | Path = PAPER,
) -> Path:
    """Run (or reuse) the experiments, write figures, tables and numbers; compile the PDF."""
    import typst

    from econ.cli import study

    out = Path(out)
    suffix = "_quick" if quick else ""
    paths = study(quick=quick, executor=executor, results_root=str(results_root), out=str(out))
    extra = {}
    for name in ("screening", "sensitivity"):
        extra[name] = run(
            EXPERIMENTS / f"{name}.toml",
            quick=quick,
            executor=executor,
            out=Path(results_root) / f"{name}{suffix}",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnreliableIndicesWarning)
            write_figures(extra[name], paths["figures"])
    from econ.experiment.store import load

    numbers = paper_numbers(
        pd.read_csv(paths["validation"]),
        pd.read_csv(paths["summary"]),
        load(Path(results_root) / f"baseline{suffix}"),
        extra["sensitivity"],
    )
    numbers["quick"] = quick
    calibration = calibration_table()
    write_atomic(
        paths["tables"] / "calibration.csv", lambda tmp: calibration.to_csv(tmp, index=False)
    )
    numbers_path = paths["tables"] / "numbers.json"
    write_atomic(numbers_path, lambda tmp: tmp.write_text(json.dumps(numbers, indent=2)))
    source = out / "paper.typ"
    pdf = out / f"paper{suffix}.pdf"
    inputs = {"figures": paths["figures"].name, "tables": paths["tables"].name}
    write_atomic(pdf, lambda tmp: typst.compile(str(source), output=str(tmp), sys_inputs=inputs))
    return pdf


def sections(source: str | Path = PAPER / "paper.typ", **inputs: str) -> list[str]:
    """The headings of the compiled paper, all levels (to check what it contains)."""
    import typst

    found = typst.query(str(source), "heading", field="body", sys_inputs=inputs)
    return [h.get("text", "") for h in json.loads(found)]
