"""The estimation in the paper (issue #12): headline effects over posterior draws, the
posterior figures and tables, and the calibration's stopping rule and identification."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from econ.experiment import parse_spec, run
from econ.experiment.spec import SpecError
from econ.study.estimation import Estimate, _stopped, estimate, read_calibrate_spec
from econ.study.posterior_report import (
    POSTERIOR_COMPARISONS,
    POSTERIOR_OUTCOMES,
    posterior_effects,
    write_estimation,
)
from tests.test_posterior_draws import write_calibration


@pytest.fixture(scope="module")
def draws(tmp_path_factory):
    """A tiny posterior-draws experiment over the three factors of the shipped spec."""
    root = tmp_path_factory.mktemp("post")
    write_calibration(root / "calibrations", name="china_2024", scenario="china_2024")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECON_CALIBRATIONS", str(root / "calibrations"))
        spec = parse_spec(
            {
                "experiment": {
                    "name": "post",
                    "scenario": "china_2024@posterior",
                    "posterior_draws": 3,
                    "n_firms": 60,
                    "steps": 3,
                    "replications": 2,
                    "seed": 5,
                    "outputs": ["welfare", "market_size"],
                },
                "design": {
                    "type": "factorial",
                    "factors": {
                        "pricing": ["free", "cost_recovery"],
                        "operators": [2, 0],
                        "registration": [True, False],
                    },
                },
            }
        )
        return run(spec, executor="serial", out=root / "post", progress=False)


def test_each_comparison_is_today_against_one_change(draws):
    table = posterior_effects(draws)
    assert len(table) == len(POSTERIOR_COMPARISONS) * len(POSTERIOR_OUTCOMES)
    assert set(table["comparison"]) == set(POSTERIOR_COMPARISONS)
    assert (table["n_draws"] == 3).all() and (table["n"] == 6).all()


def test_the_effect_is_the_mean_paired_difference_at_todays_policy(draws):
    """Computed by hand: free minus cost recovery, both with two operators and registration,
    paired by (draw, replication)."""
    runs = draws.ok
    today = runs[(runs["operators"] == 2) & runs["registration"]]
    arms = today.set_index(["draw", "replication", "pricing"])["welfare_mean"].unstack()
    expected = float((arms["free"] - arms["cost_recovery"]).mean())
    table = posterior_effects(draws)
    row = table[
        (table["comparison"] == "free_over_cost_recovery") & (table["outcome"] == "welfare_mean")
    ]
    assert len(row) == 1
    assert row["effect"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert row["ci_low"].iloc[0] <= expected <= row["ci_high"].iloc[0]


@pytest.fixture(scope="module")
def quick_estimate(tmp_path_factory):
    return estimate("china_2024", out=tmp_path_factory.mktemp("cal") / "c", quick=True)


def test_write_estimation_writes_figures_tables_and_numbers(quick_estimate, draws, tmp_path):
    effects = posterior_effects(draws)
    numbers = write_estimation(quick_estimate, effects, tmp_path / "f", tmp_path / "t")
    for stem in ("estimation_posterior", "estimation_predictive"):
        with Image.open(tmp_path / "f" / f"{stem}.png") as image:
            assert image.size[0] > 600 and image.size[1] > 300
        assert (tmp_path / "f" / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    summary = pd.read_csv(tmp_path / "t" / "estimation.csv")
    assert list(summary["parameter"]) == list(quick_estimate.spec["priors"])
    for row in summary.itertuples():
        assert numbers["parameters"][row.parameter]["mean"] == pytest.approx(row.mean)
        assert row.prior_low <= row.q05 <= row.mean <= row.q95 <= row.prior_high
    assert numbers["evaluations"] == quick_estimate.diagnostics["evaluations"]
    assert set(numbers["predictive"]) == {m["name"] for m in quick_estimate.spec["moments"]}
    effect = numbers["effects"]["operators_over_none"]["welfare_mean"]
    stored = pd.read_csv(tmp_path / "t" / "posterior_effects.csv")
    assert effect["value"] == pytest.approx(
        stored.query("comparison == 'operators_over_none' and outcome == 'welfare_mean'")[
            "effect"
        ].iloc[0]
    )


def _estimate_of(values: np.ndarray, low: float, high: float) -> Estimate:
    posterior = pd.DataFrame({"x": values, "weight": 1 / len(values), "distance": 1.0})
    return Estimate(
        path=None,
        spec={"priors": {"x": [low, high]}},
        posterior=posterior,
        populations=posterior.assign(generation=1),
        diagnostics={},
        predictive=pd.DataFrame(),
        point={"x": float(values.mean())},
    )


def test_sd_ratio_is_one_for_the_prior_and_small_for_a_tight_posterior():
    grid = np.linspace(0.0, 2.0, 20_001)
    assert _estimate_of(grid, 0.0, 2.0).summary()["sd_ratio"].iloc[0] == pytest.approx(1, abs=1e-3)
    tight = np.linspace(0.9, 1.1, 2_001)
    ratio = _estimate_of(tight, 0.0, 2.0).summary()["sd_ratio"].iloc[0]
    assert ratio == pytest.approx(0.1, rel=1e-2)


def test_the_stopping_rule_is_read_and_reported(tmp_path):
    spec = read_calibrate_spec("china_2024")
    assert spec.min_epsilon_change == 0.05 and spec.generations == 12
    assert spec.min_acceptance == 0.1
    gens = [{"epsilon": e, "acceptance_rate": 0.5} for e in (6.0, 5.0, 4.98)]
    assert "min_epsilon_change" in _stopped(spec, gens)
    collapsed = [*gens[:2], {"epsilon": 4.5, "acceptance_rate": 0.06}]
    assert "accepted 6.0% < min_acceptance 10%" in _stopped(spec, collapsed)
    # A generation pyabc dropped (too few acceptances in population / min_acceptance tries).
    assert "generation 3 was dropped" in _stopped(spec, gens[:2])
    proposals = f"{spec.population / spec.min_acceptance:,.0f} proposals"  # 400 / 0.1
    assert proposals == "4,000 proposals" and proposals in _stopped(spec, gens[:2])
    every = [{"epsilon": 10.0 - g, "acceptance_rate": 0.5} for g in range(12)]
    assert "still falling" in _stopped(spec, every)
    bad = tmp_path / "bad.toml"
    text = (
        "[calibration]\nname='b'\nmin_epsilon_change=-1\n[parameters]\n"
        "data_elasticity=[0.04,0.12]\n[moments.market_2022]\nvalue=1.0\nsd=1.0\nsource='s'\n"
    )
    bad.write_text(text)
    with pytest.raises(SpecError, match=r"\[calibration\] min_epsilon_change: -1; expected"):
        read_calibrate_spec(bad)
    bad.write_text(text.replace("min_epsilon_change=-1", "min_acceptance=1.5"))
    with pytest.raises(SpecError, match=r"\[calibration\] min_acceptance: 1.5; expected a share"):
        read_calibrate_spec(bad)


def test_the_strongest_correlation_is_found_with_its_sign():
    from econ.study.posterior_report import _strongest_correlation

    rng = np.random.default_rng(3)
    a = rng.normal(size=4000)
    posterior = pd.DataFrame(
        {
            "a": a,
            "b": -a + 0.1 * rng.normal(size=4000),  # a trade-off: corr about -0.995
            "c": rng.normal(size=4000),
            "weight": 1 / 4000,
        }
    )
    found = _strongest_correlation(posterior, ["c", "a", "b"])
    assert found["pair"] == ["a", "b"]
    assert found["corr"] == pytest.approx(np.corrcoef(a, posterior["b"])[0, 1], abs=1e-9)
