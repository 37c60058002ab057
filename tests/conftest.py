"""Shared fixtures: small models, run once per session where they are only read."""

from __future__ import annotations

import numba
import pytest

from econ import DataEconomy, Policy, equations, kernels
from econ.experiment import run
from econ.market import Valuation, value_licences
from econ.results import load
from econ.study import spec_path


def _compile_original_equations_under_mutmut() -> None:
    """Let the kernels compile under ``make mutation``.

    mutmut turns each mutated function into a Python trampoline that picks the mutant under
    test, and numba cannot compile one: the kernels compile two equations
    (``kernels._approval_probability``, ``kernels._capability_growth``). Under mutmut they
    compile the original equations instead (kept as ``x_<name>__mutmut_orig``), so the
    mutants of those equations are tested through the numpy references and the equation
    tests, which call them directly. Outside mutmut there is no such original: nothing
    changes.
    """
    for kernel_name, name in (
        ("_approval_probability", "approval_probability"),
        ("_capability_growth", "capability_growth"),
    ):
        original = getattr(equations, f"x_{name}__mutmut_orig", None)
        if original is not None:
            setattr(kernels, kernel_name, numba.njit(original))


_compile_original_equations_under_mutmut()


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
        exchanges=model.exchanges,
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
