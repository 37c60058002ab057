"""Equations E1-E20 pinned at non-trivial inputs (issue #17, mutation testing).

Each expected value is worked out by hand from the formula in the equation's docstring, at
inputs chosen so that every term matters (non-zero costs, data_scale != 1, distinct values
for every term), and the direction of each effect is asserted on its own. ``tests/MUTATION.md``
lists the mutants these tests leave alive on purpose.
"""

import math

import numpy as np
import pytest

from econ import equations as eq


def effect(f, base, name, step):
    """Change in ``f(**base)`` when input ``name`` grows by ``step``."""
    return f(**{**base, name: base[name] + step}) - f(**base)


# E1-E4: output, marginal product and value of data ---------------------------------------


def test_e1_data_free_output():
    # A K^alpha = 2 * 9^0.5
    assert eq.data_free_output(2.0, 9.0, 0.5) == pytest.approx(6.0)
    assert eq.data_free_output(2.0, 9.0, 0.0) == pytest.approx(2.0)


E2 = {"base_output": 6.0, "data_stock": 6.0, "data_elasticity": 0.5, "data_scale": 2.0}


def test_e2_output_with_data_scale():
    # 6 (1 + 6/2)^0.5 = 6 * 2
    assert eq.output(**E2) == pytest.approx(12.0)
    assert eq.output(**{**E2, "data_stock": 0.0}) == pytest.approx(6.0)  # no data: E1's output
    assert effect(eq.output, E2, "data_stock", 1.0) > 0
    assert effect(eq.output, E2, "data_scale", 1.0) < 0  # a larger D0 makes data count less
    assert effect(eq.output, E2, "data_elasticity", 0.1) > 0
    assert effect(eq.output, E2, "base_output", 1.0) > 0


def test_e3_marginal_product_with_data_scale():
    # beta A K^alpha (1 + D/D0)^(beta-1) / D0 = 0.5 * 6 * 4^-0.5 / 2
    assert eq.marginal_product_of_data(**E2) == pytest.approx(0.75)
    assert eq.marginal_product_of_data(**{**E2, "data_stock": 0.0}) == pytest.approx(1.5)
    assert effect(eq.marginal_product_of_data, E2, "data_stock", 1.0) < 0  # diminishing
    assert effect(eq.marginal_product_of_data, E2, "base_output", 1.0) > 0
    # E3 is the derivative of E2 with respect to D, here with D0 = 2.
    h = 1e-6
    numeric = (eq.output(**{**E2, "data_stock": 6.0 + h}) - eq.output(**E2)) / h
    assert eq.marginal_product_of_data(**E2) == pytest.approx(numeric, rel=1e-5)


def test_e4_licence_value_is_marginal_product_times_size_times_life():
    # 2 * 3 / (1 - (1 - 0.5) / (1 + 0.25)) = 6 / 0.6
    assert eq.data_licence_value(2.0, 3.0, 0.5, 0.25) == pytest.approx(10.0)
    base = {"marginal_product": 2.0, "size": 3.0, "depreciation": 0.5, "discount_rate": 0.25}
    assert effect(eq.data_licence_value, base, "size", 1.0) == pytest.approx(10.0 / 3)
    assert effect(eq.data_licence_value, base, "marginal_product", 1.0) == pytest.approx(5.0)
    assert effect(eq.data_licence_value, base, "depreciation", 0.1) < 0
    assert effect(eq.data_licence_value, base, "discount_rate", 0.1) < 0


# E5, E5b, E6, E7: prices -------------------------------------------------------------------


def test_e5_price_with_a_cost_per_sale():
    wtp = np.array([[10.0], [6.0], [5.0], [4.5], [0.0]])
    # Without cost, k p = 10, 12, 15, 18: four sold at 4.5.
    assert eq.revenue_maximising_price(wtp, 0.0, min_buyers=1)[0] == 4.5
    # With cost 3, k (p - 3) = 7, 6, 6, 6: one sold at 10; the cost is subtracted, not added.
    assert eq.revenue_maximising_price(wtp, 3.0, min_buyers=1)[0] == 10.0
    # Nobody pays more than the cost: no sale (price 0).
    assert eq.revenue_maximising_price(wtp, 20.0, min_buyers=1)[0] == 0.0


def test_e5_a_price_that_only_covers_the_cost_is_no_sale():
    wtp = np.array([[2.0], [2.0], [np.nan]])
    assert eq.revenue_maximising_price(wtp, 2.0, min_buyers=1)[0] == 0.0
    # A profit of 0.5 in all is still a sale, though below 1.
    assert eq.revenue_maximising_price(wtp, 1.75, min_buyers=1)[0] == 2.0


def test_e5_each_column_is_priced_on_its_own():
    wtp = np.array(
        [
            [10.0, 1.0, 3.0],
            [1.0, 9.0, 3.0],
            [1.0, 8.0, np.nan],
            [1.0, 1.0, 3.0],
        ]
    )
    # Column 0: k p = 10, 2, 3, 4 -> 10; column 1 (ranked 9, 8, 1, 1): 9, 16, 3, 4 -> 8;
    # column 2 (3, 3, 3, 0): 3, 6, 9, 0 -> 3.
    np.testing.assert_array_equal(eq.revenue_maximising_price(wtp, min_buyers=1), [10.0, 8.0, 3.0])
    # With cost 1 the third column still sells three at 3 (profit 6) and the second two at 8.
    np.testing.assert_array_equal(
        eq.revenue_maximising_price(wtp, 1.0, min_buyers=1), [10.0, 8.0, 3.0]
    )


def test_e5_min_buyers():
    wtp = np.array([[10.0], [9.0], [8.0]])
    assert eq.revenue_maximising_price(wtp, 1.0, min_buyers=1)[0] == 8.0  # 9, 16, 21
    wtp = np.array([[30.0], [9.0], [8.0]])
    assert eq.revenue_maximising_price(wtp, 0.0, min_buyers=1)[0] == 30.0
    assert eq.revenue_maximising_price(wtp, 0.0, min_buyers=2)[0] == 8.0  # 18 vs 24
    # Fewer sampled buyers than min_buyers: sell to all of them.
    assert eq.revenue_maximising_price(wtp, 1.0, min_buyers=5)[0] == 8.0


def test_e5_defaults_are_no_cost_and_five_buyers():
    wtp = np.array(
        [
            [10.0, 0.5],
            [10.0, 0.5],
            [10.0, 0.5],
            [10.0, 0.5],
            [10.0, 0.5],
            [1.0, 0.5],
        ]
    )
    # Column 0: five buyers at 10 (50) beat six at 1; column 1 sells at 0.5 only if the
    # default cost is below 0.5.
    np.testing.assert_array_equal(eq.revenue_maximising_price(wtp), [10.0, 0.5])


def test_e5b_prices_move_part_way_toward_the_target():
    previous = np.array([0.0, 10.0, 10.0, 0.5])
    target = np.array([8.0, 20.0, 4.0, 8.5])
    # A first quarter starts at the target; otherwise p + 0.25 (target - p).
    np.testing.assert_allclose(eq.adjusted_price(previous, target, 0.25), [8.0, 12.5, 8.5, 2.5])
    # Never away from the target, never past it.
    moved = eq.adjusted_price(previous[1:], target[1:], 0.25)
    assert np.all(np.abs(target[1:] - moved) < np.abs(target[1:] - previous[1:]))
    assert np.all(np.sign(target[1:] - moved) == np.sign(target[1:] - previous[1:]))
    np.testing.assert_allclose(eq.adjusted_price(previous, target, 1.0), target)


def test_e6_oligopoly_price():
    # c + (p_m - c) / n = 10 + 90 / 3
    assert eq.oligopoly_price(100.0, 10.0, 3) == pytest.approx(40.0)
    assert eq.oligopoly_price(100.0, 10.0, 1) == pytest.approx(100.0)
    assert eq.oligopoly_price(100.0, 10.0, 0) == pytest.approx(100.0)  # taken as one seller
    # A monopoly price below cost is no mark-up at all.
    assert eq.oligopoly_price(5.0, 10.0, 2) == pytest.approx(10.0)
    assert eq.oligopoly_price(100.0, 20.0, 2) == pytest.approx(60.0)


def test_e7_allowed_revenue():
    assert eq.allowed_revenue(200.0, 0.1) == pytest.approx(220.0)
    assert eq.allowed_revenue(200.0, 0.0) == pytest.approx(200.0)


def test_e7b_revenue_cap_adjustment():
    net = np.array([100.0, 100.0, 100.0, 100.0, 0.5, 0.0, 0.0, -5.0])
    allowed = np.array([80.0, 110.0, 200.0, 20.0, 0.45, 50.0, 0.0, 50.0])
    # allowed / revenue in [0.5, 1.25]; no revenue: the most a price may recover (1.25),
    # whatever is allowed.
    np.testing.assert_allclose(
        eq.revenue_cap_adjustment(net, allowed), [0.8, 1.1, 1.25, 0.5, 0.9, 1.25, 1.25, 1.25]
    )


# E8-E19: holders, operators, risk, compute, cross-border, trust -----------------------------


def test_e8_effort_optimum():
    # (m + r + v u) / c = (0.1 + 0.2 + 0.3) / 2
    assert eq.effort_optimum(0.1, 0.2, 0.3, 2.0) == pytest.approx(0.3)
    assert eq.effort_optimum(0.1, 0.2, 0.3, 0.5) == 1.0
    assert eq.effort_optimum(-1.0, 0.2, 0.3, 2.0) == 0.0
    base = {"mandate": 0.1, "revenue_per_effort": 0.2, "visibility_per_effort": 0.3, "cost": 2.0}
    for term in ("mandate", "revenue_per_effort", "visibility_per_effort"):
        assert effect(eq.effort_optimum, base, term, 0.1) == pytest.approx(0.05), term
    assert effect(eq.effort_optimum, base, "cost", 1.0) < 0


E9 = {
    "base_rate": 0.02,
    "exposure": 50.0,
    "infrastructure": 0.5,
    "security": 0.25,
    "review": 0.5,
    "bridge_alignment": 0.4,
}


def test_e9_incident_rate():
    # 0.02 * 50 * (1 - 0.6 * 0.5) * exp(-2 * 0.25) * (1 - 0.7 * 0.5) * (1 - 0.5 * 0.4)
    expected = 1.0 * 0.7 * math.exp(-0.5) * 0.65 * 0.8
    assert eq.incident_rate(**E9) == pytest.approx(expected)
    # Each safeguard on its own, at full strength.
    none = {**E9, "infrastructure": 0.0, "security": 0.0, "review": 0.0, "bridge_alignment": 0.0}
    assert eq.incident_rate(**none) == pytest.approx(1.0)
    assert eq.incident_rate(**{**none, "infrastructure": 1.0}) == pytest.approx(0.4)
    assert eq.incident_rate(**{**none, "security": 1.0}) == pytest.approx(math.exp(-2.0))
    assert eq.incident_rate(**{**none, "review": 1.0}) == pytest.approx(0.3)
    assert eq.incident_rate(**{**none, "bridge_alignment": 1.0}) == pytest.approx(0.5)
    assert effect(eq.incident_rate, E9, "exposure", 50.0) == pytest.approx(expected)
    for safeguard in ("infrastructure", "security", "review", "bridge_alignment"):
        assert effect(eq.incident_rate, E9, safeguard, 0.1) < 0, safeguard


def test_e10_compute_price():
    u = np.array([0.5, 0.8, 0.95, 0.99])
    # ((1 - 0.6) / (1 - u))^2, with u taken at most 0.95
    np.testing.assert_allclose(eq.compute_price(u, 0.6, 2.0), [0.64, 4.0, 64.0, 64.0])
    assert eq.compute_price(0.6, 0.6, 2.0) == pytest.approx(1.0)


def test_e11_hhi():
    assert eq.hhi([0.2, 0.6]) == pytest.approx(0.625)  # 0.25^2 + 0.75^2
    assert eq.hhi(np.array([1.0, 1.0, 2.0])) == pytest.approx(0.375)
    assert eq.hhi([0.0, 0.0]) == 0.0
    assert eq.hhi([]) == 0.0
    # Integer counts are shares too, even where an integer sum would overflow.
    assert eq.hhi([2**62, 2**62]) == pytest.approx(0.5)


def test_e12_fresh_datasets():
    # S (1 - rho) + kappa e = 100 * 0.9 + 8 * 0.5
    assert eq.fresh_datasets(100.0, 0.5, 8.0, 0.1) == pytest.approx(94.0)
    base = {"datasets": 100.0, "effort": 0.5, "release_per_effort": 8.0, "staleness": 0.1}
    assert effect(eq.fresh_datasets, base, "effort", 0.5) == pytest.approx(4.0)
    assert effect(eq.fresh_datasets, base, "staleness", 0.1) == pytest.approx(-10.0)


def test_e13_public_product_size():
    # s0 sqrt(S / S0) (0.5 + 0.5 e / e0) = 10 * sqrt(36 / 4) * (0.5 + 0.5 * 0.5 / 0.25)
    assert eq.public_product_size(10.0, 36.0, 4.0, 0.5, 0.25) == pytest.approx(45.0)
    assert eq.public_product_size(10.0, 4.0, 4.0, 0.25, 0.25) == pytest.approx(10.0)
    assert eq.public_product_size(10.0, 4.0, 4.0, 0.0, 0.25) == pytest.approx(5.0)
    base = {
        "base_size": 10.0,
        "datasets": 36.0,
        "reference_datasets": 4.0,
        "effort": 0.5,
        "reference_effort": 0.25,
    }
    assert effect(eq.public_product_size, base, "datasets", 13.0) > 0
    assert effect(eq.public_product_size, base, "reference_datasets", 1.0) < 0
    assert effect(eq.public_product_size, base, "effort", 0.1) > 0
    assert effect(eq.public_product_size, base, "reference_effort", 0.1) < 0


def test_e14_security_level():
    assert eq.security_level(30.0, 100.0) == pytest.approx(0.5)  # 0.2 + 30 / 100
    assert eq.security_level(0.0, 100.0) == pytest.approx(0.2)
    assert eq.security_level(200.0, 100.0) == 1.0
    assert eq.security_level(-50.0, 100.0) == 0.0  # in [0, 1] whatever the inputs


def test_e15_approval_probability():
    # openness (1 - strictness * sensitivity * (1 - 0.5 alignment))
    assert eq.approval_probability(0.8, 0.5, 0.6, 0.5) == pytest.approx(0.8 * 0.775)
    assert eq.approval_probability(0.8, 0.5, 0.6, 0.0) == pytest.approx(0.8 * 0.7)
    assert eq.approval_probability(0.8, 0.5, 0.6, 1.0) == pytest.approx(0.8 * 0.85)
    assert eq.approval_probability(0.8, 0.0, 0.6, 0.0) == pytest.approx(0.8)
    # The relief r (bridge_review_relief): aligned transfers are spared r of review.
    assert eq.approval_probability(0.8, 0.5, 0.6, 1.0, 0.0) == pytest.approx(0.8 * 0.7)
    assert eq.approval_probability(0.8, 0.5, 0.6, 1.0, 1.0) == pytest.approx(0.8)
    assert eq.approval_probability(0.8, 0.5, 0.6, 0.5, 0.8) == pytest.approx(0.8 * 0.82)
    base = {"openness": 0.8, "strictness": 0.5, "sensitivity": 0.6, "alignment": 0.5}
    assert effect(eq.approval_probability, base, "openness", 0.1) > 0
    assert effect(eq.approval_probability, base, "strictness", 0.1) < 0
    assert effect(eq.approval_probability, base, "sensitivity", 0.1) < 0
    assert effect(eq.approval_probability, base, "alignment", 0.1) > 0


def test_e16_cross_border_cost():
    # c_x (1 - 0.5 infra) (1 + strictness) (1 - bridge) = 1000 * 0.8 * 1.5 * 0.8
    assert eq.cross_border_cost(1000.0, 0.4, 0.5, 0.2) == pytest.approx(960.0)
    assert eq.cross_border_cost(1000.0, 0.0, 0.0, 0.0) == pytest.approx(1000.0)
    assert eq.cross_border_cost(1000.0, 1.0, 0.0, 0.0) == pytest.approx(500.0)
    assert eq.cross_border_cost(1000.0, 0.0, 1.0, 0.0) == pytest.approx(2000.0)
    assert eq.cross_border_cost(1000.0, 0.0, 0.0, 0.25) == pytest.approx(750.0)


def test_e17_trust_update():
    # trust + recovery (1 - trust) - loss * incidents = 0.6 + 0.1 * 0.4 - 0.05 * 2
    assert eq.trust_update(0.6, 0.1, 0.05, 2.0) == pytest.approx(0.54)
    assert eq.trust_update(0.6, 0.1, 0.0, 0.0) == pytest.approx(0.64)
    base = {
        "trust": 0.6,
        "recovery": 0.1,
        "loss_per_incident": 0.05,
        "incidents_per_thousand_firms": 2.0,
    }
    assert effect(eq.trust_update, base, "incidents_per_thousand_firms", 1.0) == pytest.approx(
        -0.05
    )
    assert effect(eq.trust_update, base, "recovery", 0.1) == pytest.approx(0.04)
    # Trust stays in [0.05, 1] whatever the inputs.
    assert eq.trust_update(0.1, 0.1, 1.0, 1.0) == 0.05
    assert eq.trust_update(0.9, 1.5, 0.0, 0.0) == 1.0
    assert type(eq.trust_update(0.6, 0.1, 0.05, np.float64(2.0))) is float


def test_e18_capability_growth():
    assert eq.capability_growth(0.25, 0.4) == pytest.approx(0.075)  # 0.4 * 0.25 * 0.75
    assert eq.capability_growth(1.0, 0.4) == pytest.approx(0.0)


def test_e19_exit_probability():
    surplus = np.array([-1.0, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(eq.exit_probability(0.01, surplus), [0.05, 0.01, 0.01, 0.01])


# E20: welfare --------------------------------------------------------------------------------

WELFARE_TERMS = {
    "firm_surplus": 1.0,
    "operator_profit": 2.0,
    "holder_revenue": 4.0,
    "supplier_revenue": 8.0,
    "government_receipts": 16.0,
    "supply_cost": 32.0,
    "incident_loss": 64.0,
}


def test_e20_welfare_is_the_sum_of_its_parts():
    # Powers of two: any flipped sign or dropped term gives another total.
    assert eq.welfare(**WELFARE_TERMS) == 1 + 2 + 4 + 8 + 16 - 32 - 64
    assert eq.welfare(**WELFARE_TERMS) == -65.0


@pytest.mark.parametrize(
    ("term", "sign"),
    [
        ("firm_surplus", 1),
        ("operator_profit", 1),
        ("holder_revenue", 1),
        ("supplier_revenue", 1),
        ("government_receipts", 1),
        ("supply_cost", -1),
        ("incident_loss", -1),
    ],
)
def test_e20_each_term_counts_once_with_its_sign(term, sign):
    assert effect(eq.welfare, WELFARE_TERMS, term, 100.0) == sign * 100.0


# --- E21-E23: partners, lever costs, remembered incidents ---------------------------------


def test_e23_incident_pressure_remembers_three_quarters_of_the_past():
    # x' = m x + (1 - m) incidents: a weighted mean that moves toward the new rate.
    assert eq.incident_pressure(2.0, 4.0, 0.75) == pytest.approx(2.5)
    assert eq.incident_pressure(2.0, 4.0) == pytest.approx(2.5)  # m = 0.75 by default
    assert eq.incident_pressure(4.0, 0.0, 0.5) == pytest.approx(2.0)
    assert eq.incident_pressure(1.0, 1.0, 0.3) == pytest.approx(1.0)  # steady at a steady rate


def test_e21_partners_move_toward_reciprocity_and_retaliate():
    # target 1 - r (1 - openness); partial adjustment; minus retaliation per incident.
    assert eq.partner_openness(0.9, 0.2, 0.5, 0.5, 0.0, 0.0) == pytest.approx(0.9 - 0.5 * 0.3)
    assert eq.partner_openness(0.9, 0.2, 0.5, 0.5, 0.1, 2.0) == pytest.approx(0.75 - 0.2)
    assert eq.partner_openness(0.5, 1.0, 0.8, 1.0, 0.0, 0.0) == pytest.approx(1.0)
    assert eq.partner_openness(0.5, 0.0, 0.0, 1.0, 0.0, 0.0) == pytest.approx(1.0)  # ignore
    assert eq.partner_openness(0.1, 0.0, 1.0, 0.5, 0.5, 3.0) == 0.0  # clipped at 0
    # More openness at home, more abroad; more incidents, less.
    assert eq.partner_openness(0.6, 0.8, 0.5, 0.5, 0.0, 0.0) > eq.partner_openness(
        0.6, 0.4, 0.5, 0.5, 0.0, 0.0
    )


def test_e22_each_lever_costs_its_level_times_its_full_cost():
    costs = {"infrastructure": 100.0, "registration": 10.0, "review": 7.0, "audit": 3.0,
             "bridge": 50.0}  # fmt: skip
    assert eq.policy_cost(0.5, True, 0.2, 4, False, costs) == pytest.approx(
        50.0 + 10.0 + 1.4 + 12.0
    )
    assert eq.policy_cost(0.0, False, 0.0, 0, True, costs) == pytest.approx(50.0)
    assert eq.policy_cost(1.0, False, 1.0, 0, False, costs) == pytest.approx(107.0)
    assert eq.policy_cost(0.0, False, 0.0, 0, False, costs) == 0.0


# --- E24: the firm-size skew --------------------------------------------------------------


def test_e24_top_share_counts_the_largest_tenth():
    # 20 firms: the two largest (10 and 30) of a total of 18 * 1 + 10 + 30 = 58.
    sizes = np.array([1.0] * 9 + [30.0] + [1.0] * 9 + [10.0])
    assert eq.top_share(sizes) == pytest.approx(40 / 58)
    assert eq.top_share(sizes, 0.05) == pytest.approx(30 / 58)  # the one largest
    # A part of a unit counts as a whole unit: 11 firms, the top tenth is 2 of them.
    assert eq.top_share(np.arange(11.0)) == pytest.approx((10 + 9) / 55)
    assert eq.top_share(sizes, 1.0) == pytest.approx(1.0)


def test_e24_equal_sizes_give_the_fraction_and_skew_raises_it():
    assert eq.top_share(np.full(50, 3.0)) == pytest.approx(0.1)
    skewed = np.full(50, 3.0)
    skewed[:5] = 9.0  # the largest tenth grows, the rest stay
    assert eq.top_share(skewed) == pytest.approx(45 / (45 + 135))  # 0.25 > 0.1
    assert eq.top_share(np.zeros(4)) == 0.0
    assert eq.top_share([]) == 0.0


def test_e24_a_total_below_one_is_still_a_total():
    # Shares of small sizes: only a total of exactly zero has no top share.
    assert eq.top_share([0.2, 0.3]) == pytest.approx(0.6)
    assert eq.top_share([0.0, 0.5, 0.25], 0.5) == pytest.approx(1.0)
