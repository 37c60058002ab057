"""Each design has the shape its method prescribes; sampled designs come from SALib."""

import numpy as np
import pytest
from SALib.sample import sobol

from econ.experiment import design_points, parse_spec, salib_problem


def spec(design, factors, **extra):
    return parse_spec(
        {
            "experiment": {"scenario": "small", "seed": 11},
            "design": {"type": design, "factors": factors, **extra},
        }
    )


def test_factorial_crosses_every_value():
    points = design_points(
        spec("factorial", {"pricing": ["free", "market", "cost_recovery"], "openness": [0.0, 0.5]})
    )
    assert len(points) == 6
    assert set(map(tuple, points[["pricing", "openness"]].to_numpy())) == {
        (p, o) for p in ("free", "market", "cost_recovery") for o in (0.0, 0.5)
    }


def test_one_at_a_time_varies_one_factor_around_the_baseline():
    s = spec(
        "one_at_a_time",
        {"openness": [0.0, 0.3, 1.0], "operators": [0, 2, 4]},
        baseline={"openness": 0.3, "operators": 2},
    )
    points = design_points(s)
    assert len(points) == 1 + 2 + 2
    base = points.iloc[0]
    assert base["varied"] == "baseline" and base["openness"] == 0.3 and base["operators"] == 2
    for _, row in points.iloc[1:].iterrows():
        other = "operators" if row["varied"] == "openness" else "openness"
        assert row[other] == base[other] and row[row["varied"]] != base[row["varied"]]


def test_latin_hypercube_fills_each_stratum_once():
    points = design_points(
        spec("latin_hypercube", {"openness": [0, 1], "infrastructure": [0, 1]}, samples=10)
    )
    assert len(points) == 10
    for column in ("openness", "infrastructure"):
        strata = np.floor(points[column] * 10).astype(int)
        assert sorted(strata) == list(range(10))


def test_sobol_matches_salib_saltelli_layout():
    s = spec(
        "sobol", {"openness": [0, 1], "infrastructure": [0, 1], "audit_rate": [0, 1]}, samples=8
    )
    points = design_points(s)
    assert len(points) == 8 * (3 + 2)  # N (D + 2) without second order
    from econ.experiment.designs import _sampling_seed

    expected = sobol.sample(salib_problem(s), 8, calc_second_order=False, seed=_sampling_seed(s))
    assert np.array_equal(points.to_numpy(dtype=float), expected)


def test_morris_trajectories():
    points = design_points(
        spec("morris", {"openness": [0, 1], "operators": [0, 5]}, samples=5, levels=4)
    )
    assert len(points) == 5 * (2 + 1)
    assert points["operators"].dtype.kind == "i" and points["operators"].between(0, 5).all()


def test_sampled_designs_are_reproducible_and_seeded():
    a = design_points(spec("latin_hypercube", {"openness": [0, 1]}, samples=6))
    b = design_points(spec("latin_hypercube", {"openness": [0, 1]}, samples=6))
    assert a.equals(b)
    other = parse_spec(
        {
            "experiment": {"scenario": "small", "seed": 12},
            "design": {"type": "latin_hypercube", "factors": {"openness": [0, 1]}, "samples": 6},
        }
    )
    assert not np.allclose(design_points(other)["openness"], a["openness"])


def test_scenario_parameters_can_be_factors():
    points = design_points(
        spec("factorial", {"data_elasticity": [0.05, 0.1], "supply_responds": [True, False]})
    )
    assert len(points) == 4


@pytest.mark.parametrize("design", ["sobol", "morris", "latin_hypercube"])
def test_sampled_values_stay_in_bounds(design):
    points = design_points(spec(design, {"openness": [0.2, 0.4], "price_cap": [1, 3]}, samples=4))
    assert points["openness"].between(0.2, 0.4).all() and points["price_cap"].between(1, 3).all()
