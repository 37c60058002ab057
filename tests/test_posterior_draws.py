"""Policy effects with parameter uncertainty (issue #12): experiments over posterior draws
(``posterior_draws``), their plan and seeds, bad specs, and effects_over_draws' two-level
variance decomposition on synthetic data and on a small end-to-end run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from econ.analysis import DRAW_EFFECT_COLUMNS, effects, effects_over_draws, mean_ci
from econ.cli import main
from econ.experiment import parse_spec, plan_runs, run
from econ.experiment.posterior import draw_particles, draw_seeds, read_posterior
from econ.experiment.spec import SpecError
from econ.parameters import ParameterError
from econ.seeds import spawn_seeds

#: A posterior of three particles, as ``econ calibrate`` stores it (estimation.py).
PARTICLES = {
    "data_elasticity": [0.05, 0.08, 0.11],
    "capability_diffusion": [0.04, 0.07, 0.10],
    "weight": [0.2, 0.5, 0.3],
    "distance": [1.0, 0.5, 0.8],
}


def write_calibration(root, name="small", scenario="small", particles=PARTICLES):
    """A stored calibration: ``estimate.json`` and ``posterior.parquet`` in ``root/name``."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    posterior = pd.DataFrame(particles)
    names = [c for c in posterior if c not in ("weight", "distance")]
    weight = posterior["weight"] if "weight" in posterior else 1 / len(posterior)
    point = {n: float((posterior[n] * weight).sum()) for n in names}
    posterior.to_parquet(folder / "posterior.parquet", index=False)
    estimate = {
        "scenario": scenario,
        "calibration": name,
        "statistic": "weighted posterior mean",
        "values": point,
        "seed": 1,
        "quick": True,
    }
    (folder / "estimate.json").write_text(json.dumps(estimate))
    return folder


@pytest.fixture
def calibrations(tmp_path, monkeypatch):
    """$ECON_CALIBRATIONS pointing at a folder with a stored calibration of ``small``."""
    root = tmp_path / "calibrations"
    write_calibration(root)
    monkeypatch.setenv("ECON_CALIBRATIONS", str(root))
    return root


def spec(draws=3, replications=2, **experiment):
    """A small factorial spec over posterior draws (``draws=None``: none)."""
    exp = {
        "name": "draws",
        "scenario": "small@posterior",
        "n_firms": 40,
        "steps": 3,
        "replications": replications,
        "seed": 11,
        **experiment,
    }
    if draws is not None:
        exp["posterior_draws"] = draws
    design = {"type": "factorial", "factors": {"pricing": ["free", "cost_recovery"]}}
    return parse_spec({"experiment": exp, "design": design})


# --- the plan ---------------------------------------------------------------------------


def test_plan_crosses_points_draws_and_replications(calibrations):
    plan = plan_runs(spec(draws=3, replications=2))
    assert len(plan) == 2 * 3 * 2 == spec(3, 2).n_runs
    assert len({r.run_id for r in plan}) == len(plan)
    posterior = pd.read_parquet(calibrations / "small" / "posterior.parquet")
    seeds = draw_seeds(11, 3, 2)
    for r in plan:
        d, particle = r.factors["draw"], r.factors["particle"]
        # Common random numbers within a draw: replication r shares a seed across points.
        assert r.seed == seeds[d][r.replication] and type(r.seed) is int
        # The drawn particle's values are explicit parameters, and recorded as factors.
        for name in ("data_elasticity", "capability_diffusion"):
            assert r.params[name] == posterior.loc[particle, name] == r.factors[name]
        assert r.scenario == "small"  # the base scenario: the run needs no calibration
    # Different draws never share a seed.
    by_draw = {d: {r.seed for r in plan if r.factors["draw"] == d} for d in range(3)}
    assert all(len(s) == 2 for s in by_draw.values())
    assert len(set().union(*by_draw.values())) == 3 * 2


def test_plan_is_stable_and_grows_by_prefix(calibrations):
    ids = [r.run_id for r in plan_runs(spec(draws=3))]
    assert ids == [r.run_id for r in plan_runs(spec(draws=3))]
    # Asking for more draws keeps the first ones (particles and seeds).
    more = draw_particles("small@posterior", 6, 11)
    pd.testing.assert_frame_equal(more.iloc[:3], draw_particles("small@posterior", 3, 11))
    assert draw_seeds(11, 6, 2)[:3] == draw_seeds(11, 3, 2)
    assert not more.equals(draw_particles("small@posterior", 6, 12))
    # A new posterior changes the run ids (they hash the drawn values).
    changed = {**PARTICLES, "data_elasticity": [0.06, 0.09, 0.10]}
    write_calibration(calibrations, particles=changed)
    assert set(ids).isdisjoint(r.run_id for r in plan_runs(spec(draws=3)))


def test_without_draws_the_plan_is_the_posterior_mean_as_before(calibrations):
    plan = plan_runs(spec(draws=None))
    assert len(plan) == 2 * 2
    assert [r.seed for r in plan[:2]] == spawn_seeds(11, 2)
    assert all("draw" not in r.factors for r in plan)
    mean = 0.2 * 0.05 + 0.5 * 0.08 + 0.3 * 0.11
    assert plan[0].params["data_elasticity"] == pytest.approx(mean)


def test_draws_follow_the_weights(tmp_path, monkeypatch):
    root = tmp_path / "c"
    monkeypatch.setenv("ECON_CALIBRATIONS", str(root))
    certain = {**PARTICLES, "weight": [0.0, 1.0, 0.0]}
    write_calibration(root, particles=certain)
    frame = draw_particles("small@posterior", 50, 3)
    assert (frame["particle"] == 1).all()
    assert (frame["data_elasticity"] == 0.08).all()
    # Weights that do not sum to one are normalised; frequencies follow them.
    write_calibration(root, particles={**PARTICLES, "weight": [1.0, 0.0, 9.0]})
    frame = draw_particles("small@posterior", 4000, 3)
    share = (frame["particle"] == 2).mean()
    assert abs(share - 0.9) < 4 * np.sqrt(0.9 * 0.1 / 4000)  # four binomial sds
    assert set(frame["particle"]) == {0, 2}
    assert read_posterior("small@posterior")["weight"].tolist() == [0.1, 0.0, 0.9]


def test_quick_keeps_at_most_two_draws(calibrations):
    assert spec(draws=5).quick().posterior_draws == 2
    assert spec(draws=None).quick().posterior_draws == 0
    assert spec(draws=5).n_runs == 2 * 2 * 5


def test_the_spec_round_trips_through_the_manifest(calibrations):
    from econ.experiment.spec import ExperimentSpec

    for s in (spec(draws=4), spec(draws=None), spec(draws=4).quick()):
        assert ExperimentSpec.from_dict(s.to_dict()) == s


# --- bad input ---------------------------------------------------------------------------


def _bad(match, **experiment):
    with pytest.raises(SpecError, match=match) as err:
        parse_spec(
            {
                "experiment": {"scenario": "small@posterior", **experiment},
                "design": {"type": "factorial", "factors": {"pricing": ["free"]}},
            }
        )
    assert "\n" not in str(err.value)


def test_bad_draws_are_one_line_naming_the_field(calibrations, tmp_path, monkeypatch):
    field = r"\[experiment\] posterior_draws: "
    _bad(
        field + r"draws from a stored posterior; set .* 'small@posterior'",
        scenario="small",
        posterior_draws=3,
    )
    for k in (0, -1, 2.5, True, "3", 10_001):
        _bad(
            field + r".* is not allowed; expected a whole number in \[1, 10,000\]",
            posterior_draws=k,
        )
    # No stored calibration at all: the scenario is what is wrong.
    monkeypatch.setenv("ECON_CALIBRATIONS", str(tmp_path / "empty"))
    _bad(r"\[experiment\] scenario: .*no stored calibration", posterior_draws=2)
    # A calibration without its posterior, or a damaged one: the draws are.
    root = tmp_path / "partial"
    monkeypatch.setenv("ECON_CALIBRATIONS", str(root))
    folder = write_calibration(root)
    (folder / "posterior.parquet").unlink()
    _bad(field + r".*no posterior.parquet at .*rerun `econ calibrate`", posterior_draws=2)
    (folder / "posterior.parquet").write_text("not parquet")
    _bad(field + r".*posterior.parquet is unreadable", posterior_draws=2)
    write_calibration(root, particles={k: v for k, v in PARTICLES.items() if k != "weight"})
    _bad(field + r".*has no column 'weight'", posterior_draws=2)
    write_calibration(root, particles={**PARTICLES, "weight": [0.5, -0.1, 0.6]})
    _bad(field + r".*finite, non-negative weights of positive sum", posterior_draws=2)
    write_calibration(root, particles={**PARTICLES, "weight": [0.0, 0.0, 0.0]})
    _bad(field + r".*finite, non-negative weights of positive sum", posterior_draws=2)


def test_quick_draws_need_draws(calibrations):
    with pytest.raises(SpecError, match=r"\[quick\] posterior_draws: only used with"):
        parse_spec(
            {
                "experiment": {"scenario": "small@posterior"},
                "design": {"type": "factorial", "factors": {"pricing": ["free"]}},
                "quick": {"posterior_draws": 2},
            }
        )


def test_quick_draws_are_held_to_their_bounds(calibrations):
    def parse(quick):
        return parse_spec(
            {
                "experiment": {"scenario": "small@posterior", "posterior_draws": 5},
                "design": {"type": "factorial", "factors": {"pricing": ["free"]}},
                "quick": {"posterior_draws": quick},
            }
        )

    assert parse(1).quick().posterior_draws == 1
    assert parse(4).quick().posterior_draws == 4
    with pytest.raises(SpecError, match=r"\[quick\] posterior_draws: 0 is not allowed; .*\[1, "):
        parse(0)


def test_too_many_runs_counts_the_draws(calibrations):
    with pytest.raises(SpecError, match=r"x 10,000 posterior draws = 200,000 runs; at most"):
        spec(draws=10_000, replications=10)


def test_the_command_line_says_it_in_one_line(calibrations, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[experiment]\nscenario = "small"\nposterior_draws = 3\n'
        '[design]\ntype = "factorial"\n[design.factors]\npricing = ["free"]\n'
    )
    assert main(["run", str(path), "--executor", "serial"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "[experiment] posterior_draws" in err


def test_bad_draws_in_the_functions():
    with pytest.raises(ParameterError, match="posterior draws 0: expected a whole number >= 1"):
        draw_particles("small@posterior", 0, 1)
    with pytest.raises(ParameterError, match="need a stored calibration"):
        read_posterior("small")


# --- the analysis ------------------------------------------------------------------------


def synthetic(draws, reps, effect, tau, sigma, seed=0):
    """Runs of a baseline and a treatment over draws and seeds with known components.

    The treatment's paired difference in draw j, replication r is
    effect + u_j + e_jr, u_j ~ N(0, tau^2), e_jr ~ N(0, sigma^2); the baseline itself moves
    with the draw and the seed (which the pairing must remove).
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(0.0, tau, draws)
    rows = []
    for j in range(draws):
        level = 100.0 + rng.normal(0.0, 20.0)  # the parameters move the level a lot
        for r in range(reps):
            b = level + rng.normal(0.0, 10.0)  # and so does the seed
            e = rng.normal(0.0, sigma)
            rows.append({"status": "ok", "arm": "base", "draw": j, "replication": r, "y": b})
            rows.append(
                {
                    "status": "ok",
                    "arm": "treat",
                    "draw": j,
                    "replication": r,
                    "y": b + effect + u[j] + e,
                }
            )
    return pd.DataFrame(rows), u


def _treated(table):
    return table.set_index("arm").loc["treat"]


def test_both_variance_components_are_recovered():
    tau, sigma, reps, draws = 1.0, 2.0, 10, 200
    runs, u = synthetic(draws, reps, 3.0, tau, sigma, seed=1)
    row = _treated(effects_over_draws(runs, {"arm": "base"}, "y", factors=["arm", "draw"]))
    # Standard errors of the estimates: sigma^2 from draws x (reps - 1) df, tau^2 roughly
    # from the draw means' variance (draws - 1 df); tolerances are three of them.
    se_sigma2 = sigma**2 * np.sqrt(2 / (draws * (reps - 1)))
    se_tau2 = (tau**2 + sigma**2 / reps) * np.sqrt(2 / (draws - 1))
    assert row["seed_var"] == pytest.approx(sigma**2, abs=3 * se_sigma2)
    assert row["param_var"] == pytest.approx(tau**2, abs=3 * se_tau2)
    assert row["draw_var"] == pytest.approx(tau**2 + sigma**2 / reps, abs=3 * se_tau2)
    # Against the draws' realised effects the only error left is the seeds'.
    assert row["param_var"] == pytest.approx(np.var(u, ddof=1), abs=0.15)
    assert row["param_share"] == pytest.approx(tau**2 / (tau**2 + sigma**2), abs=0.05)
    # The interval is the effect +- t se, with se^2 = draw_var / draws (balanced draws).
    se = np.sqrt(row["draw_var"] / draws)
    half = stats.t.ppf(0.975, draws - 1) * se
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (row["effect"] - half, row["effect"] + half), abs=1e-3 * half
    )
    assert abs(row["effect"] - 3.0) < 3 * se
    assert row["n_draws"] == draws and row["n"] == draws * reps


def test_the_interval_carries_parameter_uncertainty():
    runs, _ = synthetic(12, 8, 1.0, 1.5, 1.0, seed=2)
    table = effects_over_draws(runs, {"arm": "base"}, "y", factors=["arm"])
    row = _treated(table)
    # With the same seeds in every draw, the two-level interval is the t interval of the
    # draw means (J - 1 df), not the much narrower one of all paired runs taken as
    # independent, which ignores that runs of one draw share its parameters.
    diff = runs[runs.arm == "treat"]["y"].to_numpy() - runs[runs.arm == "base"]["y"].to_numpy()
    means = diff.reshape(12, 8).mean(axis=1)
    _, low, high, _ = mean_ci(means)
    # (to the REML optimiser's precision)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-3 * (high - low))
    assert row["p_value"] == pytest.approx(stats.ttest_1samp(means, 0.0).pvalue, rel=1e-3)
    _, naive_low, naive_high, _ = mean_ci(diff)
    assert (high - low) > 2 * (naive_high - naive_low)
    assert list(table.columns) == ["arm", *DRAW_EFFECT_COLUMNS]
    assert row["method"].startswith("MixedLM")


def test_no_between_draw_variance():
    runs, _ = synthetic(60, 10, 0.5, 0.0, 2.0, seed=3)
    row = _treated(effects_over_draws(runs, {"arm": "base"}, "y", factors=["arm"]))
    assert row["param_var"] < 0.05 and row["param_share"] < 0.02
    assert row["seed_var"] == pytest.approx(4.0, abs=3 * 4.0 * np.sqrt(2 / (60 * 9)))
    assert row["draw_var"] == pytest.approx(4.0 / 10, abs=3 * 0.4 * np.sqrt(2 / 59))
    se = (row["ci_high"] - row["ci_low"]) / (2 * stats.t.ppf(0.975, 60 - 1))
    assert abs(row["effect"] - 0.5) < 3 * se


def test_degenerate_cases():
    runs, _ = synthetic(5, 4, 1.0, 1.0, 1.0, seed=4)
    # One draw: nothing is known of the parameters' share.
    one = _treated(effects_over_draws(runs[runs.draw == 0], {"arm": "base"}, "y", factors=["arm"]))
    assert one["n_draws"] == 1 and np.isnan(one["ci_low"]) and np.isnan(one["param_var"])
    # One seed a draw: the draw means carry all the variance.
    single = runs[runs.replication == 0]
    row = _treated(effects_over_draws(single, {"arm": "base"}, "y", factors=["arm"]))
    means = (single[single.arm == "treat"]["y"].to_numpy()) - single[single.arm == "base"][
        "y"
    ].to_numpy()
    _, low, high, _ = mean_ci(means)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert np.isnan(row["seed_var"]) and "draw means" in row["method"]
    # The baseline against itself: exactly zero, with no spread.
    base = effects_over_draws(runs, {"arm": "base"}, "y", factors=["arm"]).set_index("arm")
    assert base.loc["base", "effect"] == 0 and base.loc["base", "ci_high"] == 0
    with pytest.raises(ValueError, match=r"no column 'draw'.*posterior_draws"):
        effects_over_draws(runs.drop(columns="draw"), {"arm": "base"}, "y", factors=["arm"])


# --- end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """One small sweep over three posterior draws, serial and on two processes."""
    root = tmp_path_factory.mktemp("calibrations")
    write_calibration(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECON_CALIBRATIONS", str(root))
        the_spec = spec(draws=3, replications=2)
        out = tmp_path_factory.mktemp("runs")
        serial = run(the_spec, executor="serial", out=out / "serial", progress=False)
        pool = run(the_spec, executor="processes", workers=2, out=out / "pool", progress=False)
        plan = plan_runs(the_spec)
        yield serial, pool, plan


def test_a_sweep_over_draws_runs_and_is_identical_on_every_executor(swept):
    serial, pool, plan = swept
    assert serial.manifest["counts"]["done"] == len(plan) == 12
    assert list(serial.runs["run_id"]) == [r.run_id for r in plan]
    pd.testing.assert_frame_equal(serial.runs, pool.runs, check_exact=True)
    pd.testing.assert_frame_equal(serial.series, pool.series, check_exact=True)
    assert serial.factors == ["pricing", "draw"]
    assert {"draw", "particle", "data_elasticity", "capability_diffusion"} <= set(serial.runs)
    assert "draw" in serial.series


def test_effects_over_draws_on_the_sweep(swept):
    serial, _, _ = swept
    runs = serial.runs
    table = effects_over_draws(
        runs, {"pricing": "free"}, "welfare_mean", factors=serial.factors
    ).set_index("pricing")
    row = table.loc["cost_recovery"]
    assert row["n_draws"] == 3 and row["n"] == 6
    diff = (
        runs[runs.pricing == "cost_recovery"].set_index(["draw", "replication"])["welfare_mean"]
        - runs[runs.pricing == "free"].set_index(["draw", "replication"])["welfare_mean"]
    )
    assert row["effect"] == pytest.approx(diff.mean())
    means = diff.groupby(level="draw").mean()
    assert row["draw_var"] == pytest.approx(means.var(ddof=1))
    assert row["seed_var"] == pytest.approx(diff.groupby(level="draw").var(ddof=1).mean())
    assert row["ci_low"] <= row["effect"] <= row["ci_high"]
    # effects() with the results' factors pairs within each draw: one row per draw.
    per_draw = effects(runs, {"pricing": "free"}, "welfare_mean", factors=serial.factors)
    per_draw = per_draw[per_draw.pricing == "cost_recovery"].set_index("draw")["effect"]
    pd.testing.assert_series_equal(per_draw, means, check_names=False)
