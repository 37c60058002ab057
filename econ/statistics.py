"""Statistics for paired policy effects: tests, equivalence, multiple comparisons, power.

Built on statsmodels and scipy. An effect is a set of paired differences (one per seed);
:func:`verdicts` turns a table of effects into what a paper may say about each: higher,
lower, equivalent within a stated margin (two one-sided tests, TOST), or not resolved,
after correcting the p-values of the whole table for multiple comparisons.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestPower
from statsmodels.stats.weightstats import DescrStatsW
from statsmodels.tools.sm_exceptions import ConvergenceWarning

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
    """Two-sided p-value of a paired t-test that the mean difference is zero.

    Parameters
    ----------
    differences : sequence of float
        Paired differences (same seed, two design points), in the outcome's unit; NaN and
        infinite values are dropped.

    Returns
    -------
    float
        The p-value; NaN with fewer than two differences; 1 or 0 when they do not vary (0
        exactly, or not).
    """
    x = _clean(differences)
    if len(x) < 2:
        return float("nan")
    if np.all(x == x[0]):  # no spread: an exact zero is no evidence, anything else is
        return 1.0 if x[0] == 0 else 0.0
    return float(stats.ttest_1samp(x, 0.0).pvalue)


def equivalence_pvalue(differences: Sequence[float], margin: float) -> float:
    """p-value of two one-sided tests (TOST) that the mean difference lies within ``±margin``.

    Small values support "no effect larger than the margin".

    Parameters
    ----------
    differences : sequence of float
        Paired differences, in the outcome's unit; NaN and infinite values are dropped.
    margin : float
        Half-width of the equivalence interval, in the outcome's unit (> 0).

    Returns
    -------
    float
        The TOST p-value; NaN with fewer than two differences or a margin <= 0.
    """
    x = _clean(differences)
    if len(x) < 2 or margin <= 0:
        return float("nan")
    if np.all(x == x[0]):
        return 0.0 if abs(x[0]) < margin else 1.0
    return float(DescrStatsW(x).ttost_mean(-margin, margin)[0])


def adjust(pvalues: Sequence[float], method: str = CORRECTION) -> np.ndarray:
    """p-values corrected for multiple comparisons (statsmodels ``multipletests``; NaN kept).

    Parameters
    ----------
    pvalues : sequence of float
        The p-values of one table.
    method : str, default "holm"
        A ``multipletests`` method (:data:`CORRECTION`: Holm-Bonferroni).

    Returns
    -------
    numpy.ndarray
        Corrected p-values, NaN where the input was NaN.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = multipletests(p[finite], method=method)[1]
    return out


def minimal_detectable_effect(sd: float, n: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest mean paired difference a two-sided t-test detects with ``power`` at ``alpha``.

    Parameters
    ----------
    sd : float
        Standard deviation of the paired differences, in the outcome's unit.
    n : int
        Pairs (replications).
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Power.

    Returns
    -------
    float
        The minimal detectable effect, in the outcome's unit; NaN with fewer than two pairs.
    """
    if n < 2 or not np.isfinite(sd):
        return float("nan")
    d = TTestPower().solve_power(nobs=n, alpha=alpha, power=power, alternative="two-sided")
    return float(d * sd)


def replications_needed(effect: float, sd: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Paired replications needed to detect a mean difference ``effect`` (power analysis).

    Parameters
    ----------
    effect : float
        The mean paired difference to detect, in the outcome's unit.
    sd : float
        Standard deviation of the paired differences, in the outcome's unit.
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Power.

    Returns
    -------
    int
        Replications (at least 2); infinite (``math.inf``) for a zero effect with spread.
    """
    if effect == 0 or sd <= 0:
        return 2 if sd <= 0 else math.inf
    test, size = TTestPower(), abs(effect) / sd
    with warnings.catch_warnings():
        # statsmodels' root finder gives up (NaN, with a warning) when the answer is outside
        # its bracket: below 2 replications for a huge effect, or beyond its upper end.
        warnings.simplefilter("ignore", ConvergenceWarning)
        n = test.solve_power(effect_size=size, alpha=alpha, power=power, alternative="two-sided")
    if not math.isfinite(n):
        enough = test.power(effect_size=size, nobs=2, alpha=alpha, alternative="two-sided")
        return 2 if enough >= power else math.inf
    # The root finder lands a hair off an exact answer (20.00000026 for 20): rounded first.
    return max(2, math.ceil(round(n, 6)))


def verdicts(table: pd.DataFrame, alpha: float = 0.05, method: str = CORRECTION) -> pd.DataFrame:
    """Add ``p_adjusted``, ``equivalent`` and a ``verdict`` to a table of effects.

    The table has ``effect``, ``p_value`` and ``tost_p`` columns (as
    :func:`econ.analysis.effects` returns). An effect is "higher" or "lower" only if its
    p-value, corrected over the whole table, is below ``alpha``, "equivalent" only if TOST
    (corrected too) shows it within the table's equivalence margin, and "not resolved"
    otherwise: not significant is not "no effect".

    Parameters
    ----------
    table : pandas.DataFrame
        A table of effects.
    alpha : float, default 0.05
        Significance level after correction.
    method : str, default "holm"
        The correction (:data:`CORRECTION`).

    Returns
    -------
    pandas.DataFrame
        A copy with ``p_adjusted``, ``equivalent``, ``verdict`` and ``correction`` columns.
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
