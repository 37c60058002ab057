"""Figures and tables for papers, written from stored results (``econ figures``).

Each experiment has its figures and its table of headline effects. Figures are written as PDF
and 300-dpi PNG with a JSON sidecar naming the results, manifest and commit they came from;
tables as CSV and as Typst source ready to ``#include`` in the paper.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from econ import __version__, plots
from econ.analysis import EFFECT_COLUMNS, effects, morris_indices, sobol_indices
from econ.experiment.spec import check_name
from econ.experiment.store import Results, load, write_atomic
from econ.statistics import verdicts

__all__ = [
    "COLD_CHAIN_TODAY",
    "HEADLINES",
    "Headline",
    "figures_for",
    "headline_effects",
    "save_figure",
    "to_typst",
    "write_figures",
    "write_tables",
]

SENSITIVITY_OUTCOMES = ["market_size_cagr", "welfare_mean", "incidents_total"]
NOT_SIGNIFICANT = (
    "#super[†] not resolved: the effect is neither significant after Holm's correction over "
    "the table nor shown within 1% of the baseline (two one-sided tests); "
    "#super[=] shown equivalent to no effect within that margin."
)


def figures_for(results: Results) -> dict[str, Callable[[], plt.Figure]]:
    """The figures of an experiment, by file name (recognised by the factors it varies).

    Parameters
    ----------
    results : Results
        An experiment's results.

    Returns
    -------
    dict of str to callable
        File name stem to a function that draws the figure (:mod:`econ.plots`).
    """
    factors = set(results.factors)
    design = results.manifest["spec"]["design"]
    found: dict[str, Callable[[], plt.Figure]] = {}
    if design == "sobol":
        found["sobol_indices"] = lambda: plots.sobol_bars(
            sobol_indices(results, SENSITIVITY_OUTCOMES)
        )
    elif design == "morris":
        found["morris_screening"] = lambda: plots.morris_screening(
            morris_indices(results, SENSITIVITY_OUTCOMES)
        )
    elif {"pricing", "price_level", "supply_responds"} <= factors:
        where = {"price_level": 1.0}
        found["market_paths"] = lambda: plots.market_paths(
            results, where={**where, "supply_responds": True}
        )
        found["growth_welfare"] = lambda: plots.growth_and_welfare(results, where=where)
        found["supply_effort"] = lambda: plots.supply_effort_response(results, where=where)
    elif {"operators", "operator_cap", "price_cap"} <= factors:
        found["operator_profit_cap"] = lambda: plots.operator_profit_vs_cap(
            results, where={"revenue_share": 0.3, "infrastructure": 0.8}
        )
    elif {"review_strictness", "incident_loss_rmb", "trust_collapse_threshold"} <= factors:
        found["breakeven"] = lambda: plots.safeguard_breakeven(results)
    elif {"privacy_computing", "incident_loss_rmb", "trust_collapse_threshold"} <= factors:
        found["breakeven"] = lambda: plots.safeguard_breakeven(
            results, safeguard="privacy_computing"
        )
    elif {"openness", "hk_bridge", "review_strictness"} <= factors:
        found["cross_border_frontier"] = lambda: plots.cross_border_frontier(results)
    else:
        first, *rest = results.factors
        found["market_paths"] = lambda: plots.market_paths(results, by=first, facets=rest)
    return found


def _sidecar(results: Results, name: str) -> dict:
    m = results.manifest
    return {
        "figure": name,
        "experiment": m["experiment"],
        "results": str(results.path),
        "manifest": str(results.path / "manifest.json"),
        "git": m.get("git"),
        "model_fingerprint": m.get("model_fingerprint"),
        "results_finished_at": m.get("finished_at"),
        "econ_version": __version__,
    }


def write_figures(results: Results | str | Path, out: str | Path) -> list[Path]:
    """Write each figure of the experiment as PDF and PNG (300 dpi) plus a JSON sidecar.

    The sidecar names the results folder, its manifest, the git commit, the model's
    fingerprint and the econ version the figure came from.

    Parameters
    ----------
    results : Results or str or pathlib.Path
        An experiment's results, or its folder.
    out : str or pathlib.Path
        The figures folder (created if missing).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    if not isinstance(results, Results):
        results = load(results)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    experiment = check_name(results.manifest["experiment"])
    for name, make in figures_for(results).items():
        # Quick runs go to their own folder; their files keep the experiment's plain name.
        stem = f"{experiment.removesuffix('_quick')}_{name}"
        written += save_figure(make(), out / stem, _sidecar(results, name))
    return written


def save_figure(fig: plt.Figure, stem: str | Path, sidecar: dict) -> list[Path]:
    """Write a figure as PDF and 300-dpi PNG, and ``sidecar`` as JSON beside them; close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : str or pathlib.Path
        The files' path without suffix.
    sidecar : dict
        What the figure came from (plain values).

    Returns
    -------
    list of pathlib.Path
        The PDF, the PNG and the sidecar.
    """
    stem = Path(stem)
    written = []
    for suffix in (".pdf", ".png"):
        path = stem.with_suffix(suffix)
        # No creation date in the file: the same results give the same bytes.
        meta = {"CreationDate": None} if suffix == ".pdf" else {}
        write_atomic(
            path,
            lambda tmp, s=suffix, m=meta: fig.savefig(tmp, format=s[1:], dpi=300, metadata=m),
        )
        written.append(path)
    plt.close(fig)
    path = stem.with_suffix(".json")
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(sidecar, indent=2)))
    return [*written, path]


@dataclass(frozen=True)
class Headline:
    """The headline effects of an experiment: which runs, against which baseline.

    Parameters
    ----------
    baseline : dict
        The baseline point's factor values (see :func:`econ.analysis.effects`).
    outcomes : list of str
        The summary outcomes to compare.
    where : dict, optional
        Factor values to keep (a value, or a list of values).
    by : list of str or None, optional
        Groups within which effects are taken.
    """

    baseline: dict
    outcomes: list[str]
    where: dict = field(default_factory=dict)  # factor: value, or a list of values to keep
    by: list[str] | None = None


#: The cold chain's measures at today's levels: the pilots (``cold_chain`` experiment).
COLD_CHAIN_TODAY = {"infrastructure": 0.3, "privacy_computing": 0.0, "traceability": 0.0}

#: Headline effects by experiment (recognised by name).
HEADLINES = {
    "free_vs_priced": Headline(
        baseline={"pricing": "cost_recovery"},
        where={"price_level": 1.0},
        by=["supply_responds"],
        outcomes=["welfare_mean", "market_size_cagr", "data_uses_mean", "supply_effort_final"],
    ),
    "authorised_operation": Headline(
        baseline={"operators": 0},
        where={"price_cap": 1.0, "infrastructure": 0.8, "revenue_share": 0.3},
        by=["operator_cap"],
        outcomes=["welfare_mean", "operator_profit_mean", "supply_effort_final"],
    ),
    "registration": Headline(
        baseline={"registration": False},
        by=["pricing"],
        outcomes=["welfare_mean", "data_uses_mean", "supply_effort_final", "market_size_mean"],
    ),
    "exchanges": Headline(
        baseline={"exchange_fee": 1.0},
        outcomes=["welfare_mean", "exchange_share_mean", "market_size_mean", "policy_cost_mean"],
    ),
    "cold_chain": Headline(
        baseline=dict(COLD_CHAIN_TODAY),
        outcomes=[
            "welfare_mean",
            "incidents_total",
            "incident_loss_mean",
            "trust_mean",
            "compute_utilisation_mean",
            "data_uses_mean",
            "policy_cost_mean",
        ],
    ),
    "cross_border": Headline(
        baseline={"openness": 0.0},
        where={"openness": [0.0, 1.0]},
        by=["hk_bridge", "review_strictness"],
        outcomes=["market_size_mean", "welfare_mean", "incidents_total"],
    ),
}


def headline_effects(results: Results) -> pd.DataFrame:
    """Effects with 95% CIs for the experiment's headline comparisons (paired by seed).

    Parameters
    ----------
    results : Results
        Results of an experiment named in :data:`HEADLINES`.

    Returns
    -------
    pandas.DataFrame
        The effects table of :func:`econ.analysis.effects`, in each outcome's unit.

    Raises
    ------
    ValueError
        If the experiment has no headline comparisons.
    """
    name = results.manifest["experiment"].removesuffix("_quick")
    if name not in HEADLINES:
        raise ValueError(
            f"no headline table is defined for experiment {name!r}; known: {', '.join(HEADLINES)}"
        )
    h = HEADLINES[name]
    runs = results.ok
    for key, value in h.where.items():  # a list keeps any of its values
        if key in runs:
            runs = runs[runs[key].isin(value if isinstance(value, list) else [value])]
    table = effects(runs, h.baseline, h.outcomes, factors=results.factors, by=h.by)
    base_keys = list(h.baseline)
    is_base = np.logical_and.reduce([table[k] == v for k, v in h.baseline.items()])
    table = table[~is_base]
    # What each effect may be called, with p-values corrected over the whole table.
    table = verdicts(table.reset_index(drop=True))
    ids = [*(h.by or []), *[k for k in base_keys if k not in (h.by or [])]]
    keep = [*ids, *EFFECT_COLUMNS]
    return table[[c for c in keep if c in table]].reset_index(drop=True)


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "-"
    magnitude = abs(value)
    if magnitude >= 1e12:
        return f"{value / 1e12:,.2f} tn"
    if magnitude >= 1e9:
        return f"{value / 1e9:,.1f} bn"
    if magnitude >= 1e6:
        return f"{value / 1e6:,.1f} m"
    if magnitude >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _typst_text(text: str) -> str:
    """Escape characters Typst reads as markup inside a content block."""
    for char in "\\[]#*_$<>@`":
        text = text.replace(char, "\\" + char)
    return text


def to_typst(table: pd.DataFrame, caption: str) -> str:
    """Typst source for a table of effects: effect [95% CI], a dagger where not significant.

    Parameters
    ----------
    table : pandas.DataFrame
        An effects table (:func:`headline_effects`).
    caption : str
        The table's caption.

    Returns
    -------
    str
        A Typst ``#figure`` holding the table.
    """
    id_cols = [c for c in table.columns if c not in EFFECT_COLUMNS]
    header = [c.replace("_", " ") for c in id_cols] + [
        "outcome",
        "baseline",
        "effect [95% CI]",
        "change",
    ]
    rows = []
    for r in table.to_dict("records"):
        ci = f"{_fmt(r['effect'])} [{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]"
        change = f"{100 * r['relative']:+.1f}%" if np.isfinite(r["relative"]) else "-"
        texts = [str(r[c]) for c in id_cols] + [
            r["outcome"].replace("_", " "),
            _fmt(r["baseline_mean"]),
            ci,
            change,
        ]
        cells = [f"[{_typst_text(t)}]" for t in texts]
        verdict = r.get("verdict", "higher" if r["significant"] else "not resolved")
        if verdict == "not resolved":
            cells[-2] = cells[-2][:-1] + "#super[†]]"
        elif verdict == "equivalent":
            cells[-2] = cells[-2][:-1] + "#super[=]]"
        rows.append(", ".join(cells))
    n_left = len(id_cols) + 1
    head = ", ".join(f"[*{_typst_text(h)}*]" for h in header)
    lines = [
        "#figure(",
        "  table(",
        f"    columns: {len(header)},",
        f"    align: (left,) * {n_left} + (right,) * 3,",
        "    stroke: none,",
        "    table.hline(),",
        f"    {head},",
        "    table.hline(stroke: 0.5pt),",
        *(f"    {row}," for row in rows),
        "    table.hline(),",
        "  ),",
        f"  caption: [{_typst_text(caption)} {NOT_SIGNIFICANT}],",
        ")",
    ]
    return "\n".join(lines) + "\n"


def write_tables(results: Results | str | Path, out: str | Path) -> list[Path]:
    """Write the headline-effects table as CSV and Typst source.

    Parameters
    ----------
    results : Results or str or pathlib.Path
        Results of an experiment named in :data:`HEADLINES`, or its folder.
    out : str or pathlib.Path
        The tables folder (created if missing).

    Returns
    -------
    list of pathlib.Path
        ``<experiment>_effects.csv`` and ``<experiment>_effects.typ``.
    """
    if not isinstance(results, Results):
        results = load(results)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = headline_effects(results)
    name = check_name(results.manifest["experiment"]).removesuffix("_quick")
    baseline = ", ".join(f"{k} = {v}" for k, v in HEADLINES[name].baseline.items())
    csv_path, typ_path = out / f"{name}_effects.csv", out / f"{name}_effects.typ"
    write_atomic(csv_path, lambda tmp: table.to_csv(tmp, index=False))
    caption = (
        f"Headline effects in {name.replace('_', ' ')} against {baseline}, mean over "
        f"{int(table['n'].max())} paired replications."
    )
    write_atomic(typ_path, lambda tmp: tmp.write_text(to_typst(table, caption)))
    return [csv_path, typ_path]
