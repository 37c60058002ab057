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
from SALib.analyze import morris, sobol
from scipy import stats

from econ.experiment.designs import salib_problem
from econ.experiment.store import Results
from econ.statistics import equivalence_pvalue, paired_pvalue

__all__ = [
    "EFFECT_COLUMNS",
    "UnreliableIndicesWarning",
    "effects",
    "frontier",
    "mean_ci",
    "morris_indices",
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
        significant, p_value, tost_p``; ``effect`` and its interval are in the outcome's
        unit, ``relative`` is the effect as a share of the baseline mean, ``p_value`` is that
        of a paired t-test and ``tost_p`` that of two one-sided tests that the effect lies
        within ``equivalence_margin`` of the baseline mean (see
        :func:`econ.statistics.verdicts`).

    Raises
    ------
    ValueError
        If a factor or baseline column is missing, or no successful run matches the baseline.
    """
    outcomes = _as_list(outcomes)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    factors = _as_list(factors)
    missing = [f for f in [*factors, *baseline] if f not in ok.columns]
    if missing:
        raise ValueError(f"effects: no column {missing[0]!r} in the runs; factors: {factors}")
    by = _as_list(by) if by is not None else [f for f in factors if f not in baseline]
    rows = []
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
            for outcome in outcomes:
                paired = (
                    sub.set_index("replication")[outcome]
                    .to_frame("y")
                    .join(ref.set_index("replication")[outcome].to_frame("b"), how="inner")
                )
                diff = paired["y"] - paired["b"]
                effect, low, high, n = mean_ci(diff, level)
                b_mean = float(paired["b"].mean())
                margin = equivalence_margin * abs(b_mean)
                rows.append(
                    {
                        **labels,
                        **dict(zip(point_keys, point, strict=True)),
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
                    }
                )
    return pd.DataFrame(rows)


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


def _point_means(results: Results, outcome: str) -> np.ndarray:
    """Outcome per design point (mean over replications), in design order."""
    ok = results.ok
    points = len(results.design)
    means = ok.groupby("point")[outcome].mean().reindex(range(points))
    if means.isna().any():
        missing = int(means.isna().sum())
        raise ValueError(
            f"{missing} design points have no successful run; rerun the sweep "
            "(sensitivity indices need every point)"
        )
    return means.to_numpy()


def sobol_indices(
    results: Results, outcomes: str | Sequence[str], level: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """First-order and total Sobol indices (SALib) with confidence intervals.

    Warns (:class:`UnreliableIndicesWarning`) when an index is negative beyond its interval, the
    first-order indices of an outcome sum well above 1, or the base sample is small (N < 64).

    Parameters
    ----------
    results : Results
        Results of a ``sobol`` design; every design point needs a successful run.
    outcomes : str or sequence of str
        Outcome columns; each is averaged over replications per design point.
    level : float, default 0.95
        Confidence level of the bootstrap intervals.
    seed : int, default 0
        Seed of SALib's bootstrap.

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, factor, S1, S1_conf, ST, ST_conf, reliable`` (indices are shares of
        variance, dimensionless).

    Raises
    ------
    ValueError
        If the design is not ``sobol`` or a design point has no successful run.
    """
    spec = results.spec
    if spec.design != "sobol":
        raise ValueError(f"sobol_indices needs a sobol design, not {spec.design!r}")
    problem = salib_problem(spec)
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
                 "ST": np.nan, "ST_conf": np.nan, "reliable": False}
                for name in problem["names"]
            ]  # fmt: skip
            continue
        res = sobol.analyze(
            problem, y, calc_second_order=spec.second_order, conf_level=level, seed=seed
        )
        for i, name in enumerate(problem["names"]):
            s1, s1c, st, stc = (float(res[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
            reliable = not (s1 + s1c < 0 or st + stc < 0) and spec.samples >= 64
            rows.append(
                {
                    "outcome": outcome,
                    "factor": name,
                    "S1": s1,
                    "S1_conf": s1c,
                    "ST": st,
                    "ST_conf": stc,
                    "reliable": reliable,
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
    # (or too small a sample) has been read as variance explained.
    sums = table.groupby("outcome")["S1"].sum()
    noisy = sums[sums > 1.1].index.tolist()
    table.loc[table["outcome"].isin(noisy), "reliable"] = False
    if noisy:
        warnings.warn(
            f"first-order Sobol indices sum above 1 for {', '.join(noisy)}: the "
            "outcome is dominated by run-to-run noise or the sample is too small; "
            "add replications or samples before reading them",
            UnreliableIndicesWarning,
            stacklevel=2,
        )
    bad = table[(table["S1"] + table["S1_conf"] < 0) | (table["ST"] + table["ST_conf"] < 0)]
    if len(bad):
        names = ", ".join(f"{r.factor} ({r.outcome})" for r in bad.itertuples())
        warnings.warn(
            f"negative Sobol indices beyond their confidence interval: {names}; the "
            "sample is too small for these",
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
        (elementary effects are taken per step of each factor's range scaled to [0, 1]).

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
    rows = []
    for outcome in _as_list(outcomes):
        y = _point_means(results, outcome)
        res = morris.analyze(problem, x, y, conf_level=level, num_levels=spec.levels, seed=seed)
        for i, name in enumerate(problem["names"]):
            rows.append(
                {
                    "outcome": outcome,
                    "factor": name,
                    "mu_star": float(res["mu_star"][i]),
                    "mu_star_conf": float(res["mu_star_conf"][i]),
                    "sigma": float(res["sigma"][i]),
                }
            )
    return pd.DataFrame(rows)
