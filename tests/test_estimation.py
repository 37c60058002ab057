"""Estimation (issue #12): `econ calibrate` with real pyabc at quick sizes, the stored
posterior, determinism from the seed, `<scenario>@posterior`, and bad calibrate specs."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy
from econ.cli import main
from econ.experiment.spec import SpecError, parse_spec
from econ.experiment.sweep import plan_runs
from econ.parameters import ParameterError
from econ.scenarios import get_scenario
from econ.study.estimation import (
    MOMENTS,
    calibrate_spec_path,
    calibration_targets,
    estimate,
    load_estimate,
    moments_of,
    read_calibrate_spec,
)
from econ.study.validation import (
    FORECAST_2025_RMB,
    FORECAST_2030_RMB,
    _forecast_2025,
    _forecast_2030,
)

pytest.importorskip("pyabc")


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One quick calibration through the command line (real pyabc, tiny sizes)."""
    out = tmp_path_factory.mktemp("calibration") / "china_2024"
    assert main(["calibrate", "china_2024", "--quick", "--out", str(out)]) == 0
    return load_estimate(out)


def test_quick_calibration_is_stored_and_reloads(quick):
    # Stored in a folder named after its scenario: "@posterior" reads it from there.
    assert quick.path.name == "china_2024" and quick.scenario_name == "china_2024@posterior"
    spec = read_calibrate_spec("china_2024", quick=True)
    names = list(spec.priors)
    post = quick.posterior
    assert len(post) == spec.population
    assert np.isclose(post["weight"].sum(), 1.0)
    for name, (low, high) in spec.priors.items():
        assert post[name].between(low, high).all()
    generations = quick.diagnostics["generations"]
    assert [g["generation"] for g in generations] == list(range(1, spec.generations + 1))
    for g in generations:
        assert 0 < g["acceptance_rate"] <= 1
        assert 1 <= g["ess"] <= spec.population + 1e-9
        assert g["evaluations"] >= spec.population
    epsilons = [g["epsilon"] for g in generations]
    assert epsilons == sorted(epsilons, reverse=True)  # the threshold only tightens
    # The point estimate is the weighted posterior mean, and it is what @posterior reads.
    stored = json.loads((quick.path / "estimate.json").read_text())
    assert stored["statistic"] == "weighted posterior mean"
    for name in names:
        assert stored["values"][name] == pytest.approx(float((post[name] * post["weight"]).sum()))
    check = quick.predictive_check()
    assert list(check["moment"]) == [m.name for m in spec.moments]
    assert (check["runs"] == spec.predictive).all()
    assert len(quick.predictive) == spec.predictive
    # Each simulation is an engine run, stored with its record.
    assert len(list((quick.path / "runs").glob("*.json"))) >= quick.diagnostics["evaluations"]


def test_the_same_seed_gives_the_same_posterior(quick, tmp_path):
    again = estimate("china_2024", out=tmp_path / "again", quick=True)
    pd.testing.assert_frame_equal(again.populations, quick.populations)
    pd.testing.assert_frame_equal(again.predictive, quick.predictive)
    assert again.point == quick.point


def test_another_seed_gives_other_particles(quick, tmp_path):
    spec = read_calibrate_spec("china_2024", quick=True)
    other = estimate(
        type(spec)(**{**vars(spec), "seed": spec.seed + 1}), out=tmp_path / "other", quick=True
    )
    assert not np.allclose(
        other.posterior["capability_diffusion"], quick.posterior["capability_diffusion"]
    )


def test_a_process_pool_gives_the_serial_result(quick, tmp_path):
    pooled = estimate(
        "china_2024", out=tmp_path / "pooled", quick=True, executor="processes", workers=2
    )
    pd.testing.assert_frame_equal(pooled.populations, quick.populations)


def test_a_rerun_reuses_the_stored_runs(quick, tmp_path):
    out = tmp_path / "resume"
    first = estimate("china_2024", out=out, quick=True)
    runs = sorted(p.name for p in (out / "runs").glob("*.json"))
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*.json")}
    second = estimate("china_2024", out=out, quick=True)
    assert sorted(p.name for p in (out / "runs").glob("*.json")) == runs
    assert {p.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*.json")} == stamps
    pd.testing.assert_frame_equal(first.populations, second.populations)


def test_posterior_scenario_resolves(quick, monkeypatch):
    monkeypatch.setenv("ECON_CALIBRATIONS", str(quick.path.parent))
    scenario = get_scenario("china_2024@posterior")
    assert scenario.name == "china_2024@posterior"
    for name, value in quick.point.items():
        assert getattr(scenario, name) == pytest.approx(value)
    model = DataEconomy(scenario="china_2024@posterior", n_firms=120, seed=1)
    assert model.params.capability_diffusion == pytest.approx(quick.point["capability_diffusion"])
    assert quick.scenario().capability_diffusion == pytest.approx(
        quick.point["capability_diffusion"]
    )
    # In an experiment spec the estimates become explicit run parameters (so run ids follow
    # the stored calibration and a run reproduces without it).
    spec = parse_spec(
        {
            "experiment": {"scenario": "china_2024@posterior", "n_firms": 120, "steps": 2},
            "design": {"type": "factorial", "factors": {"pricing": ["free"]}},
        }
    )
    run = plan_runs(spec)[0]
    assert run.scenario == "china_2024"
    assert run.params["mandate_share"] == pytest.approx(quick.point["mandate_share"])


def test_missing_calibration_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ECON_CALIBRATIONS", str(tmp_path))
    with pytest.raises(ParameterError, match=r"no stored calibration at .*econ calibrate small"):
        get_scenario("small@posterior")
    with pytest.raises(ParameterError, match="unknown scenario 'atlantis'"):
        get_scenario("atlantis@posterior")
    with pytest.raises(SpecError, match=r"\[experiment\] scenario.*no stored calibration"):
        parse_spec(
            {
                "experiment": {"scenario": "small@posterior"},
                "design": {"type": "factorial", "factors": {"pricing": ["free"]}},
            }
        )


def test_moments_are_computed_from_a_series():
    quarters = np.arange(12)
    series = pd.DataFrame(
        {
            "market_size": 10.0 * 1.1**quarters,
            "output": 1000.0 + quarters,
            "compute_utilisation": 0.6 + 0.005 * quarters,
            "public_datasets": 100.0 * 1.05**quarters,
            "exchange_share": 0.01 * (1 + quarters),
        }
    )
    got = moments_of(series, list(MOMENTS))
    assert got["market_2022"] == pytest.approx(sum(10.0 * 1.1**q for q in range(4)))
    assert got["market_growth"] == pytest.approx(1.1**4 - 1)  # two years of 4 quarters
    assert got["output_2022"] == 4006.0
    assert got["utilisation_change"] == pytest.approx(0.04)
    assert got["datasets_growth"] == pytest.approx(1.05**4 - 1)
    assert got["exchange_share_2022"] == pytest.approx(0.025)  # the first four quarters


def test_shipped_spec_targets_the_growth_output_and_exchange_rows():
    spec = read_calibrate_spec(calibrate_spec_path("china_2024"))
    assert spec.population >= 100 and spec.generations >= 3
    assert calibration_targets(spec) == {"baseline_growth", "output_2022", "exchange_share_2022"}
    quick = read_calibrate_spec("china_2024", quick=True)
    assert quick.population < spec.population and quick.n_firms < spec.n_firms


GOOD = """
[calibration]
name = "t"
scenario = "small"
steps = 12
[parameters]
capability_diffusion = [0.03, 0.12]
[moments.market_growth]
value = 0.2
sd = 0.05
source = "a report"
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[calibration]", "[calibrate]"), r"\[calibrate\]: unknown table"),
        (('scenario = "small"', 'scenario = "mars"'), r"\[calibration\] scenario: 'mars'"),
        (("steps = 12", "steps = 4"), "moment 'market_growth' needs at least 12 quarters"),
        (("steps = 12", "stepz = 12"), r"\[calibration\] stepz: unknown key"),
        (
            ("capability_diffusion = [0.03, 0.12]", "capability_diffusion = [0.03, 1.5]"),
            r"leaves the parameter's range",
        ),
        (
            ("capability_diffusion = [0.03, 0.12]", "capability_diffusion = [0.2, 0.1]"),
            r"expected a prior range",
        ),
        (
            ("capability_diffusion = [0.03, 0.12]", "n_holders = [1, 5]"),
            r"\[parameters\] n_holders: not a real-valued scenario parameter",
        ),
        (("[moments.market_growth]", "[moments.gdp]"), r"\[moments.gdp\]: unknown moment"),
        (("sd = 0.05", "sd = 0"), r"sd: 0; expected a number > 0"),
        (('source = "a report"', ""), r"source: say where the target comes from"),
    ],
)
def test_bad_calibrate_specs_fail_in_one_line(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(SpecError, match=message) as err:
        read_calibrate_spec(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_cli_bad_spec_is_one_line(tmp_path, capsys):
    assert main(["calibrate", str(tmp_path / "none.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such calibrate spec file" in err


def test_validation_rows_say_which_are_calibration_targets(tmp_path):
    from types import SimpleNamespace

    from econ.study.validation import HELD_OUT, TARGET, check_behaviours

    quarters = np.arange(13)
    series = pd.concat(
        [
            pd.DataFrame({"run_id": run, "step": quarters + 1, "market_size": 1.05**quarters * s})
            for run, s in (("a", 1.0), ("b", 1.1))
        ]
    )
    results = {"baseline": SimpleNamespace(series=series)}
    # The shipped calibrate spec targets market growth, so the baseline growth row is a target.
    table = check_behaviours(results).set_index("key")
    assert table.loc["baseline_growth", "role"] == TARGET
    # The 2025 forecast is the end of the growth moment's path: a target with it.
    assert table.loc["forecast_2025", "role"] == TARGET
    assert table.loc["forecast_2030", "role"] == TARGET
    # With a calibration that targets nothing in the table, the rows are held-out checks.
    path = tmp_path / "c.toml"
    path.write_text(GOOD.replace("market_growth", "market_2022").replace("steps = 12", "steps = 4"))
    table = check_behaviours(results, targets=calibration_targets(read_calibrate_spec(path)))
    assert table.set_index("key").loc["baseline_growth", "role"] == HELD_OUT
    assert table.set_index("key").loc["forecast_2025", "role"] == HELD_OUT
    assert table.set_index("key").loc["forecast_2030", "role"] == HELD_OUT


def test_the_2025_forecast_row_checks_the_fourth_year():
    def baseline(per_quarter):
        rows = [
            {"run_id": run, "step": q, "market_size": per_quarter * (1 + 0.01 * run)}
            for run in range(3)
            for q in range(1, 21)
        ]
        return SimpleNamespace(series=pd.DataFrame(rows))

    on_target = _forecast_2025(baseline(FORECAST_2025_RMB / 4))
    assert on_target["key"] == "forecast_2025" and on_target["holds"]
    assert on_target["value"] == pytest.approx(FORECAST_2025_RMB * 1.01)
    assert not _forecast_2025(baseline(FORECAST_2025_RMB / 8))["holds"]


def test_the_2030_forecast_row_checks_the_ninth_year():
    rows = [
        {"run_id": run, "step": q, "market_size": (2.0 if q > 32 else 1.0) * (1 + 0.01 * run)}
        for run in range(3)
        for q in range(1, 41)
    ]
    series = pd.DataFrame(rows)
    series["market_size"] *= FORECAST_2030_RMB / 8
    row = _forecast_2030(SimpleNamespace(series=series))
    assert row["key"] == "forecast_2030" and row["holds"]
    assert row["value"] == pytest.approx(FORECAST_2030_RMB * 1.01)
    short = SimpleNamespace(series=series[series["step"] <= 16])
    assert not _forecast_2030(short)["holds"]


def test_the_sampler_stops_at_max_eval_and_drops_a_generation_that_did_not_fill():
    # min_acceptance is pyabc's max_eval = population / min_acceptance: whole batches must
    # not carry a generation past it and keep it, below the acceptance the spec allows.
    from concurrent.futures import ThreadPoolExecutor

    from pyabc.population import Particle

    from econ.study.estimation import _sampler

    def simulate_one():  # numpy's global generator is seeded per job by the sampler
        accepted = bool(np.random.uniform() < 0.095)
        return Particle(m=0, parameter={}, weight=1.0, sum_stat={}, distance=0.0,
                        accepted=accepted)  # fmt: skip

    with ThreadPoolExecutor(1) as pool:
        for seed in range(40):
            sampler = _sampler(pool, seed, None)
            sample = sampler.sample_until_n_accepted(20, simulate_one, t=0, max_eval=200)
            assert sampler.nr_evaluations_ <= 200
            assert sample.ok == (sample.n_accepted >= 20)


def test_each_distance_is_joined_to_its_own_particle():
    # pyabc returns parameters by particle id and distances in storage order; the two need
    # not agree, so a distance is found by its particle's parameters, not by position.
    from types import SimpleNamespace

    import pandas as pd

    from econ.study.estimation import _distances_by_parameters

    frame = pd.DataFrame({"a": [0.1, 0.2, 0.3], "b": [1.0, 2.0, 3.0]})
    particles = [
        SimpleNamespace(parameter={"a": a, "b": b}, distance=d)
        for a, b, d in [(0.3, 3.0, 30.0), (0.1, 1.0, 10.0), (0.2, 2.0, 20.0)]
    ]
    population = SimpleNamespace(particles=particles)
    assert _distances_by_parameters(population, frame, ["a", "b"]).tolist() == [10, 20, 30]
    twins = SimpleNamespace(particles=[*particles[:2], SimpleNamespace(**{**vars(particles[1])})])
    with pytest.raises(RuntimeError, match="do not identify their distances"):
        _distances_by_parameters(twins, frame, ["a", "b"])


def test_a_calibration_without_a_moment_is_stored_beside_the_full_one(
    tmp_path, monkeypatch, capsys
):
    # Leaving a moment out is a robustness check: the same priors, seed and sizes, one moment
    # fewer, stored under its own name, which "<scenario>@<name>" then reads.
    monkeypatch.setenv("ECON_CALIBRATIONS", str(tmp_path))
    assert main(["calibrate", "china_2024", "--quick", "--without", "datasets_growth"]) == 0
    said = capsys.readouterr().out
    assert 'scenario = "china_2024@china_2024_without_datasets_growth_quick" reads it' in said
    full = read_calibrate_spec("china_2024", quick=True)
    left = load_estimate(tmp_path / "china_2024_without_datasets_growth_quick")
    assert left.spec["name"] == "china_2024_without_datasets_growth"
    moments = [m["name"] for m in left.spec["moments"]]
    assert moments == [m.name for m in full.moments if m.name != "datasets_growth"]
    assert list(left.predictive_check()["moment"]) == moments
    assert {k: v for k, v in left.spec.items() if k not in ("name", "description", "moments")} == {
        k: v for k, v in full.to_dict().items() if k not in ("name", "description", "moments")
    }
    assert left.scenario_name == "china_2024@china_2024_without_datasets_growth_quick"
    scenario = get_scenario(left.scenario_name)
    for name, value in left.point.items():
        assert getattr(scenario, name) == value


def test_leaving_out_an_unknown_or_every_moment_is_one_line(capsys):
    spec = read_calibrate_spec("china_2024")
    with pytest.raises(SpecError, match=r"without 'gdp': not a moment.*its moments: market_2022"):
        spec.without("gdp")
    with pytest.raises(SpecError, match="every moment left out"):
        spec.without(*[m.name for m in spec.moments])
    assert spec.without() is spec
    assert spec.without("datasets_growth", "datasets_growth").name == (
        "china_2024_without_datasets_growth"
    )
    # In the spec's order, whatever the order asked: one calibration, one name.
    both = spec.without("datasets_growth", "market_2022")
    assert both.name == "china_2024_without_market_2022_and_datasets_growth"
    assert spec.without("market_2022", "datasets_growth") == both
    assert main(["calibrate", "china_2024", "--quick", "--without", "gdp"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a moment of this calibration" in err
    # A plain string is one moment, not its letters.
    with pytest.raises(SpecError, match=r"without 'gdp': not a moment"):
        estimate("china_2024", quick=True, without="gdp")
    # The new name must still be a safe folder name.
    long = dataclasses.replace(spec, name="c" * 90)
    with pytest.raises(SpecError, match=r"without: name .*use 1-100 ASCII letters"):
        long.without("datasets_growth")
    assert spec.without("datasets_growth").description.endswith(
        "Without the moment datasets_growth."
    )
