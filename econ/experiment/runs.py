"""One run of an experiment: its identity (:class:`RunSpec`) and outcome (:class:`RunResult`).

A :class:`RunSpec` carries everything needed to reproduce a run (policy, scenario, changes,
size, quarters, seed) and has a stable id: a hash of those and of the model's source code, so
a changed spec or model re-runs exactly what changed.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import mesa
import pandas as pd

import econ.agents

__all__ = [
    "DEFAULT_MODEL",
    "MODEL_MODULES",
    "RunResult",
    "RunSpec",
    "model_fingerprint",
    "resolve_model",
]

#: The model class an experiment runs unless its spec names another ("module:Class").
DEFAULT_MODEL = "econ.model:DataEconomy"

#: Modules whose source defines the model's behaviour (and every module of econ.agents).
MODEL_MODULES = (
    "econ.model",
    "econ.market",
    "econ.calibration",
    "econ.equations",
    "econ.metrics",
    "econ.categories",
    "econ.seeds",
    "econ.policy",
    "econ.scenarios",
    "econ.parameters",
)


def resolve_model(path: str = DEFAULT_MODEL) -> type[mesa.Model]:
    """The model class named ``"package.module:Class"``; it must be a mesa.Model that takes
    econ's keyword arguments (policy, scenario, n_firms, seed and scenario parameters) and
    whose ``run(quarters)`` returns one row a quarter, as :class:`~econ.DataEconomy` does."""
    module_name, _, class_name = path.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"model {path!r}: expected 'package.module:Class'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ValueError(f"model {path!r}: cannot import {module_name!r} ({err})") from None
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, mesa.Model)):
        raise ValueError(f"model {path!r}: {class_name!r} is not a mesa.Model class there")
    return cls


@cache
def model_fingerprint(model: str = DEFAULT_MODEL) -> str:
    """A hash of the model's source code: runs of a changed model get new ids. For a model
    class of your own, its module's source is hashed with econ's."""
    agents = [f"econ.agents.{m.name}" for m in pkgutil.iter_modules(econ.agents.__path__)]
    names = [*MODEL_MODULES, "econ.agents", *sorted(agents)]
    if model != DEFAULT_MODEL:
        names.append(resolve_model(model).__module__)
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(inspect.getsource(importlib.import_module(name)).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunSpec:
    """Everything that fixes one simulation run."""

    point: int
    replication: int
    seed: int
    scenario: str
    n_firms: int | None
    steps: int
    policy: dict[str, Any]
    params: dict[str, Any]
    factors: dict[str, Any]
    outputs: tuple[str, ...]
    model_class: str = DEFAULT_MODEL
    model: str = ""  # the model's source fingerprint, filled in from model_class
    #: Test-only fault injection (``econ.experiment.runner.FAULTS``); never part of the id,
    #: never set by a spec, and ignored unless it names a known fault.
    _fault: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.model:
            object.__setattr__(self, "model", model_fingerprint(self.model_class))

    @property
    def run_id(self) -> str:
        """Stable id: hash of design point, seed, scenario, size, quarters, the model class
        and its code."""
        key = {
            "policy": self.policy,
            "params": self.params,
            "scenario": self.scenario,
            "n_firms": self.n_firms,
            "steps": self.steps,
            "seed": self.seed,
            "outputs": list(self.outputs),
            "model": self.model,
        }
        if self.model_class != DEFAULT_MODEL:  # econ's own model keeps the ids it had
            key["model_class"] = self.model_class
        blob = json.dumps(key, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:20]


@dataclass
class RunResult:
    """What a worker sends back: status, summary outcomes and the kept time series."""

    run: RunSpec
    status: str  # "ok" or "failed"
    summary: dict[str, float] = field(default_factory=dict)
    series: pd.DataFrame | None = None
    error: str = ""
    traceback: str = ""
    seconds: float = 0.0
    stored: bool = False  # already written to the results folder by the worker
