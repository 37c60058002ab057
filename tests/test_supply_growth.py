"""Private data supply grows with the nation's data production (E29, ODD 7.3).

The equation against hand values, the suppliers' product sizes read from the model's state,
and the mechanism's claim: it grows the paid market without scaling output (data's returns
are small, E2), which is what separates the market's growth from output's.
"""

import pytest

from econ import DataEconomy
from econ import equations as eq
from econ.categories import ProductKind


def test_e29_supply_compounds_from_the_initial_economy():
    assert eq.supply_index(0.05, 0) == 1.0
    assert eq.supply_index(0.05, 4) == pytest.approx(1.05**4)
    assert eq.supply_index(0.0, 40) == 1.0
    # The sourced rate: 22.44% a year (data production in 2023) is 0.0519 a quarter.
    assert eq.supply_index(0.0519, 4) == pytest.approx(1.2244, abs=5e-4)


def test_private_products_carry_the_grown_supply():
    model = DataEconomy(scenario="small", n_firms=200, seed=3)
    model.run(5)
    p, c = model.params, model.market.catalogue
    quarters = p.spin_up_quarters + 5 - 1  # since the initial economy, at the last quarter
    want = p.private_product_size * model.suppliers.table.quality
    want = want * (1 + p.private_supply_growth) ** quarters
    assert c.size[c.block(ProductKind.PRIVATE)] == pytest.approx(want, rel=1e-12)
    assert p.private_supply_growth > 0  # the default is the sourced rate, not 0


def test_supply_grows_the_market_far_more_than_output():
    """Over three years, supply growth at its default against none, paired by seed."""
    for seed in (1, 2, 3):
        years = {}
        for growth in (0.0, 0.0519):
            df = DataEconomy(
                scenario="small", n_firms=400, seed=seed, private_supply_growth=growth
            ).run(12)
            years[growth] = {
                column: (df[column].iloc[:4].sum(), df[column].iloc[8:].sum())
                for column in ("market_size", "output")
            }
        plain, grown = years[0.0], years[0.0519]
        growth_of = {k: [v[1] / v[0] for v in (plain[k], grown[k])] for k in plain}
        assert growth_of["market_size"][1] > growth_of["market_size"][0]
        market_gain = grown["market_size"][1] / plain["market_size"][1] - 1
        output_gain = grown["output"][1] / plain["output"][1] - 1
        assert market_gain > 0.3
        assert 0 <= output_gain < market_gain / 10
