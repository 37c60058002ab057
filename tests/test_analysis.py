"""Analysis functions give known answers on synthetic data."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris

from econ.analysis import (
    SOBOL_TOLERANCE,
    UnreliableIndicesWarning,
    effects,
    frontier,
    mean_ci,
    morris_indices,
    noise_share,
    pooled_effect,
    sobol_indices,
    summarise,
    summarise_series,
)
from econ.experiment import design_points, parse_spec
from econ.experiment.designs import salib_problem
from econ.experiment.store import Results


def test_ci_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    trials = 4000
    hits = 0
    for _ in range(trials):
        _, low, high, _ = mean_ci(rng.normal(3.0, 2.0, size=8))
        hits += low <= 3.0 <= high
    assert abs(hits / trials - 0.95) < 0.012


def test_summarise_groups_and_ignores_failed_runs():
    runs = pd.DataFrame(
        {
            "pricing": ["a", "a", "b", "b", "b"],
            "y": [1.0, 3.0, 10.0, 12.0, 99.0],
            "status": ["ok", "ok", "ok", "ok", "failed"],
        }
    )
    table = summarise(runs, "pricing", "y").set_index("pricing")
    assert table.loc["a", "mean"] == 2.0 and table.loc["b", "mean"] == 11.0
    assert table.loc["b", "n"] == 2 and table.loc["a", "ci_low"] < 2.0 < table.loc["a", "ci_high"]


def test_summarise_series_per_quarter():
    series = pd.DataFrame({"pricing": ["a"] * 4, "step": [1, 2, 1, 2], "m": [1.0, 2.0, 3.0, 4.0]})
    table = summarise_series(series, "pricing", "m")
    assert list(table["mean"]) == [2.0, 3.0]


def test_effects_are_paired_by_replication_and_find_a_known_effect():
    rng = np.random.default_rng(1)
    rows = []
    for rep in range(20):
        shared = rng.normal(0, 10)  # common random numbers: large, shared by both points
        rows.append(
            {
                "pricing": "cost_recovery",
                "replication": rep,
                "status": "ok",
                "welfare": 100 + shared + rng.normal(0, 0.5),
            }
        )
        rows.append(
            {
                "pricing": "free",
                "replication": rep,
                "status": "ok",
                "welfare": 102 + shared + rng.normal(0, 0.5),
            }
        )
    table = effects(
        pd.DataFrame(rows), {"pricing": "cost_recovery"}, "welfare", factors=["pricing"]
    )
    free = table[table["pricing"] == "free"].iloc[0]
    assert free["ci_low"] < 2.0 < free["ci_high"] and free["significant"]
    assert free["ci_high"] - free["ci_low"] < 1.0  # pairing removes the shared noise
    assert np.isclose(free["relative"], free["effect"] / free["baseline_mean"])
    same = table[table["pricing"] == "cost_recovery"].iloc[0]
    assert same["effect"] == 0 and not same["significant"]
    # Power: 80% at the 5% level with 20 pairs detects 0.66 sd of the paired differences
    # (statsmodels' TTestPower gives d = 0.6604); the shared noise cancels out of that sd.
    frame = pd.DataFrame(rows).pivot(index="replication", columns="pricing", values="welfare")
    sd = float((frame["free"] - frame["cost_recovery"]).std(ddof=1))
    assert free["mde"] == pytest.approx(0.6604 * sd, rel=1e-3)
    fewer = effects(
        pd.DataFrame(rows).query("replication < 5"),
        {"pricing": "cost_recovery"},
        "welfare",
        factors=["pricing"],
    )
    assert fewer.loc[fewer["pricing"] == "free", "mde"].iloc[0] > free["mde"]


def _correlated_cells(n_rep=12, cells=("a", "b", "c", "d"), effect=0.3, seed=0):
    """Runs in which every cell of a replication shares that replication's shock."""
    rng = np.random.default_rng(seed)
    rows = []
    for rep in range(n_rep):
        shock = rng.normal(0, 1)
        for cell in cells:
            for arm in ("x", "y"):
                treated = arm == "y"
                value = treated * (effect + shock) + rng.normal(0, 0.01)
                rows.append({"replication": rep, "cell": cell, "arm": arm, "v": value})
    return pd.DataFrame(rows)


def test_pooled_effect_with_one_cell_is_the_paired_t_interval():
    runs = _correlated_cells(cells=("a",))
    e = pooled_effect(runs, {"arm": "x"}, {"arm": "y"}, "v", factors=["arm", "cell"])
    y = runs[runs["arm"] == "y"].set_index("replication")["v"]
    x = runs[runs["arm"] == "x"].set_index("replication")["v"]
    mean, low, high, n = mean_ci(y - x)
    assert e["effect"] == pytest.approx(mean)
    assert (e["ci_low"], e["ci_high"]) == pytest.approx((low, high))
    assert (e["n_cells"], e["n_replications"]) == (1, n)


def test_pooled_effect_does_not_count_correlated_cells_as_independent():
    # Four cells that share each replication's shock carry the information of one: the
    # pooled interval is as wide as one cell's, not half as wide as treating 48 differences
    # as independent would make it.
    runs = _correlated_cells()
    pooled = pooled_effect(runs, {"arm": "x"}, {"arm": "y"}, "v", factors=["arm", "cell"])
    one = pooled_effect(
        runs[runs["cell"] == "a"], {"arm": "x"}, {"arm": "y"}, "v", factors=["arm", "cell"]
    )
    width = pooled["ci_high"] - pooled["ci_low"]
    assert width == pytest.approx(one["ci_high"] - one["ci_low"], rel=0.05)
    y = runs[runs["arm"] == "y"].set_index(["cell", "replication"])["v"]
    x = runs[runs["arm"] == "x"].set_index(["cell", "replication"])["v"]
    _, low, high, _ = mean_ci(y - x)
    assert width > 1.8 * (high - low)
    assert pooled["n_cells"] == 4


def test_pooled_effect_pairs_within_cells():
    # A cell effect that the baseline shares must cancel: cell "b" is 100 higher in both arms.
    runs = _correlated_cells(cells=("a", "b"))
    runs.loc[runs["cell"] == "b", "v"] += 100.0
    e = pooled_effect(runs, {"arm": "x"}, {"arm": "y"}, "v", factors=["arm", "cell"])
    assert abs(e["effect"]) < 2.0


def test_pooled_effect_rejects_arms_on_different_factors():
    runs = _correlated_cells()
    with pytest.raises(ValueError, match="same factors"):
        pooled_effect(runs, {"arm": "x"}, {"cell": "a"}, "v", factors=["arm", "cell"])
    with pytest.raises(ValueError, match="no column 'w'"):
        pooled_effect(runs, {"arm": "x"}, {"arm": "y"}, "w", factors=["arm", "cell"])


def test_frontier_marks_efficient_points():
    table = pd.DataFrame({"growth": [1.0, 2.0, 1.5, 3.0], "incidents": [0.0, 1.0, 2.0, 3.0]})
    marked = frontier(table, benefit="growth", cost="incidents").set_index("incidents")
    assert list(marked["efficient"]) == [True, True, False, True]


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def fake_results(design: str, samples: int, function, **extra) -> Results:
    """Results of a synthetic 'model': three levers in [0, 1], mapped to [-pi, pi]."""
    spec = parse_spec(
        {
            "experiment": {"scenario": "small", "seed": 3},
            "design": {
                "type": design,
                "samples": samples,
                "factors": {
                    "openness": [0, 1],
                    "infrastructure": [0, 1],
                    "review_strictness": [0, 1],
                },
                **extra,
            },
        }
    )
    points = design_points(spec)
    x = -np.pi + 2 * np.pi * points[list(spec.factors)].to_numpy(dtype=float)
    runs = points.reset_index().assign(replication=0, status="ok", y=function(x))
    manifest = {"experiment": "fake", "spec": spec.to_dict()}
    return Results(Path("."), manifest, runs, points.reset_index())


def test_sobol_indices_match_the_ishigami_function():
    results = fake_results("sobol", 2048, ishigami)
    table = sobol_indices(results, "y").set_index("factor")
    s1 = {"openness": 0.3139, "infrastructure": 0.4424, "review_strictness": 0.0}
    st = {"openness": 0.5576, "infrastructure": 0.4424, "review_strictness": 0.2437}
    for name in s1:
        assert table.loc[name, "S1"] == pytest.approx(s1[name], abs=0.05)
        assert table.loc[name, "ST"] == pytest.approx(st[name], abs=0.05)
    assert table["reliable"].all()


def test_sobol_intervals_repeat_exactly_and_follow_the_seed():
    # Seed 0 included: SALib ignores a falsy seed and bootstraps from numpy's global state.
    results = fake_results("sobol", 64, ishigami)
    first = sobol_indices(results, "y")
    np.random.seed(12345)  # global state that an unseeded bootstrap would read
    again = sobol_indices(results, "y")
    pd.testing.assert_frame_equal(first, again)
    other = sobol_indices(results, "y", seed=1)
    assert not np.array_equal(first["S1_conf"], other["S1_conf"])
    np.testing.assert_array_equal(first["S1"], other["S1"])  # only the bootstrap moves


def test_sobol_warns_when_samples_are_too_few():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = sobol_indices(fake_results("sobol", 8, ishigami), "y")
    assert any(issubclass(w.category, UnreliableIndicesWarning) for w in caught)
    assert not table["reliable"].any()


def test_sobol_indices_converge_between_half_and_full_samples():
    table = sobol_indices(fake_results("sobol", 2048, ishigami), "y")
    assert table["converged"].all()
    assert (table["ST"] - table["ST_half"]).abs().max() <= SOBOL_TOLERANCE


def test_sobol_flags_indices_that_move_with_the_sample_size():
    # Noise as large as the signal: the indices at N/2 and N disagree, and are not reliable.
    rng = np.random.default_rng(5)

    def noisy(x):
        return ishigami(x) + rng.normal(0, 20, len(x))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = sobol_indices(fake_results("sobol", 64, noisy), "y")
    assert not table["converged"].all()
    assert not table.loc[~table["converged"], "reliable"].any()
    assert any("not converged" in str(w.message) for w in caught)


def test_morris_ranks_factors_of_a_linear_function():
    def linear(x):
        return 10 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2]

    table = morris_indices(fake_results("morris", 20, linear, levels=4), "y").set_index("factor")
    assert table.loc["openness", "mu_star"] > table.loc["infrastructure", "mu_star"]
    assert table.loc["infrastructure", "mu_star"] > table.loc["review_strictness", "mu_star"]
    assert table.loc["review_strictness", "mu_star"] == pytest.approx(0.0, abs=1e-9)


def test_morris_leaves_out_whole_trajectories_where_the_outcome_is_undefined():
    def linear(x):
        return 10 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2]

    full = fake_results("morris", 20, linear, levels=4)
    holed = fake_results("morris", 20, linear, levels=4)
    holed.runs.loc[holed.runs["point"].isin([5, 9]), "y"] = np.nan  # trajectories 2 and 3
    # The same as the design without those two trajectories (4 points each).
    kept = ~full.runs["point"].between(4, 11)
    table = morris_indices(holed, "y", seed=1).set_index("factor")
    assert (table["trajectories"] == 18).all()
    problem = salib_problem(full.spec)
    x = full.design[list(problem["names"])].to_numpy(dtype=float)[kept.to_numpy()]
    y = full.runs["y"].to_numpy()[kept.to_numpy()]
    want = morris.analyze(problem, x, y, num_levels=4, seed=1)
    np.testing.assert_allclose(table["mu_star"].to_numpy(), want["mu_star"])
    np.testing.assert_allclose(table["sigma"].to_numpy(), want["sigma"])
    # An outcome undefined nearly everywhere is refused in one line.
    holed.runs["y"] = np.nan
    with pytest.raises(ValueError, match="undefined in all but 0 Morris trajectories"):
        morris_indices(holed, "y")


def test_sobol_needs_every_point():
    results = fake_results("sobol", 8, ishigami)
    results.runs = results.runs.iloc[1:]
    with pytest.raises(ValueError, match="no successful run"):
        sobol_indices(results, "y")


def test_repeated_design_points_share_their_runs():
    """Rounding an integer factor can make two Saltelli points identical; content-hashed run
    ids then store their runs once, under one of the points. Both points read those runs."""
    from types import SimpleNamespace

    from econ.analysis import _point_means

    design = pd.DataFrame({"point": [0, 1, 2, 3], "x": [0.5, 0.7, 0.5, 0.9], "n": [9, 12, 9, 9]})
    ok = pd.DataFrame({"point": [1, 1, 2, 2, 3, 3], "y": [1.0, 3.0, 5.0, 7.0, 0.0, 2.0]})
    results = SimpleNamespace(design=design, ok=ok)
    assert list(_point_means(results, "y")) == [6.0, 2.0, 6.0, 1.0]
    # A point with no runs and no twin is still refused.
    with pytest.raises(ValueError, match="1 design points have no successful run"):
        _point_means(SimpleNamespace(design=design, ok=ok[ok["point"] != 3]), "y")


def replicated_results(samples: int, function, sd: float, replications: int) -> Results:
    """:func:`fake_results` of a Sobol design, each point run ``replications`` times with
    normal noise of standard deviation ``sd`` added to ``function``."""
    one = fake_results("sobol", samples, function)
    rng = np.random.default_rng(11)
    runs = pd.concat(
        [
            one.runs.assign(replication=r, y=one.runs["y"] + rng.normal(0, sd, len(one.runs)))
            for r in range(replications)
        ],
        ignore_index=True,
    )
    return Results(Path("."), one.manifest, runs, one.design)


def test_noise_share_is_zero_without_noise_and_nan_without_replications():
    assert noise_share(replicated_results(64, ishigami, 0.0, 2), "y") == 0.0
    assert np.isnan(noise_share(fake_results("sobol", 64, ishigami), "y"))


@pytest.mark.parametrize("sd, replications", [(1.0, 2), (3.0, 4), (10.0, 2)])
def test_noise_share_measures_the_noise_of_the_point_means(sd, replications):
    # Ishigami's variance over the design is 13.84; the noise of a mean of R runs is sd^2/R.
    expected = sd**2 / replications / (13.84 + sd**2 / replications)
    share = noise_share(replicated_results(1024, ishigami, sd, replications), "y")
    assert share == pytest.approx(expected, rel=0.1)


def test_sobol_indices_report_the_noise_share():
    table = sobol_indices(replicated_results(256, ishigami, 0.5, 2), "y")
    assert table["noise_share"].between(0.005, 0.02).all()  # 0.125 / 13.97 = 0.009


def test_sobol_flags_first_order_indices_that_sum_above_one_and_names_the_noise():
    # Outputs laid out so that each AB_i matrix's runs repeat B's: Saltelli's estimator then
    # gives every factor S1 near 1, a sum near 3 that no model can have.
    results = replicated_results(64, ishigami, 0.5, 2)
    per_sample = 3 + 2  # A, AB_1..AB_3, B
    runs = results.runs.assign(sample=results.runs["point"] // per_sample)
    role = runs["point"] % per_sample
    b_values = runs[role == per_sample - 1].set_index(["replication", "sample"])["y"]
    copied = b_values.reindex(pd.MultiIndex.from_frame(runs[["replication", "sample"]]))
    runs = runs.assign(y=np.where(role.between(1, 3), copied.to_numpy(), runs["y"]))
    crafted = Results(Path("."), results.manifest, runs, results.design)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = sobol_indices(crafted, "y")
    assert table["S1"].sum() > 1.1
    assert not table["reliable"].any()
    named = [str(w.message) for w in caught if "sum above 1" in str(w.message)]
    assert len(named) == 1 and "replication noise" in named[0] and "of its variance" in named[0]


def test_noise_share_leaves_out_the_seeds_effect_on_every_point():
    # Replication r of every point shares a seed: a shift common to all points moves every
    # point mean alike, so no index reads it and it is not noise of the point means.
    results = replicated_results(1024, ishigami, 3.0, 2)
    shift = results.runs["replication"].map({0: -20.0, 1: 20.0})
    shifted = Results(
        Path("."),
        results.manifest,
        results.runs.assign(y=results.runs["y"] + shift),
        results.design,
    )
    expected = 9.0 / 2 / (13.84 + 9.0 / 2)
    assert noise_share(shifted, "y") == pytest.approx(expected, rel=0.1)
    assert noise_share(shifted, "y") == pytest.approx(noise_share(results, "y"), rel=1e-9)


def test_noise_share_refuses_two_runs_of_one_point_and_seed():
    results = replicated_results(64, ishigami, 1.0, 2)
    doubled = pd.concat([results.runs, results.runs.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="point 0 has more than one run of replication 0"):
        noise_share(Results(Path("."), results.manifest, doubled, results.design), "y")


def _two_arms(treated: list[float], base: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arm": ["a"] * len(treated) + ["b"] * len(base),
            "replication": [*range(len(treated)), *range(len(base))],
            "status": "ok",
            "y": [*treated, *base],
        }
    )


def test_effects_refuse_a_baseline_with_two_runs_of_one_seed():
    # A baseline the factors do not pin down (here two runs of each seed) would pair every
    # treated run with both, counting each seed twice and narrowing the interval.
    runs = _two_arms([1.0, 2.0, 3.0], [0.0, 0.5, 1.0])
    doubled = pd.concat([runs, runs[runs["arm"] == "b"]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one run of replication 0"):
        effects(doubled, {"arm": "b"}, "y", factors=["arm"])
    table = effects(runs, {"arm": "b"}, "y", factors=["arm"])
    assert table.loc[0, "n"] == 3


def test_effects_means_use_the_same_seeds_as_the_effect():
    # Seed 2's treated outcome is undefined: it leaves the effect, and the means too.
    runs = _two_arms([1.0, 2.0, np.nan], [0.5, 1.0, 100.0])
    row = effects(runs, {"arm": "b"}, "y", factors=["arm"]).iloc[0]
    assert row["n"] == 2
    assert row["effect"] == pytest.approx(0.75)
    assert row["mean"] - row["baseline_mean"] == pytest.approx(row["effect"])
    assert row["relative"] == pytest.approx(0.75 / 0.75)


def test_noise_adds_its_share_to_every_total_index():
    # Noise that changes with every factor is part of every factor's total effect: each ST
    # gains the noise share s (beyond (1 - s) times its noiseless value), and each S1 only
    # shrinks. The paper reads the incident total indices by this.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clean = sobol_indices(replicated_results(4096, ishigami, 0.0, 2), "y")
        results = replicated_results(4096, ishigami, 2.0, 2)
        noisy = sobol_indices(results, "y")
    share = noise_share(results, "y")
    assert share == pytest.approx(0.125, abs=0.01)
    gained = noisy["ST"].to_numpy() - (1 - share) * clean["ST"].to_numpy()
    np.testing.assert_allclose(gained, share, atol=0.02)
    np.testing.assert_allclose(noisy["S1"], (1 - share) * clean["S1"], atol=0.03)
