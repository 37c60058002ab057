"""The model is a proper Mesa model: agents, AgentSets and the DataCollector work as usual."""

from functools import partial

import mesa
import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy, Policy
from econ.agents import (
    AuthorisedOperator,
    ComputeCluster,
    CrossBorderFirm,
    Firm,
    PrivateSupplier,
    PublicDataHolder,
    Regulator,
)
from econ.metrics import MODEL_COLUMNS


def test_issue_example_runs_and_reports_every_column():
    model = DataEconomy(
        policy=Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True),
        scenario="china_2024",
        n_firms=1000,
        seed=7,
    )
    model.run(40)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 40 and list(df.columns[: len(MODEL_COLUMNS)]) == list(MODEL_COLUMNS)
    assert df.index[0] == 1 and df.index.name == "step"
    assert model.steps == 40
    assert (df["market_size"] > 0).all() and (df["output"] > 0).all()


def test_every_agent_kind_exists(baseline_run):
    kinds = baseline_run.agents_by_type
    p = baseline_run.params
    assert len(kinds[Firm]) + len(kinds[CrossBorderFirm]) == p.n_firms
    assert len(kinds[PublicDataHolder]) == p.n_holders
    assert len(kinds[PrivateSupplier]) == p.n_private_suppliers
    assert len(kinds[AuthorisedOperator]) == 5
    assert len(kinds[Regulator]) == 1 and len(kinds[ComputeCluster]) == 2
    assert {f.region for f in kinds[CrossBorderFirm]} == {"hong_kong", "foreign"}
    assert {f.region for f in kinds[Firm]} == {"east", "west"}


def test_agentset_select_agg_groupby_read_the_arrays(baseline_run):
    firms = baseline_run.agents_by_type[Firm]
    active = firms.select(lambda f: f.active)
    total = active.agg("data_stock", sum)
    s = baseline_run.firms.table
    rows = [f.index for f in active]
    assert total == pytest.approx(s.data_stock[rows].sum())
    by_sector = firms.groupby("sector").count()
    assert sum(by_sector.values()) == len(firms) and "finance" in by_sector


def test_agent_attributes_write_through_to_state(baseline_run):
    model = DataEconomy(scenario="small", seed=3)
    firm = model.agents_by_type[Firm][0]
    firm.data_stock = 42.0
    firm.sector = "health"
    assert model.firms.table.data_stock[firm.index] == 42.0
    assert firm.sector == "health"


def test_agent_level_data_through_the_datacollector(baseline_run):
    firms = baseline_run.datacollector.get_agenttype_vars_dataframe(Firm)
    assert list(firms.index.names) == ["Step", "AgentID"]
    assert set(firms.index.get_level_values("Step")) == set(range(1, 13))
    assert {"sector", "region", "data_stock", "output"} <= set(firms.columns)
    last = firms.xs(12, level="Step")
    agent = baseline_run.agents_by_type[Firm][5]
    assert last.loc[agent.unique_id, "data_stock"] == agent.data_stock
    assert isinstance(last["sector"].iloc[0], str)
    assert np.isfinite(last["output"]).all()


def test_step_and_run_agree():
    a = DataEconomy(scenario="small", seed=4)
    for _ in range(3):
        a.step()
    b = DataEconomy(scenario="small", seed=4)
    pd.testing.assert_frame_equal(a.datacollector.get_model_vars_dataframe(), b.run(3))


def test_collector_fast_path_equals_mesas_collect():
    # EconDataCollector appends the Quarter's numbers without Mesa's deep copies and builds
    # the frame from arrays: the same values and frame as Mesa's own collect and frame.
    fast = DataEconomy(scenario="small", n_firms=200, seed=8)
    slow = DataEconomy(scenario="small", n_firms=200, seed=8)
    slow.datacollector.collect = partial(mesa.DataCollector.collect, slow.datacollector)
    slow.datacollector.get_model_vars_dataframe = lambda: (
        mesa.DataCollector.get_model_vars_dataframe(slow.datacollector)
        .drop(columns="seed")
        .set_axis(pd.RangeIndex(1, 6, name="step"))
    )
    pd.testing.assert_frame_equal(fast.run(5), slow.run(5), check_exact=True)
    assert fast.datacollector.model_vars == slow.datacollector.model_vars
    assert fast.datacollector._collection_steps == slow.datacollector._collection_steps
    # Before any quarter, and with a reporter of another kind, Mesa's own path.
    assert DataEconomy(scenario="small", n_firms=50, seed=1).run(0).empty
    custom = DataEconomy(scenario="small", n_firms=50, seed=1)
    custom.datacollector._new_model_reporter("n", lambda m: [len(m.firms)])
    custom.run(2)
    assert custom.datacollector.model_vars["n"] == [[50], [50]]
