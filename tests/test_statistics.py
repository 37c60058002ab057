"""Paired tests, equivalence, multiple comparisons and power (econ.statistics)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.statistics import (
    adjust,
    equivalence_pvalue,
    minimal_detectable_effect,
    paired_pvalue,
    replications_needed,
    verdicts,
)


def test_paired_pvalue_is_the_one_sample_t_test():
    rng = np.random.default_rng(1)
    d = rng.normal(0.5, 1.0, 20)
    assert paired_pvalue(d) == pytest.approx(stats.ttest_1samp(d, 0).pvalue)
    assert paired_pvalue([0.0, 0.0, 0.0]) == 1.0  # an inert lever: no evidence of an effect
    assert paired_pvalue([2.0, 2.0]) == 0.0


def test_equivalence_needs_a_tight_interval_inside_the_margin():
    rng = np.random.default_rng(2)
    tight = rng.normal(0.0, 0.1, 30)
    loose = rng.normal(0.0, 5.0, 30)
    assert equivalence_pvalue(tight, margin=0.5) < 0.01
    assert equivalence_pvalue(loose, margin=0.5) > 0.2  # not significant is not "no effect"
    assert equivalence_pvalue([0.0] * 5, margin=0.1) == 0.0


def test_holm_correction_is_statsmodels():
    p = [0.01, 0.04, 0.03, np.nan]
    adjusted = adjust(p)
    np.testing.assert_allclose(adjusted[:3], [0.03, 0.06, 0.06])
    assert np.isnan(adjusted[3])


def test_power_analysis_round_trips():
    sd = 10.0
    mde = minimal_detectable_effect(sd, n=30)
    assert 5.0 < mde < 6.0  # about 0.53 sd at n = 30, 80% power, alpha 0.05
    assert replications_needed(mde, sd) in (30, 31)
    assert replications_needed(2 * mde, sd) < 12
    # Outside statsmodels' bracket: a huge effect needs the minimum, 2 (it used to be NaN).
    assert replications_needed(100.0, 1.0) == 2
    assert replications_needed(-100.0, 1.0) == 2


def test_verdicts_say_only_what_the_evidence_supports():
    rng = np.random.default_rng(3)
    diffs = [
        rng.normal(5.0, 1.0, 20),  # clearly higher
        rng.normal(-5.0, 1.0, 20),  # clearly lower
        rng.normal(0.0, 0.05, 20),  # within 1% of 100: equivalent
        rng.normal(0.5, 20.0, 20),  # noisy: not resolved
    ]
    table = pd.DataFrame(
        {
            "effect": [d.mean() for d in diffs],
            "p_value": [paired_pvalue(d) for d in diffs],
            "tost_p": [equivalence_pvalue(d, margin=1.0) for d in diffs],  # 1% of 100
        }
    )
    out = verdicts(table)
    assert list(out["verdict"]) == ["higher", "lower", "equivalent", "not resolved"]
    assert (out["p_adjusted"] >= out["p_value"]).all()
    assert set(out["correction"]) == {"holm"}


@pytest.mark.parametrize("n", [5, 12, 20, 30])
def test_replications_needed_for_the_effect_n_replications_detect_is_n(n):
    # The root finder lands a hair above n (20.00000026 for 20); that is not n + 1.
    assert replications_needed(minimal_detectable_effect(10.0, n), 10.0) == n
