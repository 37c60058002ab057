"""Shared fixtures: small models, run once per session where they are only read."""

from __future__ import annotations

import pytest

from econ import DataEconomy, Policy
from econ.experiment import run
from econ.market import Valuation, value_licences
from econ.results import load
from econ.study import spec_path


def small(policy: Policy | None = None, seed: int = 1, **params) -> DataEconomy:
    """A small model for mechanism tests (it keeps each quarter's transaction matrices)."""
    params.setdefault("keep_transactions", True)
    return DataEconomy(policy=policy or Policy(), scenario="small", seed=seed, **params)


def valuation_of(model: DataEconomy) -> Valuation:
    """Value the market from the model's current state, as its step does."""
    return value_licences(
        model.firms.table,
        model.market,
        model.policy,
        model.params,
        value_per_unit=model.firms.value_per_unit(model.params),
        trust=model.trust,
        review_strictness=model.regulator.review_strictness,
        compute_cost_per_unit=model.compute.cost_per_data_unit,
    )


@pytest.fixture(scope="session")
def baseline_run():
    """The small scenario under the default policy, 12 quarters (read-only)."""
    model = small(Policy(operators=2, openness=0.5, hk_bridge=True), collect_agents=True)
    model.run(12)
    return model


QUICK_EXPERIMENTS = (
    "baseline",
    "free_vs_priced",
    "authorised_operation",
    "cross_border",
    "who_trades",
    "sensitivity",
    "screening",
)


@pytest.fixture(scope="session")
def quick_root(tmp_path_factory):
    """Quick runs of every shipped experiment, stored once per test session."""
    root = tmp_path_factory.mktemp("quick_results")
    for name in QUICK_EXPERIMENTS:
        run(
            spec_path(name),
            quick=True,
            executor="processes",
            out=root / f"{name}_quick",
            progress=False,
        )
    return root


@pytest.fixture(scope="session")
def quick(quick_root):
    """The quick results by experiment name."""
    return {name: load(quick_root / f"{name}_quick") for name in QUICK_EXPERIMENTS}
