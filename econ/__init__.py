"""econ: an agent-based model of a national data market, and the tools around it.

The package re-exports what building and running a model needs; ``econ.__version__`` is
the version (semantic versioning, written once in ``econ/_version.py``).

>>> from econ import DataEconomy, Policy
>>> model = DataEconomy(policy=Policy(pricing="free"), scenario="small", seed=7)
>>> df = model.run(8)

The re-exports are resolved on first use (PEP 562 module ``__getattr__``), so that
``import econ.cli`` (every ``econ --help``) does not import Mesa, pandas and numba; the
names and what they are do not change. tests/test_layers.py lists this module among the
few allowed to import lazily.
"""

import importlib

from econ._version import __version__

#: Where each re-exported name lives.
_EXPORTS = {
    "cagr": "econ.metrics",
    "DataEconomy": "econ.model",
    "ParameterError": "econ.parameters",
    "LEVERS": "econ.policy",
    "Policy": "econ.policy",
    "PolicyError": "econ.policy",
    "SCENARIOS": "econ.scenarios",
    "Scenario": "econ.scenarios",
    "get_scenario": "econ.scenarios",
}

__all__ = [
    "LEVERS",
    "SCENARIOS",
    "DataEconomy",
    "ParameterError",
    "Policy",
    "PolicyError",
    "Scenario",
    "__version__",
    "cagr",
    "get_scenario",
]


def __getattr__(name: str):
    """A re-exported name, imported from its module on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'econ' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    """The module's names, the lazy re-exports included."""
    return sorted({*globals(), *_EXPORTS})
