"""Security across the border (E4, E9, E17; ODD 7.6): privacy computing covers operators'
data sent abroad, and trust discounts what partners' firms buy from China (exports)."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.agents import Operators, Regulator
from econ.categories import ProductKind
from econ.market import _transfer_totals
from econ.scenarios import get_scenario

P = get_scenario("china_2024")


def test_transfer_totals_split_out_operators_products():
    # Transfer counts by (kind, made by a Hong Kong firm), weighted by each kind's sensitivity.
    transfers = np.zeros((len(ProductKind), 2), dtype=np.int64)
    transfers[ProductKind.PUBLIC] = [10, 0]
    transfers[ProductKind.OPERATOR] = [3, 1]
    transfers[ProductKind.PRIVATE] = [0, 5]
    sensitivity = np.array([0.1, 0.8, 0.3, 0.2])
    got = _transfer_totals(transfers, sensitivity)
    total = 10 * 0.1 + 4 * 0.8 + 5 * 0.3
    assert got["sensitive_transfers"] == pytest.approx(total)
    assert got["operator_transfer_share"] == pytest.approx(4 * 0.8 / total)
    assert got["hong_kong_transfer_share"] == pytest.approx((0.8 + 5 * 0.3) / total)
    assert _transfer_totals(np.zeros_like(transfers), sensitivity)["operator_transfer_share"] == 0


def _cuts(p):
    """E9's (a, b, c, d) as a scenario sets them."""
    return (
        p.incident_infrastructure_cut,
        p.incident_security_decay,
        p.incident_review_cut,
        p.incident_bridge_cut,
    )


def _cross_border_rate(privacy_computing, operator_share, cut=0.5):
    policy = Policy(operators=2, privacy_computing=privacy_computing, audit_rate=0.0)
    regulator = Regulator(mesa.Model(rng=0), policy)
    p = P.replace(cross_border_incident_rate=0.01, privacy_computing_incident_cut=cut)
    operators = Operators.license(policy, p).table
    rngs = [np.random.default_rng([1, k]) for k in range(3)]
    regulator.enforce(operators, p, 500.0, 0.2, *rngs, operator_share)
    return regulator.expected_cross_border_incidents


def test_privacy_computing_cuts_incidents_on_operators_data_sent_abroad():
    cuts = _cuts(P)
    today = Policy()
    plain = eq.incident_rate(
        0.01, 500.0, today.infrastructure, 0.0, today.review_strictness, 0.2, cuts
    )
    assert _cross_border_rate(0.0, 0.6) == pytest.approx(plain)
    assert _cross_border_rate(1.0, 0.0) == pytest.approx(plain)  # no operators' data abroad
    # Level 0.8 on the 60% of the flow that is operators' data, each cut by half.
    assert _cross_border_rate(0.8, 0.6) == pytest.approx(plain * (1 - 0.5 * 0.8 * 0.6))
    assert _cross_border_rate(1.0, 1.0, cut=0.9) == pytest.approx(plain * 0.1)


def _trading_abroad(**params):
    policy = Policy(operators=2, openness=1.0, privacy_computing=1.0)
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=1500, seed=5, share_hong_kong=0.2, **params
    )
    series = model.run(8)
    return model, series


def test_privacy_computing_lowers_cross_border_incidents_in_the_model():
    covered, _ = _trading_abroad()
    uncovered, _ = _trading_abroad(privacy_computing_incident_cut=0.0)
    assert covered.clearing.operator_transfer_share > 0
    c = covered.clearing
    assert covered.regulator.expected_cross_border_incidents < (
        uncovered.regulator.expected_cross_border_incidents
    )
    # The cut is E9's on the operators' share of what was transferred this quarter.
    cuts = _cuts(covered.params)
    rate = eq.incident_rate(
        covered.params.cross_border_incident_rate,
        c.sensitive_transfers,
        covered.policy.infrastructure,
        0.0,
        covered.regulator.review_strictness,
        0.0,
        cuts,
        c.operator_transfer_share,
        covered.params.privacy_computing_incident_cut,
    )
    assert covered.regulator.expected_cross_border_incidents == pytest.approx(rate)


def test_incidents_cut_exports_through_trust():
    # A high cross-border incident rate drives trust down; partners' firms then buy less of
    # China's data, so the value of cross-border transfers falls against a run where trust
    # does not respond.
    risky = dict(cross_border_incident_rate=0.5, partner_retaliation=0.0)
    _, falls = _trading_abroad(**risky)
    _, holds = _trading_abroad(**risky, trust_loss_per_incident=0.0, trust_collapse=0.0)
    assert falls["trust"].iloc[-1] < 0.5 < holds["trust"].iloc[-1]
    assert falls["cross_border_volume"].iloc[-1] < 0.8 * holds["cross_border_volume"].iloc[-1]


def test_bridge_coverage_is_capacity_over_transfers_above_capacity():
    assert eq.bridge_coverage(150.0, 0.0) == 1.0
    assert eq.bridge_coverage(150.0, 150.0) == 1.0
    assert eq.bridge_coverage(150.0, 300.0) == pytest.approx(0.5)
    assert eq.bridge_coverage(0.0, 10.0) == 0.0


def _bridged(capacity, bridge=True, quarters=6):
    policy = Policy(operators=2, openness=1.0, hk_bridge=bridge)
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=1500, seed=5, share_hong_kong=0.2,
        bridge_capacity=capacity, keep_transactions=True,
    )  # fmt: skip
    coverage, transfers, counted = [], [], []
    for _ in range(quarters):
        model.step()
        c = model.clearing
        coverage.append(model.bridge_coverage)
        transfers.append(c.transfers * 1000.0 / model.params.n_firms)
        counted.append(int(np.count_nonzero(c.bought & c.cross_border)))
    return model, np.array(coverage), np.array(transfers), counted


def test_the_bridge_carries_what_its_capacity_allows():
    model, coverage, transfers, counted = _bridged(20.0)
    assert [model.clearing.transfers] == counted[-1:] and counted[-1] > 0
    # Each quarter's coverage is E32 of that quarter's transfers per 1,000 firms.
    assert np.allclose(coverage, [eq.bridge_coverage(20.0, t) for t in transfers])
    assert coverage.max() < 1
    assert model.quarter.bridge_coverage == coverage[-1]


def test_a_full_bridge_does_less_than_one_with_room():
    _, roomy_cover, roomy_transfers, _ = _bridged(1e9)
    _, _, full_transfers, _ = _bridged(5.0)
    none, _, none_transfers, _ = _bridged(1e9, bridge=False)
    assert (roomy_cover == 1).all()
    assert none.quarter.bridge_coverage == 0.0
    # The bridge's discount and relief draw transfers; a bridge with little room does
    # little more than none.
    gain_roomy = roomy_transfers[1:].sum() - none_transfers[1:].sum()
    gain_full = full_transfers[1:].sum() - none_transfers[1:].sum()
    assert gain_roomy > 0 and abs(gain_full) < gain_roomy / 2
