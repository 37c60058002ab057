"""Compute clusters of "East Data, West Computing" (ODD 7.8).

Two clusters, East and West, with capacity in standard racks. Their price rises steeply with
utilisation (E10); the West is cheaper but 20 ms further from eastern demand. Using data
needs compute in proportion to the data used, so compute can bind growth.
"""

from __future__ import annotations

import mesa
from scipy import optimize

from econ import equations as eq

__all__ = ["ComputeCluster"]


class ComputeCluster(mesa.Agent):
    """One regional compute cluster (East or West)."""

    def __init__(
        self,
        model: mesa.Model,
        region: str,
        capacity_racks: float,
        base_load_racks: float,
        price_discount: float,
        growth_per_year: float,
    ) -> None:
        super().__init__(model)
        self.region = region
        self.capacity_racks = capacity_racks
        self.base_load_racks = base_load_racks
        self.data_load_racks = 0.0
        self.price_discount = price_discount
        self.growth_per_year = growth_per_year

    @property
    def utilisation(self) -> float:
        """Load over capacity (can exceed 1 only when demand is rationed)."""
        return (self.base_load_racks + self.data_load_racks) / self.capacity_racks

    @property
    def price_index(self) -> float:
        """Compute price relative to the eastern start-up price (E10)."""
        return self.price_with_load(self.data_load_racks)

    def grow(self) -> None:
        """Capacity and non-data load grow each quarter."""
        self.capacity_racks *= (1 + self.growth_per_year) ** 0.25
        self.base_load_racks *= 1 + self.model.params.base_load_growth

    def price_with_load(self, data_load_racks: float) -> float:
        """Price index this cluster would charge carrying ``data_load_racks`` of data work."""
        p = self.model.params
        u = (self.base_load_racks + data_load_racks) / self.capacity_racks
        return (1 - self.price_discount) * float(
            eq.compute_price(u, p.rack_utilisation, p.compute_price_steepness)
        )

    @staticmethod
    def route(
        east: ComputeCluster, west: ComputeCluster, load: float, latency_cost: float
    ) -> float:
        """Share of data compute sent West (ODD 7.8).

        Work moves West until the western price plus the latency cost equals the eastern
        price (an equilibrium found by bisection); 0 or 1 when one side is cheaper throughout.
        """

        def gap(share: float) -> float:
            west_cost = west.price_with_load(share * load) + latency_cost
            return east.price_with_load((1 - share) * load) - west_cost

        if gap(0.0) <= 0:
            return 0.0
        if gap(1.0) >= 0:
            return 1.0
        return float(optimize.brentq(gap, 0.0, 1.0, xtol=1e-6))
