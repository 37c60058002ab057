"""The model's agents, one module per kind (ODD 2)."""

from econ.agents.compute import ComputeCluster
from econ.agents.firm import CrossBorderFirm, Firm
from econ.agents.holder import PublicDataHolder
from econ.agents.operator import AuthorisedOperator
from econ.agents.regulator import Regulator
from econ.agents.supplier import PrivateSupplier

__all__ = [
    "AuthorisedOperator",
    "ComputeCluster",
    "CrossBorderFirm",
    "Firm",
    "PrivateSupplier",
    "PublicDataHolder",
    "Regulator",
]
