"""Authorised operators: licensed processors of sensitive public data (ODD 7.5).

An operator turns holders' sensitive data into a data product (privacy computing,
sandboxes). It prices against the demand it faces, competes with the other licensees on the
same data (E6), and then obeys the regulator's cap: a price cap, or a revenue cap of cost plus
reasonable profit with the excess clawed back and future prices cut (E7). It pays fixed and
marginal costs, invests in security, shares revenue with the holders and can lose its licence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq
from econ.agents.base import ArrayAgent, StateTable, state

__all__ = ["AuthorisedOperator", "OperatorState"]

#: Licence slots; Policy.operators licenses the first n of them.
MAX_OPERATORS = 5


@dataclass
class OperatorState(StateTable):
    """Operator state, one row per licence slot (ODD 2.4)."""

    licensed: np.ndarray  # bool: holds a licence now
    relicense_in: np.ndarray  # quarters until a revoked slot is licensed again
    price: np.ndarray  # RMB per licence-quarter, commercial users
    monopoly_price: np.ndarray  # smoothed revenue-maximising price of the shared data (E5)
    price_factor: np.ndarray  # revenue-cap adjustment of price, in (0, 1]
    security: np.ndarray  # security investment level in [0, 1]
    uses: np.ndarray  # licences sold last quarter
    revenue: np.ndarray  # gross revenue last quarter, RMB
    cost: np.ndarray  # operating + security cost last quarter, RMB
    clawback: np.ndarray  # excess revenue clawed back last quarter, RMB
    penalty: np.ndarray  # fines last quarter, RMB
    profit: np.ndarray  # profit last quarter, RMB
    incidents: np.ndarray  # incidents last quarter


class AuthorisedOperator(ArrayAgent):
    """An authorised operator licence slot; a view onto ``model.operator_state``."""

    table_name = "operator_state"

    licensed = state("True while it holds a licence.")
    price = state("Price to commercial users (RMB per licence-quarter).")
    security = state("Security investment level in [0, 1].")
    uses = state("Licences sold last quarter.")
    revenue = state("Gross revenue last quarter (RMB).")
    profit = state("Profit last quarter (RMB).")
    clawback = state("Revenue clawed back last quarter (RMB).")
    incidents = state("Security incidents last quarter.")

    @classmethod
    def set_prices(cls, model, willingness_to_pay: np.ndarray) -> None:
        """Monopoly price on sampled demand (E5), competition (E6), then the cap (ODD 7.5)."""
        o, policy, p = model.operator_state, model.policy, model.params
        n = int(o.licensed.sum())
        mc = p.operator_marginal_cost_rmb
        monopoly = eq.revenue_maximising_price(willingness_to_pay, mc)[0]
        o.monopoly_price = eq.adjusted_price(o.monopoly_price, monopoly, p.price_adjustment)
        price = float(eq.oligopoly_price(o.monopoly_price[0], mc, n))
        if policy.operator_cap == "price":
            price = min(price, policy.price_cap * p.reference_price_rmb)
        o.price = np.where(o.licensed, price, 0.0)
        if policy.operator_cap == "revenue":
            o.price *= o.price_factor
        # Security: quadratic cost against expected fines from audits.
        expected_fine = policy.audit_rate * policy.penalty * o.revenue
        o.security = eq.security_level(expected_fine, model.security_cost)

    @classmethod
    def settle(cls, model) -> None:
        """Costs, revenue share, revenue-cap clawback and profit for the quarter (E7)."""
        o, policy, p = model.operator_state, model.policy, model.params
        security = model.security_cost * o.security**2
        o.cost = (model.operator_fixed_cost + security) * o.licensed + (
            p.operator_marginal_cost_rmb * o.uses
        )
        net = (1.0 - policy.revenue_share) * o.revenue
        if policy.operator_cap == "revenue":
            allowed = eq.allowed_revenue(o.cost, policy.reasonable_profit) * o.licensed
            o.clawback = np.maximum(net - allowed, 0.0)
            # The cap guides the price of the product, not of each licensee: one factor,
            # set from the licensees' combined revenue against their combined allowance, so
            # that the operators do not undercut each other through the cap.
            ratio = eq.revenue_cap_adjustment(net[o.licensed].sum(), allowed.sum())
            o.price_factor = np.clip(o.price_factor * ratio, 0.01, 1.0)
        else:
            o.clawback[:] = 0.0
        o.penalty[:] = 0.0  # the regulator adds this quarter's fines after its audits
        o.profit = np.where(o.licensed, net - o.clawback - o.cost, 0.0)
