"""Every equation of the model, in one place, named as in ``docs/ODD.md`` section 7.

Functions are pure and vectorised: they take numpy arrays (or scalars) and return arrays.
The model calls them; tests check them one by one.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "adjusted_price",
    "allowed_revenue",
    "approval_probability",
    "capability_growth",
    "compute_price",
    "cross_border_cost",
    "data_free_output",
    "data_licence_value",
    "effort_optimum",
    "exit_probability",
    "fresh_datasets",
    "hhi",
    "incident_pressure",
    "incident_rate",
    "marginal_product_of_data",
    "oligopoly_price",
    "output",
    "partner_openness",
    "policy_cost",
    "public_product_size",
    "revenue_cap_adjustment",
    "revenue_maximising_price",
    "security_level",
    "trust_update",
    "welfare",
]


def data_free_output(productivity, capital, capital_elasticity):
    """E1 (ODD 7.2): output a firm would make without data, ``A K^alpha`` (RMB/quarter)."""
    return productivity * capital**capital_elasticity


def output(base_output, data_stock, data_elasticity, data_scale):
    """E2 (ODD 7.2): ``Y = A K^alpha (1 + D/D0)^beta``, given ``A K^alpha`` from E1;
    beta < 1 gives diminishing returns."""
    return base_output * (1.0 + data_stock / data_scale) ** data_elasticity


def marginal_product_of_data(base_output, data_stock, data_elasticity, data_scale):
    """E3 (ODD 7.2): ``dY/dD = beta A K^alpha (1 + D/D0)^(beta-1) / D0`` (RMB per data unit)."""
    return (
        data_elasticity * base_output * (1.0 + data_stock / data_scale) ** (data_elasticity - 1)
    ) / data_scale


def data_licence_value(marginal_product, size, depreciation, discount_rate):
    """E4 (ODD 7.3): present value of adding ``size`` data units that decay at ``depreciation``.

    ``value = dY/dD * size * 1 / (1 - (1 - delta) / (1 + r))``: the discounted marginal output
    over the data's useful life.
    """
    life_factor = 1.0 / (1.0 - (1.0 - depreciation) / (1.0 + discount_rate))
    return marginal_product * size * life_factor


def revenue_maximising_price(willingness_to_pay, cost_per_sale=0.0, min_buyers=5):
    """E5 (ODD 7.3): the profit-maximising single price against sampled demand.

    ``willingness_to_pay`` has one column per product and one row per sampled buyer (NaN or
    a non-positive value for a buyer who does not see the product). Selling at the k-th highest
    willingness to pay sells k licences; the price that maximises ``k (p - c)`` is chosen,
    with ``k >= min_buyers`` so that a seller does not bet on one outlying buyer.
    Returns one price per column (0 where nobody would pay more than the cost).
    """
    wtp = np.where(np.isfinite(willingness_to_pay), willingness_to_pay, 0.0)
    ranked = -np.sort(-wtp, axis=0)
    sold = np.arange(1, ranked.shape[0] + 1)[:, None]
    profit = sold * (ranked - cost_per_sale)
    profit[: min(min_buyers, ranked.shape[0]) - 1] = -np.inf
    best = np.argmax(profit, axis=0)
    price = ranked[best, np.arange(ranked.shape[1])]
    return np.where(profit[best, np.arange(ranked.shape[1])] > 0, price, 0.0)


def adjusted_price(previous, target, speed):
    """E5b (ODD 7.3): sellers move part way toward their target price each quarter.

    Demand is known only from a sample, so a full jump each quarter would make prices
    flicker; a first quarter (``previous`` 0) starts at the target.
    """
    return np.where(previous > 0, previous + speed * (target - previous), target)


def oligopoly_price(monopoly_price, marginal_cost, n_sellers):
    """E6 (ODD 7.5): competition among ``n`` licensed operators on overlapping data.

    ``p = c + (p_m - c) / n``: one operator charges the monopoly price, more push it toward
    marginal cost (the Cournot mark-up falls as 1/n).
    """
    n = np.maximum(n_sellers, 1)
    return marginal_cost + np.maximum(monopoly_price - marginal_cost, 0.0) / n


def allowed_revenue(cost, reasonable_profit):
    """E7 (ODD 7.5): maximum allowable revenue under a revenue cap, cost times (1 + margin)."""
    return cost * (1.0 + reasonable_profit)


def revenue_cap_adjustment(net_revenue, allowed):
    """E7b (ODD 7.5): factor applied to next quarter's price under a revenue cap.

    ``allowed / revenue``, limited to [0.5, 1.25] a quarter so that noisy demand does not
    make the price jump: the price falls after an excess and recovers after a shortfall.
    """
    ratio = np.where(net_revenue > 0, allowed / np.maximum(net_revenue, 1e-9), 1.25)
    return np.clip(ratio, 0.5, 1.25)


def effort_optimum(mandate, revenue_per_effort, visibility_per_effort, cost):
    """E8 (ODD 7.4): effort maximising ``m e + s R(e) + v U(e) - c e^2 / 2``.

    Holders expect revenue and visible use in proportion to effort (``R = r e``,
    ``U = u e``, read from last quarter), so the optimum is ``e* = (m + r + v u) / c``,
    clipped to [0, 1].
    """
    return np.clip((mandate + revenue_per_effort + visibility_per_effort) / cost, 0.0, 1.0)


def incident_rate(base_rate, exposure, infrastructure, security, review, bridge_alignment):
    """E9 (ODD 7.6): Poisson incident rate ``lambda`` for a flow of sensitive data.

    ``lambda = base * exposure * (1 - 0.6 infra) * exp(-2 security) * (1 - 0.7 review)
    * (1 - 0.5 bridge)``: risk rises with the sensitive data in circulation and falls with
    infrastructure, security investment, review strictness and aligned standards.
    """
    return (
        base_rate
        * exposure
        * (1.0 - 0.6 * infrastructure)
        * np.exp(-2.0 * security)
        * (1.0 - 0.7 * review)
        * (1.0 - 0.5 * bridge_alignment)
    )


def compute_price(utilisation, reference_utilisation, steepness):
    """E10 (ODD 7.8): compute price relative to its start-up level.

    ``((1 - u0) / (1 - u))^eta``: flat at low load, steep as utilisation nears capacity
    (utilisation is taken at most 0.95, where the price is already many times its start).
    """
    u = np.minimum(utilisation, 0.95)
    return ((1.0 - reference_utilisation) / (1.0 - u)) ** steepness


def hhi(sales):
    """E11 (ODD 7.9): Herfindahl-Hirschman index of sales shares, in [0, 1]."""
    sales = np.asarray(sales, dtype=float)
    total = sales.sum()
    if total <= 0:
        return 0.0
    shares = sales / total
    return float(np.sum(shares * shares))


def fresh_datasets(datasets, effort, release_per_effort, staleness):
    """E12 (ODD 7.4): open datasets next quarter, ``S' = S (1 - rho) + kappa e``."""
    return datasets * (1.0 - staleness) + release_per_effort * effort


def public_product_size(base_size, datasets, reference_datasets, effort, reference_effort):
    """E13 (ODD 7.4): data units in one licence of a holder's open product.

    Breadth grows with the square root of fresh datasets; quality and update frequency with
    effort: ``size = s0 sqrt(S / S0) (0.5 + 0.5 e / e0)``.
    """
    return (
        base_size * np.sqrt(datasets / reference_datasets) * (0.5 + 0.5 * effort / reference_effort)
    )


def security_level(expected_fine, full_security_cost):
    """E14 (ODD 7.5): operator security in [0, 1], ``z = 0.2 + expected fine / cost``.

    With a quadratic security cost ``C z^2`` against fines expected in proportion to
    ``1 - z``, the optimum rises linearly with the expected fine; 0.2 is intrinsic care.
    """
    return np.clip(0.2 + expected_fine / full_security_cost, 0.0, 1.0)


def approval_probability(openness, strictness, sensitivity, alignment):
    """E15 (ODD 7.7): probability a cross-border transfer is approved.

    ``openness (1 - strictness * sensitivity * (1 - 0.5 alignment))``: review refuses
    sensitive transfers, less so where standards are aligned through Hong Kong.
    """
    return openness * (1.0 - strictness * sensitivity * (1.0 - 0.5 * alignment))


def cross_border_cost(base_cost, infrastructure, strictness, bridge_discount):
    """E16 (ODD 7.7): compliance cost of one transfer (RMB).

    ``c_x (1 - 0.5 infra) (1 + strictness) (1 - bridge)``.
    """
    return base_cost * (1.0 - 0.5 * infrastructure) * (1.0 + strictness) * (1.0 - bridge_discount)


def trust_update(
    trust,
    recovery,
    loss_per_incident,
    incidents_per_thousand_firms,
    pressure=0.0,
    collapse_threshold=np.inf,
    collapse=0.0,
):
    """E17 (ODD 7.6): firms' trust in sensitive and cross-border data, in [0.05, 1].

    ``T' = T + g (1 - T) - l x``, with x incidents per 1,000 firms; E17b: when the
    smoothed rate ``pressure`` (E23) exceeds the collapse threshold, trust also loses the
    share ``collapse`` of itself, ``T' <- T' (1 - collapse)``: a wave of breaches breaks
    trust, a trickle erodes it.
    """
    updated = trust + recovery * (1.0 - trust) - loss_per_incident * incidents_per_thousand_firms
    if pressure > collapse_threshold:
        updated *= 1.0 - collapse
    return float(np.clip(updated, 0.05, 1.0))


def incident_pressure(previous, incidents_per_thousand_firms, memory=0.75):
    """E23 (ODD 7.6): the incident rate firms remember, ``x' = m x + (1 - m) incidents``
    (incidents per 1,000 firms a quarter; memory 0.75 is about a year)."""
    return memory * previous + (1.0 - memory) * incidents_per_thousand_firms


def partner_openness(previous, openness, reciprocity, adjustment, retaliation, incidents):
    """E21 (ODD 7.7): foreign partners' openness to flows with China, in [0, 1].

    Partners move part way (``adjustment``) toward a reciprocal target
    ``1 - reciprocity (1 - openness)`` and cut their openness by ``retaliation`` per
    cross-border incident per 1,000 firms: ``P' = P + a (target - P) - r x``.
    """
    target = 1.0 - reciprocity * (1.0 - openness)
    updated = previous + adjustment * (target - previous) - retaliation * incidents
    return float(np.clip(updated, 0.0, 1.0))


def policy_cost(infrastructure, registration, strictness, audits, bridge, costs):
    """E22 (ODD 7.9): the public cost of the levers in a quarter (RMB).

    ``costs`` holds per-quarter costs: infrastructure at level 1, registration, review at
    strictness 1, one audit and the bridge; levels and switches scale them.
    """
    return (
        infrastructure * costs["infrastructure"]
        + registration * costs["registration"]
        + strictness * costs["review"]
        + audits * costs["audit"]
        + bridge * costs["bridge"]
    )


def capability_growth(capability, diffusion):
    """E18 (ODD 7.2): logistic diffusion of digital capability, ``g c (1 - c)``."""
    return diffusion * capability * (1.0 - capability)


def exit_probability(base_hazard, surplus):
    """E19 (ODD 7.2): quarterly exit probability, five times higher for loss-makers."""
    return base_hazard * np.where(surplus < 0, 5.0, 1.0)


def welfare(
    firm_surplus,
    operator_profit,
    holder_revenue,
    supplier_revenue,
    government_receipts,
    supply_cost,
    incident_loss,
    policy_cost=0.0,
):
    """E20 (ODD 7.9): firm surplus + operator profit + holder and supplier revenue + clawbacks
    and fines - holders' supply cost - incident losses - the levers' public cost (E22)
    (RMB per quarter)."""
    return (
        firm_surplus
        + operator_profit
        + holder_revenue
        + supplier_revenue
        + government_receipts
        - supply_cost
        - incident_loss
        - policy_cost
    )
