"""The quarter as wired by DataEconomy, what it reports, its calibration and its random
streams, pinned on small economies (issue #17, mutation testing).

Every reported column of a real quarter is recomputed here from the clearing and the
populations' state, welfare as the sum of its parts (E20); the step's wiring is checked
through identities that hold whatever the mechanisms' numbers: money paid is money
received, holders get the revenue share, trust follows E17 from the quarter's incidents,
firm slots change only by exits and entries.
"""

import inspect
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy, Policy, kernels
from econ import equations as eq
from econ.agents import ComputeClusters, Firm, Firms, PublicHolders
from econ.agents.compute import latency_cost
from econ.agents.holders import public_fees
from econ.calibration import (
    REFERENCE_POLICY,
    Calibration,
    _nobody_uses_data,
    calibrate,
    national_scale,
)
from econ.categories import ProductKind, Region
from econ.market import (
    Market,
    clear,
    refresh_catalogue,
    sample_willingness_to_pay,
    set_foreign_prices,
    value_licences,
)
from econ.metrics import ALL_COLUMNS, FIRM_COLUMNS, MODEL_COLUMNS, Quarter, _mean, cagr, measure
from econ.parameters import ParameterError
from econ.policy import LEVERS
from econ.scenarios import get_scenario
from econ.seeds import STREAMS, RandomStreams, spawn_seeds

PUBLIC, OPERATOR, PRIVATE, FOREIGN = (int(k) for k in ProductKind)

#: Every mechanism at work: operators under a revenue cap, an open border with the bridge,
#: incidents likely, the adaptive regulator, market pricing of open data.
BUSY = Policy(
    pricing="market",
    operators=3,
    operator_cap="revenue",
    openness=0.8,
    hk_bridge=True,
    adaptive_regulator=True,
    audit_rate=1.0,
    penalty=0.2,
    review_strictness=0.3,
)


def busy(quarters=3, seed=5, n=250, policy=BUSY, **params):
    # Incidents likely, but no collapse of trust (E17b), which would stop most trade.
    params = {
        # The quarter's mechanics from the initial economy (the spin-up has tests of its own).
        "spin_up_quarters": 0,
        "incident_rate": 0.2,
        "cross_border_incident_rate": 0.2,
        "trust_collapse": 0.0,
        **params,
    }
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=n, seed=seed, keep_transactions=True, **params
    )
    model.run(quarters)
    return model


@pytest.fixture
def stepped():
    """A busy economy, its state before its last quarter, and the quarter's outcome."""
    model = busy(quarters=3)
    before = {
        "firms": model.firms.table.copy(),
        "holders": model.holders.table.copy(),
        "compute": model.compute.table.copy(),
        "west_share": model.compute.west_share,
        "cost_per_data_unit": model.compute.cost_per_data_unit,
        "trust": model.trust,
        "incident_pressure": model.incident_pressure,
        "partner_openness": model.partner_openness,
    }
    model.step()
    return model, before


# --- metrics: every reported column of a real quarter ----------------------------------------


def lever_cost(model, policy, strictness, audits=None):
    """E22 from docs/ODD.md 7.9: each lever's per-quarter cost at its level; review and the
    bridge cost nothing while the border is closed."""
    costs = model.calibration.lever_costs_rmb
    audits = model.regulator.audits if audits is None else audits
    open_ = policy.openness > 0
    return (
        policy.infrastructure * costs["infrastructure"]
        + policy.registration * costs["registration"]
        + strictness * open_ * costs["review"]
        + audits * costs["audit"]
        + (policy.hk_bridge and open_) * costs["bridge"]
    )


def test_welfare_is_the_sum_of_its_parts(stepped):
    model, _ = stepped
    q, s, h, o = model.quarter, model.firms.table, model.holders.table, model.operators.table
    scale = model.calibration.firms_represented
    mainland = s.active & (s.region < Region.HONG_KONG)
    parts = {
        "firm surplus": s.surplus[mainland].sum(),
        "operator profit": o.profit.sum(),
        "holder revenue": h.fee_revenue.sum() + h.share_revenue.sum(),
        "supplier revenue": model.suppliers.table.revenue.sum(),
        "clawbacks and fines": o.clawback.sum() + o.penalty.sum(),
        "supply cost": -h.supply_cost.sum(),
        "incident loss": -q.incidents * model.params.incident_loss_rmb,
        "lever cost": -lever_cost(model, model.policy, q.review_strictness),
    }
    assert all(v != 0 for k, v in parts.items() if k != "clawbacks and fines"), parts
    assert q.welfare == pytest.approx(sum(parts.values()) * scale, rel=1e-9)
    assert q.firm_surplus == pytest.approx(parts["firm surplus"] * scale, rel=1e-9)
    assert q.holder_revenue == pytest.approx(parts["holder revenue"] * scale, rel=1e-9)
    assert q.supply_cost == pytest.approx(-parts["supply cost"] * scale, rel=1e-9)
    assert q.incident_loss == pytest.approx(-parts["incident loss"] * scale, rel=1e-9)
    assert q.operator_profit == pytest.approx(parts["operator profit"] * scale, rel=1e-9)
    assert q.policy_cost == pytest.approx(-parts["lever cost"] * scale, rel=1e-9)
    output = s.output[mainland].sum()
    assert q.welfare_share == pytest.approx(sum(parts.values()) / output, rel=1e-9)
    # Clawbacks and fines count for welfare (they go to the government): each yuan of them
    # adds a yuan, whatever the quarter's own numbers.
    o.clawback = np.array([100.0, 0, 0, 0, 0])
    o.penalty = np.array([0, 20.0, 0, 0, 3.0])
    again = measure(
        model.clearing,
        firms=model.firms,
        holders=model.holders,
        suppliers=model.suppliers,
        operators=model.operators,
        compute=model.compute,
        market=model.market,
        calibration=model.calibration,
        scenario=model.params,
        incidents=q.incidents,
        trust=q.trust,
        partner_openness=q.partner_openness,
        policy=model.policy,
        audits=model.regulator.audits,
        review_strictness=q.review_strictness,
        entries=q.entries,
        exits=q.exits,
        exchanges=model.exchanges,
    )
    before = sum(parts.values()) - parts["clawbacks and fines"]
    assert again.welfare == pytest.approx((before + 123.0) * scale, rel=1e-9)


def test_reported_columns_recomputed_from_the_clearing(stepped):
    model, _ = stepped
    q, c = model.quarter, model.clearing
    s, h, o = model.firms.table, model.holders.table, model.operators.table
    scale = model.calibration.firms_represented
    view, catalogue = model.market.view, model.market.catalogue
    mainland = s.active & (s.region < Region.HONG_KONG)
    transfers = c.bought & c.cross_border
    assert transfers.any()
    assert q.market_size == pytest.approx(c.paid.sum() * scale, rel=1e-9)
    assert q.data_uses == pytest.approx(np.count_nonzero(c.bought) * scale, rel=1e-9)
    assert q.output == pytest.approx(s.output[mainland].sum() * scale, rel=1e-9)
    assert q.public_datasets == pytest.approx(h.datasets.sum())
    assert q.supply_effort == pytest.approx(h.effort.mean())
    assert q.cross_border_volume == pytest.approx(c.paid[transfers].sum() * scale, rel=1e-9)
    assert q.active_firms == s.active.sum()
    # HHI of sales by seller: each product's revenue is one seller's sales.
    shares = c.revenue / c.revenue.sum()
    assert q.hhi == pytest.approx(float((shares**2).sum()))
    assert 0 < q.hhi < 1
    t = model.compute.table
    load = (t.base_load_racks + t.data_load_racks).sum() / t.capacity_racks.sum()
    assert q.compute_utilisation == pytest.approx(load)
    public = view.kind == PUBLIC
    assert q.public_data_uses == pytest.approx(c.bought[:, public].sum() * scale, rel=1e-9)
    assert q.public_price == pytest.approx(catalogue.price[catalogue.kind == PUBLIC].mean())
    assert q.operator_price == pytest.approx(o.price[o.licensed].mean())
    assert q.licensed_operators == o.licensed.sum() > 0
    assert q.trust == model.trust and q.review_strictness == model.regulator.review_strictness
    assert q.incidents == model.regulator.incidents
    # E24 over the active mainland firms' output, not over every slot.
    assert q.top_decile_share == pytest.approx(eq.top_share(s.output[mainland]))
    assert q.top_decile_share != pytest.approx(eq.top_share(s.output))


def test_public_data_uses_count_public_products_only():
    model = busy(quarters=2, policy=Policy(pricing="free", operators=2))
    c, kind = model.clearing, model.market.view.kind
    public, other = c.bought[:, kind == PUBLIC].sum(), c.bought[:, kind != PUBLIC].sum()
    assert public != other
    scale = model.calibration.firms_represented
    assert model.quarter.public_data_uses == pytest.approx(public * scale, rel=1e-9)


def test_prices_reported_are_zero_without_sellers():
    model = busy(quarters=1, policy=Policy(operators=0, pricing="free"))
    assert model.quarter.operator_price == 0.0 and model.quarter.licensed_operators == 0
    assert model.quarter.public_price == 0.0


def test_the_datacollector_reports_every_column_by_quarter():
    model = DataEconomy(scenario="small", n_firms=60, seed=1, collect_agents=True)
    df = model.run(3)
    assert list(df.columns) == list(ALL_COLUMNS)
    assert list(ALL_COLUMNS[: len(MODEL_COLUMNS)]) == list(MODEL_COLUMNS)
    assert df.index.name == "step" and list(df.index) == [1, 2, 3]
    assert df["welfare"].iloc[-1] == model.quarter.welfare
    firms = model.datacollector.get_agenttype_vars_dataframe(Firm)
    assert list(firms.columns) == list(FIRM_COLUMNS)
    mainland = np.sum(model.firms.table.region < Region.HONG_KONG)
    assert len(firms) == 3 * mainland
    last = firms.xs(3, level="Step")
    assert set(last["region"]) <= {"east", "west"}
    plain = DataEconomy(scenario="small", n_firms=60, seed=1)
    plain.run(1)
    assert plain.datacollector.agenttype_reporters == {}


def test_quarter_defaults():
    q = Quarter()
    assert q.trust == 1.0 and q.welfare == 0.0 and q.incidents == 0 and q.entries == 0


def test_cagr():
    assert cagr(pd.Series([100.0, 110.0, 121.0]), periods_per_year=1) == pytest.approx(0.1)
    assert cagr(np.array([1.0, 2.0, 3.0, 4.0, 16.0])) == pytest.approx(15.0)  # a year, x16
    assert cagr(np.array([1.0, 1.21]), periods_per_year=2) == pytest.approx(0.4641, rel=1e-4)
    for bad in ([1.0], [0.0, 2.0], [2.0, -1.0], [], [1.0, 2.0, -1.0], [1.0, 2.0, 0.0]):
        assert math.isnan(cagr(np.array(bad)))
    assert cagr([1.0, 2.0, 0.5], periods_per_year=2) == pytest.approx(-0.5)


def test_measure_counts_entries_and_exits_it_is_given(stepped):
    model, _ = stepped
    kwargs = dict(
        firms=model.firms,
        holders=model.holders,
        suppliers=model.suppliers,
        operators=model.operators,
        compute=model.compute,
        market=model.market,
        calibration=model.calibration,
        scenario=model.params,
        incidents=2,
        trust=0.4,
        partner_openness=0.7,
        policy=model.policy,
        audits=4,
        review_strictness=0.6,
        entries=7,
        exits=3,
        exchanges=model.exchanges,
    )
    q = measure(model.clearing, **kwargs)
    got = (q.entries, q.exits, q.incidents, q.trust, q.partner_openness, q.review_strictness)
    assert got == (7, 3, 2, 0.4, 0.7, 0.6)
    scale = model.calibration.firms_represented
    more = measure(model.clearing, **{**kwargs, "incidents": 3})
    loss = model.params.incident_loss_rmb * scale
    assert more.welfare == pytest.approx(q.welfare - loss)
    # E22: the levers' cost is the one the policy, the strictness and the audits give; each
    # audit costs, and a closed border saves review and the bridge.
    assert q.policy_cost == pytest.approx(lever_cost(model, model.policy, 0.6, 4) * scale)
    audit = model.calibration.lever_costs_rmb["audit"] * scale
    assert audit > 0
    fewer = measure(model.clearing, **{**kwargs, "audits": 1})
    assert fewer.policy_cost == pytest.approx(q.policy_cost - 3 * audit)
    assert fewer.welfare == pytest.approx(q.welfare + 3 * audit)
    closed = model.policy.replace(openness=0.0)
    shut = measure(model.clearing, **{**kwargs, "policy": closed})
    saved = lever_cost(model, model.policy, 0.6, 4) - lever_cost(model, closed, 0.6, 4)
    assert model.policy.hk_bridge and saved > 0
    assert shut.policy_cost == pytest.approx(q.policy_cost - saved * scale)


# --- the quarter's wiring ----------------------------------------------------------------------


def test_money_paid_is_money_received(stepped):
    model, _ = stepped
    c, kinds = model.clearing, model.market.catalogue.kind
    h, o, sup = model.holders.table, model.operators.table, model.suppliers.table
    assert np.allclose(c.revenue[kinds == PUBLIC], h.fee_revenue)
    assert np.allclose(c.revenue[kinds == OPERATOR], o.revenue)
    assert np.allclose(c.revenue[kinds == PRIVATE], sup.revenue)
    assert np.allclose(c.uses[kinds == PUBLIC], h.uses)
    assert np.allclose(c.uses[kinds == OPERATOR], o.uses)
    assert np.allclose(c.uses[kinds == PRIVATE], sup.uses)
    assert o.revenue.sum() > 0 and c.revenue[kinds == FOREIGN].sum() > 0
    # Operators' revenue share goes to holders in proportion to their effort.
    shared = model.policy.revenue_share * o.revenue.sum()
    assert np.allclose(h.share_revenue, shared * h.effort / h.effort.sum())
    # Foreign products' revenue goes to their owners abroad.
    owners = model.foreign_owner
    assert np.all(model.firms.table.region[owners] >= Region.HONG_KONG)
    s = model.firms.table
    # Slots refilled by this quarter's entrants (age 0) hold a new firm, not the buyer.
    bought = s.age > 0
    assert np.allclose(s.data_spending[bought], c.spending[bought])
    assert np.array_equal(s.licences[bought], c.bought.sum(axis=1)[bought])
    assert bought.sum() > 0.9 * len(bought)


def test_foreign_revenue_is_credited_to_its_owners():
    model = busy(quarters=1)
    s = model.firms.table
    cash = s.cash.copy()
    model.step()
    c, kinds = model.clearing, model.market.catalogue.kind
    owners = model.foreign_owner
    earned = np.zeros(len(s))
    np.add.at(earned, owners, c.revenue[kinds == FOREIGN])
    live = s.active & (s.age > 1)
    invest = model.params.investment_rate * np.maximum(s.surplus, 0)
    change = cash + s.surplus - invest + earned
    assert earned[owners].sum() > 0
    assert np.allclose(s.cash[live], change[live])


def test_prices_have_one_home(stepped):
    model, _ = stepped
    c = model.market.catalogue
    for population, kind in (
        (model.holders, ProductKind.PUBLIC),
        (model.suppliers, ProductKind.PRIVATE),
        (model.operators, ProductKind.OPERATOR),
    ):
        block = c.block(kind)
        assert np.shares_memory(population.table.price, c.price[block])
        assert np.shares_memory(
            population.table.price_public_interest, c.price_public_interest[block]
        )
        assert np.array_equal(population.table.price, c.price[block])
        assert np.array_equal(
            population.table.price_public_interest, c.price_public_interest[block]
        )
    assert model.operators.table.price[model.operators.table.licensed].min() > 0


def expected_trust(model, before_trust, before_pressure):
    """E23 then E17/E17b from the quarter's expected incidents per 1,000 simulated firms."""
    p = model.params
    per_thousand = model.regulator.expected_incidents / (p.n_firms / 1000.0)
    pressure = eq.incident_pressure(before_pressure, per_thousand)
    trust = eq.trust_update(
        before_trust, p.trust_recovery, p.trust_loss_per_incident, per_thousand, pressure,
        p.trust_collapse_threshold, p.trust_collapse,
    )  # fmt: skip
    return trust, pressure


def test_trust_follows_e17_from_the_quarters_expected_incidents(stepped):
    model, before = stepped
    trust, pressure = expected_trust(model, before["trust"], before["incident_pressure"])
    assert model.regulator.expected_incidents > 0
    assert model.incident_pressure == pytest.approx(pressure)
    assert model.trust == pytest.approx(trust)
    # Trust and partners follow the expected rate, not the quarter's draw.
    reg = model.regulator
    assert reg.expected_incidents != reg.incidents
    assert reg.expected_cross_border_incidents > 0


def test_a_wave_of_incidents_collapses_trust():
    model = busy(quarters=2, trust_collapse=0.5, trust_collapse_threshold=0.1)
    before, pressure = model.trust, model.incident_pressure
    model.step()
    trust, new_pressure = expected_trust(model, before, pressure)
    assert new_pressure > 0.1
    assert model.trust == pytest.approx(trust)
    p = model.params
    per_thousand = model.regulator.expected_incidents / (p.n_firms / 1000.0)
    erosion = eq.trust_update(before, p.trust_recovery, p.trust_loss_per_incident, per_thousand)
    assert model.trust == pytest.approx(max(erosion * 0.5, 0.05)) and model.trust < erosion


def test_partners_respond_to_openness_and_cross_border_incidents(stepped):
    model, before = stepped
    p = model.params
    per_thousand = model.regulator.expected_cross_border_incidents / (p.n_firms / 1000.0)
    want = eq.partner_openness(
        before["partner_openness"], model.policy.openness, p.partner_reciprocity,
        p.partner_adjustment, p.partner_retaliation, per_thousand,
    )  # fmt: skip
    assert per_thousand > 0 and model.partner_openness == pytest.approx(want)
    assert model.quarter.partner_openness == model.partner_openness


def test_holders_choose_effort_with_the_calibrated_cost_and_mandate(stepped):
    model, before = stepped
    cal = model.calibration
    replay = PublicHolders(before["holders"].copy())
    replay.choose_effort(model.policy, model.params, cal.holder_effort_cost, cal.holder_mandate)
    assert np.allclose(model.holders.table.effort, replay.table.effort)
    assert np.allclose(model.holders.table.supply_cost, replay.table.supply_cost)


def test_firms_plan_with_last_quarters_compute_price(stepped):
    model, before = stepped
    cal, p = model.calibration, model.params
    replay = ComputeClusters(before["compute"].copy())
    replay.west_share = before["west_share"]
    replay.cost_per_data_unit = before["cost_per_data_unit"]
    latency = latency_cost(model.policy, p)
    replay.update_cost(p, cal.compute_cost_per_unit_rmb, cal.compute_price_index_0, latency)
    assert model.compute.cost_per_data_unit == pytest.approx(replay.cost_per_data_unit)
    assert model.compute.cost_per_data_unit != before["cost_per_data_unit"]


def test_licensed_data_loads_compute_and_firms_use_what_is_served(stepped):
    model, before = stepped
    cal, c = model.calibration, model.clearing
    load = model.compute.table.data_load_racks.sum()
    assert load == pytest.approx(c.data_volume * cal.racks_per_data_unit)
    # Data stocks: (1 - delta) D + data licensed + by-product of output (E2 feedback).
    s, b, p = model.firms.table, before["firms"], model.params
    kept = b.active & s.active & (s.age > 1)
    byproduct = p.byproduct_rate * s.output / p.mean_output_rmb
    want = (1 - p.data_depreciation) * b.data_stock + c.data_added + byproduct
    assert np.allclose(s.data_stock[kept], want[kept])


def test_short_compute_rations_the_data_firms_can_use():
    # No compute abroad (E31): what home cannot serve is lost.
    p = {"racks": 2000.0, "rack_utilisation": 0.99, "data_compute_share": 0.05}
    p["foreign_compute_access"] = 0.0
    model = busy(quarters=1, policy=Policy(pricing="free"), **p)
    before = model.firms.table.copy()
    model.step()
    s, c, q = model.firms.table, model.clearing, model.params
    kept = before.active & s.active & (s.age > 1) & (c.data_added > 0)
    byproduct = q.byproduct_rate * s.output / q.mean_output_rmb
    used = s.data_stock - (1 - q.data_depreciation) * before.data_stock - byproduct
    served = used[kept] / c.data_added[kept]
    assert np.allclose(served, served[0]) and 0 < served[0] < 0.99
    assert model.quarter.compute_utilisation > 0.9


def test_firm_slots_change_only_by_exits_and_entries():
    model = busy(quarters=2, exit_hazard=0.05, entry_rate=0.05)
    totals = {"exits": 0, "entries": 0}
    for _ in range(3):
        active = model.firms.table.active.copy()
        model.step()
        q = model.quarter
        assert model.firms.table.active.sum() == active.sum() - q.exits + q.entries
        entrants = np.flatnonzero(model.firms.table.age == 0)
        assert len(entrants) == q.entries
        totals["exits"] += q.exits
        totals["entries"] += q.entries
    assert totals["exits"] > 0 and totals["entries"] > 0


def test_entrants_see_products_of_their_own():
    model = busy(quarters=1, exit_hazard=0.2, entry_rate=0.2)
    view = model.market.view
    product, fit = view.product.copy(), view.fit.copy()
    model.step()
    entrants = model.firms.table.age == 0
    assert entrants.sum() > 0
    changed = np.any(view.fit != fit, axis=1)
    assert np.array_equal(changed, entrants)
    public = view.kind == PUBLIC
    assert np.any(view.product[entrants][:, public] != product[entrants][:, public])


def test_exits_and_entries_are_paired_across_policies():
    """The per-quarter streams: a lever that changes prices moves no exit or entry draw
    (before the policies' economies diverge, the same firms exit)."""
    # From the initial economy: the spin-up runs each policy's own quarters first.
    a = DataEconomy(policy=Policy(), scenario="small", n_firms=300, seed=9, exit_hazard=0.1,
                    spin_up_quarters=0)  # fmt: skip
    b = DataEconomy(
        policy=Policy(pricing="market", operators=0), scenario="small", n_firms=300, seed=9,
        exit_hazard=0.1, spin_up_quarters=0,
    )  # fmt: skip
    a.step()
    b.step()
    assert a.quarter.exits > 0
    gone_a = ~a.firms.table.active | (a.firms.table.age == 0)
    gone_b = ~b.firms.table.active | (b.firms.table.age == 0)
    loss_a, loss_b = a.firms.table.surplus < 0, b.firms.table.surplus < 0
    same = loss_a == loss_b
    assert same.mean() > 0.9
    assert np.array_equal(gone_a[same], gone_b[same])


def test_incident_rates_scale_with_firms_per_thousand():
    # A quarter's trust loss counts expected incidents per thousand simulated firms.
    model = busy(quarters=1, n=500)
    before, pressure = model.trust, model.incident_pressure
    model.step()
    p = model.params
    per_thousand = model.regulator.expected_incidents / 0.5
    assert per_thousand > 0
    pressure = eq.incident_pressure(pressure, per_thousand)
    assert model.incident_pressure == pytest.approx(pressure)
    assert model.trust == pytest.approx(
        eq.trust_update(before, p.trust_recovery, p.trust_loss_per_incident, per_thousand)
    )


# --- the model's arguments --------------------------------------------------------------------


def test_model_arguments():
    as_dict = DataEconomy(policy={"operators": 2}, scenario="small", n_firms=30, seed=1)
    assert as_dict.policy == Policy(operators=2)
    assert DataEconomy(scenario="small", n_firms=30, seed=1).policy == Policy()
    assert as_dict.params.n_firms == 30 and len(as_dict.firms) == 30
    assert DataEconomy(scenario="small", seed=1).params.n_firms == 400
    numpy_seed = DataEconomy(scenario="small", n_firms=30, seed=np.int64(7))
    assert numpy_seed.seed == 7 and type(numpy_seed.seed) is int
    drawn = [DataEconomy(scenario="small", n_firms=150).seed for _ in range(40)]
    assert all(isinstance(seed, int) and 0 <= seed < 2**63 for seed in drawn)
    assert len(set(drawn)) == 40 and max(drawn) >= 2**62  # 63 random bits
    assert DataEconomy(scenario="small", n_firms=150, seed=0).seed == 0
    assert DataEconomy(n_firms=100, seed=1).params.name == "china_2024+"  # n_firms changed
    seeded = DataEconomy(scenario="small", n_firms=30, seed=5)
    assert seeded.rng.random() == np.random.default_rng(5).random()  # Mesa's own generator
    assert seeded.collect_agents is False
    changed = DataEconomy(scenario="small", n_firms=30, seed=1, supply_responds=False)
    assert changed.params.supply_responds is False
    assert changed.streams.seed == 1
    with pytest.raises(ParameterError, match="policy must be a Policy or a dict, not str"):
        DataEconomy(policy="free", scenario="small")
    with pytest.raises(ParameterError, match=r"collect_agents=1: expected True or False"):
        DataEconomy(scenario="small", collect_agents=1)
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(ParameterError, match=r"seed=.*expected a whole number >= 0"):
            DataEconomy(scenario="small", n_firms=30, seed=bad)
    model = DataEconomy(scenario="small", n_firms=30, seed=1)
    for bad in (-1, 2.0, True, "2"):
        with pytest.raises(ParameterError, match=r"run\(quarters=.*expected a whole number >= 0"):
            model.run(bad)
    assert len(model.run(np.int64(2))) == 2 and len(model.run(0)) == 2
    assert model.steps == 2


def test_the_model_starts_with_full_trust_and_routed_compute():
    model = DataEconomy(policy=BUSY, scenario="small", n_firms=100, seed=2, spin_up_quarters=0)
    p = model.params
    assert model.trust == 1.0 and model.clearing is None and model.quarter == Quarter()
    start = p.data_compute_share * p.racks * p.rack_utilisation
    assert model.compute.table.data_load_racks.sum() == pytest.approx(start)
    assert model.compute.cost_per_data_unit == model.calibration.compute_cost_per_unit_rmb
    assert 0 <= model.compute.west_share <= 1
    assert len(model.market.price_sample) == 100 and np.all(np.diff(model.market.price_sample) > 0)
    big = DataEconomy(scenario="small", n_firms=1200, seed=2)
    assert len(big.market.price_sample) == 1000
    assert len(np.unique(big.market.price_sample)) == 1000
    assert len(model.foreign_owner) == p.n_foreign_products
    assert model.regulator.policy is model.policy
    n_agents = sum(len(x) for x in (model.firms, model.holders, model.suppliers, model.operators))
    assert len(model.agents) == n_agents + len(model.compute) + 1


def test_without_foreign_firms_the_foreign_products_have_a_placeholder_owner():
    model = DataEconomy(
        scenario="small", n_firms=50, seed=1, share_hong_kong=0.0, share_foreign=0.0
    )
    assert np.array_equal(model.foreign_owner, np.zeros(model.params.n_foreign_products))
    model.run(1)


# --- calibration --------------------------------------------------------------------------------


@pytest.mark.parametrize(("quarters", "initial_effort"), [(0, 0.5), (2, 0.4)])
def test_calibration_follows_its_three_steps_and_touches_nothing(quarters, initial_effort):
    model = DataEconomy(
        policy=BUSY, scenario="small", n_firms=200, seed=4, initial_effort=initial_effort
    )
    model.run(quarters)  # a later state is calibrated the same way (prices not zero)
    p = model.params
    prices = model.market.catalogue.price.copy(), model.market.catalogue.available.copy()
    firms = model.firms.table.copy()
    load = model.compute.table.data_load_racks.copy()
    cal = calibrate(
        p, model.firms, model.market, model.holders, model.compute, np.random.default_rng(8)
    )
    assert np.array_equal(model.market.catalogue.price, prices[0])
    assert np.array_equal(model.market.catalogue.available, prices[1])
    assert np.array_equal(model.firms.table.cash, firms.cash)
    assert np.array_equal(model.compute.table.data_load_racks, load)

    # 1. The warm-up market under the reference policy, sellers at E5 prices.
    policy = REFERENCE_POLICY
    assert policy == Policy()
    catalogue = model.market.catalogue.copy()
    warm = Market(catalogue, model.market.view, model.market.price_sample)
    n_ops = int(np.sum(catalogue.kind == OPERATOR))
    refresh_catalogue(
        catalogue, policy, p, model.holders.product_size(p), model.holders.sensitive_quality(p),
        np.zeros(n_ops, bool), catalogue.size[catalogue.block(ProductKind.PRIVATE)].copy(),
    )  # fmt: skip
    # compute_cost_rmb is per public licence at start: per data unit over the mean size.
    compute_cost = p.compute_cost_rmb / np.mean(model.holders.product_size(p))
    val = value_licences(
        model.firms.table, warm, policy, p, value_per_unit=model.firms.value_per_unit(p),
        trust=1.0, review_strictness=policy.review_strictness, compute_cost_per_unit=compute_cost,
    )  # fmt: skip
    wtp = sample_willingness_to_pay(val, model.firms.table, warm, policy)
    private = catalogue.block(ProductKind.PRIVATE)
    catalogue.price[private] = eq.revenue_maximising_price(wtp[:, private])
    catalogue.price_public_interest[private] = catalogue.price[private]
    set_foreign_prices(catalogue, wtp, 1.0)
    public = catalogue.block(ProductKind.PUBLIC)
    catalogue.price[public], catalogue.price_public_interest[public] = public_fees(policy, p)
    rng = np.random.default_rng(8)
    first = clear(val, model.firms.table, warm, policy, policy.review_strictness, rng)
    m0 = first.revenue.sum()
    assert cal.start_market_rmb == pytest.approx(m0)
    # 0. The national scale from the scenario alone: national output over the output of the
    # mainland firms expected active at start.
    abroad = round(200 * p.share_hong_kong) + round(200 * p.share_foreign)
    active = (200 - abroad) * p.initial_active_share
    assert cal.firms_represented == pytest.approx(
        p.national_output_rmb / 4 / (p.mean_output_rmb * active)
    )
    assert cal.firms_represented == national_scale(p)
    # 2. Compute: the warm-up's data load is data_compute_share of the racks in use.
    rpu = p.data_compute_share * p.racks * p.rack_utilisation / first.data_volume
    assert cal.racks_per_data_unit == pytest.approx(rpu)
    clusters = ComputeClusters(model.compute.table.copy())
    latency = latency_cost(policy, p)
    west, _ = clusters.route(p, first.data_volume * rpu, latency)
    assert cal.west_share_0 == pytest.approx(west)
    assert cal.compute_price_index_0 == pytest.approx(clusters.blended_price(p, west, latency))
    assert cal.compute_cost_per_unit_rmb == pytest.approx(compute_cost)
    # 3. Cost recovery: fees at the reference price recover supply cost at initial effort.
    recovery = policy.replace(pricing="cost_recovery")
    catalogue.price[public], catalogue.price_public_interest[public] = public_fees(recovery, p)
    second = clear(val, model.firms.table, warm, recovery, policy.review_strictness, rng)
    fees = second.revenue[public].mean()
    assert fees > 0
    assert cal.holder_effort_cost == pytest.approx(2 * fees / p.initial_effort**2)
    assert cal.holder_mandate == pytest.approx(p.mandate_share * cal.holder_effort_cost)
    assert cal.operator_fixed_cost_rmb == pytest.approx(p.operator_fixed_cost_per_firm_rmb * 200)
    assert cal.security_cost_rmb == pytest.approx(p.security_cost_per_firm_rmb * 200)
    # E22's costs: national RMB a year to simulated RMB a quarter; an audit is one audit.
    per_quarter = 1 / 4 / cal.firms_represented
    assert cal.lever_costs_rmb == pytest.approx(
        {
            "infrastructure": p.infrastructure_cost_rmb * per_quarter,
            "privacy_computing": p.privacy_computing_cost_rmb * per_quarter,
            "traceability": p.traceability_cost_rmb * per_quarter,
            "registration": p.registration_cost_rmb * per_quarter,
            "review": p.review_cost_rmb * per_quarter,
            "audit": p.audit_cost_rmb / cal.firms_represented,
            "bridge": p.bridge_cost_rmb * per_quarter,
        }
    )
    assert cal.to_dict()["firms_represented"] == cal.firms_represented
    assert set(cal.to_dict()) == {f for f in Calibration.__dataclass_fields__}


def test_calibration_is_the_same_whatever_the_policy_simulated():
    a = DataEconomy(policy=Policy(), scenario="small", n_firms=150, seed=6)
    b = DataEconomy(policy=BUSY, scenario="small", n_firms=150, seed=6)
    assert a.calibration == b.calibration
    assert a.calibration != DataEconomy(scenario="small", n_firms=150, seed=7).calibration


def test_calibration_refuses_an_economy_where_nobody_buys():
    with pytest.raises(ParameterError) as error:
        DataEconomy(scenario="small", n_firms=30, seed=1, fit_scale=1e-6)
    assert str(error.value) == (
        "scenario 'small+': no firm licensed any data product at start-up (the best licence "
        "was worth RMB 0 to its firm and cost RMB 1,728 to use), so compute use cannot be "
        "calibrated; raise n_firms, fit_scale, data_elasticity, initial_capability or the "
        "product sizes (public_product_size, private_product_size, foreign_product_size), or "
        "lower integration_cost_rmb, search_cost_rmb, compute_cost_rmb, cross_border_cost_rmb, "
        "reference_price_rmb or the shares of firms abroad (share_foreign, share_hong_kong)"
    )


def test_calibration_without_open_data_prices_compute_at_the_reference_size():
    # No open datasets: public products have size 0, so E13's start-up size cannot scale the
    # compute cost; the reference size does.
    model = DataEconomy(scenario="small", n_firms=150, seed=2, open_datasets=0.0)
    p = model.params
    assert np.all(model.holders.product_size(p) == 0.0)
    cost = model.calibration.compute_cost_per_unit_rmb
    assert cost == pytest.approx(p.compute_cost_rmb / p.public_product_size)


def test_the_nobody_buys_message_for_an_empty_view():
    # An economy whose firms see no product at all has no best licence to quote.
    empty = SimpleNamespace(value=np.zeros((30, 0)), usage=np.zeros((30, 0)))
    message = _nobody_uses_data(get_scenario("small"), empty)
    assert "(the best licence was worth nothing to its firm and cost - to use)" in message


def test_calibration_with_no_fee_revenue_keeps_a_positive_effort_cost():
    # At a prohibitive reference fee nobody buys open data at cost recovery.
    model = DataEconomy(scenario="small", n_firms=100, seed=1, reference_price_rmb=1e9)
    assert model.calibration.holder_effort_cost == pytest.approx(1e-9)


# --- random streams -------------------------------------------------------------------------


def test_streams_are_spawned_from_the_seed_by_name_and_quarter():
    assert STREAMS == (
        "initial", "calibration", "approvals", "operator_incidents", "cross_border_incidents",
        "audits", "exit", "entry", "entrants",
    )  # fmt: skip
    streams = RandomStreams(np.int64(42))
    assert streams.seed == 42 and type(streams.seed) is int

    def child(*key):
        return np.random.default_rng(np.random.SeedSequence(42, spawn_key=key)).random(3)

    assert np.array_equal(streams.initial.random(3), child(0))
    assert np.array_equal(streams.calibration.random(3), child(1))
    assert np.array_equal(streams.quarter("approvals", 5).random(3), child(2, 5))
    assert np.array_equal(streams.quarter("entry", 1).random(3), child(7, 1))
    assert np.array_equal(streams.quarter("exit", 2).random(3), child(6, 2))
    a, b = RandomStreams(42).quarter("audits", 3), RandomStreams(42).quarter("audits", 3)
    assert np.array_equal(a.random(4), b.random(4))
    with pytest.raises(ValueError):
        streams.quarter("weather", 1)


def test_quarter_generators_are_numpys_in_state_and_spawn():
    for seed in (0, 1, 2**32 - 1, 2**32, 2**63 - 1, 2**130 + 7):
        streams = RandomStreams(seed)
        for name in STREAMS[2:]:
            for quarter in (1, 2, 40, 2**32 + 1):
                key = (STREAMS.index(name), quarter)
                got = streams.quarter(name, quarter)
                want = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
                assert got.bit_generator.state == want.bit_generator.state
    got, want = streams.quarter("exit", 3), np.random.SeedSequence(2**130 + 7, spawn_key=(6, 3))
    assert np.array_equal(got.bit_generator.seed_seq.generate_state(3), want.generate_state(3))
    for a, b in zip(got.spawn(2), np.random.default_rng(want).spawn(2), strict=True):
        assert np.array_equal(a.random(3), b.random(3))
    with pytest.raises(ValueError):
        RandomStreams(-1).quarter("exit", 1)


def test_quarter_state_is_the_quarter_generators_words():
    for seed in (0, 1, 2**32 - 1, 2**63 - 1, 2**130 + 7):
        streams = RandomStreams(seed)
        for name in STREAMS[2:]:
            for quarter in (1, 2, 40, 2**32 + 1):
                words = streams.quarter_state(name, quarter)
                generator = streams.quarter(name, quarter)
                assert words.dtype == np.uint64
                assert np.array_equal(words, kernels.pcg64_words(generator))
                # And they draw its uniforms, one at a time or many.
                assert kernels.uniform(words) == generator.random()
                assert np.array_equal(kernels.uniforms(words, 5), generator.random(5))
    with pytest.raises(ValueError):
        RandomStreams(0).quarter_state("weather", 1)


def test_steps_draw_the_same_from_a_generator_or_its_words():
    model = busy(quarters=2)
    streams, p, q = model.streams, model.params, 3
    firms_a, firms_b = Firms(model.firms.table.copy()), Firms(model.firms.table.copy())
    firms_a.table.surplus[::3] = -1.0  # losses exit more often
    firms_b.table.surplus[::3] = -1.0
    exits = firms_a.exit(p, streams.quarter("exit", q))
    assert exits == firms_b.exit(p, streams.quarter_state("exit", q)) > 0
    assert np.array_equal(firms_a.table.active, firms_b.table.active)
    regulated = []
    for draw in (streams.quarter, streams.quarter_state):
        ops = model.operators.table.copy()
        regulator = type(model.regulator)(model, model.policy)
        regulator.enforce(
            ops, p, 300.0, 0.2, draw("operator_incidents", q),
            draw("cross_border_incidents", q), draw("audits", q),
        )  # fmt: skip
        regulated.append((ops, regulator.incidents, regulator.audits, regulator.fines_rmb))
    (a, *rest_a), (b, *rest_b) = regulated
    assert rest_a == rest_b and rest_a[0] > 0 and rest_a[1] > 0
    for f in a.columns():
        assert np.array_equal(getattr(a, f.name), getattr(b, f.name)), f.name


def test_spawn_seeds():
    seeds = spawn_seeds(123, 4)
    want = [
        int(c.generate_state(1, np.uint64)[0] >> 1) for c in np.random.SeedSequence(123).spawn(4)
    ]
    assert seeds == want and len(set(seeds)) == 4
    assert all(type(s) is int and 0 <= s < 2**63 for s in seeds)
    assert spawn_seeds(np.int64(123), 2) == want[:2]
    assert spawn_seeds(5, 0) == []
    for bad in (-1, True, 1.0, "1"):
        with pytest.raises(ValueError, match=r"root seed .*: expected a whole number >= 0"):
            spawn_seeds(bad, 2)
    assert spawn_seeds(0, 1) == [
        int(np.random.SeedSequence(0).spawn(1)[0].generate_state(1, np.uint64)[0] >> 1)
    ]


def test_collected_firms_are_the_model_classes_own_agents():
    class MyFirm(Firm):
        pass

    class MyFirms(Firms):
        agent_class = MyFirm

    class Model(DataEconomy):
        firms_class = MyFirms

    model = Model(scenario="small", n_firms=40, seed=1, collect_agents=True)
    model.run(1)
    assert list(model.datacollector.agenttype_reporters) == [MyFirm]
    assert len(model.datacollector.get_agenttype_vars_dataframe(MyFirm)) > 0


def test_cross_border_incidents_follow_e9_with_the_bridge_alignment():
    """With no operators every incident is a cross-border one: over many quarters their
    number matches E9's rate, summed from each quarter's sensitive transfers and Hong Kong
    share (alignment ``hk_share + 0.3 (1 - hk_share)`` with the bridge)."""
    policy = Policy(
        operators=0, openness=1.0, hk_bridge=True, review_strictness=0.4, infrastructure=0.2
    )
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=4000, seed=3, cross_border_incident_rate=1.0,
        share_hong_kong=0.2, share_foreign=0.1, trust_loss_per_incident=0.0, trust_collapse=0.0,
        partner_reciprocity=1.0, partner_retaliation=0.0, bridge_capacity=1e9,
    )  # fmt: skip
    expected = observed = 0.0
    shares = []
    for _ in range(16):
        model.step()
        c = model.clearing
        hk = c.hong_kong_transfer_share
        shares.append(hk)
        alignment = hk + 0.3 * (1 - hk)
        expected += eq.incident_rate(1.0, c.sensitive_transfers, 0.2, 0.0, 0.4, alignment)
        observed += model.quarter.incidents
    assert 0.1 < np.mean(shares) < 0.9
    # Poisson: within 3.5 sd; alignment hk - 0.3 (1 - hk), say, would be about 5 sd away.
    assert expected > 400
    assert abs(observed - expected) < 3.5 * np.sqrt(expected)


def test_partners_start_at_their_response_to_todays_openness_and_scale_foreign_supply():
    model = DataEconomy(
        scenario="small", n_firms=120, seed=2, partner_reciprocity=0.8, spin_up_quarters=0
    )
    p, today = model.params, LEVERS["openness"].default
    start = eq.partner_openness(today, today, 0.8, 1.0, 0.0, 0.0)
    assert start < 1 and model.partner_openness == pytest.approx(start)
    # The quarter's catalogue: foreign products scaled by the partners' openness then.
    model.step()
    c = model.market.catalogue
    foreign = c.kind == FOREIGN
    assert np.allclose(c.size[foreign], p.foreign_product_size * start)


def test_transactions_are_kept_only_when_asked():
    plain = DataEconomy(scenario="small", n_firms=60, seed=1)
    plain.run(1)
    assert plain.clearing.bought is None and plain.keep_transactions is False
    kept = DataEconomy(scenario="small", n_firms=60, seed=1, keep_transactions=True)
    kept.run(1)
    assert kept.clearing.bought.shape == kept.market.view.product.shape
    assert np.array_equal(kept.clearing.spending, plain.clearing.spending)
    with pytest.raises(ParameterError, match=r"keep_transactions=1: expected True or False"):
        DataEconomy(scenario="small", keep_transactions=1)


def test_the_firm_frame_is_the_firms_agent_type_frame():
    model = DataEconomy(scenario="small", n_firms=40, seed=1, collect_agents=True)
    model.run(2)
    frame = model.datacollector.get_agent_vars_dataframe()
    want = model.datacollector.get_agenttype_vars_dataframe(Firm)
    assert len(frame) > 0 and frame.equals(want)
    plain = DataEconomy(scenario="small", n_firms=40, seed=1)
    plain.run(1)
    with pytest.raises(ValueError, match="build the model with collect_agents=True"):
        plain.datacollector.get_agent_vars_dataframe()


def test_the_openness_in_effect_is_chinas_times_its_partners(monkeypatch):
    # E21: the market clears at China's openness times its partners' response to it.
    model = DataEconomy(policy=Policy(openness=0.6), scenario="small", n_firms=150, seed=4)
    partner = model.partner_openness
    assert 0 < partner < 1
    seen = []

    def spy(*args, **kwargs):
        seen.append(inspect.signature(clear).bind(*args, **kwargs).arguments["openness"])
        return clear(*args, **kwargs)

    monkeypatch.setattr("econ.model.clear", spy)
    model.step()
    assert seen == [pytest.approx(0.6 * partner)]


def test_mean_is_numpys():
    rng = np.random.default_rng(9)
    for n in (1, 2, 7, 8, 9, 127, 128, 129, 1000, 4099):
        values = rng.lognormal(0, 3, n) * rng.choice([1e-6, 1.0, 1e9])
        assert _mean(values) == values.mean() and type(_mean(values)) is float
