"""Each mechanism of the model does what docs/ODD.md says (small scenario)."""

import numpy as np
import pytest

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.agents import AuthorisedOperator, Firm, Firms, Operators
from econ.categories import ProductKind, Region
from econ.market import clear
from econ.scenarios import Scenario

from .conftest import small, valuation_of

PUBLIC, OPERATOR, PRIVATE, FOREIGN = ProductKind


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
    model = small(Policy(pricing="free", registration=False, operators=0))
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
    valuation = valuation_of(model2)
    result = clear(
        valuation,
        model2.firms.table,
        model2.market,
        model2.policy,
        model2.regulator.review_strictness,
        np.random.default_rng(0),
        keep=True,
    )
    value, usage = valuation.value, valuation.usage
    price = np.where(result.bought, result.paid, 0.0)
    assert result.bought.any()
    assert np.all(value[result.bought] > price[result.bought] + usage[result.bought])
    # And every domestic deal worth more than its full cost is made (operators aside: a firm
    # takes only the best of their identical products). Foreign firms do not buy foreign data.
    m, product = model2, model2.market.view.product
    abroad = m.firms.table.region >= Region.HONG_KONG
    domestic = ~result.cross_border & ~(abroad[:, None] & (m.market.view.kind == FOREIGN))
    price_all = np.where(
        m.firms.table.public_interest[:, None],
        m.market.catalogue.price_public_interest[product],
        m.market.catalogue.price[product],
    )
    worth = (value > price_all + usage) & domestic & m.firms.table.active[:, None]
    worth &= m.market.catalogue.available[product]
    non_op = m.market.view.kind != OPERATOR
    assert np.array_equal(worth[:, non_op], result.bought[:, non_op] & domestic[:, non_op])


def test_without_registration_hidden_public_products_are_never_bought():
    model = small(Policy(registration=False))
    model.run(2)
    hidden = model.market.view.needs_registration
    assert hidden.any() and not model.clearing.bought[:, hidden].any()


def test_data_is_nonrival():
    model = small(Policy(pricing="free"))
    model.run(2)
    uses = model.clearing.uses[model.market.catalogue.kind == PUBLIC]
    assert uses.max() > 10  # one product licensed to many firms at once
    # Every licensee gets the full product: data added does not shrink with the number of users.
    # (Entrants, age 0, took over their slot after the market cleared.)
    bought = model.clearing.bought
    size = model.market.catalogue.size[model.market.view.product]
    incumbent = model.firms.table.age > 0
    added = np.where(bought, size, 0.0).sum(axis=1)
    assert np.allclose(model.clearing.data_added[incumbent], added[incumbent])


def test_output_feeds_back_into_data():
    model = small(Policy(), byproduct_rate=0.5)
    model.run(1)
    s, p = model.firms.table, model.params
    before = s.data_stock.copy()
    model.step()
    bought = model.clearing.data_added * 1.0
    expected_floor = (
        1 - p.data_depreciation
    ) * before + p.byproduct_rate * s.output / model.params.mean_output_rmb
    live = s.active & (s.age > 1)
    assert np.all(s.data_stock[live] >= expected_floor[live] - 1e-9)
    assert np.all(s.data_stock[live] <= expected_floor[live] + bought[live] + 1e-9)


def test_price_cap_is_never_exceeded():
    cap = 0.5
    model = small(Policy(operators=1, operator_cap="price", price_cap=cap))
    limit = cap * model.params.reference_price_rmb
    for _ in range(10):
        model.step()
        assert np.all(model.operators.table.price <= limit + 1e-9)
    assert model.operators.table.price[0] > 0


def test_revenue_cap_bounds_profit_keeps_prices_below_monopoly_and_public_interest_free():
    policy = Policy(
        operators=1, operator_cap="revenue", reasonable_profit=0.1, pricing="cost_recovery"
    )
    model = small(policy)
    o = model.operators.table
    clawed = 0.0
    for _ in range(12):
        model.step()
        licensed = o.licensed
        assert np.all(o.profit[licensed] <= 0.1 * o.cost[licensed] + 1e-6)
        assert np.all(o.price[licensed] <= o.monopoly_price[licensed] + 1e-9)
        clawed += o.clawback.sum()
        pi = model.firms.table.public_interest & (model.firms.table.age > 0)  # not entrants
        op_cols = model.market.view.kind == OPERATOR
        assert model.clearing.paid[pi][:, op_cols].sum() == 0.0
        assert model.clearing.bought[pi][:, op_cols].any()
    assert clawed > 0  # the cap binds at some point, so the test is not vacuous


def test_tighter_price_cap_lowers_operator_profit():
    capped = Policy(operators=1, operator_cap="price")
    loose = mean_over_seeds(capped.replace(price_cap=10.0), "operator_profit", 8)
    tight = mean_over_seeds(capped.replace(price_cap=0.3), "operator_profit", 8)
    assert tight < loose


def test_public_interest_users_pay_nothing_under_conditional_free():
    model = small(Policy(pricing="conditional_free", price_level=1.0))
    model.run(3)
    incumbent = model.firms.table.age > 0
    pi = model.firms.table.public_interest & incumbent
    public = model.market.view.kind == PUBLIC
    assert pi.any() and model.clearing.bought[pi][:, public].any()
    assert model.clearing.paid[pi][:, public].sum() == 0.0
    assert model.clearing.paid[~pi & incumbent][:, public].sum() > 0.0


def test_no_cross_border_flow_at_openness_zero():
    model = small(Policy(openness=0.0, hk_bridge=True, operators=2))
    df = model.run(6)
    assert (df["cross_border_volume"] == 0).all()
    assert not (model.clearing.bought & model.clearing.cross_border).any()
    assert not model.clearing.bought[:, model.market.view.kind == FOREIGN].any()


def test_openness_creates_cross_border_flow():
    df = small(Policy(openness=1.0)).run(4)
    assert (df["cross_border_volume"] > 0).all()


def test_hong_kong_bridge_lowers_cross_border_costs():
    plain = small(Policy(openness=0.8))
    bridged = small(Policy(openness=0.8, hk_bridge=True))
    hk = plain.firms.table.region == Region.HONG_KONG
    before, after = valuation_of(plain), valuation_of(bridged)
    usage_plain, cb, usage_bridged = before.usage, before.cross_border, after.usage
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

    def incidents(policy, seed):
        """Incidents drawn over 12 quarters, and E9's expected count (the Poisson rates)."""
        # From the initial economy: revocations during a spin-up would thin the risky arm.
        model = small(policy, seed=seed, incident_rate=0.02, spin_up_quarters=0)
        expected = 0.0
        for _ in range(12):
            model.step()
            expected += model.regulator.expected_incidents
        return model.datacollector.get_model_vars_dataframe()["incidents"].sum(), expected

    # The rates, not the draws, carry the mechanism: a handful of Poisson draws a seed is too
    # few to compare by a factor (one revocation more or less moves them by two).
    runs = [(incidents(risky, seed), incidents(safe, seed)) for seed in range(4)]
    for (_, risky_rate), (_, safe_rate) in runs:
        assert risky_rate > 2 * safe_rate
    assert sum(r[0] for r, _ in runs) > sum(s[0] for _, s in runs)


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


def test_population_subclass_changes_one_behaviour():
    class GreedyOperators(Operators):
        def set_prices(self, policy, scenario, security_cost, best_wtp):
            super().set_prices(policy, scenario, security_cost, best_wtp)
            self.table.price = 0.0

    class Model(DataEconomy):
        operators_class = GreedyOperators

    model = Model(policy=Policy(operators=1), scenario="small", seed=1)
    model.run(2)
    assert model.operators.table.price[0] == 0.0
    assert model.market.catalogue.price[model.market.catalogue.kind == OPERATOR][0] == 0.0
    assert len(model.agents_by_type[AuthorisedOperator]) == 5


def test_agent_step_override_raises_with_the_way_to_extend():
    with pytest.raises(TypeError, match=r"Firms\.produce"):

        class Stepping(Firm):
            def step(self):
                pass


def test_a_fixed_cost_of_data_capability_makes_loss_makers_who_exit_faster():
    # E2b: with no fixed cost every firm covers its data costs (it buys only licences worth
    # more than their full cost); with one, small firms lose money and E19 lets them go.
    def losses(share, multiplier=5.0):
        model = DataEconomy(
            scenario="small",
            n_firms=400,
            seed=2,
            data_fixed_cost_share=share,
            loss_exit_multiplier=multiplier,
            data_setup_cost_share=0.0,  # E2b alone: entrants' set-up losses are E2c's test
        )
        loss_share, exits = [], 0
        for _ in range(12):
            model.step()
            f = model.firms.table
            loss_share.append(float(np.mean(f.surplus[f.active] < 0)))
            exits += model.datacollector.get_model_vars_dataframe()["exits"].iloc[-1]
        return float(np.mean(loss_share)), exits

    none, _ = losses(0.0)
    some, exits_some = losses(0.05)
    assert none == 0.0
    assert some > 0.0
    _, exits_sticky = losses(0.05, multiplier=1.0)
    assert exits_some > exits_sticky


def test_a_set_up_cost_makes_data_driven_entrants_open_with_losses():
    # E2c: an entrant pays the set-up cost in the first quarter it licenses data, so young
    # firms lose money far more often than established ones; without it they do not.
    def loss_shares(share):
        model = DataEconomy(scenario="small", n_firms=800, seed=4, data_setup_cost_share=share)
        first, established = [], []
        for _ in range(16):
            model.step()
            f = model.firms.table
            new, old = f.active & (f.age == 1), f.active & (f.age > 8)
            first += list(f.surplus[new] < 0)
            established += list(f.surplus[old] < 0)
        return float(np.mean(first)), float(np.mean(established))

    first_none, established_none = loss_shares(0.0)
    first_some, established_some = loss_shares(0.24)
    assert first_none < 2 * established_none + 0.02
    assert first_some > first_none + 0.2
    assert first_some > 5 * established_some


def test_the_set_up_cost_is_paid_once_by_a_firm_without_a_capability_that_licenses():
    cost = eq.data_setup_cost(9.0, np.array([0, 2, 2, 0]), np.array([False, False, True, True]))
    np.testing.assert_array_equal(cost, [0.0, 9.0, 0.0, 0.0])
    p = Scenario(data_setup_cost_share=0.5, data_fixed_cost_share=0.0)
    firms = Firms.draw(p, np.random.default_rng(0))
    s, n = firms.table, len(firms)
    s.data_set_up[:] = np.arange(n) % 2 == 0  # odd rows have no capability yet
    licences, zeros = np.ones(n), np.zeros(n)
    setup = 0.5 * p.mean_output_rmb * (np.arange(n) % 2 == 1) * s.active
    for quarter in range(2):
        base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
        y = eq.output(base, s.data_stock, p.data_elasticity, p.data_scale)
        firms.produce(p, zeros, zeros, zeros, licences)
        paid = setup if quarter == 0 else 0.0  # once: then every active firm has one
        want = np.where(s.active, y - p.non_data_cost_share * base - paid, 0.0)
        np.testing.assert_allclose(s.surplus, want, rtol=1e-12)
        assert s.data_set_up[s.active].all()


def test_the_ai_trend_scales_the_value_of_data_and_its_share_of_output():
    # E2d: a_t scales the marginal value of data and data's contribution to output.
    assert eq.data_value_index(0.1, 0, np.inf) == 1.0
    assert eq.data_value_index(0.1, 2, np.inf) == pytest.approx(1.21)
    # Easing: the second quarter's growth is half the first's at a half-life of 1.
    assert eq.data_value_index(0.1, 2, 1.0) == pytest.approx(1.1 * 1.05)
    assert eq.data_value_index(0.0, 40, 23.0) == 1.0
    factor = np.array([1.0, 1.05, 1.2])
    np.testing.assert_allclose(eq.data_output_factor(factor, 2.0), [1.0, 1.1, 1.4])
    model = DataEconomy(scenario="small", n_firms=400, seed=3, spin_up_quarters=0)
    p = model.params
    np.testing.assert_allclose(
        model.firms.value_per_unit(p, 1.5), 1.5 * model.firms.value_per_unit(p), rtol=1e-12
    )


def test_the_ai_trend_makes_the_market_grow_and_its_easing_slows_it():
    def growth(rate, half_life=1e9):
        model = DataEconomy(
            scenario="small",
            n_firms=400,
            seed=5,
            ai_data_value_growth=rate,
            ai_growth_half_life_quarters=half_life,
        )
        df = model.run(12)
        return df["market_size"].iloc[-4:].sum() / df["market_size"].iloc[:4].sum(), df

    (zero, flat), (trend, rising) = growth(0.0), growth(0.05)
    # 0.05 a quarter is 1.05^8 = 1.48 between the first year and the third, before the
    # extensive margin: the trend must show at least most of it.
    assert trend > 1.3 * zero
    assert rising["output"].iloc[-1] > flat["output"].iloc[-1]
    eased, _ = growth(0.05, half_life=8.0)  # by 2022 the rate is an eighth of its start
    assert zero < eased < trend


def test_fixed_cost_of_data_capability_is_paid_only_by_firms_that_license():
    cost = eq.data_capability_cost(7.0, np.array([0, 1, 3]))
    np.testing.assert_array_equal(cost, [0.0, 7.0, 7.0])
