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
from econ import kernels
from econ.agents.table import Population, Table, TableAgent, column
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["MAX_OPERATORS", "AuthorisedOperator", "OperatorTable", "Operators", "audit_probability"]

#: Licence slots; Policy.operators licenses the first n of them.
MAX_OPERATORS = 5
#: Lowest revenue-cap price factor (E7b): the price never falls below 1% of uncapped.
MIN_PRICE_FACTOR = 0.01


@dataclass(eq=False)
class OperatorTable(Table):
    """Operator state, one row per licence slot (ODD 2.4)."""

    licensed: np.ndarray = column("True while the slot holds a licence.", bool)
    relicense_in: np.ndarray = column("Quarters until a revoked slot is licensed again.", int)
    price: np.ndarray = column("Price to commercial users (RMB per licence-quarter).")
    price_public_interest: np.ndarray = column("Price to public-interest users (RMB).")
    monopoly_price: np.ndarray = column("Smoothed revenue-maximising price of the data (E5).")
    price_factor: np.ndarray = column("Revenue-cap adjustment of price, in (0, 1].")
    security: np.ndarray = column("Security investment level z in [0, 1].")
    uses: np.ndarray = column("Licences sold last quarter.")
    revenue: np.ndarray = column("Gross revenue last quarter (RMB).")
    cost: np.ndarray = column("Operating and security cost last quarter (RMB).")
    clawback: np.ndarray = column("Excess revenue clawed back last quarter (RMB).")
    penalty: np.ndarray = column("Fines last quarter (RMB).")
    profit: np.ndarray = column("Profit last quarter (RMB).")
    incidents: np.ndarray = column("Security incidents last quarter.", int)


class AuthorisedOperator(TableAgent, table=OperatorTable):
    """An authorised-operation licence slot: a view onto one row of the operator table."""


class Operators(Population):
    """The licence slots of authorised operation (ODD 7.5).

    Parameters
    ----------
    table : OperatorTable
        The slots' state, one row per slot.
    """

    agent_class = AuthorisedOperator

    @classmethod
    def license(cls, policy: Policy, scenario: Scenario) -> Operators:
        """Five slots, the first ``policy.operators`` of them licensed.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters (``intrinsic_security``).

        Returns
        -------
        Operators
            :data:`MAX_OPERATORS` slots at intrinsic security.
        """
        o = MAX_OPERATORS
        return cls(
            OperatorTable.zeros(
                o,
                licensed=np.arange(o) < policy.operators,
                price_factor=np.ones(o),
                security=np.full(o, scenario.intrinsic_security),
            )
        )

    def set_prices(
        self, policy: Policy, scenario: Scenario, security_cost: float, best_wtp: np.ndarray
    ) -> None:
        """Set prices and security for the quarter.

        The monopoly price on sampled demand (E5, E5b), competition among the licensed (E6), then
        the price or revenue cap; public-interest use is free under a revenue cap or free and
        conditional-free pricing; security against expected fines (E14). E5 in numpy's sort,
        the rest slot by slot in one compiled pass (:func:`econ.kernels.price_operators`);
        :meth:`set_prices_reference` is the numpy reference.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        security_cost : float
            Cost of full security, ``C`` in E14 (RMB per quarter).
        best_wtp : numpy.ndarray
            Each sampled firm's willingness to pay for the best operator slot it sees (RMB per
            licence), one column.
        """
        o = self.table
        mc = scenario.operator_marginal_cost_rmb
        target = kernels.revenue_maximising_price(best_wtp, mc)[0] if policy.operators else 0.0
        cap = policy.price_cap * scenario.reference_price_rmb
        kernels.price_operators(
            o.licensed, o.monopoly_price, o.price_factor, o.revenue, bool(policy.operators),
            float(target), float(scenario.price_adjustment), float(mc),
            float(cap) if policy.operator_cap == "price" else np.inf,
            policy.operator_cap == "revenue", _free_for_public_interest(policy),
            float(audit_probability(policy, scenario) * policy.penalty), float(security_cost),
            float(scenario.intrinsic_security), o.price, o.price_public_interest, o.security,
        )  # fmt: skip

    def set_prices_reference(
        self, policy: Policy, scenario: Scenario, security_cost: float, best_wtp: np.ndarray
    ) -> None:
        """:meth:`set_prices` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        security_cost : float
            Cost of full security, ``C`` in E14 (RMB per quarter).
        best_wtp : numpy.ndarray
            Each sampled firm's willingness to pay for the best operator slot it sees (RMB per
            licence), one column.
        """
        o = self.table
        n = int(o.licensed.sum())
        mc = scenario.operator_marginal_cost_rmb
        if policy.operators:
            monopoly = kernels.revenue_maximising_price(best_wtp, mc)[0]
            o.monopoly_price = eq.adjusted_price(
                o.monopoly_price, monopoly, scenario.price_adjustment
            )
        price = float(eq.oligopoly_price(o.monopoly_price[0], mc, n))
        if policy.operator_cap == "price":
            price = min(price, policy.price_cap * scenario.reference_price_rmb)
        o.price = np.where(o.licensed, price, 0.0)
        if policy.operator_cap == "revenue":
            o.price *= o.price_factor
        o.price_public_interest = 0.0 if _free_for_public_interest(policy) else o.price
        expected_fine = audit_probability(policy, scenario) * policy.penalty * o.revenue
        if security_cost > 0:
            o.security = eq.security_level(
                expected_fine, security_cost, scenario.intrinsic_security
            )
        else:  # free security: E14's limit, full security once any fine is expected
            o.security = np.where(expected_fine > 0, 1.0, scenario.intrinsic_security)

    def receive(self, uses: np.ndarray, revenue: np.ndarray) -> None:
        """Record the quarter's sales.

        Parameters
        ----------
        uses : numpy.ndarray
            Licences sold by each slot.
        revenue : numpy.ndarray
            Gross revenue of each slot (RMB).
        """
        self.table.uses, self.table.revenue = uses, revenue

    def settle(
        self, policy: Policy, scenario: Scenario, fixed_cost: float, security_cost: float
    ) -> None:
        """Costs, revenue share, revenue-cap clawback and profit for the quarter (E7, E7b).

        Slot by slot in one compiled pass (:func:`econ.kernels.settle_operators`);
        :meth:`settle_reference` is the numpy reference.

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        fixed_cost : float
            Fixed operating cost of a licensed slot (RMB per quarter).
        security_cost : float
            Cost of full security (RMB per quarter); a slot pays ``security_cost * z^2``.
        """
        o = self.table
        kernels.settle_operators(
            o.licensed, o.security, o.uses, o.revenue, float(security_cost), float(fixed_cost),
            float(scenario.operator_marginal_cost_rmb), float(policy.revenue_share),
            policy.operator_cap == "revenue", float(policy.reasonable_profit),
            MIN_PRICE_FACTOR, o.cost, o.clawback, o.penalty, o.profit, o.price_factor,
        )  # fmt: skip

    def settle_reference(
        self, policy: Policy, scenario: Scenario, fixed_cost: float, security_cost: float
    ) -> None:
        """:meth:`settle` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        policy : Policy
            The policy in force.
        scenario : Scenario
            The scenario's parameters.
        fixed_cost : float
            Fixed operating cost of a licensed slot (RMB per quarter).
        security_cost : float
            Cost of full security (RMB per quarter); a slot pays ``security_cost * z^2``.
        """
        o = self.table
        security = security_cost * o.security**2
        o.cost = (fixed_cost + security) * o.licensed + scenario.operator_marginal_cost_rmb * o.uses
        net = (1.0 - policy.revenue_share) * o.revenue
        if policy.operator_cap == "revenue":
            allowed = eq.allowed_revenue(o.cost, policy.reasonable_profit) * o.licensed
            o.clawback = np.maximum(net - allowed, 0.0)
            # The cap guides the price of the product, not of each licensee: one factor,
            # set from the licensees' combined revenue against their combined allowance, so
            # that the operators do not undercut each other through the cap.
            ratio = eq.revenue_cap_adjustment(net[o.licensed].sum(), allowed.sum())
            o.price_factor = np.clip(o.price_factor * ratio, MIN_PRICE_FACTOR, 1.0)
        else:
            o.clawback = 0.0
        o.penalty = 0.0  # the regulator adds this quarter's fines after its audits
        o.profit = np.where(o.licensed, net - o.clawback - o.cost, 0.0)


def _free_for_public_interest(policy: Policy) -> bool:
    """Public-interest use is free under a revenue cap, and under free or conditional-free
    pricing."""
    return policy.operator_cap == "revenue" or policy.pricing in ("free", "conditional_free")


def audit_probability(policy: Policy, scenario: Scenario) -> float:
    """Probability that the regulator audits an operator in a quarter (E28): what the
    regulator draws against and what operators expect fines at.

    Parameters
    ----------
    policy : Policy
        The policy in force (``audit_rate``, ``traceability``).
    scenario : Scenario
        The scenario's parameters (``traceability_audit_gain``).

    Returns
    -------
    float
        The audit probability per operator-quarter, in [0, 1].
    """
    return eq.audit_reach(policy.audit_rate, policy.traceability, scenario.traceability_audit_gain)
