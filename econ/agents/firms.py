"""Firms: the data users (ODD 2.1 and 7.2).

:class:`Firms` owns the firm table and moves every firm at once: it values data (E1-E4),
produces, invests and accumulates data (E1, E2, E18), and exits and enters (E19). Mainland
firms are seen as :class:`Firm` agents, Hong Kong and foreign firms as
:class:`CrossBorderFirm`: they buy domestic data only through approved transfers and
supply foreign data products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from econ import equations as eq
from econ import kernels
from econ.agents.table import Population, Table, TableAgent, column
from econ.categories import REGIONS, SECTORS, Region, Sector, is_abroad
from econ.scenarios import Scenario

__all__ = ["ENTRANT_DRAWS", "CrossBorderFirm", "Firm", "FirmTable", "Firms"]

#: The uniforms one entrant takes under paired entry, in order
#: (:meth:`Firms.initialise_from_uniforms`).
ENTRANT_DRAWS = (
    "sector", "public_interest", "public_services_interest", "capital", "productivity",
    "data", "capability",
)  # fmt: skip

# Entrants start smaller than incumbents (Farboodi & Veldkamp): their shares of capital,
# data and capability, the loss-maker's exit multiplier (E19) and the entry margin are
# scenario parameters (econ/scenarios.py, "behavioural constants").


@dataclass(eq=False)
class FirmTable(Table):
    """Firm state, one row per firm slot (ODD 2.1)."""

    active: np.ndarray = column("True while the firm operates.", bool)
    sector: np.ndarray = column("Sector.", np.int8, SECTORS)
    region: np.ndarray = column("Region.", np.int8, REGIONS)
    public_interest: np.ndarray = column("True for hospitals, universities, utilities.", bool)
    productivity: np.ndarray = column("Total factor productivity A.")
    capital: np.ndarray = column("Capital stock K (RMB).")
    cash: np.ndarray = column("Cash (RMB).")
    data_stock: np.ndarray = column("Data stock D (data units).")
    capability: np.ndarray = column("Digital capability in [0, 1].")
    output: np.ndarray = column("Output last quarter (RMB).")
    surplus: np.ndarray = column("Surplus last quarter (RMB).")
    data_spending: np.ndarray = column("Licence fees paid last quarter (RMB).")
    licences: np.ndarray = column("Data products licensed last quarter.")
    age: np.ndarray = column("Quarters since entry.")
    data_set_up: np.ndarray = column(
        "True once the firm has built a data capability (E2c): at start, or when an entrant "
        "first licenses data.",
        bool,
    )


class Firm(TableAgent, table=FirmTable):
    """A mainland data-using firm: a view onto one row of the firm table."""


class CrossBorderFirm(Firm):
    """A Hong Kong or foreign firm: buys domestic data through approved transfers."""


class Firms(Population):
    """All firm slots: the firm table and what firms do each quarter (ODD 7.2).

    Parameters
    ----------
    table : FirmTable
        The firms' state, one row per slot (inactive slots wait for entrants).
    """

    agent_class = Firm
    cross_border_agent_class = CrossBorderFirm

    @classmethod
    def draw(cls, scenario: Scenario, rng: np.random.Generator) -> Firms:
        """The initial firms of a scenario (ODD 5): regions, then every slot, some active.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).

        Returns
        -------
        Firms
            ``scenario.n_firms`` slots, a share ``initial_active_share`` of them active.
        """
        n = scenario.n_firms
        n_hk = round(n * scenario.share_hong_kong)
        n_foreign = round(n * scenario.share_foreign)
        region = np.zeros(n, dtype=np.int8)
        region[n - n_hk - n_foreign : n - n_foreign] = Region.HONG_KONG
        region[n - n_foreign :] = Region.FOREIGN
        mainland = ~is_abroad(region)
        west = rng.random(int(mainland.sum())) < scenario.share_west
        region[mainland] = np.where(west, Region.WEST, Region.EAST)
        firms = cls(FirmTable.zeros(n, region=region))
        firms.initialise(np.arange(n), scenario, rng, entrant=False, quarter=0)
        firms.table.active &= rng.random(n) < scenario.initial_active_share
        return firms

    def agent_class_of(self, row: int) -> type[TableAgent]:
        """The Mesa agent class of a row: :class:`CrossBorderFirm` abroad, :class:`Firm` otherwise.

        Parameters
        ----------
        row : int
            A row of the firm table.

        Returns
        -------
        type
            ``cross_border_agent_class`` or ``agent_class``.
        """
        abroad = self.table.region[row] >= Region.HONG_KONG
        return self.cross_border_agent_class if abroad else self.agent_class

    def initialise(
        self,
        rows: np.ndarray,
        scenario: Scenario,
        rng: np.random.Generator,
        entrant: bool,
        quarter: int,
    ) -> None:
        """Draw fresh firms into slots ``rows``: at start, or entrants later (ODD 5).

        The draws and the column writes are one compiled pass
        (:func:`econ.kernels.draw_firms`: numba's ``Generator`` methods, numpy's samplers on
        the same bit generator). :meth:`initialise_reference` is the numpy reference.

        Parameters
        ----------
        rows : numpy.ndarray
            The slots to fill (distinct).
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).
        entrant : bool
            Entrants start smaller: a share of capital, data and capability.
        quarter : int
            The quarter of entry (entrants' productivity has grown since start-up).
        """
        kernels.draw_firms(rng, rows, *self.draw_arguments(scenario, entrant, quarter))

    def initialise_from_uniforms(
        self, rows: np.ndarray, uniforms: np.ndarray, scenario: Scenario, quarter: int
    ) -> None:
        """Entrants into slots ``rows`` from uniforms keyed to their slots (paired entry):
        :meth:`initialise_from_uniforms_reference` with its quantiles and writes compiled
        (``econ.kernels.entrant_quantiles``, ``econ.kernels.initialise_firms``).

        Parameters
        ----------
        rows : numpy.ndarray
            The slots to fill (distinct).
        uniforms : numpy.ndarray
            (rows, ``len(ENTRANT_DRAWS)``) uniforms in [0, 1), each row its slot's
            (``RandomStreams.slot_uniforms``).
        scenario : Scenario
            The scenario's parameters.
        quarter : int
            The quarter of entry.
        """
        (
            region, hong_kong, n_sectors, share_public_interest, public_services,
            capital_mean, capital_sigma, capital_scale, productivity_mean, productivity_sigma,
            productivity_scale, growth, data_sigma, data_scale, data_share, capability_b,
            capability_share, entrant, *columns,
        ) = self.draw_arguments(scenario, entrant=True, quarter=quarter)  # fmt: skip
        sector, logs, capability = kernels.entrant_quantiles(
            uniforms, n_sectors, capital_mean, capital_sigma, productivity_mean,
            productivity_sigma, data_sigma, capability_b,
        )  # fmt: skip
        # numpy's exp, on one contiguous block as the reference takes it: its vectorised exp
        # can differ from the libm exp a kernel would call.
        capital_draw, productivity_draw, data_draw = np.exp(logs)
        kernels.initialise_firms(
            rows, region, hong_kong, sector, uniforms[:, 1], uniforms[:, 2],
            share_public_interest, public_services, capital_draw, capital_scale,
            productivity_draw, productivity_scale, growth, data_draw, data_scale, data_share,
            capability, capability_share, entrant, *columns,
        )  # fmt: skip

    def initialise_from_uniforms_reference(
        self, rows: np.ndarray, uniforms: np.ndarray, scenario: Scenario, quarter: int
    ) -> None:
        """:meth:`initialise_from_uniforms` in numpy (the reference the kernel is tested
        against).

        The characteristics of :meth:`initialise` by inversion, one uniform each, in the
        columns of :data:`ENTRANT_DRAWS`: the sector and the public-interest draws directly,
        the lognormals through the normal quantile, capability through the beta quantile
        (``scipy.special.ndtri``, ``betaincinv``).

        Parameters
        ----------
        rows : numpy.ndarray
            The slots to fill (distinct).
        uniforms : numpy.ndarray
            (rows, ``len(ENTRANT_DRAWS)``) uniforms in [0, 1), each row its slot's
            (``RandomStreams.slot_uniforms``).
        scenario : Scenario
            The scenario's parameters.
        quarter : int
            The quarter of entry.
        """
        # The draws' parameters and the multipliers are initialise's (draw_arguments).
        (
            region, hong_kong, n_sectors, share_public_interest, public_services,
            capital_mean, capital_sigma, capital_scale, productivity_mean, productivity_sigma,
            productivity_scale, growth, data_sigma, data_scale, data_share, capability_b,
            capability_share, entrant, *columns,
        ) = self.draw_arguments(scenario, entrant=True, quarter=quarter)  # fmt: skip
        u = uniforms.T
        # Inside (0, 1), where the quantiles are finite: 0 moves up to 2**-54, and the largest
        # uniform, 1 - 2**-53, which adding rounds to 1 (to even), stays (kernels.inside_unit).
        inner = np.minimum(u[3:7] + 2.0**-54, 1.0 - 2.0**-53)
        z = special.ndtri(inner[:3])
        logs = np.stack(
            [capital_mean + capital_sigma * z[0], productivity_mean + productivity_sigma * z[1],
             data_sigma * z[2]]
        )  # fmt: skip
        capital_draw, productivity_draw, data_draw = np.exp(logs)
        kernels.initialise_firms(
            rows, region, hong_kong, np.minimum((u[0] * n_sectors).astype(np.int64), n_sectors - 1),
            u[1], u[2], share_public_interest, public_services,
            capital_draw, capital_scale, productivity_draw, productivity_scale, growth,
            data_draw, data_scale, data_share,
            special.betaincinv(2.0, capability_b, inner[3]), capability_share, entrant, *columns,
        )  # fmt: skip

    def draw_arguments(self, scenario: Scenario, entrant: bool, quarter: int) -> tuple:
        """What :func:`econ.kernels.draw_firms` reads after ``rng`` and ``rows``: the draws'
        parameters, the multipliers of :meth:`initialise_reference` and the table's columns.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        entrant : bool
            Entrants start smaller: a share of capital, data and capability.
        quarter : int
            The quarter of entry (entrants' productivity has grown since start-up).

        Returns
        -------
        tuple
            The kernel's arguments, in its order.
        """
        s, p = self.table, scenario
        sd = p.productivity_dispersion
        scale = p.entrant_capital_share if entrant else 1.0
        b = 2.0 * (1 - p.initial_capability) / p.initial_capability
        # Scale A so that a typical incumbent's data-free output is mean_output_rmb.
        productivity_scale = p.mean_output_rmb / (4.0 * p.mean_output_rmb) ** p.capital_elasticity
        growth = np.exp(p.tfp_growth * quarter) if entrant else 1.0
        return (
            s.region, int(Region.HONG_KONG), len(Sector), p.share_public_interest,
            int(Sector.PUBLIC_SERVICES), -0.5 * 0.25, 0.5, scale * 4.0 * p.mean_output_rmb,
            -0.5 * sd * sd, sd, productivity_scale, float(growth), 0.5, p.data_scale,
            p.entrant_data_share if entrant else 1.0, b,
            p.entrant_capability_share if entrant else 1.0, entrant, s.active, s.sector,
            s.public_interest, s.productivity, s.capital, s.cash, s.data_stock, s.capability,
            s.output, s.surplus, s.data_spending, s.licences, s.age, s.data_set_up,
        )  # fmt: skip

    def initialise_reference(
        self,
        rows: np.ndarray,
        scenario: Scenario,
        rng: np.random.Generator,
        entrant: bool,
        quarter: int,
    ) -> None:
        """:meth:`initialise` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        rows : numpy.ndarray
            The slots to fill.
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).
        entrant : bool
            Entrants start smaller: a share of capital, data and capability.
        quarter : int
            The quarter of entry (entrants' productivity has grown since start-up).
        """
        s, p, n = self.table, scenario, len(rows)
        mainland = ~is_abroad(s.region[rows])
        s.active[rows] = True
        s.sector[rows] = rng.integers(len(Sector), size=n)
        public_interest = rng.random(n) < p.share_public_interest
        # Half the public-services firms are public-interest users too.
        public_interest |= (s.sector[rows] == Sector.PUBLIC_SERVICES) & (rng.random(n) < 0.5)
        s.public_interest[rows] = mainland & public_interest
        sd = p.productivity_dispersion
        scale = p.entrant_capital_share if entrant else 1.0
        capital = scale * 4.0 * p.mean_output_rmb * rng.lognormal(-0.5 * 0.25, 0.5, size=n)
        productivity = rng.lognormal(-0.5 * sd * sd, sd, size=n)
        # Scale A so that a typical incumbent's data-free output is mean_output_rmb.
        productivity *= p.mean_output_rmb / (4.0 * p.mean_output_rmb) ** p.capital_elasticity
        if entrant:
            productivity *= np.exp(p.tfp_growth * quarter)
        s.productivity[rows] = productivity
        s.capital[rows] = capital
        s.cash[rows] = 0.25 * capital
        data = p.data_scale * rng.lognormal(0, 0.5, n)
        s.data_stock[rows] = (p.entrant_data_share if entrant else 1.0) * data
        b = 2.0 * (1 - p.initial_capability) / p.initial_capability
        capability = rng.beta(2.0, b, size=n)
        s.capability[rows] = capability * (p.entrant_capability_share if entrant else 1.0)
        for name in ("output", "surplus", "data_spending", "licences", "age"):
            getattr(s, name)[rows] = 0.0
        s.data_set_up[rows] = not entrant

    def value_per_unit(self, scenario: Scenario, value_index: float = 1.0) -> np.ndarray:
        """Present value of one more data unit to each firm, times its capability (E1-E4, E2d).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        value_index : float, default 1.0
            E2d's index of data's value to its users (1 in the initial economy).

        Returns
        -------
        numpy.ndarray
            RMB per data unit, one per slot; zero for inactive slots.
        """
        s, p = self.table, scenario
        # The powers in numpy (its SIMD pow and libm's can differ in the last bit), the rest
        # compiled in the order of value_per_unit_reference; E4's life factor is of one unit.
        return kernels.value_per_unit(
            s.productivity,
            s.capital**p.capital_elasticity,
            (1.0 + s.data_stock / p.data_scale) ** (p.data_elasticity - 1),
            s.capability,
            s.active,
            p.data_elasticity,
            p.data_scale,
            float(value_index),
            eq.data_licence_value(1.0, 1.0, p.data_depreciation, p.discount_rate),
        )

    def value_per_unit_reference(self, scenario: Scenario, value_index: float = 1.0) -> np.ndarray:
        """:meth:`value_per_unit` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        value_index : float, default 1.0
            E2d's index of data's value to its users (1 in the initial economy).

        Returns
        -------
        numpy.ndarray
            RMB per data unit, one per slot; zero for inactive slots.
        """
        s, p = self.table, scenario
        base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
        marginal = eq.marginal_product_of_data(base, s.data_stock, p.data_elasticity, p.data_scale)
        marginal = value_index * marginal  # E2d
        return eq.data_licence_value(
            marginal * s.capability * s.active, 1.0, p.data_depreciation, p.discount_rate
        )

    def produce(
        self,
        scenario: Scenario,
        data_added: np.ndarray,
        spending: np.ndarray,
        usage_cost: np.ndarray,
        licences: np.ndarray,
        value_index: float = 1.0,
    ) -> None:
        """Pay, produce, earn, invest, accumulate data and adopt capability (E1, E2, E2b-d, E18).

        One compiled pass (:func:`econ.kernels.produce`); :meth:`produce_reference` is the
        numpy reference.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        data_added : numpy.ndarray
            Data licensed this quarter and served by compute (data units), one per slot.
        spending : numpy.ndarray
            Licence fees paid (RMB).
        usage_cost : numpy.ndarray
            Non-fee costs of using the data: integration, search, compliance, compute (RMB).
        licences : numpy.ndarray
            Data products licensed this quarter.
        value_index : float, default 1.0
            E2d's index of data's value to its users.
        """
        s, p = self.table, scenario
        # Powers in numpy (its SIMD pow and libm's can differ in the last bit): E1's K^alpha
        # and E2's (1 + D/D0)^beta; the rest compiled, E2d included.
        kernels.produce(
            s.active, s.capital**p.capital_elasticity,
            (1.0 + s.data_stock / p.data_scale) ** p.data_elasticity, float(value_index),
            p.non_data_cost_share, spending, usage_cost, licences,
            p.data_fixed_cost_share * p.mean_output_rmb,
            p.data_setup_cost_share * p.mean_output_rmb, s.data_set_up, data_added,
            p.investment_rate, p.capital_depreciation, p.byproduct_rate, p.mean_output_rmb,
            p.data_depreciation, p.capability_diffusion, p.tfp_growth, s.output, s.surplus,
            s.cash, s.capital, s.data_stock, s.capability, s.productivity, s.age,
            s.data_spending, s.licences,
        )  # fmt: skip

    def produce_reference(
        self,
        scenario: Scenario,
        data_added: np.ndarray,
        spending: np.ndarray,
        usage_cost: np.ndarray,
        licences: np.ndarray,
        value_index: float = 1.0,
    ) -> None:
        """:meth:`produce` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        data_added : numpy.ndarray
            Data licensed this quarter and served by compute (data units), one per slot.
        spending : numpy.ndarray
            Licence fees paid (RMB).
        usage_cost : numpy.ndarray
            Non-fee costs of using the data (RMB).
        licences : numpy.ndarray
            Data products licensed this quarter.
        value_index : float, default 1.0
            E2d's index of data's value to its users.
        """
        s, p = self.table, scenario
        live = s.active
        s.data_spending = spending
        s.licences = licences
        fixed_cost = p.data_fixed_cost_share * p.mean_output_rmb
        setup_cost = p.data_setup_cost_share * p.mean_output_rmb
        setup = eq.data_setup_cost(setup_cost, licences, s.data_set_up)
        usage_cost = usage_cost + (eq.data_capability_cost(fixed_cost, licences) + setup)
        base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
        y = eq.output(base, s.data_stock, p.data_elasticity, p.data_scale)
        if value_index != 1.0:
            factor = eq.output(1.0, s.data_stock, p.data_elasticity, p.data_scale)
            y = base * eq.data_output_factor(factor, value_index)
        surplus = y - p.non_data_cost_share * base - spending - usage_cost
        s.output = np.where(live, y, 0.0)
        s.surplus = np.where(live, surplus, 0.0)
        investment = p.investment_rate * np.maximum(s.surplus, 0.0)
        s.cash += s.surplus - investment
        s.capital = np.where(live, (1 - p.capital_depreciation) * s.capital + investment, s.capital)
        byproduct = p.byproduct_rate * s.output / p.mean_output_rmb
        s.data_stock = np.where(
            live, (1 - p.data_depreciation) * s.data_stock + data_added + byproduct, s.data_stock
        )
        s.capability += eq.capability_growth(s.capability, p.capability_diffusion) * live
        s.productivity *= 1 + p.tfp_growth
        s.age += live
        s.data_set_up |= live & (licences > 0)

    def exit(self, scenario: Scenario, rng: np.random.Generator | np.ndarray) -> int:
        """Firms exit at the hazard of E19, higher after a loss.

        One uniform per slot, whatever the firms' state, so exits stay paired across runs.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator or numpy.ndarray
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`), or
            its PCG64 state words (``RandomStreams.quarter_state``, advanced in place).

        Returns
        -------
        int
            The number of exits.
        """
        s = self.table
        u = kernels.uniforms(rng, len(s))
        # One compiled pass (exit_reference is the numpy reference).
        return int(
            kernels.exit_firms(
                s.active, s.surplus, u, scenario.exit_hazard, scenario.loss_exit_multiplier
            )
        )

    def exit_reference(self, scenario: Scenario, rng: np.random.Generator | np.ndarray) -> int:
        """:meth:`exit` in numpy (the reference the kernel is tested against).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator or numpy.ndarray
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`), or
            its PCG64 state words (``RandomStreams.quarter_state``, advanced in place).

        Returns
        -------
        int
            The number of exits.
        """
        s = self.table
        u = kernels.uniforms(rng, len(s))
        hazard = eq.exit_probability(scenario.exit_hazard, s.surplus, scenario.loss_exit_multiplier)
        exits = s.active & (u < hazard)
        s.active &= ~exits
        return int(exits.sum())

    def enter(self, scenario: Scenario, quarter: int, rng: np.random.Generator) -> np.ndarray:
        """Entrants fill empty slots (ODD 7.2).

        Their number is Poisson(``entry_rate * active * attraction``), attraction being the
        economy's surplus margin relative to 10% (clipped to [0, 3]), drawn by inversion
        from one uniform so that it moves monotonically with the expected number.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        quarter : int
            The current quarter.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).

        Returns
        -------
        numpy.ndarray
            The entrants' rows.
        """
        rows = self.entry_slots(scenario, rng)
        if len(rows):
            self.initialise(rows, scenario, rng, entrant=True, quarter=quarter)
        return rows

    def entry_slots(self, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
        """The slots entrants fill (:meth:`enter`'s first draws): their number, then the
        slots, drawn from the empty ones.

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator
            The generator of this submodel's stream (:class:`~econ.seeds.RandomStreams`).

        Returns
        -------
        numpy.ndarray
            The entrants' rows, ascending (none drawn yet).
        """
        n_enter, empty = self._entry_count(scenario, rng)
        if not n_enter:
            return np.zeros(0, dtype=int)
        # numba's Generator has no choice(): numpy's draws.
        return np.sort(rng.choice(empty, size=n_enter, replace=False))

    def paired_entry_slots(
        self, scenario: Scenario, rng: np.random.Generator | np.ndarray
    ) -> np.ndarray:
        """How many enter and where, for paired entry (``paired_entry``, ODD 7.2).

        The count is :meth:`enter`'s; the slots are the empty ones first in a queue of every
        slot, drawn whatever is empty, so the draws used do not depend on the state. The
        entrants themselves are drawn per slot (:meth:`initialise_from_uniforms`).

        Parameters
        ----------
        scenario : Scenario
            The scenario's parameters.
        rng : numpy.random.Generator or numpy.ndarray
            The ``entry`` stream this quarter, or its PCG64 state words
            (``RandomStreams.quarter_state``, advanced in place): it draws only uniforms.

        Returns
        -------
        numpy.ndarray
            The entrants' rows, ascending.
        """
        n_enter, empty = self._entry_count(scenario, rng)
        queue = kernels.uniforms(rng, len(self.table.active))  # drawn whatever is empty
        if not n_enter:
            return np.zeros(0, dtype=int)
        return np.sort(empty[np.argsort(queue[empty], kind="stable")[:n_enter]])

    def _entry_count(
        self, scenario: Scenario, rng: np.random.Generator | np.ndarray
    ) -> tuple[int, np.ndarray]:
        """The number of entrants (one uniform, E19; at most the empty slots) and the empty
        slots."""
        # The active firms' sums, their number and the empty slots in one compiled pass.
        surplus, output, n_active, empty = kernels.entry_state(
            self.table.active, self.table.surplus, self.table.output
        )
        margin = surplus / max(output, 1e-9)
        # np.clip of one float, without its array handling: the same bounds, NaN kept.
        attraction = min(
            max(margin / scenario.entry_reference_margin, 0.0), scenario.entry_max_attraction
        )
        expected = scenario.entry_rate * n_active * attraction
        u = kernels.uniform(rng)
        count = int(kernels.poisson_quantile(u, expected)) if expected > 0 else 0
        return min(max(count, 0), len(empty)), empty
