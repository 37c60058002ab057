"""Each compiled kernel gives exactly its numpy reference's numbers, on random inputs."""

import mesa
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from econ import DataEconomy, Policy, kernels
from econ import equations as eq
from econ import market as mk
from econ.agents import Firm, Firms, Operators, PublicHolders, Regulator
from econ.agents.firms import ENTRANT_DRAWS
from econ.agents.operators import MIN_PRICE_FACTOR
from econ.categories import ProductKind, Region, is_abroad
from econ.market import View
from econ.metrics import _mean
from econ.seeds import RandomStreams
from tests.conftest import valuation_of

POLICIES = [
    Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True),
    Policy(pricing="market", operators=3, openness=1.0, registration=False),
    Policy(pricing="free", openness=0.0, operators=0, infrastructure=0.7),
    Policy(pricing="cost_recovery", operators=1, operator_cap="revenue", openness=0.3),
]


def scrambled(policy: Policy, seed: int) -> DataEconomy:
    """A model two quarters in, with its firms' and sellers' state drawn at random."""
    rng = np.random.default_rng(seed)
    model = DataEconomy(policy=policy, scenario="small", n_firms=400, seed=seed)
    model.run(2)
    s, c = model.firms.table, model.market.catalogue
    n = len(s)
    s.active = rng.random(n) < 0.8
    s.public_interest = rng.random(n) < 0.2
    s.region = rng.integers(0, 4, n)
    s.capability = rng.random(n)
    s.data_set_up = rng.random(n) < 0.5  # E2c's set-up cost falls on the other half
    s.data_stock *= rng.lognormal(0, 1, n)
    c.price[:] = np.where(rng.random(len(c.price)) < 0.3, 0.0, c.price * rng.lognormal(0, 1))
    c.price_public_interest[:] = c.price * (rng.random(len(c.price)) < 0.5)
    c.available[:] = rng.random(len(c.available)) < 0.9
    model.trust = rng.random()
    return model


def assert_same_clearing(a: mk.Clearing, b: mk.Clearing) -> None:
    for name, value in vars(a).items():
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and np.array_equal(value, other), name
        else:
            assert value == other, name


@pytest.mark.parametrize("seed", range(8))
def test_clear_is_its_reference(seed):
    model = scrambled(POLICIES[seed % len(POLICIES)], seed)
    valuation = valuation_of(model)
    args = (model.firms.table, model.market, model.policy, model.regulator.review_strictness)
    for keep in (True, False):
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        a = mk.clear(valuation, *args, rng_a, keep=keep)
        b = mk.clear_reference(valuation, *args, rng_b, keep=keep)
        assert_same_clearing(a, b)
        # The approvals drew the same uniforms, one per request: the streams are in step.
        assert rng_a.random() == rng_b.random()
        # And the same from the generator's state words, advanced in place.
        words = [kernels.pcg64_words(np.random.default_rng(seed)) for _ in range(2)]
        assert_same_clearing(mk.clear(valuation, *args, words[0], keep=keep), a)
        assert_same_clearing(mk.clear_reference(valuation, *args, words[1], keep=keep), a)
        rng_c = np.random.default_rng(seed)
        mk.clear(valuation, *args, rng_c, keep=keep)
        assert kernels.uniform(words[0]) == kernels.uniform(words[1]) == rng_c.random()
    assert a.licences.sum() > 0


def test_stream_words_are_a_pcg64_streams_state_and_nothing_else():
    """Words pass through as they are, a PCG64 generator gives its state, and a stream the
    kernels cannot draw from gives None (its step then draws with numpy)."""
    words = kernels.pcg64_words(np.random.default_rng(3))
    assert kernels.stream_words(words) is words
    assert np.array_equal(kernels.stream_words(np.random.default_rng(3)), words)
    assert kernels.stream_words(np.random.Generator(np.random.Philox(3))) is None
    assert kernels.stream_words(np.random.RandomState(3)) is None


@pytest.mark.parametrize("seed", range(4))
def test_sampled_demand_is_its_reference(seed):
    model = scrambled(POLICIES[seed], seed)
    valuation = valuation_of(model)
    args = (valuation, model.firms.table, model.market, model.policy)
    a = mk.sample_willingness_to_pay(*args)
    b = mk.sample_willingness_to_pay_reference(*args)
    assert np.array_equal(a, b, equal_nan=True) and np.isfinite(a).any()


@pytest.mark.parametrize("seed", range(4))
def test_grouped_demand_is_the_dense_reference(seed):
    model = scrambled(POLICIES[seed], seed)
    args = (valuation_of(model), model.firms.table, model.market, model.policy)
    grouped = mk.sampled_demand(*args, openness=[0.0, 0.5][seed % 2])
    dense = mk.sample_willingness_to_pay_reference(*args, openness=[0.0, 0.5][seed % 2])
    assert np.array_equal(grouped.dense(), dense, equal_nan=True)
    assert len(grouped.value) == np.count_nonzero(~np.isnan(dense)) > 0
    for kind in ProductKind:
        block = model.market.catalogue.block(kind)
        part = grouped.columns(block)
        assert np.array_equal(part.dense(), dense[:, block], equal_nan=True)
        if block.stop > block.start:
            with np.errstate(invalid="ignore"):
                best = np.fmax.reduce(dense[:, block], axis=1)
            assert np.array_equal(part.best(), best, equal_nan=True)
        for cost in (0.0, float(np.nanpercentile(dense, 90))):  # costs are >= 0
            expected = eq.revenue_maximising_price(dense[:, block], cost)
            assert np.array_equal(kernels.revenue_maximising_price(part, cost), expected)


def _grouped(dense: np.ndarray) -> kernels.GroupedDemand:
    """A dense (buyers x products) matrix grouped by product, column by column."""
    cols = [np.flatnonzero(~np.isnan(dense[:, c])) for c in range(dense.shape[1])]
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in cols])]).astype(np.int64)
    buyer = np.concatenate([np.zeros(0, np.int64), *cols]).astype(np.int64)
    value = np.concatenate([np.zeros(0), *(dense[c, k] for k, c in enumerate(cols))])
    return kernels.GroupedDemand(dense.shape[0], offsets, buyer, value)


def test_grouped_e5_is_the_equation():
    rng = np.random.default_rng(3)
    for _ in range(200):
        m, k = int(rng.integers(0, 40)), int(rng.integers(1, 8))
        wtp = np.round(rng.normal(0, 1, (m, k)) * 10, int(rng.integers(0, 3)))  # ties
        wtp[rng.random((m, k)) < 0.5] = np.nan
        wtp[rng.random((m, k)) < 0.02] = np.inf
        cost, min_buyers = float(rng.choice([0.0, 2.5])), int(rng.integers(1, 8))
        expected = eq.revenue_maximising_price(wtp, cost, min_buyers) if m else np.zeros(k)
        got = kernels.revenue_maximising_price(_grouped(wtp), cost, min_buyers)
        assert np.array_equal(got, expected)


def test_columns_of_grouped_demand_are_a_slice_of_its_products():
    dense = np.random.default_rng(5).random((12, 7))
    dense[dense < 0.4] = np.nan
    grouped = _grouped(dense)
    for block in (slice(2, 5), slice(0, 7), slice(5, None), slice(-2, None), slice(-7, -3)):
        part = grouped.columns(block)
        assert np.array_equal(part.dense(), dense[:, block], equal_nan=True), block


def test_a_product_seen_twice_is_one_entry_with_the_later_value():
    model = scrambled(POLICIES[0], 1)
    view = model.market.view
    row = int(model.market.price_sample[0])
    model.firms.table.active[row] = True
    public = np.flatnonzero(view.kind == 0)
    view.product[row, public[1]] = view.product[row, public[0]]  # the same product twice
    args = (valuation_of(model), model.firms.table, model.market, model.policy)
    grouped = mk.sampled_demand(*args)
    dense = mk.sample_willingness_to_pay_reference(*args)
    assert np.array_equal(grouped.dense(), dense, equal_nan=True)
    assert len(grouped.value) == np.count_nonzero(~np.isnan(dense))


def test_valuation_rows_are_the_full_matrices_rows():
    model = scrambled(POLICIES[0], 3)
    valuation, rows = valuation_of(model), np.array([0, 5, 17, 399])
    part = valuation.rows(rows)
    for name in ("value", "usage", "cross_border"):
        assert np.array_equal(getattr(part, name), getattr(valuation, name)[rows])


@pytest.mark.parametrize("seed", range(4))
def test_produce_is_its_reference(seed):
    model = scrambled(POLICIES[seed], seed)
    rng = np.random.default_rng(seed)
    n = len(model.firms)
    inputs = (rng.random(n) * 50, rng.random(n) * 1e5, rng.random(n) * 1e4, rng.random(n) * 9)
    other = DataEconomy(policy=POLICIES[seed], scenario="small", n_firms=400, seed=seed)
    other.firms.table = model.firms.table.copy()
    model.firms.produce(model.params, *inputs)
    other.firms.produce_reference(model.params, *inputs)
    for column in model.firms.table.columns():
        a, b = getattr(model.firms.table, column.name), getattr(other.firms.table, column.name)
        assert np.array_equal(a, b), column.name


@pytest.mark.parametrize("value_index", [1.0, 1.37])
def test_produce_and_value_per_unit_with_the_value_index_are_their_references(value_index):
    for seed in range(4):
        model = scrambled(POLICIES[seed], seed)
        rng = np.random.default_rng(seed)
        n = len(model.firms)
        inputs = (rng.random(n) * 50, rng.random(n) * 1e5, rng.random(n) * 1e4, rng.random(n) * 9)
        firms, p = model.firms, model.params
        got = firms.value_per_unit(p, value_index)
        assert np.array_equal(got, firms.value_per_unit_reference(p, value_index))
        assert (~firms.table.active).any() and np.all(got[~firms.table.active] == 0)
        other = Firms(firms.table.copy())
        firms.produce(p, *inputs, value_index=value_index)
        other.produce_reference(p, *inputs, value_index=value_index)
        for column in firms.table.columns():
            a, b = getattr(firms.table, column.name), getattr(other.table, column.name)
            assert np.array_equal(a, b), column.name


def test_revenue_maximising_price_is_the_equation():
    rng = np.random.default_rng(0)
    for _ in range(200):
        m, k = rng.integers(1, 60), rng.integers(1, 8)
        wtp = np.round(rng.normal(0, 1, (m, k)) * 10, int(rng.integers(0, 3)))  # ties
        wtp[rng.random((m, k)) < 0.3] = np.nan
        wtp[rng.random((m, k)) < 0.02] = np.inf
        cost, min_buyers = float(rng.choice([0.0, 2.5])), int(rng.integers(1, 8))
        expected = eq.revenue_maximising_price(wtp, cost, min_buyers)
        assert np.array_equal(kernels.revenue_maximising_price(wtp, cost, min_buyers), expected)


def test_revenue_maximising_price_below_a_negative_cost_is_the_equation():
    # A negative cost ranks non-positive values too (sorted as floats, not bit patterns);
    # every buyer then sees every product, as a missing one would count as paying 0.
    rng = np.random.default_rng(6)
    for _ in range(200):
        m, k = int(rng.integers(1, 40)), int(rng.integers(1, 6))
        wtp = np.round(rng.normal(0, 1, (m, k)) * 10, int(rng.integers(0, 3)))  # ties
        cost, min_buyers = float(rng.choice([-0.5, -2.0])), int(rng.integers(1, 8))
        expected = eq.revenue_maximising_price(wtp, cost, min_buyers)
        assert np.array_equal(kernels.revenue_maximising_price(wtp, cost, min_buyers), expected)
        got = kernels.revenue_maximising_price(_grouped(wtp), cost, min_buyers)
        assert np.array_equal(got, expected)


def test_poisson_quantile_is_scipys():
    rng = np.random.default_rng(1)
    u = rng.random(100_000)
    u[:20] = [0.0, 1.0] * 10
    rate = 10 ** rng.uniform(-8, 4, len(u))
    rate[20:40] = 0.0
    rate[40:45] = -1.0
    expected = stats.poisson.ppf(u, rate)
    assert np.array_equal(kernels.poisson_ppf(u, rate), expected, equal_nan=True)
    assert kernels.poisson_ppf(0.7, 3.5) == stats.poisson.ppf(0.7, 3.5)
    # One uniform and one rate take a scalar path: the same counts.
    for a, b, c in zip(u[::97], rate[::97], expected[::97], strict=True):
        assert np.array_equal(kernels.poisson_ppf(a, b), c, equal_nan=True)
        assert np.array_equal(kernels.poisson_ppf(np.float64(a), b), c, equal_nan=True)
    for a, b in ((0.0, 2.0), (1.0, 2.0), (0.5, -1.0), (0.5, np.nan), (0.3, 0.0), (0.0, 0.0)):
        assert np.array_equal(kernels.poisson_ppf(a, b), stats.poisson.ppf(a, b), equal_nan=True)
    # Inversion of one uniform: a higher rate never gives fewer events.
    grid = np.linspace(0.01, 50, 400)
    assert np.all(np.diff(kernels.poisson_ppf(0.37, grid)) >= 0)


def test_a_few_poisson_quantiles_are_scipys():
    # A few draws (the operators' incidents): scipy's counts, in the arrays' shape.
    rng = np.random.default_rng(8)
    specials = [0.0, 1.0, -1.0, np.nan]
    for size in range(1, 12):
        for _ in range(50):
            u = rng.choice([*specials[:2], *rng.random(4)], size)
            rate = rng.choice([*specials, -0.0, *(10 ** rng.uniform(-8, 4, 6))], size)
            got = kernels.poisson_ppf(u, rate)
            assert got.dtype == np.float64 and got.shape == (size,)
            assert np.array_equal(got, stats.poisson.ppf(u, rate), equal_nan=True)
    u, rate = rng.random((2, 3)), 10 ** rng.uniform(-2, 3, (2, 3))
    assert np.array_equal(kernels.poisson_ppf(u, rate), stats.poisson.ppf(u, rate))
    assert kernels.poisson_ppf(np.array([0.4]), 2.0).shape == (1,)


def test_poisson_quantile_is_scipys_at_the_steps_of_the_cdf():
    """At u = P(X <= k) and one ulp either side of it, scipy's counts: there the continuous
    inverse (pdtrik) lands on or next to an integer and the check with the CDF decides, and
    random uniforms almost never fall. Just above P(X = 0) scipy's own rounding sometimes
    gives 0 where the exact count is 1; the kernel gives what scipy gives."""
    rate, k = np.meshgrid(10 ** np.linspace(-2, 3, 60), np.arange(200))
    cdf = special.pdtr(k, rate)
    inside = (cdf > 0) & (cdf < 1)
    rate, k, cdf = rate[inside], k[inside], cdf[inside]
    for u in (cdf, np.nextafter(cdf, 0), np.nextafter(cdf, 1)):
        assert np.array_equal(kernels.poisson_ppf(u, rate), stats.poisson.ppf(u, rate))
    counts = kernels.poisson_ppf(cdf, rate)
    assert np.mean(counts == k) > 0.99  # k itself, up to the CDF's own rounding
    assert np.all(kernels.poisson_ppf(np.nextafter(cdf, 0), rate) <= counts)
    # One uniform and one rate take the scalar path: the same counts there too.
    for u in (cdf[::7], np.nextafter(cdf[::7], 0), np.nextafter(cdf[::7], 1)):
        expected = stats.poisson.ppf(u, rate[::7])
        for a, b, c in zip(u, rate[::7], expected, strict=True):
            assert kernels.poisson_ppf(float(a), float(b)) == c


def test_poisson_quantile_of_many_uniforms_at_one_rate():
    u = np.random.default_rng(4).random(500)
    for rate in (0.3, 3.5, 40.0):
        assert np.array_equal(kernels.poisson_ppf(u, rate), stats.poisson.ppf(u, rate))
        assert np.array_equal(kernels.poisson_ppf(u[:1], rate), stats.poisson.ppf(u[:1], rate))


def test_poisson_draws_are_scipys_counts_as_integers():
    """The regulator's draws, compiled: scipy's count at max(rate, 0), no event for a NaN or
    negative count, as integers in the inputs' shape (what the numpy version computed)."""
    from econ.agents.regulator import poisson_draws

    def numpy_draws(rate, u):
        counts = stats.poisson.ppf(u, np.maximum(rate, 0.0))
        return np.minimum(np.fmax(counts, 0.0), np.finfo(float).max).astype(int)

    rng = np.random.default_rng(11)
    specials = [0.0, -0.0, -1.0, np.nan]
    for size in (1, 2, 5, 8):
        for _ in range(200):
            u = rng.choice([0.0, *rng.random(5)], size)
            rate = rng.choice([*specials, *(10 ** rng.uniform(-8, 3, 6))], size)
            got = poisson_draws(rate, u)
            assert got.dtype == np.int64 and got.shape == (size,)
            assert np.array_equal(got, numpy_draws(rate, u))
    for u, rate in ((0.3, 2.0), (0.0, 2.0), (0.99, 40.0), (0.5, np.nan), (0.5, -3.0)):
        got = poisson_draws(rate, u)
        assert isinstance(got, np.int64) and got == numpy_draws(rate, u)
    assert np.array_equal(poisson_draws(np.array([0.5, 9.0]), 0.8), numpy_draws([0.5, 9.0], 0.8))
    assert kernels.poisson_quantile(0.7, 3.5) == stats.poisson.ppf(0.7, 3.5)


def test_price_ratios_are_e10s_as_python_computed_them():
    """E10's ratio of two clusters on plain floats: the list of Python floats it replaced,
    bit for bit (a cluster without racks is full; NaN loads stay NaN)."""
    rng = np.random.default_rng(20)
    for _ in range(2000):
        base = rng.uniform(0, 50, 2)
        capacity = np.array([rng.choice([0.0, rng.uniform(1, 100)]), rng.uniform(1, 100)])
        load, u0 = [float(x) for x in rng.uniform(0, 60, 2)], float(rng.uniform(0.3, 0.9))
        if rng.random() < 0.05:
            load[1] = float("nan")
        expected = [
            (1.0 - u0) / (1.0 - min((b + x) / c if c > 0 else 1.0, 0.95))
            for b, x, c in zip(base.tolist(), load, capacity.tolist(), strict=True)
        ]
        got = kernels.price_ratios(base, *load, capacity, u0)
        assert np.array_equal(got, np.array(expected), equal_nan=True)


def test_e5s_default_cost_is_zero():
    """Sellers who pass no cost (suppliers, holders, foreign sellers) price on demand alone:
    buyers who would pay under 1 RMB still set a price."""
    wtp = np.array([[0.9, 40.0], [0.8, 30.0], [0.7, 20.0], [0.6, 10.0], [0.5, 5.0], [0.4, 1.0]])
    expected = eq.revenue_maximising_price(wtp)
    assert np.array_equal(kernels.revenue_maximising_price(wtp), expected)
    assert np.array_equal(kernels.revenue_maximising_price(_grouped(wtp)), expected)
    assert expected[0] == 0.5  # 5 x 0.5 beats 6 x 0.4


@pytest.mark.parametrize("n", [0, 1, 7, 8, 29, 127, 128, 129, 300, 1000, 4099])
def test_pairwise_sum_is_numpys(n):
    a = np.random.default_rng(n).random(n + 5) * 10.0 ** np.arange(-3, 3)[np.arange(n + 5) % 6]
    assert kernels.pairwise_sum(a, 0, n) == a[:n].sum()
    assert kernels.pairwise_sum(a, 5, n) == a[5 : n + 5].sum()


def test_views_drawn_in_chunks_are_drawn_at_once(monkeypatch):
    model = DataEconomy(scenario="small", n_firms=300, seed=2)
    view, rows = model.market.view, np.arange(3, 290)
    draws = []
    for size in (7, 1 << 20):
        monkeypatch.setattr(mk, "DRAW_CHUNK_ROWS", size)
        view.draw(rows, model.params, model.market.catalogue, np.random.default_rng(5))
        draws.append([view.product.copy(), view.fit.copy(), view.tie_break.copy()])
    for a, b in zip(*draws, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("entrant", [False, True])
def test_initialise_is_its_reference(entrant):
    model = DataEconomy(scenario="small", n_firms=500, seed=3)
    model.firms.table.region = np.random.default_rng(0).integers(0, 4, 500)  # every region
    rng = np.random.default_rng(int(entrant))
    for _ in range(20):
        a, b = Firms(model.firms.table.copy()), Firms(model.firms.table.copy())
        rows = rng.permutation(500)[: int(rng.integers(0, 60))]  # distinct, in any order
        seed, quarter = int(rng.integers(2**63)), int(rng.integers(40))
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        a.initialise(rows, model.params, rng_a, entrant=entrant, quarter=quarter)
        b.initialise_reference(rows, model.params, rng_b, entrant=entrant, quarter=quarter)
        for f in a.table.columns():
            x, y = getattr(a.table, f.name), getattr(b.table, f.name)
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        assert rng_a.random() == rng_b.random()  # the same draws were taken
    assert a.table.public_interest.any()


def test_exit_is_its_reference():
    model = DataEconomy(scenario="small", n_firms=500, seed=3)
    rng = np.random.default_rng(5)
    for _ in range(20):
        table = model.firms.table.copy()
        table.active = rng.random(500) < 0.8
        table.surplus = rng.normal(0, 1, 500)
        hazard = model.params.replace(exit_hazard=float(rng.uniform(0, 0.5)))
        a, b = Firms(table.copy()), Firms(table.copy())
        seed = int(rng.integers(2**63))
        exits = a.exit(hazard, np.random.default_rng(seed))
        assert exits == b.exit_reference(hazard, np.random.default_rng(seed)) > 0
        assert np.array_equal(a.table.active, b.table.active)


def test_entry_state_is_numpys():
    rng = np.random.default_rng(12)
    for n in (0, 1, 7, 9, 200, 1000, 3000):
        active = rng.random(n) < rng.random()
        surplus, output = rng.normal(0, 1, n) * 10.0 ** rng.integers(-3, 5, n), rng.random(n)
        got = kernels.entry_state(active, surplus, output)
        assert got[:3] == (surplus[active].sum(), output[active].sum(), active.sum())
        assert got[3].dtype == np.int64 and np.array_equal(got[3], np.flatnonzero(~active))


def test_view_draw_is_its_reference():
    model = DataEconomy(scenario="small", n_firms=400, seed=6)
    rng = np.random.default_rng(2)
    v, p, c = model.market.view, model.params, model.market.catalogue
    for _ in range(20):
        a, b = (
            View(v.product.copy(), v.fit.copy(), v.tie_break.copy(), v.kind, v.needs_registration)
            for _ in range(2)
        )
        rows = rng.permutation(400)[: int(rng.integers(0, 80))]
        seed = int(rng.integers(2**63))
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        a.draw(rows, p, c, rng_a)
        b.draw_reference(rows, p, c, rng_b)
        for name in ("product", "fit", "tie_break"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
        assert rng_a.random() == rng_b.random()


def _entry_case(model: DataEconomy, rng: np.random.Generator):
    """A firm table, views and parameters drawn at random for an entry step: from none to
    many empty slots, and parameters across their ranges (capability's Beta(2, b) on both
    sides of b = 1, a productivity dispersion sometimes 0)."""
    n = len(model.firms)
    table = model.firms.table.copy()
    table.region = rng.integers(0, 4, n)
    table.active = rng.random(n) < rng.choice([0.2, 0.7, 0.98, 1.0])
    table.output = rng.random(n) * 10.0 ** rng.integers(0, 7, n)
    table.surplus = table.output * rng.uniform(-0.1, 0.6, n)
    params = model.params.replace(
        entry_rate=float(rng.choice([0.0, rng.uniform(0, 0.05), rng.uniform(0.2, 1.0)])),
        initial_capability=float(rng.uniform(0.01, 0.99)),
        productivity_dispersion=float(rng.choice([0.0, rng.uniform(0, 3)])),
        fit_tail_index=float(rng.uniform(1.0, 1.8)),
        fit_max_ratio=float(rng.uniform(2.0, 200.0)),
    )
    v = model.market.view
    views = [
        View(v.product.copy(), v.fit.copy(), v.tie_break.copy(), v.kind, v.needs_registration)
        for _ in range(2)
    ]
    return [Firms(table.copy()) for _ in range(2)], views, params


@pytest.mark.parametrize("scenario", ["small", "china_2024"])
def test_compiled_entry_is_its_reference(scenario):
    """enter_firms (the entrants' draws and writes in one compiled call) equals
    enter_firms_reference (Firms.enter on initialise_reference, then View.draw_reference):
    the same rows, firm table and views, and the generator in the same state afterwards (its
    buffered 32-bit word included), with entrants and without. A draw taken out of order, one
    too many or one too few changes the tables or the state."""
    model = DataEconomy(scenario=scenario, n_firms=400, seed=6)
    rng = np.random.default_rng(17)
    entered = []
    for case in range(60):
        (fa, fb), (va, vb), params = _entry_case(model, rng)
        seed, quarter = int(rng.integers(2**63)), int(rng.integers(1, 60))
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        if case % 2:  # leave a buffered 32-bit word in the bit generator
            assert rng_a.integers(7) == rng_b.integers(7)
        c = model.market.catalogue
        rows = mk.enter_firms(fa, va, params, c, quarter, rng_a)
        expected = mk.enter_firms_reference(fb, vb, params, c, quarter, rng_b)
        assert rows.dtype == expected.dtype and np.array_equal(rows, expected)
        for f in fa.table.columns():
            x, y = getattr(fa.table, f.name), getattr(fb.table, f.name)
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        for name in ("product", "fit", "tie_break"):
            x, y = getattr(va, name), getattr(vb, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
        assert rng_a.bit_generator.state == rng_b.bit_generator.state
        entered.append(len(rows))
    assert min(entered) == 0 and max(entered) > 50  # no entrants, and many


@pytest.mark.parametrize("scenario", ["small", "china_2024"])
def test_compiled_paired_entry_is_its_reference(scenario):
    """enter_firms_by_slot (each entrant inverted from its slot's uniforms in compiled calls)
    equals enter_firms_by_slot_reference (the numpy inversion): the same rows, firm table
    and views, with entrants and without, across the parameters' ranges."""
    model = DataEconomy(scenario=scenario, n_firms=400, seed=6)
    rng = np.random.default_rng(23)
    entered = []
    for _ in range(60):
        (fa, fb), (va, vb), params = _entry_case(model, rng)
        streams = RandomStreams(int(rng.integers(2**63)))
        quarter, c = int(rng.integers(1, 60)), model.market.catalogue
        rng_a, rng_b = (np.random.default_rng(quarter) for _ in range(2))
        rows = mk.enter_firms_by_slot(fa, va, params, c, quarter, rng_a, streams)
        expected = mk.enter_firms_by_slot_reference(fb, vb, params, c, quarter, rng_b, streams)
        assert rows.dtype == expected.dtype and np.array_equal(rows, expected)
        for f in fa.table.columns():
            x, y = getattr(fa.table, f.name), getattr(fb.table, f.name)
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        for name in ("product", "fit", "tie_break"):
            x, y = getattr(va, name), getattr(vb, name)
            assert x.dtype == y.dtype and np.array_equal(x, y), name
        entered.append(len(rows))
    assert min(entered) == 0 and max(entered) > 50  # no entrants, and many


def test_compiled_inversion_at_the_uniforms_ends():
    """The compiled inversion equals the numpy one at the extreme uniforms (0 and the
    largest below 1, where the quantiles are steepest) and at random ones: scipy's own
    ndtri and betaincinv, called from the kernel."""
    model = DataEconomy(scenario="small", n_firms=400, seed=2)
    rows = np.arange(0, 400, 7)
    edges = np.array([0.0, 2.0**-53, 0.5, 1 - 2.0**-53])
    uniforms = np.random.default_rng(4).random((len(rows), len(ENTRANT_DRAWS)))
    uniforms[: 4 * 4] = np.repeat(edges, 4)[:, None]
    view_uniforms = np.random.default_rng(5).random((len(rows), model.market.view.n_entrant_draws))
    view_uniforms[:4] = edges[:, None]
    a, b = (Firms(model.firms.table.copy()) for _ in range(2))
    p = model.params.replace(initial_capability=0.05)
    a.initialise_from_uniforms(rows, uniforms, p, 12)
    b.initialise_from_uniforms_reference(rows, uniforms, p, 12)
    for f in a.table.columns():
        x, y = getattr(a.table, f.name), getattr(b.table, f.name)
        assert np.array_equal(x, y), f.name
    assert np.isfinite(a.table.productivity[rows]).all()
    v = model.market.view
    va, vb = (
        View(v.product.copy(), v.fit.copy(), v.tie_break.copy(), v.kind, v.needs_registration)
        for _ in range(2)
    )
    c = model.market.catalogue
    va.draw_from_uniforms(rows, view_uniforms, p, c)
    vb.draw_from_uniforms_reference(rows, view_uniforms, p, c)
    for name in ("product", "fit", "tie_break"):
        assert np.array_equal(getattr(va, name), getattr(vb, name)), name


def test_compiled_entry_draws_what_the_methods_draw():
    """The compiled entry takes the draws of Firms.enter then View.draw (both on numpy's
    Generator methods and the view's numpy path)."""
    model = DataEconomy(scenario="small", n_firms=400, seed=8)
    rng = np.random.default_rng(5)
    for _ in range(10):
        (fa, fb), (va, vb), params = _entry_case(model, rng)
        seed = int(rng.integers(2**63))
        rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
        c = model.market.catalogue
        rows = mk.enter_firms(fa, va, params, c, 9, rng_a)
        assert np.array_equal(rows, fb.enter(params, 9, rng_b))
        vb.draw(rows, params, c, rng_b)
        assert all(np.array_equal(getattr(va, k), getattr(vb, k)) for k in ("fit", "tie_break"))
        assert np.array_equal(fa.table.capability, fb.table.capability)
        assert rng_a.bit_generator.state == rng_b.bit_generator.state


def test_entry_goes_through_a_subclass_s_own_methods():
    """A population that overrides initialise (an extension point) has it called for
    entrants; with the same draws, its model runs as the compiled one does."""
    calls = []

    class CountingFirms(Firms):
        def initialise(self, rows, scenario, rng, entrant, quarter):
            calls.append(entrant)
            super().initialise(rows, scenario, rng, entrant, quarter)

    class Model(DataEconomy):
        firms_class = CountingFirms

    mine = Model(scenario="small", n_firms=300, seed=4, paired_entry=False).run(6)
    assert calls.count(True) > 0 and calls.count(False) == 1
    plain = DataEconomy(scenario="small", n_firms=300, seed=4, paired_entry=False).run(6)
    pd.testing.assert_frame_equal(mine, plain, check_exact=True)
    # Paired entry draws by slot, but not past an override: its entrants go through it.
    calls.clear()
    Model(scenario="small", n_firms=300, seed=4, paired_entry=True).run(6)
    assert calls.count(True) > 0 and calls.count(False) == 1


def test_paired_entry_goes_through_a_subclass_s_own_methods():
    """A population that overrides initialise_from_uniforms (paired entry's extension
    point) has it called for entrants; with the same draws, its model runs as the compiled
    one does."""
    calls = []

    class CountingFirms(Firms):
        def initialise_from_uniforms(self, rows, uniforms, scenario, quarter):
            calls.append(len(rows))
            super().initialise_from_uniforms(rows, uniforms, scenario, quarter)

    class Model(DataEconomy):
        firms_class = CountingFirms

    mine = Model(scenario="small", n_firms=300, seed=4, paired_entry=True).run(6)
    assert sum(calls) > 0
    plain = DataEconomy(scenario="small", n_firms=300, seed=4, paired_entry=True).run(6)
    pd.testing.assert_frame_equal(mine, plain, check_exact=True)


def test_paired_entry_gives_an_override_of_its_count_a_generator():
    """Paired entry draws its count and queue from the stream's state words, but a firms
    class with its own count (or slots) gets the quarter's generator, whatever it draws."""
    seen = []

    class PoissonFirms(Firms):
        def _entry_count(self, scenario, rng):
            seen.append(type(rng))
            rng.integers(0, 10)  # a generator's method, not a uniform
            return super()._entry_count(scenario, rng)

    class Model(DataEconomy):
        firms_class = PoissonFirms

    Model(scenario="small", n_firms=300, seed=4, paired_entry=True).run(4)
    assert seen and set(seen) == {np.random.Generator}


def test_model_runs_the_same_on_the_numpy_references(monkeypatch):
    """The whole model on kernels equals the whole model on the numpy references."""
    policy = POLICIES[0]
    fast = DataEconomy(policy=policy, scenario="small", seed=11).run(6)
    monkeypatch.setattr("econ.model.clear", mk.clear_reference)
    monkeypatch.setattr("econ.calibration.clear", mk.clear_reference)
    monkeypatch.setattr(
        "econ.calibration.sample_willingness_to_pay", mk.sample_willingness_to_pay_reference
    )
    # The model prices on grouped demand: here it is the reference's dense matrix, grouped
    # column by column in Python, and E5 and the operators' best run in numpy on it.
    monkeypatch.setattr(
        "econ.model.sampled_demand",
        lambda *a, **k: _grouped(mk.sample_willingness_to_pay_reference(*a, **k)),
    )
    monkeypatch.setattr(kernels, "revenue_maximising_price", _reference_e5)
    monkeypatch.setattr(kernels.GroupedDemand, "best", _reference_best)
    monkeypatch.setattr("econ.agents.Firms.produce", _produce_reference)
    monkeypatch.setattr("econ.agents.Firms.value_per_unit", Firms.value_per_unit_reference)
    monkeypatch.setattr("econ.agents.Firms.initialise", Firms.initialise_reference)
    monkeypatch.setattr(mk.View, "draw", mk.View.draw_reference)
    monkeypatch.setattr("econ.model.enter_firms", mk.enter_firms_reference)
    monkeypatch.setattr("econ.model.enter_firms_by_slot", mk.enter_firms_by_slot_reference)
    monkeypatch.setattr("econ.agents.Firms.exit", Firms.exit_reference)
    monkeypatch.setattr(PublicHolders, "choose_effort", PublicHolders.choose_effort_reference)
    monkeypatch.setattr(Operators, "settle", Operators.settle_reference)
    monkeypatch.setattr(Operators, "set_prices", Operators.set_prices_reference)
    monkeypatch.setattr(Regulator, "enforce", Regulator.enforce_reference)
    reference = DataEconomy(policy=policy, scenario="small", seed=11).run(6)
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)


def _reference_e5(wtp, cost_per_sale=0.0, min_buyers=5):
    """E5 in numpy, on the dense form of grouped demand."""
    dense = wtp.dense() if isinstance(wtp, kernels.GroupedDemand) else wtp
    return eq.revenue_maximising_price(dense, cost_per_sale, min_buyers)


def _reference_best(demand):
    """The operators' demand in numpy: fmax over the dense rows."""
    with np.errstate(invalid="ignore"):
        return np.fmax.reduce(demand.dense(), axis=1)


def _produce_reference(self, *args):
    return self.produce_reference(*args)


def test_agent_views_are_made_on_first_use_with_stable_ids():
    model = DataEconomy(scenario="small", seed=4)
    model.run(2)
    assert len(model._all_agents) == 1  # only the regulator, until someone asks
    firms = model.agents_by_type[Firm]
    assert len(model.agents) == 1 + len(model.firms) + len(model.holders) + 5 + 2 + len(
        model.suppliers
    )
    first = min(firms, key=lambda f: f.index)
    assert first.index == 0 and first.unique_id == 2  # the regulator is 1, then firm rows


def _entropy(seed: int, key: tuple[int, ...]) -> np.ndarray:
    """SeedSequence's assembled entropy: the seed's 32-bit words padded to four, the key's."""

    def words(n: int) -> list[int]:
        return [(n >> (32 * i)) & 0xFFFFFFFF for i in range(max(1, -(-n.bit_length() // 32)))]

    run = words(seed)
    run += [0] * (4 - len(run)) if key else []
    return np.array(run + [w for k in key for w in words(k)], dtype=np.uint32)


def test_seed_sequence_state_is_numpys():
    rng = np.random.default_rng(4)
    for _ in range(500):
        seed = int(rng.integers(0, 2**63)) >> int(rng.integers(0, 63))
        seed <<= int(rng.choice([0, 0, 70]))  # and some of more than four words
        key = tuple(int(rng.integers(0, 2 ** int(rng.integers(1, 40)))) for _ in range(3))
        key = key[: int(rng.integers(0, 4))]
        n_words = int(rng.integers(1, 9))
        want = np.random.SeedSequence(seed, spawn_key=key).generate_state(n_words, np.uint64)
        got = kernels.seed_sequence_state(_entropy(seed, key), n_words)
        assert got.dtype == np.uint64 and np.array_equal(got, want), (seed, key, n_words)


def test_child_seed_state_and_pcg64_child_are_numpys():
    # The quarter's streams: a seed's padded words and a two-part key hashed in one call.
    rng = np.random.default_rng(5)
    for _ in range(300):
        seed = int(rng.integers(0, 2**63)) >> int(rng.integers(0, 63))
        seed <<= int(rng.choice([0, 0, 70]))  # and some of more than four words
        key = tuple(int(rng.integers(0, 2 ** int(rng.integers(1, 64)))) for _ in range(2))
        n_words = int(rng.integers(1, 9))
        sequence = np.random.SeedSequence(seed, spawn_key=key)
        seed_words = _entropy(seed, (0,))[:-1]
        got = kernels.child_seed_state(seed_words, *key, n_words)
        assert np.array_equal(got, sequence.generate_state(n_words, np.uint64)), (seed, key)
        generator = np.random.Generator(np.random.PCG64(sequence))
        assert np.array_equal(kernels.pcg64_child(seed_words, *key), kernels.pcg64_words(generator))


def test_quarter_seed_is_numpys_for_any_key():
    """econ.seeds' SeedSequence stand-in: the compiled two-part path, and the assembled
    entropy it falls back to for other keys (three parts, none, beyond int64)."""
    from econ.seeds import _QuarterSeed, _seed_words

    for seed, key in [(5, (1, 2)), (5, (1, 2, 3)), (2**70, ()), (123, (2**64, 7))]:
        want = np.random.SeedSequence(seed, spawn_key=key).generate_state(4, np.uint64)
        assert np.array_equal(_QuarterSeed(seed, key).generate_state(4, np.uint64), want)
        compiled = _QuarterSeed(seed, key, _seed_words(seed))
        assert np.array_equal(compiled.generate_state(4, np.uint64), want), (seed, key)


def test_pcg64_words_draw_the_generators_uniforms():
    rng = np.random.default_rng(9)
    for _ in range(300):
        generator = np.random.default_rng(int(rng.integers(0, 2**63)))
        generator.integers(2**32, size=int(rng.integers(0, 3)), dtype=np.uint32)  # buffered
        twin = np.random.default_rng()
        twin.bit_generator.state = generator.bit_generator.state
        words = kernels.pcg64_words(generator)
        n = int(rng.integers(1, 40))
        got = np.array([kernels.pcg64_double(words) for _ in range(n)])
        assert np.array_equal(got, twin.random(n))
        kernels.set_pcg64_words(generator, words)  # in step again, buffered word kept
        assert generator.bit_generator.state == twin.bit_generator.state
        assert generator.random() == twin.random()


def test_pcg64_words_of_another_bit_generator_is_none():
    assert kernels.pcg64_words(np.random.Generator(np.random.Philox(1))) is None


@pytest.mark.parametrize("bit_generator", [np.random.Philox, np.random.MT19937])
def test_clear_with_another_bit_generator_is_its_reference(bit_generator):
    model = scrambled(POLICIES[0], 2)
    valuation = valuation_of(model)
    args = (model.firms.table, model.market, model.policy, model.regulator.review_strictness)
    rng_a, rng_b = (np.random.Generator(bit_generator(7)) for _ in range(2))
    a = mk.clear(valuation, *args, rng_a)
    b = mk.clear_reference(valuation, *args, rng_b)
    assert_same_clearing(a, b)
    assert rng_a.random() == rng_b.random() and a.sensitive_transfers > 0


def test_audit_is_the_regulators_reference():
    rng = np.random.default_rng(11)
    scenario = DataEconomy(scenario="small", seed=0).params
    revoked = reissued = 0
    for _ in range(400):
        policy = Policy(
            operators=int(rng.integers(0, 6)),
            audit_rate=float(rng.choice([0.0, 0.4, 1.0])),
            penalty=float(rng.choice([0.0, 0.3, 2.0])),
        )
        p = scenario.replace(relicense_quarters=int(rng.integers(0, 4)))
        a = Operators.license(policy, p).table
        a.licensed = rng.random(5) < 0.7
        a.incidents = rng.integers(0, 3, 5)
        a.security = rng.random(5)
        a.revenue = rng.random(5) * 1e4
        a.profit = rng.normal(0, 1e3, 5)
        a.relicense_in = rng.integers(0, 4, 5)
        b, before = a.copy(), a.licensed.copy()
        audit_u, finding_u = rng.random(5), rng.random(5)
        regulator = Regulator(mesa.Model(rng=0), policy)
        want = regulator.audit_reference(a, p, audit_u, finding_u)
        got = kernels.audit(
            b.licensed, b.incidents, b.security, b.revenue, audit_u, finding_u,
            policy.audit_rate, policy.penalty, p.relicense_quarters, policy.operators,
            b.relicense_in, b.penalty, b.profit,
        )  # fmt: skip
        assert got == want
        for f in a.columns():
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        revoked += want[1]
        reissued += int((~before & a.licensed).sum())
    assert revoked > 20 and reissued > 20


def test_enforce_is_the_regulators_reference():
    """The compiled enforcement gives the numpy reference's counts, rates, audits, table
    and review strictness, and leaves the streams where the reference leaves them; a stream
    that is not PCG64 goes through the reference."""
    rng = np.random.default_rng(12)
    scenario = DataEconomy(scenario="small", seed=0).params
    incidents = cross_border = 0
    for case in range(300):
        policy = Policy(
            operators=int(rng.integers(0, 6)),
            audit_rate=float(rng.choice([0.0, 0.4, 1.0])),
            penalty=float(rng.choice([0.0, 0.3])),
            infrastructure=float(rng.choice([0.0, 0.5, 1.0])),
            privacy_computing=float(rng.choice([0.0, 1.0])),
            adaptive_regulator=bool(rng.random() < 0.5),
            review_strictness=float(rng.choice([0.0, 0.5])),
        )
        p = scenario.replace(
            incident_rate=float(10 ** rng.uniform(-4, -1)),
            cross_border_incident_rate=float(10 ** rng.uniform(-5, -2)),
        )
        a = Operators.license(policy, p).table
        a.licensed = rng.random(5) < 0.7
        a.uses = rng.choice([0.0, 10.0, 1e3, 3e4], 5)
        a.security = rng.random(5)
        a.revenue = rng.random(5) * 1e4
        a.profit = rng.normal(0, 1e3, 5)
        a.relicense_in = rng.integers(0, 4, 5)
        b = a.copy()
        args = (p, float(rng.choice([0.0, 50.0, 5e3])), float(rng.random()))
        seeds = rng.integers(0, 2**32, 3)
        if case % 3 == 0:  # Generators, moved on as the words are
            streams_a = [np.random.default_rng(int(x)) for x in seeds]
            streams_b = [np.random.default_rng(int(x)) for x in seeds]
        else:
            streams_a = [kernels.pcg64_words(np.random.default_rng(int(x))) for x in seeds]
            streams_b = [w.copy() for w in streams_a]
        share = float(rng.random())
        ref, fast = Regulator(mesa.Model(rng=0), policy), Regulator(mesa.Model(rng=0), policy)
        ref.extra_strictness = fast.extra_strictness = float(rng.choice([0.0, 0.2]))
        want = ref.enforce_reference(a, *args, *streams_a, share)
        got = fast.enforce(b, *args, *streams_b, share)
        assert got == want
        for name in ("cross_border_incidents", "audits", "revocations", "extra_strictness"):
            assert getattr(fast, name) == getattr(ref, name), name
        for name in ("expected_incidents", "expected_cross_border_incidents", "fines_rmb"):
            assert getattr(fast, name) == getattr(ref, name), name
        for f in a.columns():
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        for x, y in zip(streams_a, streams_b, strict=True):
            if isinstance(x, np.ndarray):
                assert np.array_equal(x, y)
            else:
                assert x.random() == y.random()
        incidents += want
        cross_border += ref.cross_border_incidents
    assert incidents > 50 and cross_border > 10
    # One generator for all three streams: the reference draws from it in turn.
    a = Operators.license(Policy(operators=2), scenario).table
    a.uses = np.full(5, 1e4)
    b = a.copy()
    shared, twin = np.random.default_rng(3), np.random.default_rng(3)
    regulator = Regulator(mesa.Model(rng=0), Policy(operators=2))
    got = regulator.enforce(a, scenario, 10.0, 0.0, shared, shared, shared)
    want = Regulator(mesa.Model(rng=0), Policy(operators=2)).enforce_reference(
        b, scenario, 10.0, 0.0, twin, twin, twin
    )
    assert got == want and shared.random() == twin.random()
    # Another bit generator: numpy's draws, through the reference.
    a = Operators.license(Policy(operators=2), scenario).table
    a.uses = np.full(5, 1e4)
    streams = [np.random.Generator(np.random.Philox(k)) for k in range(3)]
    twins = [np.random.Generator(np.random.Philox(k)) for k in range(3)]
    b = a.copy()
    regulator = Regulator(mesa.Model(rng=0), Policy(operators=2))
    got = regulator.enforce(a, scenario, 10.0, 0.0, *streams)
    want = Regulator(mesa.Model(rng=0), Policy(operators=2)).enforce_reference(
        b, scenario, 10.0, 0.0, *twins
    )
    assert got == want and np.array_equal(a.incidents, b.incidents)


def test_mainland_totals_are_numpys():
    rng = np.random.default_rng(13)
    for n in (0, 1, 7, 9, 200, 1000, 3000):
        active, region = rng.random(n) < rng.random(), rng.integers(0, 4, n).astype(np.int8)
        surplus, output = rng.normal(0, 1, n) * 10.0 ** rng.integers(-3, 5, n), rng.random(n)
        mainland = active & ~is_abroad(region)
        got = kernels.mainland_totals(active, region, int(Region.HONG_KONG), surplus, output)
        assert got[0] == surplus[mainland].sum() and got[1] == output[mainland].sum()
        assert np.array_equal(got[2], output[mainland]) and got[3] == active.sum()


def test_quarter_sums_are_measures_numpy_steps():
    # What measure reported with numpy: sums, means over counts, E11 on the concatenated sales.
    rng = np.random.default_rng(12)
    for _ in range(300):
        n_hold, n_ops, n_sup, n_firms = (int(rng.integers(1, 300)) for _ in range(4))
        k = n_hold + n_ops + n_sup + int(rng.integers(0, 20))

        def col(n):
            x = rng.lognormal(0, 3, n) * rng.choice([1e-6, 1.0, 1e9])
            return np.where(rng.random(n) < 0.3, 0.0, x) * rng.choice([-1.0, 1.0], n)

        h = [col(n_hold) for _ in range(4)] + [rng.random(n_hold)]
        o = [col(n_ops) for _ in range(4)] + [rng.random(n_ops) < rng.choice([0.0, 0.5, 1.0])]
        revenue = np.abs(col(k)) * rng.choice([0.0, 1.0], p=[0.05, 0.95])
        uses, paid, price = col(k), col(n_firms), col(k)
        public = slice(0, n_hold if rng.random() < 0.9 else 0)
        ops = slice(n_hold, n_hold + n_ops)
        supplier_revenue = col(n_sup)
        got = kernels.quarter_sums(
            *h, *o, supplier_revenue, revenue, uses, paid, price, public.start, public.stop,
            ops.start, ops.stop,
        )  # fmt: skip
        fee, share, supply, datasets, effort = h
        profit, clawback, penalty, op_price, licensed = o
        sales = np.concatenate([revenue[: ops.start], revenue[ops.stop :], revenue[ops]])
        public_fees = price[public]
        want = (
            float(fee.sum() + share.sum()),
            float(profit.sum()),
            float(supply.sum()),
            float(supplier_revenue.sum()),
            float(clawback.sum() + penalty.sum()),
            float(revenue.sum()),
            float(uses.sum()),
            float(datasets.sum()),
            _mean(effort),
            float(paid.sum()),
            eq.hhi(sales),
            float(uses[public].sum()),
            _mean(public_fees) if len(public_fees) else 0.0,
            _mean(op_price[licensed]) if licensed.any() else 0.0,
            int(licensed.sum()),
        )
        assert got == want


def test_adjust_prices_is_e5b():
    rng = np.random.default_rng(14)
    for n in (0, 1, 7, 40, 300):
        for speed in (0.0, 0.3, 1.0, 1):
            previous = rng.lognormal(0, 2, n) * rng.choice([0.0, 1.0, -1.0, np.nan], n)
            target = rng.lognormal(0, 2, n) * rng.choice([0.0, 1.0], n)
            want = eq.adjusted_price(previous, target, speed)
            price, public = previous.copy(), np.full(n, -7.0)
            kernels.adjust_prices(price, target, speed, public)
            assert np.array_equal(price, want, equal_nan=True)
            assert np.array_equal(public, want, equal_nan=True)


def test_holder_supply_is_e13_and_the_numpy_mean():
    rng = np.random.default_rng(15)
    for n in (0, 1, 5, 9, 40, 300):
        datasets = rng.lognormal(3, 1, n) * rng.choice([0.0, 1.0], n, p=[0.1, 0.9])
        effort = rng.random(n) * rng.choice([1e-6, 1.0, 3.0])
        base, ref_d, ref_e = rng.lognormal(0, 1, 3)
        size, quality = kernels.holder_supply(datasets, effort, base, ref_d, ref_e)
        assert np.array_equal(size, eq.public_product_size(base, datasets, ref_d, effort, ref_e))
        want = 0.5 + 0.5 * effort / ref_e
        assert quality == want.sum() / n if n else np.isnan(quality)


def test_choose_effort_is_its_reference():
    model = DataEconomy(scenario="small", seed=0)
    rng = np.random.default_rng(14)
    n = len(model.holders)
    for _ in range(100):
        policy = Policy(registration=bool(rng.random() < 0.5))
        p = model.params.replace(
            supply_responds=bool(rng.random() < 0.8), effort_adjustment=float(rng.random())
        )
        table = model.holders.table.copy()
        table.effort = rng.choice([0.0, 0.01, 0.3, 1.0], n) * rng.random(n)
        table.fee_revenue, table.share_revenue = rng.random(n) * 1e3, rng.random(n) * 1e2
        table.uses = rng.integers(0, 50, n).astype(float)
        a, b = PublicHolders(table.copy()), PublicHolders(table.copy())
        cost, mandate = float(rng.uniform(1, 1e3)), float(rng.uniform(0, 1e3))
        a.choose_effort(policy, p, cost, mandate)
        b.choose_effort_reference(policy, p, cost, mandate)
        for f in a.table.columns():
            x, y = getattr(a.table, f.name), getattr(b.table, f.name)
            assert np.array_equal(x, y), f.name
    assert 0 < a.table.effort.max() <= 1.0


def test_settle_is_its_reference():
    model = DataEconomy(scenario="small", seed=0)
    rng = np.random.default_rng(15)
    clawed = floored = 0
    for _ in range(200):
        policy = Policy(
            operators=3,
            operator_cap=str(rng.choice(["none", "price", "revenue"])),
            revenue_share=float(rng.random()),
            reasonable_profit=float(rng.uniform(0, 0.3)),
        )
        table = Operators.license(policy, model.params).table
        table.licensed = rng.random(5) < 0.7
        table.security, table.uses = rng.random(5), rng.integers(0, 30, 5).astype(float)
        table.revenue = rng.random(5) * rng.choice([0.0, 1e3, 1e5])
        table.price_factor = rng.choice([0.011, 0.3, 1.0], 5)
        a, b = Operators(table.copy()), Operators(table.copy())
        costs = float(rng.uniform(0, 5e3)), float(rng.uniform(0, 5e3))
        a.settle(policy, model.params, *costs)
        b.settle_reference(policy, model.params, *costs)
        for f in a.table.columns():
            x, y = getattr(a.table, f.name), getattr(b.table, f.name)
            assert np.array_equal(x, y), f.name
        clawed += int((a.table.clawback > 0).sum())
        floored += int((a.table.price_factor == MIN_PRICE_FACTOR).sum())
    assert clawed > 20 and floored > 5


@pytest.mark.parametrize("hk_bridge", [False, True])
def test_firm_factors_are_the_numpy_steps(hk_bridge):
    rng = np.random.default_rng(16)
    p = DataEconomy(scenario="small", seed=0).params
    capability, region = rng.random(500), rng.integers(0, 4, 500).astype(np.int8)
    infrastructure, strictness = float(rng.random()), float(rng.random())
    got = kernels.firm_factors(
        capability, region, int(Region.HONG_KONG), p.integration_cost_rmb,
        p.capability_integration_saving, float(hk_bridge), p.bridge_discount_hong_kong,
        p.bridge_discount_other, p.bridge_alignment_hong_kong, p.bridge_alignment_other,
        eq.cross_border_cost(p.cross_border_cost_rmb, infrastructure, strictness, 0.0),
    )  # fmt: skip
    hong_kong = region == Region.HONG_KONG
    bridge = hk_bridge * np.where(hong_kong, p.bridge_discount_hong_kong, p.bridge_discount_other)
    want = (
        p.integration_cost_rmb * (1 - p.capability_integration_saving * capability),
        eq.cross_border_cost(p.cross_border_cost_rmb, infrastructure, strictness, bridge),
        hk_bridge * np.where(hong_kong, p.bridge_alignment_hong_kong, p.bridge_alignment_other),
        is_abroad(region),
    )
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert got[1].min() < got[1].max() or not hk_bridge


def test_operators_set_prices_is_its_reference():
    model = DataEconomy(scenario="small", seed=0)
    rng = np.random.default_rng(17)
    priced = capped = 0
    for _ in range(300):
        policy = Policy(
            operators=int(rng.integers(0, 4)),
            operator_cap=str(rng.choice(["none", "price", "revenue"])),
            pricing=str(rng.choice(["free", "conditional_free", "cost_recovery", "market"])),
            price_cap=float(rng.uniform(0.5, 5.0)),
            audit_rate=float(rng.choice([0.0, 0.5])),
            penalty=float(rng.choice([0.0, 2.0])),
        )
        p = model.params.replace(
            operator_marginal_cost_rmb=float(rng.choice([0.0, 300.0])),
            price_adjustment=float(rng.uniform(0.01, 1.0)),
            reference_price_rmb=500.0,
        )
        table = Operators.license(policy, p).table
        table.monopoly_price = rng.choice([0.0, 800.0, 3000.0], 5)
        table.price_factor = rng.uniform(0.01, 1.0, 5)
        table.revenue = rng.random(5) * rng.choice([0.0, 1e4])
        a, b = Operators(table.copy()), Operators(table.copy())
        wtp = np.where(rng.random((40, 1)) < 0.7, rng.random((40, 1)) * 4000.0, np.nan)
        security_cost = float(rng.choice([0.0, 0.5, 4000.0]))
        a.set_prices(policy, p, security_cost, wtp)
        b.set_prices_reference(policy, p, security_cost, wtp)
        for f in a.table.columns():
            x, y = getattr(a.table, f.name), getattr(b.table, f.name)
            assert np.array_equal(x, y), f.name
        priced += int((a.table.price > 0).sum())
        cap = policy.price_cap * p.reference_price_rmb
        capped += int(policy.operator_cap == "price" and a.table.price.max() == cap)
    assert priced > 100 and capped > 10
