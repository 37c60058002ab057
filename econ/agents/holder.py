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
from econ.agents.base import ArrayAgent, StateTable, state
from econ.scenarios import SECTORS

__all__ = ["HolderState", "PublicDataHolder"]


@dataclass
class HolderState(StateTable):
    """Holder state, one row per holder (ODD 2.2)."""

    sector: np.ndarray  # sector its data is most relevant to
    effort: np.ndarray  # supply effort e in [0, 1]
    datasets: np.ndarray  # open datasets released and still fresh
    price: np.ndarray  # fee for commercial users, RMB per licence-quarter
    price_public_interest: np.ndarray  # fee for public-interest users
    uses: np.ndarray  # licences of its open product last quarter (simulated)
    fee_revenue: np.ndarray  # fees collected last quarter, RMB
    share_revenue: np.ndarray  # operators' revenue share received last quarter, RMB
    supply_cost: np.ndarray  # c e^2 / 2 last quarter, RMB


class PublicDataHolder(ArrayAgent):
    """A public data holder (a local open-data platform); a view onto ``model.holder_state``."""

    table_name = "holder_state"

    sector = state("Sector its data is most relevant to.", SECTORS)
    effort = state("Supply effort in [0, 1].")
    datasets = state("Open datasets available.")
    price = state("Fee for commercial users (RMB per licence-quarter).")
    price_public_interest = state("Fee for public-interest users (RMB per licence-quarter).")
    uses = state("Licences of its open data last quarter.")
    fee_revenue = state("Fees collected last quarter (RMB).")
    share_revenue = state("Revenue share from operators last quarter (RMB).")
    supply_cost = state("Cost of its supply effort last quarter (RMB).")

    @classmethod
    def choose_effort(cls, model) -> None:
        """Move effort toward the optimum of E8 and release datasets (ODD 7.4)."""
        h, p, policy = model.holder_state, model.params, model.policy
        if p.supply_responds:
            kept = p.fee_retention * h.fee_revenue + h.share_revenue
            effort = np.maximum(h.effort, 0.05)
            visible_uses = h.uses if policy.registration else 0.0
            value_per_use = p.visibility_value_share * p.reference_price_rmb
            target = eq.effort_optimum(
                model.holder_mandate,
                kept / effort,
                value_per_use * visible_uses / effort,
                model.holder_effort_cost,
            )
            h.effort += p.effort_adjustment * (target - h.effort)
        release = p.dataset_staleness * model.datasets_per_holder / p.initial_effort
        h.datasets = eq.fresh_datasets(h.datasets, h.effort, release, p.dataset_staleness)
        h.supply_cost = model.holder_effort_cost * h.effort**2 / 2

    @classmethod
    def product_size(cls, model) -> np.ndarray:
        """Data units one licence of each holder's open product adds (E13)."""
        h, p = model.holder_state, model.params
        return eq.public_product_size(
            p.public_product_size,
            h.datasets,
            model.datasets_per_holder,
            h.effort,
            p.initial_effort,
        )

    @classmethod
    def set_prices(cls, model, willingness_to_pay: np.ndarray) -> None:
        """Fees under the pricing regime (ODD 7.3); ``market`` uses E5 on sampled demand."""
        h, policy, p = model.holder_state, model.policy, model.params
        fee = policy.price_level * p.reference_price_rmb
        if policy.pricing == "free":
            h.price[:] = 0.0
            h.price_public_interest[:] = 0.0
        elif policy.pricing == "conditional_free":
            h.price[:] = fee
            h.price_public_interest[:] = 0.0
        elif policy.pricing == "cost_recovery":
            h.price[:] = fee
            h.price_public_interest[:] = fee
        else:  # market
            target = eq.revenue_maximising_price(willingness_to_pay)
            h.price = eq.adjusted_price(h.price, target, p.price_adjustment)
            h.price_public_interest[:] = h.price
