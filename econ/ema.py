"""EMA Workbench adapter: econ as an EMA ``Model``, for exploratory modelling, scenario
discovery (PRIM) and many-objective robust decision making (``optimize``).

``ema_model()`` builds an :class:`ema_workbench.Model` whose levers and uncertainties come
from econ's own tables: each lever's type and bounds from :data:`~econ.LEVERS`, each
uncertainty's bounds given by the caller (scenario parameters' validation bounds are too
wide to sample). Its outcomes are every reported column as a time series, a ``TIME``
series, and scalar summaries for optimisation. Every experiment runs with the same seed, so
EMA's comparisons between policies are paired. Needs the ``ema`` extra
(``pip install "econ-datamarket[ema]"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from ema_workbench import (
    BooleanParameter,
    CategoricalParameter,
    Constant,
    IntegerParameter,
    Model,
    RealParameter,
    ScalarOutcome,
    TimeSeriesOutcome,
)

from econ.experiment.runner import summarise
from econ.metrics import MODEL_COLUMNS
from econ.model import DataEconomy
from econ.parameters import ParameterError
from econ.policy import LEVERS
from econ.scenarios import SCENARIO_PARAMETERS

__all__ = ["DEFAULT_UNCERTAINTIES", "ema_model", "ema_parameter", "run_econ"]

#: Behavioural parameters and the ranges the sensitivity analysis samples (econ's Sobol spec).
DEFAULT_UNCERTAINTIES = {
    "data_elasticity": (0.04, 0.12),
    "fit_tail_index": (1.0, 1.8),
    "capability_diffusion": (0.03, 0.12),
    "incident_loss_rmb": (10e6, 300e6),
    "trust_collapse_threshold": (0.1, 1.0),
}
#: Scalar outcomes offered for optimisation, with the direction a policy maker wants.
SCALAR_OUTCOMES = {
    "welfare_mean": ScalarOutcome.MAXIMIZE,
    "market_size_cagr": ScalarOutcome.MAXIMIZE,
    "incidents_total": ScalarOutcome.MINIMIZE,
}


def ema_parameter(name: str, bounds: tuple[float, float] | None = None):
    """The EMA parameter of a lever or scenario parameter.

    Categorical for choices, boolean for switches, integer or real within ``bounds``.

    Parameters
    ----------
    name : str
        A lever (:data:`econ.policy.LEVERS`) or scenario parameter.
    bounds : tuple of float or None, default None
        ``(low, high)`` in the parameter's unit; None: its own bounds.

    Returns
    -------
    ema_workbench.Parameter
        A ``CategoricalParameter``, ``BooleanParameter``, ``IntegerParameter`` or
        ``RealParameter`` named ``name``.

    Raises
    ------
    econ.parameters.ParameterError
        If ``name`` is neither a lever nor a scenario parameter, or a bound is out of range.
    """
    spec = LEVERS.get(name) or SCENARIO_PARAMETERS.get(name)
    if spec is None:
        raise ParameterError(f"{name!r} is neither a lever nor a scenario parameter")
    if spec.choices is not None:
        return CategoricalParameter(name, list(spec.choices))
    if spec.kind is bool:
        return BooleanParameter(name)
    low, high = bounds if bounds is not None else (spec.low, spec.high)
    for value in (low, high):
        spec.validate(value, "Policy" if name in LEVERS else "Scenario")
    if spec.kind is int:
        return IntegerParameter(name, int(low), int(high))
    return RealParameter(name, float(low), float(high))


def run_econ(
    scenario: str = "china_2024",
    n_firms: int = 2000,
    quarters: int = 40,
    seed: int = 1,
    outputs: Sequence[str] = MODEL_COLUMNS,
    **values,
) -> dict[str, np.ndarray | float]:
    """One run for EMA: levers and scenario parameters by name.

    Parameters
    ----------
    scenario : str, default "china_2024"
        The scenario.
    n_firms : int, default 2000
        Simulated firm slots.
    quarters : int, default 40
        Quarters to run.
    seed : int, default 1
        The run's seed (the same for every experiment, so policies are compared paired).
    outputs : sequence of str, optional
        Reported columns to return; default the main columns.
    **values : object
        Lever and scenario parameter values by name.

    Returns
    -------
    dict
        Each output's quarterly series (numpy arrays, in the column's unit), ``TIME``
        (quarters 1..n) and the scalar summaries ``welfare_mean`` (RMB per quarter),
        ``market_size_cagr`` (share per year) and ``incidents_total``.
    """
    clean = {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
    model = DataEconomy(scenario=scenario, n_firms=n_firms, seed=seed, **clean)
    df = model.run(quarters)
    out: dict[str, np.ndarray | float] = {c: df[c].to_numpy() for c in outputs}
    out["TIME"] = df.index.to_numpy(dtype=float)
    summary = summarise(df)
    out.update({name: summary[name] for name in SCALAR_OUTCOMES})
    return out


def ema_model(
    levers: Sequence[str] | Mapping[str, tuple[float, float]] = ("pricing", "openness"),
    uncertainties: Mapping[str, tuple[float, float]] | None = None,
    scenario: str = "china_2024",
    n_firms: int = 2000,
    quarters: int = 40,
    seed: int = 1,
    outputs: Sequence[str] = MODEL_COLUMNS,
    name: str = "econ",
) -> Model:
    """econ as an EMA ``Model``.

    Size, quarters and the seed are constants; outcomes are ``TIME``, every output as a time
    series, and scalar summaries with their direction (maximise welfare and growth, minimise
    incidents).

    Parameters
    ----------
    levers : sequence of str or mapping of str to tuple, default ("pricing", "openness")
        The policy levers to search over; a mapping gives numeric ``(low, high)`` bounds.
    uncertainties : mapping of str to tuple or None, default None
        Scenario parameters and their sampling bounds; None: :data:`DEFAULT_UNCERTAINTIES`.
    scenario : str, default "china_2024"
        The scenario.
    n_firms : int, default 2000
        Simulated firm slots.
    quarters : int, default 40
        Quarters each run lasts.
    seed : int, default 1
        The seed every experiment shares.
    outputs : sequence of str, optional
        Reported columns to return as outcomes; default the main columns.
    name : str, default "econ"
        The EMA model's name.

    Returns
    -------
    ema_workbench.Model
        The model, for ``perform_experiments``, PRIM and ``optimize``.

    Raises
    ------
    econ.parameters.ParameterError
        If a lever or uncertainty is not one of econ's.
    """
    bounds = dict(levers) if isinstance(levers, Mapping) else dict.fromkeys(levers)
    for lever in bounds:
        if lever not in LEVERS:
            raise ParameterError(f"levers: {lever!r} is not a lever; see `econ levers`")
    uncertainties = DEFAULT_UNCERTAINTIES if uncertainties is None else dict(uncertainties)
    for parameter in uncertainties:
        if parameter not in SCENARIO_PARAMETERS:
            raise ParameterError(
                f"uncertainties: {parameter!r} is not a scenario parameter; see `econ scenarios`"
            )
    model = Model(name, function=run_econ)
    model.levers = [ema_parameter(n, b) for n, b in bounds.items()]
    model.uncertainties = [ema_parameter(n, b) for n, b in uncertainties.items()]
    model.constants = [
        Constant("scenario", scenario),
        Constant("n_firms", n_firms),
        Constant("quarters", quarters),
        Constant("seed", seed),
        Constant("outputs", tuple(outputs)),
    ]
    model.outcomes = [
        TimeSeriesOutcome("TIME"),
        *(TimeSeriesOutcome(c) for c in outputs),
        *(ScalarOutcome(n, kind=kind) for n, kind in SCALAR_OUTCOMES.items()),
    ]
    return model
