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

    def blocks(self, kind: int) -> np.ndarray:
        """Catalogue columns of one kind."""
        return np.flatnonzero(self.kind == kind)


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

    Returns ``(value, usage_cost, cross_border)``, each (firms, view).
    """
    s, p, policy = model.firm_state, model.params, model.policy
    base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
    marginal = eq.marginal_product_of_data(base, s.data_stock, p.data_elasticity, p.data_scale)
    per_unit = eq.data_licence_value(
        marginal * s.capability * s.active, 1.0, p.data_depreciation, p.discount_rate
    )
    product = view.product
    size = catalogue.size[product]
    trust = np.where(view.kind == PUBLIC, 1.0, np.where(view.kind == PRIVATE, 1.0, model.trust))
    value = (per_unit[:, None] * size) * catalogue.relevance[s.sector[:, None], product]
    value *= view.fit * trust

    abroad = s.region >= 2
    foreign_slot = view.kind == FOREIGN
    cross_border = abroad[:, None] ^ foreign_slot[None, :]
    search = np.where(
        view.kind == PUBLIC,
        p.search_cost_rmb * (0.4 if policy.registration else 1.0),
        np.where(view.kind == PRIVATE, p.search_cost_rmb, 0.0),
    )
    compliance = np.where(
        view.kind == OPERATOR,
        p.sensitive_compliance_cost_rmb * (1 - 0.6 * policy.infrastructure),
        0.0,
    )
    usage = (p.integration_cost_rmb * (1 - 0.7 * s.capability))[:, None] + (search + compliance)
    usage = usage + model.compute_cost_per_unit * size
    bridge = np.where(s.region == 2, 0.6, 0.3) * policy.hk_bridge
    cb_cost = (
        p.cross_border_cost_rmb
        * (1 - 0.5 * policy.infrastructure)
        * (1 + model.regulator.review_strictness)
        * (1 - bridge)
    )
    usage = usage + cross_border * cb_cost[:, None]
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
    pi = s.public_interest[:, None]
    price = np.where(pi, catalogue.price_public_interest[product], catalogue.price[product])
    surplus = value - price - usage
    visible = ~view.needs_registration | policy.registration
    abroad = s.region >= 2
    excluded = abroad[:, None] & (view.kind == FOREIGN)[None, :]
    want = (surplus > 0) & visible & catalogue.available[product] & ~excluded
    want &= s.active[:, None]

    ops = np.flatnonzero(view.kind == OPERATOR)
    if len(ops):
        op_score = np.where(want[:, ops], surplus[:, ops] + view.tie_break[:, ops], -np.inf)
        best = np.argmax(op_score, axis=1)
        keep = np.zeros_like(want[:, ops])
        keep[np.arange(len(best)), best] = True
        want[:, ops] &= keep

    asks = want & cross_border
    if asks.any():
        sens = SENSITIVITY[view.kind]
        align = (np.where(s.region == 2, 1.0, 0.5) * policy.hk_bridge)[:, None]
        strict = model.regulator.review_strictness
        p_approve = policy.openness * (1 - strict * sens[None, :] * (1 - 0.5 * align))
        draws = rng.random(int(asks.sum()))
        approved = draws < np.broadcast_to(p_approve, asks.shape)[asks]
        refused = np.zeros_like(asks)
        refused[asks] = ~approved
        want &= ~refused

    bought = want
    paid = np.where(bought, price, 0.0)
    size = catalogue.size[product]
    data_units = np.where(bought, size, 0.0)
    flat_products = product[bought]
    n_products = len(catalogue.kind)
    transfers = bought & cross_border
    sens_transfers = np.where(transfers, SENSITIVITY[view.kind][None, :], 0.0)
    sens_total = float(sens_transfers.sum())
    hk_share = float(sens_transfers[s.region == 2].sum() / sens_total) if sens_total > 0 else 0.0
    return Clearing(
        bought=bought,
        paid=paid,
        cross_border=cross_border,
        data_added=data_units.sum(axis=1),
        spending=paid.sum(axis=1),
        usage_cost=np.where(bought, usage, 0.0).sum(axis=1),
        revenue=np.bincount(flat_products, weights=paid[bought], minlength=n_products),
        uses=np.bincount(flat_products, minlength=n_products).astype(float),
        sensitive_transfers=sens_total,
        hong_kong_transfer_share=hk_share,
        data_volume=float(data_units.sum()),
    )
