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
