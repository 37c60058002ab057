"""The data market: the catalogue of products, what firms see, valuation and clearing (ODD 7.3).

Products sit in one :class:`Catalogue` with a fixed layout of blocks: public holders' open
products, operator licence slots, private suppliers' products and foreign products. The
catalogue is the one home of every price; the populations' ``price`` columns are views of
their block. Each firm sees a fixed set of catalogue columns (its :class:`View`) with a
firm-product fit; registration widens the public part of the view. Valuation and clearing
take everything they read as arguments; they run as compiled passes over the firms
(:mod:`econ.kernels`), and their numpy versions over the firms x view matrices
(``*_reference``) are the readable reference the kernels are tested against.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from econ import equations as eq
from econ import kernels
from econ.agents.exchanges import DataExchanges
from econ.agents.firms import ENTRANT_DRAWS, Firms, FirmTable
from econ.categories import ProductKind, Region, Sector, is_abroad
from econ.policy import Policy
from econ.scenarios import Scenario
from econ.seeds import RandomStreams

__all__ = [
    "Catalogue",
    "Clearing",
    "Market",
    "Valuation",
    "View",
    "clear",
    "clear_reference",
    "enter_firms",
    "enter_firms_by_slot",
    "enter_firms_by_slot_reference",
    "enter_firms_reference",
    "refresh_catalogue",
    "sample_willingness_to_pay",
    "sample_willingness_to_pay_reference",
    "sampled_demand",
    "set_foreign_prices",
    "value_licences",
]

PUBLIC, OPERATOR, PRIVATE, FOREIGN = (int(k) for k in ProductKind)
# The market's behavioural constants (relevances, sensitivities, the savings of registration,
# infrastructure and capability, the bridge's discounts and alignment) are scenario
# parameters with ranges: econ/scenarios.py, "behavioural constants".


@dataclass(eq=False)
class Catalogue:
    """All data products, one entry per catalogue column (ODD 2.5).

    Blocks in order: public holders' open products, operator licence slots, private
    suppliers' products, foreign products.

    Parameters
    ----------
    kind : numpy.ndarray
        :class:`~econ.categories.ProductKind` code of each product.
    owner : numpy.ndarray
        Row of each product's owner in its population's table.
    size : numpy.ndarray
        Data units one licence adds.
    base_relevance : numpy.ndarray
        Relevance of each product to each sector with broad trading, (sectors, products).
    relevance : numpy.ndarray
        Relevance under this quarter's policy, (sectors, products).
    available : numpy.ndarray
        Whether each product can be licensed this quarter (bool).
    price : numpy.ndarray
        Price to commercial users (RMB per licence-quarter).
    price_public_interest : numpy.ndarray
        Price to public-interest users (RMB per licence-quarter).
    kind_sensitivity : numpy.ndarray
        Sensitivity of each kind of product, in [0, 1], indexed by ProductKind code: its
        weight in review refusals (E15) and incident risk.
    """

    kind: np.ndarray  # ProductKind code of each product
    owner: np.ndarray  # row in the owner's state table
    size: np.ndarray  # data units one licence adds
    base_relevance: np.ndarray  # (sectors, products): relevance with broad trading
    relevance: np.ndarray  # (sectors, products): relevance under this quarter's policy
    available: np.ndarray  # bool
    price: np.ndarray  # RMB per licence-quarter, commercial users
    price_public_interest: np.ndarray  # RMB per licence-quarter, public-interest users
    kind_sensitivity: np.ndarray  # (kinds,) in [0, 1], by ProductKind code

    @classmethod
    def layout(
        cls,
        scenario: Scenario,
        n_operators: int,
        holder_sector: np.ndarray,
        supplier_sector: np.ndarray,
        supplier_quality: np.ndarray,
    ) -> Catalogue:
        """The catalogue's fixed blocks, relevances and the sizes of static products.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        n_operators : int
            Operator licence slots.
        holder_sector : numpy.ndarray
            Sector code of each public holder.
        supplier_sector : numpy.ndarray
            Sector code of each private supplier.
        supplier_quality : numpy.ndarray
            Quality multiplier of each supplier's product size.

        Returns
        -------
        Catalogue
            The catalogue, nothing available and every price 0.
        """
        h, o = len(holder_sector), n_operators
        m, k = len(supplier_sector), scenario.n_foreign_products
        counts = (h, o, m, k)
        kind = np.concatenate([np.full(n, c) for n, c in zip(counts, ProductKind, strict=True)])
        owner = np.concatenate([np.arange(h), np.arange(o), np.arange(m), np.arange(k)])
        rel = np.empty((len(Sector), len(kind)))
        p = scenario
        rel[:, kind == PUBLIC] = p.relevance_public
        rel[holder_sector, np.arange(h)] = p.relevance_own_sector
        rel[:, kind == OPERATOR] = p.relevance_operator
        rel[:, kind == PRIVATE] = p.relevance_private
        rel[supplier_sector, h + o + np.arange(m)] = p.relevance_own_sector
        # Foreign data is broad; its breadth relative to domestic data follows compute shares.
        compute_ratio = min(2.0, scenario.foreign_compute_share / scenario.china_compute_share)
        rel[:, kind == FOREIGN] = p.relevance_foreign_per_compute * compute_ratio
        size = np.zeros(len(kind))
        size[kind == PRIVATE] = scenario.private_product_size * supplier_quality
        size[kind == FOREIGN] = scenario.foreign_product_size
        zeros = np.zeros(len(kind))
        sensitivity = np.array(
            [p.sensitivity_public, p.sensitivity_operator, p.sensitivity_private,
             p.sensitivity_foreign]
        )  # fmt: skip
        return cls(kind, owner, size, rel, rel.copy(), zeros > 0, zeros, zeros.copy(), sensitivity)

    def block(self, kind: ProductKind) -> slice:
        """The catalogue columns of one kind of product (blocks are contiguous).

        Parameters
        ----------
        kind : ProductKind
            The kind.

        Returns
        -------
        slice
            Its columns; empty if there are none.
        """
        # The layout is fixed once made (``kind`` is never written), and a quarter asks for
        # blocks a dozen times: they are found once per ``kind`` array.
        cached = self.__dict__.get("_blocks")
        if cached is None or cached[0] is not self.kind:
            cached = self.__dict__["_blocks"] = (self.kind, {})
        blocks = cached[1]
        if kind not in blocks:
            where = np.flatnonzero(self.kind == kind)
            blocks[kind] = slice(int(where[0]), int(where[-1]) + 1) if len(where) else slice(0, 0)
        return blocks[kind]

    def copy(self) -> Catalogue:
        """An independent copy (the calibration warm-up works on one).

        Returns
        -------
        Catalogue
            The copy, with copied arrays.
        """
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})


@dataclass(eq=False)
class View:
    """What each firm sees: catalogue columns and fit, one row per firm slot.

    Parameters
    ----------
    product : numpy.ndarray
        Catalogue column of each view slot, (firms, view), int32.
    fit : numpy.ndarray
        Bounded-Pareto firm-product fit, (firms, view), float32.
    tie_break : numpy.ndarray
        Tiny preference among identical operators, (firms, view), float32.
    kind : numpy.ndarray
        Kind of product in each view slot, (view,), fixed by the layout.
    needs_registration : numpy.ndarray
        Whether each view slot is visible only with registration, (view,), bool.
    """

    product: np.ndarray  # (firms, view) int32: catalogue column of each view slot
    fit: np.ndarray  # (firms, view) float32: bounded-Pareto firm-product fit
    tie_break: np.ndarray  # (firms, view) float32: tiny preference among identical operators
    kind: np.ndarray  # (view,) kind of product in each view slot (fixed by layout)
    needs_registration: np.ndarray  # (view,) bool: visible only with registration

    def slots(self) -> dict[str, Any]:
        """Per view slot, what clearing and drawing read every quarter (fixed by the layout,
        found once per ``kind`` array): ``kind`` as int64, ``foreign``, ``operator``, the
        ``operator_columns`` and ``foreign_columns``, and by kind of product (public,
        private) its ``columns`` (a slice when contiguous), as an index (``column_index``)
        and their ``width``.

        Returns
        -------
        dict
            The arrays by name (shared: do not write to them).
        """
        cached = self.__dict__.get("_slots")
        if cached is None or cached[0] is not self.kind:
            kind = self.kind
            columns = {k: np.flatnonzero(kind == k) for k in (PUBLIC, PRIVATE)}
            slots = {
                "kind": kind.astype(np.int64),
                "foreign": kind == FOREIGN,
                "operator": kind == OPERATOR,
                "operator_columns": np.flatnonzero(kind == OPERATOR),
                "foreign_columns": np.flatnonzero(kind == FOREIGN),
                "columns": {k: _as_slice(c) for k, c in columns.items()},
                "column_index": columns,
                "width": {k: len(c) for k, c in columns.items()},
            }
            cached = self.__dict__["_slots"] = (kind, slots)
        return cached[1]

    @classmethod
    def layout(cls, scenario: Scenario, catalogue: Catalogue) -> View:
        """Empty views: which kind of product each slot holds (operators and foreign fixed).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        catalogue : Catalogue
            The catalogue the views point into.

        Returns
        -------
        View
            One row per firm slot; public and private columns still to be drawn.
        """
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
        fit is bounded Pareto (its tail index sets the price elasticity of demand). The draws
        and the powers are numpy's; the rows are written compiled
        (:func:`econ.kernels.write_view_products`, :func:`econ.kernels.scatter_rows`).
        :meth:`draw_reference` is the numpy reference.

        Parameters
        ----------
        rows : numpy.ndarray
            The firm slots to draw for.
        scenario : Scenario
            The scenario's parameters.
        catalogue : Catalogue
            The catalogue.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).
        """
        n = len(rows)
        if n == 0:  # nothing to draw (and a draw of size 0 takes nothing from the stream)
            return
        slots = self.slots()
        for kind in (PUBLIC, PRIVATE):
            block = catalogue.block(kind)
            total = block.stop - block.start
            if slots["width"][kind] == 0 or total == 0:
                continue
            strides = _coprime_strides(total)
            start = rng.integers(total, size=n)
            # rng.choice(strides, size=n) draws exactly these, with less argument checking.
            stride = strides[rng.integers(len(strides), size=n)]
            kernels.write_view_products(
                self.product, rows, slots["column_index"][kind], start, stride, block.start, total
            )
        # In chunks of rows, drawn in the same order as one (n, view) draw would be: the
        # float64 temporaries of a million firms would cost gigabytes.
        width, ops = len(self.kind), slots["operator_columns"]
        shrink = 1.0 - scenario.fit_max_ratio**-scenario.fit_tail_index
        for chunk in _chunks(n):
            u = rng.random((len(rows[chunk]), width))
            self.write_fit(rows[chunk], 1.0 - u * shrink, scenario)
        for chunk in _chunks(n):
            u = rng.random((len(rows[chunk]), width))
            kernels.scatter_rows(self.tie_break, rows[chunk], u, 1e-6, ops[:0])

    def write_fit(self, rows: np.ndarray, base: np.ndarray, scenario: Scenario) -> None:
        """Write the fit of firms ``rows``, bounded Pareto by inversion:
        ``fit_scale * base ** (-1 / fit_tail_index)`` (the powers in numpy), with ``base =
        1 - u * (1 - fit_max_ratio ** -fit_tail_index)`` of uniforms ``u``; operators' slots
        share the first one's.

        Parameters
        ----------
        rows : numpy.ndarray
            The firm slots.
        base : numpy.ndarray
            (rows, view) bases of the powers, in (0, 1].
        scenario : Scenario
            The scenario's parameters.
        """
        powered = base ** (-1.0 / scenario.fit_tail_index)
        # Operators sell the same underlying data: one fit for all their slots.
        ops = self.slots()["operator_columns"]
        kernels.scatter_rows(self.fit, rows, powered, scenario.fit_scale, ops)

    def draw_arguments(self, catalogue: Catalogue) -> tuple:
        """What :func:`econ.kernels.draw_views` reads after ``rng`` and ``rows``: the arrays
        it writes and, per block of products (public, then private), its view slots, first
        catalogue column, number of products and coprime strides.

        Parameters
        ----------
        catalogue : Catalogue
            The catalogue.

        Returns
        -------
        tuple
            The kernel's arguments, in its order.
        """
        # Fixed by the layout and the arrays: made once for them.
        key = (catalogue.kind, self.kind, self.product, self.tie_break)
        cached = self.__dict__.get("_draw_arguments")
        if cached is None or any(a is not b for a, b in zip(cached[0], key, strict=True)):
            blocks = [catalogue.block(kind) for kind in (PUBLIC, PRIVATE)]
            total = tuple(block.stop - block.start for block in blocks)
            arguments = (
                self.product,
                self.tie_break,
                tuple(self.slots()["column_index"][kind] for kind in (PUBLIC, PRIVATE)),
                tuple(block.start for block in blocks),
                total,
                tuple(_coprime_strides(t) for t in total),
            )
            cached = self.__dict__["_draw_arguments"] = (key, arguments)
        return cached[1]

    @property
    def n_entrant_draws(self) -> int:
        """Uniforms :meth:`draw_from_uniforms` takes per row: a start and a stride for the
        public and the private block, then a fit and a tie-break per view slot."""
        return 4 + 2 * len(self.kind)

    def draw_from_uniforms(
        self, rows: np.ndarray, uniforms: np.ndarray, scenario: Scenario, catalogue: Catalogue
    ) -> None:
        """:meth:`draw` for rows whose draws are keyed to them (paired entry, ODD 7.2):
        :meth:`draw_from_uniforms_reference` compiled
        (``econ.kernels.draw_views_from_uniforms``), but for the fit's powers
        (:meth:`write_fit`).

        Parameters
        ----------
        rows : numpy.ndarray
            The firm slots to draw for.
        uniforms : numpy.ndarray
            (rows, :attr:`n_entrant_draws`) uniforms in [0, 1).
        scenario : Scenario
            The scenario's parameters.
        catalogue : Catalogue
            The catalogue.
        """
        if len(rows) == 0:
            return
        shrink = 1.0 - scenario.fit_max_ratio**-scenario.fit_tail_index
        base = kernels.draw_views_from_uniforms(
            uniforms, rows, shrink, *self.draw_arguments(catalogue)
        )
        self.write_fit(rows, base, scenario)

    def draw_from_uniforms_reference(
        self, rows: np.ndarray, uniforms: np.ndarray, scenario: Scenario, catalogue: Catalogue
    ) -> None:
        """:meth:`draw_from_uniforms` in numpy (the reference the kernel is tested against).

        The same view, by inversion of one uniform per draw: start and stride uniformly among
        their values, fits by the bounded Pareto's quantile (as :meth:`draw`).

        Parameters
        ----------
        rows : numpy.ndarray
            The firm slots to draw for.
        uniforms : numpy.ndarray
            (rows, :attr:`n_entrant_draws`) uniforms in [0, 1).
        scenario : Scenario
            The scenario's parameters.
        catalogue : Catalogue
            The catalogue.
        """
        if len(rows) == 0:
            return
        # Per block (public, then private): view slots, first column, products, strides.
        _, _, columns, first, total, strides = self.draw_arguments(catalogue)
        for b in range(2):
            if len(columns[b]) == 0 or total[b] == 0:
                continue
            start = (uniforms[:, 2 * b] * total[b]).astype(np.int64)
            stride = strides[b][(uniforms[:, 2 * b + 1] * len(strides[b])).astype(np.int64)]
            kernels.write_view_products(
                self.product, rows, columns[b], start, stride, first[b], total[b]
            )
        width, ops = len(self.kind), self.slots()["operator_columns"]
        shrink = 1.0 - scenario.fit_max_ratio**-scenario.fit_tail_index
        self.write_fit(rows, 1.0 - uniforms[:, 4 : 4 + width] * shrink, scenario)
        kernels.scatter_rows(self.tie_break, rows, uniforms[:, 4 + width :], 1e-6, ops[:0])

    def draw_reference(
        self, rows: np.ndarray, scenario: Scenario, catalogue: Catalogue, rng: np.random.Generator
    ) -> None:
        """:meth:`draw` in numpy (the reference the kernels are tested against).

        Parameters
        ----------
        rows : numpy.ndarray
            The firm slots to draw for.
        scenario : Scenario
            The scenario's parameters.
        catalogue : Catalogue
            The catalogue.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).
        """
        n = len(rows)
        if n == 0:  # nothing to draw (and a draw of size 0 takes nothing from the stream)
            return
        slots = self.slots()
        for kind in (PUBLIC, PRIVATE):
            cols, width = slots["columns"][kind], slots["width"][kind]
            block = catalogue.block(kind)
            total = block.stop - block.start
            if width == 0 or total == 0:
                continue
            strides = _coprime_strides(total)
            start = rng.integers(total, size=n)
            # rng.choice(strides, size=n) draws exactly these, with less argument checking.
            stride = strides[rng.integers(len(strides), size=n)]
            for chunk in _chunks(n):
                seen = start[chunk, None] + stride[chunk, None] * np.arange(width)
                at = rows[chunk]
                where = (at, cols) if isinstance(cols, slice) else np.ix_(at, cols)
                self.product[where] = block.start + seen % total
        # In chunks of rows, drawn in the same order as one (n, view) draw would be: the
        # float64 temporaries of a million firms would cost gigabytes.
        tail, ratio = scenario.fit_tail_index, scenario.fit_max_ratio
        ops = slots["operator"]
        for chunk in _chunks(n):
            u = rng.random((len(rows[chunk]), len(self.kind)))
            fit = scenario.fit_scale * (1.0 - u * (1.0 - ratio**-tail)) ** (-1.0 / tail)
            fit[:, ops] = fit[:, ops][:, :1]  # operators sell the same underlying data
            self.fit[rows[chunk]] = fit
        for chunk in _chunks(n):
            self.tie_break[rows[chunk]] = rng.random((len(rows[chunk]), len(self.kind))) * 1e-6


def _as_slice(index: np.ndarray) -> slice | np.ndarray:
    """A contiguous run of column numbers as a slice (cheaper to index with), else as is."""
    if len(index) and np.array_equal(index, np.arange(index[0], index[0] + len(index))):
        return slice(int(index[0]), int(index[0]) + len(index))
    return index


@functools.lru_cache(maxsize=64)
def _coprime_strides(total: int) -> np.ndarray:
    """The strides in [1, total] coprime to ``total`` (each visits every product once)."""
    steps = np.arange(1, total + 1)
    strides = steps[np.gcd(steps, total) == 1]
    strides.flags.writeable = False  # shared by every draw
    return strides


#: Rows of views drawn at a time (bounds the float64 temporaries of a draw).
DRAW_CHUNK_ROWS = 1 << 15


def _chunks(n: int) -> list[slice]:
    """Slices of ``range(n)`` of at most :data:`DRAW_CHUNK_ROWS` rows."""
    return [slice(i, min(i + DRAW_CHUNK_ROWS, n)) for i in range(0, n, DRAW_CHUNK_ROWS)]


@dataclass(eq=False)
class Market:
    """The data market: its catalogue, what each firm sees, and the firms sellers watch.

    Parameters
    ----------
    catalogue : Catalogue
        Every product and its price.
    view : View
        What each firm sees.
    price_sample : numpy.ndarray
        Rows of the firms whose demand sellers sample to set prices (E5).
    """

    catalogue: Catalogue
    view: View
    price_sample: np.ndarray  # rows of the firms whose demand sellers sample (E5)


@dataclass(eq=False)
class Valuation:
    """What each firm would gain from each product in its view, in factors (E4, ODD 7.3).

    The (firms x view) matrices are products and sums of per-firm and per-product factors:
    ``value[i, j] = worth[sector[i], product[i, j]] * value_per_unit[i] * fit[i, j]`` and
    ``usage[i, j] = product_cost[product[i, j]] + integration[i]``, plus ``border_cost[i]``
    where the licence crosses the border. The compiled market (:mod:`econ.kernels`) forms
    them entry by entry; the properties below build them with numpy (the reference).

    Parameters
    ----------
    worth : numpy.ndarray
        (sectors, products): RMB per unit of ``value_per_unit`` and fit.
    value_per_unit : numpy.ndarray
        (firms,): each firm's present value of one data unit (RMB per data unit; E1-E4).
    product_cost : numpy.ndarray
        (products,): search, compliance and compute cost of one licence (RMB).
    integration : numpy.ndarray
        (firms,): integration cost of one licence (RMB).
    border_cost : numpy.ndarray
        (firms,): compliance cost of one cross-border transfer, E16 (RMB).
    alignment : numpy.ndarray
        (firms,): standards alignment the bridge gives each firm's transfers, E15, in [0, 1].
    review_relief : float
        Share of review an aligned transfer is spared (E15's ``r``), in [0, 1].
    abroad : numpy.ndarray
        (firms,): Hong Kong or foreign firm (bool).
    sector : numpy.ndarray
        (firms,): sector code.
    view : View
        What each firm sees.
    """

    worth: np.ndarray  # (sectors, products) RMB per unit of value_per_unit and fit
    value_per_unit: np.ndarray  # (firms,) RMB per data unit (E1-E4)
    product_cost: np.ndarray  # (products,) RMB: search, compliance and compute
    integration: np.ndarray  # (firms,) RMB: integration cost of one licence
    border_cost: np.ndarray  # (firms,) RMB: compliance cost of one transfer (E16)
    alignment: np.ndarray  # (firms,) in [0, 1]: the bridge's standards alignment (E15)
    review_relief: float  # in [0, 1]: share of review an aligned transfer is spared (E15)
    abroad: np.ndarray  # (firms,) bool: Hong Kong or foreign firm
    sector: np.ndarray  # (firms,) sector code
    view: View

    def rows(self, rows: np.ndarray | slice = slice(None)) -> Valuation:
        """The valuation of firms ``rows`` only (its view rows included).

        Parameters
        ----------
        rows : numpy.ndarray or slice, default slice(None)
            The firm rows to keep.

        Returns
        -------
        Valuation
            The valuation of those firms.
        """
        v = self.view
        view = View(v.product[rows], v.fit[rows], v.tie_break[rows], v.kind, v.needs_registration)
        return replace(
            self,
            value_per_unit=self.value_per_unit[rows],
            integration=self.integration[rows],
            border_cost=self.border_cost[rows],
            alignment=self.alignment[rows],
            abroad=self.abroad[rows],
            sector=self.sector[rows],
            view=view,
        )

    @property
    def value(self) -> np.ndarray:
        """(firms, view) RMB: present value of each licence (E4)."""
        v = self.view
        sector_product = self.sector.astype(np.int32)[:, None] * self.worth.shape[1] + v.product
        value = self.worth.ravel()[sector_product]
        value *= self.value_per_unit[:, None]
        value *= v.fit
        return value

    @property
    def cross_border(self) -> np.ndarray:
        """(firms, view) bool: the licence would cross the border."""
        return self.abroad[:, None] ^ (self.view.kind == FOREIGN)[None, :]

    @property
    def usage(self) -> np.ndarray:
        """(firms, view) RMB: non-fee costs of using each product."""
        usage = self.product_cost[self.view.product]
        usage += self.integration[:, None]
        usage += np.where(self.cross_border, self.border_cost[:, None], 0.0)
        return usage


@dataclass(eq=False)
class Clearing:
    """Outcome of one quarter's market (simulated economy, RMB per quarter).

    The (firms x view) matrices are kept only when asked (``clear(..., keep=True)``; they
    cost 250 bytes a firm): otherwise they are ``None``.

    Parameters
    ----------
    data_added : numpy.ndarray
        Data units licensed by each firm, (firms,).
    spending : numpy.ndarray
        Fees paid by each firm, (firms,), RMB.
    usage_cost : numpy.ndarray
        Non-fee costs of each firm's licences, (firms,), RMB.
    licences : numpy.ndarray
        Products licensed by each firm, (firms,).
    cross_border_paid : numpy.ndarray
        Fees each firm paid for cross-border transfers, (firms,), RMB.
    revenue : numpy.ndarray
        Revenue of each product, (products,), RMB.
    uses : numpy.ndarray
        Licences of each product, (products,).
    sensitive_transfers : float
        Sensitivity-weighted cross-border transfers.
    hong_kong_transfer_share : float
        Share of those made by Hong Kong firms.
    operator_transfer_share : float
        Share of those that are operators' products (privacy computing covers them, E9).
    transfers : float
        Cross-border transfers approved, unweighted (simulated economy): what the Hong Kong
        bridge must carry.
    data_volume : float
        Data units licensed (drives compute load).
    bought : numpy.ndarray or None, optional
        Licences bought, (firms, view), bool; kept only with ``keep``.
    paid : numpy.ndarray or None, optional
        Fees paid, (firms, view), RMB; kept only with ``keep``.
    cross_border : numpy.ndarray or None, optional
        Whether each purchase crossed the border, (firms, view), bool; kept only with ``keep``.
    """

    data_added: np.ndarray  # (firms,) data units
    spending: np.ndarray  # (firms,) RMB
    usage_cost: np.ndarray  # (firms,) RMB of non-fee costs
    licences: np.ndarray  # (firms,) products licensed
    cross_border_paid: np.ndarray  # (firms,) RMB paid for cross-border transfers
    revenue: np.ndarray  # (products,) RMB
    uses: np.ndarray  # (products,) licences
    sensitive_transfers: float  # sensitivity-weighted cross-border transfers
    hong_kong_transfer_share: float  # share of those made by Hong Kong firms
    operator_transfer_share: float  # share of those that are operators' products
    transfers: float  # cross-border transfers approved, unweighted
    data_volume: float  # data units licensed (drives compute load)
    bought: np.ndarray | None = None  # (firms, view) bool
    paid: np.ndarray | None = None  # (firms, view) RMB
    cross_border: np.ndarray | None = None  # (firms, view) bool: a cross-border transfer


def enter_firms(
    firms: Firms,
    view: View,
    scenario: Scenario,
    catalogue: Catalogue,
    quarter: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Entrants fill empty slots and draw what they see (ODD 7.2, 5): :meth:`Firms.enter
    <econ.agents.firms.Firms.enter>`, then :meth:`View.draw` of the entrants, with the same
    draws in the same order.

    Their number and slots are drawn in numpy (:meth:`Firms.entry_slots
    <econ.agents.firms.Firms.entry_slots>`); every later draw and write is one compiled call
    (:func:`econ.kernels.enter_firms`), but for the fit's powers (numpy's,
    :meth:`View.write_fit`). :func:`enter_firms_reference` is the numpy reference. A
    population or view class with its own ``enter``, ``entry_slots``, ``initialise`` or
    ``draw`` (a subclass, ODD 7.2's extension points) is called through those methods instead.

    Parameters
    ----------
    firms : Firms
        The firms.
    view : View
        What each firm sees.
    scenario : Scenario
        The scenario's parameters.
    catalogue : Catalogue
        The catalogue.
    quarter : int
        The current quarter.
    rng : numpy.random.Generator
        The quarter's generator of the entry stream (:class:`~econ.seeds.RandomStreams`).

    Returns
    -------
    numpy.ndarray
        The entrants' rows, ascending.
    """
    if _own_entry(type(firms), type(view)):
        rows = firms.enter(scenario, quarter, rng)
        view.draw(rows, scenario, catalogue, rng)
        return rows
    rows = firms.entry_slots(scenario, rng)
    if len(rows):
        base = kernels.enter_firms(
            rng,
            rows,
            firms.draw_arguments(scenario, entrant=True, quarter=quarter),
            1.0 - scenario.fit_max_ratio**-scenario.fit_tail_index,
            view.draw_arguments(catalogue),
        )
        view.write_fit(rows, base, scenario)
    return rows


#: The methods :func:`enter_firms` does in one compiled call, as defined here.
_ENTRY_METHODS = (Firms.enter, Firms.entry_slots, Firms.initialise, View.draw)
#: Paired entry's count and slots as econ defines them (they draw only uniforms).
_SLOT_METHODS = (Firms.paired_entry_slots, Firms._entry_count)


def _own_entry(firms_class: type, view_class: type) -> bool:
    """True if a class has its own ``enter``, ``entry_slots``, ``initialise`` or ``draw`` (a
    subclass's, or one set on the class since)."""
    methods = (firms_class.enter, firms_class.entry_slots, firms_class.initialise, view_class.draw)
    return methods != _ENTRY_METHODS


def _own_slots(firms_class: type) -> bool:
    """True if a class has its own ``paired_entry_slots`` or ``_entry_count`` (which might
    draw more than uniforms from the entry stream)."""
    return (firms_class.paired_entry_slots, firms_class._entry_count) != _SLOT_METHODS


def enter_firms_reference(
    firms: Firms,
    view: View,
    scenario: Scenario,
    catalogue: Catalogue,
    quarter: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """:func:`enter_firms` in numpy (the reference the kernels are tested against).

    Parameters
    ----------
    firms : Firms
        The firms.
    view : View
        What each firm sees.
    scenario : Scenario
        The scenario's parameters.
    catalogue : Catalogue
        The catalogue.
    quarter : int
        The current quarter.
    rng : numpy.random.Generator
        The quarter's generator of the entry stream (:class:`~econ.seeds.RandomStreams`).

    Returns
    -------
    numpy.ndarray
        The entrants' rows, ascending.
    """
    rows = firms.entry_slots(scenario, rng)
    if len(rows):
        firms.initialise_reference(rows, scenario, rng, entrant=True, quarter=quarter)
        view.draw_reference(rows, scenario, catalogue, rng)
    return rows


def enter_firms_by_slot(
    firms: Firms,
    view: View,
    scenario: Scenario,
    catalogue: Catalogue,
    quarter: int,
    rng: np.random.Generator | np.ndarray,
    streams: RandomStreams,
) -> np.ndarray:
    """Paired entry (``paired_entry``, ODD 7.2): entrants fill empty slots, each drawn from
    its slot's own stream, so the arms of a paired comparison that both fill a slot admit
    the same firm into it.

    The number and the slots come from ``rng`` (:meth:`Firms.paired_entry_slots
    <econ.agents.firms.Firms.paired_entry_slots>`); each entrant's draws are the
    ``entrants`` stream's uniforms of its quarter and slot
    (:meth:`~econ.seeds.RandomStreams.slot_uniforms`), inverted by :meth:`Firms.
    initialise_from_uniforms <econ.agents.firms.Firms.initialise_from_uniforms>` and
    :meth:`View.draw_from_uniforms`. A population or view class with its own ``enter``,
    ``entry_slots``, ``initialise`` or ``draw`` (ODD 7.2's extension points) draws its
    entrants through those methods instead (:func:`enter_firms`), unpaired.

    Parameters
    ----------
    firms : Firms
        The firms.
    view : View
        What each firm sees.
    scenario : Scenario
        The scenario's parameters.
    catalogue : Catalogue
        The catalogue.
    quarter : int
        The current quarter.
    rng : numpy.random.Generator or numpy.ndarray
        The quarter's generator of the entry stream, or its PCG64 state words (none drawn).
    streams : RandomStreams
        The model's streams (the ``entrants`` stream's slot uniforms).

    Returns
    -------
    numpy.ndarray
        The entrants' rows, ascending.
    """
    # An override draws as it likes, from the quarter's entry generator: the same stream as
    # the state words (none of it drawn yet).
    own = _own_entry(type(firms), type(view))
    if isinstance(rng, np.ndarray) and (own or _own_slots(type(firms))):
        rng = streams.quarter("entry", quarter)
    if own:
        return enter_firms(firms, view, scenario, catalogue, quarter, rng)
    rows = firms.paired_entry_slots(scenario, rng)
    if len(rows):
        drawn = streams.slot_uniforms(
            "entrants", quarter, rows, len(ENTRANT_DRAWS) + view.n_entrant_draws
        )
        firms.initialise_from_uniforms(rows, drawn[:, : len(ENTRANT_DRAWS)], scenario, quarter)
        view.draw_from_uniforms(rows, drawn[:, len(ENTRANT_DRAWS) :], scenario, catalogue)
    return rows


def enter_firms_by_slot_reference(
    firms: Firms,
    view: View,
    scenario: Scenario,
    catalogue: Catalogue,
    quarter: int,
    rng: np.random.Generator | np.ndarray,
    streams: RandomStreams,
) -> np.ndarray:
    """:func:`enter_firms_by_slot` in numpy (the reference the kernels are tested against).

    Parameters
    ----------
    firms : Firms
        The firms.
    view : View
        What each firm sees.
    scenario : Scenario
        The scenario's parameters.
    catalogue : Catalogue
        The catalogue.
    quarter : int
        The current quarter.
    rng : numpy.random.Generator or numpy.ndarray
        The quarter's generator of the entry stream, or its PCG64 state words.
    streams : RandomStreams
        The model's streams.

    Returns
    -------
    numpy.ndarray
        The entrants' rows, ascending.
    """
    rows = firms.paired_entry_slots(scenario, rng)
    if len(rows):
        drawn = streams.slot_uniforms(
            "entrants", quarter, rows, len(ENTRANT_DRAWS) + view.n_entrant_draws
        )
        k = len(ENTRANT_DRAWS)
        firms.initialise_from_uniforms_reference(rows, drawn[:, :k], scenario, quarter)
        view.draw_from_uniforms_reference(rows, drawn[:, k:], scenario, catalogue)
    return rows


def refresh_catalogue(
    catalogue: Catalogue,
    policy: Policy,
    scenario: Scenario,
    public_size: np.ndarray,
    sensitive_quality: float,
    licensed: np.ndarray,
    private_size: np.ndarray,
    foreign_supply: float = 1.0,
) -> None:
    """This quarter's sizes, availability and relevance (ODD 3, step 3).

    Parameters
    ----------
    catalogue : Catalogue
        The catalogue, updated in place.
    policy : Policy
        The policy in force.
    scenario : Scenario
        The scenario's parameters.
    public_size : numpy.ndarray
        Data units per licence of each holder's open product (E13).
    sensitive_quality : float
        Quality of the sensitive data operators process (1 at start-up).
    licensed : numpy.ndarray
        Which operator slots hold a licence (bool).
    private_size : numpy.ndarray
        Data units per licence of each private supplier's product (E29).
    foreign_supply : float, default 1.0
        Share of their products foreign partners supply, in [0, 1] (their openness, E21).
    """
    c = catalogue
    public, ops = c.block(ProductKind.PUBLIC), c.block(ProductKind.OPERATOR)
    private = c.block(ProductKind.PRIVATE)
    c.size[public] = public_size
    c.available[public] = True
    c.size[ops] = scenario.sensitive_product_size * sensitive_quality
    c.available[ops] = licensed
    c.size[private] = private_size
    c.available[private] = policy.private_data != "ban"
    foreign = c.block(ProductKind.FOREIGN)
    c.size[foreign] = scenario.foreign_product_size * foreign_supply
    c.available[foreign] = policy.openness > 0
    c.relevance[:, private] = c.base_relevance[:, private]
    if policy.private_data == "hoard":
        # Data-rich firms do not sell to rivals in their own sector (Jones & Tonetti).
        own = c.base_relevance[:, private] == scenario.relevance_own_sector
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
    exchanges: DataExchanges | None = None,
    bridge: float | None = None,
) -> Valuation:
    """E4 for every firm and view slot, and the non-fee costs of using each product (ODD 7.3).

    What a licence is worth per unit of data depends only on the firm's sector and the
    product, so it is tabulated once; the (firms x view) matrices stay in factors (see
    :class:`Valuation`).

    Parameters
    ----------
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue and views.
    policy : Policy
        The policy in force.
    scenario : Scenario
        The scenario's parameters.
    value_per_unit : numpy.ndarray
        Each firm's present value of one data unit (RMB per data unit; E1-E4, from
        :meth:`econ.agents.firms.Firms.value_per_unit`).
    trust : float
        Firms' trust in operator and cross-border products, in [0.05, 1] (E17): it discounts
        operator and foreign products to every firm, and every product to Hong Kong and
        foreign firms (their purchases cross the border).
    review_strictness : float
        Strictness of cross-border review in force, in [0, 1].
    compute_cost_per_unit : float
        Compute cost of using one data unit (RMB per data unit).
    exchanges : DataExchanges or None, default None
        The data exchanges: firms trade through them where that is cheaper (E25-E26), and
        each firm's ``integration`` is its expected cost of a trade. ``None`` leaves every
        trade over the counter.
    bridge : float or None, default None
        The Hong Kong bridge in force, in [0, 1]: ``hk_bridge`` times the share of
        transfers its capacity carries (E32). None: ``policy.hk_bridge``.

    Returns
    -------
    Valuation
        Values and costs in factors (RMB).
    """
    c, v = market.catalogue, market.view
    # Per kind of product, written block by block (the blocks are fixed: Catalogue.block).
    public, ops = c.block(ProductKind.PUBLIC), c.block(ProductKind.OPERATOR)
    private, foreign = c.block(ProductKind.PRIVATE), c.block(ProductKind.FOREIGN)
    trusting = np.ones(len(c.kind))
    trusting[ops] = trust
    trusting[foreign] = trust
    worth = c.relevance * (c.size * trusting * c.available)

    # Non-fee costs: search, compliance and compute per product; integration per firm.
    saving = scenario.registration_search_saving if policy.registration else 0.0
    search = np.zeros(len(c.kind))
    search[public] = scenario.search_cost_rmb * (1 - saving)
    search[private] = scenario.search_cost_rmb
    compliance = np.zeros(len(c.kind))
    compliance[ops] = scenario.sensitive_compliance_cost_rmb * (
        1 - scenario.infrastructure_compliance_saving * policy.infrastructure
    )
    compute = compute_cost_per_unit * c.size
    compute[ops] *= eq.sensitive_compute_factor(
        scenario.privacy_computing_compute_overhead, policy.privacy_computing
    )
    product_cost = search + compliance + compute
    # Traceability cheapens checking what is traded: every licence's transaction cost.
    integration_cost = scenario.integration_cost_rmb * (
        1 - scenario.traceability_trade_saving * policy.traceability
    )
    # Per firm in one compiled pass: integration, and what only Hong Kong and foreign rows
    # pay or get at the border (E15, E16); E16 without the bridge's discount is a scalar.
    integration, border_cost, alignment, abroad = kernels.firm_factors(
        firms.capability, firms.region, int(Region.HONG_KONG), integration_cost,
        scenario.capability_integration_saving,
        float(policy.hk_bridge if bridge is None else bridge),
        scenario.bridge_discount_hong_kong, scenario.bridge_discount_other,
        scenario.bridge_alignment_hong_kong, scenario.bridge_alignment_other,
        eq.cross_border_cost(
            scenario.cross_border_cost_rmb, policy.infrastructure, review_strictness, 0.0,
            scenario.infrastructure_cross_border_saving,
        ),
    )  # fmt: skip
    if exchanges is not None:
        integration = exchanges.route(integration, policy, scenario)
    # Partners' firms discount China's data by trust as China's firms discount theirs: every
    # purchase of theirs crosses the border, so incidents cut exports too (E4, E17).
    if trust < 1.0:
        value_per_unit = np.where(abroad, value_per_unit * trust, value_per_unit)
    return Valuation(
        worth=worth,
        value_per_unit=value_per_unit,
        product_cost=product_cost,
        integration=integration,
        border_cost=border_cost,
        alignment=alignment,
        review_relief=scenario.bridge_review_relief,
        abroad=abroad,
        sector=firms.sector,
        view=v,
    )


def sampled_demand(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    openness: float | None = None,
) -> kernels.GroupedDemand:
    """Willingness to pay of the price-setting sample, grouped by product (what E5 reads).

    Sellers know demand only through a fixed random sample of firms. A buyer who cannot
    buy (inactive, or across a closed border) is not demand: it has no entry. Compiled
    (:func:`econ.kernels.group_demand`); :meth:`~econ.kernels.GroupedDemand.dense` gives
    the (sample x products) matrix of :func:`sample_willingness_to_pay`.

    Parameters
    ----------
    valuation : Valuation
        This quarter's valuation.
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue, views and price sample.
    policy : Policy
        The policy in force.
    openness : float or None, default None
        The openness in effect, in [0, 1]; None: the policy's.

    Returns
    -------
    econ.kernels.GroupedDemand
        Value minus non-fee costs (RMB per licence) of each sampled buyer of each product.
    """
    openness = policy.openness if openness is None else openness
    rows, v, val = market.price_sample, market.view, valuation
    offsets, buyer, value = kernels.group_demand(
        rows, val.sector, val.abroad, firms.active, v.product, v.fit, v.slots()["foreign"],
        val.worth, val.value_per_unit, val.product_cost, val.integration, val.border_cost,
        openness != 0, len(market.catalogue.kind),
    )  # fmt: skip
    return kernels.GroupedDemand(len(rows), offsets, buyer, value)


def sample_willingness_to_pay(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    openness: float | None = None,
) -> np.ndarray:
    """Willingness to pay of the price-setting sample, scattered to (sample, products).

    Sellers know demand only through a fixed random sample of firms. A buyer who cannot
    buy (inactive, or across a closed border) is not demand: its entry is NaN. The dense
    form of :func:`sampled_demand`; :func:`sample_willingness_to_pay_reference` is the numpy
    reference.

    Parameters
    ----------
    valuation : Valuation
        This quarter's valuation.
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue, views and price sample.
    policy : Policy
        The policy in force.
    openness : float or None, default None
        The openness in effect, in [0, 1]; None: the policy's.

    Returns
    -------
    numpy.ndarray
        Value minus non-fee costs (RMB per licence), sampled firms x catalogue products; NaN
        where a sampled firm does not see or cannot buy the product.
    """
    return sampled_demand(valuation, firms, market, policy, openness).dense()


def sample_willingness_to_pay_reference(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    openness: float | None = None,
) -> np.ndarray:
    """:func:`sample_willingness_to_pay` in numpy (the reference the kernel is tested against).

    Parameters
    ----------
    valuation : Valuation
        This quarter's valuation.
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue, views and price sample.
    policy : Policy
        The policy in force.
    openness : float or None, default None
        The openness in effect, in [0, 1]; None: the policy's.

    Returns
    -------
    numpy.ndarray
        Value minus non-fee costs (RMB per licence), sampled firms x catalogue products; NaN
        where a sampled firm does not see or cannot buy the product.
    """
    openness = policy.openness if openness is None else openness
    rows, v = market.price_sample, market.view
    sample = valuation.rows(rows)
    wtp = np.full((len(rows), len(market.catalogue.kind)), np.nan)
    can_buy = np.broadcast_to(firms.active[rows, None], (len(rows), len(v.kind)))
    if openness == 0:
        can_buy = can_buy & ~sample.cross_border
    net = np.where(can_buy, sample.value - sample.usage, np.nan)
    wtp[np.arange(len(rows))[:, None], v.product[rows]] = net
    return wtp


def set_foreign_prices(
    catalogue: Catalogue, wtp: np.ndarray | kernels.GroupedDemand, speed: float
) -> None:
    """Foreign suppliers price like private ones: E5 on sampled demand, adjusted by E5b.

    Parameters
    ----------
    catalogue : Catalogue
        The catalogue; its foreign block's prices are updated.
    wtp : numpy.ndarray or econ.kernels.GroupedDemand
        Sampled willingness to pay (:func:`sample_willingness_to_pay`, or grouped:
        :func:`sampled_demand`), RMB per licence.
    speed : float
        Share of the gap to the target price closed this quarter (E5b).
    """
    foreign = catalogue.block(ProductKind.FOREIGN)
    if foreign.stop > foreign.start:
        if isinstance(wtp, kernels.GroupedDemand):
            target = kernels.revenue_maximising_price(wtp.columns(foreign))
        else:
            target = kernels.revenue_maximising_price(wtp[:, foreign])
        # E5b (eq.adjusted_price) in place, the same price to public-interest users.
        kernels.adjust_prices(
            catalogue.price[foreign], target, speed, catalogue.price_public_interest[foreign]
        )


def clear(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    review_strictness: float,
    rng: np.random.Generator | np.ndarray,
    openness: float | None = None,
    keep: bool = False,
) -> Clearing:
    """Firms license every visible product worth more than its full cost (ODD 7.3).

    Cross-border transfers need approval (E15: openness, review strictness, sensitivity,
    bridge); operators' products are substitutes, so a firm licenses at most one of them.
    One compiled pass over the firms (:func:`econ.kernels.clear_market`);
    :func:`clear_reference` is the numpy reference, with the same arguments and result.

    Parameters
    ----------
    valuation : Valuation
        This quarter's valuation.
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue and views.
    policy : Policy
        The policy in force.
    review_strictness : float
        Strictness of cross-border review in force, in [0, 1].
    rng : numpy.random.Generator or numpy.ndarray
        The ``approvals`` stream this quarter: one uniform per request, in row-major order;
        or its PCG64 state words (``RandomStreams.quarter_state``), advanced in place.
    openness : float or None, default None
        The openness in effect, China's times its partners' (E21), in [0, 1]; None: the
        policy's.
    keep : bool, default False
        Keep the (firms x view) matrices in the result (250 bytes a firm).

    Returns
    -------
    Clearing
        Who bought what, at what price (simulated economy, RMB).
    """
    openness = policy.openness if openness is None else openness
    c, v, val = market.catalogue, market.view, valuation
    n, width = v.product.shape
    n_products = len(c.kind)
    slots = v.slots()
    ops = slots["operator_columns"]
    matrices = {}
    if keep:
        matrices = {
            "bought": np.empty((n, width), dtype=bool),
            "paid": np.empty((n, width)),
            "cross_border": np.empty((n, width), dtype=bool),
        }
    per_firm = np.empty((len(_PER_FIRM), n))  # the kernel writes every entry
    sales = np.zeros((2, n_products))  # revenue, uses
    transfers = np.zeros((len(ProductKind), 2), dtype=np.int64)
    # A PCG64 stream goes in as its state words (numba unboxes a fresh Generator slowly).
    words = kernels.stream_words(rng)
    data_volume = kernels.clear_market(
        firms.active, val.sector, val.abroad, firms.region, int(Region.HONG_KONG),
        firms.public_interest, v.product, v.fit, v.tie_break, slots["kind"], slots["foreign"],
        v.needs_registration, bool(policy.registration), ops, slots["foreign_columns"],
        c.kind_sensitivity, c.available, val.worth, val.value_per_unit, val.product_cost,
        val.integration, val.border_cost, c.price, c.price_public_interest, c.size,
        float(openness), float(review_strictness), val.alignment, float(val.review_relief),
        rng if words is None else words, per_firm, sales, transfers, keep,
        matrices.get("bought", _NO_BOOLS), matrices.get("paid", _NO_FLOATS),
        matrices.get("cross_border", _NO_BOOLS),
    )  # fmt: skip
    if words is not None and words is not rng:
        kernels.set_pcg64_words(rng, words)
    return Clearing(
        **dict(zip(_PER_FIRM, per_firm, strict=True)),
        revenue=sales[0],
        uses=sales[1],
        **_transfer_totals(transfers, c.kind_sensitivity),
        data_volume=data_volume,
        **matrices,
    )


#: Placeholders for the (firms x view) matrices the kernel writes only with ``keep``.
_NO_BOOLS = np.empty((0, 0), dtype=bool)
_NO_FLOATS = np.empty((0, 0))

#: Per-firm results of the clearing, in the kernel's order.
_PER_FIRM = ("data_added", "spending", "usage_cost", "licences", "cross_border_paid")


def _transfer_totals(transfers: np.ndarray, kind_sensitivity: np.ndarray) -> dict[str, float]:
    """Sensitivity-weighted transfers and the Hong Kong and operator shares, from transfer
    counts by (kind of product, made by a Hong Kong firm)."""
    total = float(kind_sensitivity @ transfers.sum(axis=1))
    hong_kong = float(kind_sensitivity @ transfers[:, 1])
    operator = float(kind_sensitivity[OPERATOR] * transfers[OPERATOR].sum())
    return {
        "sensitive_transfers": total,
        "hong_kong_transfer_share": hong_kong / total if total > 0 else 0.0,
        "operator_transfer_share": operator / total if total > 0 else 0.0,
        "transfers": float(transfers.sum()),
    }


def clear_reference(
    valuation: Valuation,
    firms: FirmTable,
    market: Market,
    policy: Policy,
    review_strictness: float,
    rng: np.random.Generator | np.ndarray,
    openness: float | None = None,
    keep: bool = False,
) -> Clearing:
    """:func:`clear` in numpy over the (firms x view) matrices: the readable reference.

    Parameters
    ----------
    valuation : Valuation
        This quarter's valuation.
    firms : FirmTable
        The firms' state.
    market : Market
        The catalogue and views.
    policy : Policy
        The policy in force.
    review_strictness : float
        Strictness of cross-border review in force, in [0, 1].
    rng : numpy.random.Generator or numpy.ndarray
        The ``approvals`` stream this quarter: one uniform per request, in row-major order;
        or its PCG64 state words (``RandomStreams.quarter_state``), advanced in place.
    openness : float or None, default None
        The openness in effect, China's times its partners' (E21), in [0, 1]; None: the
        policy's.
    keep : bool, default False
        Keep the (firms x view) matrices in the result (250 bytes a firm).

    Returns
    -------
    Clearing
        As :func:`clear` returns it.
    """
    openness = policy.openness if openness is None else openness
    c, v = market.catalogue, market.view
    product = v.product
    value, usage, cross_border = valuation.value, valuation.usage, valuation.cross_border
    price = c.price[product]
    pi_rows = np.flatnonzero(firms.public_interest)
    price[pi_rows] = c.price_public_interest[product[pi_rows]]
    surplus = value - price
    surplus -= usage
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
        keep_op = np.zeros((len(best), len(ops)), dtype=bool)
        keep_op[np.arange(len(best)), best] = True
        want[:, ops] &= keep_op

    asks = want & cross_border
    n_asks = int(np.count_nonzero(asks))
    hong_kong = firms.region == Region.HONG_KONG
    if n_asks:
        sensitivity = c.kind_sensitivity[v.kind]
        rows, cols = np.nonzero(asks)
        p_approve = eq.approval_probability(
            openness,
            review_strictness,
            sensitivity[cols],
            valuation.alignment[rows],
            valuation.review_relief,
        )
        refused = kernels.uniforms(rng, n_asks) >= p_approve
        want[rows[refused], cols[refused]] = False

    bought = want
    paid = np.where(bought, price, 0.0)
    data_added = np.where(bought, c.size[product], 0.0).sum(axis=1)
    flat_products = product[bought]
    n_products = len(c.kind)
    t_rows, t_cols = np.nonzero(bought & cross_border)
    transfers = np.zeros((len(ProductKind), 2), dtype=np.int64)
    np.add.at(transfers, (v.kind[t_cols], hong_kong[t_rows].astype(int)), 1)
    matrices = {"bought": bought, "paid": paid, "cross_border": cross_border} if keep else {}
    return Clearing(
        data_added=data_added,
        spending=paid.sum(axis=1),
        usage_cost=np.where(bought, usage, 0.0).sum(axis=1),
        licences=bought.sum(axis=1).astype(float),
        cross_border_paid=np.where(bought & cross_border, price, 0.0).sum(axis=1),
        revenue=np.bincount(flat_products, weights=paid[bought], minlength=n_products),
        uses=np.bincount(flat_products, minlength=n_products).astype(float),
        **_transfer_totals(transfers, c.kind_sensitivity),
        data_volume=float(data_added.sum()),
        **matrices,
    )
