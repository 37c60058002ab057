"""Private data suppliers: data-rich firms and brokers that sell at prices they set (ODD 7.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq
from econ.agents.base import ArrayAgent, StateTable, state
from econ.scenarios import SECTORS

__all__ = ["PrivateSupplier", "SupplierState"]


@dataclass
class SupplierState(StateTable):
    """Private supplier state, one row per supplier (ODD 2.3)."""

    sector: np.ndarray  # sector its data comes from
    quality: np.ndarray  # multiplier on private_product_size
    price: np.ndarray  # RMB per licence-quarter
    uses: np.ndarray  # licences sold last quarter
    revenue: np.ndarray  # RMB last quarter


class PrivateSupplier(ArrayAgent):
    """A private data supplier; a view onto ``model.supplier_state``."""

    table_name = "supplier_state"

    sector = state("Sector its data comes from.", SECTORS)
    quality = state("Quality multiplier of its product.")
    price = state("Price (RMB per licence-quarter).")
    uses = state("Licences sold last quarter.")
    revenue = state("Revenue last quarter (RMB).")

    @classmethod
    def set_prices(cls, model, willingness_to_pay: np.ndarray) -> None:
        """Each supplier charges the revenue-maximising price of E5 (near-zero marginal cost)."""
        s = model.supplier_state
        target = eq.revenue_maximising_price(willingness_to_pay)
        s.price = eq.adjusted_price(s.price, target, model.params.price_adjustment)
