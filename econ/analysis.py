"""Analysis of stored results: summaries with confidence intervals, effects against a
baseline, growth-incident frontiers, and Sobol and Morris indices through SALib.

Every function takes the tidy DataFrames of :func:`econ.results.load` (``results.runs``,
``results.series``) and returns a tidy DataFrame.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from SALib.analyze import morris, sobol
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, SingularMatrixWarning

from econ.experiment.designs import salib_problem
from econ.experiment.store import Results
from econ.statistics import equivalence_pvalue, minimal_detectable_effect, paired_pvalue

__all__ = [
    "DRAW_EFFECT_COLUMNS",
    "EFFECT_COLUMNS",
    "SOBOL_TOLERANCE",
    "UnreliableIndicesWarning",
    "effects",
    "effects_over_draws",
    "frontier",
    "mean_ci",
    "morris_indices",
    "noise_share",
    "pooled_effect",
    "sobol_indices",
    "summarise",
    "summarise_series",
]


#: Columns of an effects table beyond the ones that identify the comparison.
EFFECT_COLUMNS = (
    "outcome",
    "baseline_mean",
    "mean",
    "effect",
    "ci_low",
    "ci_high",
    "relative",
    "n",
    "significant",
    "p_value",
    "tost_p",
    "mde",
    "p_adjusted",
    "equivalent",
    "verdict",
    "correction",
)


class UnreliableIndicesWarning(UserWarning):
    """Sensitivity indices that should not be trusted (too few samples, negative indices)."""


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean and t-based confidence interval of independent replications.

    Parameters
    ----------
    values : sequence of float
        One value per replication; NaN and infinite values are dropped.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    mean : float
        The mean, in the values' unit (NaN with no values).
    low, high : float
        The interval's bounds (NaN with fewer than two values).
    n : int
        How many finite values there were.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return (np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return (mean, np.nan, np.nan, 1)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return (mean, mean - half, mean + half, n)


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def summarise(
    runs: pd.DataFrame, by: str | Sequence[str], outcomes: str | Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Mean and CI of each outcome over replications, per group.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run (``results.runs``); only runs with status ``"ok"`` count.
    by : str or sequence of str
        Columns that define the groups (usually the factors).
    outcomes : str or sequence of str
        Outcome columns to summarise.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group and outcome: ``by..., outcome, mean, ci_low, ci_high, n``, in each
        outcome's unit.
    """
    by, outcomes = _as_list(by), _as_list(outcomes)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for key, group in ok.groupby(by, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        for outcome in outcomes:
            mean, low, high, n = mean_ci(group[outcome], level)
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "outcome": outcome,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": n,
                }
            )
    return pd.DataFrame(rows)


def summarise_series(
    series: pd.DataFrame, by: str | Sequence[str], columns: str | Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Mean and CI over replications of each column, per group and quarter.

    Parameters
    ----------
    series : pandas.DataFrame
        One row per run and quarter (``results.series``).
    by : str or sequence of str
        Columns that define the groups.
    columns : str or sequence of str
        Reported columns to summarise.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Columns ``by..., step, outcome, mean, ci_low, ci_high, n``.
    """
    by = _as_list(by)
    return summarise(series, [*by, "step"], columns, level)


def effects(
    runs: pd.DataFrame,
    baseline: dict,
    outcomes: str | Sequence[str],
    *,
    factors: Sequence[str],
    by: str | Sequence[str] | None = None,
    level: float = 0.95,
    equivalence_margin: float = 0.01,
) -> pd.DataFrame:
    """Effect of each design point against a named baseline point, with CIs.

    Runs of different points that share a replication share their seed (common random
    numbers), so effects are paired by replication: the CI is that of the mean difference.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run (``results.runs``).
    baseline : dict
        The baseline's values of some factors, e.g. ``{"pricing": "cost_recovery"}``.
    outcomes : str or sequence of str
        Outcome columns.
    factors : sequence of str
        The columns that identify a design point (``results.factors``, or any columns of your
        own).
    by : str or sequence of str or None, default None
        Groups within which factors the baseline does not name are matched; None: all other
        factors.
    level : float, default 0.95
        Confidence level.
    equivalence_margin : float, default 0.01
        Half-width of the equivalence interval of the TOST test, as a share of the baseline
        mean.

    Returns
    -------
    pandas.DataFrame
        Columns ``by..., outcome, baseline_mean, mean, effect, ci_low, ci_high, relative, n,
        significant, p_value, tost_p, mde``; ``effect`` and its interval are in the
        outcome's unit, ``relative`` is the effect as a share of the baseline mean,
        ``p_value`` is that of a paired t-test, ``tost_p`` that of two one-sided tests that
        the effect lies within ``equivalence_margin`` of the baseline mean (see
        :func:`econ.statistics.verdicts`), and ``mde`` the smallest effect these
        replications detect with 80% power at the 5% level (outcome's unit).

    Raises
    ------
    ValueError
        If a factor or baseline column is missing, no successful run matches the baseline,
        or a point or its baseline has two runs of one replication (the factors do not tell
        them apart, and pairing them all would count each seed more than once).
    """
    outcomes = _as_list(outcomes)
    rows = []
    for labels, sub, ref in _comparisons(runs, baseline, factors, by, "effects"):
        for side, part in (("baseline", ref), ("point", sub)):
            repeated = part["replication"][part["replication"].duplicated()]
            if len(repeated):
                raise ValueError(
                    f"effects: the {side} of {labels} has more than one run of replication "
                    f"{repeated.iloc[0]}; name the factors that tell them apart (factors=, by=)"
                )
        for outcome in outcomes:
            paired = (
                sub.set_index("replication")[outcome]
                .to_frame("y")
                .join(ref.set_index("replication")[outcome].to_frame("b"), how="inner")
            )
            # Only the seeds with both outcomes finite count, in the means as in the tests.
            paired = paired[np.isfinite(paired["y"] - paired["b"])]
            diff = paired["y"] - paired["b"]
            effect, low, high, n = mean_ci(diff, level)
            b_mean = float(paired["b"].mean())
            margin = equivalence_margin * abs(b_mean)
            rows.append(
                {
                    **labels,
                    "outcome": outcome,
                    "baseline_mean": b_mean,
                    "mean": float(paired["y"].mean()),
                    "effect": effect,
                    "ci_low": low,
                    "ci_high": high,
                    "relative": effect / abs(b_mean) if b_mean else np.nan,
                    "n": n,
                    "significant": bool(n > 1 and (low > 0 or high < 0)),
                    "p_value": paired_pvalue(diff),
                    "tost_p": equivalence_pvalue(diff, margin),
                    "mde": minimal_detectable_effect(float(diff.std(ddof=1)), n),
                }
            )
    return pd.DataFrame(rows)


def _comparisons(
    runs: pd.DataFrame,
    baseline: dict,
    factors: Sequence[str],
    by: str | Sequence[str] | None,
    caller: str,
):
    """Each design point's successful runs with the baseline runs it is compared with.

    Yields ``(labels, runs, baseline_runs)``: ``labels`` holds the group's ``by`` values and
    the point's values of the other factors (and of the baseline's columns).
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    factors = _as_list(factors)
    missing = [f for f in [*factors, *baseline] if f not in ok.columns]
    if missing:
        raise ValueError(f"{caller}: no column {missing[0]!r} in the runs; factors: {factors}")
    by = _as_list(by) if by is not None else [f for f in factors if f not in baseline]
    base_mask = np.logical_and.reduce([ok[k] == v for k, v in baseline.items()])
    base = ok[base_mask]
    if base.empty:
        raise ValueError(f"no successful run matches the baseline {baseline}")
    grouping = [f for f in by if f not in baseline]
    point_keys = [f for f in factors if f not in grouping]
    point_keys += [k for k in baseline if k not in point_keys]  # derived columns may be named
    groups = ok.groupby(by, sort=True, dropna=False) if by else [((), ok)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        labels = dict(zip(by, key, strict=True))
        ref = base
        for f in grouping:
            ref = ref[ref[f] == labels[f]]
        if ref.empty:
            continue
        for point, sub in group.groupby(point_keys, sort=True, dropna=False):
            point = point if isinstance(point, tuple) else (point,)
            yield {**labels, **dict(zip(point_keys, point, strict=True))}, sub, ref


#: Columns of an :func:`effects_over_draws` table beyond the ones that identify the comparison.
DRAW_EFFECT_COLUMNS = (
    "outcome",
    "baseline_mean",
    "mean",
    "effect",
    "ci_low",
    "ci_high",
    "relative",
    "p_value",
    "n_draws",
    "n",
    "draw_var",
    "seed_var",
    "param_var",
    "param_share",
    "method",
)


def effects_over_draws(
    runs: pd.DataFrame,
    baseline: dict,
    outcomes: str | Sequence[str],
    *,
    factors: Sequence[str],
    by: str | Sequence[str] | None = None,
    level: float = 0.95,
    draw: str = "draw",
) -> pd.DataFrame:
    """Effect of each design point against a baseline over posterior draws and seeds.

    For runs over posterior draws (``posterior_draws`` in the spec): within draw ``j`` the
    runs of replication ``r`` share a seed, so each design point is paired with the
    baseline by seed, giving differences ``d_jr``. These follow a two-level model,
    ``d_jr = mu + u_j + e_jr`` with ``u_j ~ N(0, tau^2)`` and ``e_jr ~ N(0, sigma^2)``,
    where ``mu`` is the effect averaged over the posterior, ``tau^2`` the variance of the
    effect across parameter draws and ``sigma^2`` its variance across seeds within a draw.
    statsmodels' ``MixedLM`` (a random intercept per draw, REML) fits it; the interval is
    ``mu_hat +- t(J - 1) se(mu_hat)`` with J the number of draws, so it includes parameter
    uncertainty (with the same replications in every draw, and an estimate of ``tau^2``
    above zero, it is the t interval of the J draw means; when REML puts ``tau^2`` at zero
    it is wider).

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run (``results.runs``) with a ``replication`` column and the draw column.
    baseline : dict
        The baseline's values of some factors, e.g. ``{"pricing": "cost_recovery"}``.
    outcomes : str or sequence of str
        Outcome columns.
    factors : sequence of str
        The columns that identify a design point (``results.factors``; the draw column is
        left out of them if listed).
    by : str or sequence of str or None, default None
        Groups within which factors the baseline does not name are matched; None: all other
        factors.
    level : float, default 0.95
        Confidence level.
    draw : str, default "draw"
        The column numbering the posterior draws.

    Returns
    -------
    pandas.DataFrame
        One row per group, design point and outcome: ``by...``, the point's factors, and

        - ``baseline_mean``, ``mean``: the arms' means over all paired runs;
        - ``effect``: ``mu_hat``, in the outcome's unit; ``ci_low``, ``ci_high``
          its interval; ``relative`` the effect as a share of the baseline mean;
          ``p_value`` that of ``mu = 0`` (t with J - 1 degrees of freedom);
        - ``n_draws`` (J) and ``n`` (paired runs);
        - ``draw_var``: the variance of the J draw-mean effects, ``mean_r d_jr``
          (expected ``tau^2 + sigma^2 / R`` with R seeds a draw);
        - ``seed_var``: the mean over draws of the variance of ``d_jr`` across seeds
          (estimates ``sigma^2``);
        - ``param_var``: ``tau_hat^2``, the model's between-draw variance;
        - ``param_share``: ``tau_hat^2 / (tau_hat^2 + sigma_hat^2)``, the share
          of one run's effect variance due to the parameters (the intraclass correlation);
        - ``method``: how the interval was found.

        Variances are in the outcome's unit squared. With one draw the parameter variance
        and the interval are NaN; with one replication a draw (or no spread across seeds)
        the seed and parameter variances are not told apart, and the interval is the t
        interval of the draw means.

    Raises
    ------
    ValueError
        If the draw, a factor or a baseline column is missing, or no successful run
        matches the baseline.

    See Also
    --------
    effects : effects paired by seed at one parameter set.
    econ.experiment.posterior.draw_particles : how the draws are made.
    """
    outcomes = _as_list(outcomes)
    if draw not in runs.columns:
        raise ValueError(
            f"effects_over_draws: no column {draw!r} in the runs; run the experiment with "
            "[experiment] posterior_draws"
        )
    factors = [f for f in _as_list(factors) if f != draw]
    by = None if by is None else [b for b in _as_list(by) if b != draw]
    rows = []
    for labels, sub, ref in _comparisons(runs, baseline, factors, by, "effects_over_draws"):
        for outcome in outcomes:
            keys = [draw, "replication"]
            paired = (
                sub.set_index(keys)[outcome]
                .to_frame("y")
                .join(ref.set_index(keys)[outcome].to_frame("b"), how="inner")
                .dropna()
            )
            diff = paired["y"] - paired["b"]
            b_mean = float(paired["b"].mean())
            fit = _two_levels(diff, draw, level)
            rows.append(
                {
                    **labels,
                    "outcome": outcome,
                    "baseline_mean": b_mean,
                    "mean": float(paired["y"].mean()),
                    **fit,
                    "relative": fit["effect"] / abs(b_mean) if b_mean else np.nan,
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    ident = [c for c in table.columns if c not in DRAW_EFFECT_COLUMNS]
    return table[[*ident, *DRAW_EFFECT_COLUMNS]]


def _two_levels(diff: pd.Series, draw: str, level: float) -> dict:
    """Effect, interval and variance components of paired differences indexed by draw."""
    by_draw = diff.groupby(level=draw)
    means, variances, counts = by_draw.mean(), by_draw.var(ddof=1), by_draw.size()
    j, n = len(means), len(diff)
    out = {
        "effect": float(diff.mean()) if n else np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "n_draws": j,
        "n": n,
        "draw_var": float(means.var(ddof=1)) if j > 1 else np.nan,
        "seed_var": float(variances.dropna().mean()) if (counts > 1).any() else np.nan,
        "param_var": np.nan,
        "param_share": np.nan,
        "method": "one draw: parameter variance unknown",
    }
    if j < 2:
        return out
    quantile = stats.t.ppf(0.5 + level / 2, j - 1)
    x = diff.to_numpy(dtype=float)
    if np.all(x == x[0]):  # no spread at all: the effect is known exactly
        return out | {
            "ci_low": out["effect"],
            "ci_high": out["effect"],
            "p_value": paired_pvalue(x),
            "param_var": 0.0,
            "method": "no spread across draws or seeds",
        }
    if not out["seed_var"] > 0:
        # One seed a draw, or seeds that never differ: the draw means carry all the
        # variance, and their t interval is the two-level model's.
        effect, low, high, _ = mean_ci(means.to_numpy(), level)
        se = float(means.std(ddof=1)) / np.sqrt(j)
        return out | {
            "effect": effect,
            "ci_low": low,
            "ci_high": high,
            "p_value": float(2 * stats.t.sf(abs(effect) / se, j - 1)) if se > 0 else np.nan,
            "method": "t interval of the draw means (no spread across seeds)",
        }
    groups = diff.index.get_level_values(draw).to_numpy()
    with warnings.catch_warnings():
        # tau^2 = 0 lies on the boundary: statsmodels warns, and the estimate is then 0.
        # A fit that did not converge is said so in the method column.
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SingularMatrixWarning)
        fit = sm.MixedLM(x, np.ones((n, 1)), groups=groups).fit(reml=True)
    effect, se = float(fit.fe_params[0]), float(fit.bse_fe[0])
    tau2, sigma2 = max(float(np.asarray(fit.cov_re)[0, 0]), 0.0), float(fit.scale)
    return out | {
        "effect": effect,
        "ci_low": effect - quantile * se,
        "ci_high": effect + quantile * se,
        "p_value": float(2 * stats.t.sf(abs(effect) / se, j - 1)),
        "param_var": tau2,
        "param_share": tau2 / (tau2 + sigma2),
        "method": "MixedLM (REML), random intercept per draw; t with draws - 1 df"
        + ("" if fit.converged else " (did not converge)"),
    }


def pooled_effect(
    runs: pd.DataFrame,
    baseline: dict,
    treatment: dict,
    outcome: str,
    *,
    factors: Sequence[str],
    level: float = 0.95,
) -> pd.Series:
    """One effect pooled over design cells, with standard errors clustered by replication.

    In each design cell (a combination of the factors that ``baseline`` and ``treatment`` do
    not name) each treated run is paired with the baseline run of the same replication. The
    paired differences of all cells are regressed on a constant with cluster-robust standard
    errors by replication (statsmodels OLS, ``cov_type="cluster"``, t with G - 1 degrees of
    freedom): runs that share a replication share its random numbers, so cells are not
    independent draws, and treating them so would narrow the interval by up to the square
    root of the number of cells. With one cell this is the paired t interval.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run, with a ``replication`` column.
    baseline : dict
        The baseline's values of the factors that change, e.g. ``{"price_cap": 3.0}``.
    treatment : dict
        The treatment's values of the same factors, e.g. ``{"price_cap": 1.5}``.
    outcome : str
        The outcome column.
    factors : sequence of str
        The columns that identify a design point; those not in ``baseline`` define the cells.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.Series
        ``effect`` (the mean paired difference over cells and replications, in the outcome's
        unit), ``ci_low``, ``ci_high``, ``p_value``, ``n_cells``, ``n_replications`` and
        ``method``.

    Raises
    ------
    ValueError
        If the two arms do not name the same factors, a column is missing, or no cell has
        both arms in a common replication.
    """
    if set(baseline) != set(treatment):
        raise ValueError(
            f"pooled_effect: baseline {sorted(baseline)} and treatment {sorted(treatment)} "
            "must name the same factors"
        )
    missing = [c for c in [*factors, *baseline, outcome, "replication"] if c not in runs]
    if missing:
        raise ValueError(f"pooled_effect: no column {missing[0]!r} in the runs")
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    cells = [f for f in _as_list(factors) if f not in baseline]
    index = [*cells, "replication"]

    def arm(values: dict) -> pd.Series:
        mask = np.logical_and.reduce([ok[k] == v for k, v in values.items()])
        return ok[mask].set_index(index)[outcome]

    diff = (arm(treatment) - arm(baseline)).dropna()
    if diff.empty:
        raise ValueError(f"pooled_effect: no replication has both {baseline} and {treatment}")
    groups = diff.index.get_level_values("replication").to_numpy()
    n_rep = len(np.unique(groups))
    n_cells = len(diff.groupby(level=cells).size()) if cells else 1
    effect = float(diff.mean())
    if n_rep < 2 or np.all(diff.to_numpy() == diff.iloc[0]):
        # No spread between clusters to estimate: the interval is the point (or unknown).
        low = high = effect if n_rep >= 2 else float("nan")
        p = paired_pvalue(diff.to_numpy()) if n_rep >= 2 else float("nan")
    else:
        fit = sm.OLS(diff.to_numpy(), np.ones(len(diff))).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
        )
        low, high = (float(v) for v in fit.conf_int(alpha=1 - level)[0])
        p = float(fit.pvalues[0])
    return pd.Series(
        {
            "effect": effect,
            "ci_low": low,
            "ci_high": high,
            "p_value": p,
            "n_cells": n_cells,
            "n_replications": n_rep,
            "method": "OLS on paired differences, SEs clustered by replication",
        }
    )


def frontier(
    table: pd.DataFrame, benefit: str, cost: str, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Mark the efficient points: none in the group has more ``benefit`` and less ``cost``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per point, e.g. from :func:`summarise` pivoted to one column per outcome.
    benefit : str
        The column to maximise (e.g. growth).
    cost : str
        The column to minimise (e.g. incidents).
    by : str or sequence of str or None, default None
        Columns whose groups each get their own frontier.

    Returns
    -------
    pandas.DataFrame
        ``table`` with a boolean ``efficient`` column, sorted by ``cost``.
    """
    groups = [table] if by is None else [g for _, g in table.groupby(_as_list(by))]
    out = []
    for group in groups:
        group = group.sort_values([cost, benefit], ascending=[True, False]).copy()
        best = -np.inf
        efficient = []
        for value in group[benefit]:
            efficient.append(value > best)
            best = max(best, value)
        group["efficient"] = efficient
        out.append(group)
    return pd.concat(out)


def _point_means(results: Results, outcome: str, undefined: bool = False) -> np.ndarray:
    """Outcome per design point (mean over replications), in design order; NaN where the
    outcome is undefined (growth from a quarter with no trade) if ``undefined``."""
    ok = results.ok
    points = len(results.design)
    means = ok.groupby("point")[outcome].mean().reindex(range(points))
    # Identical design points (a sample of integer factors can repeat one after rounding) are
    # the same runs: content-hashed run ids store them once, under one of the points.
    design = results.design.drop(columns="point")
    same = design.groupby(list(design.columns), dropna=False, sort=False).ngroup().to_numpy()
    has_run = ok.groupby("point").size().reindex(range(points)).notna().to_numpy()
    covered = pd.Series(has_run).groupby(same).transform("any").to_numpy()
    missing = int((~covered).sum())
    if missing:
        raise ValueError(
            f"{missing} design points have no successful run; rerun the sweep "
            "(sensitivity indices need every point)"
        )
    # Only a point with no runs of its own reads its twin's.
    means = means.where(has_run, means.groupby(same).transform("mean"))
    if means.isna().any() and not undefined:
        raise ValueError(
            f"{int(means.isna().sum())} design points have no defined {outcome} "
            "(sensitivity indices need every point)"
        )
    return means.to_numpy()


def noise_share(results: Results, outcome: str) -> float:
    """Share of the variance of an outcome's design-point means that is replication noise.

    Replication ``r`` of every point shares a seed (common random numbers), so a run is
    ``y_pr = m_p + a_r + e_pr``: the point's mean, the seed's effect on every point, and the
    seed's effect on this point alone. ``a_r`` moves every point mean alike and no index
    sees it; ``e_pr`` a new set of seeds would change, and with shared seeds it is a fixed
    function of the factors, which Sobol and Morris indices read as the factors' doing: it
    adds up to its share to every Sobol total index, and nothing to the first-order ones. The
    share is ``(MS_e / R) / var(point means)``, with ``MS_e`` the residual mean square of the
    two-way table of the points run ``R`` times (``y_pr`` less its point's and its
    replication's means, plus the grand mean; ``(P - 1)(R - 1)`` degrees of freedom):
    ``MS_e / R`` is the variance ``e`` adds to a point mean.

    Parameters
    ----------
    results : Results
        Results of a sampled design (``sobol``, ``morris`` or ``latin_hypercube``).
    outcome : str
        An outcome column.

    Returns
    -------
    float
        The share, >= 0 (about 1 when the factors do nothing), over the points with every
        replication; NaN without two such points and two replications, or when their means
        do not vary.
    """
    runs = results.ok
    twice = runs.duplicated(["point", "replication"])
    if twice.any():
        point, replication = runs.loc[twice, ["point", "replication"]].iloc[0]
        raise ValueError(
            f"noise_share: point {point} has more than one run of replication {replication}"
        )
    table = runs.pivot(index="point", columns="replication", values=outcome)
    table = table.dropna().to_numpy()  # only whole rows make a two-way table
    n_points, n_reps = table.shape
    if n_points < 2 or n_reps < 2:
        return float("nan")
    point_means, rep_means = table.mean(axis=1), table.mean(axis=0)
    # The grand mean as the mean of the replications' means: with identical replications
    # the residuals are then exactly zero.
    residual = table - point_means[:, None] - rep_means[None, :] + rep_means.mean()
    mean_square = float((residual**2).sum()) / ((n_points - 1) * (n_reps - 1))
    total = float(point_means.var(ddof=1))
    if not total > 0:
        return float("nan")
    return mean_square / n_reps / total


#: Largest change of a Sobol index between N/2 and N base samples for it to count as converged
#: (a share of variance).
SOBOL_TOLERANCE = 0.05


def _sobol_rows(problem: dict, y: np.ndarray, second_order: bool, level: float, seed: int):
    """SALib's S1, ST and their intervals for one outcome, a tuple of arrays per index."""
    # SALib's sobol.analyze ignores a falsy seed (`if seed:`) and then bootstraps from numpy's
    # global state, so seed 0 gave intervals, and reliability flags, that changed run to run.
    res = sobol.analyze(problem, y, calc_second_order=second_order, conf_level=level, seed=seed + 1)
    return tuple(np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf"))


def sobol_indices(
    results: Results, outcomes: str | Sequence[str], level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """First-order and total Sobol indices (SALib) with confidence intervals and convergence.

    The indices are computed twice: from the first half of the base samples (N/2; Saltelli
    samples are nested, so these are a design in their own right) and from all N. An index is
    ``converged`` when neither S1 nor ST moves by more than :data:`SOBOL_TOLERANCE` between
    the two, and ``reliable`` when it is converged, not negative beyond its interval, its
    outcome's first-order indices do not sum above 1.1, and N >= 64. Warns
    (:class:`UnreliableIndicesWarning`) for each of those failures.

    Parameters
    ----------
    results : Results
        Results of a ``sobol`` design; every design point needs a successful run.
    outcomes : str or sequence of str
        Outcome columns; each is averaged over replications per design point.
    level : float, default 0.95
        Confidence level of the bootstrap intervals.
    seed : int, default 0
        Seed of SALib's bootstrap (non-negative; SALib gets ``seed + 1``, as it ignores 0).

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, factor, S1, S1_conf, ST, ST_conf, S1_half, ST_half, converged,
        reliable, noise_share`` (indices are shares of variance, dimensionless; ``*_half``
        from N/2 base samples; ``noise_share`` is the outcome's :func:`noise_share`, the part
        of the variance the indices cannot tell from replication noise).

    Raises
    ------
    ValueError
        If the design is not ``sobol`` or a design point has no successful run.
    """
    spec = results.spec
    if spec.design != "sobol":
        raise ValueError(f"sobol_indices needs a sobol design, not {spec.design!r}")
    problem = salib_problem(spec)
    names = problem["names"]
    per_sample = (2 * len(names) + 2) if spec.second_order else (len(names) + 2)
    half = spec.samples // 2
    rows = []
    for outcome in _as_list(outcomes):
        y = _point_means(results, outcome)
        if np.ptp(y) == 0:  # a constant outcome has no variance to decompose
            warnings.warn(
                f"{outcome} is the same at every design point: no Sobol indices",
                UnreliableIndicesWarning,
                stacklevel=2,
            )
            rows += [
                {"outcome": outcome, "factor": name, "S1": np.nan, "S1_conf": np.nan,
                 "ST": np.nan, "ST_conf": np.nan, "S1_half": np.nan, "ST_half": np.nan,
                 "converged": False, "reliable": False, "noise_share": np.nan}
                for name in names
            ]  # fmt: skip
            continue
        s1, s1c, st, stc = _sobol_rows(problem, y, spec.second_order, level, seed)
        head = y[: half * per_sample]
        if half >= 2 and np.ptp(head) > 0:
            s1_half, _, st_half, _ = _sobol_rows(problem, head, spec.second_order, level, seed)
        else:
            s1_half = st_half = np.full(len(names), np.nan)
        noise = noise_share(results, outcome)
        moved = np.maximum(np.abs(s1 - s1_half), np.abs(st - st_half))
        converged = moved <= SOBOL_TOLERANCE  # NaN (no half sample) compares False
        for i, name in enumerate(names):
            negative = s1[i] + s1c[i] < 0 or st[i] + stc[i] < 0
            rows.append(
                {
                    "outcome": outcome,
                    "factor": name,
                    "S1": s1[i],
                    "S1_conf": s1c[i],
                    "ST": st[i],
                    "ST_conf": stc[i],
                    "S1_half": s1_half[i],
                    "ST_half": st_half[i],
                    "converged": bool(converged[i]),
                    "reliable": bool(converged[i]) and not negative and spec.samples >= 64,
                    "noise_share": noise,
                }
            )
    table = pd.DataFrame(rows)
    if spec.samples < 64:
        warnings.warn(
            f"Sobol base sample N={spec.samples} < 64: indices are rough; use more "
            "samples before reading them",
            UnreliableIndicesWarning,
            stacklevel=2,
        )
    # First-order indices add up to at most 1; well above it, noise in a stochastic outcome
    # (or too small a sample) has been read as variance explained. The noise share says which.
    sums = table.groupby("outcome")["S1"].sum()
    noisy = sums[sums > 1.1].index.tolist()
    table.loc[table["outcome"].isin(noisy), "reliable"] = False
    if noisy:
        shares = table.groupby("outcome")["noise_share"].first()
        named = ", ".join(
            f"{o} (sum {sums[o]:.2f}, replication noise "
            + ("not measured: one replication" if np.isnan(shares[o]) else f"{shares[o]:.0%}")
            + " of its variance)"
            for o in noisy
        )
        warnings.warn(
            f"first-order Sobol indices sum above 1 for {named}: the outcome is dominated "
            "by run-to-run noise or the sample is too small; add replications or samples "
            "before reading them",
            UnreliableIndicesWarning,
            stacklevel=2,
        )
    bad = table[(table["S1"] + table["S1_conf"] < 0) | (table["ST"] + table["ST_conf"] < 0)]
    if len(bad):
        names_out = ", ".join(f"{r.factor} ({r.outcome})" for r in bad.itertuples())
        warnings.warn(
            f"negative Sobol indices beyond their confidence interval: {names_out}; the "
            "sample is too small for these",
            UnreliableIndicesWarning,
            stacklevel=2,
        )
    moving = table[~table["converged"] & table["S1"].notna()]
    if len(moving):
        warnings.warn(
            f"{len(moving)} Sobol indices move by more than {SOBOL_TOLERANCE} between "
            f"N={half} and N={spec.samples} base samples: not converged; add samples",
            UnreliableIndicesWarning,
            stacklevel=2,
        )
    return table


def morris_indices(
    results: Results, outcomes: str | Sequence[str], level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Morris elementary-effects screening (SALib).

    A large ``mu_star`` marks an influential factor, a large ``sigma`` one that acts through
    interactions or non-linearly.

    Parameters
    ----------
    results : Results
        Results of a ``morris`` design; every design point needs a successful run.
    outcomes : str or sequence of str
        Outcome columns; each is averaged over replications per design point.
    level : float, default 0.95
        Confidence level of ``mu_star_conf``.
    seed : int, default 0
        Seed of SALib's bootstrap.

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, factor, mu_star, mu_star_conf, sigma``, in the outcome's unit
        (elementary effects are taken per step of each factor's range scaled to [0, 1]),
        and ``trajectories``: those used. A trajectory with a point where the outcome is
        undefined (growth from a quarter with no paid trade) is left out whole, since its
        elementary effects cannot all be taken; the count says how many remain.

    Raises
    ------
    ValueError
        If the design is not ``morris`` or a design point has no successful run.
    """
    spec = results.spec
    if spec.design != "morris":
        raise ValueError(f"morris_indices needs a morris design, not {spec.design!r}")
    problem = salib_problem(spec)
    x = results.design[list(problem["names"])].to_numpy(dtype=float)
    length = problem["num_vars"] + 1  # points in one trajectory
    rows = []
    for outcome in _as_list(outcomes):
        y = _point_means(results, outcome, undefined=True)
        whole = ~np.isnan(y).reshape(-1, length).any(axis=1)
        if whole.sum() < 2:
            raise ValueError(
                f"{outcome} is undefined in all but {int(whole.sum())} Morris trajectories; "
                "screening needs at least 2"
            )
        keep = np.repeat(whole, length)
        res = morris.analyze(
            problem, x[keep], y[keep], conf_level=level, num_levels=spec.levels, seed=seed
        )
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "outcome": outcome,
                    "factor": name,
                    "mu_star": float(res["mu_star"][i]),
                    "mu_star_conf": float(res["mu_star_conf"][i]),
                    "sigma": float(res["sigma"][i]),
                    "trajectories": int(whole.sum()),
                }
            )
    return pd.DataFrame(rows)
