"""The data-economy model: ``DataEconomy``, a Mesa model of a national data market (ODD 1-7).

One step is one quarter. State lives in numpy tables (``firm_state``, ``holder_state``,
``supplier_state``, ``operator_state``); Mesa agents are views onto their rows, so users
inspect the model the Mesa way (``model.agents_by_type[Firm].select(...)``) while markets
clear with vectorised operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import pandas as pd

from econ import equations as eq
from econ import metrics
from econ.agents.compute import ComputeCluster
from econ.agents.firm import CrossBorderFirm, Firm, FirmState
from econ.agents.holder import HolderState, PublicDataHolder
from econ.agents.operator import MAX_OPERATORS, AuthorisedOperator, OperatorState
from econ.agents.regulator import Regulator
from econ.agents.supplier import PrivateSupplier, SupplierState
from econ.market import (
    FOREIGN,
    OPERATOR,
    PRIVATE,
    PUBLIC,
    Catalogue,
    View,
    clear,
    sample_wtp,
    willingness_to_pay,
)
from econ.parameters import ParameterError
from econ.policy import Policy
from econ.scenarios import SECTORS, Scenario, get_scenario

__all__ = ["DataEconomy"]

#: Firms whose demand sellers sample to set prices (E5).
PRICE_SAMPLE = 1_000


@dataclass
class Quarter:
    """Everything measured in the last quarter, in national RMB where money (ODD 7.9)."""

    market_size: float = 0.0
    data_uses: float = 0.0
    output: float = 0.0
    welfare: float = 0.0
    public_datasets: float = 0.0
    supply_effort: float = 0.0
    operator_profit: float = 0.0
    incidents: int = 0
    cross_border_volume: float = 0.0
    active_firms: int = 0
    hhi: float = 0.0
    compute_utilisation: float = 0.0
    public_data_uses: float = 0.0
    public_price: float = 0.0
    operator_price: float = 0.0
    holder_revenue: float = 0.0
    firm_surplus: float = 0.0
    supply_cost: float = 0.0
    incident_loss: float = 0.0
    trust: float = 1.0
    review_strictness: float = 0.0
    licensed_operators: int = 0
    entries: int = 0
    exits: int = 0


class DataEconomy(mesa.Model):
    """A Mesa model of a national data market under a data policy (ODD 1).

    Args:
        policy: the policy levers (default ``Policy()``, today's policy mix).
        scenario: a scenario name (``"china_2024"``, ``"small"``) or a :class:`Scenario`.
        n_firms: number of simulated firm slots; overrides the scenario's ``n_firms``.
        seed: an integer seed (numpy integers accepted); ``None`` draws one from the OS and
            records it in ``model.seed``.
        collect_agents: also collect firm-level data each quarter (costly for large models).
        **params: other scenario parameters to change, e.g. ``supply_responds=False``.

    Example:
        >>> model = DataEconomy(policy=Policy(pricing="free"), scenario="small", seed=1)
        >>> model.run(8)
        >>> df = model.datacollector.get_model_vars_dataframe()
    """

    firm_class = Firm
    cross_border_firm_class = CrossBorderFirm
    holder_class = PublicDataHolder
    supplier_class = PrivateSupplier
    operator_class = AuthorisedOperator
    regulator_class = Regulator

    def __init__(
        self,
        policy: Policy | dict | None = None,
        scenario: str | Scenario = "china_2024",
        n_firms: int | None = None,
        seed: int | None = None,
        collect_agents: bool = False,
        **params: Any,
    ) -> None:
        if isinstance(policy, dict):
            policy = Policy.from_dict(policy)
        elif policy is None:
            policy = Policy()
        elif not isinstance(policy, Policy):
            raise ParameterError(f"policy must be a Policy or a dict, not {type(policy).__name__}")
        if n_firms is not None:
            params["n_firms"] = n_firms
        scenario_params = get_scenario(scenario, **params)
        seed = _check_seed(seed)
        super().__init__(rng=seed)
        self.seed: int = seed
        self.policy: Policy = policy
        self.params: Scenario = scenario_params
        self.collect_agents = bool(collect_agents)
        self.quarter = Quarter()
        self.trust = 1.0
        self._build()
        self.datacollector = metrics.make_datacollector(self)

    # ------------------------------------------------------------------ initialisation ---
    def _build(self) -> None:
        """Create state tables, agents and the calibration of scale (ODD 5)."""
        p, rng = self.params, self.rng
        n = p.n_firms
        n_hk = round(n * p.share_hong_kong)
        n_foreign = round(n * p.share_foreign)
        region = np.zeros(n, dtype=np.int8)
        region[n - n_hk - n_foreign : n - n_foreign] = 2
        region[n - n_foreign :] = 3
        mainland = region < 2
        region[mainland] = (rng.random(int(mainland.sum())) < p.share_west).astype(np.int8)
        f = lambda dtype=float: np.zeros(n, dtype=dtype)  # noqa: E731
        self.firm_state = FirmState(
            active=f(bool),
            sector=f(np.int8),
            region=region,
            public_interest=f(bool),
            productivity=f(),
            capital=f(),
            cash=f(),
            data_stock=f(),
            capability=f(),
            output=f(),
            surplus=f(),
            data_spending=f(),
            licences=f(),
            age=f(),
        )
        self._build_products()
        self.reference_output = p.mean_output_rmb
        self.initialise_firms(np.arange(n), entrant=False)
        s = self.firm_state
        s.active &= rng.random(n) < p.initial_active_share

        self.regulator = self.regulator_class(self)
        for i in range(n):
            cls = self.firm_class if region[i] < 2 else self.cross_border_firm_class
            cls(self, i)
        for i in range(p.n_holders):
            self.holder_class(self, i)
        for i in range(p.n_private_suppliers):
            self.supplier_class(self, i)
        for i in range(MAX_OPERATORS):
            self.operator_class(self, i)
        self.price_sample = np.sort(rng.permutation(n)[: min(n, PRICE_SAMPLE)])
        self._calibrate_scale()

    def _build_products(self) -> None:
        """Holders, suppliers, operator slots and foreign products, and the catalogue."""
        p, rng = self.params, self.rng
        n_sectors = len(SECTORS)
        h, m, k = p.n_holders, p.n_private_suppliers, p.n_foreign_products
        e0 = p.initial_effort
        self.datasets_per_holder = p.open_datasets / h
        z = lambda size: np.zeros(size)  # noqa: E731
        self.holder_state = HolderState(
            sector=rng.integers(n_sectors, size=h).astype(np.int8),
            effort=np.full(h, e0),
            datasets=np.full(h, self.datasets_per_holder),
            price=z(h),
            price_public_interest=z(h),
            uses=z(h),
            fee_revenue=z(h),
            share_revenue=z(h),
            supply_cost=z(h),
        )
        self.supplier_state = SupplierState(
            sector=rng.integers(n_sectors, size=m).astype(np.int8),
            quality=rng.lognormal(0.0, 0.3, size=m),
            price=z(m),
            uses=z(m),
            revenue=z(m),
        )
        o = MAX_OPERATORS
        self.operator_state = OperatorState(
            licensed=np.arange(o) < self.policy.operators,
            relicense_in=np.zeros(o, int),
            price=z(o),
            monopoly_price=z(o),
            price_factor=np.ones(o),
            security=np.full(o, 0.2),
            uses=z(o),
            revenue=z(o),
            cost=z(o),
            clawback=z(o),
            penalty=z(o),
            profit=z(o),
            incidents=np.zeros(o, int),
        )
        kinds = np.concatenate(
            [np.full(h, PUBLIC), np.full(o, OPERATOR), np.full(m, PRIVATE), np.full(k, FOREIGN)]
        )
        owner = np.concatenate([np.arange(h), np.arange(o), np.arange(m), np.arange(k)])
        # Relevance of each product to each sector (ODD 7.3).
        rel = np.empty((n_sectors, len(kinds)))
        rel[:, kinds == PUBLIC] = 0.4
        rel[self.holder_state.sector, np.arange(h)] = 1.0
        rel[:, kinds == OPERATOR] = 0.8
        rel[:, kinds == PRIVATE] = 0.3
        rel[self.supplier_state.sector, h + o + np.arange(m)] = 1.0
        # Foreign data is broad; its breadth relative to domestic data follows compute shares.
        rel[:, kinds == FOREIGN] = 0.12 * min(2.0, p.foreign_compute_share / p.china_compute_share)
        # Foreign products are supplied by Hong Kong and foreign firms, who earn their revenue.
        abroad = np.flatnonzero(self.firm_state.region >= 2)
        self.foreign_owner = rng.choice(abroad, size=k) if k and len(abroad) else np.zeros(0, int)
        self.catalogue = Catalogue(
            kind=kinds,
            owner=owner,
            size=np.zeros(len(kinds)),
            relevance=rel,
            available=np.zeros(len(kinds), bool),
            price=np.zeros(len(kinds)),
            price_public_interest=np.zeros(len(kinds)),
        )
        self._private_relevance = rel[:, kinds == PRIVATE].copy()
        view_kind = np.concatenate(
            [
                np.full(p.public_seen, PUBLIC),
                np.full(p.private_seen if m else 0, PRIVATE),
                np.full(o, OPERATOR),
                np.full(k, FOREIGN),
            ]
        )
        needs_registration = (view_kind == PUBLIC) & (
            np.cumsum(view_kind == PUBLIC) > p.public_seen_unregistered
        )
        n = p.n_firms
        self.view = View(
            product=np.zeros((n, len(view_kind)), dtype=np.int32),
            fit=np.zeros((n, len(view_kind)), dtype=np.float32),
            tie_break=np.zeros((n, len(view_kind)), dtype=np.float32),
            kind=view_kind,
            needs_registration=needs_registration,
        )
        self.view.product[:, view_kind == OPERATOR] = h + np.arange(o)
        self.view.product[:, view_kind == FOREIGN] = h + o + m + np.arange(k)

    def initialise_firms(self, rows: np.ndarray, entrant: bool) -> None:
        """Draw fresh firms into slots ``rows`` (at start, or entrants later) (ODD 5)."""
        s, p, v, rng = self.firm_state, self.params, self.view, self.rng
        n = len(rows)
        s.active[rows] = True
        s.sector[rows] = rng.integers(len(SECTORS), size=n)
        s.public_interest[rows] = (s.region[rows] < 2) & (rng.random(n) < p.share_public_interest)
        s.public_interest[rows] |= (
            (s.region[rows] < 2)
            & (s.sector[rows] == SECTORS.index("public_services"))
            & (rng.random(n) < 0.5)
        )
        sd = p.productivity_dispersion
        scale = 0.5 if entrant else 1.0  # entrants start small (Farboodi & Veldkamp)
        capital = scale * 4.0 * p.mean_output_rmb * rng.lognormal(-0.5 * 0.25, 0.5, size=n)
        productivity = rng.lognormal(-0.5 * sd * sd, sd, size=n)
        # Scale A so that a typical incumbent's data-free output is mean_output_rmb.
        productivity *= p.mean_output_rmb / (4.0 * p.mean_output_rmb) ** p.capital_elasticity
        if entrant:
            productivity *= np.exp(p.tfp_growth * self.steps)
        s.productivity[rows] = productivity
        s.capital[rows] = capital
        s.cash[rows] = 0.25 * capital
        s.data_stock[rows] = (0.2 if entrant else 1.0) * p.data_scale * rng.lognormal(0, 0.5, n)
        a = 2.0
        b = a * (1 - p.initial_capability) / p.initial_capability
        s.capability[rows] = rng.beta(a, b, size=n) * (0.7 if entrant else 1.0)
        s.output[rows] = 0.0
        s.surplus[rows] = 0.0
        s.data_spending[rows] = 0.0
        s.licences[rows] = 0.0
        s.age[rows] = 0.0
        # What the firm sees: distinct products via a random start and a coprime stride.
        for kind, total in ((PUBLIC, p.n_holders), (PRIVATE, p.n_private_suppliers)):
            cols = np.flatnonzero(v.kind == kind)
            if len(cols) == 0 or total == 0:
                continue
            offset = 0 if kind == PUBLIC else p.n_holders + MAX_OPERATORS
            start = rng.integers(total, size=n)
            strides = np.array([d for d in range(1, total + 1) if np.gcd(d, total) == 1])
            stride = rng.choice(strides, size=n)
            seen = (start[:, None] + stride[:, None] * np.arange(len(cols))) % total
            v.product[np.ix_(rows, cols)] = offset + seen
        # Bounded Pareto fit: tail index sets the price elasticity; the bound keeps single
        # outlying matches from dominating revenue.
        tail, ratio = p.fit_tail_index, p.fit_max_ratio
        u = rng.random((n, v.fit.shape[1]))
        fit = p.fit_scale * (1.0 - u * (1.0 - ratio**-tail)) ** (-1.0 / tail)
        ops = v.kind == OPERATOR
        fit[:, ops] = fit[:, ops][:, :1]  # operators sell the same underlying data
        v.fit[rows] = fit
        v.tie_break[rows] = rng.random((n, v.fit.shape[1])) * 1e-6

    def _calibrate_scale(self) -> None:
        """Scale the simulated economy to the national one at start-up (ODD 5.2).

        A warm-up clearing under the default policy (no state changes) gives the simulated
        quarterly data market and compute load. From it: how many real firms a simulated firm
        stands for, rack capacity at the reported utilisation, and holders' effort cost such
        that fees at the reference price recover their supply cost.
        """
        p = self.params
        warm_rng = np.random.default_rng(int(self.rng.integers(2**63)))
        live_policy, live_ops = self.policy, self.operator_state.licensed.copy()
        self.policy = Policy()
        self.operator_state.licensed[:] = False
        self.compute_cost_per_unit = p.compute_cost_rmb / p.public_product_size
        self.holder_effort_cost = 1.0  # placeholder until the cost-recovery warm-up below
        self.holder_mandate = 0.0
        self.reference_margin = 0.1
        result = self._clear(warm_rng, prices_from_policy=True)
        quarterly_market = float(result.revenue.sum())
        if quarterly_market <= 0:
            raise ParameterError(
                f"scenario {p.name!r}: nobody buys data at start-up; check reference_price_rmb "
                "and the fit parameters"
            )
        self.firms_represented = p.market_size_2022_rmb / 4.0 / quarterly_market
        # Compute: data load at start is data_compute_share of the racks in use.
        used = p.racks * p.rack_utilisation
        self.racks_per_data_unit = p.data_compute_share * used / max(result.data_volume, 1e-12)
        cap_e, cap_w = p.racks * p.east_rack_share, p.racks * (1 - p.east_rack_share)
        base = (1 - p.data_compute_share) * used
        self.east = ComputeCluster(
            self, "east", cap_e, base * p.east_rack_share, 0.0, self.policy.compute_growth_east
        )
        self.west = ComputeCluster(
            self,
            "west",
            cap_w,
            base * (1 - p.east_rack_share),
            p.west_price_discount,
            self.policy.compute_growth_west,
        )
        self._route_compute(result.data_volume)
        self.compute_index_0 = self.compute_price_index
        # Holders: at the reference price, fees recover supply cost at initial effort.
        self.policy = Policy(pricing="cost_recovery")
        result = self._clear(warm_rng, prices_from_policy=True)
        fees = result.revenue[self.catalogue.kind == PUBLIC].mean()
        self.holder_effort_cost = max(2.0 * fees / p.initial_effort**2, 1e-9)
        self.holder_mandate = p.mandate_share * self.holder_effort_cost
        self.operator_fixed_cost = p.operator_fixed_cost_per_firm_rmb * p.n_firms
        self.security_cost = p.security_cost_per_firm_rmb * p.n_firms
        self.policy = live_policy
        self.operator_state.licensed[:] = live_ops
        self.east.growth_per_year = live_policy.compute_growth_east
        self.west.growth_per_year = live_policy.compute_growth_west
        self.holder_state.uses[:] = 0.0
        self.holder_state.fee_revenue[:] = 0.0

    # ------------------------------------------------------------------------ dynamics ---
    @property
    def latency_cost(self) -> float:
        """Cost of western compute's extra latency, as a share of the eastern price."""
        p = self.params
        return p.latency_cost_share * (1 - self.policy.east_west_network) * p.latency_ms / 20.0

    @property
    def compute_price_index(self) -> float:
        """Price of compute for data work, blending East and West as routed."""
        w = self._west_share
        return (1 - w) * self.east.price_index + w * (self.west.price_index + self.latency_cost)

    def _route_compute(self, data_volume: float) -> float:
        """Split data compute between clusters; return the share served (1 unless rationed)."""
        load = data_volume * self.racks_per_data_unit
        self._west_share = ComputeCluster.route(self.east, self.west, load, self.latency_cost)
        demand = {self.east: (1 - self._west_share) * load, self.west: self._west_share * load}
        served = 1.0
        for cluster, want in demand.items():
            room = max(cluster.capacity_racks - cluster.base_load_racks, 0.0)
            cluster.data_load_racks = min(want, room)
            if want > room:
                served = min(served, room / want)
        return served

    def _update_catalogue(self) -> None:
        """Sizes and availability of every product this quarter."""
        c, p, policy = self.catalogue, self.params, self.policy
        public = c.kind == PUBLIC
        ops = c.kind == OPERATOR
        private = c.kind == PRIVATE
        c.size[public] = self.holder_class.product_size(self)
        c.available[public] = True
        quality = np.mean(0.5 + 0.5 * self.holder_state.effort / p.initial_effort)
        c.size[ops] = p.sensitive_product_size * quality
        c.available[ops] = self.operator_state.licensed
        c.size[private] = p.private_product_size * self.supplier_state.quality
        c.available[private] = policy.private_data != "ban"
        rel = self._private_relevance.copy()
        if policy.private_data == "hoard":
            # Data-rich firms do not sell to rivals in their own sector (Jones & Tonetti).
            rel[self.supplier_state.sector, np.arange(p.n_private_suppliers)] = 0.0
        c.relevance[:, private] = rel
        c.size[c.kind == FOREIGN] = p.foreign_product_size
        c.available[c.kind == FOREIGN] = policy.openness > 0

    def _clear(self, rng: np.random.Generator, prices_from_policy: bool = True):
        """Value, price and clear one quarter's market (ODD 7.3). Changes only prices."""
        self._update_catalogue()
        c, v = self.catalogue, self.view
        value, usage, cross_border = willingness_to_pay(self, c, v)
        wtp = sample_wtp(self, c, v, value, usage)
        kinds = c.kind
        self.holder_class.set_prices(self, wtp[:, kinds == PUBLIC])
        c.price[kinds == PUBLIC] = self.holder_state.price
        c.price_public_interest[kinds == PUBLIC] = self.holder_state.price_public_interest
        self.supplier_class.set_prices(self, wtp[:, kinds == PRIVATE])
        c.price[kinds == PRIVATE] = self.supplier_state.price
        c.price_public_interest[kinds == PRIVATE] = self.supplier_state.price
        if self.policy.operators:
            op_wtp = wtp[:, kinds == OPERATOR]
            # The operators sell the same data: demand for it is the best of the slots seen.
            self.operator_class.set_prices(self, np.fmax.reduce(op_wtp, axis=1)[:, None])
        c.price[kinds == OPERATOR] = self.operator_state.price
        pi_free = self.policy.pricing in ("free", "conditional_free") or (
            self.policy.operator_cap == "revenue"
        )
        c.price_public_interest[kinds == OPERATOR] = 0.0 if pi_free else self.operator_state.price
        foreign = kinds == FOREIGN
        if foreign.any():
            target = eq.revenue_maximising_price(wtp[:, foreign])
            c.price[foreign] = eq.adjusted_price(
                c.price[foreign], target, self.params.price_adjustment
            )
            c.price_public_interest[foreign] = c.price[foreign]
        return clear(self, c, v, value, usage, cross_border, rng)

    def step(self) -> None:
        """Advance the economy by one quarter (ODD 3, process overview and scheduling)."""
        p, policy = self.params, self.policy
        self.holder_class.choose_effort(self)
        # Firms plan with last quarter's compute price, smoothed like other prices.
        target = (
            p.compute_cost_rmb
            / p.public_product_size
            * (self.compute_price_index / self.compute_index_0)
        )
        self.compute_cost_per_unit += p.price_adjustment * (target - self.compute_cost_per_unit)
        result = self._clear(self.rng)
        self.clearing = result  # the quarter's transactions, for inspection
        served = self._route_compute(result.data_volume)
        kinds = self.catalogue.kind
        # Revenues to sellers.
        h, o, sup = self.holder_state, self.operator_state, self.supplier_state
        h.uses = result.uses[kinds == PUBLIC]
        h.fee_revenue = result.revenue[kinds == PUBLIC]
        o.uses = result.uses[kinds == OPERATOR]
        o.revenue = result.revenue[kinds == OPERATOR]
        sup.uses = result.uses[kinds == PRIVATE]
        sup.revenue = result.revenue[kinds == PRIVATE]
        shared = policy.revenue_share * o.revenue.sum()
        weight = h.effort / max(h.effort.sum(), 1e-12)
        h.share_revenue = shared * weight
        foreign_revenue = result.revenue[kinds == FOREIGN]
        np.add.at(self.firm_state.cash, self.foreign_owner, foreign_revenue)
        self.operator_class.settle(self)
        bridge_alignment = policy.hk_bridge * (
            result.hong_kong_transfer_share + 0.3 * (1 - result.hong_kong_transfer_share)
        )
        incidents = self.regulator.enforce(result.sensitive_transfers, bridge_alignment)
        per_thousand = incidents / (p.n_firms / 1000.0)
        self.trust = eq.trust_update(
            self.trust, p.trust_recovery, p.trust_loss_per_incident, per_thousand
        )
        # Firms pay, produce and accumulate data.
        s = self.firm_state
        s.data_spending = result.spending.copy()  # entrants reset rows; keep the record
        s.licences = result.bought.sum(axis=1).astype(float)
        self.firm_class.produce(self, result.data_added * served, result.usage_cost)
        exits, entries = self.firm_class.exit_and_enter(self)
        self.east.grow()
        self.west.grow()
        self.quarter = metrics.measure(self, result, incidents, entries, exits)
        self.datacollector.collect(self)

    def run(self, quarters: int) -> pd.DataFrame:
        """Run ``quarters`` steps and return the model-level data so far (one row a quarter)."""
        if isinstance(quarters, bool) or not isinstance(quarters, int | np.integer) or quarters < 0:
            raise ParameterError(f"run(quarters={quarters!r}): expected a whole number >= 0")
        for _ in range(int(quarters)):
            self.step()
        return self.datacollector.get_model_vars_dataframe()


def _check_seed(seed: Any) -> int:
    """Return the seed as a plain int (drawing one from the OS if ``None``)."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
    if isinstance(seed, np.integer):
        seed = int(seed)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed={seed!r}: expected a whole number >= 0 (or None)")
    return seed
