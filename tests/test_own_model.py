"""A researcher's own model class runs through the engine: specs name it, run ids hash its
source, and the results load and analyse like econ's."""

import textwrap

import pytest

from econ.analysis import effects
from econ.experiment import SpecError, parse_spec, plan_runs, run

MODULE = textwrap.dedent(
    """
    import numpy as np

    from econ import DataEconomy
    from econ.agents import PublicHolders


    class FlooredHolders(PublicHolders):
        def choose_effort(self, policy, scenario, effort_cost, mandate):
            super().choose_effort(policy, scenario, effort_cost, mandate)
            self.table.effort = np.maximum(self.table.effort, 0.9)


    class FlooredEconomy(DataEconomy):
        holders_class = FlooredHolders
    """
)


def _spec(model: str | None) -> dict:
    experiment = {"name": "own", "scenario": "small", "n_firms": 120, "steps": 3,
                  "replications": 2, "seed": 5}  # fmt: skip
    if model is not None:
        experiment["model"] = model
    return {
        "experiment": experiment,
        "design": {"type": "factorial", "factors": {"pricing": ["free", "cost_recovery"]}},
    }


def test_a_spec_runs_your_own_model(tmp_path, monkeypatch):
    (tmp_path / "my_econ.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    own = parse_spec(_spec("my_econ:FlooredEconomy"))
    default = parse_spec(_spec(None))
    assert own.model == "my_econ:FlooredEconomy" and default.model == "econ.model:DataEconomy"
    # Same design and seeds, another model: other run ids.
    assert {r.run_id for r in plan_runs(own)}.isdisjoint(r.run_id for r in plan_runs(default))
    results = run(own, executor="serial", out=tmp_path / "own", progress=False)
    assert results.manifest["model"] == "my_econ:FlooredEconomy"
    assert (results.ok["supply_effort_final"] >= 0.9).all()
    baseline = run(default, executor="serial", out=tmp_path / "base", progress=False)
    assert (baseline.ok["supply_effort_final"] < 0.9).all()
    table = effects(results.ok, {"pricing": "cost_recovery"}, "welfare_mean",
                    factors=results.factors)  # fmt: skip
    assert len(table) == 2


def test_a_model_that_is_not_there_is_named(tmp_path):
    with pytest.raises(SpecError, match=r"\[experiment\] model.*nowhere"):
        parse_spec(_spec("nowhere.at_all:Model"))
    with pytest.raises(SpecError, match=r"\[experiment\] model.*package.module:Class"):
        parse_spec(_spec("DataEconomy"))
    with pytest.raises(SpecError, match=r"not a mesa\.Model"):
        parse_spec(_spec("econ.policy:Policy"))
