"""Calibration as a value: the national scale and the cost constants of a model (ODD 5.2).

:func:`calibrate` is a pure function of the scenario and the initial economy. It runs a
warm-up clearing on copies, under the reference policy (the ``Policy()`` defaults), and
returns a frozen :class:`Calibration`. The live model's state, prices and policy are never
touched, so nothing from the warm-up leaks into a run, and the calibration of a scenario and
seed is the same whatever policy is simulated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from econ import kernels
from econ.agents.compute import ComputeClusters, latency_cost
from econ.agents.firms import Firms
from econ.agents.holders import PublicHolders, public_fees, reference_effort
from econ.categories import ProductKind
from econ.market import (
    Market,
    Valuation,
    clear,
    refresh_catalogue,
    sample_willingness_to_pay,
    set_foreign_prices,
    value_licences,
)
from econ.parameters import ParameterError
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["REFERENCE_POLICY", "Calibration", "calibrate", "national_scale"]

#: The policy the warm-up clears under: the lever defaults.
REFERENCE_POLICY = Policy()


@dataclass(frozen=True)
class Calibration:
    """Constants that scale the simulated economy to the national one (ODD 5.2).

    Parameters
    ----------
    firms_represented : float
        Real firms one simulated firm stands for (fixed per scenario, :func:`national_scale`).
    start_market_rmb : float
        Simulated data market in the warm-up quarter (RMB per quarter).
    racks_per_data_unit : float
        Compute racks one licensed data unit needs for a quarter.
    compute_price_index_0 : float
        Blended compute price index at start (E10).
    west_share_0 : float
        Share of data work routed West at start.
    compute_cost_per_unit_rmb : float
        Compute cost of one data unit at start-up prices (RMB).
    holder_effort_cost : float
        ``c`` of E8: supply cost is ``c e^2 / 2`` (RMB per quarter).
    holder_mandate : float
        ``m`` of E8 (RMB per quarter per unit effort).
    operator_fixed_cost_rmb : float
        Fixed cost of one licensed operator (RMB per quarter).
    security_cost_rmb : float
        Cost of full security for one operator (RMB per quarter).
    lever_costs_rmb : dict
        Public cost of each lever at full level, E22 (RMB per quarter in the simulated
        economy): ``infrastructure``, ``privacy_computing``, ``traceability``,
        ``registration``, ``review``, ``audit`` (one audit) and ``bridge``.
    """

    firms_represented: float  # real firms one simulated firm stands for (fixed per scenario)
    start_market_rmb: float  # simulated data market in the warm-up quarter (RMB)
    racks_per_data_unit: float  # compute racks one licensed data unit needs for a quarter
    compute_price_index_0: float  # blended compute price index at start (E10)
    west_share_0: float  # share of data work routed West at start
    compute_cost_per_unit_rmb: float  # compute cost of one data unit at start-up prices
    holder_effort_cost: float  # c of E8: supply cost c e^2 / 2 (RMB per quarter)
    holder_mandate: float  # m of E8 (RMB per quarter per unit effort)
    operator_fixed_cost_rmb: float  # fixed cost of one licensed operator per quarter
    security_cost_rmb: float  # cost of full security for one operator per quarter
    lever_costs_rmb: dict  # per-quarter public cost of each lever at full level (E22)

    def to_dict(self) -> dict[str, float]:
        """The calibration as plain floats (for manifests and notebooks).

        Returns
        -------
        dict of str to float
            Every field by name, in its unit.
        """
        return asdict(self)


def calibrate(
    scenario: Scenario,
    firms: Firms,
    market: Market,
    holders: PublicHolders,
    compute: ComputeClusters,
    rng: np.random.Generator,
) -> Calibration:
    """The calibration of an initial economy (ODD 5.2); reads its arguments, changes none.

    0. The national scale is fixed by the scenario alone: ``firms_represented`` is the
       national output of the data-using economy over the output of the simulated firms
       active at start (``mean_output_rmb`` each). It never depends on behavioural parameters
       or on the policy, so it does not move across policies or sensitivity samples.
    1. A warm-up clearing under the reference policy, with sellers at their revenue-maximising
       prices, gives the simulated quarterly market M0 (reported; the 2022 market is a
       calibration target for ``private_product_size``, docs/ODD.md 8).
    2. The data load of that quarter is ``data_compute_share`` of the racks in use.
    3. A second clearing with every user paying the reference fee (cost recovery) gives the
       mean holder's fee revenue F0; effort cost ``c = 2 F0 / e0^2`` makes fees at the
       reference price recover supply cost at initial effort, and the mandate is
       ``mandate_share * c``.

    Parameters
    ----------
    scenario : Scenario
        The scenario's parameters.
    firms : Firms
        The initial firms.
    market : Market
        The initial catalogue, views and price sample (the warm-up works on a copy).
    holders : PublicHolders
        The initial public holders.
    compute : ComputeClusters
        The initial compute clusters (the warm-up works on a copy).
    rng : numpy.random.Generator
        The ``calibration`` stream: it draws the warm-up's cross-border approvals.

    Returns
    -------
    Calibration
        The constants.

    Raises
    ------
    econ.parameters.ParameterError
        If nobody buys data at start-up, so the economy cannot be scaled.
    """
    p, policy = scenario, REFERENCE_POLICY
    catalogue = market.catalogue.copy()
    warm = Market(catalogue, market.view, market.price_sample)
    licensed = np.zeros(int(np.sum(catalogue.kind == ProductKind.OPERATOR)), dtype=bool)
    refresh_catalogue(
        catalogue,
        policy,
        p,
        holders.product_size(p),
        holders.sensitive_quality(p),
        licensed,
        # The initial economy's private sizes, as built (E29's index is 1 at its start).
        catalogue.size[catalogue.block(ProductKind.PRIVATE)],
    )
    # compute_cost_rmb is what a public licence costs in compute at start: per data unit,
    # divided by the size of the average public product at start (E13), or at the reference
    # density when there is no open data.
    start_size = float(np.mean(holders.product_size(p)))
    compute_cost = p.compute_cost_rmb / (start_size if start_size > 0 else p.public_product_size)
    valuation = value_licences(
        firms.table,
        warm,
        policy,
        p,
        value_per_unit=firms.value_per_unit(p),
        trust=1.0,
        review_strictness=policy.review_strictness,
        compute_cost_per_unit=compute_cost,
    )
    wtp = sample_willingness_to_pay(valuation, firms.table, warm, policy)
    private = catalogue.block(ProductKind.PRIVATE)
    catalogue.price[private] = kernels.revenue_maximising_price(wtp[:, private])
    catalogue.price_public_interest[private] = catalogue.price[private]
    set_foreign_prices(catalogue, wtp, 1.0)

    public = catalogue.block(ProductKind.PUBLIC)
    catalogue.price[public], catalogue.price_public_interest[public] = public_fees(policy, p)
    first = clear(valuation, firms.table, warm, policy, policy.review_strictness, rng)
    start_market = float(first.revenue.sum())
    if first.data_volume <= 0:
        raise ParameterError(_nobody_uses_data(p, valuation))
    used_racks = p.racks * p.rack_utilisation
    racks_per_unit = p.data_compute_share * used_racks / max(first.data_volume, 1e-12)
    clusters = ComputeClusters(compute.table.copy())
    latency = latency_cost(policy, p)
    west_share, _ = clusters.route(p, first.data_volume * racks_per_unit, latency)
    price_index_0 = clusters.blended_price(p, west_share, latency)

    cost_recovery = policy.replace(pricing="cost_recovery")
    fees = public_fees(cost_recovery, p)
    catalogue.price[public], catalogue.price_public_interest[public] = fees
    second = clear(valuation, firms.table, warm, cost_recovery, policy.review_strictness, rng)
    mean_fees = float(second.revenue[public].mean())
    effort_cost = max(2.0 * mean_fees / reference_effort(p) ** 2, 1e-9)
    scale = national_scale(p)
    per_quarter = 1.0 / 4.0 / scale  # national RMB per year -> simulated RMB per quarter
    return Calibration(
        firms_represented=scale,
        start_market_rmb=start_market,
        racks_per_data_unit=racks_per_unit,
        compute_price_index_0=price_index_0,
        west_share_0=west_share,
        compute_cost_per_unit_rmb=compute_cost,
        holder_effort_cost=effort_cost,
        holder_mandate=p.mandate_share * effort_cost,
        operator_fixed_cost_rmb=p.operator_fixed_cost_per_firm_rmb * p.n_firms,
        security_cost_rmb=p.security_cost_per_firm_rmb * p.n_firms,
        lever_costs_rmb={
            "infrastructure": p.infrastructure_cost_rmb * per_quarter,
            "privacy_computing": p.privacy_computing_cost_rmb * per_quarter,
            "traceability": p.traceability_cost_rmb * per_quarter,
            "registration": p.registration_cost_rmb * per_quarter,
            "review": p.review_cost_rmb * per_quarter,
            "audit": p.audit_cost_rmb / scale,
            "bridge": p.bridge_cost_rmb * per_quarter,
        },
    )


def national_scale(scenario: Scenario) -> float:
    """Real firms one simulated firm stands for (ODD 5.2).

    National output over the output of the simulated mainland firms expected active at start,
    ``mean_output_rmb`` each.

    Parameters
    ----------
    scenario : Scenario
        The scenario's parameters.

    Returns
    -------
    float
        Real firms per simulated firm.
    """
    p = scenario
    abroad = round(p.n_firms * p.share_hong_kong) + round(p.n_firms * p.share_foreign)
    active = max((p.n_firms - abroad) * p.initial_active_share, 1.0)
    return p.national_output_rmb / 4.0 / (p.mean_output_rmb * active)


def _nobody_uses_data(scenario: Scenario, valuation: Valuation) -> str:
    """Why a scenario has no data market at start-up, naming the parameters to change."""
    net = valuation.value - valuation.usage
    best = np.unravel_index(np.argmax(net), net.shape) if net.size else None
    worth = f"RMB {valuation.value[best]:,.0f}" if best is not None else "nothing"
    cost = f"RMB {valuation.usage[best]:,.0f}" if best is not None else "-"
    return (
        f"scenario {scenario.name!r}: no firm licensed any data product at start-up (the best "
        f"licence was worth {worth} to its firm and cost {cost} to use), so compute use "
        "cannot be calibrated; raise n_firms, fit_scale, data_elasticity, "
        "initial_capability or the product sizes (public_product_size, "
        "private_product_size, foreign_product_size), or lower integration_cost_rmb, "
        "search_cost_rmb, compute_cost_rmb, cross_border_cost_rmb, reference_price_rmb or "
        "the shares of firms abroad (share_foreign, share_hong_kong)"
    )
