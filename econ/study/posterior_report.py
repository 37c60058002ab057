"""The estimation in the paper: posterior figures, predictive check and policy effects over
posterior draws, written from a stored calibration and the ``posterior_effects`` experiment.

:func:`posterior_effects` pairs runs by seed within each posterior draw
(:func:`econ.analysis.effects_over_draws`), so each headline effect carries both sources of
variance; :func:`write_estimation` writes the figures, the tables and the numbers the paper
cites.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from econ import __version__, plots
from econ.analysis import DRAW_EFFECT_COLUMNS, effects_over_draws
from econ.experiment.store import Results, write_atomic
from econ.study.estimation import Estimate
from econ.study.report import save_figure

__all__ = [
    "POSTERIOR_COMPARISONS",
    "POSTERIOR_OUTCOMES",
    "leave_out",
    "posterior_effects",
    "write_estimation",
]

#: Headline comparisons over posterior draws, each one change from the policy in force:
#: name -> (the baseline arm, where the other factors stand).
POSTERIOR_COMPARISONS = {
    "free_over_cost_recovery": (
        {"pricing": "cost_recovery"},
        {"operators": 2, "registration": True},
    ),
    "operators_over_none": ({"operators": 0}, {"pricing": "free", "registration": True}),
    "registration_over_none": ({"registration": False}, {"pricing": "free", "operators": 2}),
}
#: The outcomes compared over posterior draws (RMB per quarter, simulated and scaled).
POSTERIOR_OUTCOMES = ["welfare_mean", "market_size_mean"]
#: Run columns that number the posterior draws, not design points.
_DRAW_COLUMNS = ("draw", "particle")


def posterior_effects(results: Results) -> pd.DataFrame:
    """The headline effects of :data:`POSTERIOR_COMPARISONS` over posterior draws and seeds.

    Parameters
    ----------
    results : Results
        Results of an experiment run with ``posterior_draws`` over ``pricing``,
        ``operators`` and ``registration`` (the shipped ``posterior_effects`` spec).

    Returns
    -------
    pandas.DataFrame
        One row per comparison and outcome: ``comparison``, ``outcome``, ``baseline_mean``,
        ``mean`` and the columns of :data:`econ.analysis.DRAW_EFFECT_COLUMNS` (the effect,
        its interval over draws and seeds, and the variance components).
    """
    design = [f for f in results.factors if f not in _DRAW_COLUMNS]
    frames = []
    for name, (baseline, at) in POSTERIOR_COMPARISONS.items():
        table = effects_over_draws(results.ok, baseline, POSTERIOR_OUTCOMES, factors=design)
        # The policy in force against its one change (not the baseline against itself).
        keep = np.logical_and.reduce(
            [*(table[k] == v for k, v in at.items()), *(table[k] != v for k, v in baseline.items())]
        )
        frames.append(table[keep].assign(comparison=name))
    table = pd.concat(frames, ignore_index=True)
    return table[["comparison", *DRAW_EFFECT_COLUMNS]]


def _strongest_correlation(posterior: pd.DataFrame, names: list[str]) -> dict:
    """The pair of parameters most correlated in the weighted posterior, and the correlation
    (a trade-off the moments cannot resolve shows as a strong negative one)."""
    cov = np.cov(posterior[names].to_numpy(dtype=float), rowvar=False, aweights=posterior["weight"])
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 0.0)
    i, j = np.unravel_index(np.argmax(np.abs(corr)), corr.shape)
    return {"pair": [names[min(i, j)], names[max(i, j)]], "corr": float(corr[i, j])}


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _effect(row, suffix: str = "") -> dict:
    """An effect and its interval from a row of :func:`posterior_effects` (columns with
    ``suffix`` after a merge)."""
    return {
        "value": float(getattr(row, f"effect{suffix}")),
        "low": _finite_or_none(getattr(row, f"ci_low{suffix}")),
        "high": _finite_or_none(getattr(row, f"ci_high{suffix}")),
    }


def write_estimation(
    estimate: Estimate, effects: pd.DataFrame, figures: str | Path, tables: str | Path
) -> dict:
    """Write the estimation's figures and tables, and return the numbers the paper cites.

    Figures: ``estimation_posterior`` (:func:`econ.plots.posterior_marginals`) and
    ``estimation_predictive`` (:func:`econ.plots.predictive_check`), each PDF, PNG and a
    sidecar naming the calibration. Tables (CSV): ``estimation.csv`` (the posterior summary),
    ``estimation_generations.csv``, ``estimation_predictive.csv`` and
    ``posterior_effects.csv`` (``effects``).

    Parameters
    ----------
    estimate : Estimate
        The stored calibration (:func:`econ.study.estimation.load_estimate`).
    effects : pandas.DataFrame
        :func:`posterior_effects` of the posterior-draws experiment.
    figures, tables : str or pathlib.Path
        The paper's figures and tables folders.

    Returns
    -------
    dict
        ``evaluations``, ``generations``, ``population``, ``stopped``, the first and last
        epsilon, the last acceptance rate and ESS, ``strongest_correlation`` (the most
        correlated pair of parameters in the posterior), ``parameters`` (mean, 90% interval and
        sd ratio by name), ``predictive`` (target, predictive mean, z and coverage by moment)
        and ``effects`` (effect, interval, relative effect and parameter share by comparison
        and outcome).
    """
    figures, tables = Path(figures), Path(tables)
    figures.mkdir(parents=True, exist_ok=True)
    tables.mkdir(parents=True, exist_ok=True)
    source = {
        "calibration": str(estimate.path),
        "manifest": str(estimate.path / "manifest.json"),
        "econ_version": __version__,
    }
    priors = {k: tuple(v) for k, v in estimate.spec["priors"].items()}
    save_figure(
        plots.posterior_marginals(estimate.populations, priors, estimate.point),
        figures / "estimation_posterior",
        {**source, "figure": "posterior"},
    )
    check = estimate.predictive_check()
    save_figure(
        plots.predictive_check(estimate.predictive, check),
        figures / "estimation_predictive",
        {**source, "figure": "predictive"},
    )
    summary = estimate.summary()
    generations = pd.DataFrame(estimate.diagnostics["generations"])
    for name, frame in (
        ("estimation", summary),
        ("estimation_generations", generations),
        ("estimation_predictive", check.drop(columns=["description"], errors="ignore")),
        ("posterior_effects", effects),
    ):
        write_atomic(tables / f"{name}.csv", lambda tmp, f=frame: f.to_csv(tmp, index=False))
    last = generations.iloc[-1]
    return {
        "evaluations": int(estimate.diagnostics["evaluations"]),
        "generations": len(generations),
        "population": int(estimate.spec["population"]),
        "stopped": estimate.diagnostics.get("stopped", ""),
        "epsilon_first": float(generations["epsilon"].iloc[0]),
        "epsilon_last": float(last["epsilon"]),
        "acceptance_last": float(last["acceptance_rate"]),
        "ess_last": float(last["ess"]),
        "strongest_correlation": _strongest_correlation(estimate.posterior, list(priors)),
        "parameters": {
            row.parameter: {
                "mean": row.mean,
                "low": row.q05,
                "high": row.q95,
                "sd_ratio": row.sd_ratio,
            }
            for row in summary.itertuples()
        },
        "predictive": {
            row.moment: {
                "target": row.target,
                "mean": row.mean,
                "z": row.z,
                "covered": bool(row.covered),
            }
            for row in check.itertuples()
        },
        "effects": {
            name: {
                row.outcome: {
                    **_effect(row),
                    "relative": _finite_or_none(row.relative),
                    "param_share": _finite_or_none(row.param_share),
                    "n_draws": int(row.n_draws),
                }
                for row in group.itertuples()
            }
            for name, group in effects.groupby("comparison", sort=False)
        },
    }


def leave_out(
    full: Estimate,
    left_out: Estimate,
    effects: pd.DataFrame,
    left_out_effects: pd.DataFrame,
    tables: str | Path,
) -> dict:
    """How much the estimate and the posterior effects lean on the moments a calibration
    left out (:meth:`econ.study.estimation.CalibrateSpec.without`).

    Writes ``estimation_without.csv`` (:meth:`~econ.study.estimation.Estimate.compare`):
    each parameter's posterior with all moments and without, and the shift of the mean in
    units of the prior's range and of the full posterior's sd.

    Parameters
    ----------
    full, left_out : Estimate
        The calibration with all its moments, and the same calibration without some.
    effects, left_out_effects : pandas.DataFrame
        :func:`posterior_effects` at draws from each posterior.
    tables : str or pathlib.Path
        The paper's tables folder.

    Returns
    -------
    dict
        ``moments`` (those left out), ``name``, ``evaluations``, ``generations``,
        ``epsilon_last``, ``stopped``, ``parameters`` (by name: both means, the shifts and
        whether the new mean lies in the full posterior's 90% interval), ``largest_shift``
        (the largest in posterior sds: its parameter and shifts),
        ``largest_shift_of_prior``, ``inside`` (how many means lie inside), ``predictive``
        (each kept moment's predictive z under both posteriors) and ``effects`` (by
        comparison and outcome: the effect with its interval over the left-out posterior,
        and the full one's under ``full``).
    """
    kept = {m["name"] for m in left_out.spec["moments"]}
    dropped = [m["name"] for m in full.spec["moments"] if m["name"] not in kept]
    table = full.compare(left_out, suffix="_without")
    tables = Path(tables)
    tables.mkdir(parents=True, exist_ok=True)
    write_atomic(tables / "estimation_without.csv", lambda tmp: table.to_csv(tmp, index=False))
    largest = table.loc[table["shift_of_sd"].abs().idxmax()]
    both = effects.merge(left_out_effects, on=["comparison", "outcome"], suffixes=("", "_without"))
    generations = left_out.diagnostics["generations"]
    full_z = full.predictive_check().set_index("moment")["z"]
    return {
        "moments": dropped,
        "name": left_out.spec["name"],
        "evaluations": int(left_out.diagnostics["evaluations"]),
        "generations": len(generations),
        "epsilon_last": float(generations[-1]["epsilon"]),
        "parameters": {
            row.parameter: {
                "mean": float(row.mean),
                "mean_without": float(row.mean_without),
                "shift_of_prior": float(row.shift_of_prior),
                "shift_of_sd": float(row.shift_of_sd),
                "inside": bool(row.inside),
            }
            for row in table.itertuples()
        },
        # The largest shift against the posterior's own spread, and where it was.
        "largest_shift": {
            "parameter": largest["parameter"],
            "shift_of_prior": float(largest["shift_of_prior"]),
            "shift_of_sd": float(largest["shift_of_sd"]),
        },
        "largest_shift_of_prior": float(table["shift_of_prior"].abs().max()),
        "stopped": left_out.diagnostics.get("stopped", ""),
        "inside": int(table["inside"].sum()),
        # The kept moments' predictive z under each posterior: what leaving one out buys.
        "predictive": {
            row.moment: {"z": float(row.z), "z_full": float(full_z[row.moment])}
            for row in left_out.predictive_check().itertuples()
        },
        "effects": {
            name: {
                row.outcome: {**_effect(row, "_without"), "full": _effect(row)}
                for row in group.itertuples()
            }
            for name, group in both.groupby("comparison", sort=False)
        },
    }
