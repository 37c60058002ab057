"""Accounting invariants on every step, for random policies (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econ import LEVERS, DataEconomy, Policy
from econ.market import FOREIGN, OPERATOR, PRIVATE, PUBLIC


def lever_strategy(lever):
    if lever.choices is not None:
        return st.sampled_from(lever.choices)
    if lever.kind is bool:
        return st.booleans()
    if lever.kind is int:
        return st.integers(int(lever.low), int(lever.high))
    return st.floats(lever.low, lever.high, allow_nan=False)


policies = st.fixed_dictionaries({name: lever_strategy(lv) for name, lv in LEVERS.items()}).map(
    Policy.from_dict
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy=policies, seed=st.integers(0, 2**32))
def test_money_balances_and_stocks_stay_valid(policy, seed):
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=150, seed=seed, keep_transactions=True
    )
    h, o, s, sup = (
        model.holders.table,
        model.operators.table,
        model.firms.table,
        model.suppliers.table,
    )
    for _ in range(4):
        model.step()
        result, kinds = model.clearing, model.market.catalogue.kind
        # Money paid equals money received: firms' fees are sellers' revenue, to the yuan.
        paid = result.paid.sum()
        received = (
            h.fee_revenue.sum()
            + o.revenue.sum()
            + sup.revenue.sum()
            + result.revenue[kinds == FOREIGN].sum()
        )
        assert np.isclose(paid, received, rtol=1e-12, atol=1e-6)
        assert np.isclose(paid, result.spending.sum(), rtol=1e-12, atol=1e-6)
        for kind, revenue in (
            (PUBLIC, h.fee_revenue),
            (OPERATOR, o.revenue),
            (PRIVATE, sup.revenue),
        ):
            assert np.allclose(result.revenue[kinds == kind], revenue)
        # Operators' revenue share is exactly what holders receive.
        assert np.isclose(h.share_revenue.sum(), policy.revenue_share * o.revenue.sum())
        # No negative stocks, efforts in range, nothing NaN or infinite.
        assert (s.data_stock >= 0).all() and (s.capital > 0).all()
        assert (h.datasets >= 0).all() and ((h.effort >= 0) & (h.effort <= 1)).all()
        assert (result.paid >= 0).all() and (model.market.catalogue.price >= 0).all()
        assert 0 <= model.trust <= 1
        for table in (s, h, o, sup):
            table.check_finite()
        row = model.datacollector.get_model_vars_dataframe().iloc[-1]
        assert np.isfinite(row.to_numpy(dtype=float)).all()
        assert row["incidents"] >= 0 and row["hhi"] <= 1
    # No cross-border flow ever happens with the border closed.
    if policy.openness == 0:
        assert model.datacollector.get_model_vars_dataframe()["cross_border_volume"].eq(0).all()
