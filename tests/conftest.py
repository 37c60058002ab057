"""Shared fixtures: small models, run once per session where they are only read."""

from __future__ import annotations

import pytest

from econ import DataEconomy, Policy


def small(policy: Policy | None = None, seed: int = 1, **params) -> DataEconomy:
    """A small model for mechanism tests."""
    return DataEconomy(policy=policy or Policy(), scenario="small", seed=seed, **params)


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
    from pathlib import Path

    from econ.experiment import run

    root = tmp_path_factory.mktemp("quick_results")
    experiments = Path(__file__).parents[1] / "experiments"
    for name in QUICK_EXPERIMENTS:
        run(
            experiments / f"{name}.toml",
            quick=True,
            executor="processes",
            out=root / f"{name}_quick",
            progress=False,
        )
    return root


@pytest.fixture(scope="session")
def quick(quick_root):
    """The quick results by experiment name."""
    from econ.results import load

    return {name: load(quick_root / f"{name}_quick") for name in QUICK_EXPERIMENTS}
