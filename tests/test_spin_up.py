"""The spin-up (ODD 5.3): quarters before 2022Q1 that let prices and effort settle, run with
the model's own schedule and streams and never reported."""

import numpy as np
import pytest

from econ import DataEconomy
from econ.parameters import ParameterError


def test_a_spun_up_run_is_the_later_quarters_of_a_run_without_one():
    """Spin-up quarter q draws from the same streams as reported quarter q of a run without
    spin-up, so the two runs are the same economy, shifted: nothing else differs."""
    spun = DataEconomy(scenario="small", n_firms=200, seed=4, spin_up_quarters=6).run(5)
    plain = DataEconomy(scenario="small", n_firms=200, seed=4, spin_up_quarters=0).run(11)
    assert len(spun) == 5 and list(spun.index) == [1, 2, 3, 4, 5]
    later = plain.iloc[6:].reset_index(drop=True)
    for column in spun.columns:
        assert np.array_equal(spun[column].to_numpy(), later[column].to_numpy(), equal_nan=True), (
            column
        )


def test_nothing_of_the_spin_up_is_reported():
    model = DataEconomy(scenario="small", n_firms=120, seed=2, spin_up_quarters=5)
    assert model.steps == 0
    assert model.datacollector.get_model_vars_dataframe().empty
    # ...but the economy has moved: holders' effort is no longer the initial one.
    assert not np.allclose(model.holders.table.effort, model.params.initial_effort)


def test_the_reported_path_opens_settled():
    """Without the spin-up the market falls by a third in its first two years as prices
    come down from their start-up values; with it, the opening years move by a few per cent.
    The AI trend in data's value (E2d) and the growth of private supply (E29) are off: their
    growth would hide the transient. Eight seeds: over two, the opening years' growth moves
    by a point and a half with any change to the draws."""

    def first_two_years(spin_up):
        paths = [
            DataEconomy(
                scenario="small",
                n_firms=400,
                seed=seed,
                spin_up_quarters=spin_up,
                ai_data_value_growth=0.0,
                private_supply_growth=0.0,
            ).run(8)["market_size"]
            for seed in range(1, 9)
        ]
        market = sum(paths) / len(paths)
        return market.iloc[4:8].mean() / market.iloc[0:4].mean() - 1

    assert first_two_years(0) < -0.1
    # A few per cent remain: trust still moves from its start at 1 (E17), and since exports
    # carry it too (E4) the opening years move by about 6%, against -18% without spin-up.
    assert abs(first_two_years(12)) < 0.08


@pytest.mark.parametrize("bad", [-1, 101, 2.5, True])
def test_a_bad_spin_up_is_one_clear_line(bad):
    with pytest.raises(ParameterError, match=r"spin_up_quarters"):
        DataEconomy(scenario="small", n_firms=50, seed=1, spin_up_quarters=bad)
