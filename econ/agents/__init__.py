"""The model's agents: each kind is a population that owns its state table and behaviour,
and Mesa agents that view one row of it (ODD 2)."""

from econ.agents.compute import ComputeCluster, ComputeClusters, ComputeTable
from econ.agents.exchanges import DataExchanges
from econ.agents.firms import CrossBorderFirm, Firm, Firms, FirmTable
from econ.agents.holders import HolderTable, PublicDataHolder, PublicHolders
from econ.agents.operators import MAX_OPERATORS, AuthorisedOperator, Operators, OperatorTable
from econ.agents.regulator import Regulator
from econ.agents.suppliers import PrivateSupplier, PrivateSuppliers, SupplierTable
from econ.agents.table import Population, Table, TableAgent, column

__all__ = [
    "MAX_OPERATORS",
    "AuthorisedOperator",
    "ComputeCluster",
    "ComputeClusters",
    "ComputeTable",
    "CrossBorderFirm",
    "DataExchanges",
    "Firm",
    "FirmTable",
    "Firms",
    "HolderTable",
    "OperatorTable",
    "Operators",
    "Population",
    "PrivateSupplier",
    "PrivateSuppliers",
    "PublicDataHolder",
    "PublicHolders",
    "Regulator",
    "SupplierTable",
    "Table",
    "TableAgent",
    "column",
]
