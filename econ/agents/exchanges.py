"""The data exchanges: the exchange-traded channel beside over-the-counter trade (ODD 7.3).

Exchanges save part of a trade's transaction cost, more the more trade they already carry
(E25), and charge a fee that the ``exchange_fee`` lever sets as a multiple of their cost of
a trade. Each firm sends a logit share of its trades through them (E26). Their liquidity is
last quarter's exchange-traded share of trade value, so a thin exchange stays thin unless
fees or subsidies move it.
"""

from __future__ import annotations

import numpy as np

from econ import equations as eq
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["DataExchanges"]

#: OpenBLAS runs a dot product of more than this many entries on several threads: its
#: rounding then depends on the thread count, and its idle threads spin on the CPU.
ONE_THREAD_DOT = 10_000


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """``a @ b`` summed in chunks of at most :data:`ONE_THREAD_DOT` entries, in order.

    Each chunk runs on one BLAS thread, so the sum is the same whatever the thread settings
    (a Dask worker runs with one); up to that size it is exactly ``a @ b``.

    Parameters
    ----------
    a, b : numpy.ndarray
        Vectors of one length.

    Returns
    -------
    float
        Their dot product.
    """
    total = 0.0
    for start in range(0, max(len(a), 1), ONE_THREAD_DOT):
        chunk = slice(start, start + ONE_THREAD_DOT)
        total += float(a[chunk] @ b[chunk])
    return total


class DataExchanges:
    """The data exchanges, as one aggregate: their liquidity and last quarter's trade.

    State after each quarter: ``liquidity`` (exchange-traded share of trade value, in
    [0, 1]), ``share`` (each firm's exchange share of its trades, E26), ``trades``
    (exchange-traded licences) and ``subsidy`` (the state's net cost of them, RMB).

    Parameters
    ----------
    liquidity : float
        The exchange-traded share of trade value at start (``exchange_share_start``).
    """

    def __init__(self, liquidity: float) -> None:
        self.liquidity = float(liquidity)
        self.share = np.zeros(0)
        self.trades = 0.0
        self.subsidy = 0.0

    @classmethod
    def build(cls, scenario: Scenario) -> DataExchanges:
        """The exchanges at start-up.

        Parameters
        ----------
        scenario : Scenario
            The scenario (its ``exchange_share_start``).

        Returns
        -------
        DataExchanges
            The exchanges.
        """
        return cls(scenario.exchange_share_start)

    def fee_rmb(self, policy: Policy, scenario: Scenario) -> float:
        """What a trader pays per exchange-traded licence.

        Parameters
        ----------
        policy : Policy
            The policy in force (its ``exchange_fee``).
        scenario : Scenario
            The scenario (its ``exchange_cost_rmb``).

        Returns
        -------
        float
            The fee (RMB per trade).
        """
        return policy.exchange_fee * scenario.exchange_cost_rmb

    def route(self, transaction_cost: np.ndarray, policy: Policy, scenario: Scenario) -> np.ndarray:
        """Each firm's expected cost of a trade, with the exchange share it chooses (E25-E26).

        Parameters
        ----------
        transaction_cost : numpy.ndarray
            Each firm's cost of one over-the-counter trade (RMB per licence).
        policy : Policy
            The policy in force (its ``exchange_fee``).
        scenario : Scenario
            The scenario's parameters.

        Returns
        -------
        numpy.ndarray
            Expected cost of a trade, fee included (RMB per licence); ``share`` is updated.
        """
        saving = eq.exchange_saving_share(
            scenario.exchange_saving, self.liquidity, scenario.exchange_liquidity_half
        )
        self.share, cost = eq.exchange_choice(
            transaction_cost,
            saving,
            self.fee_rmb(policy, scenario),
            scenario.exchange_choice_dispersion_rmb,
        )
        return cost

    def settle(
        self, spending: np.ndarray, licences: np.ndarray, policy: Policy, scenario: Scenario
    ) -> None:
        """Record the quarter's exchange trade; it is next quarter's liquidity.

        Parameters
        ----------
        spending : numpy.ndarray
            Fees each firm paid for data this quarter (RMB).
        licences : numpy.ndarray
            Licences each firm bought this quarter.
        policy : Policy
            The policy in force (its ``exchange_fee``).
        scenario : Scenario
            The scenario's parameters.
        """
        total = float(spending.sum())
        if total > 0:  # no trade says nothing about liquidity: keep the last value
            self.liquidity = dot(self.share, spending) / total
        self.trades = dot(self.share, licences)
        unpaid = scenario.exchange_cost_rmb - self.fee_rmb(policy, scenario)
        self.subsidy = self.trades * unpaid
