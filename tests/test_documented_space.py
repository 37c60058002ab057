"""Every documented value works: any lever and scenario parameter inside its bound runs, or
the model refuses it with an error that names the parameter(s) to change. Hypothesis searches
the whole documented space; what it found is pinned below as regression tests."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econ import LEVERS, DataEconomy, ParameterError, Policy
from econ.metrics import MODEL_COLUMNS
from econ.scenarios import SCENARIO_PARAMETERS

#: Sizes are searched up to these bounds (the documented ones reach 10^6 firms and 10^4
#: holders, too slow for a test suite; ``test_largest_sizes_run`` runs those bounds once).
SIZE_CAPS = {
    "n_firms": 60,
    "n_holders": 300,
    "n_private_suppliers": 300,
    "n_foreign_products": 100,
    "public_seen": 60,
    "public_seen_unregistered": 60,
    "private_seen": 60,
}


def value_strategy(param):
    if param.choices is not None:
        return st.sampled_from(param.choices)
    if param.kind is bool:
        return st.booleans()
    if param.kind is int:
        return st.integers(int(param.low), min(int(param.high), SIZE_CAPS.get(param.name, 10**9)))
    return st.floats(param.low, param.high, allow_nan=False)


policies = st.fixed_dictionaries(
    {}, optional={name: value_strategy(lever) for name, lever in LEVERS.items()}
)
scenario_params = st.fixed_dictionaries(
    {"n_firms": value_strategy(SCENARIO_PARAMETERS["n_firms"])},
    optional={
        name: value_strategy(p) for name, p in SCENARIO_PARAMETERS.items() if name != "n_firms"
    },
)


def run_or_refuse(policy: dict, params: dict, seed: int, quarters: int = 4):
    """The model run for ``quarters``, or None if it refused the values by name."""
    try:
        model = DataEconomy(policy=policy, scenario="small", seed=seed, **params)
    except ParameterError as err:
        named = [name for name in (*SCENARIO_PARAMETERS, *LEVERS) if name in str(err)]
        assert named, f"the error names no parameter: {err}"
        return None
    df = model.run(quarters)
    assert np.isfinite(df[list(MODEL_COLUMNS)].to_numpy(dtype=float)).all()
    for population in (model.firms, model.holders, model.suppliers, model.operators):
        population.table.check_finite()
    h = model.holders.table
    assert ((h.effort >= 0) & (h.effort <= 1)).all() and (h.datasets >= 0).all()
    assert (model.market.catalogue.price >= 0).all() and 0.05 <= model.trust <= 1
    return model


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,  # the same examples in every run of the suite (CI is reproducible)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(policy=policies, params=scenario_params, seed=st.integers(0, 2**32 - 1))
def test_every_documented_value_runs_or_is_refused_by_name(policy, params, seed):
    run_or_refuse(policy, params, seed)


# What the search found, and what issue #15 reported: each value runs for every seed tried.

SEEDS = range(40)


@pytest.mark.parametrize("n_firms", [10, 11, 12, 15, 20, 25])
def test_smallest_economies_run_for_any_seed(n_firms):
    # Sellers want five buyers before they set a price (E5): with ten firms nobody may pay,
    # and the calibration scales by what the users of (free) data would pay for it.
    for seed in SEEDS:
        model = run_or_refuse({}, {"n_firms": n_firms}, seed)
        assert model is not None and model.calibration.firms_represented > 0


@pytest.mark.parametrize(
    "params",
    [
        {"share_foreign": 0.0, "share_hong_kong": 0.0},
        {"east_rack_share": 0.0},
        {"east_rack_share": 1.0},
        {"east_rack_share": 5e-324},  # found by hypothesis: a sliver of a rack
        {"initial_effort": 0.0},
        {"open_datasets": 0.0},
        {"security_cost_per_firm_rmb": 0.0},
        {"west_price_discount": 1.0, "latency_cost_share": 0.0},  # compute starts free
        {"public_product_size": 0.001},
        {"data_depreciation": 0.0, "discount_rate": 1e-6},
        # found by hypothesis: no exchange trade yet and half-liquidity 0 (E25 was 0 / 0)
        {"exchange_share_start": 0.0, "exchange_liquidity_half": 0.0},
        {"compute_price_steepness": 0.0, "foreign_compute_access": 1.0},  # E30, a flat price
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_extreme_legal_values_run(params):
    policy = {"operators": 2, "openness": 1.0, "hk_bridge": True}
    for seed in range(10):
        assert run_or_refuse(policy, params, seed, quarters=6) is not None


def test_largest_sizes_run():
    params = {
        "n_firms": 10,
        "n_holders": 10_000,
        "n_private_suppliers": 10_000,
        "n_foreign_products": 1_000,
        "public_seen": 200,
        "public_seen_unregistered": 200,
        "private_seen": 200,
    }
    assert run_or_refuse({"operators": 5}, params, seed=1, quarters=2) is not None


def test_a_value_that_cannot_work_is_refused_with_the_reason():
    with pytest.raises(ParameterError) as raised:
        DataEconomy(scenario="small", public_product_size=0)
    assert str(raised.value) == (
        "Scenario.public_product_size=0 is out of range; expected a number in [0.001, 10] "
        "(compute_cost_rmb is the compute cost of a public product of this size, so the size "
        "cannot be 0)"
    )
    # found by hypothesis: with both at 1 output overflowed within the spin-up
    for alpha, beta in ((1.0, 1.0), (1.0, 0.0), (0.9, 0.1)):
        with pytest.raises(ParameterError, match=r"capital_elasticity=.* data_elasticity="):
            DataEconomy(scenario="small", capital_elasticity=alpha, data_elasticity=beta)
    assert DataEconomy(scenario="small", capital_elasticity=0.5, data_elasticity=0.49)
    for rate in (0.0, 4.167242317893905e-231):  # found by hypothesis: 1 + r rounds to 1
        with pytest.raises(ParameterError, match=r"data_depreciation=0\.0 with discount_rate="):
            DataEconomy(scenario="small", data_depreciation=0, discount_rate=rate)


@pytest.mark.parametrize(
    "params",
    [
        {"integration_cost_rmb": 1e9},
        {"compute_cost_rmb": 1e9},
        {"fit_scale": 1e-6, "n_private_suppliers": 0, "n_foreign_products": 0},
        {"n_firms": 10, "share_foreign": 0.5, "share_hong_kong": 0.5},  # all firms abroad
    ],
    ids=lambda p: next(iter(p)),
)
def test_an_economy_without_a_data_market_names_what_to_change(params):
    with pytest.raises(ParameterError) as raised:
        DataEconomy(scenario="small", seed=1, **params)
    message = str(raised.value)
    assert "no firm licensed any data product at start-up" in message
    for name in ("integration_cost_rmb", "compute_cost_rmb", "fit_scale", "share_foreign"):
        assert name in message


def test_policy_extremes_with_the_smallest_economy():
    for pricing in ("free", "conditional_free", "cost_recovery", "market"):
        policy = Policy(
            pricing=pricing, price_level=5.0, operators=5, price_cap=0.0, openness=1.0
        ).to_dict()
        for seed in range(5):
            assert run_or_refuse(policy, {"n_firms": 10}, seed) is not None
