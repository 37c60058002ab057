"""Private data suppliers: data-rich firms and brokers that sell at prices they set (ODD 7.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq
from econ import kernels
from econ.agents.table import Population, Table, TableAgent, column
from econ.categories import SECTORS, Sector
from econ.scenarios import Scenario

__all__ = ["PrivateSupplier", "PrivateSuppliers", "SupplierTable"]

#: Log-sd of suppliers' product quality (lognormal around 1).
QUALITY_DISPERSION = 0.3


@dataclass(eq=False)
class SupplierTable(Table):
    """Private supplier state, one row per supplier (ODD 2.3)."""

    sector: np.ndarray = column("Sector its data comes from.", np.int8, SECTORS)
    quality: np.ndarray = column("Quality multiplier of its product size.")
    price: np.ndarray = column("Price (RMB per licence-quarter).")
    price_public_interest: np.ndarray = column("Price to public-interest users (RMB).")
    uses: np.ndarray = column("Licences sold last quarter.")
    revenue: np.ndarray = column("Revenue last quarter (RMB).")


class PrivateSupplier(TableAgent, table=SupplierTable):
    """A private data supplier: a view onto one row of the supplier table."""


class PrivateSuppliers(Population):
    """All private data suppliers.

    Parameters
    ----------
    table : SupplierTable
        The suppliers' state, one row per supplier.
    """

    agent_class = PrivateSupplier

    @classmethod
    def draw(cls, scenario: Scenario, rng: np.random.Generator) -> PrivateSuppliers:
        """Suppliers at start: a random sector and a lognormal quality each.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).

        Returns
        -------
        PrivateSuppliers
            ``scenario.n_private_suppliers`` suppliers.
        """
        m = scenario.n_private_suppliers
        sector = rng.integers(len(Sector), size=m).astype(np.int8)
        quality = rng.lognormal(0.0, QUALITY_DISPERSION, size=m)
        return cls(SupplierTable.zeros(m, sector=sector, quality=quality))

    def product_size(self, scenario: Scenario, quarters: int) -> np.ndarray:
        """Data units one licence of each supplier's product adds: the scenario's size, the
        supplier's quality and the growth of data production since the initial economy
        (E29).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        quarters : int
            Quarters since the initial economy (0 at its start).

        Returns
        -------
        numpy.ndarray
            Data units per licence, one per supplier.
        """
        growth = eq.supply_index(scenario.private_supply_growth, quarters)
        return scenario.private_product_size * growth * self.table.quality

    def set_prices(self, scenario: Scenario, wtp: np.ndarray) -> None:
        """The revenue-maximising price of E5 (near-zero marginal cost), adjusted by E5b.

        The same price for every user.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        wtp : numpy.ndarray or econ.kernels.GroupedDemand
            Sampled firms' willingness to pay for each supplier's product (RMB per licence),
            sampled firms x suppliers, or the same grouped by product (what the model passes).
        """
        s = self.table
        target = kernels.revenue_maximising_price(wtp)
        # E5b (eq.adjusted_price) in place, the same price to public-interest users.
        kernels.adjust_prices(s.price, target, scenario.price_adjustment, s.price_public_interest)

    def receive(self, uses: np.ndarray, revenue: np.ndarray) -> None:
        """Record the quarter's sales.

        Parameters
        ----------
        uses : numpy.ndarray
            Licences sold by each supplier.
        revenue : numpy.ndarray
            Revenue of each supplier (RMB).
        """
        self.table.uses, self.table.revenue = uses, revenue
