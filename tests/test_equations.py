"""Each equation of ODD section 7 does what the ODD says."""

import numpy as np
import pytest

from econ import equations as eq


def test_returns_to_data_diminish_but_stay_positive():
    d = np.linspace(0, 20, 50)
    y = eq.output(eq.data_free_output(1.0, 1.0, 0.3), d, 0.1, 1.0)
    mpd = eq.marginal_product_of_data(1.0, d, 0.1, 1.0)
    assert np.all(np.diff(y) > 0)
    assert np.all(np.diff(mpd) < 0) and np.all(mpd > 0)
    # E3 is the derivative of E2.
    h = 1e-6
    base = eq.data_free_output(2.0, 3.0, 0.3)
    numeric = (eq.output(base, 1.0 + h, 0.1, 1.0) - eq.output(base, 1.0, 0.1, 1.0)) / h
    assert eq.marginal_product_of_data(base, 1.0, 0.1, 1.0) == pytest.approx(numeric, rel=1e-4)


def test_licence_value_is_discounted_life_of_the_data():
    value = eq.data_licence_value(100.0, 1.0, 0.1, 0.0)
    assert value == pytest.approx(1000.0)  # sum of 0.9^t
    assert eq.data_licence_value(100.0, 1.0, 0.1, 0.05) < value


def test_revenue_maximising_price_on_known_demand():
    wtp = np.array([[10.0], [9.0], [2.0], [1.0], [np.nan]])
    # Revenue 10, 18, 6, 4: the monopolist sells two at 9.
    assert eq.revenue_maximising_price(wtp, min_buyers=1)[0] == 9.0
    assert eq.revenue_maximising_price(wtp, min_buyers=3)[0] == 2.0
    assert eq.revenue_maximising_price(np.array([[np.nan], [-1.0]]), min_buyers=1)[0] == 0.0


def test_competition_pushes_price_to_marginal_cost():
    prices = [eq.oligopoly_price(100.0, 10.0, n) for n in range(1, 6)]
    assert prices[0] == 100.0 and np.all(np.diff(prices) < 0) and prices[-1] > 10.0


def test_effort_rises_with_revenue_and_visibility():
    base = eq.effort_optimum(0.2, 0.0, 0.0, 1.0)
    assert base == pytest.approx(0.2)
    assert eq.effort_optimum(0.2, 0.3, 0.0, 1.0) > base
    assert eq.effort_optimum(0.2, 0.0, 0.3, 1.0) > base
    assert eq.effort_optimum(5.0, 5.0, 5.0, 1.0) == 1.0


def test_incident_rate_rises_with_exposure_and_falls_with_safeguards():
    default = {
        "base_rate": 0.01,
        "exposure": 100.0,
        "infrastructure": 0.0,
        "security": 0.0,
        "review": 0.0,
        "bridge_alignment": 0.0,
    }

    def r(**changes):
        return eq.incident_rate(**{**default, **changes})

    assert r(exposure=200.0) == pytest.approx(2 * r())
    for safeguard in ("infrastructure", "security", "review", "bridge_alignment"):
        assert r(**{safeguard: 1.0}) < r(), safeguard


def test_compute_price_rises_steeply_near_capacity():
    u = np.array([0.3, 0.6272, 0.8, 0.9])
    price = eq.compute_price(u, 0.6272, 1.5)
    assert price[1] == pytest.approx(1.0)
    assert np.all(np.diff(price) > 0) and np.all(np.diff(np.diff(price)) > 0)


def test_hhi_bounds():
    assert eq.hhi([1.0]) == 1.0
    assert eq.hhi([1.0] * 4) == pytest.approx(0.25)
    assert eq.hhi([0.0, 0.0]) == 0.0


def test_trust_update_clips_as_numpy_does():
    # E17's bounds on plain floats: np.clip's numbers, NaN kept.
    rng = np.random.default_rng(3)
    for _ in range(500):
        trust, recovery, loss, incidents = rng.normal(0.5, 1.0, 4)
        updated = trust + recovery * (1.0 - trust) - loss * incidents
        want = float(np.clip(updated, 0.05, 1.0))
        assert eq.trust_update(trust, recovery, loss, incidents) == want
    assert np.isnan(eq.trust_update(np.nan, 0.1, 0.0, 0.0))
