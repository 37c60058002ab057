"""Each population's behaviour pinned at non-trivial inputs (issue #17, mutation testing).

Firms, public holders, private suppliers, operators, the regulator and the compute clusters
are exercised through their public methods on small tables whose state is set here, and the
expected numbers come from the equations of docs/ODD.md 7 worked out independently.
Random parts are checked with extreme settings (certain or impossible events) or against
their expected frequency over many draws.
"""

from dataclasses import dataclass

import mesa
import numpy as np
import pytest
from scipy import stats

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.agents import (
    MAX_OPERATORS,
    ComputeClusters,
    CrossBorderFirm,
    Firm,
    Firms,
    FirmTable,
    HolderTable,
    Operators,
    Population,
    PrivateSuppliers,
    PublicDataHolder,
    PublicHolders,
    Regulator,
    Table,
    TableAgent,
)
from econ.agents.compute import EAST, WEST, latency_cost
from econ.agents.holders import public_fees
from econ.agents.regulator import poisson_draws
from econ.agents.table import column
from econ.categories import Region, Sector
from econ.scenarios import get_scenario

P = get_scenario("small", n_firms=200)


# --- public holders (E8, E12, E13, fees) ---------------------------------------------------


def holders(effort=(0.2, 0.5, 0.9), uses=(10.0, 0.0, 40.0), fees=(300.0, 0.0, 900.0)):
    table = HolderTable.zeros(
        3,
        sector=np.array([0, 1, 2], dtype=np.int8),
        effort=np.array(effort, dtype=float),
        datasets=np.array([100.0, 200.0, 300.0]),
        uses=np.array(uses),
        fee_revenue=np.array(fees),
        share_revenue=np.array([50.0, 0.0, 10.0]),
    )
    return PublicHolders(table)


def effort_after(p, policy, cost=4000.0, mandate=500.0, **state):
    h = holders(**state)
    before = h.table.effort.copy()
    h.choose_effort(policy, p, cost, mandate)
    return before, h.table


def e8_target(p, policy, effort, uses, fees, share, cost, mandate):
    effort = np.maximum(effort, 0.05)
    kept = p.fee_retention * fees + share
    visible = uses if policy.registration else 0.0
    value = p.visibility_value_share * p.reference_price_rmb
    return np.clip((mandate + kept / effort + value * visible / effort) / cost, 0.0, 1.0)


@pytest.mark.parametrize("registration", [True, False])
def test_holder_effort_moves_toward_e8_with_fee_retention_and_visibility(registration):
    p = P.replace(fee_retention=0.4, visibility_value_share=0.02, effort_adjustment=0.3)
    policy = Policy(registration=registration)
    effort = np.array([0.2, 0.5, 0.9])
    before, h = effort_after(p, policy, cost=60_000.0, effort=tuple(effort))
    target = e8_target(
        p,
        policy,
        effort,
        np.array([10.0, 0.0, 40.0]),
        np.array([300.0, 0.0, 900.0]),
        np.array([50.0, 0.0, 10.0]),
        60_000.0,
        500.0,
    )
    assert np.all((target > 0) & (target < 1))
    assert np.allclose(h.effort, before + 0.3 * (target - before))
    assert len(np.unique(np.round(target, 6))) == 3  # every holder's optimum differs


def test_holder_effort_responds_to_each_incentive_in_its_direction():
    p = P.replace(visibility_value_share=0.002)
    base = dict(effort=(0.3, 0.3, 0.3), uses=(20.0, 20.0, 20.0), fees=(400.0, 400.0, 400.0))
    base["cost"] = 20_000.0
    _, ref = effort_after(p, Policy(), **base)
    _, more_fees = effort_after(p, Policy(), **{**base, "fees": (800.0, 800.0, 800.0)})
    _, more_uses = effort_after(p, Policy(), **{**base, "uses": (60.0, 60.0, 60.0)})
    _, hidden_uses = effort_after(
        p, Policy(registration=False), **{**base, "uses": (60.0, 60.0, 60.0)}
    )
    _, hidden = effort_after(p, Policy(registration=False), **base)
    _, retain = effort_after(p.replace(fee_retention=1.0), Policy(), **base)
    _, dearer = effort_after(p, Policy(), **{**base, "cost": 40_000.0})
    _, mandate = effort_after(p, Policy(), mandate=900.0, **base)
    assert 0 < ref.effort[0] < more_fees.effort[0] < 1
    e = ref.effort[0]
    assert more_fees.effort[0] > e and more_uses.effort[0] > e and retain.effort[0] > e
    assert mandate.effort[0] > e and dearer.effort[0] < e
    # Visibility only with registration: without it more uses change nothing.
    assert hidden.effort[0] < e and hidden_uses.effort[0] == hidden.effort[0]


def test_holder_effort_floor_for_rates_and_fixed_supply():
    # At effort 0.01 revenue per unit effort is read at effort 0.05, not 0.01.
    p = P.replace(effort_adjustment=1.0, visibility_value_share=0.0, fee_retention=1.0)
    _, h = effort_after(p, Policy(), cost=1e5, mandate=0.0, effort=(0.01, 0.01, 0.01))
    assert h.effort[0] == pytest.approx((300.0 + 50.0) / 0.05 / 1e5)
    _, fixed = effort_after(P.replace(supply_responds=False), Policy(), effort=(0.2, 0.5, 0.9))
    assert np.array_equal(fixed.effort, [0.2, 0.5, 0.9])


def test_holder_datasets_e12_and_supply_cost():
    p = P.replace(dataset_staleness=0.1, open_datasets=3600.0, n_holders=12, initial_effort=0.5)
    _, h = effort_after(p.replace(supply_responds=False), Policy(), cost=4000.0)
    release = 0.1 * (3600.0 / 12) / 0.5  # keeps datasets steady at initial effort
    effort = np.array([0.2, 0.5, 0.9])
    assert np.allclose(h.datasets, np.array([100.0, 200.0, 300.0]) * 0.9 + release * effort)
    assert np.allclose(h.supply_cost, 4000.0 * effort**2 / 2)


def test_holder_product_size_e13_and_sensitive_quality():
    # S0 is the reference density of datasets per holder, not the scenario's own start.
    p = P.replace(
        open_datasets=2400.0,
        n_holders=12,
        reference_datasets_per_holder=200.0,
        initial_effort=0.5,
        public_product_size=2.0,
    )
    h = holders(effort=(0.25, 0.5, 1.0))
    h.table.datasets = np.array([50.0, 200.0, 800.0])
    want = 2.0 * np.sqrt(np.array([0.25, 1.0, 4.0])) * (0.5 + 0.5 * np.array([0.5, 1.0, 2.0]))
    assert np.allclose(h.product_size(p), want)
    assert h.sensitive_quality(p) == pytest.approx(np.mean(0.5 + 0.5 * np.array([0.5, 1, 2])))


def test_sensitive_quality_is_numpys_mean_bit_for_bit():
    rng = np.random.default_rng(1)
    p = P.replace(initial_effort=0.3)
    for n in (1, 7, 8, 9, 12, 40, 300):
        h = PublicHolders(HolderTable.zeros(n, effort=rng.random(n)))
        want = float(np.mean(0.5 + 0.5 * h.table.effort / 0.3))
        assert h.sensitive_quality(p) == want


def test_public_fees_under_each_pricing_regime():
    p = P.replace(reference_price_rmb=800.0)
    assert public_fees(Policy(pricing="free", price_level=2.0), p) == (0.0, 0.0)
    assert public_fees(Policy(pricing="conditional_free", price_level=2.0), p) == (1600.0, 0.0)
    assert public_fees(Policy(pricing="cost_recovery", price_level=0.5), p) == (400.0, 400.0)
    assert public_fees(Policy(pricing="market"), p) is None


def test_holder_prices_fixed_regime_and_market_pricing():
    p = P.replace(reference_price_rmb=800.0, price_adjustment=0.5)
    h = holders()
    h.set_prices(Policy(pricing="conditional_free", price_level=1.5), p, np.zeros((10, 3)))
    assert np.all(h.table.price == 1200.0) and np.all(h.table.price_public_interest == 0.0)
    wtp = np.random.default_rng(1).uniform(0, 2000, size=(30, 3))
    h.table.price = np.array([0.0, 1000.0, 400.0])
    h.set_prices(Policy(pricing="market"), p, wtp)
    target = np.sort(wtp, axis=0)[::-1]
    target = target[np.argmax(np.arange(1, 31)[:, None] * target, axis=0), range(3)]
    want = np.array([target[0], 1000 + 0.5 * (target[1] - 1000), 400 + 0.5 * (target[2] - 400)])
    assert np.allclose(h.table.price, want)
    assert np.array_equal(h.table.price_public_interest, h.table.price)


def test_holders_receive_fees_and_the_revenue_share_by_effort():
    h = holders(effort=(0.05, 0.15, 0.3))  # efforts sum to 0.5
    h.receive(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]), 500.0)
    assert np.array_equal(h.table.uses, [1, 2, 3]) and np.array_equal(
        h.table.fee_revenue, [10, 20, 30]
    )
    assert np.allclose(h.table.share_revenue, [50.0, 150.0, 300.0])
    none = holders(effort=(0.0, 0.0, 0.0))
    none.receive(np.zeros(3), np.zeros(3), 500.0)
    assert np.all(none.table.share_revenue == 0.0)


def test_holders_draw():
    p = P.replace(n_holders=40, initial_effort=0.4, open_datasets=8000.0)
    h = PublicHolders.draw(p, np.random.default_rng(0))
    assert len(h) == 40 and np.all(h.table.effort == 0.4) and np.all(h.table.datasets == 200.0)
    assert len(np.unique(h.table.sector)) > 3 and h.table.sector.max() < len(Sector)


# --- private suppliers --------------------------------------------------------------------


def test_suppliers_draw_price_and_receive():
    p = P.replace(n_private_suppliers=300, price_adjustment=0.25)
    s = PrivateSuppliers.draw(p, np.random.default_rng(0))
    assert len(s) == 300 and s.table.sector.max() < len(Sector)
    assert len(np.unique(s.table.sector)) == len(Sector)
    assert np.log(s.table.quality).std() == pytest.approx(0.3, abs=0.04)
    assert np.log(s.table.quality).mean() == pytest.approx(0.0, abs=0.05)
    few = PrivateSuppliers.draw(p.replace(n_private_suppliers=2), np.random.default_rng(0))
    wtp = np.array([[100.0, 50.0]] * 6 + [[10.0, 60.0]] * 6)
    few.table.price = np.array([0.0, 80.0])
    few.set_prices(p, wtp)
    # E5: 6 x 100 > 12 x 10, so 100; 12 x 50 > 6 x 60, so 50. E5b from 80: 80 + 0.25 (50 - 80)
    assert np.allclose(few.table.price, [100.0, 72.5])
    assert np.array_equal(few.table.price_public_interest, few.table.price)
    few.receive(np.array([3.0, 4.0]), np.array([300.0, 290.0]))
    assert np.array_equal(few.table.uses, [3, 4]) and np.array_equal(few.table.revenue, [300, 290])


# --- authorised operators (E5-E7, E14) -----------------------------------------------------


def operators(policy, monopoly=0.0, revenue=0.0):
    o = Operators.license(policy, P)
    o.table.monopoly_price = monopoly
    o.table.revenue = np.where(o.table.licensed, revenue, 0.0)
    return o


def test_license_licenses_the_first_n_slots():
    o = Operators.license(Policy(operators=3), P)
    assert len(o) == MAX_OPERATORS == 5
    assert list(o.table.licensed) == [True, True, True, False, False]
    assert np.all(o.table.price_factor == 1.0) and np.all(o.table.security == 0.2)


WTP = np.array([[3000.0], [2500.0], [2000.0], [1500.0], [1200.0], [1000.0], [400.0], [np.nan]])


@pytest.mark.parametrize("n", [1, 2, 4])
def test_operator_price_is_e5_smoothed_then_e6_competition(n):
    p = P.replace(operator_marginal_cost_rmb=300.0, price_adjustment=0.5)
    policy = Policy(operators=n, operator_cap="none", pricing="market")
    o = operators(policy, monopoly=2000.0)
    o.set_prices(policy, p, 1e6, WTP)
    # E5 with cost 300 and at least 5 buyers: k (p_k - 300) is 4500 at k = 5 (p = 1200),
    # 4200 at k = 6, 700 at k = 7; the smoothed monopoly price moves half way from 2000.
    monopoly = 2000.0 + 0.5 * (1200.0 - 2000.0)
    assert np.allclose(o.table.monopoly_price, monopoly)
    want = 300.0 + (monopoly - 300.0) / n
    assert np.allclose(o.table.price, np.where(o.table.licensed, want, 0.0))
    assert np.array_equal(o.table.price_public_interest, o.table.price)


def test_operator_price_cap_binds_only_above_the_cap():
    p = P.replace(operator_marginal_cost_rmb=0.0, price_adjustment=1.0, reference_price_rmb=500)
    tight = Policy(operators=1, operator_cap="price", price_cap=1.0)
    o = operators(tight)
    o.set_prices(tight, p, 1e6, WTP)
    assert o.table.price[0] == 500.0 and np.all(o.table.price[1:] == 0.0)
    loose = Policy(operators=1, operator_cap="price", price_cap=20.0)
    o = operators(loose)
    o.set_prices(loose, p, 1e6, WTP)
    assert o.table.price[0] == pytest.approx(1200.0)  # E5: 5 x 1200 = 6000 is the best


def test_operator_revenue_cap_scales_price_and_frees_public_interest_use():
    p = P.replace(operator_marginal_cost_rmb=0.0, price_adjustment=1.0)
    policy = Policy(operators=2, operator_cap="revenue", pricing="cost_recovery")
    o = operators(policy)
    o.table.price_factor = np.array([0.5, 0.25, 1.0, 1.0, 1.0])
    o.set_prices(policy, p, 1e6, WTP)
    assert np.allclose(o.table.price, [600.0 * 0.5, 600.0 * 0.25, 0, 0, 0])  # E6: 1200 / 2
    assert np.all(o.table.price_public_interest == 0.0)


@pytest.mark.parametrize(
    ("pricing", "cap", "free"),
    [
        ("free", "price", True),
        ("conditional_free", "none", True),
        ("cost_recovery", "price", False),
        ("market", "none", False),
        ("market", "revenue", True),
    ],
)
def test_operator_public_interest_price(pricing, cap, free):
    p = P.replace(operator_marginal_cost_rmb=0.0, price_adjustment=1.0)
    policy = Policy(operators=1, operator_cap=cap, pricing=pricing)
    o = operators(policy)
    o.set_prices(policy, p, 1e6, WTP)
    assert o.table.price[0] > 0
    want = 0.0 if free else o.table.price[0]
    assert o.table.price_public_interest[0] == want


def test_operator_security_follows_expected_fines_e14():
    p = P.replace(operator_marginal_cost_rmb=0.0)
    policy = Policy(operators=2, audit_rate=0.5, penalty=2.0)
    o = operators(policy, revenue=1000.0)
    o.set_prices(policy, p, 4000.0, WTP)
    # z = 0.2 + audit_rate * penalty * revenue / cost = 0.2 + 0.5 * 2 * 1000 / 4000
    assert np.allclose(o.table.security[:2], 0.45)
    assert np.allclose(o.table.security[2:], 0.2)
    # A small but positive cost is still E14 (capped at full security).
    o.set_prices(policy, p, 0.5, WTP)
    assert np.allclose(o.table.security[:2], 1.0) and np.allclose(o.table.security[2:], 0.2)
    o.table.revenue = np.where(o.table.licensed, 1e-4, 0.0)
    o.set_prices(policy, p, 0.5, WTP)
    assert np.allclose(o.table.security[:2], 0.2 + 1e-4 / 0.5)


def test_free_security_is_full_once_a_fine_is_expected():
    # E14's limit at zero cost: full security where a fine is expected, intrinsic care where
    # none is (no audits, or no revenue to fine).
    p = P.replace(operator_marginal_cost_rmb=0.0)
    policy = Policy(operators=3, audit_rate=0.5, penalty=2.0)
    o = operators(policy, revenue=1000.0)
    o.table.revenue = np.array([1000.0, 0.0, 0.5, 0.0, 0.0])  # any fine: even 0.5 RMB
    o.set_prices(policy, p, 0.0, WTP)
    assert list(o.table.security) == [1.0, 0.2, 1.0, 0.2, 0.2]
    unaudited = policy.replace(audit_rate=0.0)
    o.set_prices(unaudited, p, 0.0, WTP)
    assert np.all(o.table.security == 0.2)


def test_without_operators_the_monopoly_price_is_not_updated():
    policy = Policy(operators=0)
    o = operators(policy, monopoly=700.0)
    o.set_prices(policy, P, 1e6, WTP)
    assert np.all(o.table.monopoly_price == 700.0) and np.all(o.table.price == 0.0)


def settled(policy, revenue=10_000.0, uses=4.0, security=0.5, factor=1.0, **params):
    p = P.replace(operator_marginal_cost_rmb=100.0, **params)
    o = Operators.license(policy, P)
    o.table.security = security
    o.table.price_factor = factor
    o.receive(np.where(o.table.licensed, uses, 0.0), np.where(o.table.licensed, revenue, 0.0))
    o.table.penalty = 123.0
    o.settle(policy, p, 2000.0, 8000.0)
    return o.table


def test_operator_settlement_costs_share_and_profit():
    policy = Policy(operators=2, operator_cap="price", revenue_share=0.3)
    o = settled(policy)
    cost = 2000.0 + 8000.0 * 0.5**2 + 100.0 * 4  # fixed + security z^2 + marginal x uses
    assert np.allclose(o.cost[:2], cost) and np.all(o.cost[2:] == 0.0)
    assert np.allclose(o.profit[:2], 0.7 * 10_000.0 - cost) and np.all(o.profit[2:] == 0.0)
    assert np.all(o.clawback == 0.0) and np.all(o.penalty == 0.0)
    assert np.array_equal(o.uses, [4, 4, 0, 0, 0]) and o.revenue[0] == 10_000.0


def test_revenue_cap_claws_back_the_excess_and_lowers_the_price_factor():
    policy = Policy(operators=2, operator_cap="revenue", revenue_share=0.2, reasonable_profit=0.1)
    o = settled(policy, factor=0.8)
    cost = 2000.0 + 8000.0 * 0.25 + 400.0
    allowed = cost * 1.1
    net = 0.8 * 10_000.0
    assert np.allclose(o.clawback[:2], net - allowed) and np.all(o.clawback[2:] == 0.0)
    assert np.allclose(o.profit[:2], allowed - cost)
    # E7b on the licensees' combined revenue: 0.8 * clip(allowed / net, 0.5, 1.25)
    assert np.allclose(o.price_factor, 0.8 * max(allowed / net, 0.5))
    # A shortfall raises the factor again, never above 1.
    low = settled(policy, revenue=4000.0, factor=0.9)
    assert np.all(low.clawback == 0.0) and np.allclose(low.price_factor, 1.0)
    low = settled(policy, revenue=4500.0, factor=0.5)
    assert np.allclose(low.price_factor, 0.5 * min(allowed / (0.8 * 4500.0), 1.25))
    # The factor never falls below 1% of the uncapped price.
    floor = settled(policy, revenue=1e9, factor=0.015)
    assert np.allclose(floor.price_factor, 0.01)


# --- the regulator (E9, audits, fines, revocation, re-licensing, adaptation) -----------------


def regulated(policy, incident_rate=0.0, seed=0, operators_uses=50.0, security=0.0, **params):
    model = mesa.Model(rng=0)
    regulator = Regulator(model, policy)
    p = P.replace(incident_rate=incident_rate, **params)
    o = Operators.license(policy, P)
    o.table.uses = np.where(o.table.licensed, operators_uses, 0.0)
    o.table.revenue = np.where(o.table.licensed, 1000.0, 0.0)
    o.table.profit = np.where(o.table.licensed, 300.0, 0.0)
    o.table.security = security
    return regulator, o.table, p


def rngs(seed):
    return [np.random.default_rng([seed, k]) for k in range(3)]


def test_operators_incident_rate_takes_the_scenarios_cuts():
    # E9 with the scenario's own cuts (not E9's defaults): infrastructure and security cut
    # operators' risk by the scenario's shares.
    policy = Policy(operators=2, infrastructure=0.6, audit_rate=0.0)
    regulator, o, p = regulated(
        policy, incident_rate=0.01, security=0.5,
        incident_infrastructure_cut=0.35, incident_security_decay=4.0,
    )  # fmt: skip
    cuts = (0.35, 4.0, p.incident_review_cut, p.incident_bridge_cut)
    exposure = o.uses * o.licensed
    want = eq.incident_rate(0.01, exposure, 0.6, o.security, 0.0, 0.0, cuts).sum()
    assert want != pytest.approx(eq.incident_rate(0.01, exposure, 0.6, o.security, 0.0, 0.0).sum())
    regulator.enforce(o, p, 0.0, 0.0, *rngs(0))
    assert regulator.expected_incidents == pytest.approx(want)


def test_certain_audits_fine_non_compliant_operators_and_revoke_those_with_incidents():
    policy = Policy(operators=3, audit_rate=1.0, penalty=2.0, openness=0.0)
    regulator, o, p = regulated(
        policy, incident_rate=1.0, operators_uses=5000.0, relicense_quarters=3
    )
    n = regulator.enforce(o, p, 0.0, 0.0, *rngs(1))
    assert np.all(o.incidents[:3] > 0) and np.all(o.incidents[3:] == 0)
    assert n == regulator.incidents == o.incidents.sum()
    assert regulator.cross_border_incidents == 0  # no transfers
    assert regulator.expected_cross_border_incidents == 0.0
    assert regulator.audits == 3 and regulator.revocations == 3
    assert np.allclose(o.penalty, [2000.0] * 3 + [0.0] * 2)
    assert np.allclose(o.profit[:3], 300.0 - 2000.0)
    assert regulator.fines_rmb == 6000.0
    # Revoked slots wait relicense_quarters: out of the market for that many quarters'
    # clearings, re-issued in the enforcement step relicense_quarters quarters later.
    assert not o.licensed.any()
    assert np.array_equal(o.relicense_in, [3, 3, 3, 0, 0])
    calm = Policy(operators=3, audit_rate=0.0)
    regulator.policy = calm
    for wait in (2, 1):
        regulator.enforce(o, p.replace(incident_rate=0.0), 0.0, 0.0, *rngs(2))
        assert np.array_equal(o.relicense_in, [wait] * 3 + [0, 0]) and not o.licensed.any()
    regulator.enforce(o, p.replace(incident_rate=0.0), 0.0, 0.0, *rngs(3))
    assert list(o.licensed) == [True] * 3 + [False] * 2  # slots beyond the policy's stay empty


@pytest.mark.parametrize("delay", [0, 1, 2, 5])
def test_a_revoked_licence_is_out_of_the_market_for_relicense_quarters(delay):
    """docs/ODD.md 7.6: the slot is re-licensed after ``relicense_quarters``. Counted in
    quarters whose market the slot misses: revoked in quarter t's enforcement (after its
    clearing), it is unlicensed through the clearings of t+1 ... t+delay and licensed again
    by the enforcement of quarter t+delay, in time for t+delay+1. Delay 0: at once."""
    policy = Policy(operators=2, audit_rate=1.0, penalty=1.0)
    regulator, o, p = regulated(
        policy, incident_rate=1.0, operators_uses=5000.0, relicense_quarters=delay
    )
    regulator.enforce(o, p, 0.0, 0.0, *rngs(1))
    assert regulator.revocations == 2
    regulator.policy = Policy(operators=2, audit_rate=0.0)
    missed = 0
    while not o.licensed[:2].all():
        assert not o.licensed[:2].any() and missed <= delay
        missed += 1  # this quarter's clearing sells nothing from the slots
        regulator.enforce(o, p.replace(incident_rate=0.0), 0.0, 0.0, *rngs(2 + missed))
    assert missed == delay


def test_secure_operators_pass_audits_and_keep_their_licence():
    policy = Policy(operators=2, audit_rate=1.0, penalty=2.0)
    regulator, o, p = regulated(policy, incident_rate=1.0, operators_uses=5000.0, security=1.0)
    regulator.enforce(o, p, 0.0, 0.0, *rngs(1))
    assert regulator.audits == 2 and regulator.revocations == 0
    assert np.all(o.penalty == 0.0) and o.licensed[:2].all()


def test_without_audits_nobody_is_fined_or_revoked():
    policy = Policy(operators=2, audit_rate=0.0, penalty=2.0)
    regulator, o, p = regulated(policy, incident_rate=1.0, operators_uses=5000.0)
    regulator.enforce(o, p, 0.0, 0.0, *rngs(1))
    assert regulator.audits == 0 and regulator.revocations == 0 and regulator.fines_rmb == 0
    assert o.incidents[:2].min() > 0 and o.licensed[:2].all()


def test_audit_and_finding_frequencies():
    policy = Policy(operators=5, audit_rate=0.3, penalty=1.0)
    audits = fined = 0
    for seed in range(400):
        regulator, o, p = regulated(policy, security=0.4)
        regulator.enforce(o, p, 0.0, 0.0, *rngs(seed))
        audits += regulator.audits
        fined += int((o.penalty > 0).sum())
    assert audits / 2000 == pytest.approx(0.3, abs=0.03)
    assert fined / 2000 == pytest.approx(0.3 * 0.6, abs=0.03)  # non-compliant: 1 - security


def test_incident_counts_follow_e9_on_average():
    policy = Policy(operators=2, infrastructure=0.5, openness=0.5)
    operator_total = cross_total = 0
    for seed in range(300):
        regulator, o, p = regulated(
            policy,
            incident_rate=0.01,
            security=0.25,
            cross_border_incident_rate=0.02,
            operators_uses=500.0,
        )
        regulator.enforce(o, p, 400.0, 0.6, *rngs(seed))
        operator_total += int(o.incidents.sum())
        cross_total += regulator.incidents - int(o.incidents.sum())
        assert regulator.cross_border_incidents == regulator.incidents - o.incidents.sum()
    # E9: base x exposure x (1 - 0.6 infra) x exp(-2 security) x (1 - 0.7 review) x
    # (1 - 0.5 alignment); operators have no review or alignment term.
    op_rate = 0.01 * 500.0 * (1 - 0.6 * 0.5) * np.exp(-2 * 0.25)
    cb_rate = 0.02 * 400.0 * (1 - 0.6 * 0.5) * (1 - 0.7 * 0.5) * (1 - 0.5 * 0.6)
    assert operator_total / 300 == pytest.approx(2 * op_rate, rel=0.08)  # about 4 sd
    assert cross_total / 300 == pytest.approx(cb_rate, rel=0.08)
    # The rates themselves, which trust and partners follow (E17, E21).
    assert regulator.expected_cross_border_incidents == pytest.approx(cb_rate)
    assert regulator.expected_incidents == pytest.approx(2 * op_rate + cb_rate)


def test_review_strictness_and_the_adaptive_regulator():
    policy = Policy(operators=1, review_strictness=0.7, adaptive_regulator=True, audit_rate=0)
    regulator, o, p = regulated(policy, incident_rate=1.0, operators_uses=5000.0)
    assert regulator.review_strictness == 0.7
    regulator.enforce(o, p, 0.0, 0.0, *rngs(1))
    assert regulator.extra_strictness == pytest.approx(0.1)
    assert regulator.review_strictness == pytest.approx(0.8)
    for seed in range(5):  # capped at full strictness
        regulator.enforce(o, p, 0.0, 0.0, *rngs(seed))
    assert regulator.extra_strictness == pytest.approx(0.3)
    assert regulator.review_strictness == pytest.approx(1.0)
    calm = p.replace(incident_rate=0.0, cross_border_incident_rate=0.0)
    regulator.enforce(o, calm, 0.0, 0.0, *rngs(9))
    assert regulator.incidents == 0 and regulator.extra_strictness == pytest.approx(0.275)
    for seed in range(20):  # loosens back to the policy's level, not below
        regulator.enforce(o, calm, 0.0, 0.0, *rngs(seed))
    assert regulator.extra_strictness == 0.0 and regulator.review_strictness == 0.7
    fixed, o2, p2 = regulated(
        policy.replace(adaptive_regulator=False), incident_rate=1.0, operators_uses=5000.0
    )
    fixed.enforce(o2, p2, 0.0, 0.0, *rngs(1))
    assert fixed.incidents > 0 and fixed.extra_strictness == 0.0
    over = Regulator(mesa.Model(rng=0), Policy(review_strictness=0.9))
    over.extra_strictness = 0.5
    assert over.review_strictness == 1.0


def test_poisson_draws_invert_one_uniform_and_are_monotone():
    u = np.array([0.05, 0.5, 0.95, 0.999])
    assert np.array_equal(poisson_draws(np.full(4, 2.0), u), stats.poisson.ppf(u, 2.0))
    low, high = poisson_draws(np.full(4, 1.0), u), poisson_draws(np.full(4, 3.0), u)
    assert np.all(high >= low) and (high > low).any()
    assert np.array_equal(poisson_draws(np.array([-1.0, 0.0]), np.array([0.9, 0.9])), [0, 0])
    assert poisson_draws(np.array([5.0]), np.array([0.0]))[0] == 0
    assert poisson_draws(np.array([5.0]), np.array([0.5])).dtype.kind == "i"


# --- compute clusters (E10, routing, rationing, growth) ------------------------------------


def clusters(**params):
    p = P.replace(**params)
    return ComputeClusters.build(p), p


def test_latency_cost_falls_with_the_network():
    p = P.replace(latency_cost_share=0.4, latency_ms=30.0)
    assert latency_cost(Policy(east_west_network=0.25), p) == pytest.approx(0.4 * 0.75 * 1.5)
    assert latency_cost(Policy(east_west_network=1.0), p) == 0.0


def test_clusters_at_start_and_their_price_index():
    c, p = clusters(
        racks=1000.0, rack_utilisation=0.6, east_rack_share=0.7, data_compute_share=0.25,
        west_price_discount=0.3, compute_price_steepness=2.0,
    )  # fmt: skip
    t = c.table
    assert np.allclose(t.capacity_racks, [700.0, 300.0])
    assert np.allclose(t.base_load_racks, [0.75 * 600 * 0.7, 0.75 * 600 * 0.3])
    assert np.allclose(t.price_discount, [0.0, 0.3]) and list(t.region) == [0, 1]
    assert c.utilisation() == pytest.approx(0.45)
    load = np.array([105.0, 15.0])  # East at 0.675 + 0.15, West at 0.45 + 0.05
    u = np.array([(315 + 105) / 700, (135 + 15) / 300])
    want = ((1 - 0.6) / (1 - u)) ** 2.0 * np.array([1.0, 0.7])
    assert np.allclose(c.price_index(p, load), want)
    t.data_load_racks = load
    assert np.allclose(c.price_index(p), want)
    assert c.utilisation() == pytest.approx((450 + 120) / 1000)
    blended = c.blended_price(p, 0.25, 0.1)
    assert blended == pytest.approx(0.75 * want[0] + 0.25 * (want[1] + 0.1))


def test_routing_equalises_prices_with_latency():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5)
    west, served = c.route(p, 100.0, 0.05)
    assert 0 < west < 1 and served == 1.0 and c.west_share == west
    east_price, west_price = c.price_index(p)
    assert east_price == pytest.approx(west_price + 0.05, abs=1e-4)
    assert np.allclose(c.table.data_load_racks, [(1 - west) * 100.0, west * 100.0])
    # A latency cost larger than any price gap keeps all work in the East; a free West with
    # no latency cost takes all of it when the East is dearer throughout.
    assert c.route(p, 100.0, 10.0) == (0.0, 1.0)
    cheap, p2 = clusters(racks=1000.0, rack_utilisation=0.5, west_price_discount=0.9)
    assert cheap.route(p2, 10.0, 0.0) == (1.0, 1.0)


def test_routing_rations_work_when_capacity_is_short():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5)
    t = c.table
    room = t.capacity_racks - t.base_load_racks
    west, served = c.route(p, 2000.0, 0.0)
    want = np.array([(1 - west) * 2000.0, west * 2000.0])
    assert np.allclose(t.data_load_racks, np.minimum(want, room))
    assert served == pytest.approx(min(room / want))
    assert served < 0.3


@pytest.mark.parametrize("east_share", [0.0, 1.0])
def test_a_region_with_no_racks_is_full_and_gets_no_work(east_share):
    # east_rack_share 0 or 1: E10 prices the empty cluster as full (utilisation taken at its
    # 0.95 cap), with no division by zero, and all work goes to the other one.
    c, p = clusters(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=east_share,
        west_price_discount=0.3, compute_price_steepness=2.0,
    )  # fmt: skip
    empty = WEST if east_share == 1.0 else EAST
    full = eq.compute_price(1.0, 0.5, 2.0) * (1 - c.table.price_discount[empty])
    assert full == pytest.approx(100.0 * (1 - c.table.price_discount[empty]))
    for load in ([10.0, 10.0], [0.0, 0.0], [3.0, 0.0]):
        assert c.price_index(p, np.array(load))[empty] == pytest.approx(full)
    west, served = c.route(p, 100.0, 0.0)
    assert (west, served) == (float(empty == EAST), 1.0)
    assert c.table.data_load_racks[empty] == 0.0 and c.table.data_load_racks.sum() == 100.0


def test_a_sliver_of_a_rack_is_priced_as_no_rack():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, compute_price_steepness=2.0)
    c.table.capacity_racks = np.array([500.0, 1e-310])  # the load over it overflows to inf
    c.table.base_load_racks = np.array([250.0, 0.0])
    full = eq.compute_price(1.0, 0.5, 2.0) * (1 - c.table.price_discount[WEST])
    assert c.price_index(p, np.array([0.0, 1.0]))[WEST] == pytest.approx(full)


def test_price_index_is_e10_in_numpy_bit_for_bit():
    # Utilisation and E10's cap and ratio are computed in plain floats: the same numbers as
    # numpy's array steps, whatever the loads and capacities (empty, a sliver, over capacity).
    rng = np.random.default_rng(2)
    c, p = clusters(compute_price_steepness=1.7)
    t = c.table
    for _ in range(300):
        scale = rng.choice([0.0, 1e3], 2)
        t.capacity_racks = rng.choice([0.0, 1e-310, 1.0], 2) + rng.random(2) * scale
        t.base_load_racks = rng.random(2) * 800.0
        load = rng.random(2) * rng.choice([10.0, 1e3, 1e308], 2)
        with np.errstate(over="ignore"):
            u = np.divide(
                t.base_load_racks + load, t.capacity_racks, out=np.ones(2),
                where=t.capacity_racks > 0,
            )  # fmt: skip
        want = (1 - t.price_discount) * eq.compute_price(u, p.rack_utilisation, 1.7)
        assert np.array_equal(c.price_index(p, load), want)
        assert np.array_equal(c.price_index(p, tuple(load.tolist())), want)


def test_a_one_rack_cluster_is_a_cluster_like_any_other():
    # Rack counts are whole racks or parts of them: a cluster of one rack (or half of one)
    # with room is a cluster like any other, and latency keeps the work there.
    for racks in (1.0, 0.5):
        c, p = clusters(racks=1000.0, rack_utilisation=0.5)
        c.table.capacity_racks = np.array([racks, 500.0])
        c.table.base_load_racks = np.array([0.2 * racks, 250.0])
        assert c.route(p, 0.1 * racks, 1e6) == (0.0, 1.0)
        assert np.allclose(c.table.data_load_racks, [0.1 * racks, 0.0])
        # And a one-rack West with room takes the work from a full East.
        c.table.capacity_racks = np.array([500.0, racks])
        c.table.base_load_racks = np.array([490.0, 0.2 * racks])
        assert c.route(p, 0.1 * racks, 0.0) == (1.0, 1.0)
        assert np.allclose(c.table.data_load_racks, [0.0, 0.1 * racks])


def test_planned_compute_cost_moves_toward_last_quarters_price():
    c, p = clusters(price_adjustment=0.25)
    c.cost_per_data_unit = 10.0
    c.west_share = 0.4
    target = 8.0 * c.blended_price(p, 0.4, 0.1) / 2.0
    c.update_cost(p, 8.0, 2.0, 0.1)
    assert c.cost_per_data_unit == pytest.approx(10.0 + 0.25 * (target - 10.0))


def test_compute_capacity_and_base_load_grow():
    c, p = clusters(base_load_growth=0.02)
    before = c.table.capacity_racks.copy(), c.table.base_load_racks.copy()
    c.grow(Policy(compute_growth_east=0.1, compute_growth_west=0.44), p)
    assert np.allclose(c.table.capacity_racks, before[0] * np.array([1.1, 1.44]) ** 0.25)
    assert np.allclose(c.table.base_load_racks, before[1] * 1.02)


# --- firms (E1-E4, E18, E19, entry) -------------------------------------------------------


def test_firms_draw_regions_activity_and_public_interest():
    p = P.replace(n_firms=2000, share_hong_kong=0.1, share_foreign=0.05, share_west=0.3)
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    assert len(firms) == 2000
    assert np.all(s.region[1700:1900] == Region.HONG_KONG)
    assert np.all(s.region[1900:] == Region.FOREIGN)
    mainland = s.region[:1700]
    assert set(np.unique(mainland)) == {Region.EAST, Region.WEST}
    assert np.mean(mainland == Region.WEST) == pytest.approx(0.3, abs=0.04)
    assert s.active.mean() == pytest.approx(p.initial_active_share, abs=0.03)
    assert not s.public_interest[1700:].any()  # only mainland users qualify
    share = s.public_interest[:1700].mean()
    services = s.sector[:1700] == Sector.PUBLIC_SERVICES
    # 8% of all mainland firms, and half of the public-services firms on top.
    assert share == pytest.approx(0.08 + 0.5 * 0.92 * services.mean(), abs=0.03)
    assert s.public_interest[:1700][services].mean() > 0.45
    assert np.all(s.cash == 0.25 * s.capital) and np.all(s.age == 0)
    assert np.all((s.capability > 0) & (s.capability < 1))
    assert s.capability.mean() == pytest.approx(p.initial_capability, abs=0.03)
    assert np.median(s.data_stock) == pytest.approx(p.data_scale, rel=0.1)
    # A K^alpha is scaled so that mean A and mean K give mean_output_rmb: its median is
    # that times the lognormal medians, exp(-sd^2 / 2) for A and exp(-0.125 alpha) for K^alpha.
    sd, alpha = p.productivity_dispersion, p.capital_elasticity
    median = p.mean_output_rmb * np.exp(-0.5 * sd * sd) * np.exp(-0.125 * alpha)
    assert np.median(s.productivity * s.capital**alpha) == pytest.approx(median, rel=0.1)
    assert np.median(s.capital) == pytest.approx(4 * p.mean_output_rmb * np.exp(-0.125), rel=0.05)
    assert firms.agent_class_of(0) is Firm and firms.agent_class_of(1999) is CrossBorderFirm
    assert firms.agent_class_of(1750) is CrossBorderFirm


def test_entrants_start_smaller_and_with_the_productivity_of_their_quarter():
    p = P.replace(n_firms=4000, tfp_growth=0.01)
    rng = np.random.default_rng
    incumbents = Firms.draw(p, rng(0))
    entrants = Firms.draw(p, rng(0))
    entrants.initialise(np.arange(4000), p, rng(1), entrant=True, quarter=20)
    fresh = Firms.draw(p, rng(0))
    fresh.initialise(np.arange(4000), p, rng(1), entrant=False, quarter=20)
    a, b, s = entrants.table, fresh.table, incumbents.table
    assert np.allclose(a.capital, 0.5 * b.capital)
    assert np.allclose(a.data_stock, 0.2 * b.data_stock)
    assert np.allclose(a.capability, 0.7 * b.capability)
    assert np.allclose(a.productivity, b.productivity * np.exp(0.01 * 20))
    assert a.active.all() and np.all(a.age == 0) and np.all(a.output == 0)
    assert s.capital.mean() == pytest.approx(b.capital.mean(), rel=0.05)


def test_value_per_unit_is_e1_to_e4_times_capability_and_zero_when_inactive():
    p = P.replace(data_elasticity=0.3, data_scale=4.0, data_depreciation=0.1)
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    base = s.productivity * s.capital**p.capital_elasticity
    marginal = 0.3 * base * (1 + s.data_stock / 4.0) ** (0.3 - 1) / 4.0
    life = 1 / (1 - (1 - 0.1) / (1 + p.discount_rate))
    want = marginal * s.capability * life * s.active
    assert np.allclose(firms.value_per_unit(p), want)
    assert (~s.active).any() and np.all(firms.value_per_unit(p)[~s.active] == 0)


def test_produce_pays_produces_invests_and_accumulates():
    p = P.replace(
        data_elasticity=0.3, data_scale=4.0, non_data_cost_share=0.8, investment_rate=0.4,
        capital_depreciation=0.05, data_depreciation=0.1, byproduct_rate=0.02,
        capability_diffusion=0.1, tfp_growth=0.01,
    )  # fmt: skip
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    n = len(firms)
    live = s.active.copy()
    before = s.copy()
    added = np.linspace(0, 5, n)
    spending = np.linspace(0, 2e5, n)
    usage = np.linspace(1e3, 0, n)
    firms.produce(p, added, spending, usage, np.arange(n, dtype=float))
    base = before.productivity * before.capital**p.capital_elasticity
    y = base * (1 + before.data_stock / 4.0) ** 0.3
    # E2b: every firm that licensed data (all but the first) pays the fixed cost.
    fixed = p.data_fixed_cost_share * p.mean_output_rmb * (np.arange(n) > 0)
    surplus = y - 0.8 * base - spending - usage - fixed
    assert np.allclose(s.output, np.where(live, y, 0))
    assert np.allclose(s.surplus, np.where(live, surplus, 0))
    assert (s.surplus < 0).any() and (s.surplus > 0).any()
    invest = 0.4 * np.maximum(np.where(live, surplus, 0), 0)
    want = before.cash + np.where(live, surplus, 0) - invest
    assert np.allclose(s.cash, want, rtol=1e-12, atol=0)
    assert np.allclose(s.capital, np.where(live, 0.95 * before.capital + invest, before.capital))
    byproduct = 0.02 * np.where(live, y, 0) / p.mean_output_rmb
    stock = 0.9 * before.data_stock + added + byproduct
    assert np.allclose(s.data_stock, np.where(live, stock, before.data_stock))
    growth = 0.1 * before.capability * (1 - before.capability)
    assert np.allclose(s.capability, before.capability + growth * live)
    assert np.allclose(s.productivity, before.productivity * 1.01)
    assert np.array_equal(s.age, live.astype(float))
    assert np.array_equal(s.data_spending, spending) and np.array_equal(s.licences, np.arange(n))


def test_exit_hazard_is_five_times_higher_after_a_loss():
    p = P.replace(n_firms=4000, exit_hazard=0.04)
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    s.active[:] = True
    s.surplus = np.where(np.arange(4000) % 2 == 0, -1.0, 1.0)
    losers = s.surplus < 0
    n = firms.exit(p, np.random.default_rng(1))
    gone = ~s.active
    assert n == gone.sum()
    assert gone[losers].mean() == pytest.approx(0.2, abs=0.03)
    assert gone[~losers].mean() == pytest.approx(0.04, abs=0.015)
    # Inactive slots cannot exit again.
    still = s.active.sum()
    assert (
        firms.exit(p.replace(exit_hazard=0.2), np.random.default_rng(2)) == still - s.active.sum()
    )
    again = s.active.copy()
    firms.exit(p.replace(exit_hazard=0.0), np.random.default_rng(3))
    assert np.array_equal(s.active, again)


def entry(margin, active=1000, n=2000, entry_rate=0.05, seed=1):
    p = P.replace(n_firms=n, entry_rate=entry_rate)
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    s.active[:] = np.arange(n) < active
    s.output = np.where(s.active, 100.0, 50.0)
    s.surplus = np.where(s.active, 100.0 * margin, 1e6)
    return firms, firms.enter(p, 8, np.random.default_rng(seed)), p


def test_entry_count_follows_the_surplus_margin():
    counts = {m: np.mean([len(entry(m, seed=k)[1]) for k in range(30)]) for m in (0.05, 0.2, 1.0)}
    # Expected: entry_rate * active * clip(margin / 0.1, 0, 3) = 0.05 * 1000 * (0.5, 2, 3)
    assert counts[0.05] == pytest.approx(25, rel=0.15)
    assert counts[0.2] == pytest.approx(100, rel=0.1)
    assert counts[1.0] == pytest.approx(150, rel=0.1)
    firms, rows, _ = entry(-0.5)
    assert len(rows) == 0 and firms.table.active.sum() == 1000


def test_entrants_fill_empty_slots_only():
    firms, rows, p = entry(0.3, active=1950, n=2000, entry_rate=0.5)
    assert np.array_equal(rows, np.arange(1950, 2000))  # more wanted than free: all filled
    assert firms.table.active.all() and np.all(firms.table.age[rows] == 0)
    firms, rows, _ = entry(0.3)
    assert len(rows) > 0 and np.all(rows >= 1000) and np.all(np.diff(rows) > 0)
    assert firms.table.active.sum() == 1000 + len(rows)
    assert np.all(firms.table.capital[rows] < 4 * p.mean_output_rmb * 3)


# --- tables and agents --------------------------------------------------------------------


def test_table_columns_write_in_place_and_link_to_other_arrays():
    t = HolderTable.zeros(3, effort=np.array([0.1, 0.2, 0.3]))
    assert len(t) == 3 and t.price.dtype == float and t.sector.dtype == np.int8
    assert [f.name for f in HolderTable.columns()][:3] == ["sector", "effort", "datasets"]
    price = t.price
    t.price = 5.0
    assert price is t.price and np.all(price == 5.0)
    home = np.arange(3.0)
    t.link(price=home)
    t.price = np.array([7.0, 8.0, 9.0])
    assert np.array_equal(home, [7, 8, 9])
    with pytest.raises(ValueError, match=r"HolderTable.price: shape \(2,\) differs"):
        t.link(price=np.zeros(2))
    twin = t.copy()
    twin.effort = 1.0
    assert np.array_equal(t.effort, [0.1, 0.2, 0.3]) and type(twin) is HolderTable
    t.check_finite()
    t.datasets = np.array([0.0, np.inf, 1.0])
    with pytest.raises(FloatingPointError, match=r"HolderTable\.datasets"):
        t.check_finite()
    t.datasets = np.array([0.0, np.nan, 1.0])
    with pytest.raises(FloatingPointError):
        t.check_finite()


def test_table_agents_read_and_write_their_row_with_labels():
    model = DataEconomy(policy=Policy(operators=1), scenario="small", n_firms=50, seed=1)
    holder = model.agents_by_type[PublicDataHolder][2]
    assert holder.index == 2 and holder.table is model.holders.table
    assert holder.sector == ("finance", "internet", "manufacturing", "health", "logistics",
                             "public_services")[model.holders.table.sector[2]]  # fmt: skip
    holder.sector = "health"
    assert model.holders.table.sector[2] == Sector.HEALTH
    holder.effort = 0.77
    assert model.holders.table.effort[2] == 0.77 and holder.effort == 0.77
    holder.sector = 1
    assert holder.sector == "internet"
    assert isinstance(holder.effort, float)
    assert PublicDataHolder.effort.__doc__ == "Supply effort e in [0, 1]."
    assert repr(holder) == f"PublicDataHolder(unique_id={holder.unique_id}, index=2)"
    mainland, cross = model.agents_by_type[Firm], model.agents_by_type[CrossBorderFirm]
    assert len(cross) > 0 and all(a.region in ("hong_kong", "foreign") for a in cross)
    assert all(a.region in ("east", "west") for a in mainland)
    assert {a.index for a in mainland} | {a.index for a in cross} == set(range(50))


@dataclass(eq=False)
class ThingTable(Table):
    size: np.ndarray = column("Size (units).")
    kind: np.ndarray = column("Kind.", np.int8, ("small", "large"))


class Thing(TableAgent, table=ThingTable):
    pass


class Things(Population):
    agent_class = Thing


def test_population_creates_one_agent_per_row():
    model = mesa.Model(rng=0)
    things = Things(ThingTable.zeros(4, size=np.arange(4.0)))
    things.create_agents(model)
    agents = list(model.agents_by_type[Thing])
    assert [a.index for a in agents] == [0, 1, 2, 3]
    assert [a.size for a in agents] == [0.0, 1.0, 2.0, 3.0]
    assert [a.kind for a in agents] == ["small"] * 4
    assert len(things) == 4 and things.agent_class_of(3) is Thing
    assert ThingTable.zeros(2).kind.dtype == np.int8


def test_an_agent_step_would_never_run_so_defining_one_raises():
    with pytest.raises(TypeError, match="would never be called"):

        class Stepping(TableAgent, table=ThingTable):
            def step(self):
                pass


def test_firm_table_labels_regions_and_sectors():
    model = DataEconomy(scenario="small", n_firms=60, seed=2)
    s = model.firms.table
    for agent in model.agents_by_type[Firm]:
        assert agent.region == ("east", "west", "hong_kong", "foreign")[s.region[agent.index]]
    assert FirmTable.columns()[0].name == "active"


def test_agent_classes_made_at_run_time_get_one_attribute_per_column():
    # Defined inside the test so that the class machinery runs while it is tested.
    @dataclass(eq=False)
    class Crates(Table):
        size: np.ndarray = column("Size (units).")
        kind: np.ndarray = column("Kind.", np.int8, ("small", "large"))

    size, kind = Crates.columns()
    assert size.metadata == {"doc": "Size (units).", "dtype": float, "labels": None}
    assert kind.metadata == {"doc": "Kind.", "dtype": np.int8, "labels": ("small", "large")}

    class Crate(TableAgent, table=Crates):
        @property
        def size(self):  # a class's own attribute is kept, not replaced by the column's
            return -1.0

    class Untabled(TableAgent):
        pass

    assert Crate.table_class is Crates and "table_class" not in Untabled.__dict__
    assert "size" not in Untabled.__dict__ and "kind" not in Untabled.__dict__
    assert Crate.kind.__doc__ == "Kind." and Crate.kind.name == "kind"
    assert Crate.kind.labels == ("small", "large")

    class Crowd(Population):
        agent_class = Crate

    crates = Crowd(Crates.zeros(3, size=np.array([1.0, 2.0, 3.0])))
    crates.create_agents(mesa.Model(rng=0))
    crate = crates.agent_class_of(1)(mesa.Model(rng=0), crates, 1)
    assert crate.size == -1.0 and crate.kind == "small"
    crate.kind = "large"
    assert crates.table.kind[1] == 1 and crate.kind == "large"
    with pytest.raises(TypeError, match="would never be called"):

        class Stepping(Crate):
            def step(self):
                pass


def test_the_step_error_names_the_way_to_extend():
    with pytest.raises(TypeError) as error:

        class Stepping(Firm):
            def step(self):
                pass

    assert str(error.value) == (
        "Stepping.step() would never be called: econ moves each population at once. Extend "
        "behaviour by subclassing the population (e.g. econ.agents.Firms.produce) and setting "
        "it on your model class (firms_class = ...)."
    )


def test_a_fresh_regulator_and_fresh_clusters_start_from_zero():
    regulator = Regulator(mesa.Model(rng=0), Policy())
    counters = (regulator.incidents, regulator.audits, regulator.revocations, regulator.fines_rmb)
    assert counters == (0, 0, 0, 0.0) and regulator.extra_strictness == 0.0
    assert regulator.cross_border_incidents == 0
    assert (regulator.expected_incidents, regulator.expected_cross_border_incidents) == (0.0, 0.0)
    c = ComputeClusters.build(P)
    assert c.west_share == 0.0 and c.cost_per_data_unit == 0.0
    assert c.table.region.dtype == np.int8


def test_blended_compute_price_weights_east_and_west_as_routed():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5)
    c.table.data_load_racks = np.array([100.0, 30.0])
    east, west = c.price_index(p)
    assert east != 1.0 and west != east
    assert c.blended_price(p, 0.3, 0.2) == pytest.approx(0.7 * east + 0.3 * (west + 0.2))


def test_a_cluster_over_capacity_serves_no_data_work():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5)
    c.table.base_load_racks = c.table.capacity_racks * np.array([1.2, 0.5])
    west, served = c.route(p, 100.0, 1e6)  # all of it East, where there is no room
    assert west == 0.0 and served == 0.0 and np.all(c.table.data_load_racks == 0.0)


def test_findings_are_drawn_for_each_operator():
    policy = Policy(operators=5, audit_rate=1.0, penalty=1.0)
    mixed = 0
    for seed in range(40):
        regulator, o, p = regulated(policy, security=0.5)
        regulator.enforce(o, p, 0.0, 0.0, *rngs(seed))
        fined = o.penalty > 0
        mixed += 0 < fined.sum() < 5
    assert mixed > 30  # independent findings: all or none in 1 quarter of 16


def test_one_incident_is_enough_to_revoke_a_non_compliant_licence():
    policy = Policy(operators=5, audit_rate=1.0, penalty=1.0)
    single = 0
    for seed in range(40):
        regulator, o, p = regulated(policy, incident_rate=0.02, operators_uses=50.0)
        regulator.enforce(o, p, 0.0, 0.0, *rngs(seed))
        assert regulator.revocations == np.count_nonzero(o.incidents)
        single += np.count_nonzero(o.incidents == 1)
    assert single > 10


def test_few_expected_entrants_still_enter_sometimes():
    counts = [len(entry(0.1, active=20, n=60, entry_rate=0.04, seed=k)[1]) for k in range(150)]
    assert np.mean(counts) == pytest.approx(0.8, abs=0.2)  # Poisson(0.04 x 20 x 1)


def test_entry_margin_in_a_tiny_economy():
    p = P.replace(n_firms=60, entry_rate=0.5)
    firms = Firms.draw(p, np.random.default_rng(0))
    s = firms.table
    s.active[:] = np.arange(60) < 20
    s.output = np.where(s.active, 0.01, 0.0)  # 0.2 RMB of output in all
    s.surplus = np.where(s.active, 0.002, 0.0)  # a 20% margin: attraction 2
    counts = [len(Firms(s.copy()).enter(p, 1, np.random.default_rng(k))) for k in range(40)]
    assert np.mean(counts) == pytest.approx(20.0, rel=0.15)  # 0.5 x 20 x 2


def test_initial_draws_follow_their_laws():
    p = P.replace(n_firms=8000, productivity_dispersion=0.4, data_scale=4.0)
    s = Firms.draw(p, np.random.default_rng(0)).table
    assert np.log(s.productivity).std() == pytest.approx(0.4, abs=0.02)
    scale = p.mean_output_rmb / (4.0 * p.mean_output_rmb) ** p.capital_elasticity
    assert s.productivity.mean() == pytest.approx(scale, rel=0.02)
    assert np.log(s.data_stock / 4.0).std() == pytest.approx(0.5, abs=0.02)
    assert np.median(s.data_stock) == pytest.approx(4.0, rel=0.05)
    assert np.log(s.capital).std() == pytest.approx(0.5, abs=0.02)


def test_the_monopoly_price_counts_the_operators_marginal_cost():
    # E5 with cost 300: k (p_k - 300) peaks at k = 5 (4500); with no cost the eighth buyer's
    # 800 would win (8 x 800 = 6400).
    wtp = np.array([[3000.0], [2500.0], [2000.0], [1500.0], [1200.0], [1000.0], [900.0], [800.0]])
    p = P.replace(operator_marginal_cost_rmb=300.0, price_adjustment=1.0)
    policy = Policy(operators=1, operator_cap="none", pricing="market")
    o = operators(policy)
    o.set_prices(policy, p, 1e6, wtp)
    assert o.table.monopoly_price[0] == 1200.0 and o.table.price[0] == 1200.0


def test_all_work_goes_west_while_the_west_stays_cheaper():
    c, p = clusters(
        racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5, west_price_discount=0.5,
        data_compute_share=0.2, compute_price_steepness=1.5,
    )  # fmt: skip
    load = 80.0  # all of it West is still cheaper; twice as much would not be
    assert c.route(p, load, 0.0) == (1.0, 1.0)
    east, west = c.price_index(p, np.array([0.0, load]))
    assert west < east
    east2, west2 = c.price_index(p, np.array([-load, 2 * load]))
    assert west2 > east2


def test_a_full_cluster_that_gets_no_work_does_not_ration_the_other():
    c, p = clusters(racks=1000.0, rack_utilisation=0.5, east_rack_share=0.5)
    c.table.base_load_racks = c.table.capacity_racks * np.array([0.5, 1.0])  # West full
    west, served = c.route(p, 50.0, 1e6)  # latency keeps all work East
    assert west == 0.0 and served == 1.0
    assert np.allclose(c.table.data_load_racks, [50.0, 0.0])


@pytest.mark.parametrize("start_index", [0.6, 1.0])
def test_planned_compute_cost_is_relative_to_the_start_up_index(start_index):
    # A cheaper West makes the start-up index below 1: the cost is read against it.
    c, p = clusters(price_adjustment=1.0)
    c.west_share = 0.4
    c.update_cost(p, 8.0, start_index, 0.1)
    want = 8.0 * c.blended_price(p, 0.4, 0.1) / start_index
    assert c.cost_per_data_unit == pytest.approx(want)


def test_compute_that_started_free_is_read_against_the_eastern_price():
    c, p = clusters(price_adjustment=1.0)
    c.west_share = 0.4
    c.update_cost(p, 8.0, 0.0, 0.1)
    assert c.cost_per_data_unit == pytest.approx(8.0 * c.blended_price(p, 0.4, 0.1))
