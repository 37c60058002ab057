"""One run of an experiment: its identity and its outcome.

A run is named by a :class:`RunSpec` and comes back as a :class:`RunResult`.

A :class:`RunSpec` carries everything needed to reproduce a run (policy, scenario, changes,
size, quarters, seed) and has a stable id: a hash of those and of the model's code (its
source without docstrings and comments), so a changed spec or model re-runs exactly what
changed, and a documentation edit re-runs nothing.
"""

from __future__ import annotations

import ast
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
    "code_of",
    "model_fingerprint",
    "resolve_model",
]

#: The model class an experiment runs unless its spec names another ("module:Class").
DEFAULT_MODEL = "econ.model:DataEconomy"

#: Modules whose source defines the model's behaviour (and every module of econ.agents).
MODEL_MODULES = (
    "econ.model",
    "econ.market",
    "econ.kernels",
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
    """The model class named ``"package.module:Class"``.

    It must be a mesa.Model that takes econ's keyword arguments (policy, scenario, n_firms,
    seed and scenario parameters) and whose ``run(quarters)`` returns one row a quarter, as
    :class:`~econ.model.DataEconomy` does.

    Parameters
    ----------
    path : str, default "econ.model:DataEconomy"
        ``"package.module:Class"``.

    Returns
    -------
    type
        The class.

    Raises
    ------
    ValueError
        If ``path`` is malformed, its module cannot be imported or it names no mesa.Model
        class.
    """
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


def code_of(source: str) -> str:
    """The code of a module's source without its docstrings and comments.

    Editing documentation leaves this unchanged, so the model's fingerprint, and with it
    every run id, changes only when the model's code does.

    Parameters
    ----------
    source : str
        A module's Python source.

    Returns
    -------
    str
        A canonical dump of its syntax tree, docstrings removed.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


@cache
def model_fingerprint(model: str = DEFAULT_MODEL) -> str:
    """A hash of the model's code: runs of a changed model get new ids.

    Docstrings and comments do not count (:func:`code_of`). For a model class of your own,
    its module's code is hashed with econ's.

    Parameters
    ----------
    model : str, default "econ.model:DataEconomy"
        The model class, ``"package.module:Class"``.

    Returns
    -------
    str
        16 hex digits of the SHA-256 of the code of :data:`MODEL_MODULES`, every module of
        :mod:`econ.agents` and the model class's module.
    """
    agents = [f"econ.agents.{m.name}" for m in pkgutil.iter_modules(econ.agents.__path__)]
    names = [*MODEL_MODULES, "econ.agents", *sorted(agents)]
    if model != DEFAULT_MODEL:
        names.append(resolve_model(model).__module__)
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(code_of(inspect.getsource(importlib.import_module(name))).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunSpec:
    """Everything that fixes one simulation run.

    Parameters
    ----------
    point : int
        The design point's number (a row of :func:`~econ.experiment.designs.design_points`).
    replication : int
        The replication's number; replication r of every point shares a seed.
    seed : int
        The run's seed.
    scenario : str
        The scenario's name.
    n_firms : int or None
        Firm slots; None keeps the scenario's.
    steps : int
        Quarters to run.
    policy : dict
        Lever values (the spec's fixed levers and this point's varied ones).
    params : dict
        Scenario parameter values, likewise.
    factors : dict
        This point's value of each varied factor.
    outputs : tuple of str
        The reported columns to keep.
    model_class : str, optional
        The model class, ``"package.module:Class"``; default :data:`DEFAULT_MODEL`.
    model : str, optional
        The model's code fingerprint; default :func:`model_fingerprint` of ``model_class``.
    _fault : str, optional
        Test-only: a fault the run injects into itself, one of
        :data:`~econ.experiment.runner.FAULTS` (default ``""``: none). Never part of the
        run's id, never set by a spec, and ignored unless it names a known fault.
    """

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
    """What a worker sends back: status, summary outcomes and the kept time series.

    Parameters
    ----------
    run : RunSpec
        The run.
    status : {"ok", "failed"}
        Whether it finished.
    summary : dict of str to float, optional
        Summary outcomes (:func:`~econ.experiment.runner.summarise`).
    series : pandas.DataFrame or None, optional
        The kept columns, one row per quarter; None once the worker stored them.
    error : str, optional
        The exception of a failed run, in one line.
    traceback : str, optional
        Its traceback.
    seconds : float, optional
        Wall time of the run (s).
    stored : bool, optional
        True when the worker already wrote the run to the results folder.
    """

    run: RunSpec
    status: str  # "ok" or "failed"
    summary: dict[str, float] = field(default_factory=dict)
    series: pd.DataFrame | None = None
    error: str = ""
    traceback: str = ""
    seconds: float = 0.0
    stored: bool = False  # already written to the results folder by the worker
