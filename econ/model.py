"""The data-economy model: ``DataEconomy``, a Mesa model of a national data market (ODD 1-7).

One step is one quarter. Each kind of agent is a population that owns its state table and
moves all its agents at once (``model.firms``, ``model.holders``, ...); Mesa agents are views
onto their rows, so users inspect the model the Mesa way
(``model.agents_by_type[Firm].select(...)``) while markets clear with vectorised operations.
The model itself only wires the quarter together (:meth:`DataEconomy.step`): each step below
names what it reads and what it writes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

import mesa
import numpy as np
import pandas as pd

from econ import equations as eq
from econ.agents import (
    MAX_OPERATORS,
    ComputeClusters,
    DataExchanges,
    Firms,
    Operators,
    PrivateSuppliers,
    PublicHolders,
    Regulator,
)
from econ.agents.compute import latency_cost
from econ.calibration import Calibration, calibrate
from econ.categories import ProductKind, is_abroad
from econ.market import (
    Catalogue,
    Clearing,
    Market,
    View,
    clear,
    enter_firms,
    enter_firms_by_slot,
    refresh_catalogue,
    sampled_demand,
    set_foreign_prices,
    value_licences,
)
from econ.metrics import Quarter, make_datacollector, measure
from econ.parameters import ParameterError
from econ.policy import LEVERS, Policy
from econ.scenarios import Scenario, get_scenario
from econ.seeds import RandomStreams

__all__ = ["DataEconomy"]

#: Firms whose demand sellers sample to set prices (E5).
PRICE_SAMPLE = 1_000

#: E2d's index, remembered by (trend, quarter, half-life): a product over every earlier
#: quarter, the same in every run of a sweep that shares the trend.
_data_value_index = lru_cache(maxsize=4096)(eq.data_value_index)


class DataEconomy(mesa.Model):
    """A Mesa model of a national data market under a data policy (ODD 1).

    One step is one quarter; money is RMB scaled to the national economy. Each kind of agent
    is a population (``model.firms``, ``model.holders``, ``model.suppliers``,
    ``model.operators``, ``model.compute``) plus the single ``model.regulator``; to change a
    behaviour, subclass a population and name it on a subclass of this model
    (``firms_class``, ``holders_class``, ``suppliers_class``, ``operators_class``,
    ``compute_class``, ``regulator_class``).

    Parameters
    ----------
    policy : Policy or dict or None, default None
        The policy levers; None: ``Policy()``, today's policy mix.
    scenario : str or Scenario, default "china_2024"
        A scenario name (``"china_2024"``, ``"small"``) or a :class:`~econ.scenarios.Scenario`.
    n_firms : int or None, default None
        Simulated firm slots; overrides the scenario's ``n_firms``.
    seed : int or None, default None
        An integer seed (numpy integers accepted); None draws one from the OS and records it
        in ``model.seed``. Every random draw comes from streams spawned from it.
    collect_agents : bool, default False
        Also collect firm-level data each quarter (costly for large models).
    rng : int or None, default None
        The same as ``seed``, under the name Mesa's models use (give one or the other).
    keep_transactions : bool, default False
        Keep the last quarter's (firms x view) matrices in ``model.clearing`` (``bought``,
        ``paid``, ``cross_border``; 250 bytes a firm).
    **params : object
        Levers (``pricing="free"``, applied to ``policy``) and scenario parameters
        (``supply_responds=False``) by name, so ``mesa.batch_run`` can vary either.

    Raises
    ------
    econ.parameters.ParameterError
        For a bad policy, scenario, parameter, seed or ``collect_agents``, naming it and what
        is allowed.

    Examples
    --------
    >>> model = DataEconomy(policy=Policy(pricing="free"), scenario="small", seed=1)
    >>> df = model.run(8)
    """

    firms_class: ClassVar[type[Firms]] = Firms
    holders_class: ClassVar[type[PublicHolders]] = PublicHolders
    suppliers_class: ClassVar[type[PrivateSuppliers]] = PrivateSuppliers
    operators_class: ClassVar[type[Operators]] = Operators
    compute_class: ClassVar[type[ComputeClusters]] = ComputeClusters
    regulator_class: ClassVar[type[Regulator]] = Regulator

    def __init__(
        self,
        policy: Policy | dict | None = None,
        scenario: str | Scenario = "china_2024",
        n_firms: int | None = None,
        seed: int | None = None,
        collect_agents: bool = False,
        rng: int | None = None,
        keep_transactions: bool = False,
        **params: Any,
    ) -> None:
        if rng is not None:
            if seed is not None:
                raise ParameterError("give seed or rng, not both (they are the same integer)")
            if isinstance(rng, np.random.Generator | np.random.BitGenerator):
                raise ParameterError(
                    "rng must be an integer seed: econ spawns one stream per submodel from it"
                )
            seed = rng
        levers = {name: params.pop(name) for name in list(params) if name in LEVERS}
        if isinstance(policy, dict):
            policy = Policy.from_dict(policy)
        elif policy is None:
            policy = Policy()
        elif not isinstance(policy, Policy):
            raise ParameterError(f"policy must be a Policy or a dict, not {type(policy).__name__}")
        if levers:
            policy = policy.replace(**levers)
        if n_firms is not None:
            params["n_firms"] = n_firms
        for name, flag in (
            ("collect_agents", collect_agents),
            ("keep_transactions", keep_transactions),
        ):
            if not isinstance(flag, bool):
                raise ParameterError(f"{name}={flag!r}: expected True or False")
        scenario_params = get_scenario(scenario, **params)
        seed = _check_seed(seed)
        super().__init__(rng=seed)
        self.seed: int = seed
        self.policy: Policy = policy
        self.params: Scenario = scenario_params  # Mesa's Model uses the name ``scenario``
        self.streams = RandomStreams(seed)
        self._build(policy, scenario_params)
        self.calibration: Calibration = calibrate(
            scenario_params, self.firms, self.market, self.holders, self.compute,
            self.streams.calibration,
        )  # fmt: skip
        self.compute.cost_per_data_unit = self.calibration.compute_cost_per_unit_rmb
        # Compute at start: data work is data_compute_share of the racks in use (ODD 5).
        p = scenario_params
        start_load = p.data_compute_share * p.racks * p.rack_utilisation
        self.compute.route(p, start_load, latency_cost(policy, p))
        self.trust = 1.0
        self.incident_pressure = 0.0  # incidents per 1,000 firms a quarter, smoothed (E23)
        # Share of cross-border transfers the Hong Kong bridge's capacity carries (E32).
        self.bridge_coverage = 1.0
        # Partners start at their reciprocal response to today's openness (the lever default).
        today = LEVERS["openness"].default
        self.partner_openness = eq.partner_openness(
            today, today, scenario_params.partner_reciprocity, 1.0, 0.0, 0.0
        )
        self.quarter = Quarter()
        self.clearing: Clearing | None = None  # the last quarter's transactions
        self.keep_transactions = keep_transactions
        self.collect_agents = collect_agents
        self.datacollector = make_datacollector(collect_agents, self.firms_class.agent_class)
        self._spin_up()

    def _build(self, policy: Policy, scenario: Scenario) -> None:
        """The initial economy (ODD 5): the same for a scenario and seed, whatever the policy."""
        rng = self.streams.initial
        self.firms = self.firms_class.draw(scenario, rng)
        self.holders = self.holders_class.draw(scenario, rng)
        self.suppliers = self.suppliers_class.draw(scenario, rng)
        self.operators = self.operators_class.license(policy, scenario)
        self.compute = self.compute_class.build(scenario)
        self.exchanges = DataExchanges.build(scenario)
        catalogue = Catalogue.layout(
            scenario,
            MAX_OPERATORS,
            self.holders.table.sector,
            self.suppliers.table.sector,
            self.suppliers.table.quality,
        )
        # The catalogue is the one home of every price; sellers' price columns view it.
        for population, kind in (
            (self.holders, ProductKind.PUBLIC),
            (self.suppliers, ProductKind.PRIVATE),
            (self.operators, ProductKind.OPERATOR),
        ):
            block = catalogue.block(kind)
            population.table.link(
                price=catalogue.price[block],
                price_public_interest=catalogue.price_public_interest[block],
            )
        view = View.layout(scenario, catalogue)
        n = scenario.n_firms
        view.draw(np.arange(n), scenario, catalogue, rng)
        sample = np.sort(rng.permutation(n)[: min(n, PRICE_SAMPLE)])
        self.market = Market(catalogue, view, sample)
        # Foreign products are supplied by Hong Kong and foreign firms, who earn their revenue.
        abroad = np.flatnonzero(is_abroad(self.firms.table.region))
        k = scenario.n_foreign_products
        self.foreign_owner = rng.choice(abroad, size=k) if k and len(abroad) else np.zeros(k, int)
        self.regulator = self.regulator_class(self, policy)
        self._views_pending = True  # Mesa agent views are made on first use (_make_views)

    # ---------------------------------------------------------------- Mesa agent views ---
    def _make_views(self) -> None:
        """Register the populations' Mesa agent views (~265 bytes each) the first time
        anything asks for agents; the model's own steps never need them."""
        if getattr(self, "_views_pending", False):
            self._views_pending = False
            for population in (
                self.firms, self.holders, self.suppliers, self.operators, self.compute
            ):  # fmt: skip
                population.create_agents(self)

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents (Mesa's ``Model.agents``), views made on first use."""
        self._make_views()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """Agents by class (Mesa's ``Model.agents_by_type``), views made on first use."""
        self._make_views()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Agent classes (Mesa's ``Model.agent_types``), views made on first use."""
        self._make_views()
        return super().agent_types

    # ------------------------------------------------------------------------ dynamics ---
    def step(self) -> None:
        """Advance the economy by one reported quarter (ODD 3) and collect its data."""
        self._advance(self.params.spin_up_quarters + self.steps)
        self.datacollector.collect(self)

    def _spin_up(self) -> None:
        """The quarters before 2022Q1 (ODD 5.3): the same dynamics, nothing reported.

        Sellers start at revenue-maximising prices for the start-up demand and holders at
        their initial effort; the spin-up lets prices, effort, entry and exit settle under
        the run's policy, so the reported path does not open with that transient.
        """
        for quarter in range(1, self.params.spin_up_quarters + 1):
            self._advance(quarter)

    def _advance(self, q: int) -> None:
        """Advance the economy by one quarter, the ``q``-th simulated (ODD 3, process
        overview and scheduling); ``q`` numbers the quarter's random streams."""
        p, policy = self.params, self.policy
        cal, market, catalogue = self.calibration, self.market, self.market.catalogue
        firms, holders, operators = self.firms, self.holders, self.operators
        # 1. Holders choose effort from last quarter's revenue and visible use (E8, E12).
        holders.choose_effort(policy, p, cal.holder_effort_cost, cal.holder_mandate)
        # 2. Firms plan with last quarter's compute price, smoothed like other prices.
        latency = latency_cost(policy, p)
        self.compute.update_cost(
            p, cal.compute_cost_per_unit_rmb, cal.compute_price_index_0, latency
        )
        # 3-4. This quarter's catalogue, and what every product is worth to every firm.
        # Openness in effect: China's, times its partners' response to it (E21).
        openness = policy.openness * self.partner_openness
        refresh_catalogue(
            catalogue,
            policy,
            p,
            holders.product_size(p),
            holders.sensitive_quality(p),
            operators.table.licensed,
            # Private products carry more data as the nation produces more (E29).
            self.suppliers.product_size(p, q - 1),
            foreign_supply=self.partner_openness,
        )
        strictness = self.regulator.review_strictness
        # The bridge in force: it carries what its capacity allowed last quarter (E32).
        bridge = policy.hk_bridge * self.bridge_coverage
        # AI raises the value of data to its users, from the initial economy on (E2d).
        value_index = _data_value_index(
            p.ai_data_value_growth, q - 1, p.ai_growth_half_life_quarters
        )
        valuation = value_licences(
            firms.table,
            market,
            policy,
            p,
            value_per_unit=firms.value_per_unit(p, value_index),
            trust=self.trust,
            review_strictness=strictness,
            compute_cost_per_unit=self.compute.cost_per_data_unit,
            exchanges=self.exchanges,
            bridge=bridge,
        )
        # 5. Sellers set prices against sampled demand.
        # Demand grouped by product: the dense (sample x products) matrix is mostly empty.
        demand = sampled_demand(valuation, firms.table, market, policy, openness)
        holders.set_prices(policy, p, demand.columns(catalogue.block(ProductKind.PUBLIC)))
        self.suppliers.set_prices(p, demand.columns(catalogue.block(ProductKind.PRIVATE)))
        # The operators sell the same data: demand for it is the best of the slots seen.
        best = demand.columns(catalogue.block(ProductKind.OPERATOR)).best()
        operators.set_prices(policy, p, cal.security_cost_rmb, best[:, None])
        set_foreign_prices(catalogue, demand, p.price_adjustment)
        # 6. Clearing, with cross-border approvals.
        # Streams that draw only uniforms go in as PCG64 state words: the same draws,
        # without building a Generator (RandomStreams.quarter_state).
        approvals = self.streams.quarter_state("approvals", q)
        result = clear(
            valuation,
            firms.table,
            market,
            policy,
            strictness,
            approvals,
            openness,
            self.keep_transactions,
        )
        self.clearing = result
        # 7. Payments, and compute routed East/West, and abroad when dearer at home (rationed
        # if capacity is short).
        revenue, uses = result.revenue, result.uses
        public, ops = catalogue.block(ProductKind.PUBLIC), catalogue.block(ProductKind.OPERATOR)
        data_volume = result.data_volume
        if policy.privacy_computing:
            # Privacy computing's extra compute on operators' sensitive data (E27).
            extra = (
                eq.sensitive_compute_factor(
                    p.privacy_computing_compute_overhead, policy.privacy_computing
                )
                - 1.0
            )
            data_volume += extra * float(uses[ops] @ catalogue.size[ops])
        # Partners' compute, sized by the global shares and open as far as openness is (E31).
        abroad = eq.foreign_compute_capacity(
            float(self.compute.table.capacity_racks.sum()),
            p.foreign_compute_share,
            p.china_compute_share,
            p.foreign_compute_access,
            openness,
        )
        _, served = self.compute.route(p, data_volume * cal.racks_per_data_unit, latency, abroad)
        private, foreign = (
            catalogue.block(ProductKind.PRIVATE),
            catalogue.block(ProductKind.FOREIGN),
        )
        self.exchanges.settle(result.spending, result.licences, policy, p)
        operators.receive(uses[ops], revenue[ops])
        shared = policy.revenue_share * float(revenue[ops].sum())
        holders.receive(uses[public], revenue[public], shared)
        self.suppliers.receive(uses[private], revenue[private])
        np.add.at(firms.table.cash, self.foreign_owner, revenue[foreign])
        # 8. Operators settle (E7).
        operators.settle(policy, p, cal.operator_fixed_cost_rmb, cal.security_cost_rmb)
        # 9. The regulator enforces (E9); trust responds to incidents (E17).
        hk = result.hong_kong_transfer_share
        # Hong Kong firms' transfers count fully toward the bridge's aligned standards,
        # others' in part (E9).
        alignment = bridge * (hk + p.bridge_incident_alignment_other * (1 - hk))
        incidents = self.regulator.enforce(
            operators.table,
            p,
            result.sensitive_transfers,
            alignment,
            self.streams.quarter_state("operator_incidents", q),
            self.streams.quarter_state("cross_border_incidents", q),
            self.streams.quarter_state("audits", q),
            result.operator_transfer_share,
        )
        if policy.hk_bridge:
            self.bridge_coverage = eq.bridge_coverage(
                p.bridge_capacity, result.transfers * 1000.0 / p.n_firms
            )
        # Firms and partners respond to the national rate of incidents: with thousands of
        # real firms behind each simulated one, that is the expected count, not the draw.
        per_thousand = 1000.0 / p.n_firms
        self.incident_pressure = eq.incident_pressure(
            self.incident_pressure, self.regulator.expected_incidents * per_thousand
        )
        self.trust = eq.trust_update(
            self.trust,
            p.trust_recovery,
            p.trust_loss_per_incident,
            self.regulator.expected_incidents * per_thousand,
            self.incident_pressure,
            p.trust_collapse_threshold,
            p.trust_collapse,
        )
        self.partner_openness = eq.partner_openness(
            self.partner_openness,
            policy.openness,
            p.partner_reciprocity,
            p.partner_adjustment,
            p.partner_retaliation,
            self.regulator.expected_cross_border_incidents * per_thousand,
        )
        # 10. Firms pay, produce and accumulate data (E1, E2, E18).
        firms.produce(
            p,
            result.data_added * served,
            result.spending,
            result.usage_cost,
            result.licences,
            value_index,
        )
        # 11. Exit and entry (E19); entrants see products of their own.
        exits = firms.exit(p, self.streams.quarter_state("exit", q))
        if p.paired_entry:
            # Each entrant drawn from its slot's own stream: the same firm in every arm of a
            # paired comparison that fills that slot that quarter. The count and the queue
            # draw only uniforms: the stream goes in as its state words (no Generator built).
            entry_words = self.streams.quarter_state("entry", q)
            entrants = enter_firms_by_slot(
                firms, market.view, p, catalogue, q, entry_words, self.streams
            )
        else:
            entry_rng = self.streams.quarter("entry", q)
            entrants = enter_firms(firms, market.view, p, catalogue, q, entry_rng)
        # 12. Compute grows; the quarter is measured.
        self.compute.grow(policy, p)
        self.quarter = measure(
            result,
            firms=firms,
            holders=holders,
            suppliers=self.suppliers,
            operators=operators,
            compute=self.compute,
            market=market,
            calibration=cal,
            scenario=p,
            incidents=incidents,
            trust=self.trust,
            partner_openness=self.partner_openness,
            policy=policy,
            audits=self.regulator.audits,
            review_strictness=self.regulator.review_strictness,
            entries=len(entrants),
            exits=exits,
            exchanges=self.exchanges,
            bridge_coverage=self.bridge_coverage,
        )

    def run(self, quarters: int) -> pd.DataFrame:
        """Run ``quarters`` steps and return the model-level data so far (one row a quarter).

        Parameters
        ----------
        quarters : int
            Quarters to run, a whole number >= 0.

        Returns
        -------
        pandas.DataFrame
            One row per quarter simulated so far, indexed by ``step``, one column per reported
            figure (:class:`~econ.metrics.Quarter`).

        Raises
        ------
        econ.parameters.ParameterError
            If ``quarters`` is not a whole number >= 0.
        """
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
