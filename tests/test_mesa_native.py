"""Mesa habits work: levers and scenario parameters as keyword arguments, Mesa's own
batch_run, ``rng=``, and agent-level data through the DataCollector's public API."""

import warnings

import mesa
import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy, ParameterError, Policy
from econ.agents import Firm


def test_levers_and_scenario_parameters_are_keyword_arguments():
    by_name = DataEconomy(pricing="free", openness=0.6, scenario="small", n_firms=120, seed=4)
    by_policy = DataEconomy(
        policy=Policy(pricing="free", openness=0.6), scenario="small", n_firms=120, seed=4
    )
    assert by_name.policy == by_policy.policy
    pd.testing.assert_frame_equal(by_name.run(3), by_policy.run(3))
    # A lever given by name changes the policy it is given with.
    both = DataEconomy(policy=Policy(operators=3), pricing="market", scenario="small", seed=1)
    assert both.policy == Policy(operators=3, pricing="market")
    with pytest.raises(ParameterError, match="pricing"):
        DataEconomy(pricing="gratis", scenario="small")


def test_mesa_batch_run_varies_levers_and_records_seeds():
    rows = mesa.batch_run(
        DataEconomy,
        parameters={"pricing": ["free", "cost_recovery"], "scenario": "small", "n_firms": 120},
        rng=[1, 2],
        max_steps=3,
        number_processes=1,
        display_progress=False,
    )
    df = pd.DataFrame(rows)
    assert len(df) == 4 and set(df["pricing"]) == {"free", "cost_recovery"}
    assert sorted(df["seed"].unique()) == [1, 2]
    means = df.groupby("pricing")["welfare"].mean()  # hashable columns group
    assert means["free"] != means["cost_recovery"]
    # A batch_run row is the model's own last quarter.
    direct = DataEconomy(pricing="free", scenario="small", n_firms=120, seed=2).run(3)
    row = df[(df["pricing"] == "free") & (df["seed"] == 2)].iloc[0]
    assert row["welfare"] == direct["welfare"].iloc[-1]


def test_batch_run_iterations_record_the_seed_drawn():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = mesa.batch_run(
            DataEconomy,
            parameters={"scenario": "small", "n_firms": 120},
            iterations=2,
            max_steps=2,
            number_processes=1,
            display_progress=False,
        )
    seeds = pd.DataFrame(rows)["seed"]
    assert seeds.notna().all() and seeds.nunique() == 2
    assert all(isinstance(s, int) for s in seeds)


def test_rng_is_the_seed_under_mesas_name():
    a = DataEconomy(rng=3, scenario="small", n_firms=120).run(2)
    b = DataEconomy(seed=3, scenario="small", n_firms=120).run(2)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ParameterError, match="seed or rng"):
        DataEconomy(seed=3, rng=3, scenario="small")
    with pytest.raises(ParameterError, match="integer seed"):
        DataEconomy(rng=np.random.default_rng(3), scenario="small")


def test_agent_level_data_through_the_public_api():
    model = DataEconomy(scenario="small", n_firms=120, seed=1, collect_agents=True)
    model.run(2)
    firms = model.datacollector.get_agent_vars_dataframe()
    same = model.datacollector.get_agenttype_vars_dataframe(Firm)
    pd.testing.assert_frame_equal(firms, same)
    assert {"data_stock", "sector", "region"} <= set(firms.columns)
    assert set(firms["region"]) <= {"east", "west"}  # mainland firms
    quiet = DataEconomy(scenario="small", n_firms=120, seed=1)
    quiet.run(1)
    with pytest.raises(ValueError, match="collect_agents=True"):
        quiet.datacollector.get_agent_vars_dataframe()
