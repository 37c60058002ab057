"""Partners' compute abroad (E30, E31, ODD 7.8): sized by the global compute shares, open as
far as openness allows, taken when the domestic price rises above its price."""

from __future__ import annotations

import numpy as np
import pytest

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.agents import ComputeClusters
from econ.scenarios import get_scenario

P = get_scenario("china_2024")


def clusters(**params):
    p = P.replace(**params)
    return ComputeClusters.build(p), p


@pytest.mark.parametrize("price", [0.5, 1.0, 1.7, 3.0])
def test_utilisation_at_price_inverts_the_compute_price(price):
    u = eq.utilisation_at_price(price, 0.48, 1.5)
    assert eq.compute_price(u, 0.48, 1.5) == pytest.approx(price)


def test_utilisation_at_price_stays_in_range():
    # Below an idle cluster's price no utilisation reaches it; above the cap's price, 0.95.
    assert eq.utilisation_at_price(0.1, 0.48, 1.5) == 0.0
    assert eq.utilisation_at_price(0.0, 0.48, 1.5) == 0.0
    assert eq.utilisation_at_price(-1.0, 0.48, 1.5) == 0.0
    assert eq.utilisation_at_price(1e6, 0.48, 1.5) == 0.95


@pytest.mark.parametrize("steepness", [0.0, 1e-300, 1e-9, 10.0])
def test_utilisation_at_price_holds_at_the_documented_steepness_bounds(steepness):
    # Hypothesis found eta = 0 dividing by zero and a tiny price overflowing the power.
    prices = np.array([0.0, 1e-300, 0.5, 1.0, 1.5, 1e300])
    with np.errstate(all="raise"):
        u = eq.utilisation_at_price(prices, 0.48, steepness)
    assert ((u >= 0) & (u <= 0.95)).all() and (np.diff(u) >= 0).all()
    assert u[0] == u[1] == 0.0 and u[-1] == 0.95
    if steepness == 0.0:  # a flat price: any price at 1 or above reaches the cap
        assert u.tolist() == [0.0, 0.0, 0.0, 0.95, 0.95, 0.95]


def test_foreign_capacity_scales_with_the_global_shares_and_openness():
    base = eq.foreign_compute_capacity(1000.0, 0.55, 0.33, 0.05, 0.3)
    assert base == pytest.approx(0.05 * 0.55 / 0.33 * 0.3 * 1000.0)
    assert eq.foreign_compute_capacity(1000.0, 0.55, 0.33, 0.05, 0.0) == 0.0
    assert eq.foreign_compute_capacity(1000.0, 1.10, 0.33, 0.05, 0.3) == pytest.approx(2 * base)
    assert eq.foreign_compute_capacity(1000.0, 0.55, 0.66, 0.05, 0.3) == pytest.approx(base / 2)
    assert eq.foreign_compute_capacity(2000.0, 0.55, 0.33, 0.05, 0.6) == pytest.approx(4 * base)


def _at_home_and_abroad(load, abroad_racks, **params):
    home, p = clusters(**params)
    mixed, _ = clusters(**params)
    return home, mixed, p, home.route(p, load, 0.0), mixed.route(p, load, 0.0, abroad_racks)


def test_no_racks_abroad_routes_as_at_home():
    params = dict(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, foreign_compute_price=1.2
    )
    home, mixed, _, alone, none_abroad = _at_home_and_abroad(400.0, 0.0, **params)
    assert alone == none_abroad and mixed.abroad_load_racks == 0.0
    assert np.array_equal(home.table.data_load_racks, mixed.table.data_load_racks)


def test_cheap_domestic_compute_keeps_work_at_home():
    # 100 racks of data work leave the domestic price near 1, below the foreign price of 2.
    params = dict(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, foreign_compute_price=2.0
    )
    home, mixed, p, alone, with_room = _at_home_and_abroad(100.0, 500.0, **params)
    assert max(home.price_index(p)) < 2.0
    assert with_room == alone and mixed.abroad_load_racks == 0.0 and mixed.abroad_share() == 0.0


def test_work_goes_abroad_until_the_domestic_price_falls_to_the_foreign_one():
    params = dict(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, foreign_compute_price=1.5
    )
    home, mixed, p, (_, served_home), (west, served) = _at_home_and_abroad(400.0, 1e6, **params)
    assert min(home.price_index(p)) > 1.5  # at home alone, the price rises above abroad's
    abroad = mixed.abroad_load_racks
    assert 0 < abroad < 400.0 and served == served_home == 1.0
    assert mixed.table.data_load_racks.sum() + abroad == pytest.approx(400.0)
    # Both clusters now charge the foreign price (no latency cost here): the work is split
    # where every place it can go costs the same.
    assert np.allclose(mixed.price_index(p), [1.5, 1.5], atol=1e-4)
    assert mixed.utilisation() < home.utilisation()
    # Firms plan with the blend: the domestic price on the work at home, abroad's on the rest.
    assert mixed.blended_price(p, west, 0.0) == pytest.approx(1.5, abs=1e-4)
    assert mixed.abroad_share() == pytest.approx(abroad / 400.0)


def test_racks_abroad_cap_what_goes_abroad():
    params = dict(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, foreign_compute_price=1.5
    )
    _, mixed, p, _, _ = _at_home_and_abroad(400.0, 20.0, **params)
    assert mixed.abroad_load_racks == 20.0
    assert mixed.table.data_load_racks.sum() == pytest.approx(380.0)
    assert min(mixed.price_index(p)) > 1.5  # the cap binds, so home stays dearer


def test_racks_abroad_serve_work_rationed_at_home():
    params = dict(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, foreign_compute_price=50.0
    )
    _, _, _, (_, served_home), (_, served) = _at_home_and_abroad(2000.0, 300.0, **params)
    assert served_home < 0.3
    assert served > served_home
    # Even above the capped domestic price, what home cannot serve goes abroad.
    assert served == pytest.approx(served_home + 300.0 / 2000.0, abs=0.05)


def _run(openness, **params):
    model = DataEconomy(
        policy=Policy(openness=openness), scenario=P.replace(**params), n_firms=300, seed=7
    )
    return model.run(12)


def test_a_closed_economy_computes_at_home():
    series = _run(0.0, foreign_compute_price=1.0, foreign_compute_access=0.15)
    assert (series["compute_abroad_share"] == 0).all()


def test_open_economy_uses_cheap_compute_abroad_and_relieves_home():
    cheap = dict(foreign_compute_price=1.0, foreign_compute_access=0.15)
    open_ = _run(1.0, **cheap)
    no_access = _run(1.0, foreign_compute_price=1.0, foreign_compute_access=0.0)
    assert (open_["compute_abroad_share"] > 0).any()
    assert (no_access["compute_abroad_share"] == 0).all()
    assert (open_["compute_utilisation"] <= no_access["compute_utilisation"] + 1e-12).all()
    assert open_["compute_utilisation"].iloc[-1] < no_access["compute_utilisation"].iloc[-1]


def test_more_partner_compute_carries_more_work_when_access_binds():
    cheap = dict(foreign_compute_price=0.8, foreign_compute_access=0.01)
    small = _run(1.0, **cheap, foreign_compute_share=0.3)
    large = _run(1.0, **cheap, foreign_compute_share=0.6)
    assert large["compute_abroad_share"].sum() > small["compute_abroad_share"].sum() > 0
