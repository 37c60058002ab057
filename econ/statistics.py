"""Statistics for paired policy effects: tests, equivalence, multiple comparisons, power.

Built on statsmodels and scipy. An effect is a set of paired differences (one per seed);
:func:`verdicts` turns a table of effects into what a paper may say about each: higher,
lower, equivalent within a stated margin (two one-sided tests, TOST), or not resolved,
after correcting the p-values of the whole table for multiple comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestPower
from statsmodels.stats.weightstats import DescrStatsW

__all__ = [
    "CORRECTION",
    "adjust",
    "equivalence_pvalue",
    "minimal_detectable_effect",
    "paired_pvalue",
    "replications_needed",
    "verdicts",
]

#: The multiple-comparison correction the tables use (statsmodels' name for Holm-Bonferroni).
CORRECTION = "holm"


def _clean(differences: Sequence[float]) -> np.ndarray:
    x = np.asarray(differences, dtype=float)
    return x[np.isfinite(x)]


def paired_pvalue(differences: Sequence[float]) -> float:
    """Two-sided p-value of a paired t-test that the mean difference is zero."""
    x = _clean(differences)
    if len(x) < 2:
        return float("nan")
    if np.all(x == x[0]):  # no spread: an exact zero is no evidence, anything else is
        return 1.0 if x[0] == 0 else 0.0
    return float(stats.ttest_1samp(x, 0.0).pvalue)


def equivalence_pvalue(differences: Sequence[float], margin: float) -> float:
    """p-value of two one-sided tests (TOST) that the mean difference lies within
    ``±margin``: small values support "no effect larger than the margin"."""
    x = _clean(differences)
    if len(x) < 2 or margin <= 0:
        return float("nan")
    if np.all(x == x[0]):
        return 0.0 if abs(x[0]) < margin else 1.0
    return float(DescrStatsW(x).ttost_mean(-margin, margin)[0])


def adjust(pvalues: Sequence[float], method: str = CORRECTION) -> np.ndarray:
    """p-values corrected for multiple comparisons (statsmodels ``multipletests``; NaN kept)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = multipletests(p[finite], method=method)[1]
    return out


def minimal_detectable_effect(sd: float, n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest mean paired difference a two-sided t-test detects with ``power`` at
    ``alpha``, given the standard deviation of the differences and ``n`` pairs."""
    if n < 2 or not np.isfinite(sd):
        return float("nan")
    d = TTestPower().solve_power(nobs=n, alpha=alpha, power=power, alternative="two-sided")
    return float(d * sd)


def replications_needed(effect: float, sd: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Paired replications needed to detect a mean difference ``effect`` (power analysis)."""
    if effect == 0 or sd <= 0:
        return 2 if sd <= 0 else math.inf
    n = TTestPower().solve_power(
        effect_size=abs(effect) / sd, alpha=alpha, power=power, alternative="two-sided"
    )
    return max(2, math.ceil(n))


def verdicts(table: pd.DataFrame, alpha: float = 0.05, method: str = CORRECTION) -> pd.DataFrame:
    """Add ``p_adjusted`` (corrected over the whole table), ``equivalent`` and a ``verdict``
    to a table of effects with ``effect``, ``p_value`` and ``tost_p`` columns (as
    :func:`econ.analysis.effects` returns).

    An effect is "higher" or "lower" only if its corrected p-value is below ``alpha``,
    "equivalent" only if TOST (corrected too) shows it within the table's equivalence
    margin, and "not resolved" otherwise: not significant is not "no effect".
    """
    out = table.copy()
    out["p_adjusted"] = adjust(out["p_value"], method)
    out["equivalent"] = adjust(out["tost_p"], method) < alpha
    sign = np.sign(out["effect"].to_numpy())
    significant = out["p_adjusted"].to_numpy() < alpha
    out["verdict"] = np.select(
        [significant & (sign > 0), significant & (sign < 0), out["equivalent"].to_numpy()],
        ["higher", "lower", "equivalent"],
        "not resolved",
    )
    out["correction"] = method
    return out
