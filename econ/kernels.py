"""Compiled kernels of the hot path: one fused pass over the firms for each market step.

The numpy functions in :mod:`econ.market` and :mod:`econ.agents.firms` are the readable
reference (``clear_reference``, ``Valuation.value``, ``Firms.produce_reference``, ...); each
kernel here computes exactly the same numbers in one pass over the rows, without the
(firms x view) temporaries, and is tested against its reference on random inputs
(tests/test_kernels.py). To stay bit-identical with numpy, the kernels

- multiply and add in the reference's order (floating point is not associative);
- sum each row as numpy does (:func:`pairwise_sum`: eight accumulators, pairwise halves);
- leave powers (``x ** y``) and exponentials (``exp``) to numpy: numpy evaluates them with
  SIMD code whose last bit can differ from libm's on some CPUs (AVX-512), so callers pass
  precomputed powers and exponentials in;
- draw uniforms from the caller's ``numpy.random.Generator`` one at a time, in the row-major
  order the reference draws them in (numba uses the generator's own bit stream and state);
- draw the entrants' bounded integers, lognormals and betas with numba's own ``Generator``
  methods (its versions of numpy's samplers, on the generator's bit generator), which the
  tests hold to numpy's draws and to the generator's state after them; numpy's
  ``Generator.choice`` has no numba version, so the entrants' slots stay numpy's draws.

Kernels are compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

from dataclasses import dataclass

import llvmlite.binding as llvm
import numba
import numpy as np
from numba import types
from numba.extending import get_cython_function_address, overload

from econ import equations as eq

__all__ = [
    "GroupedDemand",
    "adjust_prices",
    "audit",
    "child_seed_state",
    "choose_effort",
    "clear_market",
    "draw_firms",
    "draw_views",
    "enforce",
    "enter_firms",
    "entrant_quantiles",
    "entry_state",
    "exit_firms",
    "firm_factors",
    "group_demand",
    "holder_supply",
    "initialise_firms",
    "mainland_totals",
    "pairwise_sum",
    "pcg64_child",
    "pcg64_double",
    "pcg64_seeded",
    "pcg64_uniforms",
    "pcg64_words",
    "poisson_counts",
    "poisson_ppf",
    "poisson_quantile",
    "price_operators",
    "price_ratios",
    "produce",
    "quarter_sums",
    "revenue_maximising_price",
    "scatter_rows",
    "seed_sequence_state",
    "set_pcg64_words",
    "settle_operators",
    "slot_uniforms",
    "stream_words",
    "uniform",
    "uniforms",
    "value_per_unit",
    "write_view_products",
]

#: The module of scipy's special functions as C (see ``_poisson_quantile``).
_CYTHON_SPECIAL = "scipy.special.cython_special"

#: Block size of numpy's pairwise summation (``PW_BLOCKSIZE`` in numpy's loops).
_PW_BLOCKSIZE = 128

_approval_probability = numba.njit(cache=True)(eq.approval_probability)
_capability_growth = numba.njit(cache=True)(eq.capability_growth)


@numba.njit(cache=True)
def _block_sum(a, start, n):
    """numpy's sum of at most one block: eight accumulators, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(start, start + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        j = start + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return res


@numba.njit(cache=True)
def pairwise_sum(a, start, n):
    """``a[start:start + n].sum()`` exactly as numpy computes it.

    Blocks of 128 summed with eight accumulators, halves (cut at a multiple of 8) added
    pairwise. numpy recurses; this walks the same tree with an explicit stack (numba cannot
    cache recursive functions).

    Parameters
    ----------
    a : numpy.ndarray
        A one-dimensional float array.
    start : int
        First element summed.
    n : int
        Elements summed.

    Returns
    -------
    float
        The sum, bit for bit numpy's.
    """
    if n <= _PW_BLOCKSIZE:
        return _block_sum(a, start, n)
    starts = np.empty(64, dtype=np.int64)
    sizes = np.empty(64, dtype=np.int64)
    stage = np.empty(64, dtype=np.int64)  # 1: summing the left half, 2: the right half
    left = np.empty(64)
    top = 0
    starts[0], sizes[0] = start, n
    while True:
        m = sizes[top]
        if m > _PW_BLOCKSIZE:
            half = m // 2
            half -= half % 8
            stage[top] = 1
            starts[top + 1], sizes[top + 1] = starts[top], half
            top += 1
            continue
        value = _block_sum(a, starts[top], m)
        top -= 1
        while top >= 0 and stage[top] == 2:
            value = left[top] + value
            top -= 1
        if top < 0:
            return value
        left[top] = value
        stage[top] = 2
        half = sizes[top] // 2
        half -= half % 8
        starts[top + 1], sizes[top + 1] = starts[top] + half, sizes[top] - half
        top += 1


@dataclass(frozen=True, eq=False)
class GroupedDemand:
    """Sampled firms' willingness to pay grouped by product: what E5 reads, without the
    empty cells of the (sample x products) matrix.

    Entries ``offsets[p]`` to ``offsets[p + 1]`` of ``buyer`` and ``value`` are product
    ``p``'s, in the order of the buyers; a buyer who does not see a product, or cannot buy it,
    has no entry. ``offsets`` may be a slice of the catalogue's (:meth:`columns`).

    Parameters
    ----------
    n_buyers : int
        Firms in the price-setting sample (E5's ``min_buyers`` is capped by it).
    offsets : numpy.ndarray
        (products + 1,) int64: where each product's entries start.
    buyer : numpy.ndarray
        (entries,) int64: the buyer's row in the sample.
    value : numpy.ndarray
        (entries,) float64: value minus non-fee costs (RMB per licence).
    """

    n_buyers: int
    offsets: np.ndarray
    buyer: np.ndarray
    value: np.ndarray

    def columns(self, block: slice) -> GroupedDemand:
        """The demand for products ``block`` only (no copy).

        Parameters
        ----------
        block : slice
            Contiguous products (a :meth:`econ.market.Catalogue.block`).

        Returns
        -------
        GroupedDemand
            Its columns, sharing this one's entries.
        """
        start, stop, _ = block.indices(len(self.offsets) - 1)
        # Built directly: dataclasses.replace looks the fields up on every call.
        offsets = self.offsets[start : max(start, stop) + 1]
        return type(self)(self.n_buyers, offsets, self.buyer, self.value)

    def dense(self) -> np.ndarray:
        """The (buyers x products) matrix, NaN where a buyer has no entry.

        Returns
        -------
        numpy.ndarray
            Willingness to pay (RMB per licence).
        """
        out = np.full((self.n_buyers, len(self.offsets) - 1), np.nan)
        _scatter_demand(self.offsets, self.buyer, self.value, out)
        return out

    def best(self) -> np.ndarray:
        """Each buyer's highest willingness to pay over these products, ignoring missing ones
        (``numpy.fmax`` over the dense rows).

        Returns
        -------
        numpy.ndarray
            (buyers,) RMB per licence; NaN for a buyer with no entry.
        """
        out = np.full(self.n_buyers, np.nan)
        _best_demand(self.offsets, self.buyer, self.value, out)
        return out


@numba.njit(cache=True)
def _scatter_demand(offsets, buyer, value, out):
    """Write grouped entries into the dense (buyers x products) matrix ``out``."""
    for col in range(len(offsets) - 1):
        for e in range(offsets[col], offsets[col + 1]):
            out[buyer[e], col] = value[e]


@numba.njit(cache=True)
def _best_demand(offsets, buyer, value, out):
    """Fold entries into ``out`` per buyer with fmax, product by product (a NaN loses)."""
    for col in range(len(offsets) - 1):
        for e in range(offsets[col], offsets[col + 1]):
            k = buyer[e]
            x = value[e]
            if x > out[k] or out[k] != out[k]:
                out[k] = x


@numba.njit(cache=True)
def group_demand(
    rows,
    sector,
    region_abroad,
    active,
    product,
    fit,
    view_foreign,
    worth,
    value_per_unit,
    product_cost,
    integration,
    border_cost,
    border_open,
    n_products,
):
    """Net willingness to pay of the sampled firms ``rows``, grouped by product.

    :func:`econ.market.sampled_demand` compiled (its reference, densely:
    :func:`econ.market.sample_willingness_to_pay_reference`). Two passes: count each
    product's buyers, then fill. A buyer who sees a product twice counts once, with the
    value of its last view slot (as a scatter into the dense matrix keeps).

    Parameters
    ----------
    rows : numpy.ndarray
        Rows of the sampled firms.
    sector, region_abroad, active : numpy.ndarray
        Per firm: sector code, whether abroad, whether active.
    product, fit : numpy.ndarray
        Per firm and view slot: catalogue column and fit.
    view_foreign : numpy.ndarray
        Per view slot: whether it holds a foreign product.
    worth, value_per_unit, product_cost, integration, border_cost : numpy.ndarray
        The factors of :class:`econ.market.Valuation` (RMB).
    border_open : bool
        Whether flows can cross the border.
    n_products : int
        Products in the catalogue.

    Returns
    -------
    offsets, buyer, value : numpy.ndarray
        The fields of :class:`GroupedDemand`.
    """
    m, w = len(rows), product.shape[1]
    counts = np.zeros(n_products + 1, dtype=np.int64)
    last = np.full(n_products, -1, dtype=np.int64)  # the last buyer entered per product
    # Drawn views show distinct products (a start and a stride within each block); only a
    # view written by hand repeats one, and only then does the fill pass check.
    duplicates = False
    for k in range(m):
        i = rows[k]
        if not active[i]:
            continue
        abroad = region_abroad[i]
        for j in range(w):
            if (abroad != view_foreign[j]) and not border_open:
                continue
            p = np.uint64(product[i, j])  # unsigned: no check for a negative index
            if last[p] != k:
                last[p] = k
                counts[p + np.uint64(1)] += 1  # (uint64 + int64 would be a float)
            else:
                duplicates = True
    offsets = np.cumsum(counts)
    fill = offsets[:-1].copy()
    buyer = np.empty(offsets[-1], dtype=np.int64)
    value = np.empty(offsets[-1])
    last[:] = -1
    for k in range(m):
        i = rows[k]
        if not active[i]:
            continue
        # The firm's factors are read once a row: the compiler does not hoist them out of a
        # loop that writes other arrays (it cannot rule out that they overlap).
        s, abroad, vpu = sector[i], region_abroad[i], value_per_unit[i]
        integ, border = integration[i], border_cost[i]
        worth_s = worth[s]  # the sector's row, once a row
        for j in range(w):
            cross = abroad != view_foreign[j]
            if cross and not border_open:
                continue
            p = np.uint64(product[i, j])
            v = worth_s[p] * vpu * np.float64(fit[i, j])
            usage = product_cost[p] + integ
            if cross:
                usage += border
            if duplicates:
                if last[p] == k:  # seen twice: the later slot's value, as in the dense scatter
                    value[fill[p] - 1] = v - usage
                    continue
                last[p] = k
            f = fill[p]  # read once: the writes below cannot alias it
            buyer[f] = k
            value[f] = v - usage
            fill[p] = f + 1
    return offsets, buyer, value


@numba.njit(cache=True)
def clear_market(
    active,
    sector,
    region_abroad,
    region,
    hong_kong,
    public_interest,
    product,
    fit,
    tie_break,
    view_kind,
    view_foreign,
    needs_registration,
    registration,
    operator_slots,
    foreign_slots,
    kind_sensitivity,
    available,
    worth,
    value_per_unit,
    product_cost,
    integration,
    border_cost,
    price,
    price_public_interest,
    size,
    openness,
    strictness,
    alignment,
    relief,
    rng,
    per_firm,
    sales,
    transfers,
    keep,
    bought_out,
    paid_out,
    cross_out,
):
    """Value and clear every firm's view in one row-major pass.

    :func:`econ.market.clear_reference` with the valuation of ``Valuation.value`` and
    ``Valuation.usage`` (E4 and E15). Per-firm outputs are written to the rows of
    ``per_firm``, per-product ones are accumulated into the rows of ``sales`` (zeroed by the
    caller), cross-border transfers are counted in ``transfers[kind, hong_kong]``; with
    ``keep`` the (firms x view) matrices go to ``bought_out``, ``paid_out`` and
    ``cross_out``. What the caller would otherwise derive with numpy (Hong Kong firms, hidden
    slots, slot sensitivities, whether operators compete) is read here from its sources.

    Parameters
    ----------
    active, sector, region_abroad, region : numpy.ndarray
        Per firm: state and region.
    hong_kong : int
        ``Region.HONG_KONG``: the firms whose transfers count as Hong Kong's.
    public_interest : numpy.ndarray
        Per firm: whether it is a public-interest user.
    product, fit, tie_break : numpy.ndarray
        Per firm and view slot: catalogue column, fit and tie-break among operators.
    view_kind, view_foreign, needs_registration : numpy.ndarray
        Per view slot: product kind (int64), foreign, visible only with registration.
    registration : bool
        Whether registration is in force (the policy's lever).
    operator_slots, foreign_slots : numpy.ndarray
        The view slots holding operators' and foreign products, ascending (int64).
    kind_sensitivity : numpy.ndarray
        Per kind of product: its sensitivity.
    available : numpy.ndarray
        Per product: whether it can be licensed. A firm licenses at most one operator
        product when any operator slot of the first row is available.
    worth, value_per_unit, product_cost, integration, border_cost : numpy.ndarray
        The factors of :class:`econ.market.Valuation` (RMB).
    price, price_public_interest, size : numpy.ndarray
        Per product: prices (RMB per licence) and data units per licence.
    openness, strictness : float
        Approval of transfers (E15): openness in effect and review strictness.
    alignment : numpy.ndarray
        Per firm: the standards alignment the bridge gives its transfers (E15), in [0, 1].
    relief : float
        Share of review an aligned transfer is spared (E15's ``r``).
    rng : numpy.random.Generator or numpy.ndarray
        The ``approvals`` stream: one uniform per request, in row-major order. A PCG64
        generator is best passed as its state words (:func:`pcg64_words`, advanced in
        place): unboxing a fresh ``Generator`` costs numba more than the whole draw.
    per_firm : numpy.ndarray
        (5, firms), written in place: data added, spending, usage cost, licences and
        cross-border fees of each firm (data units, RMB, RMB, licences, RMB).
    sales : numpy.ndarray
        (2, products), accumulated in place: revenue and uses (RMB, licences).
    transfers : numpy.ndarray
        Accumulated in place: cross-border transfers by product kind and Hong Kong or not.
    keep : bool
        Write the (firms x view) matrices.
    bought_out, paid_out, cross_out : numpy.ndarray
        Written in place with ``keep``: bought, paid (RMB), crossed the border.

    Returns
    -------
    float
        The data added in all, ``per_firm[0].sum()`` as numpy sums it.
    """
    data_added, spending, usage_cost = per_firm[0], per_firm[1], per_firm[2]
    licences, cross_border_paid = per_firm[3], per_firm[4]
    revenue, uses = sales[0], sales[1]
    pick_one_operator = False  # operators compete: a firm licenses one at most
    if product.shape[0] > 0:
        for j in operator_slots:
            pick_one_operator |= available[product[0, j]]
    n, w = product.shape
    every_slot = np.arange(w)
    bought_slots = np.empty(w, dtype=np.int64)
    surplus = np.empty(w)
    want = np.empty(w, dtype=np.bool_)
    row_price = np.empty(w)
    row_usage = np.empty(w)
    scratch = np.empty(w)
    scratch2 = np.empty(w)
    scratch3 = np.empty(w)
    scratch4 = np.empty(w)
    # Slots a firm may buy from, by (active, abroad): visible (registration) and, for a firm
    # abroad, not foreign (foreign data stays abroad).
    allow = np.empty((4, w), dtype=np.bool_)
    for j in range(w):
        for live_abroad in range(4):
            live, abroad = live_abroad >= 2, live_abroad % 2 == 1
            hidden = needs_registration[j] and not registration
            allow[live_abroad, j] = live and not hidden and not (abroad and view_foreign[j])
    for i in range(n):
        live = active[i]
        abroad = region_abroad[i]
        s = sector[i]
        vpu = value_per_unit[i]
        pi = public_interest[i]
        integ, border, align = integration[i], border_cost[i], alignment[i]  # read once a row
        # Row-invariant choices made once a row, so the slot loop has no branches but the
        # selects: the firm's prices, its sector's worth and which slots it may buy.
        prices = price_public_interest if pi else price
        worth_s = worth[s]
        allowed = allow[(2 if live else 0) + (1 if abroad else 0)]
        for j in range(w):
            p = np.uint64(product[i, j])  # unsigned: no check for a negative index
            q = prices[p]
            cross = abroad != view_foreign[j]
            value = worth_s[p] * vpu * np.float64(fit[i, j])
            usage = product_cost[p] + integ
            usage = usage + border if cross else usage
            sur = value - q
            sur -= usage
            surplus[j] = sur
            row_price[j] = q
            row_usage[j] = usage
            want[j] = sur > 0 and allowed[j]
        if pick_one_operator:
            # Only the operator slots, in order (not every slot, asking which is one).
            best = -1
            best_score = -np.inf
            for j in operator_slots:
                score = surplus[j] + np.float64(tie_break[i, j]) if want[j] else -np.inf
                if score > best_score:
                    best_score = score
                    best = j
            if best < 0:
                best = operator_slots[0]  # numpy's argmax of all -inf is the first slot
            for j in operator_slots:
                if j != best:
                    want[j] = False
        # A mainland firm's requests cross the border only in foreign slots: it visits just
        # those (in order, so the draws are the same).
        for j in every_slot if abroad else foreign_slots:
            if want[j] and abroad != view_foreign[j]:
                sensitivity = kind_sensitivity[view_kind[j]]
                p_approve = _approval_probability(openness, strictness, sensitivity, align, relief)
                if _uniform(rng) >= p_approve:
                    want[j] = False
        # Whether a slot is bought is hard to predict: the row's sums take selects, not
        # branches, and the bought slots are listed (branch-free) for the sellers' tallies.
        n_bought = 0
        for j in range(w):
            bought = want[j]
            scratch[j] = row_price[j] if bought else 0.0
            scratch2[j] = size[np.uint64(product[i, j])] if bought else 0.0
            scratch3[j] = row_usage[j] if bought else 0.0
            scratch4[j] = row_price[j] if bought and abroad != view_foreign[j] else 0.0
            bought_slots[n_bought] = j
            n_bought += bought
        for b in range(n_bought):
            j = bought_slots[b]
            p = np.uint64(product[i, j])
            revenue[p] += row_price[j]
            uses[p] += 1.0
            if abroad != view_foreign[j]:
                transfers[view_kind[j], 1 if region[i] == hong_kong else 0] += 1
        count = float(n_bought)
        if keep:
            for j in range(w):
                bought_out[i, j] = want[j]
                paid_out[i, j] = scratch[j]
                cross_out[i, j] = abroad != view_foreign[j]
        if w <= _PW_BLOCKSIZE:  # one block: its sum directly (the call of pairwise_sum
            # is not inlined, and cost the clearing a seventh of its time)
            spending[i] = _block_sum(scratch, 0, w)
            data_added[i] = _block_sum(scratch2, 0, w)
            usage_cost[i] = _block_sum(scratch3, 0, w)
            cross_border_paid[i] = _block_sum(scratch4, 0, w)
        else:
            spending[i] = pairwise_sum(scratch, 0, w)
            data_added[i] = pairwise_sum(scratch2, 0, w)
            usage_cost[i] = pairwise_sum(scratch3, 0, w)
            cross_border_paid[i] = pairwise_sum(scratch4, 0, w)
        licences[i] = count
    return pairwise_sum(data_added, 0, n)


@numba.njit(cache=True)
def value_per_unit(
    productivity,
    capital_power,
    growth_power,
    capability,
    active,
    data_elasticity,
    data_scale,
    value_index,
    life_factor,
):
    """E1, E3, E2d and E4 per firm in the order of ``Firms.value_per_unit_reference``.

    Parameters
    ----------
    productivity : numpy.ndarray
        The firms' productivity ``A``.
    capital_power, growth_power : numpy.ndarray
        The powers ``K^alpha`` and ``(1 + D/D0)^(beta - 1)`` (numpy's).
    capability, active : numpy.ndarray
        The firm table's columns.
    data_elasticity, data_scale : float
        ``beta`` and ``D0``.
    value_index : float
        E2d's index of data's value to its users.
    life_factor : float
        E4's value of a data unit over its life, per unit of marginal product.

    Returns
    -------
    numpy.ndarray
        RMB per data unit, one per slot; zero for inactive slots.
    """
    n = len(active)
    out = np.empty(n)
    for i in range(n):
        base = productivity[i] * capital_power[i]  # E1
        marginal = (data_elasticity * base * growth_power[i]) / data_scale  # E3
        marginal = value_index * marginal  # E2d
        value = marginal * capability[i] * (1.0 if active[i] else 0.0)
        out[i] = value * 1.0 * life_factor  # E4, one data unit
    return out


@numba.njit(cache=True)
def produce(
    active,
    capital_power,
    growth_power,
    value_index,
    non_data_cost_share,
    spending,
    usage_cost,
    licences,
    data_fixed_cost,
    data_setup_cost,
    data_set_up,
    data_added,
    investment_rate,
    capital_depreciation,
    byproduct_rate,
    mean_output,
    data_depreciation,
    capability_diffusion,
    tfp_growth,
    output,
    surplus,
    cash,
    capital,
    data_stock,
    capability,
    productivity,
    age,
    data_spending,
    licences_kept,
):
    """E1, E2, E2b, E2c, E18 per firm in the order of ``Firms.produce_reference``.

    Given the powers ``K^alpha`` and ``(1 + D/D0)^beta`` (numpy's); every state array is
    updated in place.

    Parameters
    ----------
    active : numpy.ndarray
        Whether each firm is active.
    capital_power, growth_power : numpy.ndarray
        ``K^alpha`` (E1: the data-free output is ``A K^alpha``) and ``(1 + D/D0)^beta`` (E2).
    value_index : float
        E2d's index of data's value to its users.
    non_data_cost_share : float
        Share of data-free output spent on other inputs.
    spending, usage_cost, licences : numpy.ndarray
        Licence fees and non-fee costs (RMB), and licences bought.
    data_fixed_cost : float
        E2b's fixed cost of a data capability, paid by a firm that licensed anything (RMB).
    data_setup_cost : float
        E2c's one-off cost of building one, paid by a firm without one that licensed (RMB).
    data_set_up : numpy.ndarray
        Whether each firm has a data capability; set for active firms that licensed.
    data_added : numpy.ndarray
        Data licensed (data units).
    investment_rate, capital_depreciation, byproduct_rate : float
        Share of surplus invested, capital lost per quarter, data made per unit of output.
    mean_output : float
        Mean output of a firm (RMB per quarter), the by-product scale.
    data_depreciation, capability_diffusion, tfp_growth : float
        Per-quarter rates: data going stale, capability diffusion (E18), productivity growth.
    output, surplus, cash, capital, data_stock, capability, productivity, age : numpy.ndarray
        The firm table's columns, updated in place.
    data_spending, licences_kept : numpy.ndarray
        The firm table's columns, written with ``spending`` and ``licences``.
    """
    for i in range(len(active)):
        live = active[i]
        data_spending[i] = spending[i]
        licences_kept[i] = licences[i]
        b = productivity[i] * capital_power[i]  # E1
        factor = 1.0 * growth_power[i]  # E2's factor, eq.output(1.0, ...)
        if value_index != 1.0:  # E2d; at 1, E2 exactly (1 + (f - 1) can differ from f)
            factor = 1.0 + value_index * (factor - 1.0)
        y = b * factor
        gain = y - non_data_cost_share * b
        gain -= spending[i]
        # E2b: the fixed cost of a data capability, for firms that licensed data.
        # E2c: the set-up cost, once, for a firm that licenses without a capability yet.
        setting_up = licences[i] > 0 and not data_set_up[i]
        gain -= usage_cost[i] + (
            (data_fixed_cost if licences[i] > 0 else 0.0) + (data_setup_cost if setting_up else 0.0)
        )
        y_kept = y if live else 0.0
        s = gain if live else 0.0
        output[i] = y_kept
        surplus[i] = s
        investment = investment_rate * max(s, 0.0)
        cash[i] += s - investment
        if live:
            capital[i] = (1 - capital_depreciation) * capital[i] + investment
            byproduct = byproduct_rate * y_kept / mean_output
            data_stock[i] = (1 - data_depreciation) * data_stock[i] + data_added[i] + byproduct
        c = capability[i]
        capability[i] = c + _capability_growth(c, capability_diffusion) * (1.0 if live else 0.0)
        productivity[i] *= 1 + tfp_growth
        if live:
            age[i] += 1.0
            if licences[i] > 0:
                data_set_up[i] = True


@numba.njit(cache=True)
def audit(
    licensed,
    incidents,
    security,
    revenue,
    audit_u,
    finding_u,
    audit_rate,
    penalty_rate,
    relicense_quarters,
    licences,
    relicense_in,
    penalty,
    profit,
):
    """Audits, fines, revocations and re-issues of licences, slot by slot: the steps of
    :meth:`econ.agents.regulator.Regulator.audit_reference` (ODD 7.7) without a numpy call
    on five slots for each.

    Parameters
    ----------
    licensed : numpy.ndarray
        Per slot: holds a licence (updated in place).
    incidents : numpy.ndarray
        Per slot: incidents this quarter.
    security, revenue : numpy.ndarray
        Per slot: security level z and gross revenue (RMB).
    audit_u, finding_u : numpy.ndarray
        Per slot: the uniforms of the audit and of its finding.
    audit_rate, penalty_rate : float
        The policy's audit probability and fine per unit of revenue.
    relicense_quarters : int
        Quarters a revoked slot waits.
    licences : int
        The policy's number of licences (slots beyond it stay empty).
    relicense_in : numpy.ndarray
        Per slot: quarters until re-issue (updated in place).
    penalty, profit : numpy.ndarray
        Per slot: this quarter's fine (written) and profit (the fine is subtracted).

    Returns
    -------
    audits, revocations : int
        Slots audited and licences revoked.
    fines : float
        The sum of ``penalty``, as numpy sums it.
    """
    audits = 0
    revocations = 0
    for i in range(len(licensed)):
        audited = licensed[i] and audit_u[i] < audit_rate
        non_compliant = audited and finding_u[i] < 1.0 - security[i]
        fine = penalty_rate * revenue[i] if non_compliant else 0.0
        penalty[i] = fine
        profit[i] -= fine
        revoke = non_compliant and incidents[i] > 0
        if revoke:
            licensed[i] = False
            relicense_in[i] = relicense_quarters + 1
        # Re-issue once the delay has passed (this quarter counts).
        waiting = not licensed[i] and i < licences
        relicense_in[i] = max(relicense_in[i] - 1, 0) if waiting else 0
        if waiting and relicense_in[i] == 0:
            licensed[i] = True
        audits += audited
        revocations += revoke
    return audits, revocations, pairwise_sum(penalty, 0, len(penalty))


#: E9 compiled from its definition, the security factor given
#: (:func:`econ.equations.incident_rate_given_security`).
_incident_rate = numba.njit(cache=True)(eq.incident_rate_given_security)


@numba.njit(cache=True)
def enforce(
    uses,
    licensed,
    security,
    security_factor,
    revenue,
    relicense_in,
    penalty,
    profit,
    incidents,
    base_rate,
    cross_border_rate,
    sensitive_transfers,
    infrastructure,
    review_strictness,
    bridge_alignment,
    cuts,
    privacy_computing,
    privacy_cut,
    operator_transfer_share,
    audit_rate,
    penalty_rate,
    relicense_quarters,
    licences,
    incident_words,
    cross_border_words,
    audit_words,
):
    """A quarter's enforcement in one pass: the steps of
    :meth:`econ.agents.regulator.Regulator.enforce_reference` (E9, E28, ODD 7.6-7.7) on
    the operator slots, with the same draws from the three streams' PCG64 state words: one
    uniform a slot for incidents, one for the cross-border incidents, then a slot's audit
    and a slot's finding.

    Parameters
    ----------
    uses : numpy.ndarray
        Per operator slot: licences served.
    licensed : numpy.ndarray
        Per slot: holds a licence (updated in place by revocations and re-issues).
    security : numpy.ndarray
        Per slot: security z.
    security_factor : numpy.ndarray
        Per slot: E9's ``exp(-b z)``, computed by numpy (its vectorised ``exp`` can differ
        from libm's in the last bit on some CPUs).
    revenue : numpy.ndarray
        Per slot: revenue (RMB).
    relicense_in, penalty, profit : numpy.ndarray
        Per slot, updated in place by the audits (:func:`audit`).
    incidents : numpy.ndarray
        (slots,) int64, written: each slot's incidents (E9's Poisson draw).
    base_rate, cross_border_rate : float
        E9's base rates of operators' licences and of cross-border transfers.
    sensitive_transfers : float
        The quarter's sensitivity-weighted cross-border transfers.
    infrastructure, review_strictness, bridge_alignment : float
        The levers and state E9 reads.
    cuts : tuple of float
        E9's ``(a, b, c, d)`` (``b`` is already in the security factors; a transfer's
        security is 0, so its factor is 1).
    privacy_computing, privacy_cut, operator_transfer_share : float
        Privacy computing's lever and cut, and the operators' share of the transfers it covers.
    audit_rate, penalty_rate : float
        E28's audit probability and the fine per unit of revenue.
    relicense_quarters, licences : int
        Quarters a revoked slot waits, and the policy's number of licences.
    incident_words, cross_border_words, audit_words : numpy.ndarray
        The streams' state words, advanced in place.

    Returns
    -------
    tuple
        Cross-border incidents (int), the operators' and the cross-border expected incidents
        (floats, the first summed as numpy sums it), audits, revocations (ints) and fines
        (RMB).
    """
    n = len(uses)
    op_rate = np.empty(n)
    for i in range(n):
        op_rate[i] = _incident_rate(
            base_rate, uses[i] * licensed[i], infrastructure, security_factor[i], 0.0, 0.0,
            cuts, privacy_computing, privacy_cut,
        )  # fmt: skip
        incidents[i] = _poisson_count(pcg64_double(incident_words), op_rate[i])
    cb_rate = _incident_rate(
        cross_border_rate, sensitive_transfers, infrastructure, 1.0, review_strictness,
        bridge_alignment, cuts, privacy_computing * operator_transfer_share, privacy_cut,
    )  # fmt: skip
    cross_border = _poisson_count(pcg64_double(cross_border_words), cb_rate)
    audit_u = pcg64_uniforms(audit_words, n)
    finding_u = pcg64_uniforms(audit_words, n)
    audits, revocations, fines = audit(
        licensed, incidents, security, revenue, audit_u, finding_u, audit_rate, penalty_rate,
        relicense_quarters, licences, relicense_in, penalty, profit,
    )  # fmt: skip
    return cross_border, pairwise_sum(op_rate, 0, n), cb_rate, audits, revocations, fines


@numba.njit(cache=True)
def exit_firms(active, surplus, u, base_hazard, loss_multiplier):
    """E19's exits: an active firm exits when its uniform is below its hazard
    (:meth:`econ.agents.firms.Firms.exit_reference`).

    Parameters
    ----------
    active : numpy.ndarray
        Per slot: whether the firm operates (updated in place).
    surplus : numpy.ndarray
        Per slot: last quarter's surplus (RMB); a loss multiplies the hazard.
    u : numpy.ndarray
        One uniform per slot.
    base_hazard, loss_multiplier : float
        E19's quarterly hazard and its multiplier after a loss.

    Returns
    -------
    int
        The number of exits.
    """
    exits = 0
    for i in range(len(active)):
        hazard = base_hazard * (loss_multiplier if surplus[i] < 0 else 1.0)
        leaves = active[i] and u[i] < hazard
        if leaves:
            active[i] = False
        exits += leaves
    return exits


@numba.njit(cache=True)
def entry_state(active, surplus, output):
    """What entry reads (:meth:`econ.agents.firms.Firms.enter`): the active firms' surplus
    and output, each summed as numpy sums ``x[active]``, their number, and the empty slots.

    Parameters
    ----------
    active : numpy.ndarray
        Per slot: whether the firm operates.
    surplus, output : numpy.ndarray
        Per slot: last quarter's surplus and output (RMB).

    Returns
    -------
    surplus, output : float
        ``surplus[active].sum()`` and ``output[active].sum()``.
    n_active : int
        Active slots.
    empty : numpy.ndarray
        ``numpy.flatnonzero(~active)``.
    """
    n = len(active)
    kept_surplus = np.empty(n)
    kept_output = np.empty(n)
    empty = np.empty(n, dtype=np.int64)
    n_active = 0
    n_empty = 0
    for i in range(n):
        if active[i]:
            kept_surplus[n_active] = surplus[i]
            kept_output[n_active] = output[i]
            n_active += 1
        else:
            empty[n_empty] = i
            n_empty += 1
    return (
        pairwise_sum(kept_surplus, 0, n_active),
        pairwise_sum(kept_output, 0, n_active),
        n_active,
        empty[:n_empty].copy(),
    )


@numba.njit(cache=True)
def choose_effort(
    effort,
    datasets,
    supply_cost,
    fee_revenue,
    share_revenue,
    uses,
    responds,
    fee_retention,
    min_effort,
    registration,
    value_per_use,
    mandate,
    effort_cost,
    adjustment,
    staleness,
    release_per_effort,
):
    """Holders' effort (E8), datasets (E12) and supply cost, holder by holder: the steps of
    :meth:`econ.agents.holders.PublicHolders.choose_effort_reference`.

    Parameters
    ----------
    effort, datasets, supply_cost : numpy.ndarray
        Per holder: the columns updated in place.
    fee_revenue, share_revenue, uses : numpy.ndarray
        Per holder: last quarter's fees, revenue share (RMB) and licences.
    responds : bool
        Whether effort responds (``supply_responds``); otherwise it stays.
    fee_retention : float
        Share of fees a holder keeps.
    min_effort : float
        Effort below which rates are read at this floor.
    registration : bool
        Whether uses are visible (registration); without it none is.
    value_per_use : float
        Value to a holder of one visible use (RMB).
    mandate, effort_cost : float
        E8's mandate ``m`` and cost scale ``c`` (RMB per quarter).
    adjustment : float
        Share of the gap to the optimum closed each quarter.
    staleness, release_per_effort : float
        E12's share of datasets going stale and datasets released per unit effort.
    """
    for i in range(len(effort)):
        e = effort[i]
        if responds:
            kept = fee_retention * fee_revenue[i] + share_revenue[i]
            floor = e if e >= min_effort or e != e else min_effort  # np.maximum
            visible = value_per_use * (uses[i] if registration else 0.0)
            x = (mandate + kept / floor + visible / floor) / effort_cost
            target = x if x != x else (0.0 if x < 0.0 else (1.0 if x > 1.0 else x))  # np.clip
            e += adjustment * (target - e)
            effort[i] = e
        datasets[i] = datasets[i] * (1.0 - staleness) + release_per_effort * e
        supply_cost[i] = effort_cost * (e * e) / 2


@numba.njit(cache=True)
def holder_supply(datasets, effort, base_size, reference_datasets, reference_effort):
    """E13's size of each holder's open product and the quality of the sensitive data they
    supply, in one pass: ``eq.public_product_size`` and the mean of ``0.5 + 0.5 e/e0`` (its
    sum in numpy's order over the count).

    Parameters
    ----------
    datasets, effort : numpy.ndarray
        The holders' open datasets and supply effort.
    base_size, reference_datasets, reference_effort : float
        E13's size at the reference datasets and effort, and those references.

    Returns
    -------
    size : numpy.ndarray
        Data units per licence, one per holder.
    quality : float
        Mean quality relative to start-up (NaN without holders, as numpy's mean).
    """
    n = len(effort)
    size = np.empty(n)
    quality = np.empty(n)
    for i in range(n):
        q = 0.5 + 0.5 * effort[i] / reference_effort
        quality[i] = q
        size[i] = base_size * np.sqrt(datasets[i] / reference_datasets) * q
    return size, pairwise_sum(quality, 0, n) / n if n else np.nan


@numba.njit(cache=True)
def price_operators(
    licensed,
    monopoly_price,
    price_factor,
    revenue,
    has_target,
    target,
    adjustment,
    marginal_cost,
    cap,
    revenue_capped,
    free_for_public_interest,
    fine_rate,
    security_cost,
    intrinsic_security,
    price,
    price_public_interest,
    security,
):
    """Operators' prices and security after E5: the steps of
    :meth:`econ.agents.operators.Operators.set_prices_reference` (E5b, E6, the caps, E14).

    Parameters
    ----------
    licensed, monopoly_price, price_factor, revenue : numpy.ndarray
        Per slot: licence, smoothed monopoly price (updated in place when ``has_target``),
        the revenue cap's price factor and last quarter's revenue (RMB).
    has_target : bool
        Whether E5 gave a target this quarter (some operator is licensed by the policy).
    target : float
        E5's revenue-maximising price (RMB per licence).
    adjustment : float
        E5b's share of the gap to the target closed.
    marginal_cost : float
        Cost of a licence sold (RMB).
    cap : float
        The price cap (RMB per licence); ``inf`` without one.
    revenue_capped : bool
        Whether a revenue cap scales the price by the price factor.
    free_for_public_interest : bool
        Whether public-interest users pay nothing.
    fine_rate : float
        Expected fine per RMB of revenue (audit rate times penalty).
    security_cost : float
        Cost of full security, ``C`` in E14 (RMB per quarter).
    intrinsic_security : float
        Security without investment.
    price, price_public_interest, security : numpy.ndarray
        Per slot: written in place.
    """
    n = len(licensed)
    if has_target:
        for i in range(n):
            previous = monopoly_price[i]
            moved = previous + adjustment * (target - previous)
            monopoly_price[i] = moved if previous > 0 else target
    sellers = 0
    for i in range(n):
        sellers += licensed[i]
    margin = monopoly_price[0] - marginal_cost
    margin = margin if margin >= 0.0 or margin != margin else 0.0  # np.maximum
    oligopoly = marginal_cost + margin / max(sellers, 1)  # E6
    oligopoly = cap if cap < oligopoly else oligopoly  # min(price, cap)
    for i in range(n):
        p = oligopoly if licensed[i] else 0.0
        if revenue_capped:
            p *= price_factor[i]
        price[i] = p
        price_public_interest[i] = 0.0 if free_for_public_interest else p
        fine = fine_rate * revenue[i]
        if security_cost > 0:
            security[i] = _clip(intrinsic_security + fine / security_cost, 0.0, 1.0)  # E14
        else:  # free security: E14's limit, full security once any fine is expected
            security[i] = 1.0 if fine > 0 else intrinsic_security


@numba.njit(cache=True)
def settle_operators(
    licensed,
    security,
    uses,
    revenue,
    security_cost,
    fixed_cost,
    marginal_cost,
    revenue_share,
    capped,
    reasonable_profit,
    min_price_factor,
    cost,
    clawback,
    penalty,
    profit,
    price_factor,
):
    """Operators' costs, clawback, profit and the revenue cap's price factor: the steps of
    :meth:`econ.agents.operators.Operators.settle_reference` (E7, E7b) slot by slot.

    Parameters
    ----------
    licensed, security, uses, revenue : numpy.ndarray
        Per slot: licence, security level z, licences sold and gross revenue (RMB).
    security_cost, fixed_cost, marginal_cost : float
        Cost of full security (``security_cost * z^2``), fixed cost of a licensed slot and
        cost of a licence sold (RMB).
    revenue_share : float
        Share of revenue paid to the holders.
    capped : bool
        Whether a revenue cap claws back revenue above cost plus reasonable profit.
    reasonable_profit : float
        The cap's profit margin.
    min_price_factor : float
        The lowest price factor (E7b).
    cost, clawback, penalty, profit : numpy.ndarray
        Per slot: written in place (the penalty zeroed: fines come after the audits).
    price_factor : numpy.ndarray
        Per slot: the cap's price factor, updated in place under a revenue cap.
    """
    n = len(licensed)
    net = np.empty(n)
    allowed = np.zeros(n)
    for i in range(n):
        on = 1.0 if licensed[i] else 0.0
        z = security[i]
        c = (fixed_cost + security_cost * (z * z)) * on + marginal_cost * uses[i]
        cost[i] = c
        r = (1.0 - revenue_share) * revenue[i]
        net[i] = r
        claw = 0.0
        if capped:
            allowed[i] = c * (1.0 + reasonable_profit) * on
            excess = r - allowed[i]
            claw = excess if excess >= 0.0 or excess != excess else 0.0  # np.maximum
        clawback[i] = claw
        penalty[i] = 0.0
        profit[i] = r - claw - c if licensed[i] else 0.0
    if capped:
        # E7b on the licensees' combined revenue and allowance (eq.revenue_cap_adjustment),
        # each summed as numpy sums them.
        kept = 0
        for i in range(n):
            if licensed[i]:
                net[kept] = net[i]
                kept += 1
        total = pairwise_sum(net, 0, kept)
        floor = total if total >= 1e-9 or total != total else 1e-9  # np.maximum
        ratio = pairwise_sum(allowed, 0, n) / floor if total > 0 else 1.25
        ratio = _clip(ratio, 0.5, 1.25)
        for i in range(n):
            price_factor[i] = _clip(price_factor[i] * ratio, min_price_factor, 1.0)


@numba.njit(cache=True)
def _clip(x, low, high):
    """``numpy.clip`` of one float: NaN stays NaN."""
    if x != x:
        return x
    return low if x < low else (high if x > high else x)


@numba.njit(cache=True)
def firm_factors(
    capability,
    region,
    hong_kong,
    integration_cost,
    capability_saving,
    bridge,
    discount_hong_kong,
    discount_other,
    alignment_hong_kong,
    alignment_other,
    border_scale,
):
    """The per-firm factors of :func:`econ.market.value_licences` in one pass: its numpy
    steps firm by firm.

    Parameters
    ----------
    capability, region : numpy.ndarray
        Per firm: digital capability and region code.
    hong_kong : int
        ``Region.HONG_KONG`` (codes from it on are abroad).
    integration_cost, capability_saving : float
        Integration cost of a licence and the share of it capability saves.
    bridge : float
        The bridge in force, in [0, 1]: ``hk_bridge`` times the coverage its capacity
        allowed last quarter (E32).
    discount_hong_kong, discount_other, alignment_hong_kong, alignment_other : float
        The bridge's discounts and alignments for Hong Kong and other firms.
    border_scale : float
        E16's cost of a transfer without the bridge's discount.

    Returns
    -------
    integration, border_cost, alignment : numpy.ndarray
        Per firm: integration cost, cost of a cross-border transfer, bridge alignment.
    abroad : numpy.ndarray
        Per firm: Hong Kong or foreign.
    """
    n = len(capability)
    integration = np.empty(n)
    border_cost = np.empty(n)
    alignment = np.empty(n)
    abroad = np.empty(n, dtype=np.bool_)
    for i in range(n):
        integration[i] = integration_cost * (1 - capability_saving * capability[i])
        is_hong_kong = region[i] == hong_kong
        discount = bridge * (discount_hong_kong if is_hong_kong else discount_other)
        border_cost[i] = border_scale * (1.0 - discount)
        alignment[i] = bridge * (alignment_hong_kong if is_hong_kong else alignment_other)
        abroad[i] = region[i] >= hong_kong
    return integration, border_cost, alignment, abroad


@numba.njit(cache=True)
def mainland_totals(active, region, hong_kong, surplus, output):
    """What :func:`econ.metrics.measure` reads of the firms: the active mainland firms'
    surplus and output, summed as numpy sums ``x[mainland]``, their outputs, and the number
    of active firms.

    Parameters
    ----------
    active, region : numpy.ndarray
        Per slot: whether the firm operates, and its region code.
    hong_kong : int
        ``Region.HONG_KONG`` (codes from it on are abroad).
    surplus, output : numpy.ndarray
        Per slot: the quarter's surplus and output (RMB).

    Returns
    -------
    surplus, output : float
        ``surplus[mainland].sum()`` and ``output[mainland].sum()``, where ``mainland`` is
        ``active & (region < hong_kong)``.
    mainland_output : numpy.ndarray
        ``output[mainland]``.
    n_active : int
        ``active.sum()``.
    """
    n = len(active)
    kept_surplus = np.empty(n)
    kept_output = np.empty(n)
    n_kept = 0
    n_active = 0
    for i in range(n):
        if active[i]:
            n_active += 1
            if region[i] < hong_kong:
                kept_surplus[n_kept] = surplus[i]
                kept_output[n_kept] = output[i]
                n_kept += 1
    return (
        pairwise_sum(kept_surplus, 0, n_kept),
        pairwise_sum(kept_output, 0, n_kept),
        kept_output[:n_kept].copy(),
        n_active,
    )


@numba.njit(cache=True)
def _masked_sum(values, mask, scratch):
    """``values[mask].sum()`` as numpy sums it, and how many ``mask`` keeps."""
    n = 0
    for i in range(len(values)):
        if mask[i]:
            scratch[n] = values[i]
            n += 1
    return pairwise_sum(scratch, 0, n), n


@numba.njit(cache=True)
def quarter_sums(
    fee_revenue,
    share_revenue,
    supply_cost,
    datasets,
    effort,
    profit,
    clawback,
    penalty,
    operator_price,
    licensed,
    supplier_revenue,
    revenue,
    uses,
    cross_border_paid,
    price,
    public_start,
    public_stop,
    ops_start,
    ops_stop,
):
    """The sums :func:`econ.metrics.measure` reports, in one pass: each ``x.sum()`` in
    numpy's order (:func:`pairwise_sum`), means as sum over count, and E11's ``hhi`` of the
    sales by seller (operators one each, the other products in catalogue order).

    Parameters
    ----------
    fee_revenue, share_revenue, supply_cost, datasets, effort : numpy.ndarray
        The holders' columns.
    profit, clawback, penalty, operator_price, licensed : numpy.ndarray
        The operators' columns.
    supplier_revenue : numpy.ndarray
        The private suppliers' revenue.
    revenue, uses : numpy.ndarray
        The clearing's revenue and uses by product.
    cross_border_paid : numpy.ndarray
        The clearing's cross-border fees by firm.
    price : numpy.ndarray
        The catalogue's prices.
    public_start, public_stop, ops_start, ops_stop : int
        The public and operator blocks of the catalogue.

    Returns
    -------
    tuple
        Holder revenue (fees plus shares), operator profit, supply cost, supplier revenue,
        clawbacks plus penalties, revenue, uses, datasets, mean effort, cross-border fees,
        ``eq.hhi`` of the sales, public uses, mean public fee (0 with no public product),
        mean licensed operator's price (0 with none licensed), and licensed operators.
    """
    k = len(revenue)
    scratch = np.empty(max(k, len(operator_price)))
    holder_revenue = pairwise_sum(fee_revenue, 0, len(fee_revenue)) + pairwise_sum(
        share_revenue, 0, len(share_revenue)
    )
    clawbacks = pairwise_sum(clawback, 0, len(clawback)) + pairwise_sum(penalty, 0, len(penalty))
    n_public = public_stop - public_start
    public_price = pairwise_sum(price, public_start, n_public) / n_public if n_public else 0.0
    operator_sum, n_licensed = _masked_sum(operator_price, licensed, scratch)
    operator_mean = operator_sum / n_licensed if n_licensed else 0.0
    # E11 (eq.hhi): sales by seller, the operators' block moved to the end.
    n = 0
    for j in range(k):
        if j < ops_start or j >= ops_stop:
            scratch[n] = revenue[j]
            n += 1
    for j in range(ops_start, ops_stop):
        scratch[n] = revenue[j]
        n += 1
    total = pairwise_sum(scratch, 0, k)
    hhi = 0.0
    if not total <= 0:
        for j in range(k):
            share = scratch[j] / total
            scratch[j] = share * share
        hhi = pairwise_sum(scratch, 0, k)
    return (
        holder_revenue,
        pairwise_sum(profit, 0, len(profit)),
        pairwise_sum(supply_cost, 0, len(supply_cost)),
        pairwise_sum(supplier_revenue, 0, len(supplier_revenue)),
        clawbacks,
        pairwise_sum(revenue, 0, k),
        pairwise_sum(uses, 0, len(uses)),
        pairwise_sum(datasets, 0, len(datasets)),
        pairwise_sum(effort, 0, len(effort)) / len(effort) if len(effort) else np.nan,
        pairwise_sum(cross_border_paid, 0, len(cross_border_paid)),
        hhi,
        pairwise_sum(uses, public_start, n_public),
        public_price,
        operator_mean,
        n_licensed,
    )


@numba.njit(cache=True)
def initialise_firms(
    rows,
    region,
    hong_kong,
    sector_draw,
    interest_u,
    services_u,
    share_public_interest,
    public_services,
    capital_draw,
    capital_scale,
    productivity_draw,
    productivity_scale,
    productivity_growth,
    data_draw,
    data_scale,
    data_share,
    capability_draw,
    capability_share,
    entrant,
    active,
    sector,
    public_interest,
    productivity,
    capital,
    cash,
    data_stock,
    capability,
    output,
    surplus,
    data_spending,
    licences,
    age,
    data_set_up,
):
    """Write fresh firms into slots ``rows`` from their draws: the arithmetic and the column
    writes of :meth:`econ.agents.firms.Firms.initialise_reference`, in one pass.

    Parameters
    ----------
    rows : numpy.ndarray
        The slots (distinct).
    region : numpy.ndarray
        Every slot's region code.
    hong_kong : int
        ``Region.HONG_KONG``: codes from it on are abroad (never public-interest users).
    sector_draw, interest_u, services_u : numpy.ndarray
        Per new firm: its sector, the uniform of public interest and that of a public-services
        firm's public interest.
    share_public_interest : float
        Share of public-interest users.
    public_services : int
        The public-services sector code.
    capital_draw : numpy.ndarray
        Per new firm: the lognormal draw of capital.
    capital_scale : float
        Its multiplier (RMB).
    productivity_draw : numpy.ndarray
        Per new firm: the lognormal draw of productivity.
    productivity_scale, productivity_growth : float
        Its multipliers (the growth since start-up only for entrants).
    data_draw : numpy.ndarray
        Per new firm: the lognormal draw of data.
    data_scale, data_share : float
        Its multipliers: the data scale and the entrants' share (1 for incumbents).
    capability_draw : numpy.ndarray
        Per new firm: the beta draw of capability.
    capability_share : float
        The entrants' share of capability (1 for incumbents).
    entrant : bool
        Whether the firms are entrants.
    active, sector, public_interest, productivity, capital, cash : numpy.ndarray
        The firm table's columns, written at ``rows``.
    data_stock, capability, output, surplus, data_spending, licences, age : numpy.ndarray
        Further columns, written at ``rows``.
    data_set_up : numpy.ndarray
        Whether each firm has a data capability: incumbents do, entrants not yet.
    """
    for k in range(len(rows)):
        i = rows[k]
        active[i] = True
        sector[i] = sector_draw[k]
        interested = interest_u[k] < share_public_interest
        # Half the public-services firms are public-interest users too.
        interested |= (sector[i] == public_services) & (services_u[k] < 0.5)
        public_interest[i] = region[i] < hong_kong and interested  # mainland only
        a = productivity_draw[k] * productivity_scale
        if entrant:
            a *= productivity_growth
        productivity[i] = a
        k_capital = capital_scale * capital_draw[k]
        capital[i] = k_capital
        cash[i] = 0.25 * k_capital
        data_stock[i] = data_share * (data_scale * data_draw[k])
        capability[i] = capability_draw[k] * capability_share
        output[i] = 0.0
        surplus[i] = 0.0
        data_spending[i] = 0.0
        licences[i] = 0.0
        age[i] = 0.0
        data_set_up[i] = not entrant


@numba.njit(cache=True)
def write_view_products(product, rows, columns, start, stride, first, total):
    """``product[rows[k], columns[j]] = first + (start[k] + stride[k] * j) % total``: the
    products a view's block shows, by a start and a stride (:meth:`econ.market.View.draw`).

    Parameters
    ----------
    product : numpy.ndarray
        (firms, view) catalogue columns, written at ``rows``.
    rows : numpy.ndarray
        The firm slots drawn.
    columns : numpy.ndarray
        The view slots of the block's kind, in order.
    start, stride : numpy.ndarray
        Per drawn row: the first product's offset and the stride (coprime to ``total``).
    first, total : int
        The block's first catalogue column and its number of products.
    """
    for k in range(len(rows)):
        i = rows[k]
        for j in range(len(columns)):
            product[i, columns[j]] = first + (start[k] + stride[k] * j) % total


@numba.njit(cache=True)
def scatter_rows(out, rows, values, factor, same_as_first):
    """``out[rows] = factor * values`` (cast to ``out``'s dtype), the slots ``same_as_first``
    taking the value of the first of them (operators sell the same data: one fit).

    Parameters
    ----------
    out : numpy.ndarray
        (firms, view), written at ``rows``.
    rows : numpy.ndarray
        The firm slots written.
    values : numpy.ndarray
        (rows, view) values.
    factor : float
        Their multiplier.
    same_as_first : numpy.ndarray
        View slots that share one value, ascending (may be empty).
    """
    for k in range(len(rows)):
        i = rows[k]
        for j in range(values.shape[1]):
            out[i, j] = factor * values[k, j]
        if len(same_as_first):
            first = factor * values[k, same_as_first[0]]
            for j in same_as_first:
                out[i, j] = first


@numba.njit(cache=True)
def draw_firms(
    rng,
    rows,
    region,
    hong_kong,
    n_sectors,
    share_public_interest,
    public_services,
    capital_mean,
    capital_sigma,
    capital_scale,
    productivity_mean,
    productivity_sigma,
    productivity_scale,
    productivity_growth,
    data_sigma,
    data_scale,
    data_share,
    capability_b,
    capability_share,
    entrant,
    active,
    sector,
    public_interest,
    productivity,
    capital,
    cash,
    data_stock,
    capability,
    output,
    surplus,
    data_spending,
    licences,
    age,
    data_set_up,
):
    """Draw fresh firms into slots ``rows`` and write them: the draws of
    :meth:`econ.agents.firms.Firms.initialise_reference`, in its order, from numba's
    ``Generator`` methods (numpy's samplers on the same bit generator), then
    :func:`initialise_firms`.

    The parameters are a validated scenario's (the sigmas >= 0, ``capability_b`` > 0): numba
    does not repeat numpy's argument checks.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator; its bit generator's state advances as numpy's draws would advance it.
    rows : numpy.ndarray
        The slots (distinct).
    region : numpy.ndarray
        Every slot's region code.
    hong_kong : int
        ``Region.HONG_KONG``: codes from it on are abroad.
    n_sectors : int
        Sectors are drawn uniformly from ``range(n_sectors)``.
    share_public_interest : float
        Share of public-interest users.
    public_services : int
        The public-services sector code.
    capital_mean, capital_sigma, capital_scale : float
        Capital is ``capital_scale`` times a lognormal draw of these parameters.
    productivity_mean, productivity_sigma : float
        The lognormal draw of productivity.
    productivity_scale, productivity_growth : float
        Its multipliers (the growth since start-up only for entrants).
    data_sigma : float
        The log sd of the data draw (a lognormal of log mean 0).
    data_scale, data_share : float
        Its multipliers: the data scale and the entrants' share (1 for incumbents).
    capability_b : float
        Capability is a Beta(2, ``capability_b``) draw.
    capability_share : float
        The entrants' share of capability (1 for incumbents).
    entrant : bool
        Whether the firms are entrants.
    active, sector, public_interest, productivity, capital, cash : numpy.ndarray
        The firm table's columns, written at ``rows``.
    data_stock, capability, output, surplus, data_spending, licences, age : numpy.ndarray
        Further columns, written at ``rows``.
    data_set_up : numpy.ndarray
        Whether each firm has a data capability: incumbents do, entrants not yet.
    """
    n = len(rows)
    sector_draw = rng.integers(0, n_sectors, n)
    interest_u = rng.random(n)
    services_u = rng.random(n)
    capital_draw = rng.lognormal(capital_mean, capital_sigma, n)
    productivity_draw = rng.lognormal(productivity_mean, productivity_sigma, n)
    data_draw = rng.lognormal(0.0, data_sigma, n)
    capability_draw = rng.beta(2.0, capability_b, n)
    initialise_firms(
        rows, region, hong_kong, sector_draw, interest_u, services_u, share_public_interest,
        public_services, capital_draw, capital_scale, productivity_draw, productivity_scale,
        productivity_growth, data_draw, data_scale, data_share, capability_draw,
        capability_share, entrant, active, sector, public_interest, productivity, capital, cash,
        data_stock, capability, output, surplus, data_spending, licences, age, data_set_up,
    )  # fmt: skip


@numba.njit(cache=True)
def draw_views(rng, rows, fit_shrink, product, tie_break, columns, first, total, strides):
    """Draw what firms ``rows`` see: the draws of :meth:`econ.market.View.draw_reference`, in
    its order, from numba's ``Generator`` methods. The products and tie-breaks are written;
    the fit's base ``1 - u * fit_shrink`` is returned (its powers are numpy's:
    :meth:`econ.market.View.write_fit`).

    For each block of products (public, then private) drawn (``columns`` and ``total`` not
    empty): a start per row, then a stride per row (an index into ``strides``), written by
    :func:`write_view_products`; then the fit's uniforms, then the tie-breaks' (row-major, as
    one ``(rows, view)`` draw each).

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator; its bit generator's state advances as numpy's draws would advance it.
    rows : numpy.ndarray
        The firm slots drawn.
    fit_shrink : float
        ``1 - fit_max_ratio ** -fit_tail_index``: the fit's uniforms are scaled by it.
    product : numpy.ndarray
        (firms, view) catalogue columns, written at ``rows``.
    tie_break : numpy.ndarray
        (firms, view) tie-breaks, written at ``rows`` (a uniform times 1e-6).
    columns : tuple of numpy.ndarray
        Per block: its view slots, in order.
    first, total : tuple of int
        Per block: its first catalogue column and its number of products.
    strides : tuple of numpy.ndarray
        Per block: the strides coprime to its ``total``.

    Returns
    -------
    numpy.ndarray
        (rows, view) bases of the fit's powers.
    """
    n = len(rows)
    for b in range(len(columns)):
        if len(columns[b]) == 0 or total[b] == 0:
            continue
        start = rng.integers(0, total[b], n)
        pick = rng.integers(0, len(strides[b]), n)
        stride = np.empty(n, dtype=np.int64)
        for k in range(n):
            stride[k] = strides[b][pick[k]]
        write_view_products(product, rows, columns[b], start, stride, first[b], total[b])
    width = product.shape[1]
    base = np.empty((n, width))
    for k in range(n):
        for j in range(width):
            base[k, j] = 1.0 - rng.random() * fit_shrink
    for k in range(n):
        i = rows[k]
        for j in range(width):
            tie_break[i, j] = 1e-6 * rng.random()
    return base


@numba.njit(cache=True)
def enter_firms(rng, rows, firms, fit_shrink, views):
    """Entrants' draws in one call (:func:`econ.market.enter_firms`): :func:`draw_firms`, then
    :func:`draw_views`, from one unboxing of the generator.

    Parameters
    ----------
    rng : numpy.random.Generator
        The quarter's entry generator.
    rows : numpy.ndarray
        The entrants' slots.
    firms : tuple
        :func:`draw_firms`'s arguments after ``rng`` and ``rows``.
    fit_shrink : float
        :func:`draw_views`'s ``fit_shrink``.
    views : tuple
        :func:`draw_views`'s arguments after ``fit_shrink``.

    Returns
    -------
    numpy.ndarray
        (rows, view) bases of the fit's powers.
    """
    draw_firms(rng, rows, *firms)
    return draw_views(rng, rows, fit_shrink, *views)


@numba.njit(cache=True)
def inside_unit(u):
    """A uniform of [0, 1) moved inside (0, 1), where the quantiles are finite: ``min(u +
    2**-54, 1 - 2**-53)`` (adding rounds 1 - 2**-53 to 1, to even).

    Parameters
    ----------
    u : float
        A uniform in [0, 1).

    Returns
    -------
    float
        ``u`` in (0, 1).
    """
    return min(u + 2.0**-54, 1.0 - 2.0**-53)


@numba.njit(cache=True)
def entrant_quantiles(
    uniforms,
    n_sectors,
    capital_mean,
    capital_sigma,
    productivity_mean,
    productivity_sigma,
    data_sigma,
    capability_b,
):
    """The quantiles of paired entry's draws (ODD 7.2), for
    :meth:`econ.agents.firms.Firms.initialise_from_uniforms`: what
    ``initialise_from_uniforms_reference`` computes before its ``exp``, compiled.

    Row ``k`` of ``uniforms`` holds one slot's draws in the order of
    ``econ.agents.firms.ENTRANT_DRAWS``. The sector is read directly, the lognormals' logs
    come through scipy's ``ndtri`` and capability through its ``betaincinv`` (the C
    functions scipy's ufuncs run). The logs are returned, not their ``exp``: numpy's
    vectorised ``exp`` can differ from libm's in the last bit, so the caller takes it.

    Parameters
    ----------
    uniforms : numpy.ndarray
        (rows, 7 or more) uniforms in [0, 1); the first seven are read.
    n_sectors : int
        The number of sectors.
    capital_mean, capital_sigma : float
        The log of capital's mean and its spread (as :func:`draw_firms`).
    productivity_mean, productivity_sigma : float
        The same for productivity.
    data_sigma : float
        The spread of the log data stock (its mean is 0).
    capability_b : float
        The second shape of capability's beta(2, b).

    Returns
    -------
    sector : numpy.ndarray
        (rows,) int64 sectors.
    logs : numpy.ndarray
        (3, rows) the logs of capital, productivity and the data stock, C-ordered.
    capability : numpy.ndarray
        (rows,) capability draws.
    """
    n = uniforms.shape[0]
    sector = np.empty(n, dtype=np.int64)
    logs = np.empty((3, n))
    capability = np.empty(n)
    for k in range(n):
        sector[k] = min(np.int64(uniforms[k, 0] * n_sectors), n_sectors - 1)
        logs[0, k] = capital_mean + capital_sigma * _ndtri(inside_unit(uniforms[k, 3]), 0)
        logs[1, k] = productivity_mean + productivity_sigma * _ndtri(inside_unit(uniforms[k, 4]), 0)
        logs[2, k] = data_sigma * _ndtri(inside_unit(uniforms[k, 5]), 0)
        capability[k] = _betaincinv(2.0, capability_b, inside_unit(uniforms[k, 6]), 0)
    return sector, logs, capability


@numba.njit(cache=True)
def draw_views_from_uniforms(
    uniforms, rows, fit_shrink, product, tie_break, columns, first, total, strides
):
    """:func:`draw_views` by inversion of uniforms keyed to the slots (paired entry, ODD
    7.2): :meth:`econ.market.View.draw_from_uniforms_reference`, compiled.

    Row ``k`` of ``uniforms`` holds a start and a stride for the public and the private
    block, then a fit and a tie-break per view slot. The products and tie-breaks are
    written; the fit's bases are returned, as :func:`draw_views` returns them.

    Parameters
    ----------
    uniforms : numpy.ndarray
        (rows, 4 + 2 * view) uniforms in [0, 1).
    rows : numpy.ndarray
        The firm slots drawn.
    fit_shrink : float
        ``1 - fit_max_ratio ** -fit_tail_index``.
    product, tie_break : numpy.ndarray
        (firms, view) catalogue columns and tie-breaks, written at ``rows``.
    columns, first, total, strides : tuple
        Per block (public, then private), as :func:`draw_views`.

    Returns
    -------
    numpy.ndarray
        (rows, view) bases of the fit's powers.
    """
    n = len(rows)
    for b in range(len(columns)):
        if len(columns[b]) == 0 or total[b] == 0:
            continue
        start = np.empty(n, dtype=np.int64)
        stride = np.empty(n, dtype=np.int64)
        for k in range(n):
            start[k] = np.int64(uniforms[k, 2 * b] * total[b])
            stride[k] = strides[b][np.int64(uniforms[k, 2 * b + 1] * len(strides[b]))]
        write_view_products(product, rows, columns[b], start, stride, first[b], total[b])
    width = product.shape[1]
    base = np.empty((n, width))
    for k in range(n):
        i = rows[k]
        for j in range(width):
            base[k, j] = 1.0 - uniforms[k, 4 + j] * fit_shrink
            tie_break[i, j] = 1e-6 * uniforms[k, 4 + width + j]
    return base


def revenue_maximising_price(
    willingness_to_pay: np.ndarray, cost_per_sale: float = 0.0, min_buyers: int = 5
) -> np.ndarray:
    """E5, compiled: the same prices as :func:`econ.equations.revenue_maximising_price`.

    Only the buyers who would pay more than the cost are ranked: they are gathered into one
    row per product (padded below every value), the rows sorted by numpy in one call (its
    vectorised sort is several times numba's), and each row scanned for the best rank.

    Parameters
    ----------
    willingness_to_pay : numpy.ndarray or GroupedDemand
        Sampled buyers x products (RMB per licence); NaN or non-positive where a buyer does not
        see the product. Or the same demand grouped by product (:class:`GroupedDemand`).
    cost_per_sale : float, default 0.0
        Marginal cost (RMB per licence), >= 0 (missing buyers never pay more than it).
    min_buyers : int, default 5
        The fewest licences a chosen price must sell.

    Returns
    -------
    numpy.ndarray
        One price per product (RMB per licence), 0 where nobody would pay more than the cost.
    """
    cost = float(cost_per_sale)
    # With a cost >= 0 every value ranked is a positive finite float, and those order as
    # their bit patterns do: 0.0 pads below them, and the rows sort as unsigned integers.
    bits = cost >= 0.0
    pad = 0.0 if bits else -np.inf
    if isinstance(willingness_to_pay, GroupedDemand):
        d = willingness_to_pay
        top, counts = _grouped_above_cost(d.offsets, d.value, cost, pad)
        n_buyers = d.n_buyers
    else:
        wtp = np.asarray(willingness_to_pay, dtype=float)
        top, counts = _above_cost(wtp, cost, pad)
        n_buyers = wtp.shape[0]
    (top.view(np.uint64) if bits else top).sort(axis=1)  # in place: no copy
    return _best_prices(top, counts, min(int(min_buyers), n_buyers), cost)


@numba.njit(cache=True)
def adjust_prices(price, target, speed, copy_to):
    """E5b in place: ``price`` becomes ``eq.adjusted_price(price, target, speed)`` (the
    same steps: previous plus speed times the gap where the previous price is positive, the
    target elsewhere), and ``copy_to`` a copy of it (the price to public-interest users).

    Parameters
    ----------
    price : numpy.ndarray
        Last quarter's prices (RMB per licence), overwritten.
    target : numpy.ndarray
        Target prices from E5 (RMB per licence).
    speed : float
        Share of the gap closed each quarter, in [0, 1].
    copy_to : numpy.ndarray
        Overwritten with the new prices.
    """
    for i in range(len(price)):
        previous = price[i]
        new = previous + speed * (target[i] - previous) if previous > 0 else target[i]
        price[i] = new
        copy_to[i] = new


@numba.njit(cache=True)
def _grouped_above_cost(offsets, value, cost_per_sale, pad):
    """Each product's values above the cost, one row per product padded with ``pad`` at the
    end, and how many each row holds."""
    k = len(offsets) - 1
    counts = np.zeros(k, dtype=np.int64)
    kept = np.empty(offsets[k] - offsets[0])
    n = 0
    for col in range(k):
        start = n
        for e in range(offsets[col], offsets[col + 1]):
            x = value[e]
            # Stored always, kept only above the cost (finite): most entries are missing
            # (NaN), and a branch on them mispredicts.
            kept[n] = x
            n += (x > cost_per_sale) & (x < np.inf)
        counts[col] = n - start
    top = np.full((k, counts.max() if k else 0), pad)
    n = 0
    for col in range(k):
        top[col, : counts[col]] = kept[n : n + counts[col]]
        n += counts[col]
    return top, counts


@numba.njit(cache=True)
def _above_cost(willingness_to_pay, cost_per_sale, pad):
    """:func:`_grouped_above_cost` of a dense (buyers x products) matrix."""
    m, k = willingness_to_pay.shape
    top = np.full((k, m), pad)
    counts = np.zeros(k, dtype=np.int64)
    for row in range(m):  # row by row: the matrix is C-ordered
        for col in range(k):
            x = willingness_to_pay[row, col]
            if np.isfinite(x) and x > cost_per_sale:
                top[col, counts[col]] = x
                counts[col] += 1
    return top, counts


@numba.njit(cache=True)
def _best_prices(ranked, counts, first_rank, cost_per_sale):
    """E5 per product from rows sorted ascending (values above the cost last): the first
    price that maximises ``rank * (price - cost)`` over ranks from ``first_rank`` (0 when
    fewer buyers pay more than the cost, or none of those ranks makes a profit). Only buyers
    above the cost can make a profit, and they are the top of the full ranking, so the ranks
    (and so the profits and the first maximum) are those of the full ranking."""
    k, width = ranked.shape
    out = np.zeros(k)
    for col in range(k):
        count = counts[col]
        if count < first_rank:
            continue
        best_profit = 0.0
        best_price = 0.0
        for rank in range(first_rank, count + 1):
            x = ranked[col, width - rank]
            profit = rank * (x - cost_per_sale)
            if profit > best_profit:
                best_profit = profit
                best_price = x
        out[col] = best_price
    return out


def poisson_ppf(u: np.ndarray | float, rate: np.ndarray | float) -> np.ndarray:
    """``scipy.stats.poisson.ppf(u, rate)``: the least count k with P(X <= k) >= u.

    A higher rate never gives fewer events for the same u; -1 at u = 0, as scipy gives. The
    formula of scipy's ``poisson._ppf`` (``scipy.special.pdtrik``, then one check with
    ``pdtr``), compiled (``_poisson_quantile``), since rv_discrete's argument handling
    costs ~50 us a call and each of scipy's ufuncs ~2 us; and no event, without the
    iterative ``pdtrik``, where P(X = 0) already covers u.

    Parameters
    ----------
    u : numpy.ndarray or float
        Uniforms in [0, 1].
    rate : numpy.ndarray or float
        Expected counts (>= 0; NaN elsewhere).

    Returns
    -------
    numpy.ndarray
        Counts (floats, as scipy returns them); a numpy float for two scalars.
    """
    if np.ndim(u) == 0 and np.ndim(rate) == 0:  # one draw (entry's, each quarter)
        return np.float64(_poisson_quantile(float(u), float(rate)))
    u, rate = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(rate, dtype=float))
    out = np.empty(u.shape)
    _poisson_quantiles(u.ravel(), rate.ravel(), out.reshape(-1))
    return out


# scipy's special functions are compiled C behind ``scipy.special.cython_special``; their
# addresses are registered as symbols, so compiled kernels call the very code scipy's ufuncs
# run (the same counts) and stay cacheable (a ctypes pointer would not be).
llvm.add_symbol("econ_scipy_pdtr", get_cython_function_address(_CYTHON_SPECIAL, "pdtr"))
llvm.add_symbol(
    "econ_scipy_pdtrik", get_cython_function_address(_CYTHON_SPECIAL, "__pyx_fuse_0pdtrik")
)
llvm.add_symbol("econ_scipy_ndtri", get_cython_function_address(_CYTHON_SPECIAL, "ndtri"))
llvm.add_symbol(
    "econ_scipy_betaincinv",
    get_cython_function_address(_CYTHON_SPECIAL, "__pyx_fuse_0betaincinv"),
)
#: ``scipy.special.pdtr(k, m)`` in double (the trailing int is Cython's dispatch flag, 0).
_pdtr = types.ExternalFunction(
    "econ_scipy_pdtr", types.float64(types.float64, types.float64, types.intc)
)
#: ``scipy.special.pdtrik(p, m)`` in double.
_pdtrik = types.ExternalFunction(
    "econ_scipy_pdtrik", types.float64(types.float64, types.float64, types.intc)
)


#: ``scipy.special.ndtri(p)``: the standard normal quantile.
_ndtri = types.ExternalFunction("econ_scipy_ndtri", types.float64(types.float64, types.intc))
#: ``scipy.special.betaincinv(a, b, y)`` in double.
_betaincinv = types.ExternalFunction(
    "econ_scipy_betaincinv",
    types.float64(types.float64, types.float64, types.float64, types.intc),
)


@numba.njit(cache=True)
def _poisson_quantile(u, rate):
    """:func:`poisson_ppf` of one uniform and one rate: scipy's steps on plain floats."""
    if not rate >= 0:
        return np.nan
    if u == 1:
        return np.inf
    count = -1.0 if u == 0 else 0.0
    # At rate 0, P(X = 0) is 1 (an unlicensed operator): no event, without asking pdtrik.
    if rate > 0 and _pdtr(0.0, rate, 0) < u:
        vals = np.ceil(_pdtrik(u, rate, 0))
        below = max(vals - 1, 0.0)
        count = below if _pdtr(below, rate, 0) >= u else vals
    return count


@numba.njit(cache=True)
def price_ratios(base_load, east_load, west_load, capacity, reference_utilisation):
    """E10's ratio ``(1 - u0) / (1 - u)`` of the two compute clusters, on plain floats.

    Utilisation is capped at 0.95 with Python's ``min`` (NaN kept); a cluster without racks
    is full. The power ``^eta`` is left to numpy, as every power is here.

    Parameters
    ----------
    base_load : numpy.ndarray
        (2,) racks of non-data work, East then West.
    east_load, west_load : float
        Racks of data work each cluster carries.
    capacity : numpy.ndarray
        (2,) racks of each cluster, East then West.
    reference_utilisation : float
        E10's ``u0``.

    Returns
    -------
    numpy.ndarray
        (2,) the eastern and western ratio.
    """
    out = np.empty(2)
    out[0] = _price_ratio(base_load[0], east_load, capacity[0], reference_utilisation)
    out[1] = _price_ratio(base_load[1], west_load, capacity[1], reference_utilisation)
    return out


@numba.njit(cache=True)
def _price_ratio(base, extra, capacity, reference_utilisation):
    """E10's ratio of one cluster: ``(1 - u0) / (1 - min(u, 0.95))``."""
    u = (base + extra) / capacity if capacity > 0 else 1.0
    u = 0.95 if 0.95 < u else u
    return (1.0 - reference_utilisation) / (1.0 - u)


@numba.njit(cache=True)
def poisson_counts(rate, u, out):
    """Poisson counts by inversion, as integers: :func:`econ.agents.regulator.poisson_draws`
    compiled.

    A negative rate counts as 0 (``numpy.maximum``: NaN kept); no event for a NaN or
    negative count; a count beyond int64 (an infinite rate) is the smallest int64, as numpy's
    cast of the largest float gives on x86 (numpy also warns).

    Parameters
    ----------
    rate, u : numpy.ndarray
        Expected events and one uniform in [0, 1) each (float64, 1-d, the same length).
    out : numpy.ndarray
        (len(rate),) int64, written in place.
    """
    for i in range(len(rate)):
        out[i] = _poisson_count(u[i], rate[i])


@numba.njit(cache=True)
def _poisson_count(u, rate):
    """One count of :func:`poisson_counts`."""
    count = _poisson_quantile(u, rate if (rate >= 0.0 or rate != rate) else 0.0)
    # np.minimum(np.fmax(count, 0), largest float).astype(int) of one count.
    count = count if count > 0.0 else 0.0
    if count < _INT64_BOUND:
        return np.int64(count)
    return _INT64_MIN  # numpy's cast of a float beyond int64 on x86


#: Floats at or above this do not fit an int64 (2**63).
_INT64_BOUND = 9.223372036854775808e18
#: What numpy's float-to-int64 cast gives out of range on x86.
_INT64_MIN = np.int64(-9223372036854775808)


@numba.njit(cache=True)
def poisson_quantile(u, rate):
    """:func:`poisson_ppf` of one uniform and one rate, on plain floats (no wrapper cost).

    Parameters
    ----------
    u : float
        A uniform in [0, 1].
    rate : float
        The expected count (>= 0; NaN elsewhere).

    Returns
    -------
    float
        The count, as scipy returns it.
    """
    return _poisson_quantile(u, rate)


@numba.njit(cache=True)
def _poisson_quantiles(u, rate, out):
    """``_poisson_quantile`` of each pair, written to ``out``."""
    for i in range(len(u)):
        out[i] = _poisson_quantile(u[i], rate[i])


# numpy's SeedSequence constants (numpy/random/bit_generator.pyx): 32-bit hashing.
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715
_MASK32 = 0xFFFFFFFF
_POOL_SIZE = 4


@numba.njit(cache=True)
def _hashmix(value, hash_const, mult):
    """SeedSequence's ``hashmix`` in uint32: the hashed value and the next hash constant."""
    mask = np.uint64(_MASK32)
    value ^= hash_const
    hash_const = (hash_const * np.uint64(mult)) & mask
    value = (value * hash_const) & mask
    return value ^ (value >> np.uint64(16)), hash_const


@numba.njit(cache=True)
def _mix(x, y):
    """SeedSequence's ``mix`` in uint32."""
    result = (np.uint64(_MIX_MULT_L) * x - np.uint64(_MIX_MULT_R) * y) & np.uint64(_MASK32)
    return result ^ (result >> np.uint64(16))


@numba.njit(cache=True)
def seed_sequence_state(entropy, n_words):
    """``numpy.random.SeedSequence.generate_state(n_words, numpy.uint64)`` of the sequence
    whose assembled entropy (seed words padded to the pool, then the spawn key's words) is
    ``entropy`` (uint32 words), with numpy's default pool of four words.

    numpy hashes in Python-level loops (~8 us a generator); this is the same uint32
    arithmetic, done in uint64 and masked after each multiply, so every word is equal.

    Parameters
    ----------
    entropy : numpy.ndarray
        The assembled entropy, uint32 words.
    n_words : int
        How many uint64 words of state to generate.

    Returns
    -------
    numpy.ndarray
        The state words (uint64), as numpy's ``generate_state`` gives them.
    """
    pool = np.zeros(_POOL_SIZE, dtype=np.uint64)
    hash_const = np.uint64(_INIT_A)
    n = len(entropy)
    for i in range(_POOL_SIZE):
        value = np.uint64(entropy[i]) if i < n else np.uint64(0)
        pool[i], hash_const = _hashmix(value, hash_const, _MULT_A)
    for i_src in range(_POOL_SIZE):
        for i_dst in range(_POOL_SIZE):
            if i_src != i_dst:
                value, hash_const = _hashmix(pool[i_src], hash_const, _MULT_A)
                pool[i_dst] = _mix(pool[i_dst], value)
    for i_src in range(_POOL_SIZE, n):
        for i_dst in range(_POOL_SIZE):
            value, hash_const = _hashmix(np.uint64(entropy[i_src]), hash_const, _MULT_A)
            pool[i_dst] = _mix(pool[i_dst], value)
    # generate_state: cycle through the pool with the second constant; two uint32 words
    # make one uint64, low word first (numpy's little-endian view).
    out = np.zeros(n_words, dtype=np.uint64)
    hash_const = np.uint64(_INIT_B)
    for i in range(2 * n_words):
        value, hash_const = _hashmix(pool[i % _POOL_SIZE], hash_const, _MULT_B)
        out[i // 2] |= value << np.uint64(32 * (i % 2))
    return out


@numba.njit(cache=True)
def child_seed_state(seed_words, key0, key1, n_words):
    """:func:`seed_sequence_state` of ``SeedSequence(seed, spawn_key=(key0, key1))``, the
    key's words appended here: the quarter's streams in one call, without building the
    entropy array in Python.

    Parameters
    ----------
    seed_words : numpy.ndarray
        The seed's uint32 words, least significant first, padded with zeros to the pool of
        four (as SeedSequence assembles them before a spawn key).
    key0, key1 : int
        The spawn key, whole numbers in [0, 2**63).
    n_words : int
        How many uint64 words of state to generate.

    Returns
    -------
    numpy.ndarray
        The state words (uint64), as numpy's ``generate_state`` gives them.
    """
    n = len(seed_words)
    entropy = np.empty(n + 4, dtype=np.uint32)
    entropy[:n] = seed_words
    mask = np.int64(_MASK32)
    for key in (key0, key1):
        # SeedSequence's 32-bit words of a key: at least one, least significant first.
        entropy[n] = key & mask
        n += 1
        key >>= 32
        while key > 0:
            entropy[n] = key & mask
            n += 1
            key >>= 32
    return seed_sequence_state(entropy[:n], n_words)


@numba.njit(cache=True)
def slot_uniforms(seed_words, key0, quarter, slots, n_draws):
    """Uniforms keyed to firm slots: row ``k`` is ``default_rng(SeedSequence(seed,
    spawn_key=(key0, quarter, slots[k]))).random(n_draws)``.

    Each slot's draws depend only on the seed, the stream, the quarter and the slot, not on
    which other slots draw (paired entry, ODD 7.2).

    Parameters
    ----------
    seed_words : numpy.ndarray
        The seed's uint32 words, padded to four (:func:`child_seed_state`).
    key0 : int
        The stream's index, a whole number in [0, 2**32).
    quarter : int
        The quarter, in [0, 2**32).
    slots : numpy.ndarray
        The slots (int64, each in [0, 2**32)).
    n_draws : int
        Uniforms per slot.

    Returns
    -------
    numpy.ndarray
        (slots, n_draws) uniforms in [0, 1).
    """
    n = len(seed_words)
    entropy = np.empty(n + 3, dtype=np.uint32)
    entropy[:n] = seed_words
    entropy[n] = key0
    entropy[n + 1] = quarter
    out = np.empty((len(slots), n_draws))
    for k in range(len(slots)):
        entropy[n + 2] = slots[k]  # one 32-bit word each: SeedSequence's words of the key
        words = pcg64_seeded(seed_sequence_state(entropy, 4))
        for d in range(n_draws):
            out[k, d] = pcg64_double(words)
    return out


@numba.njit(cache=True)
def pcg64_child(seed_words, key0, key1):
    """The PCG64 state words of ``PCG64(SeedSequence(seed, spawn_key=(key0, key1)))``:
    :func:`pcg64_seeded` of :func:`child_seed_state`, in one call.

    Parameters
    ----------
    seed_words : numpy.ndarray
        The seed's uint32 words, padded to four (:func:`child_seed_state`).
    key0, key1 : int
        The spawn key, whole numbers in [0, 2**63).

    Returns
    -------
    numpy.ndarray
        (4,) uint64 state words, as :func:`pcg64_words` reads them from the generator.
    """
    return pcg64_seeded(child_seed_state(seed_words, key0, key1, 4))


# numpy's PCG64 (numpy/random/src/pcg64/pcg64.h): a 128-bit LCG with the XSL-RR output.
_PCG_MULT_HIGH, _PCG_MULT_LOW = 2549297995355413924, 4865540595714422341
_MASK64 = (1 << 64) - 1


def pcg64_words(generator: np.random.Generator) -> np.ndarray | None:
    """The state of a PCG64 generator as four uint64 words (state high, low, increment
    high, low), for :func:`pcg64_double`; None for another bit generator.

    Parameters
    ----------
    generator : numpy.random.Generator
        The generator (not changed).

    Returns
    -------
    numpy.ndarray or None
        (4,) uint64 words.
    """
    if type(generator.bit_generator) is not np.random.PCG64:
        return None
    state = generator.bit_generator.state["state"]
    s, inc = state["state"], state["inc"]
    return np.array([s >> 64, s & _MASK64, inc >> 64, inc & _MASK64], dtype=np.uint64)


def stream_words(rng: np.random.Generator | np.ndarray) -> np.ndarray | None:
    """A stream as the kernels draw from it: PCG64 state words (:func:`pcg64_words`; words
    given are returned as they are), or None when it is not PCG64 state.

    Parameters
    ----------
    rng : numpy.random.Generator or numpy.ndarray
        A quarter's stream: a generator, or its state words
        (``RandomStreams.quarter_state``).

    Returns
    -------
    numpy.ndarray or None
        (4,) uint64 words, or None for another bit generator or a ``RandomState``.
    """
    if isinstance(rng, np.ndarray):
        return rng
    if isinstance(rng, np.random.Generator):
        return pcg64_words(rng)
    return None


def set_pcg64_words(generator: np.random.Generator, words: np.ndarray) -> None:
    """Put words from :func:`pcg64_words` (advanced by draws) back into the generator.

    Parameters
    ----------
    generator : numpy.random.Generator
        A PCG64 generator; its buffered 32-bit word, if any, is kept.
    words : numpy.ndarray
        (4,) uint64 state words.
    """
    high, low, inc_high, inc_low = (int(w) for w in words)
    bit_generator = generator.bit_generator
    state = bit_generator.state
    state["state"] = {"state": high << 64 | low, "inc": inc_high << 64 | inc_low}
    bit_generator.state = state


@numba.njit(cache=True)
def _mulhi64(a, b):
    """The high 64 bits of the 128-bit product of two uint64 (in 32-bit halves)."""
    mask = np.uint64(0xFFFFFFFF)
    shift = np.uint64(32)
    a0, a1, b0, b1 = a & mask, a >> shift, b & mask, b >> shift
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    middle = (p00 >> shift) + (p01 & mask) + (p10 & mask)
    return p11 + (p01 >> shift) + (p10 >> shift) + (middle >> shift)


@numba.njit(cache=True)
def pcg64_next(words):
    """``PCG64.random_raw()``: step the LCG of ``words``, then output
    ``rotr(high ^ low, high >> 58)`` of the new state.

    Parameters
    ----------
    words : numpy.ndarray
        (4,) uint64 state words (:func:`pcg64_words`), advanced in place.

    Returns
    -------
    numpy.uint64
        The next 64-bit word.
    """
    mult_high, mult_low = np.uint64(_PCG_MULT_HIGH), np.uint64(_PCG_MULT_LOW)
    high, low = words[0], words[1]
    new_low = low * mult_low
    new_high = _mulhi64(low, mult_low) + high * mult_low + low * mult_high
    added = new_low + words[3]
    new_high += words[2] + (np.uint64(1) if added < new_low else np.uint64(0))
    words[0], words[1] = new_high, added
    x = new_high ^ added
    rot = new_high >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@numba.njit(cache=True)
def pcg64_double(words):
    """``Generator.random()`` of a PCG64 generator in state ``words``: the top 53 bits of
    the next word, times 2**-53.

    Parameters
    ----------
    words : numpy.ndarray
        (4,) uint64 state words (:func:`pcg64_words`), advanced in place.

    Returns
    -------
    float
        A uniform in [0, 1).
    """
    return np.float64(pcg64_next(words) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def pcg64_uniforms(words, n):
    """``Generator.random(n)`` of a PCG64 generator in state ``words``.

    Parameters
    ----------
    words : numpy.ndarray
        (4,) uint64 state words (:func:`pcg64_words`), advanced in place.
    n : int
        How many uniforms.

    Returns
    -------
    numpy.ndarray
        ``n`` uniforms in [0, 1).
    """
    out = np.empty(n)
    for i in range(n):
        out[i] = pcg64_double(words)
    return out


@numba.njit(cache=True)
def pcg64_seeded(seed_words):
    """The state words of ``PCG64(seed_sequence)``, given the four uint64 words the sequence
    generates for it (numpy's ``pcg64_set_seed``: the increment is ``(seq << 1) | 1``; the
    state steps from 0, adds the seed's state words and steps again).

    Parameters
    ----------
    seed_words : numpy.ndarray
        (4,) uint64: ``seed_sequence.generate_state(4, numpy.uint64)``.

    Returns
    -------
    numpy.ndarray
        (4,) uint64 state words, as :func:`pcg64_words` reads them from the generator.
    """
    words = np.zeros(4, dtype=np.uint64)
    one = np.uint64(1)
    words[2] = (seed_words[2] << one) | (seed_words[3] >> np.uint64(63))
    words[3] = (seed_words[3] << one) | one
    pcg64_next(words)
    low = words[1] + seed_words[1]
    words[0] = words[0] + seed_words[0] + (one if low < words[1] else np.uint64(0))
    words[1] = low
    pcg64_next(words)
    return words


def uniform(rng: np.random.Generator | np.ndarray) -> float:
    """One uniform in [0, 1) from a generator, or from a PCG64 generator's state words
    (:func:`pcg64_words`, ``RandomStreams.quarter_state``; advanced in place): the same
    draw either way.

    Parameters
    ----------
    rng : numpy.random.Generator or numpy.ndarray
        The generator or its state words.

    Returns
    -------
    float
        ``rng.random()``.
    """
    if isinstance(rng, np.ndarray):
        return pcg64_double(rng)
    return rng.random()


def uniforms(rng: np.random.Generator | np.ndarray, n: int) -> np.ndarray:
    """``n`` uniforms in [0, 1), as :func:`uniform` draws one.

    Parameters
    ----------
    rng : numpy.random.Generator or numpy.ndarray
        The generator or a PCG64 generator's state words (advanced in place).
    n : int
        How many.

    Returns
    -------
    numpy.ndarray
        ``rng.random(n)``.
    """
    if isinstance(rng, np.ndarray):
        return pcg64_uniforms(rng, n)
    return rng.random(n)


def _uniform(rng):
    """One uniform in [0, 1) from a ``Generator`` or PCG64 state words (compiled only)."""
    raise NotImplementedError  # pragma: no cover


@overload(_uniform, jit_options={"cache": True})
def _uniform_overload(rng):
    if isinstance(rng, types.Array):
        return lambda rng: pcg64_double(rng)
    return lambda rng: rng.random()
