"""The data market: the catalogue of products, what firms see, valuation and clearing (ODD 7.3).

Products sit in one :class:`Catalogue` with a fixed layout of blocks: public holders' open
products, operator licence slots, private suppliers' products and foreign products. The
catalogue is the one home of every price; the populations' ``price`` columns are views of
their block. Each firm sees a fixed set of catalogue columns (its :class:`View`) with a
firm-product fit; registration widens the public part of the view. Valuation and clearing
are vectorised over the firms x view matrix and take everything they read as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from econ import equations as eq
from econ.agents.firms import FirmTable
from econ.categories import ProductKind, Region, Sector, is_abroad
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = [
    "SENSITIVITY",
    "Catalogue",
    "Clearing",
    "Market",
    "Valuation",
    "View",
    "clear",
    "refresh_catalogue",
    "sample_willingness_to_pay",
    "set_foreign_prices",
    "value_licences",
]

PUBLIC, OPERATOR, PRIVATE, FOREIGN = (int(k) for k in ProductKind)
#: Sensitivity of each kind of product, in [0, 1]: drives review refusals and incident risk.
SENSITIVITY = np.array([0.1, 0.8, 0.3, 0.2])
#: Relevance of a product to a sector (ODD 7.3): open data is most relevant to its holder's
#: sector, processed sensitive data is broad, private data is narrow outside its own sector.
PUBLIC_RELEVANCE, OWN_SECTOR_RELEVANCE = 0.4, 1.0
OPERATOR_RELEVANCE, PRIVATE_RELEVANCE = 0.8, 0.3
#: Breadth of foreign data relative to domestic, per unit of relative compute share.
FOREIGN_RELEVANCE_PER_COMPUTE = 0.12
#: Share of the search cost of public data that registration and disclosure save.
REGISTRATION_SEARCH_SAVING = 0.6
#: Shares of compliance and integration costs that infrastructure and capability save.
INFRASTRUCTURE_COMPLIANCE_SAVING, CAPABILITY_INTEGRATION_SAVING = 0.6, 0.7
#: Cross-border cost discount (E16) and review alignment (E15) the bridge gives, by region.
BRIDGE_DISCOUNT = {"hong_kong": 0.6, "other": 0.3}
BRIDGE_ALIGNMENT = {"hong_kong": 1.0, "other": 0.5}


@dataclass(eq=False)
class Catalogue:
    """All data products, one entry per catalogue column (ODD 2.5)."""

    kind: np.ndarray  # ProductKind code of each product
    owner: np.ndarray  # row in the owner's state table
    size: np.ndarray  # data units one licence adds
    base_relevance: np.ndarray  # (sectors, products): relevance with broad trading
    relevance: np.ndarray  # (sectors, products): relevance under this quarter's policy
    available: np.ndarray  # bool
    price: np.ndarray  # RMB per licence-quarter, commercial users
    price_public_interest: np.ndarray  # RMB per licence-quarter, public-interest users

    @classmethod
    def layout(
        cls,
        scenario: Scenario,
        n_operators: int,
        holder_sector: np.ndarray,
        supplier_sector: np.ndarray,
        supplier_quality: np.ndarray,
    ) -> Catalogue:
        """The catalogue's fixed blocks, relevances and the sizes of static products."""
        h, o = len(holder_sector), n_operators
        m, k = len(supplier_sector), scenario.n_foreign_products
        counts = (h, o, m, k)
        kind = np.concatenate([np.full(n, c) for n, c in zip(counts, ProductKind, strict=True)])
        owner = np.concatenate([np.arange(h), np.arange(o), np.arange(m), np.arange(k)])
        rel = np.empty((len(Sector), len(kind)))
        rel[:, kind == PUBLIC] = PUBLIC_RELEVANCE
        rel[holder_sector, np.arange(h)] = OWN_SECTOR_RELEVANCE
        rel[:, kind == OPERATOR] = OPERATOR_RELEVANCE
        rel[:, kind == PRIVATE] = PRIVATE_RELEVANCE
        rel[supplier_sector, h + o + np.arange(m)] = OWN_SECTOR_RELEVANCE
        # Foreign data is broad; its breadth relative to domestic data follows compute shares.
        compute_ratio = min(2.0, scenario.foreign_compute_share / scenario.china_compute_share)
        rel[:, kind == FOREIGN] = FOREIGN_RELEVANCE_PER_COMPUTE * compute_ratio
        size = np.zeros(len(kind))
        size[kind == PRIVATE] = scenario.private_product_size * supplier_quality
        size[kind == FOREIGN] = scenario.foreign_product_size
        zeros = np.zeros(len(kind))
        return cls(kind, owner, size, rel, rel.copy(), zeros > 0, zeros, zeros.copy())

    def block(self, kind: ProductKind) -> slice:
        """The catalogue columns of one kind of product (blocks are contiguous)."""
        where = np.flatnonzero(self.kind == kind)
        return slice(int(where[0]), int(where[-1]) + 1) if len(where) else slice(0, 0)

    def copy(self) -> Catalogue:
        """An independent copy (the calibration warm-up works on one)."""
        return replace(self, **{k: v.copy() for k, v in self.__dict__.items()})


@dataclass(eq=False)
class View:
    """What each firm sees: catalogue columns and fit, one row per firm slot."""

    product: np.ndarray  # (firms, view) int32: catalogue column of each view slot
    fit: np.ndarray  # (firms, view) float32: bounded-Pareto firm-product fit
    tie_break: np.ndarray  # (firms, view) float32: tiny preference among identical operators
    kind: np.ndarray  # (view,) kind of product in each view slot (fixed by layout)
    needs_registration: np.ndarray  # (view,) bool: visible only with registration

    @classmethod
    def layout(cls, scenario: Scenario, catalogue: Catalogue) -> View:
        """Empty views: which kind of product each slot holds (operators and foreign fixed)."""
        has_private = scenario.n_private_suppliers > 0
        kind = np.concatenate(
            [
                np.full(scenario.public_seen, PUBLIC),
                np.full(scenario.private_seen if has_private else 0, PRIVATE),
                np.full(int(np.sum(catalogue.kind == OPERATOR)), OPERATOR),
                np.full(scenario.n_foreign_products, FOREIGN),
            ]
        )
        needs_registration = (kind == PUBLIC) & (
            np.cumsum(kind == PUBLIC) > scenario.public_seen_unregistered
        )
        n, width = scenario.n_firms, len(kind)
        product = np.zeros((n, width), dtype=np.int32)
        for fixed in (OPERATOR, FOREIGN):
            product[:, kind == fixed] = np.flatnonzero(catalogue.kind == fixed)
        zeros = np.zeros((n, width), dtype=np.float32)
        return cls(product, zeros, zeros.copy(), kind, needs_registration)

    def draw(
        self, rows: np.ndarray, scenario: Scenario, catalogue: Catalogue, rng: np.random.Generator
    ) -> None:
        """Draw what firms ``rows`` see and how well each product fits them (ODD 5).

        Distinct public and private products through a random start and a coprime stride;
        fit is bounded Pareto (its tail index sets the price elasticity of demand).
        """
        n = len(rows)
        for kind in (PUBLIC, PRIVATE):
            cols = np.flatnonzero(self.kind == kind)
            offered = np.flatnonzero(catalogue.kind == kind)
            total = len(offered)
            if len(cols) == 0 or total == 0:
                continue
            steps = np.arange(1, total + 1)
            strides = steps[np.gcd(steps, total) == 1]
            start = rng.integers(total, size=n)
            stride = rng.choice(strides, size=n)
            seen = (start[:, None] + stride[:, None] * np.arange(len(cols))) % total
            self.product[np.ix_(rows, cols)] = offered[seen]
        tail, ratio = scenario.fit_tail_index, scenario.fit_max_ratio
        u = rng.random((n, len(self.kind)))
        fit = scenario.fit_scale * (1.0 - u * (1.0 - ratio**-tail)) ** (-1.0 / tail)
        ops = self.kind == OPERATOR
        fit[:, ops] = fit[:, ops][:, :1]  # operators sell the same underlying data
        self.fit[rows] = fit
        self.tie_break[rows] = rng.random((n, len(self.kind))) * 1e-6


@dataclass(eq=False)
class Market:
    """The data market: its catalogue, what each firm sees, and the firms sellers watch."""

    catalogue: Catalogue
    view: View
    price_sample: np.ndarray  # rows of the firms whose demand sellers sample (E5)


@dataclass(eq=False)
class Valuation:
    """What each firm would gain from each product in its view (firms x view)."""

    value: np.ndarray  # RMB: present value of the licence (E4)
    usage: np.ndarray  # RMB: non-fee costs of using it
    cross_border: np.ndarray  # bool: the licence would cross the border


@dataclass(eq=False)
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


def refresh_catalogue(
    catalogue: Catalogue,
    policy: Policy,
    scenario: Scenario,
    public_size: np.ndarray,
    sensitive_quality: float,
    licensed: np.ndarray,
    foreign_supply: float = 1.0,
) -> None:
    """This quarter's sizes, availability and relevance (ODD 3, step 3).

    ``foreign_supply`` in [0, 1] scales what foreign partners supply (their openness, E21).
    """
    c = catalogue
    public, ops = c.block(ProductKind.PUBLIC), c.block(ProductKind.OPERATOR)
    private = c.block(ProductKind.PRIVATE)
    c.size[public] = public_size
    c.available[public] = True
    c.size[ops] = scenario.sensitive_product_size * sensitive_quality
    c.available[ops] = licensed
    c.available[private] = policy.private_data != "ban"
    foreign = c.block(ProductKind.FOREIGN)
    c.size[foreign] = scenario.foreign_product_size * foreign_supply
    c.available[foreign] = policy.openness > 0
    c.relevance[:, private] = c.base_relevance[:, private]
    if policy.private_data == "hoard":
        # Data-rich firms do not sell to rivals in their own sector (Jones & Tonetti).
        own = c.base_relevance[:, private] == OWN_SECTOR_RELEVANCE
        c.relevance[:, private][own] = 0.0


def value_licences(
    firms: FirmTable,
    market: Market,
    policy: Policy,
    scenario: Scenario,
    *,
    value_per_unit: np.ndarray,
    trust: float,
    review_strictness: float,
    compute_cost_per_unit: float,
) -> Valuation:
    """E4 for every firm and view slot, and the non-fee costs of using each product (ODD 7.3).

    ``value_per_unit`` is each firm's present value of one data unit (E1-E4, from
    :meth:`econ.agents.Firms.value_per_unit`). What a licence is worth per unit of it depends
    only on the firm's sector and the product, so it is tabulated once and gathered.
    """
    c, v = market.catalogue, market.view
    kind = c.kind
    trusting = np.where((kind == OPERATOR) | (kind == FOREIGN), trust, 1.0)
    worth = c.relevance * (c.size * trusting * c.available)
    sector_product = firms.sector.astype(np.int32)[:, None] * len(kind) + v.product
    value = worth.ravel()[sector_product]
    value *= value_per_unit[:, None]
    value *= v.fit

    # Non-fee costs: search, compliance and compute per product; integration per firm.
    saving = REGISTRATION_SEARCH_SAVING if policy.registration else 0.0
    search = np.select(
        [kind == PUBLIC, kind == PRIVATE],
        [scenario.search_cost_rmb * (1 - saving), scenario.search_cost_rmb],
        0.0,
    )
    compliance = np.where(
        kind == OPERATOR,
        scenario.sensitive_compliance_cost_rmb
        * (1 - INFRASTRUCTURE_COMPLIANCE_SAVING * policy.infrastructure),
        0.0,
    )
    product_cost = search + compliance + compute_cost_per_unit * c.size
    usage = product_cost[v.product]
    integration = scenario.integration_cost_rmb * (
        1 - CAPABILITY_INTEGRATION_SAVING * firms.capability
    )
    usage += integration[:, None]

    abroad = is_abroad(firms.region)
    foreign_slot = v.kind == FOREIGN
    cross_border = abroad[:, None] ^ foreign_slot[None, :]
    hong_kong = firms.region == Region.HONG_KONG
    bridge = policy.hk_bridge * np.where(
        hong_kong, BRIDGE_DISCOUNT["hong_kong"], BRIDGE_DISCOUNT["other"]
    )
    cb_cost = eq.cross_border_cost(
        scenario.cross_border_cost_rmb, policy.infrastructure, review_strictness, bridge
    )
    # Only Hong Kong and foreign rows, and the foreign columns, can cross the border.
    rows = np.flatnonzero(abroad)
    usage[rows] += cross_border[rows] * cb_cost[rows, None]
    mainland = np.flatnonzero(~abroad)
    usage[np.ix_(mainland, np.flatnonzero(foreign_slot))] += cb_cost[mainland, None]
    return Valuation(value, usage, cross_border)


def sample_willingness_to_pay(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    openness: float | None = None,
) -> np.ndarray:
    """Willingness to pay of the price-setting sample, scattered to (sample, products).

    Sellers know demand only through a fixed random sample of firms. A buyer who cannot
    buy (inactive, or across a closed border) is not demand: its entry is NaN. ``openness``
    is the openness in effect (default: the policy's).
    """
    openness = policy.openness if openness is None else openness
    rows, v = market.price_sample, market.view
    wtp = np.full((len(rows), len(market.catalogue.kind)), np.nan)
    can_buy = np.broadcast_to(firms.active[rows, None], (len(rows), len(v.kind)))
    if openness == 0:
        can_buy = can_buy & ~valuation.cross_border[rows]
    net = np.where(can_buy, valuation.value[rows] - valuation.usage[rows], np.nan)
    wtp[np.arange(len(rows))[:, None], v.product[rows]] = net
    return wtp


def set_foreign_prices(catalogue: Catalogue, wtp: np.ndarray, speed: float) -> None:
    """Foreign suppliers price like private ones: E5 on sampled demand, adjusted by E5b."""
    foreign = catalogue.block(ProductKind.FOREIGN)
    if foreign.stop > foreign.start:
        target = eq.revenue_maximising_price(wtp[:, foreign])
        catalogue.price[foreign] = eq.adjusted_price(catalogue.price[foreign], target, speed)
        catalogue.price_public_interest[foreign] = catalogue.price[foreign]


def clear(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    review_strictness: float,
    rng: np.random.Generator,
    openness: float | None = None,
) -> Clearing:
    """Firms license every visible product worth more than its full cost (ODD 7.3).

    Cross-border transfers need approval (E15: openness, review strictness, sensitivity,
    bridge); operators' products are substitutes, so a firm licenses at most one of them.
    ``rng`` draws the approvals (one uniform per request, in row-major order). ``openness``
    is the openness in effect, China's times its partners' (default: the policy's).
    """
    openness = policy.openness if openness is None else openness
    c, v = market.catalogue, market.view
    product = v.product
    price = c.price[product]
    pi_rows = np.flatnonzero(firms.public_interest)
    price[pi_rows] = c.price_public_interest[product[pi_rows]]
    surplus = valuation.value - price
    surplus -= valuation.usage
    want = surplus > 0  # unavailable products are worth nothing (see value_licences)
    want &= firms.active[:, None]
    if not policy.registration:
        want[:, v.needs_registration] = False
    abroad = is_abroad(firms.region)
    foreign_cols = np.flatnonzero(v.kind == FOREIGN)
    want[np.ix_(np.flatnonzero(abroad), foreign_cols)] = False  # foreign data stays abroad

    ops = np.flatnonzero(v.kind == OPERATOR)
    if len(ops) and c.available[product[0, ops]].any():
        op_score = np.where(want[:, ops], surplus[:, ops] + v.tie_break[:, ops], -np.inf)
        best = np.argmax(op_score, axis=1)
        keep = np.zeros((len(best), len(ops)), dtype=bool)
        keep[np.arange(len(best)), best] = True
        want[:, ops] &= keep

    asks = want & valuation.cross_border
    n_asks = int(np.count_nonzero(asks))
    if n_asks:
        sensitivity = SENSITIVITY[v.kind]
        hong_kong = firms.region == Region.HONG_KONG
        alignment = policy.hk_bridge * np.where(
            hong_kong, BRIDGE_ALIGNMENT["hong_kong"], BRIDGE_ALIGNMENT["other"]
        )
        rows, cols = np.nonzero(asks)
        p_approve = eq.approval_probability(
            openness, review_strictness, sensitivity[cols], alignment[rows]
        )
        refused = rng.random(n_asks) >= p_approve
        want[rows[refused], cols[refused]] = False

    bought = want
    paid = np.where(bought, price, 0.0)
    data_units = np.where(bought, c.size[product], 0.0)
    flat_products = product[bought]
    n_products = len(c.kind)
    t_rows, t_cols = np.nonzero(bought & valuation.cross_border)
    t_sens = SENSITIVITY[v.kind[t_cols]]
    sens_total = float(t_sens.sum())
    hk = firms.region[t_rows] == Region.HONG_KONG
    hk_share = float(t_sens[hk].sum() / sens_total) if sens_total > 0 else 0.0
    return Clearing(
        bought=bought,
        paid=paid,
        cross_border=valuation.cross_border,
        data_added=data_units.sum(axis=1),
        spending=paid.sum(axis=1),
        usage_cost=np.where(bought, valuation.usage, 0.0).sum(axis=1),
        revenue=np.bincount(flat_products, weights=paid[bought], minlength=n_products),
        uses=np.bincount(flat_products, minlength=n_products).astype(float),
        sensitive_transfers=sens_total,
        hong_kong_transfer_share=hk_share,
        data_volume=float(data_units.sum()),
    )
