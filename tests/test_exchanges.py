"""The data exchanges (E25-E26, ODD 7.3): the equations, the lever and the model's channel."""

import math

import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy, Policy, PolicyError
from econ import equations as eq
from econ.agents import DataExchanges
from econ.scenarios import get_scenario
from econ.study.estimation import MOMENTS, moments_of


def test_e25_saving_grows_with_liquidity_to_half_at_the_half_point():
    assert eq.exchange_saving_share(0.5, 0.0, 0.2) == 0.0
    assert eq.exchange_saving_share(0.5, 0.0, 0.0) == 0.0  # no trade yet, whatever L_h
    assert eq.exchange_saving_share(0.5, 0.1, 0.0) == 0.5  # L_h = 0: any liquidity saves all
    assert eq.exchange_saving_share(0.5, 0.2, 0.2) == pytest.approx(0.25)
    assert eq.exchange_saving_share(0.5, 0.6, 0.2) == pytest.approx(0.375)


def test_e26_is_the_logit_share_and_inclusive_value():
    tau = np.array([1000.0, 400.0])
    share, cost = eq.exchange_choice(tau, 0.3, 200.0, 150.0)
    gain = (0.3 * tau - 200.0) / 150.0  # 0.667, -0.533
    expected = [1 / (1 + math.exp(-g)) for g in gain]
    assert share == pytest.approx(expected, rel=1e-12)
    assert cost == pytest.approx(tau - 150.0 * np.log1p(np.exp(gain)), rel=1e-12)


def test_e26_limits_an_exchange_never_worth_it_leaves_the_otc_cost():
    share, cost = eq.exchange_choice(np.array([1000.0]), 0.5, 1e7, 100.0)
    assert share[0] == pytest.approx(0.0, abs=1e-12)
    assert cost[0] == pytest.approx(1000.0)
    # Always worth it: every trade on the exchange, at (1 - s) tau + f.
    share, cost = eq.exchange_choice(np.array([1000.0]), 0.5, -1e5, 100.0)
    assert share[0] == pytest.approx(1.0)
    assert cost[0] == pytest.approx(500.0 - 1e5, rel=1e-9)


def test_the_expected_cost_never_exceeds_the_otc_cost_and_falls_with_the_fee():
    tau = np.linspace(100.0, 2000.0, 50)
    costs = [eq.exchange_choice(tau, 0.4, fee, 150.0)[1] for fee in (900.0, 300.0, 0.0)]
    assert np.all(costs[0] <= tau)
    assert np.all(costs[1] < costs[0]) and np.all(costs[2] < costs[1])


def test_the_fee_lever_is_bounded_and_named():
    with pytest.raises(PolicyError, match="exchange_fee"):
        Policy(exchange_fee=-0.5)
    with pytest.raises(PolicyError, match="exchange_fee"):
        Policy(exchange_fee=4.0)


def test_settle_sets_liquidity_to_the_value_share_and_the_state_pays_the_unpaid_cost():
    scenario = get_scenario("small")
    exchanges = DataExchanges(0.1)
    exchanges.share = np.array([0.5, 0.0, 1.0])
    policy = Policy(exchange_fee=0.25)
    exchanges.settle(np.array([100.0, 300.0, 0.0]), np.array([2, 3, 4]), policy, scenario)
    assert exchanges.liquidity == pytest.approx(50.0 / 400.0)
    assert exchanges.trades == pytest.approx(0.5 * 2 + 1.0 * 4)
    assert exchanges.subsidy == pytest.approx(5.0 * 0.75 * scenario.exchange_cost_rmb)
    # No trade at all says nothing about liquidity.
    exchanges.settle(np.zeros(3), np.zeros(3), policy, scenario)
    assert exchanges.liquidity == pytest.approx(0.125)


def _run(fee: float, seed: int = 3) -> tuple[pd.DataFrame, DataEconomy]:
    model = DataEconomy(Policy(exchange_fee=fee), scenario="small", seed=seed)
    return model.run(8), model


def test_a_subsidy_deepens_the_exchanges_and_costs_the_state():
    today, model = _run(1.0)
    free, subsidised = _run(0.0)
    dear, _ = _run(3.0)
    assert free["exchange_share"].iloc[-1] > 5 * today["exchange_share"].iloc[-1]
    assert dear["exchange_share"].iloc[-1] < today["exchange_share"].iloc[-1]
    # At today's fee traders pay the exchanges' cost: the state pays nothing for them.
    assert model.exchanges.subsidy == 0.0
    assert subsidised.exchanges.subsidy > 0
    scale = subsidised.calibration.firms_represented
    # The subsidy is in the public cost (E22): the rest of the lever costs are the same.
    extra = free["policy_cost"].iloc[-1] - today["policy_cost"].iloc[-1]
    audit = model.calibration.lever_costs_rmb["audit"] * scale
    assert extra == pytest.approx(subsidised.exchanges.subsidy * scale, abs=audit * 5)


def test_liquidity_feeds_on_itself():
    """With the fee at cost the share drifts; the same firms facing a deep exchange use it
    more than facing a thin one (E25), so a subsidy's effect outlasts it."""
    scenario = get_scenario("small")
    tau = np.full(100, 1000.0)
    thin, deep = DataExchanges(0.01), DataExchanges(0.5)
    policy = Policy()
    thin_cost, deep_cost = thin.route(tau, policy, scenario), deep.route(tau, policy, scenario)
    assert deep.share.mean() > thin.share.mean()
    assert np.all(deep_cost < thin_cost)


def test_the_exchange_moment_is_the_first_years_mean_share():
    series = pd.DataFrame({"exchange_share": [0.02, 0.03, 0.02, 0.03, 0.5]})
    assert moments_of(series, ["exchange_share_2022"]) == {"exchange_share_2022": 0.025}
    assert MOMENTS["exchange_share_2022"].columns == ("exchange_share",)


def test_today_s_baseline_reports_an_exchange_share_below_a_tenth():
    """Not a calibration check (the estimate matches 2-3%): a guard that the default fee does
    not put most trade on exchanges, which would contradict the 2022 record by an order."""
    df, _ = _run(1.0, seed=1)
    assert 0 < df["exchange_share"].iloc[0] < 0.1


def test_the_dot_product_is_blas_up_to_one_thread_and_chunked_beyond():
    from econ.agents.exchanges import ONE_THREAD_DOT, dot

    rng = np.random.default_rng(5)
    a, b = rng.random(ONE_THREAD_DOT), rng.random(ONE_THREAD_DOT)
    assert dot(a, b) == float(a @ b)  # the paper's sizes: exactly one BLAS call
    a, b = rng.random(3 * ONE_THREAD_DOT + 7), rng.random(3 * ONE_THREAD_DOT + 7)
    chunks = [slice(i, i + ONE_THREAD_DOT) for i in range(0, len(a), ONE_THREAD_DOT)]
    expected = 0.0
    for c in chunks:
        expected += float(a[c] @ b[c])
    assert dot(a, b) == expected
    assert dot(np.zeros(0), np.zeros(0)) == 0.0


def test_the_dot_product_does_not_depend_on_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from econ.agents.exchanges import dot

    rng = np.random.default_rng(6)
    a, b = rng.random(1_000_003), rng.random(1_000_003)
    with threadpoolctl.threadpool_limits(1):
        one = dot(a, b)
    with threadpoolctl.threadpool_limits(4):
        four = dot(a, b)
    assert one == four
