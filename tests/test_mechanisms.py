"""Each mechanism of the model does what docs/ODD.md says (small scenario)."""

import numpy as np
import pytest

from econ import Policy
from econ.agents.operator import AuthorisedOperator
from econ.market import FOREIGN, OPERATOR, PUBLIC, willingness_to_pay

from .conftest import small


def mean_over_seeds(policy, column, quarters, seeds=range(3), **params):
    values = []
    for seed in seeds:
        df = small(policy, seed=seed, **params).run(quarters)
        values.append(df[column].iloc[-4:].mean())
    return float(np.mean(values))


def test_holder_effort_rises_with_revenue_share():
    low = mean_over_seeds(Policy(operators=2, revenue_share=0.0), "supply_effort", 12)
    high = mean_over_seeds(Policy(operators=2, revenue_share=0.6), "supply_effort", 12)
    assert high > low + 0.02


def test_holder_effort_decays_without_revenue_or_visibility():
    model = small(Policy(pricing="free", registration=False))
    df = model.run(24)
    mandate = model.params.mandate_share
    assert df["supply_effort"].iloc[-1] < model.params.initial_effort - 0.1
    assert df["supply_effort"].iloc[-1] == pytest.approx(mandate, abs=0.02)


def test_supply_fixed_holds_effort():
    df = small(Policy(pricing="free"), supply_responds=False).run(8)
    assert np.all(df["supply_effort"] == 0.5)


def test_firms_buy_only_what_is_worth_more_than_its_full_cost():
    # Clear a quarter by hand and re-value it from the same state.
    model2 = small(Policy(operators=2, openness=0.6))
    model2.run(2)
    model2.holder_class.choose_effort(model2)
    result = model2._clear(np.random.default_rng(0))
    value, usage, _ = willingness_to_pay(model2, model2.catalogue, model2.view)
    price = np.where(result.bought, result.paid, 0.0)
    assert result.bought.any()
    assert np.all(value[result.bought] > price[result.bought] + usage[result.bought])
    # And every domestic deal worth more than its full cost is made (operators aside: a firm
    # takes only the best of their identical products). Foreign firms do not buy foreign data.
    m, product = model2, model2.view.product
    abroad = m.firm_state.region >= 2
    domestic = ~result.cross_border & ~(abroad[:, None] & (m.view.kind == FOREIGN))
    price_all = np.where(
        m.firm_state.public_interest[:, None],
        m.catalogue.price_public_interest[product],
        m.catalogue.price[product],
    )
    worth = (value > price_all + usage) & domestic & m.firm_state.active[:, None]
    worth &= m.catalogue.available[product]
    non_op = m.view.kind != OPERATOR
    assert np.array_equal(worth[:, non_op], result.bought[:, non_op] & domestic[:, non_op])


def test_without_registration_hidden_public_products_are_never_bought():
    model = small(Policy(registration=False))
    model.run(2)
    hidden = model.view.needs_registration
    assert hidden.any() and not model.clearing.bought[:, hidden].any()


def test_data_is_nonrival():
    model = small(Policy(pricing="free"))
    model.run(2)
    uses = model.clearing.uses[model.catalogue.kind == PUBLIC]
    assert uses.max() > 10  # one product licensed to many firms at once
    # Every licensee gets the full product: data added does not shrink with the number of users.
    # (Entrants, age 0, took over their slot after the market cleared.)
    bought = model.clearing.bought
    size = model.catalogue.size[model.view.product]
    incumbent = model.firm_state.age > 0
    added = np.where(bought, size, 0.0).sum(axis=1)
    assert np.allclose(model.clearing.data_added[incumbent], added[incumbent])


def test_output_feeds_back_into_data():
    model = small(Policy(), byproduct_rate=0.5)
    model.run(1)
    s, p = model.firm_state, model.params
    before = s.data_stock.copy()
    model.step()
    bought = model.clearing.data_added * 1.0
    expected_floor = (
        1 - p.data_depreciation
    ) * before + p.byproduct_rate * s.output / model.reference_output
    live = s.active & (s.age > 1)
    assert np.all(s.data_stock[live] >= expected_floor[live] - 1e-9)
    assert np.all(s.data_stock[live] <= expected_floor[live] + bought[live] + 1e-9)


def test_price_cap_is_never_exceeded():
    cap = 0.5
    model = small(Policy(operators=1, operator_cap="price", price_cap=cap))
    limit = cap * model.params.reference_price_rmb
    for _ in range(10):
        model.step()
        assert np.all(model.operator_state.price <= limit + 1e-9)
    assert model.operator_state.price[0] > 0


def test_revenue_cap_bounds_profit_keeps_prices_below_monopoly_and_public_interest_free():
    policy = Policy(
        operators=1, operator_cap="revenue", reasonable_profit=0.1, pricing="cost_recovery"
    )
    model = small(policy)
    o = model.operator_state
    clawed = 0.0
    for _ in range(12):
        model.step()
        licensed = o.licensed
        assert np.all(o.profit[licensed] <= 0.1 * o.cost[licensed] + 1e-6)
        assert np.all(o.price[licensed] <= o.monopoly_price[licensed] + 1e-9)
        clawed += o.clawback.sum()
        pi = model.firm_state.public_interest & (model.firm_state.age > 0)  # not entrants
        op_cols = model.view.kind == OPERATOR
        assert model.clearing.paid[pi][:, op_cols].sum() == 0.0
        assert model.clearing.bought[pi][:, op_cols].any()
    assert clawed > 0  # the cap binds at some point, so the test is not vacuous


def test_tighter_price_cap_lowers_operator_profit():
    loose = mean_over_seeds(Policy(operators=1, price_cap=10.0), "operator_profit", 8)
    tight = mean_over_seeds(Policy(operators=1, price_cap=0.3), "operator_profit", 8)
    assert tight < loose


def test_public_interest_users_pay_nothing_under_conditional_free():
    model = small(Policy(pricing="conditional_free", price_level=1.0))
    model.run(3)
    incumbent = model.firm_state.age > 0
    pi = model.firm_state.public_interest & incumbent
    public = model.view.kind == PUBLIC
    assert pi.any() and model.clearing.bought[pi][:, public].any()
    assert model.clearing.paid[pi][:, public].sum() == 0.0
    assert model.clearing.paid[~pi & incumbent][:, public].sum() > 0.0


def test_no_cross_border_flow_at_openness_zero():
    model = small(Policy(openness=0.0, hk_bridge=True, operators=2))
    df = model.run(6)
    assert (df["cross_border_volume"] == 0).all()
    assert not (model.clearing.bought & model.clearing.cross_border).any()
    assert not model.clearing.bought[:, model.view.kind == FOREIGN].any()


def test_openness_creates_cross_border_flow():
    df = small(Policy(openness=1.0)).run(4)
    assert (df["cross_border_volume"] > 0).all()


def test_hong_kong_bridge_lowers_cross_border_costs():
    plain = small(Policy(openness=0.8))
    bridged = small(Policy(openness=0.8, hk_bridge=True))
    hk = plain.firm_state.region == 2
    _, usage_plain, cb = willingness_to_pay(plain, plain.catalogue, plain.view)
    _, usage_bridged, _ = willingness_to_pay(bridged, bridged.catalogue, bridged.view)
    assert np.all(usage_bridged[hk][cb[hk]] < usage_plain[hk][cb[hk]])


def test_compute_binds_when_capacity_stops_growing():
    free = Policy(pricing="free", compute_growth_east=0.0, compute_growth_west=0.0)
    grow = Policy(pricing="free", compute_growth_east=0.5, compute_growth_west=0.5)
    tight = small(free).run(16)
    loose = small(grow).run(16)
    assert tight["compute_utilisation"].iloc[-1] > loose["compute_utilisation"].iloc[-1]
    assert tight["data_uses"].iloc[-4:].mean() < loose["data_uses"].iloc[-4:].mean()


def test_infrastructure_and_review_cut_incidents():
    risky = Policy(
        operators=3, openness=1.0, review_strictness=0.0, infrastructure=0.0, audit_rate=0.0
    )
    safe = risky.replace(review_strictness=1.0, infrastructure=1.0, audit_rate=1.0, penalty=5.0)
    seeds = range(4)
    risky_n = sum(
        small(risky, seed=s, incident_rate=0.02).run(12)["incidents"].sum() for s in seeds
    )
    safe_n = sum(small(safe, seed=s, incident_rate=0.02).run(12)["incidents"].sum() for s in seeds)
    assert risky_n > 2 * safe_n


def test_adaptive_regulator_tightens_after_incidents():
    model = small(
        Policy(operators=3, openness=1.0, review_strictness=0.2, adaptive_regulator=True),
        incident_rate=0.05,
    )
    df = model.run(8)
    assert df["incidents"].sum() > 0
    assert df["review_strictness"].max() > 0.2


def test_regulator_revokes_licences_after_incident_and_failed_audit():
    policy = Policy(operators=5, audit_rate=1.0, penalty=0.0)
    model = small(policy, incident_rate=0.2, relicense_quarters=50)
    df = model.run(10)
    assert df["licensed_operators"].min() < 5


def test_private_data_regimes_change_what_is_for_sale():
    broad = small(Policy(private_data="broad")).run(4)
    ban = small(Policy(private_data="ban")).run(4)
    assert ban["market_size"].mean() < broad["market_size"].mean()


def test_agent_subclass_changes_one_behaviour():
    class GreedyOperator(AuthorisedOperator):
        @classmethod
        def set_prices(cls, model, willingness_to_pay):
            super().set_prices(model, willingness_to_pay)
            model.operator_state.price *= 0.0

    from econ import DataEconomy

    class Model(DataEconomy):
        operator_class = GreedyOperator

    model = Model(policy=Policy(operators=1), scenario="small", seed=1)
    model.run(2)
    assert model.operator_state.price[0] == 0.0
    assert model.agents_by_type[GreedyOperator]
