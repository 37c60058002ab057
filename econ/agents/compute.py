"""Compute clusters of "East Data, West Computing" (ODD 7.8).

Two clusters, East and West, with capacity in standard racks. Their price rises steeply with
utilisation (E10); the West is cheaper but 20 ms further from eastern demand. Using data
needs compute in proportion to the data used, so compute can bind growth. Partners abroad
(the US, Europe and Japan) hold more compute than China; as far as openness and export
controls allow, work goes to them when the domestic price rises above theirs (E30, E31).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from econ import equations as eq
from econ import kernels
from econ.agents.table import Population, Table, TableAgent, column
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["ComputeCluster", "ComputeClusters", "ComputeTable", "latency_cost"]

EAST, WEST = 0, 1


def latency_cost(policy: Policy, scenario: Scenario) -> float:
    """Cost of western compute's extra latency, as a share of the eastern price (ODD 7.8).

    Parameters
    ----------
    policy : Policy
        The policy in force.
    scenario : Scenario
        The scenario's parameters.

    Returns
    -------
    float
        The latency cost as a share of the eastern compute price (0 with a perfect east-west
        network).
    """
    network = 1 - policy.east_west_network
    return scenario.latency_cost_share * network * scenario.latency_ms / 20.0


@dataclass(eq=False)
class ComputeTable(Table):
    """Compute clusters, one row each: East, then West (ODD 2.6)."""

    region: np.ndarray = column("Cluster.", np.int8, ("east", "west"))
    capacity_racks: np.ndarray = column("Capacity (standard racks).")
    base_load_racks: np.ndarray = column("Load not from data products (racks).")
    data_load_racks: np.ndarray = column("Load from data products (racks).")
    price_discount: np.ndarray = column("Price discount against the East, in [0, 1].")


class ComputeCluster(TableAgent, table=ComputeTable):
    """One regional compute cluster: a view onto one row of the compute table."""


class ComputeClusters(Population):
    """The eastern and western clusters (ODD 7.8).

    Parameters
    ----------
    table : ComputeTable
        The clusters' state, East then West.
    """

    agent_class = ComputeCluster

    def __init__(self, table: ComputeTable) -> None:
        super().__init__(table)
        self.west_share = 0.0  # share of data work routed West last quarter
        self.cost_per_data_unit = 0.0  # compute cost firms plan with, RMB per data unit
        self.abroad_load_racks = 0.0  # racks of data work served abroad last quarter (E31)

    @classmethod
    def build(cls, scenario: Scenario) -> ComputeClusters:
        """Capacity and non-data load at start, from the racks in use (article figures).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.

        Returns
        -------
        ComputeClusters
            The two clusters.
        """
        p = scenario
        share = np.array([p.east_rack_share, 1 - p.east_rack_share])
        used = p.racks * p.rack_utilisation
        table = ComputeTable.zeros(
            2,
            region=np.array([EAST, WEST], dtype=np.int8),
            capacity_racks=p.racks * share,
            base_load_racks=(1 - p.data_compute_share) * used * share,
            price_discount=np.array([0.0, p.west_price_discount]),
        )
        return cls(table)

    def utilisation(self) -> float:
        """Load over capacity of both clusters together.

        Returns
        -------
        float
            Utilisation of all racks, in [0, 1] unless demand exceeds capacity.
        """
        c = self.table
        return float((c.base_load_racks + c.data_load_racks).sum() / c.capacity_racks.sum())

    def abroad_share(self) -> float:
        """Share of last quarter's served data work that ran abroad (E31).

        Returns
        -------
        float
            In [0, 1]; 0 with no data work.
        """
        total = self.abroad_load_racks + float(self.table.data_load_racks.sum())
        return self.abroad_load_racks / total if total > 0 else 0.0

    def price_index(self, scenario: Scenario, data_load: np.ndarray | None = None) -> np.ndarray:
        """Each cluster's price relative to the eastern start-up price (E10).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        data_load : numpy.ndarray or sequence of float or None, default None
            Racks of data work each cluster carries; None: its current data load.

        Returns
        -------
        numpy.ndarray
            Price index of East and West (1 is the eastern start-up price), after the West's
            discount.
        """
        c = self.table
        load = c.data_load_racks if data_load is None else data_load
        return np.array(self._prices(scenario, load))

    def _prices(self, scenario: Scenario, load: np.ndarray | tuple[float, float]) -> list[float]:
        """:meth:`price_index` as plain floats (what routing's bisection reads)."""
        c = self.table
        # E10's utilisation and ratio in one compiled call (two clusters: each numpy call on
        # two elements costs more than its arithmetic; the same IEEE operations). E10's
        # power stays on a numpy array: numpy's vectorised power can differ from a scalar one.
        east_load, west_load = load
        ratio = kernels.price_ratios(
            c.base_load_racks, float(east_load), float(west_load), c.capacity_racks,
            scenario.rack_utilisation,
        )  # fmt: skip
        price = (ratio**scenario.compute_price_steepness).tolist()
        return [(1 - d) * x for d, x in zip(c.price_discount.tolist(), price, strict=True)]

    def route(
        self, scenario: Scenario, load: float, latency: float, abroad_racks: float = 0.0
    ) -> tuple[float, float]:
        """Split ``load`` racks of data work between East, West and partners abroad, and serve it.

        Work moves West until the western price plus the latency cost equals the eastern
        price (bisection); 0 or 1 when one side is cheaper throughout. When that leaves the
        marginal domestic price above ``foreign_compute_price``, or demand rationed, work goes
        abroad until the domestic price falls to it (E30), up to ``abroad_racks`` (E31). Each
        cluster serves at most its free capacity; ``served`` < 1 when demand is rationed.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        load : float
            Racks of data work demanded this quarter.
        latency : float
            The latency cost (:func:`latency_cost`), a share of the eastern price.
        abroad_racks : float, default 0.0
            Racks abroad open to China's data work this quarter (E31).

        Returns
        -------
        west_share : float
            Share of the domestic work routed West, in [0, 1].
        served : float
            Share of the work the clusters, at home and abroad, can serve, in [0, 1].
        """
        self.abroad_load_racks = 0.0
        west_share, served = self._route_at_home(scenario, load, latency)
        if abroad_racks <= 0 or load <= 0:
            return west_share, served
        east, west = self._prices(scenario, self.table.data_load_racks)
        marginal = east if west_share < 1 else west + latency
        if marginal <= scenario.foreign_compute_price and served >= 1:
            return west_share, served
        abroad = min(abroad_racks, max(load - self._load_at_price(scenario, latency), 0.0))
        if abroad <= 0:
            return west_share, served
        self.abroad_load_racks = abroad
        west_share, served_at_home = self._route_at_home(scenario, load - abroad, latency)
        return west_share, ((load - abroad) * served_at_home + abroad) / load

    def _load_at_price(self, scenario: Scenario, latency: float) -> float:
        """Domestic racks of data work at which the price firms pay is ``foreign_compute_price``
        in each cluster that takes work at it (E30, the West's latency cost included)."""
        c, price = self.table, scenario.foreign_compute_price
        # Each cluster's own price index before its discount: E10's ratio term.
        raw = [price / (1 - c.price_discount[EAST]), 0.0]
        west_pays = 1 - c.price_discount[WEST]
        raw[WEST] = (price - latency) / west_pays if west_pays > 0 else np.inf
        u = eq.utilisation_at_price(
            np.array(raw), scenario.rack_utilisation, scenario.compute_price_steepness
        )
        u[np.isinf(raw)] = 0.95  # a free West takes all it can hold
        room = np.maximum(c.capacity_racks - c.base_load_racks, 0.0)
        return float(np.clip(u * c.capacity_racks - c.base_load_racks, 0.0, room).sum())

    def _route_at_home(
        self, scenario: Scenario, load: float, latency: float
    ) -> tuple[float, float]:
        """:meth:`route` between East and West alone: the West's share and the share served."""

        def gap(share: float) -> float:
            east, west = self._prices(scenario, ((1 - share) * load, share * load))
            return east - (west + latency)

        c = self.table
        if c.capacity_racks[WEST] <= 0:  # one region has every rack: no choice to make
            west_share = 0.0
        elif c.capacity_racks[EAST] <= 0:
            west_share = 1.0
        elif gap(0.0) <= 0:
            west_share = 0.0
        elif gap(1.0) >= 0:
            west_share = 1.0
        else:
            west_share = float(optimize.brentq(gap, 0.0, 1.0, xtol=1e-6))
        self.west_share = west_share
        want = np.array([(1 - west_share) * load, west_share * load])
        room = np.maximum(c.capacity_racks - c.base_load_racks, 0.0)
        c.data_load_racks = np.minimum(want, room)
        short = want > room
        served = float(np.min(room[short] / want[short])) if short.any() else 1.0
        return west_share, served

    def update_cost(
        self, scenario: Scenario, start_cost: float, start_index: float, latency: float
    ) -> None:
        """Move the cost firms plan with toward last quarter's price.

        The price is E10's, smoothed by E5b's ``price_adjustment``.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        start_cost : float
            Compute cost per data unit at start-up (RMB per data unit).
        start_index : float
            The blended price index at start-up.
        latency : float
            The latency cost, a share of the eastern price.
        """
        # The price index is relative to the eastern start-up price; if compute started free
        # (all work in a free West: west_price_discount 1), it is read against that price.
        start = start_index if start_index > 0 else 1.0
        target = start_cost * self.blended_price(scenario, self.west_share, latency) / start
        self.cost_per_data_unit += scenario.price_adjustment * (target - self.cost_per_data_unit)

    def blended_price(self, scenario: Scenario, west_share: float, latency: float) -> float:
        """Price of compute for data work, blending East and West as routed.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        west_share : float
            Share of the work routed West.
        latency : float
            The latency cost, a share of the eastern price.

        Returns
        -------
        float
            The blended price index (1 is the eastern start-up price).
        """
        east, west = self._prices(scenario, self.table.data_load_racks)  # plain floats
        at_home = float((1 - west_share) * east + west_share * (west + latency))
        if self.abroad_load_racks <= 0:
            return at_home
        abroad = self.abroad_share()
        return (1 - abroad) * at_home + abroad * scenario.foreign_compute_price

    def grow(self, policy: Policy, scenario: Scenario) -> None:
        """Capacity grows at the policy's yearly rates; non-data load at the scenario's.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        """
        c = self.table
        growth = np.array([policy.compute_growth_east, policy.compute_growth_west])
        c.capacity_racks = c.capacity_racks * (1 + growth) ** 0.25
        c.base_load_racks = c.base_load_racks * (1 + scenario.base_load_growth)
