"""Public data holders: government bodies that open data and hold sensitive data (ODD 7.4).

Each holder runs one open-data product (an aggregate of its open datasets) and contributes
its sensitive data to authorised operators. Its supply effort responds to incentives: the
mandate, the revenue it keeps (fees and operators' revenue share) and, with registration and
disclosure, the visible use of its data. With no revenue and no visibility, effort decays to
what the mandate alone sustains: "insufficient motivation to supply".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq
from econ import kernels
from econ.agents.table import Population, Table, TableAgent, column
from econ.categories import SECTORS, Sector
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = [
    "HolderTable",
    "PublicDataHolder",
    "PublicHolders",
    "public_fees",
    "reference_effort",
]

#: Effort below which holders read revenue per unit effort at this floor (avoids 0/0).
MIN_EFFORT_FOR_RATES = 0.05


def reference_effort(scenario: Scenario) -> float:
    """e0 of E12 and E13: the initial effort, read at least at ``MIN_EFFORT_FOR_RATES``.

    An initial effort of 0 would leave nothing to measure quality and release against.

    Parameters
    ----------
    scenario : Scenario
        The scenario's parameters (its ``initial_effort``).

    Returns
    -------
    float
        The reference effort e0, in [``MIN_EFFORT_FOR_RATES``, 1] (a share of full effort).
    """
    return max(scenario.initial_effort, MIN_EFFORT_FOR_RATES)


@dataclass(eq=False)
class HolderTable(Table):
    """Holder state, one row per holder (ODD 2.2)."""

    sector: np.ndarray = column("Sector its data is most relevant to.", np.int8, SECTORS)
    effort: np.ndarray = column("Supply effort e in [0, 1].")
    datasets: np.ndarray = column("Open datasets released and still fresh.")
    price: np.ndarray = column("Fee for commercial users (RMB per licence-quarter).")
    price_public_interest: np.ndarray = column("Fee for public-interest users (RMB).")
    uses: np.ndarray = column("Licences of its open product last quarter (simulated).")
    fee_revenue: np.ndarray = column("Fees collected last quarter (RMB).")
    share_revenue: np.ndarray = column("Operators' revenue share received last quarter (RMB).")
    supply_cost: np.ndarray = column("Cost of its supply effort last quarter, c e^2 / 2 (RMB).")


class PublicDataHolder(TableAgent, table=HolderTable):
    """A public data holder (a local open-data platform): a view onto one row."""


def public_fees(policy: Policy, scenario: Scenario) -> tuple[float, float] | None:
    """Fees of open data under a fixed-price regime (ODD 7.3).

    Parameters
    ----------
    policy : Policy
        The policy in force.
    scenario : Scenario
        The scenario's parameters.

    Returns
    -------
    tuple of float or None
        (commercial fee, public-interest fee), RMB per licence-quarter; None under ``market``
        pricing, where each holder sets its own (E5).
    """
    fee = policy.price_level * scenario.reference_price_rmb
    return {
        "free": (0.0, 0.0),
        "conditional_free": (fee, 0.0),
        "cost_recovery": (fee, fee),
    }.get(policy.pricing)


class PublicHolders(Population):
    """All public data holders (ODD 7.4).

    Parameters
    ----------
    table : HolderTable
        The holders' state, one row per holder.
    """

    agent_class = PublicDataHolder

    @classmethod
    def draw(cls, scenario: Scenario, rng: np.random.Generator) -> PublicHolders:
        """Holders at start: a random sector each, initial effort and datasets.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).

        Returns
        -------
        PublicHolders
            ``scenario.n_holders`` holders.
        """
        h = scenario.n_holders
        table = HolderTable.zeros(
            h,
            sector=rng.integers(len(Sector), size=h).astype(np.int8),
            effort=np.full(h, scenario.initial_effort),
            datasets=np.full(h, scenario.open_datasets / h),
        )
        return cls(table)

    def choose_effort(
        self, policy: Policy, scenario: Scenario, effort_cost: float, mandate: float
    ) -> None:
        """Move effort toward the optimum of E8 and release datasets (E12); record supply cost.

        With ``supply_responds`` off, effort stays where it is. One compiled pass over the
        holders (:func:`econ.kernels.choose_effort`); :meth:`choose_effort_reference` is the
        numpy reference.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        effort_cost : float
            ``c``, the cost scale of effort (RMB per quarter).
        mandate : float
            ``m``, the value of the baseline mandate per unit effort (RMB per quarter).
        """
        h, p = self.table, scenario
        initial_datasets = p.open_datasets / p.n_holders
        kernels.choose_effort(
            h.effort, h.datasets, h.supply_cost, h.fee_revenue, h.share_revenue, h.uses,
            bool(p.supply_responds), p.fee_retention, MIN_EFFORT_FOR_RATES,
            bool(policy.registration), p.visibility_value_share * p.reference_price_rmb,
            mandate, effort_cost, p.effort_adjustment, p.dataset_staleness,
            p.dataset_staleness * initial_datasets / reference_effort(p),
        )  # fmt: skip

    def choose_effort_reference(
        self, policy: Policy, scenario: Scenario, effort_cost: float, mandate: float
    ) -> None:
        """:meth:`choose_effort` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        effort_cost : float
            ``c``, the cost scale of effort (RMB per quarter).
        mandate : float
            ``m``, the value of the baseline mandate per unit effort (RMB per quarter).
        """
        h, p = self.table, scenario
        if p.supply_responds:
            kept = p.fee_retention * h.fee_revenue + h.share_revenue
            effort = np.maximum(h.effort, MIN_EFFORT_FOR_RATES)
            visible_uses = h.uses if policy.registration else 0.0
            value_per_use = p.visibility_value_share * p.reference_price_rmb
            target = eq.effort_optimum(
                mandate, kept / effort, value_per_use * visible_uses / effort, effort_cost
            )
            h.effort += p.effort_adjustment * (target - h.effort)
        initial_datasets = p.open_datasets / p.n_holders
        release = p.dataset_staleness * initial_datasets / reference_effort(p)
        h.datasets = eq.fresh_datasets(h.datasets, h.effort, release, p.dataset_staleness)
        h.supply_cost = effort_cost * h.effort**2 / 2

    def product_size(self, scenario: Scenario) -> np.ndarray:
        """Data units one licence of each holder's open product adds (E13).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.

        Returns
        -------
        numpy.ndarray
            Data units per licence, one per holder.
        """
        return self._supply(scenario)[0]

    def _supply(self, scenario: Scenario) -> tuple[np.ndarray, float]:
        """E13's product sizes and the sensitive quality, in one compiled pass (the same
        steps as eq.public_product_size and the quality's numpy mean)."""
        h, p = self.table, scenario
        return kernels.holder_supply(
            h.datasets,
            h.effort,
            p.public_product_size,
            p.reference_datasets_per_holder,
            reference_effort(p),
        )

    def sensitive_quality(self, scenario: Scenario) -> float:
        """Quality of the sensitive data holders supply to operators: mean(0.5 + 0.5 e/e0).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.

        Returns
        -------
        float
            Quality relative to start-up (1 at the initial effort).
        """
        return self._supply(scenario)[1]

    def set_prices(self, policy: Policy, scenario: Scenario, wtp: np.ndarray) -> None:
        """Fees under the pricing regime (ODD 7.3).

        ``market`` pricing uses E5 on sampled demand with partial adjustment E5b.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        wtp : numpy.ndarray or econ.kernels.GroupedDemand
            Sampled firms' willingness to pay for each holder's product (RMB per licence),
            sampled firms x holders, or the same grouped by product (what the model passes).
        """
        h = self.table
        fees = public_fees(policy, scenario)
        if fees is not None:
            h.price, h.price_public_interest = fees
        else:
            target = kernels.revenue_maximising_price(wtp)
            # E5b (eq.adjusted_price) in place, the same price to public-interest users.
            kernels.adjust_prices(
                h.price, target, scenario.price_adjustment, h.price_public_interest
            )

    def receive(self, uses: np.ndarray, fees: np.ndarray, shared_revenue: float) -> None:
        """Record the quarter's uses and fees, and split operators' revenue share by effort.

        Parameters
        ----------
        uses : numpy.ndarray
            Licences of each holder's product (simulated economy).
        fees : numpy.ndarray
            Fees collected by each holder (RMB).
        shared_revenue : float
            Operators' revenue share paid to holders this quarter (RMB).
        """
        h = self.table
        h.uses, h.fee_revenue = uses, fees
        h.share_revenue = shared_revenue * h.effort / max(h.effort.sum(), 1e-12)
