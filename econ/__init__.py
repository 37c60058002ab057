"""econ: an agent-based model of a national data market, and the tools around it.

The package re-exports what building and running a model needs; ``econ.__version__`` is
the version (semantic versioning, written once in ``econ/_version.py``).

>>> from econ import DataEconomy, Policy
>>> model = DataEconomy(policy=Policy(pricing="free"), scenario="small", seed=7)
>>> df = model.run(8)
"""

from econ._version import __version__
from econ.metrics import cagr
from econ.model import DataEconomy
from econ.parameters import ParameterError
from econ.policy import LEVERS, Policy, PolicyError
from econ.scenarios import SCENARIOS, Scenario, get_scenario

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
