"""The data market: what firms see, how they value it, and what they license (ODD 7.3).

Products sit in one catalogue with a fixed layout of blocks: public holders' open products,
operator licence slots, private suppliers' products, and foreign products. Each firm sees a
fixed set of catalogue columns (its *view*) with a firm-product *fit*; registration widens the
public part of the view. Clearing is vectorised over the firms x view matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq

__all__ = ["Catalogue", "Clearing", "View", "clear"]

PUBLIC, OPERATOR, PRIVATE, FOREIGN = 0, 1, 2, 3
#: Sensitivity of each kind of product, in [0, 1]: drives review refusals and incident risk.
SENSITIVITY = np.array([0.1, 0.8, 0.3, 0.2])


@dataclass
class Catalogue:
    """All data products this quarter, one entry per catalogue column (ODD 2.5)."""

    kind: np.ndarray  # PUBLIC, OPERATOR, PRIVATE or FOREIGN
    owner: np.ndarray  # row in the owner's state table
    size: np.ndarray  # data units one licence adds
    relevance: np.ndarray  # (sectors, products): relevance of a product to a sector
    available: np.ndarray  # bool
    price: np.ndarray  # RMB per licence-quarter, commercial users
    price_public_interest: np.ndarray  # RMB per licence-quarter, public-interest users


@dataclass
class View:
    """What each firm sees: catalogue columns and fit, one row per firm slot."""

    product: np.ndarray  # (firms, view) int: catalogue column of each view slot
    fit: np.ndarray  # (firms, view) float32: Pareto-distributed firm-product fit
    tie_break: np.ndarray  # (firms, view) float32: tiny preference among identical operators
    kind: np.ndarray  # (view,) kind of product in each view slot (fixed by layout)
    needs_registration: np.ndarray  # (view,) bool: visible only with registration


@dataclass
class Clearing:
    """Outcome of one quarter's market (simulated economy, RMB per quarter)."""

    bought: np.ndarray  # (firms, view) bool
    paid: np.ndarray  # (firms, view) RMB
    cross_border: np.ndarray  # (firms, view) bool: a cross-border transfer
    data_added: np.ndarray  # (firms,) data units
    spending: np.ndarray  # (firms,) RMB
    usage_cost: np.ndarray  # (firms,) RMB of non-fee costs
    revenue: np.ndarray  # (products,) RMB
    uses: np.ndarray  # (products,) licences
    sensitive_transfers: float  # sensitivity-weighted cross-border transfers
    hong_kong_transfer_share: float  # share of those made by Hong Kong firms
    data_volume: float  # data units licensed (drives compute load)


def willingness_to_pay(model, catalogue: Catalogue, view: View):
    """E4 for every firm and view slot, and the non-fee costs of using each product (ODD 7.3).

    Returns ``(value, usage_cost, cross_border)``, each (firms, view). What a licence is worth
    per unit of a firm's marginal data value depends only on the firm's sector and the
    product, so it is tabulated once per quarter and gathered with one index.
    """
    s, p, policy = model.firm_state, model.params, model.policy
    base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
    marginal = eq.marginal_product_of_data(base, s.data_stock, p.data_elasticity, p.data_scale)
    per_unit = eq.data_licence_value(
        marginal * s.capability * s.active, 1.0, p.data_depreciation, p.discount_rate
    )
    kind = catalogue.kind
    trust = np.where((kind == OPERATOR) | (kind == FOREIGN), model.trust, 1.0)
    worth = catalogue.relevance * (catalogue.size * trust * catalogue.available)
    n_products = len(kind)
    sector_product = s.sector.astype(np.int32)[:, None] * n_products + view.product
    value = worth.ravel()[sector_product]
    value *= per_unit[:, None]
    value *= view.fit

    # Non-fee costs: search, compliance and compute per product; integration per firm.
    search = np.select(
        [kind == PUBLIC, kind == PRIVATE],
        [p.search_cost_rmb * (0.4 if policy.registration else 1.0), p.search_cost_rmb],
        0.0,
    )
    compliance = np.where(
        kind == OPERATOR, p.sensitive_compliance_cost_rmb * (1 - 0.6 * policy.infrastructure), 0.0
    )
    product_cost = search + compliance + model.compute_cost_per_unit * catalogue.size
    usage = product_cost[view.product]
    usage += (p.integration_cost_rmb * (1 - 0.7 * s.capability))[:, None]

    abroad = s.region >= 2
    cross_border = abroad[:, None] ^ (view.kind == FOREIGN)[None, :]
    bridge = np.where(s.region == 2, 0.6, 0.3) * policy.hk_bridge
    cb_cost = eq.cross_border_cost(
        p.cross_border_cost_rmb, policy.infrastructure, model.regulator.review_strictness, bridge
    )
    # Only Hong Kong and foreign rows, and the foreign columns, can cross the border.
    rows = np.flatnonzero(abroad)
    usage[rows] += cross_border[rows] * cb_cost[rows, None]
    foreign_cols = np.flatnonzero(view.kind == FOREIGN)
    mainland = np.flatnonzero(~abroad)
    usage[np.ix_(mainland, foreign_cols)] += cb_cost[mainland, None]
    return value, usage, cross_border


def sample_wtp(model, catalogue: Catalogue, view: View, value, usage) -> np.ndarray:
    """Willingness to pay of the price-setting sample, scattered to (sample, products).

    Sellers know demand only through a fixed random sample of firms (``model.price_sample``).
    """
    rows = model.price_sample
    wtp = np.full((len(rows), len(catalogue.kind)), np.nan)
    live = model.firm_state.active[rows]
    net = np.where(live[:, None], value[rows] - usage[rows], np.nan)
    wtp[np.arange(len(rows))[:, None], view.product[rows]] = net
    return wtp


def clear(
    model, catalogue: Catalogue, view: View, value, usage, cross_border, rng: np.random.Generator
) -> Clearing:
    """Firms license every visible product worth more than its full cost (ODD 7.3).

    Cross-border transfers need approval (openness, review strictness, sensitivity, bridge);
    operators' products are substitutes, so a firm licenses at most one of them.
    """
    s, policy = model.firm_state, model.policy
    product = view.product
    price = catalogue.price[product]
    pi_rows = np.flatnonzero(s.public_interest)
    price[pi_rows] = catalogue.price_public_interest[product[pi_rows]]
    surplus = value - price
    surplus -= usage
    want = surplus > 0  # unavailable products are worth nothing (see willingness_to_pay)
    want &= s.active[:, None]
    if not policy.registration:
        want[:, view.needs_registration] = False
    abroad_rows = np.flatnonzero(s.region >= 2)
    foreign_cols = np.flatnonzero(view.kind == FOREIGN)
    want[np.ix_(abroad_rows, foreign_cols)] = False  # foreign data stays abroad for them

    ops = np.flatnonzero(view.kind == OPERATOR)
    if len(ops) and catalogue.available[product[0, ops]].any():
        op_score = np.where(want[:, ops], surplus[:, ops] + view.tie_break[:, ops], -np.inf)
        best = np.argmax(op_score, axis=1)
        keep = np.zeros((len(best), len(ops)), dtype=bool)
        keep[np.arange(len(best)), best] = True
        want[:, ops] &= keep

    asks = want & cross_border
    n_asks = int(np.count_nonzero(asks))
    if n_asks:
        sens = SENSITIVITY[view.kind]
        align = (np.where(s.region == 2, 1.0, 0.5) * policy.hk_bridge)[:, None]
        strict = model.regulator.review_strictness
        rows, cols = np.nonzero(asks)
        p_approve = eq.approval_probability(policy.openness, strict, sens[cols], align[rows, 0])
        refused = rng.random(n_asks) >= p_approve
        want[rows[refused], cols[refused]] = False

    bought = want
    paid = np.where(bought, price, 0.0)
    size = catalogue.size[product]
    data_units = np.where(bought, size, 0.0)
    flat_products = product[bought]
    n_products = len(catalogue.kind)
    transfers = bought & cross_border
    t_rows, t_cols = np.nonzero(transfers)
    t_sens = SENSITIVITY[view.kind[t_cols]]
    sens_total = float(t_sens.sum())
    hk = s.region[t_rows] == 2
    hk_share = float(t_sens[hk].sum() / sens_total) if sens_total > 0 else 0.0
    usage_paid = np.where(bought, usage, 0.0)
    return Clearing(
        bought=bought,
        paid=paid,
        cross_border=cross_border,
        data_added=data_units.sum(axis=1),
        spending=paid.sum(axis=1),
        usage_cost=usage_paid.sum(axis=1),
        revenue=np.bincount(flat_products, weights=paid[bought], minlength=n_products),
        uses=np.bincount(flat_products, minlength=n_products).astype(float),
        sensitive_transfers=sens_total,
        hong_kong_transfer_share=hk_share,
        data_volume=float(data_units.sum()),
    )
