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
    "audit_reach",
    "bridge_coverage",
    "capability_growth",
    "compute_price",
    "cross_border_cost",
    "data_capability_cost",
    "data_free_output",
    "data_licence_value",
    "effort_optimum",
    "exchange_choice",
    "exchange_saving_share",
    "exit_probability",
    "foreign_compute_capacity",
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
    "sensitive_compute_factor",
    "supply_index",
    "top_share",
    "trust_update",
    "utilisation_at_price",
    "welfare",
]


def data_free_output(productivity, capital, capital_elasticity):
    """E1 (ODD 7.2): output a firm would make without data, ``B = A K^alpha``.

    Parameters
    ----------
    productivity : float or numpy.ndarray
        Total factor productivity ``A`` (RMB per quarter per unit of ``K^alpha``).
    capital : float or numpy.ndarray
        Capital stock ``K`` (RMB).
    capital_elasticity : float
        ``alpha``, the output elasticity of capital (dimensionless).

    Returns
    -------
    float or numpy.ndarray
        Data-free output ``B`` (RMB per quarter), one per firm.
    """
    return productivity * capital**capital_elasticity


def output(base_output, data_stock, data_elasticity, data_scale):
    """E2 (ODD 7.2): output ``Y = A K^alpha (1 + D/D0)^beta``, given ``A K^alpha`` from E1.

    beta < 1 gives diminishing returns to data.

    Parameters
    ----------
    base_output : float or numpy.ndarray
        Data-free output ``B = A K^alpha`` from E1 (RMB per quarter).
    data_stock : float or numpy.ndarray
        Data stock ``D`` (data units).
    data_elasticity : float
        ``beta``, the output elasticity of data (dimensionless, below 1).
    data_scale : float
        ``D0``, the data stock at which data doubles its effect (data units).

    Returns
    -------
    float or numpy.ndarray
        Output ``Y`` (RMB per quarter).
    """
    return base_output * (1.0 + data_stock / data_scale) ** data_elasticity


def marginal_product_of_data(base_output, data_stock, data_elasticity, data_scale):
    """E3 (ODD 7.2): ``dY/dD = beta A K^alpha (1 + D/D0)^(beta-1) / D0``.

    Parameters
    ----------
    base_output : float or numpy.ndarray
        Data-free output ``B = A K^alpha`` from E1 (RMB per quarter).
    data_stock : float or numpy.ndarray
        Data stock ``D`` (data units).
    data_elasticity : float
        ``beta``, the output elasticity of data (dimensionless).
    data_scale : float
        ``D0`` (data units).

    Returns
    -------
    float or numpy.ndarray
        Marginal product of data (RMB per quarter per data unit).
    """
    return (
        data_elasticity * base_output * (1.0 + data_stock / data_scale) ** (data_elasticity - 1)
    ) / data_scale


def data_value_index(growth, quarters, half_life):
    """E2d (ODD 7.2): the value of data to its users, ``a_t = prod_{s<t} (1 + g_s)`` with
    ``g_s = g_ai 2^(-s/H)``, t quarters after the initial economy.

    AI raises what firms make of data: ``a_t`` scales data's contribution to output,
    ``Y = B (1 + a_t ((1 + D/D0)^beta - 1))``, and so the marginal product of data (E3)
    and every licence's value (E4). The trend eases, halving every ``H`` quarters, as the
    market's record and forecasts do. With ``g_ai = 0`` it is E2 and E3 unchanged.

    Parameters
    ----------
    growth : float
        ``g_ai``, growth of data's value per quarter in the initial economy.
    quarters : int
        Quarters simulated since the initial economy (the spin-up's included).
    half_life : float
        ``H``, quarters in which the growth rate halves (``inf``: it never eases).

    Returns
    -------
    float
        The index ``a_t`` (1 in the initial economy).
    """
    rates = growth * 0.5 ** (np.arange(quarters) / half_life)
    return float(np.prod(1.0 + rates))


def data_output_factor(output_factor, value_index):
    """E2d (ODD 7.2): ``1 + a_t ((1 + D/D0)^beta - 1)``, E2's factor with data's
    contribution scaled by the data value index ``a_t``.

    Parameters
    ----------
    output_factor : float or numpy.ndarray
        ``(1 + D/D0)^beta`` from E2 (``Y / B``).
    value_index : float
        ``a_t`` from :func:`data_value_index`.

    Returns
    -------
    float or numpy.ndarray
        ``Y / B`` with the index applied.
    """
    return 1.0 + value_index * (output_factor - 1.0)


def data_licence_value(marginal_product, size, depreciation, discount_rate):
    """E4 (ODD 7.3): present value of adding ``size`` data units that decay at ``depreciation``.

    ``value = dY/dD * size * 1 / (1 - (1 - delta) / (1 + r))``: the discounted marginal output
    over the data's useful life.

    Parameters
    ----------
    marginal_product : float or numpy.ndarray
        Marginal product of data from E3 (RMB per quarter per data unit).
    size : float or numpy.ndarray
        Data units in one licence of the product.
    depreciation : float
        ``delta``, the share of a data stock that goes stale each quarter.
    discount_rate : float
        ``r``, the discount rate per quarter.

    Returns
    -------
    float or numpy.ndarray
        Value of the licence (RMB), broadcast over firms and products.
    """
    life_factor = 1.0 / (1.0 - (1.0 - depreciation) / (1.0 + discount_rate))
    return marginal_product * size * life_factor


def revenue_maximising_price(willingness_to_pay, cost_per_sale=0.0, min_buyers=5):
    """E5 (ODD 7.3): the profit-maximising single price against sampled demand.

    Selling at the k-th highest willingness to pay sells k licences; the price that maximises
    ``k (p - c)`` is chosen, with ``k >= min_buyers`` so that a seller does not bet on one
    outlying buyer.

    Parameters
    ----------
    willingness_to_pay : numpy.ndarray
        Sampled buyers' willingness to pay (RMB per licence), one row per buyer and one column
        per product; NaN or a non-positive value for a buyer who does not see the product.
    cost_per_sale : float or numpy.ndarray, default 0.0
        The seller's marginal cost ``c`` (RMB per licence).
    min_buyers : int, default 5
        The fewest licences a chosen price must sell.

    Returns
    -------
    numpy.ndarray
        One price per product (RMB per licence), 0 where nobody would pay more than the cost.
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

    Parameters
    ----------
    previous : numpy.ndarray
        Last quarter's prices (RMB per licence); 0 for a new seller.
    target : numpy.ndarray
        Target prices from E5 (RMB per licence).
    speed : float
        Share of the gap closed each quarter, in [0, 1].

    Returns
    -------
    numpy.ndarray
        This quarter's prices (RMB per licence).
    """
    return np.where(previous > 0, previous + speed * (target - previous), target)


def oligopoly_price(monopoly_price, marginal_cost, n_sellers):
    """E6 (ODD 7.5): competition among ``n`` licensed operators on overlapping data.

    ``p = c + max(p_m - c, 0) / n``: one operator charges the monopoly price, more push it
    toward marginal cost. A stylised oligopoly: the mark-up falls as ``1 / n`` (Cournot with
    linear demand would give ``2 / (n + 1)``).

    Parameters
    ----------
    monopoly_price : float or numpy.ndarray
        ``p_m``, the revenue-maximising price of one seller (RMB per licence).
    marginal_cost : float or numpy.ndarray
        ``c`` (RMB per licence).
    n_sellers : int or numpy.ndarray
        Licensed operators competing (at least 1 is assumed).

    Returns
    -------
    float or numpy.ndarray
        The operators' price (RMB per licence).
    """
    n = np.maximum(n_sellers, 1)
    return marginal_cost + np.maximum(monopoly_price - marginal_cost, 0.0) / n


def allowed_revenue(cost, reasonable_profit):
    """E7 (ODD 7.5): maximum allowable revenue under a revenue cap, cost times (1 + margin).

    Parameters
    ----------
    cost : float or numpy.ndarray
        The operator's cost this quarter (RMB).
    reasonable_profit : float
        The allowed margin, as a share of cost.

    Returns
    -------
    float or numpy.ndarray
        Allowed revenue (RMB per quarter).
    """
    return cost * (1.0 + reasonable_profit)


def revenue_cap_adjustment(net_revenue, allowed):
    """E7b (ODD 7.5): factor applied to next quarter's price under a revenue cap.

    ``allowed / revenue``, limited to [0.5, 1.25] a quarter so that noisy demand does not
    make the price jump: the price falls after an excess and recovers after a shortfall.

    Parameters
    ----------
    net_revenue : float or numpy.ndarray
        The operator's revenue this quarter, net of the holders' share (RMB).
    allowed : float or numpy.ndarray
        Allowed revenue from E7 (RMB).

    Returns
    -------
    float or numpy.ndarray
        Price factor for next quarter (dimensionless, in [0.5, 1.25]).
    """
    ratio = np.where(net_revenue > 0, allowed / np.maximum(net_revenue, 1e-9), 1.25)
    return np.clip(ratio, 0.5, 1.25)


def effort_optimum(mandate, revenue_per_effort, visibility_per_effort, cost):
    """E8 (ODD 7.4): effort maximising ``m e + s R(e) + v U(e) - c e^2 / 2``.

    Holders expect revenue and visible use in proportion to effort (``R = r e``,
    ``U = u e``, read from last quarter), so the optimum is ``e* = (m + s r + v u) / c``,
    clipped to [0, 1]. ``s`` is the share of revenue the holder keeps: the caller passes
    ``r`` already kept (fees times ``fee_retention`` plus the operators' revenue share), so
    the code computes ``(m + r + v u) / c``.

    Parameters
    ----------
    mandate : float or numpy.ndarray
        ``m``, the value of the baseline mandate per unit effort (RMB per quarter).
    revenue_per_effort : float or numpy.ndarray
        ``r``, kept revenue per unit effort last quarter (RMB per quarter).
    visibility_per_effort : float or numpy.ndarray
        ``v u``, the value of visible uses per unit effort (RMB per quarter).
    cost : float or numpy.ndarray
        ``c``, the cost scale of effort (RMB per quarter).

    Returns
    -------
    float or numpy.ndarray
        Target effort ``e*`` in [0, 1].
    """
    return np.clip((mandate + revenue_per_effort + visibility_per_effort) / cost, 0.0, 1.0)


def incident_rate(
    base_rate,
    exposure,
    infrastructure,
    security,
    review,
    bridge_alignment,
    cuts=(0.6, 2.0, 0.7, 0.5),
    privacy_computing=0.0,
    privacy_cut=0.5,
):
    """E9 (ODD 7.6): Poisson incident rate ``lambda`` for a flow of sensitive data.

    ``lambda = base * exposure * (1 - a infra) * exp(-b security) * (1 - c review)
    * (1 - d bridge) * (1 - e privacy)``, by default ``(a, b, c, d) = (0.6, 2, 0.7, 0.5)``
    and ``e = 0.5``: risk rises with the sensitive data in circulation and falls with
    infrastructure, security investment, review strictness, aligned standards and privacy
    computing.

    Parameters
    ----------
    base_rate : float
        Incidents per unit of exposure per quarter with no safeguards.
    exposure : float or numpy.ndarray
        Sensitive data in circulation (licences or transfers this quarter).
    infrastructure : float
        The ``infrastructure`` lever, in [0, 1].
    security : float or numpy.ndarray
        Security investment ``z`` in [0, 1] (E14).
    review : float
        Review strictness in [0, 1].
    bridge_alignment : float or numpy.ndarray
        Share of the flow under standards aligned through Hong Kong, in [0, 1].
    cuts : tuple of float, default (0.6, 2.0, 0.7, 0.5)
        ``(a, b, c, d)``: the scenario's ``incident_infrastructure_cut``,
        ``incident_security_decay``, ``incident_review_cut`` and ``incident_bridge_cut``.
    privacy_computing : float, default 0.0
        The ``privacy_computing`` lever in [0, 1] where it covers the flow (operators'
        licences), else 0.
    privacy_cut : float, default 0.5
        ``e``: the scenario's ``privacy_computing_incident_cut``.

    Returns
    -------
    float or numpy.ndarray
        Expected incidents per quarter.
    """
    security_factor = np.exp(-cuts[1] * security)
    return incident_rate_given_security(
        base_rate, exposure, infrastructure, security_factor, review, bridge_alignment, cuts,
        privacy_computing, privacy_cut,
    )  # fmt: skip


def incident_rate_given_security(
    base_rate,
    exposure,
    infrastructure,
    security_factor,
    review,
    bridge_alignment,
    cuts,
    privacy_computing,
    privacy_cut,
):
    """E9 (ODD 7.6) with its security factor ``exp(-b security)`` given: :func:`incident_rate`
    in the same order of operations, for callers (the compiled enforcement) that take the
    ``exp`` from numpy. A form of E9, not an equation of its own (not in ``__all__``).

    Parameters
    ----------
    base_rate, exposure, infrastructure, review, bridge_alignment : float or numpy.ndarray
        As :func:`incident_rate`.
    security_factor : float or numpy.ndarray
        ``exp(-b security)``.
    cuts : tuple of float
        As :func:`incident_rate` (its ``b`` is already in ``security_factor``).
    privacy_computing, privacy_cut : float
        As :func:`incident_rate`.

    Returns
    -------
    float or numpy.ndarray
        Expected incidents per quarter.
    """
    a, _, c, d = cuts
    return (
        base_rate
        * exposure
        * (1.0 - a * infrastructure)
        * security_factor
        * (1.0 - c * review)
        * (1.0 - d * bridge_alignment)
        * (1.0 - privacy_cut * privacy_computing)
    )


def compute_price(utilisation, reference_utilisation, steepness):
    """E10 (ODD 7.8): compute price relative to its start-up level.

    ``((1 - u0) / (1 - u))^eta``: flat at low load, steep as utilisation nears capacity
    (utilisation is taken at most 0.95, where the price is already many times its start).

    Parameters
    ----------
    utilisation : float or numpy.ndarray
        Utilisation ``u`` of a cluster's racks, in [0, 1].
    reference_utilisation : float
        ``u0``, utilisation in the initial economy (2019; ``rack_utilisation``, estimated).
        Not the 2024 figure (62.72%).
    steepness : float
        ``eta``, how fast the price rises near capacity.

    Returns
    -------
    float or numpy.ndarray
        Compute price index (1 at the start-up utilisation).
    """
    u = np.minimum(utilisation, 0.95)
    return ((1.0 - reference_utilisation) / (1.0 - u)) ** steepness


def utilisation_at_price(price, reference_utilisation, steepness):
    """E30 (ODD 7.8): the utilisation at which E10's price reaches ``price``, at most 0.95.

    ``u = 1 - (1 - u0) price^(-1/eta)``, E10 inverted; 0 where the price is at or below what
    an idle cluster charges, ``(1 - u0)^eta`` (it takes no work at that price), and 0.95 at or
    above the cap's price. With ``eta = 0`` E10's price is 1 at every utilisation, so a price
    of 1 or more reaches the cap and a lower one reaches nothing.

    Parameters
    ----------
    price : float or numpy.ndarray
        Compute price index, relative to the start-up price.
    reference_utilisation : float
        ``u0``, utilisation at start-up.
    steepness : float
        ``eta``, how fast the price rises near capacity (0 or above).

    Returns
    -------
    float or numpy.ndarray
        Utilisation in [0, 0.95] (0 where the price is below what an idle cluster charges).
    """
    price = np.asarray(price, dtype=float)
    if steepness <= 0:
        return np.where(price >= 1.0, 0.95, 0.0)
    idle = (1.0 - reference_utilisation) ** steepness
    capped = compute_price(0.95, reference_utilisation, steepness)
    # Clipped to the prices E10 can reach, so the power cannot overflow for tiny prices.
    reachable = np.clip(price, idle, capped)
    u = 1.0 - (1.0 - reference_utilisation) * reachable ** (-1.0 / steepness)
    return np.where(price >= capped, 0.95, np.where(price > idle, np.clip(u, 0.0, 0.95), 0.0))


def foreign_compute_capacity(
    domestic_racks, foreign_share, china_share, access, openness_in_effect
):
    """E31 (ODD 7.8): racks abroad open to China's data work, ``a (s_f / s_c) o K``.

    Partners' compute is the global shares' ratio times China's (34% + 17% + 4% against 33%);
    the share ``a`` of it China's firms can rent at full openness is small (export controls
    on advanced chips and cloud access), and the openness in effect, China's times its
    partners' response (E21), scales it.

    Parameters
    ----------
    domestic_racks : float
        ``K``, China's racks (East and West).
    foreign_share : float
        ``s_f``, partners' share of global compute.
    china_share : float
        ``s_c``, China's share of global compute (above 0).
    access : float
        ``a``, share of partners' compute open to China's firms at full openness, in [0, 1].
    openness_in_effect : float
        ``o``, cross-border openness in effect, in [0, 1].

    Returns
    -------
    float
        Racks abroad that China's data work may use this quarter.
    """
    return access * (foreign_share / china_share) * openness_in_effect * domestic_racks


def bridge_coverage(capacity, transfers):
    """E32 (ODD 7.7): share of cross-border transfers the bridge carries, ``min(1, K / n)``.

    The hub that meets both mainland and international standards reviews and carries a
    finite number of transfers a quarter, ``K``; when more are made, each has that share of
    the bridge's discount (E16) and alignment (E9, E15) the next quarter.

    Parameters
    ----------
    capacity : float
        ``K``, transfers the bridge can carry a quarter, per 1,000 firms.
    transfers : float
        ``n``, cross-border transfers made this quarter, per 1,000 firms.

    Returns
    -------
    float
        In [0, 1]; 1 when the transfers fit (or there are none).
    """
    return 1.0 if transfers <= capacity else capacity / transfers


def hhi(sales):
    """E11 (ODD 7.9): Herfindahl-Hirschman index of sales shares, in [0, 1].

    Parameters
    ----------
    sales : array-like
        Each seller's sales (RMB).

    Returns
    -------
    float
        The sum of squared sales shares; 0 when nothing is sold.
    """
    sales = np.asarray(sales, dtype=float)
    total = sales.sum()
    if total <= 0:
        return 0.0
    shares = sales / total
    return float(np.sum(shares * shares))


def fresh_datasets(datasets, effort, release_per_effort, staleness):
    """E12 (ODD 7.4): open datasets next quarter, ``S' = S (1 - rho) + kappa e``.

    Parameters
    ----------
    datasets : float or numpy.ndarray
        Open datasets ``S`` of each holder.
    effort : float or numpy.ndarray
        Supply effort ``e`` in [0, 1].
    release_per_effort : float
        ``kappa``, datasets released per quarter at full effort.
    staleness : float
        ``rho``, the share of datasets that go stale each quarter.

    Returns
    -------
    float or numpy.ndarray
        Open datasets next quarter.
    """
    return datasets * (1.0 - staleness) + release_per_effort * effort


def public_product_size(base_size, datasets, reference_datasets, effort, reference_effort):
    """E13 (ODD 7.4): data units in one licence of a holder's open product.

    Breadth grows with the square root of fresh datasets; quality and update frequency with
    effort: ``size = s0 sqrt(S / S0) (0.5 + 0.5 e / e0)``.

    Parameters
    ----------
    base_size : float
        ``s0``, the size at the reference datasets and effort (data units).
    datasets : float or numpy.ndarray
        Open datasets ``S``.
    reference_datasets : float
        ``S0``, the reference datasets per holder (``reference_datasets_per_holder``, the
        2019 density), not the start-up density (340,000 / 226).
    effort : float or numpy.ndarray
        Supply effort ``e`` in [0, 1].
    reference_effort : float
        ``e0``, effort at start-up.

    Returns
    -------
    float or numpy.ndarray
        Data units in one licence.
    """
    return (
        base_size * np.sqrt(datasets / reference_datasets) * (0.5 + 0.5 * effort / reference_effort)
    )


def security_level(expected_fine, full_security_cost, intrinsic=0.2):
    """E14 (ODD 7.5): operator security in [0, 1], ``z = z0 + expected fine / cost``.

    A linear response: security rises from intrinsic care ``z0`` (0.2 by default,
    ``intrinsic_security``) with the fine expected at zero security, in units of the cost of
    full security. It is not the optimum of the operator's own costs: one minimising
    ``C z^2 + F (1 - z)`` (the security cost it pays, E7, and fines in proportion to
    ``1 - z``) would choose ``F / (2 C)``, half this slope and no intercept.

    Parameters
    ----------
    expected_fine : float or numpy.ndarray
        Fine expected per quarter at zero security (RMB).
    full_security_cost : float
        ``C``, the cost of full security (RMB per quarter).
    intrinsic : float, default 0.2
        ``z0``, the security kept with no expected fine.

    Returns
    -------
    float or numpy.ndarray
        Security level ``z`` in [0, 1].
    """
    return np.clip(intrinsic + expected_fine / full_security_cost, 0.0, 1.0)


def approval_probability(openness, strictness, sensitivity, alignment, relief=0.5):
    """E15 (ODD 7.7): probability a cross-border transfer is approved.

    ``openness (1 - strictness * sensitivity * (1 - r alignment))``: review refuses
    sensitive transfers, less so where standards are aligned through Hong Kong.

    Parameters
    ----------
    openness : float
        The ``openness`` lever, in [0, 1].
    strictness : float
        Review strictness in [0, 1].
    sensitivity : float or numpy.ndarray
        Sensitivity of the data transferred, in [0, 1].
    alignment : float or numpy.ndarray
        Share of aligned standards (Hong Kong bridge), in [0, 1].
    relief : float, default 0.5
        ``r``: the share of review an aligned transfer is spared, the scenario's
        ``bridge_review_relief``.

    Returns
    -------
    float or numpy.ndarray
        Approval probability in [0, 1].
    """
    return openness * (1.0 - strictness * sensitivity * (1.0 - relief * alignment))


def cross_border_cost(
    base_cost, infrastructure, strictness, bridge_discount, infrastructure_saving=0.5
):
    """E16 (ODD 7.7): compliance cost of one transfer (RMB).

    ``c_x (1 - g infra) (1 + strictness) (1 - bridge)``, ``g`` the scenario's
    ``infrastructure_cross_border_saving``.

    Parameters
    ----------
    base_cost : float
        ``c_x``, the compliance cost of a transfer with no infrastructure or bridge (RMB).
    infrastructure : float
        The ``infrastructure`` lever, in [0, 1].
    strictness : float
        Review strictness in [0, 1].
    bridge_discount : float or numpy.ndarray
        Cost saved through the Hong Kong bridge, as a share in [0, 1].
    infrastructure_saving : float, default 0.5
        ``g``: the share of the cost that full infrastructure saves.

    Returns
    -------
    float or numpy.ndarray
        Compliance cost per transfer (RMB).
    """
    return (
        base_cost
        * (1.0 - infrastructure_saving * infrastructure)
        * (1.0 + strictness)
        * (1.0 - bridge_discount)
    )


def sensitive_compute_factor(overhead, privacy_computing):
    """E27 (ODD 7.8): compute per unit of operators' sensitive data, ``1 + o privacy``.

    Privacy computing keeps the data hidden from its user at the price of more computation
    (``o``, the scenario's ``privacy_computing_compute_overhead``, at full level).

    Parameters
    ----------
    overhead : float
        ``o``: extra compute per sensitive data unit at level 1 (x the plain compute).
    privacy_computing : float
        The ``privacy_computing`` lever, in [0, 1].

    Returns
    -------
    float
        Compute per sensitive data unit, as a multiple of plain data's.
    """
    return 1.0 + overhead * privacy_computing


def audit_reach(audit_rate, traceability, gain):
    """E28 (ODD 7.6): probability an operator is audited in a quarter, ``min(1, a (1 + g T))``.

    Data identifiers and ledgers let the regulator check an operator's licences from its
    records, so audits reach ``1 + g T`` times as many operators; each audit costs the same
    (E22), and operators expect fines at this rate (E14).

    Parameters
    ----------
    audit_rate : float
        ``a``, the ``audit_rate`` lever (per operator-quarter), in [0, 1].
    traceability : float
        ``T``, the ``traceability`` lever, in [0, 1].
    gain : float
        ``g``, the scenario's ``traceability_audit_gain``.

    Returns
    -------
    float
        The probability of an audit per operator-quarter, in [0, 1].
    """
    return min(1.0, audit_rate * (1.0 + gain * traceability))


def supply_index(growth, quarters):
    """E29 (ODD 7.3): private data supply relative to the initial economy, ``(1 + g)^t``.

    The data a private product carries grows with the nation's data production, at ``g`` a
    quarter (the scenario's ``private_supply_growth``) for the ``t`` quarters since the
    initial economy.

    Parameters
    ----------
    growth : float
        ``g``, growth of data production per quarter.
    quarters : int
        ``t``, quarters since the initial economy (0 at its start).

    Returns
    -------
    float
        The index (1 at the start).
    """
    return (1.0 + growth) ** quarters


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

    Parameters
    ----------
    trust : float
        Trust last quarter, in [0.05, 1].
    recovery : float
        ``g``, the share of the gap to full trust recovered each quarter.
    loss_per_incident : float
        ``l``, trust lost per incident per 1,000 simulated firm slots (``n_firms``; the
        model divides by every slot, empty and abroad ones included).
    incidents_per_thousand_firms : float
        ``x``, incidents this quarter per 1,000 simulated firm slots (``n_firms``).
    pressure : float, default 0.0
        The remembered incident rate (E23), incidents per 1,000 firms a quarter.
    collapse_threshold : float, default np.inf
        Pressure above which trust collapses (E17b), incidents per 1,000 firms a quarter.
    collapse : float, default 0.0
        Share of trust lost in a collapse, in [0, 1].

    Returns
    -------
    float
        Trust this quarter, in [0.05, 1].
    """
    updated = trust + recovery * (1.0 - trust) - loss_per_incident * incidents_per_thousand_firms
    if pressure > collapse_threshold:
        updated *= 1.0 - collapse
    # np.clip of one float, without its array handling: the same bounds, NaN kept.
    return float(min(max(updated, 0.05), 1.0))


def incident_pressure(previous, incidents_per_thousand_firms, memory=0.75):
    """E23 (ODD 7.6): the incident rate firms remember, ``x' = m x + (1 - m) incidents``.

    Parameters
    ----------
    previous : float
        Last quarter's remembered rate (incidents per 1,000 firms a quarter).
    incidents_per_thousand_firms : float
        This quarter's incidents per 1,000 active firms.
    memory : float, default 0.75
        ``m``, the weight of the past (0.75 is about a year).

    Returns
    -------
    float
        The remembered rate (incidents per 1,000 firms a quarter).
    """
    return memory * previous + (1.0 - memory) * incidents_per_thousand_firms


def partner_openness(previous, openness, reciprocity, adjustment, retaliation, incidents):
    """E21 (ODD 7.7): foreign partners' openness to flows with China, in [0, 1].

    Partners move part way (``adjustment``) toward a reciprocal target
    ``1 - reciprocity (1 - openness)`` and cut their openness by ``retaliation`` per
    cross-border incident per 1,000 firms: ``P' = P + a (target - P) - r x``.

    Parameters
    ----------
    previous : float
        Partners' openness last quarter, in [0, 1].
    openness : float
        China's openness (the ``openness`` lever), in [0, 1].
    reciprocity : float
        How far partners mirror China's openness, in [0, 1].
    adjustment : float
        ``a``, the share of the gap to the target closed each quarter.
    retaliation : float
        ``r``, openness lost per cross-border incident per 1,000 firms.
    incidents : float
        ``x``, cross-border incidents this quarter per 1,000 firms.

    Returns
    -------
    float
        Partners' openness this quarter, in [0, 1].
    """
    target = 1.0 - reciprocity * (1.0 - openness)
    updated = previous + adjustment * (target - previous) - retaliation * incidents
    # np.clip of one float, without its array handling: the same bounds, NaN kept.
    return float(min(max(updated, 0.0), 1.0))


def policy_cost(
    infrastructure,
    registration,
    strictness,
    audits,
    bridge,
    costs,
    exchange_subsidy=0.0,
    privacy_computing=0.0,
    traceability=0.0,
):
    """E22 (ODD 7.9): the public cost of the levers in a quarter (RMB).

    Levels and switches scale the per-quarter cost of each lever at full level; the state's
    net cost of running the data exchanges (E26) is added as it is. The cold chain's
    measures are ``infrastructure``, ``privacy_computing`` and ``traceability``.

    Parameters
    ----------
    infrastructure : float
        The ``infrastructure`` lever, in [0, 1].
    registration : bool or float
        Registration on (1) or off (0).
    strictness : float
        Review strictness in force, in [0, 1] (0 while the border is closed).
    audits : int
        Audits made this quarter.
    bridge : bool or float
        The Hong Kong bridge on (1) or off (0).
    costs : dict
        Per-quarter costs (RMB): ``infrastructure`` at level 1, ``registration``, ``review``
        at strictness 1, one ``audit`` and the ``bridge``; ``privacy_computing`` and
        ``traceability`` at level 1 when those levels are not 0.
    exchange_subsidy : float, default 0.0
        What the exchanges' trades cost the state beyond the fees traders pay (RMB; negative
        when fees exceed the exchanges' cost).
    privacy_computing : float, default 0.0
        The ``privacy_computing`` lever, in [0, 1].
    traceability : float, default 0.0
        The ``traceability`` lever, in [0, 1].

    Returns
    -------
    float
        The levers' public cost this quarter (RMB).
    """
    return (
        infrastructure * costs["infrastructure"]
        + registration * costs["registration"]
        + strictness * costs["review"]
        + audits * costs["audit"]
        + bridge * costs["bridge"]
        + exchange_subsidy
        # A measure at 0 adds nothing and needs no cost entry.
        + (privacy_computing and privacy_computing * costs["privacy_computing"])
        + (traceability and traceability * costs["traceability"])
    )


def data_capability_cost(fixed_cost, licences):
    """E2b (ODD 7.2): the fixed cost of running a data capability, ``F`` if ``licences > 0``.

    A firm that licenses data this quarter pays ``F`` whatever it licenses (a data team,
    storage and governance), so a small or young firm can make a loss on data before it pays
    off (Farboodi & Veldkamp); a firm that licenses nothing pays nothing.

    Parameters
    ----------
    fixed_cost : float
        ``F``, RMB per quarter.
    licences : numpy.ndarray
        Data products each firm licensed this quarter.

    Returns
    -------
    numpy.ndarray
        The cost per firm (RMB per quarter).
    """
    return np.where(licences > 0, fixed_cost, 0.0)


def data_setup_cost(setup_cost, licences, set_up):
    """E2c (ODD 7.2): the one-off cost of building a data capability, ``S`` if
    ``licences > 0`` and the firm has none yet.

    A firm pays ``S`` in the first quarter it licenses data (hiring, pipelines, governance
    set up before the data pays), then E2b's running cost; firms of the initial economy have
    their capability already. So a data-driven entrant opens with a loss unless its first
    licences pay at once (Farboodi & Veldkamp).

    Parameters
    ----------
    setup_cost : float
        ``S``, RMB, once.
    licences : numpy.ndarray
        Data products each firm licensed this quarter.
    set_up : numpy.ndarray
        Whether each firm has a data capability already.

    Returns
    -------
    numpy.ndarray
        The cost per firm this quarter (RMB).
    """
    return np.where((licences > 0) & ~set_up, setup_cost, 0.0)


def capability_growth(capability, diffusion):
    """E18 (ODD 7.2): logistic diffusion of digital capability, ``g c (1 - c)``.

    Parameters
    ----------
    capability : float or numpy.ndarray
        Digital capability ``c`` in [0, 1].
    diffusion : float
        ``g``, the diffusion rate per quarter.

    Returns
    -------
    float or numpy.ndarray
        Capability gained this quarter.
    """
    return diffusion * capability * (1.0 - capability)


def exit_probability(base_hazard, surplus, loss_multiplier=5.0):
    """E19 (ODD 7.2): quarterly exit probability, ``m`` times higher for loss-makers.

    ``P(exit) = h * (m if surplus < 0 else 1)``.

    Parameters
    ----------
    base_hazard : float
        Exit probability per quarter of a profitable firm, ``h``.
    surplus : numpy.ndarray
        Each firm's surplus last quarter (RMB).
    loss_multiplier : float, default 5.0
        ``m``: the hazard of a loss-maker relative to ``h`` (``loss_exit_multiplier``).

    Returns
    -------
    numpy.ndarray
        Exit probability per quarter, one per firm.
    """
    return base_hazard * np.where(surplus < 0, loss_multiplier, 1.0)


def exchange_saving_share(max_saving, liquidity, half_liquidity):
    """E25 (ODD 7.3): share of a trade's transaction cost an exchange saves, ``s L / (L + L_h)``.

    An exchange saves search, contracting and compliance work in proportion to how much
    trade it already carries: its liquidity ``L``, the exchange-traded share of trade last
    quarter. At ``L = L_h`` it saves half of ``s``.

    Parameters
    ----------
    max_saving : float
        ``s``: the share saved at full liquidity, in [0, 1] (``exchange_saving``).
    liquidity : float
        ``L``: exchange-traded share of trade value last quarter, in [0, 1].
    half_liquidity : float
        ``L_h``: the liquidity at which half of ``s`` is saved (``exchange_liquidity_half``).

    Returns
    -------
    float
        The share of the transaction cost saved, in [0, s] (0 while no trade goes through
        exchanges, whatever ``L_h``).
    """
    if liquidity <= 0:
        return 0.0
    return max_saving * liquidity / (liquidity + half_liquidity)


def exchange_choice(transaction_cost, saving_share, fee, dispersion):
    """E26 (ODD 7.3): logit choice between an exchange and over-the-counter trade.

    A trade on the exchange saves ``s tau`` of the firm's transaction cost ``tau`` and pays
    the fee ``f``; idiosyncratic costs of each channel are Gumbel with scale ``d``. So the
    exchange carries ``pi = 1 / (1 + exp(-g / d))`` of the firm's trades, with
    ``g = s tau - f``, and its expected cost of a trade is ``tau - d ln(1 + exp(g / d))``
    (the logit inclusive value; it tends to ``tau`` as the exchange becomes never worth it,
    and at ``g = 0`` it is ``tau - d ln 2``).

    Parameters
    ----------
    transaction_cost : numpy.ndarray
        ``tau``: each firm's cost of one over-the-counter trade (RMB per licence).
    saving_share : float
        ``s``: the share of it the exchange saves (E25).
    fee : float
        ``f``: what a trader pays the exchange per trade; negative for a subsidy (RMB).
    dispersion : float
        ``d`` > 0: scale of the idiosyncratic costs (RMB per licence).

    Returns
    -------
    tuple of numpy.ndarray
        ``(pi, expected_cost)``: the exchange's share of each firm's trades, in (0, 1),
        and each firm's expected transaction cost of a trade, fee included (RMB).
    """
    gain = (saving_share * np.asarray(transaction_cost, dtype=float) - fee) / dispersion
    share = 0.5 * (1.0 + np.tanh(0.5 * gain))  # the logistic function, stable for any gain
    return share, transaction_cost - dispersion * np.logaddexp(0.0, gain)


def top_share(values, fraction=0.1):
    """E24 (ODD 7.9): the share of the total held by the largest ``fraction`` of values.

    ``S = sum of the ceil(f n) largest x / sum of x``: the firm-size skew (the top-decile
    share of output at the default ``f = 0.1``).

    Parameters
    ----------
    values : array-like
        Non-negative sizes, one per unit (e.g. each active firm's output, RMB).
    fraction : float, default 0.1
        The share of units counted as the top, in (0, 1].

    Returns
    -------
    float
        The top units' share of the total, in [f, 1] for ``n >= 1``; 0 when the total is 0.
    """
    values = np.asarray(values, dtype=float)
    total = values.sum()
    if total <= 0:
        return 0.0
    top = int(np.ceil(fraction * len(values)))
    return float(np.partition(values, len(values) - top)[len(values) - top :].sum() / total)


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
    """E20 (ODD 7.9): total welfare per quarter.

    Firm surplus, operator profit, holder and supplier revenue, clawbacks and fines, minus
    holders' supply cost, incident losses and the levers' public cost (E22). All terms in
    RMB per quarter.

    Parameters
    ----------
    firm_surplus : float
        Firms' surplus (RMB per quarter).
    operator_profit : float
        Authorised operators' profit (RMB per quarter).
    holder_revenue : float
        Public holders' fee and revenue-share income (RMB per quarter).
    supplier_revenue : float
        Private suppliers' revenue (RMB per quarter).
    government_receipts : float
        Clawbacks and fines collected (RMB per quarter).
    supply_cost : float
        Holders' cost of supply effort (RMB per quarter).
    incident_loss : float
        Losses from security incidents (RMB per quarter).
    policy_cost : float, default 0.0
        The levers' public cost, E22 (RMB per quarter).

    Returns
    -------
    float
        Welfare (RMB per quarter).
    """
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
