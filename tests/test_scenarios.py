"""Scenarios: named parameter sets with sources, validated changes."""

import pytest

from econ import SCENARIOS, ParameterError, Scenario, get_scenario
from econ.scenarios import ARTICLE, CDTM, ESTIMATED
from econ.study.estimation import read_calibrate_spec


def test_every_parameter_records_a_source_and_unit():
    for param in Scenario.PARAMETERS.values():
        assert param.source, param.name
        assert param.unit, param.name


def test_china_2024_uses_the_article_figures():
    s = get_scenario("china_2024")
    assert s.n_holders == 226 and s.open_datasets == 340_000
    assert s.racks == 1.46e6 and s.latency_ms == 20
    assert s.china_compute_share == 0.33
    assert s.market_size_2022_rmb == pytest.approx(87.68e9)
    for name in ("n_holders", "open_datasets", "racks", "latency_ms"):
        assert Scenario.PARAMETERS[name].source == ARTICLE
    assert Scenario.PARAMETERS["market_size_2022_rmb"].source == CDTM
    # The article's utilisation figures are for 2022 and 2024: they are the calibration's
    # moments, and the utilisation of 2019 (the initial economy) is estimated from them.
    moments = {m.name: m.value for m in read_calibrate_spec("china_2024").moments}
    assert moments["utilisation_2022"] == 0.587 and moments["utilisation_change"] == 0.04
    assert Scenario.PARAMETERS["rack_utilisation"].source == ESTIMATED


def test_small_is_smaller():
    assert set(SCENARIOS) >= {"china_2024", "small"}
    assert get_scenario("small").n_firms < get_scenario("china_2024").n_firms


def test_changes_are_validated():
    assert get_scenario("small", data_elasticity=0.2).data_elasticity == 0.2
    with pytest.raises(ParameterError, match=r"Scenario\.data_elasticity=2\.0 is out of range"):
        get_scenario("small", data_elasticity=2.0)
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'n_frims'"):
        get_scenario("small", n_frims=10)
    with pytest.raises(ParameterError, match=r"unknown scenario 'china'; allowed: 'china_2024'"):
        get_scenario("china")
