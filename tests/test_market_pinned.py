"""Every market rule pinned through the public functions of econ.market (issue #17).

Each test would fail if its rule were inverted or its amount changed: the expected numbers
are worked out here, independently of the code, from docs/ODD.md 7.3 and 7.7 (non-fee costs,
E15, E16). The economies are small (120 firm slots, one quarter) so that mutation testing
(``make mutation``) can run these tests for every mutant of econ/market.py.
"""

import numpy as np
import pytest

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.categories import ProductKind, Region, Sector
from econ.market import (
    Catalogue,
    Market,
    Valuation,
    View,
    clear,
    clear_reference,
    refresh_catalogue,
    sample_willingness_to_pay,
    sample_willingness_to_pay_reference,
    set_foreign_prices,
    value_licences,
)
from econ.scenarios import get_scenario

PUBLIC, OPERATOR, PRIVATE, FOREIGN = (int(k) for k in ProductKind)
HK, ABROAD = int(Region.HONG_KONG), int(Region.FOREIGN)

# docs/ODD.md 7.3 and 7.7: the constants of the non-fee costs and of the bridge.
SEARCH_SAVED_BY_REGISTRATION = 0.6
COMPLIANCE_SAVED_BY_INFRASTRUCTURE = 0.6
INTEGRATION_SAVED_BY_CAPABILITY = 0.7
BRIDGE_DISCOUNT_HK, BRIDGE_DISCOUNT_OTHER = 0.6, 0.3
BRIDGE_ALIGNMENT_HK, BRIDGE_ALIGNMENT_OTHER = 1.0, 0.5
# The sensitivity of each kind of product (public, operator, private, foreign), by
# ProductKind code: the scenario's sensitivity_* defaults.
SENSITIVITY = np.array([0.1, 0.8, 0.3, 0.2])


def economy(policy=None, n=120, seed=3, quarters=1, **params):
    """A small economy after ``quarters`` quarters (prices, availability and sizes set)."""
    policy = policy or Policy(operators=2, openness=0.5)
    # The quarter's mechanics from the initial economy (the spin-up has tests of its own).
    params.setdefault("spin_up_quarters", 0)
    model = DataEconomy(policy=policy, scenario="small", n_firms=n, seed=seed, **params)
    model.run(quarters)
    return model


def value(model, policy=None, scenario=None, trust=0.7, strictness=0.4, compute=2.0):
    return value_licences(
        model.firms.table,
        model.market,
        policy or model.policy,
        scenario or model.params,
        value_per_unit=model.firms.value_per_unit(model.params),
        trust=trust,
        review_strictness=strictness,
        compute_cost_per_unit=compute,
    )


def expected_usage(model, policy, p, strictness, compute):
    """Non-fee cost of every (firm, view slot), one entry at a time, from docs/ODD.md."""
    s, c, v = model.firms.table, model.market.catalogue, model.market.view
    n, width = v.product.shape
    usage = np.zeros((n, width))
    for i in range(n):
        hong_kong = s.region[i] == HK
        abroad = s.region[i] in (HK, ABROAD)
        bridge = policy.hk_bridge * (BRIDGE_DISCOUNT_HK if hong_kong else BRIDGE_DISCOUNT_OTHER)
        cross_border = (
            p.cross_border_cost_rmb
            * (1 - 0.5 * policy.infrastructure)
            * (1 + strictness)
            * (1 - bridge)
        )
        integration = p.integration_cost_rmb * (
            1 - INTEGRATION_SAVED_BY_CAPABILITY * s.capability[i]
        )
        for j in range(width):
            kind, product = v.kind[j], v.product[i, j]
            cost = integration + compute * c.size[product]
            if kind == PUBLIC:
                saved = SEARCH_SAVED_BY_REGISTRATION if policy.registration else 0.0
                cost += p.search_cost_rmb * (1 - saved)
            elif kind == PRIVATE:
                cost += p.search_cost_rmb
            elif kind == OPERATOR:
                saved = COMPLIANCE_SAVED_BY_INFRASTRUCTURE * policy.infrastructure
                cost += p.sensitive_compliance_cost_rmb * (1 - saved)
            if abroad != (kind == FOREIGN):  # domestic data abroad, or foreign data at home
                cost += cross_border
            usage[i, j] = cost
    return usage


@pytest.fixture
def model():
    return economy(Policy(operators=2, openness=0.5, infrastructure=0.4))


# --- valuation: value and non-fee costs -------------------------------------------------


@pytest.mark.parametrize(
    "policy",
    [
        Policy(operators=2, openness=0.5, infrastructure=0.4),
        Policy(operators=2, registration=False, hk_bridge=True, infrastructure=0.9),
        Policy(operators=3, hk_bridge=True, infrastructure=0.0),
    ],
)
def test_usage_cost_is_the_sum_of_every_non_fee_cost(model, policy):
    p = model.params.replace(
        search_cost_rmb=700.0,
        sensitive_compliance_cost_rmb=5000.0,
        integration_cost_rmb=1300.0,
        cross_border_cost_rmb=9000.0,
    )
    got = value(model, policy, p, strictness=0.3, compute=3.0)
    want = expected_usage(model, policy, p, 0.3, 3.0)
    assert np.allclose(got.usage, want, rtol=1e-12)


def test_cross_border_flags_domestic_data_abroad_and_foreign_data_at_home(model):
    region = model.firms.table.region
    abroad = (region == HK) | (region == ABROAD)
    foreign_slot = model.market.view.kind == FOREIGN
    assert abroad.any() and (~abroad).any() and foreign_slot.any()
    got = value(model).cross_border
    assert np.array_equal(got, abroad[:, None] != foreign_slot[None, :])


def cost_change(model, changes=None, policy=None, **kwargs):
    """Usage after minus usage before a change of scenario or policy."""
    base = value(model, **kwargs).usage
    p = model.params.replace(**changes) if changes else model.params
    return value(model, policy=policy, scenario=p, **kwargs).usage - base


@pytest.mark.parametrize("registration", [True, False])
def test_search_cost_applies_to_public_and_private_products_and_registration_cuts_it(
    model, registration
):
    policy = model.policy.replace(registration=registration)
    step = 100.0
    changed = model.params.replace(search_cost_rmb=model.params.search_cost_rmb + step)
    before = value(model, policy=policy).usage
    after = value(model, policy=policy, scenario=changed).usage
    delta = after - before
    kind = model.market.view.kind
    saved = SEARCH_SAVED_BY_REGISTRATION if registration else 0.0
    assert np.allclose(delta[:, kind == PUBLIC], step * (1 - saved))
    assert np.allclose(delta[:, kind == PRIVATE], step)
    assert np.allclose(delta[:, (kind == OPERATOR) | (kind == FOREIGN)], 0.0)


def test_registration_lowers_the_usage_cost_of_public_products_only(model):
    on = value(model, policy=model.policy.replace(registration=True)).usage
    off = value(model, policy=model.policy.replace(registration=False)).usage
    kind = model.market.view.kind
    saved = SEARCH_SAVED_BY_REGISTRATION * model.params.search_cost_rmb
    assert np.allclose((off - on)[:, kind == PUBLIC], saved)
    assert np.allclose((off - on)[:, kind != PUBLIC], 0.0)


def test_compliance_cost_applies_to_operator_products_and_infrastructure_cuts_it(model):
    kind = model.market.view.kind
    step = 1000.0
    delta = cost_change(
        model,
        {"sensitive_compliance_cost_rmb": model.params.sensitive_compliance_cost_rmb + step},
    )
    infra = model.policy.infrastructure
    assert np.allclose(delta[:, kind == OPERATOR], step * (1 - 0.6 * infra))
    assert np.allclose(delta[:, kind != OPERATOR], 0.0)
    # More infrastructure: lower compliance cost of operator products (and of cross-border
    # transfers, E16), never higher.
    more = model.policy.replace(infrastructure=infra + 0.5)
    delta = cost_change(model, policy=more)
    compliance = model.params.sensitive_compliance_cost_rmb
    cross = value(model).cross_border
    ops = (kind == OPERATOR)[None, :] & ~cross
    assert np.allclose(delta[ops], -COMPLIANCE_SAVED_BY_INFRASTRUCTURE * 0.5 * compliance)
    assert np.all(delta <= 0) and np.all(delta[cross] < 0)


def test_integration_cost_falls_with_capability(model):
    step = 200.0
    delta = cost_change(model, {"integration_cost_rmb": model.params.integration_cost_rmb + step})
    capability = model.firms.table.capability
    want = step * (1 - INTEGRATION_SAVED_BY_CAPABILITY * capability)
    assert np.allclose(delta, want[:, None])
    assert capability.min() < capability.max()  # the term differs between firms


def test_compute_cost_is_per_data_unit_of_the_product(model):
    low = value(model, compute=1.0).usage
    high = value(model, compute=4.0).usage
    size = model.market.catalogue.size[model.market.view.product]
    assert np.allclose(high - low, 3.0 * size)
    assert size.max() > 0


@pytest.mark.parametrize("hk_bridge", [False, True])
def test_cross_border_cost_e16_with_the_bridge_discount_by_region(model, hk_bridge):
    policy = model.policy.replace(hk_bridge=hk_bridge, infrastructure=0.2)
    step = 1000.0
    p = model.params.replace(cross_border_cost_rmb=model.params.cross_border_cost_rmb + step)
    before = value(model, policy=policy, strictness=0.25)
    delta = value(model, policy=policy, scenario=p, strictness=0.25).usage - before.usage
    region = model.firms.table.region
    hong_kong = region == HK
    discount = np.where(hong_kong, BRIDGE_DISCOUNT_HK, BRIDGE_DISCOUNT_OTHER) * hk_bridge
    per_transfer = step * (1 - 0.5 * 0.2) * (1 + 0.25) * (1 - discount)
    want = np.where(before.cross_border, per_transfer[:, None], 0.0)
    assert np.allclose(delta, want)
    assert hong_kong.any() and (region == ABROAD).any()


def test_review_strictness_raises_only_cross_border_costs(model):
    loose, strict = value(model, strictness=0.0), value(model, strictness=1.0)
    delta = strict.usage - loose.usage
    assert np.all(delta[strict.cross_border] > 0)
    assert np.allclose(delta[~strict.cross_border], 0.0)


def test_the_bridge_cuts_hong_kong_costs_more_than_others(model):
    plain = value(model, policy=model.policy.replace(hk_bridge=False))
    bridged = value(model, policy=model.policy.replace(hk_bridge=True))
    saving = plain.usage - bridged.usage
    region = model.firms.table.region
    cb = plain.cross_border
    base = eq.cross_border_cost(
        model.params.cross_border_cost_rmb, model.policy.infrastructure, 0.4, 0.0
    )
    hk_rows, foreign_rows = region == HK, region == ABROAD
    assert np.allclose(saving[hk_rows][cb[hk_rows]], BRIDGE_DISCOUNT_HK * base)
    assert np.allclose(saving[foreign_rows][cb[foreign_rows]], BRIDGE_DISCOUNT_OTHER * base)
    mainland = ~(hk_rows | foreign_rows)
    assert np.allclose(saving[mainland][cb[mainland]], BRIDGE_DISCOUNT_OTHER * base)
    assert np.allclose(saving[~cb], 0.0)


def expected_value(model, trust):
    s, c, v = model.firms.table, model.market.catalogue, model.market.view
    vpu = model.firms.value_per_unit(model.params)
    n, width = v.product.shape
    out = np.zeros((n, width))
    for i in range(n):
        for j in range(width):
            product, kind = v.product[i, j], v.kind[j]
            trusting = trust if kind in (OPERATOR, FOREIGN) else 1.0
            if s.region[i] >= Region.HONG_KONG:  # every purchase from abroad crosses the border
                trusting *= trust
            worth = c.relevance[s.sector[i], product] * c.size[product] * c.available[product]
            out[i, j] = worth * trusting * vpu[i] * v.fit[i, j]
    return out


def test_licence_value_is_e4_times_relevance_size_fit_and_trust(model):
    got = value(model, trust=0.35).value
    assert np.allclose(got, expected_value(model, 0.35), rtol=1e-5)
    assert got.max() > 0


def test_trust_discounts_exactly_operator_and_foreign_products(model):
    full, low = value(model, trust=1.0).value, value(model, trust=0.25).value
    kind = model.market.view.kind
    home = model.firms.table.region < Region.HONG_KONG
    discounted = (kind == OPERATOR) | (kind == FOREIGN)
    at_home_full, at_home_low = full[home], low[home]
    assert np.allclose(at_home_low[:, discounted], 0.25 * at_home_full[:, discounted], rtol=1e-6)
    assert np.allclose(at_home_low[:, ~discounted], at_home_full[:, ~discounted], rtol=1e-6)


def test_trust_discounts_every_product_to_buyers_abroad(model):
    # Exports: a Hong Kong or foreign firm's every purchase crosses the border (E4, E17).
    full, low = value(model, trust=1.0).value, value(model, trust=0.25).value
    kind = model.market.view.kind
    abroad = model.firms.table.region >= Region.HONG_KONG
    assert abroad.any()
    sensitive = (kind == OPERATOR) | (kind == FOREIGN)
    away_full, away_low = full[abroad], low[abroad]
    assert np.allclose(away_low[:, ~sensitive], 0.25 * away_full[:, ~sensitive], rtol=1e-6)
    assert np.allclose(away_low[:, sensitive], 0.0625 * away_full[:, sensitive], rtol=1e-6)
    assert full[:, kind == OPERATOR].max() > 0 and full[:, kind == FOREIGN].max() > 0
    assert full[:, kind == PUBLIC].max() > 0 and full[:, kind == PRIVATE].max() > 0


def test_unavailable_products_are_worth_nothing(model):
    c = model.market.catalogue
    saved = c.available.copy()
    try:
        c.available[c.kind == PRIVATE] = False
        got = value(model).value
    finally:
        c.available[:] = saved
    kind = model.market.view.kind
    assert np.all(got[:, kind == PRIVATE] == 0.0)
    assert got[:, kind == PUBLIC].max() > 0


# --- the catalogue and the views ----------------------------------------------------------


def test_catalogue_layout_blocks_relevance_and_sizes():
    p = get_scenario("small", foreign_compute_share=0.5, china_compute_share=0.4)
    holder_sector = np.array([0, 3, 5], dtype=np.int8)
    supplier_sector = np.array([2, 2], dtype=np.int8)
    quality = np.array([0.5, 2.0])
    c = Catalogue.layout(p, 3, holder_sector, supplier_sector, quality)
    k = p.n_foreign_products
    assert list(c.kind) == [PUBLIC] * 3 + [OPERATOR] * 3 + [PRIVATE] * 2 + [FOREIGN] * k
    assert list(c.owner) == [0, 1, 2, 0, 1, 2, 0, 1, *range(k)]
    for kind, columns in ((PUBLIC, (0, 3)), (OPERATOR, (3, 6)), (PRIVATE, (6, 8))):
        assert c.block(ProductKind(kind)) == slice(*columns)
    assert c.block(ProductKind.FOREIGN) == slice(8, 8 + k)
    rel = c.base_relevance
    assert rel.shape == (len(Sector), 8 + k)
    for col, sector in enumerate(holder_sector):  # own sector 1.0, others 0.4
        assert rel[sector, col] == 1.0
        assert np.allclose(np.delete(rel[:, col], sector), 0.4)
    assert np.all(rel[:, 3:6] == 0.8)
    assert np.all(rel[2, 6:8] == 1.0) and np.allclose(np.delete(rel[:, 6:8], 2, axis=0), 0.3)
    # Foreign breadth: 0.12 per unit of relative compute share, the ratio capped at 2.
    assert np.allclose(rel[:, 8:], 0.12 * 0.5 / 0.4)
    capped = Catalogue.layout(
        p.replace(foreign_compute_share=0.9, china_compute_share=0.3),
        3,
        holder_sector,
        supplier_sector,
        quality,
    )
    assert np.allclose(capped.base_relevance[:, 8:], 0.12 * 2.0)
    assert np.array_equal(c.relevance, rel) and c.relevance is not rel
    assert np.allclose(c.size[6:8], p.private_product_size * quality)
    assert np.allclose(c.size[8:], p.foreign_product_size)
    assert np.all(c.size[:6] == 0) and not c.available.any()
    assert np.all(c.price == 0) and np.all(c.price_public_interest == 0)
    assert c.price is not c.price_public_interest
    empty = Catalogue.layout(p, 0, holder_sector, supplier_sector, quality)
    assert empty.block(ProductKind.OPERATOR) == slice(0, 0)


def test_catalogue_copy_is_independent(model):
    c = model.market.catalogue
    twin = c.copy()
    for name in ("kind", "owner", "size", "relevance", "available", "price"):
        assert np.array_equal(getattr(twin, name), getattr(c, name))
        assert not np.shares_memory(getattr(twin, name), getattr(c, name))


def test_view_layout_and_draw():
    p = get_scenario("small", n_firms=60, public_seen=5, public_seen_unregistered=2, private_seen=3)
    c = Catalogue.layout(
        p,
        2,
        np.arange(p.n_holders, dtype=np.int8) % 6,
        np.arange(p.n_private_suppliers, dtype=np.int8) % 6,
        np.ones(p.n_private_suppliers),
    )
    v = View.layout(p, c)
    k = p.n_foreign_products
    assert list(v.kind) == [PUBLIC] * 5 + [PRIVATE] * 3 + [OPERATOR] * 2 + [FOREIGN] * k
    assert list(v.needs_registration) == [False] * 2 + [True] * 3 + [False] * (5 + k)
    assert v.product.shape == v.fit.shape == v.tie_break.shape == (60, 10 + k)
    assert np.all(v.product[:, v.kind == OPERATOR] == np.flatnonzero(c.kind == OPERATOR))
    assert np.all(v.product[:, v.kind == FOREIGN] == np.flatnonzero(c.kind == FOREIGN))
    rows = np.arange(0, 60, 2)
    v.draw(rows, p, c, np.random.default_rng(5))
    for kind in (PUBLIC, PRIVATE):
        seen = v.product[rows][:, v.kind == kind]
        assert np.all(c.kind[seen] == kind)
        assert all(len(set(r)) == len(r) for r in seen)  # distinct products in each view
        assert len(np.unique(seen)) > seen.shape[1]  # firms see different products
    assert np.all(v.product[1::2][:, v.kind == PUBLIC] == 0)  # rows not drawn are untouched
    fit = v.fit[rows]
    assert fit.min() >= p.fit_scale * (1 - 1e-6)
    assert fit.max() <= p.fit_scale * p.fit_max_ratio * (1 + 1e-6)
    assert fit.max() > 3 * p.fit_scale  # a heavy tail, not a constant
    ops = fit[:, v.kind == OPERATOR]
    assert np.all(ops == ops[:, :1])  # the operators sell the same data
    assert np.all((v.tie_break[rows] >= 0) & (v.tie_break[rows] < 1e-6))
    assert v.tie_break[rows].max() > 0
    without_private = View.layout(p.replace(n_private_suppliers=0), c)
    assert PRIVATE not in without_private.kind


def test_view_draw_is_the_same_whether_a_kinds_slots_are_contiguous_or_not():
    # Contiguous slots are written through a slice, scattered ones through np.ix_.
    p = get_scenario("small", n_firms=40, public_seen=4, private_seen=3)
    c = Catalogue.layout(
        p,
        2,
        np.arange(p.n_holders, dtype=np.int8) % 6,
        np.arange(p.n_private_suppliers, dtype=np.int8) % 6,
        np.ones(p.n_private_suppliers),
    )
    v = View.layout(p, c)
    assert isinstance(v.slots()["columns"][PUBLIC], slice)
    kind = v.kind.copy()
    kind[:7] = [PUBLIC, PRIVATE, PUBLIC, PRIVATE, PUBLIC, PRIVATE, PUBLIC]
    scattered = View(v.product.copy(), v.fit.copy(), v.tie_break.copy(), kind, v.needs_registration)
    assert not isinstance(scattered.slots()["columns"][PUBLIC], slice)
    rows = np.array([0, 3, 4, 17, 39])
    v.draw(rows, p, c, np.random.default_rng(7))
    scattered.draw(rows, p, c, np.random.default_rng(7))
    for k in (PUBLIC, PRIVATE):
        assert np.array_equal(v.product[:, v.kind == k], scattered.product[:, kind == k])
    assert np.array_equal(v.fit, scattered.fit)


def test_view_draw_follows_the_bounded_pareto_law():
    p = get_scenario("small", n_firms=400, fit_tail_index=1.5, fit_max_ratio=50.0)
    model = DataEconomy(scenario=p, seed=2)
    fit = model.market.view.fit[:, model.market.view.kind == PUBLIC].ravel()
    # P(fit > x) of a bounded Pareto on [L, H] with tail a: (L^a x^-a - L^a H^-a) / (1 - (L/H)^a)
    low, high, a = p.fit_scale, p.fit_scale * 50.0, 1.5
    for x in (2 * low, 5 * low, 20 * low):
        tail = (low**a * x**-a - low**a * high**-a) / (1 - (low / high) ** a)
        assert np.mean(fit > x) == pytest.approx(tail, abs=0.02)


def test_refresh_catalogue_sets_sizes_availability_and_hoarding():
    model = economy(Policy(operators=2), quarters=0)
    c, p = model.market.catalogue, model.params
    public, ops = c.block(ProductKind.PUBLIC), c.block(ProductKind.OPERATOR)
    private, foreign = c.block(ProductKind.PRIVATE), c.block(ProductKind.FOREIGN)
    sizes = np.linspace(1.0, 2.0, public.stop - public.start)
    licensed = np.array([True, False, True, False, False])
    grown = np.linspace(3.0, 4.0, private.stop - private.start)
    refresh_catalogue(c, Policy(openness=0.2), p, sizes, 0.8, licensed, grown)
    assert np.allclose(c.size[public], sizes) and c.available[public].all()
    assert np.array_equal(c.size[private], grown)
    assert np.allclose(c.size[ops], p.sensitive_product_size * 0.8)
    assert np.array_equal(c.available[ops], licensed)
    assert c.available[private].all() and c.available[foreign].all()
    assert np.array_equal(c.relevance, c.base_relevance)

    refresh_catalogue(c, Policy(openness=0.0, private_data="ban"), p, sizes, 0.8, licensed, grown)
    assert not c.available[private].any() and not c.available[foreign].any()
    assert c.available[public].all()

    refresh_catalogue(c, Policy(private_data="hoard"), p, sizes, 0.8, licensed, grown)
    own = c.base_relevance[:, private] == 1.0
    assert own.any() and c.available[private].all()
    assert np.all(c.relevance[:, private][own] == 0.0)  # no sales to own-sector rivals
    assert np.array_equal(c.relevance[:, private][~own], c.base_relevance[:, private][~own])
    assert np.array_equal(c.relevance[:, public], c.base_relevance[:, public])
    # Broad trading again restores the relevance hoarding removed.
    refresh_catalogue(c, Policy(private_data="broad"), p, sizes, 0.8, licensed, grown)
    assert np.array_equal(c.relevance, c.base_relevance)


# --- sampled demand and foreign prices ------------------------------------------------------


@pytest.fixture(params=["kernel", "reference"])
def sampling(request):
    """Both implementations of the sampled demand: the compiled one and its numpy reference."""
    funcs = {"kernel": sample_willingness_to_pay, "reference": sample_willingness_to_pay_reference}
    return funcs[request.param]


def test_sellers_see_net_willingness_to_pay_of_the_sample(model, sampling):
    val = value(model)
    rows, v = model.market.price_sample, model.market.view
    wtp = sampling(val, model.firms.table, model.market, model.policy)
    assert wtp.shape == (len(rows), len(model.market.catalogue.kind))
    active = model.firms.table.active[rows]
    assert active.any() and (~active).any()
    for r, row in enumerate(rows):
        for j, product in enumerate(v.product[row]):
            got = wtp[r, product]
            if active[r]:
                assert got == pytest.approx(val.value[row, j] - val.usage[row, j])
            else:
                assert np.isnan(got)
    # Products a sampled firm does not see are not demand.
    unseen = np.ones(wtp.shape, bool)
    unseen[np.arange(len(rows))[:, None], v.product[rows]] = False
    assert np.isnan(wtp[unseen]).all()


def test_across_a_closed_border_there_is_no_demand(model, sampling):
    val = value(model)
    rows, v = model.market.price_sample, model.market.view
    closed = sampling(val, model.firms.table, model.market, model.policy.replace(openness=0.0))
    cb = val.cross_border[rows]
    active = model.firms.table.active[rows]
    seen = np.full(closed.shape, False)
    seen[np.arange(len(rows))[:, None], v.product[rows]] = True
    # Domestic demand of active firms survives closure; cross-border demand is gone.
    for r in np.flatnonzero(active):
        for j, product in enumerate(v.product[rows[r]]):
            if cb[r, j]:
                assert np.isnan(closed[r, product])
            else:
                assert closed[r, product] == pytest.approx(
                    val.value[rows[r], j] - val.usage[rows[r], j]
                )
    assert cb[active].any() and (~cb[active]).any()


def test_foreign_prices_follow_e5_and_e5b():
    p = get_scenario("small")
    c = Catalogue.layout(p, 2, np.zeros(3, np.int8), np.zeros(2, np.int8), np.ones(2))
    foreign = c.block(ProductKind.FOREIGN)
    rng = np.random.default_rng(0)
    wtp = rng.uniform(-50, 100, size=(40, len(c.kind)))
    c.price[:] = 7.0
    c.price[foreign] = [0.0, 10.0, 20.0, 30.0]
    before = c.price.copy()
    set_foreign_prices(c, wtp, 0.25)
    target = eq.revenue_maximising_price(wtp[:, foreign])
    want = np.where(
        before[foreign] > 0, before[foreign] + 0.25 * (target - before[foreign]), target
    )
    assert np.allclose(c.price[foreign], want)
    assert np.array_equal(c.price_public_interest[foreign], c.price[foreign])
    assert np.all(c.price[: foreign.start] == 7.0)  # domestic sellers price themselves
    # With no foreign products there is nothing to price.
    none = Catalogue.layout(
        p.replace(n_foreign_products=0), 2, np.zeros(3, np.int8), np.zeros(2, np.int8), np.ones(2)
    )
    set_foreign_prices(none, wtp[:, : len(none.kind)], 0.25)
    assert np.all(none.price == 0.0)


# --- clearing ------------------------------------------------------------------------------


def crafted(model, value_fn, usage=0.0, policy=None):
    """A valuation with the given value per (firm, slot) and a flat usage cost.

    In factors: every product is worth 1 per unit of value and fit to every sector, every
    firm values a unit at 1, and the view's fit carries the value (float32, so the values
    used here are exact); usage is all integration cost, with no cross-border cost. The
    bridge's alignment (E15) is that of ``policy`` (none without one).
    """
    s, v = model.firms.table, model.market.view
    bridge = policy.hk_bridge if policy is not None else False
    alignment = bridge * np.where(s.region == HK, BRIDGE_ALIGNMENT_HK, BRIDGE_ALIGNMENT_OTHER)
    n, n_products = len(s.region), len(model.market.catalogue.kind)
    fit = np.asarray(value_fn(v.product.shape), dtype=np.float32)
    return Valuation(
        worth=np.ones((len(Sector), n_products)),
        value_per_unit=np.ones(n),
        product_cost=np.zeros(n_products),
        integration=np.full(n, float(usage)),
        border_cost=np.zeros(n),
        alignment=alignment,
        review_relief=model.params.bridge_review_relief,
        abroad=(s.region == HK) | (s.region == ABROAD),
        sector=s.sector,
        view=View(v.product, fit, v.tie_break, v.kind, v.needs_registration),
    )


@pytest.fixture(params=["kernel", "reference"])
def clearing(request):
    """Both implementations of the clearing: the compiled one and its numpy reference."""
    return {"kernel": clear, "reference": clear_reference}[request.param]


def clear_with(model, valuation, policy, strictness=0.0, seed=0, how=clear):
    """Clear the market as the valuation sees it (its view, with the catalogue's prices)."""
    market = Market(model.market.catalogue, valuation.view, model.market.price_sample)
    rng = np.random.default_rng(seed)
    return how(valuation, model.firms.table, market, policy, strictness, rng, keep=True)


def test_closure_stops_only_cross_border_trade_and_domestic_trade_goes_on(model, clearing):
    val = value(model)
    open_ = clear_with(model, val, model.policy.replace(openness=1.0), how=clearing)
    closed = clear_with(model, val, model.policy.replace(openness=0.0), how=clearing)
    cb = val.cross_border
    assert (open_.bought & cb).any()
    assert not (closed.bought & cb).any()
    assert (closed.bought & ~cb).sum() > 20
    assert np.array_equal(closed.bought & ~cb, open_.bought & ~cb)
    assert closed.sensitive_transfers == 0.0 and closed.hong_kong_transfer_share == 0.0


def test_firms_buy_exactly_what_is_worth_more_than_price_plus_usage(model, clearing):
    policy = model.policy.replace(openness=1.0, review_strictness=0.0, operators=0)
    c = model.market.catalogue
    saved = c.available.copy()
    c.available[c.kind == OPERATOR] = False
    try:
        val = value(model)
        got = clear_with(model, val, policy, how=clearing)
    finally:
        c.available[:] = saved
    s, v = model.firms.table, model.market.view
    price = np.where(
        s.public_interest[:, None], c.price_public_interest[v.product], c.price[v.product]
    )
    abroad = (s.region == HK) | (s.region == ABROAD)
    visible = ~(abroad[:, None] & (v.kind == FOREIGN)[None, :])
    want = (val.value - price - val.usage > 0) & s.active[:, None] & visible
    want[:, v.kind == OPERATOR] = False
    assert want.sum() > 20
    assert np.array_equal(got.bought, want)


def test_buyers_compare_value_with_price_plus_usage_cost(model, clearing):
    # Value 100 against price 60: bought with usage 30, not with usage 50.
    c = model.market.catalogue
    saved_price, saved_pi = c.price.copy(), c.price_public_interest.copy()
    try:
        c.price[:], c.price_public_interest[:] = 60.0, 60.0
        policy = Policy(operators=0, openness=0.0, registration=True)
        cheap = clear_with(
            model, crafted(model, lambda s: np.full(s, 100.0), usage=30.0), policy, how=clearing
        )
        dear = clear_with(
            model, crafted(model, lambda s: np.full(s, 100.0), usage=50.0), policy, how=clearing
        )
    finally:
        c.price[:], c.price_public_interest[:] = saved_price, saved_pi
    domestic = ~crafted(model, np.zeros).cross_border
    abroad = model.firms.table.region >= HK
    domestic &= ~(abroad[:, None] & (model.market.view.kind == FOREIGN)[None, :])
    active = model.firms.table.active[:, None]
    not_op = model.market.view.kind != OPERATOR
    assert np.array_equal(cheap.bought[:, not_op], (domestic & active)[:, not_op])
    assert cheap.bought.sum() > 20 and not dear.bought.any()
    assert np.allclose(cheap.usage_cost, 30.0 * cheap.bought.sum(axis=1))


def test_at_most_one_operator_product_per_firm_the_best_surplus(model, clearing):
    v = model.market.view
    ops = np.flatnonzero(v.kind == OPERATOR)
    c = model.market.catalogue
    gain = np.linspace(50.0, 150.0, len(ops))[::-1]  # the first operator is the best deal

    def values(shape):
        out = np.zeros(shape)
        out[:, ops] = 1000.0 + gain
        return out

    saved = c.price.copy(), c.price_public_interest.copy(), c.available.copy()
    try:
        c.available[v.product[0, ops]] = True
        c.price[:], c.price_public_interest[:] = 0.0, 0.0
        c.price[v.product[0, ops]] = 900.0  # all operators charge the same
        c.price_public_interest[v.product[0, ops]] = 900.0
        got = clear_with(
            model, crafted(model, values), Policy(operators=2, openness=1.0), how=clearing
        )
        # Now the last operator is cheapest: it wins although its value is lowest.
        c.price[v.product[0, ops[-1]]] = 700.0
        c.price_public_interest[v.product[0, ops[-1]]] = 700.0
        cheaper = clear_with(
            model, crafted(model, values), Policy(operators=2, openness=1.0), how=clearing
        )
    finally:
        c.price[:], c.price_public_interest[:], c.available[:] = saved
    mainland_active = model.firms.table.active & (model.firms.table.region < HK)
    per_firm = got.bought[:, ops].sum(axis=1)
    assert np.all(per_firm <= 1)
    assert np.all(got.bought[mainland_active][:, ops[0]])
    assert np.all(cheaper.bought[mainland_active][:, ops[-1]])
    assert not cheaper.bought[:, ops[:-1]].any()


def test_with_no_licensed_operator_no_operator_product_is_sold(model, clearing):
    c = model.market.catalogue
    saved = c.available.copy()
    try:
        c.available[c.kind == OPERATOR] = False
        val = value(model)
        got = clear_with(model, val, Policy(operators=0, openness=1.0), how=clearing)
    finally:
        c.available[:] = saved
    ops = model.market.view.kind == OPERATOR
    assert np.all(val.value[:, ops] == 0) and not got.bought[:, ops].any()
    assert got.bought[:, ~ops].any()


def test_public_interest_users_pay_the_public_interest_price(model, clearing):
    c, s = model.market.catalogue, model.firms.table
    saved = c.price.copy(), c.price_public_interest.copy()
    try:
        c.price[:], c.price_public_interest[:] = 40.0, 10.0
        val = crafted(model, lambda sh: np.full(sh, 100.0))
        got = clear_with(model, val, Policy(operators=0, openness=0.0), how=clearing)
    finally:
        c.price[:], c.price_public_interest[:] = saved
    pi = s.public_interest & s.active
    others = ~s.public_interest & s.active & (s.region < HK)
    assert pi.any() and others.any()
    bought = got.bought
    assert np.all(got.paid[pi][bought[pi]] == 10.0)
    assert np.all(got.paid[others][bought[others]] == 40.0)
    assert np.all(got.paid[~bought] == 0.0)
    assert np.allclose(got.spending, got.paid.sum(axis=1))


def test_hidden_public_products_need_registration(model, clearing):
    v = model.market.view
    hidden = v.needs_registration
    val = crafted(model, lambda s: np.full(s, 1e6))
    off = clear_with(model, val, Policy(registration=False, openness=0.0), how=clearing)
    on = clear_with(model, val, Policy(registration=True, openness=0.0), how=clearing)
    assert hidden.any()
    assert not off.bought[:, hidden].any() and on.bought[:, hidden].any()
    assert np.array_equal(off.bought[:, ~hidden], on.bought[:, ~hidden])


def test_inactive_firms_buy_nothing_and_foreign_data_stays_abroad(model, clearing):
    val = crafted(model, lambda s: np.full(s, 1e6))
    got = clear_with(model, val, Policy(openness=1.0, review_strictness=0.0), how=clearing)
    s, v = model.firms.table, model.market.view
    assert not got.bought[~s.active].any()
    abroad = s.active & (s.region >= HK)
    assert abroad.any() and not got.bought[abroad][:, v.kind == FOREIGN].any()
    assert got.bought[abroad][:, v.kind == PUBLIC].all()  # domestic data goes abroad
    assert got.bought[s.active & (s.region < HK)][:, v.kind == FOREIGN].all()


@pytest.fixture
def crowd():
    """Many Hong Kong and foreign firms, so approval counts are measured precisely."""
    return economy(Policy(openness=0.5), n=2000, quarters=0, share_hong_kong=0.4, share_foreign=0.3)


def check_approvals(model, policy, strictness, seed=0, clearing=clear):
    """Approved cross-border requests against E15, for Hong Kong, foreign and mainland firms.

    Every product is worth buying, so every cross-border slot (operators aside: a firm takes
    one at most) is a request; E15 gives its approval probability, and the approved count of
    each group of firms must be within 4 standard deviations of the sum of those.
    """
    val = crafted(model, lambda s: np.full(s, 1e6), policy=policy)
    got = clear_with(model, val, policy, strictness, seed, how=clearing)
    s, v = model.firms.table, model.market.view
    asks = val.cross_border & s.active[:, None]
    asks[:, v.kind == OPERATOR] = False
    hong_kong = s.region == HK
    alignment = policy.hk_bridge * np.where(hong_kong, BRIDGE_ALIGNMENT_HK, BRIDGE_ALIGNMENT_OTHER)
    sensitivity = SENSITIVITY[v.kind][None, :]
    p = policy.openness * (1 - strictness * sensitivity * (1 - 0.5 * alignment[:, None]))
    p = np.broadcast_to(p, asks.shape)
    for rows in (hong_kong, s.region == ABROAD, s.region < HK):
        group = asks & rows[:, None]
        expected, sd = p[group].sum(), np.sqrt((p[group] * (1 - p[group])).sum())
        assert group.sum() > 500
        assert abs(got.bought[group].sum() - expected) <= 4 * max(sd, 0.25)
    return got.bought[asks].mean()


@pytest.mark.parametrize("hk_bridge", [False, True])
@pytest.mark.parametrize(("openness", "strictness"), [(0.6, 1.0), (1.0, 0.7), (0.3, 0.0)])
def test_approval_follows_e15_with_hong_kong_alignment(
    crowd, openness, strictness, hk_bridge, clearing
):
    policy = Policy(openness=openness, hk_bridge=hk_bridge)
    check_approvals(crowd, policy, strictness, clearing=clearing)


def test_openness_and_the_bridge_raise_approvals_and_strictness_cuts_them(crowd, clearing):
    assert check_approvals(crowd, Policy(openness=1.0), 0.0, clearing=clearing) == 1.0
    half = check_approvals(crowd, Policy(openness=0.5), 0.0, clearing=clearing)
    strict = check_approvals(crowd, Policy(openness=0.5), 1.0, clearing=clearing)
    bridged = check_approvals(crowd, Policy(openness=0.5, hk_bridge=True), 1.0, clearing=clearing)
    assert strict < bridged < half


def test_sensitivity_of_each_kind_of_product(model):
    # Operators' processed sensitive data is the most sensitive; open data the least.
    assert list(model.market.catalogue.kind_sensitivity) == list(SENSITIVITY)
    p = get_scenario("small")
    assert [p.sensitivity_public, p.sensitivity_operator, p.sensitivity_private,
            p.sensitivity_foreign] == list(SENSITIVITY)  # fmt: skip


def test_clearing_totals_are_sums_over_the_bought_licences(clearing):
    # 300 firms, not the fixture's 120: with 2% of firms in Hong Kong, 120 leaves two, and at
    # the 2026-11-30 estimate neither licenses anything, so Hong Kong's share below would be 0.
    model = economy(Policy(operators=2, openness=0.5, infrastructure=0.4), n=300)
    val = value(model)
    got = clear_with(
        model, val, model.policy.replace(openness=1.0), strictness=0.0, seed=4, how=clearing
    )
    c, v, s = model.market.catalogue, model.market.view, model.firms.table
    bought = got.bought
    size = c.size[v.product]
    assert bought.sum() > 20
    assert np.allclose(got.data_added, np.where(bought, size, 0).sum(axis=1))
    assert got.data_volume == pytest.approx(float(np.where(bought, size, 0).sum()))
    assert np.allclose(got.usage_cost, np.where(bought, val.usage, 0).sum(axis=1))
    assert np.array_equal(got.cross_border, val.cross_border)
    revenue = np.zeros(len(c.kind))
    uses = np.zeros(len(c.kind))
    for i, j in zip(*np.nonzero(bought), strict=True):
        revenue[v.product[i, j]] += got.paid[i, j]
        uses[v.product[i, j]] += 1
    assert np.allclose(got.revenue, revenue) and np.array_equal(got.uses, uses)
    assert got.revenue.sum() > 0
    # Sensitivity-weighted transfers, and Hong Kong's share of them.
    rows, cols = np.nonzero(bought & val.cross_border)
    weights = SENSITIVITY[v.kind[cols]]
    assert got.sensitive_transfers == pytest.approx(weights.sum())
    hk = s.region[rows] == HK
    assert 0 < hk.sum() < len(rows)
    assert got.hong_kong_transfer_share == pytest.approx(weights[hk].sum() / weights.sum())


def test_data_is_nonrival_every_licensee_gets_the_whole_product(model, clearing):
    val = crafted(model, lambda s: np.full(s, 1e6))
    got = clear_with(model, val, Policy(openness=0.0), how=clearing)
    c, v = model.market.catalogue, model.market.view
    size = c.size[v.product]
    public = c.kind == PUBLIC
    assert got.uses[public].max() > 10
    assert np.allclose(got.data_added, np.where(got.bought, size, 0.0).sum(axis=1))


def test_a_licence_is_bought_only_at_a_positive_surplus(model, clearing):
    c = model.market.catalogue
    saved = c.price.copy(), c.price_public_interest.copy()
    policy = Policy(operators=0, openness=0.0)
    try:
        c.price[:], c.price_public_interest[:] = 60.0, 60.0
        zero = clear_with(
            model, crafted(model, lambda s: np.full(s, 100.0), usage=40.0), policy, how=clearing
        )
        half = clear_with(
            model, crafted(model, lambda s: np.full(s, 100.5), usage=40.0), policy, how=clearing
        )
    finally:
        c.price[:], c.price_public_interest[:] = saved
    assert not zero.bought.any()  # value = price + usage: no gain, no licence
    assert half.bought.sum() > 20  # a gain of half a yuan is a gain


def test_views_with_a_single_private_supplier_or_slot():
    for suppliers, seen in ((1, 1), (2, 2), (5, 1)):
        p = get_scenario("small", n_firms=50, n_private_suppliers=suppliers, private_seen=seen)
        model = DataEconomy(scenario=p, seed=1)
        v, c = model.market.view, model.market.catalogue
        private = v.product[:, v.kind == PRIVATE]
        assert private.shape == (50, seen)
        assert np.all(c.kind[private] == PRIVATE)
        assert len(np.unique(private)) == suppliers  # every supplier is seen by someone
        assert all(len(set(r)) == seen for r in private)


def test_suppliers_nobody_sees_do_not_change_what_firms_see():
    # With private_seen = 0 the private suppliers take no draws from the view's stream.
    views = []
    for suppliers in (8, 0):
        p = get_scenario("small", n_firms=50, private_seen=0, n_private_suppliers=suppliers)
        c = Catalogue.layout(
            p, 2, np.arange(12, dtype=np.int8) % 6, np.zeros(suppliers, np.int8), np.ones(suppliers)
        )
        v = View.layout(p, c)
        v.draw(np.arange(50), p, c, np.random.default_rng(4))
        views.append(v)
    public = views[0].kind == PUBLIC
    assert np.array_equal(views[0].product[:, public], views[1].product[:, public])
    assert np.array_equal(views[0].fit, views[1].fit)


def test_views_use_a_uniform_random_coprime_stride():
    p = get_scenario("small", n_firms=1500, n_holders=12, public_seen=3)
    model = DataEconomy(scenario=p, seed=3)
    v = model.market.view
    public = v.product[:, v.kind == PUBLIC]  # holders are catalogue columns 0-11
    strides = (public[:, 1] - public[:, 0]) % 12
    assert np.array_equal((public[:, 2] - public[:, 1]) % 12, strides)
    values, counts = np.unique(strides, return_counts=True)
    assert list(values) == [1, 5, 7, 11]  # the strides coprime to 12
    assert np.allclose(counts / 1500, 0.25, atol=0.04)
    starts = np.bincount(public[:, 0], minlength=12) / 1500
    assert np.allclose(starts, 1 / 12, atol=0.025)


def test_identical_operators_share_the_buyers_through_a_tiny_tie_break(model, clearing):
    v, c = model.market.view, model.market.catalogue
    ops = np.flatnonzero(v.kind == OPERATOR)
    assert v.fit.dtype == np.float32 and v.tie_break.dtype == np.float32
    saved = c.price.copy(), c.price_public_interest.copy(), c.available.copy()
    try:
        c.available[v.product[0, ops]] = True
        c.price[:], c.price_public_interest[:] = 0.0, 0.0

        def values(shape):
            out = np.zeros(shape)
            out[:, ops] = 1e6
            return out

        got = clear_with(
            model, crafted(model, values), Policy(operators=5, openness=1.0), how=clearing
        )
    finally:
        c.price[:], c.price_public_interest[:], c.available[:] = saved
    buyers = got.bought[:, ops].sum(axis=0)
    assert buyers.sum() == got.bought[:, ops].any(axis=1).sum() > 50
    assert np.all(buyers > 0)  # every operator gets some of the buyers


def test_one_transfer_by_a_hong_kong_firm_is_all_of_hong_kongs_share(model, clearing):
    s, v = model.firms.table, model.market.view
    hk_row = np.flatnonzero((s.region == HK) & s.active)[0]
    col = np.flatnonzero(v.kind == PUBLIC)[0]

    def values(shape):
        out = np.zeros(shape)
        out[hk_row, col] = 1e6
        return out

    got = clear_with(
        model, crafted(model, values), Policy(openness=1.0), strictness=0.0, how=clearing
    )
    assert got.bought.sum() == 1
    assert got.sensitive_transfers == pytest.approx(SENSITIVITY[PUBLIC])
    assert got.hong_kong_transfer_share == 1.0


def test_the_openness_in_effect_overrides_the_policys_in_clearing(model, clearing):
    # E21: the openness in effect is China's times its partners'; given, it is what counts.
    val = value(model)
    cb = val.cross_border
    market, s = model.market, model.firms.table
    policy = model.policy.replace(openness=1.0)
    shut = clearing(val, s, market, policy, 0.0, np.random.default_rng(0), 0.0, keep=True)
    assert not (shut.bought & cb).any() and (shut.bought & ~cb).any()
    closed = policy.replace(openness=0.0)
    wide = clearing(val, s, market, closed, 0.0, np.random.default_rng(0), 1.0)
    open_ = clear_with(model, val, policy, how=clearing)
    assert wide.sensitive_transfers == open_.sensitive_transfers > 0


def test_the_openness_in_effect_overrides_the_policys_in_sampled_demand(model, sampling):
    val = value(model)
    market, s = model.market, model.firms.table
    policy = model.policy.replace(openness=1.0)
    closed = sampling(val, s, market, policy, 0.0)
    same = sampling(val, s, market, policy.replace(openness=0.0))
    assert np.array_equal(closed, same, equal_nan=True)
    opened = sampling(val, s, market, policy.replace(openness=0.0), 1.0)
    assert np.array_equal(opened, sampling(val, s, market, policy), equal_nan=True)
    assert np.isnan(closed).sum() > np.isnan(opened).sum()


def test_transactions_are_kept_only_when_asked(model, clearing):
    val = value(model)
    rng = np.random.default_rng(0)
    plain = clearing(val, model.firms.table, model.market, model.policy, 0.2, rng)
    assert plain.bought is None and plain.paid is None and plain.cross_border is None
    kept = clear_with(model, val, model.policy, 0.2, how=clearing)
    assert np.array_equal(plain.spending, kept.spending)
    assert np.array_equal(plain.revenue, kept.revenue)
    assert kept.bought.shape == model.market.view.product.shape
    # Per-firm results are the row sums of the kept matrices.
    assert np.allclose(kept.spending, kept.paid.sum(axis=1))
    assert np.array_equal(kept.licences, kept.bought.sum(axis=1))
    crossing = kept.bought & kept.cross_border
    assert crossing.any()
    assert np.allclose(kept.cross_border_paid, np.where(crossing, kept.paid, 0).sum(axis=1))


@pytest.mark.parametrize("bridge", [False, True])
def test_the_bridge_aligns_each_firms_transfers_as_the_scenario_says(bridge):
    # E15's alignment, in [0, 1]: the scenario's, Hong Kong's or everyone else's, with the
    # bridge; none without it.
    policy = Policy(operators=2, openness=0.5, hk_bridge=bridge)
    model = economy(policy, bridge_alignment_hong_kong=0.9, bridge_alignment_other=0.4)
    alignment = value(model).alignment
    hong_kong = model.firms.table.region == Region.HONG_KONG
    assert hong_kong.any() and not hong_kong.all()
    assert np.allclose(alignment, bridge * np.where(hong_kong, 0.9, 0.4))
    assert np.all((alignment >= 0) & (alignment <= 1))
