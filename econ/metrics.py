"""What the model reports each quarter (ODD 7.9), and growth measures over a run.

:func:`measure` turns one quarter's clearing and the populations' state into a
:class:`Quarter` of national figures; :func:`make_datacollector` wires those into Mesa's
DataCollector. Money columns are RMB per quarter scaled to the national economy
(``Calibration.firms_represented``); ``incidents``, ``active_firms`` and
``licensed_operators`` are counts in the simulated economy.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, fields
from functools import partial

import mesa
import numpy as np
import pandas as pd

from econ import equations as eq
from econ import kernels
from econ.agents import (
    ComputeClusters,
    DataExchanges,
    Firm,
    Firms,
    Operators,
    PrivateSuppliers,
    PublicHolders,
)
from econ.calibration import Calibration
from econ.categories import ProductKind, Region
from econ.market import Clearing, Market
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = [
    "FIRM_COLUMNS",
    "MODEL_COLUMNS",
    "EconDataCollector",
    "Quarter",
    "cagr",
    "make_datacollector",
    "measure",
]

#: The columns DESIGN.md requires, first, in its order.
MODEL_COLUMNS = (
    "market_size",
    "data_uses",
    "output",
    "welfare",
    "public_datasets",
    "supply_effort",
    "operator_profit",
    "incidents",
    "cross_border_volume",
    "active_firms",
    "hhi",
    "compute_utilisation",
)
#: Firm-level columns collected with ``collect_agents=True``.
FIRM_COLUMNS = (
    "sector",
    "region",
    "active",
    "data_stock",
    "output",
    "capability",
    "data_spending",
    "licences",
)


@dataclass
class Quarter:
    """Everything measured in the last quarter, in national RMB where money (ODD 7.9).

    Money is RMB per quarter scaled to the national economy (each simulated firm stands for
    ``Calibration.firms_represented`` real ones); counts of incidents, firms and operators are
    counts in the simulated economy. Each field is a column of the model's DataCollector.

    Parameters
    ----------
    market_size : float
        Value of paid data transactions, domestic and cross-border (RMB per quarter).
    data_uses : float
        Licences and uses of data products, free ones included (uses per quarter, national).
    output : float
        Total output of mainland firms, the value-added proxy (RMB per quarter).
    welfare : float
        E20: firm surplus + operator profit + holder and supplier revenue + clawbacks and fines
        - supply costs - incident losses (RMB per quarter).
    public_datasets : float
        Open public datasets available (datasets).
    supply_effort : float
        Mean supply effort of public holders, in [0, 1].
    operator_profit : float
        Profit of authorised operators (RMB per quarter).
    incidents : int
        Security incidents this quarter (simulated economy).
    cross_border_volume : float
        Value of approved cross-border data transfers (RMB per quarter).
    active_firms : int
        Firms active this quarter (simulated economy).
    hhi : float
        E11: concentration of data sales, Herfindahl-Hirschman index in [0, 1].
    compute_utilisation : float
        Utilisation of the compute clusters' racks, in [0, 1].
    public_data_uses : float
        Licences of open public data products (uses per quarter, national).
    public_price : float
        Mean fee of open public data (RMB per licence-quarter).
    operator_price : float
        Mean price of licensed operators' products (RMB per licence-quarter; 0 with none).
    holder_revenue : float
        Public holders' fees and revenue share (RMB per quarter).
    firm_surplus : float
        Mainland firms' surplus (RMB per quarter).
    supply_cost : float
        Holders' cost of supply effort (RMB per quarter).
    incident_loss : float
        Losses from security incidents (RMB per quarter).
    policy_cost : float
        E22: the public cost of the levers (RMB per quarter).
    welfare_share : float
        Welfare as a share of mainland output (dimensionless).
    trust : float
        E17: firms' trust in sensitive and cross-border data, in [0.05, 1].
    partner_openness : float
        E21: foreign partners' openness to flows with China, in [0, 1].
    review_strictness : float
        Strictness of security review in force, in [0, 1] (adapts with an adaptive regulator).
    licensed_operators : int
        Operators holding a licence (simulated economy).
    entries : int
        Firms that entered this quarter (simulated economy).
    exits : int
        Firms that exited this quarter (simulated economy).
    top_decile_share : float
        E24: the share of mainland output produced by the largest tenth of active mainland
        firms, the firm-size skew (dimensionless, in [0.1, 1]).
    exchange_share : float
        E26: the exchange-traded share of data trade value (the rest is over the counter),
        in [0, 1].
    compute_abroad_share : float
        E31: the share of served data work run on partners' compute abroad, in [0, 1].
    bridge_coverage : float
        E32: the share of cross-border transfers the Hong Kong bridge carries next quarter,
        in [0, 1] (0 without the bridge or with the border closed).
    """

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
    policy_cost: float = 0.0
    welfare_share: float = 0.0
    trust: float = 1.0
    partner_openness: float = 1.0
    review_strictness: float = 0.0
    licensed_operators: int = 0
    entries: int = 0
    exits: int = 0
    top_decile_share: float = 0.0
    exchange_share: float = 0.0
    compute_abroad_share: float = 0.0
    bridge_coverage: float = 0.0


#: Every column the model reports, any of which an experiment may keep.
ALL_COLUMNS = tuple(f.name for f in fields(Quarter))


def measure(
    clearing: Clearing,
    *,
    firms: Firms,
    holders: PublicHolders,
    suppliers: PrivateSuppliers,
    operators: Operators,
    compute: ComputeClusters,
    market: Market,
    calibration: Calibration,
    scenario: Scenario,
    incidents: int,
    trust: float,
    partner_openness: float,
    policy: Policy,
    audits: int,
    review_strictness: float,
    entries: int,
    exits: int,
    exchanges: DataExchanges,
    bridge_coverage: float = 1.0,
) -> Quarter:
    """National figures for the quarter just cleared (ODD 7.9).

    Parameters
    ----------
    clearing : Clearing
        The quarter's market clearing (who bought what, at what price).
    firms : Firms
        The firm population, after production.
    holders : PublicHolders
        The public data holders.
    suppliers : PrivateSuppliers
        The private suppliers.
    operators : Operators
        The authorised operators.
    compute : ComputeClusters
        The compute clusters.
    market : Market
        The catalogue and view the quarter cleared on.
    calibration : Calibration
        The start-up calibration (its ``firms_represented`` scales money to the nation).
    scenario : Scenario
        The scenario (its ``incident_loss_rmb``).
    incidents : int
        Security incidents this quarter.
    trust : float
        Trust after this quarter's incidents (E17).
    partner_openness : float
        Foreign partners' openness (E21), in [0, 1].
    policy : Policy
        The policy in force (the levers whose public cost E22 counts).
    audits : int
        Audits the regulator made this quarter.
    review_strictness : float
        Review strictness in force.
    entries : int
        Firms that entered.
    exits : int
        Firms that exited.
    exchanges : DataExchanges
        The data exchanges after the quarter's trade (their share and net public cost).
    bridge_coverage : float, default 1.0
        Share of cross-border transfers the Hong Kong bridge's capacity carries (E32).

    Returns
    -------
    Quarter
        The quarter's figures; ``hhi`` by E11, ``welfare`` by E20, ``policy_cost`` by E22.
    """
    s, h, o = firms.table, holders.table, operators.table
    scale = calibration.firms_represented
    public = market.catalogue.block(ProductKind.PUBLIC)
    ops = market.catalogue.block(ProductKind.OPERATOR)
    # The active mainland firms' totals in one compiled pass (x[mainland].sum() each).
    firm_surplus, output, mainland_output, n_active = kernels.mainland_totals(
        s.active, s.region, int(Region.HONG_KONG), s.surplus, s.output
    )
    # The other sums (x.sum() each, means as sum over count, E11's hhi) in one compiled pass.
    (
        holder_revenue, operator_profit, supply_cost, supplier_revenue, clawbacks,
        market_size, data_uses, datasets, effort, cross_border_paid, hhi, public_uses,
        public_price, operator_price, n_licensed,
    ) = kernels.quarter_sums(
        h.fee_revenue, h.share_revenue, h.supply_cost, h.datasets, h.effort, o.profit,
        o.clawback, o.penalty, o.price, o.licensed, suppliers.table.revenue, clearing.revenue,
        clearing.uses, clearing.cross_border_paid, market.catalogue.price, public.start,
        public.stop, ops.start, ops.stop,
    )  # fmt: skip
    incident_loss = incidents * scenario.incident_loss_rmb
    # Review and the bridge work only while flows can cross the border.
    border_open = policy.openness > 0
    lever_cost = eq.policy_cost(
        policy.infrastructure,
        policy.registration,
        review_strictness * border_open,
        audits,
        policy.hk_bridge and border_open,
        calibration.lever_costs_rmb,
        exchanges.subsidy,
        policy.privacy_computing,
        policy.traceability,
    )
    welfare = eq.welfare(
        firm_surplus,
        operator_profit,
        holder_revenue,
        supplier_revenue,
        clawbacks,
        supply_cost,
        incident_loss,
        lever_cost,
    )
    return Quarter(
        market_size=market_size * scale,
        data_uses=data_uses * scale,
        output=output * scale,
        welfare=float(welfare) * scale,
        public_datasets=datasets,
        supply_effort=effort,
        operator_profit=operator_profit * scale,
        incidents=int(incidents),
        cross_border_volume=cross_border_paid * scale,
        active_firms=int(n_active),
        hhi=hhi,
        compute_utilisation=compute.utilisation(),
        public_data_uses=public_uses * scale,
        public_price=public_price,
        operator_price=operator_price,
        holder_revenue=holder_revenue * scale,
        firm_surplus=firm_surplus * scale,
        supply_cost=supply_cost * scale,
        incident_loss=incident_loss * scale,
        policy_cost=lever_cost * scale,
        welfare_share=float(welfare) / output if output > 0 else 0.0,
        trust=trust,
        partner_openness=partner_openness,
        review_strictness=review_strictness,
        licensed_operators=int(n_licensed),
        entries=entries,
        exits=exits,
        top_decile_share=eq.top_share(mainland_output),
        exchange_share=exchanges.liquidity,
        compute_abroad_share=compute.abroad_share(),
        # As for its cost (E22): a bridge over a closed border carries nothing.
        bridge_coverage=bridge_coverage if policy.hk_bridge and border_open else 0.0,
    )


def _mean(values: np.ndarray) -> float:
    """``values.mean()`` of a non-empty float array (numpy's sum over the count), without
    the argument handling that costs more than the sum itself."""
    return float(values.sum() / len(values))


def _quarter_value(name: str, model: mesa.Model) -> float:
    return getattr(model.quarter, name)


def _seed(model: mesa.Model) -> int:
    return model.seed


class EconDataCollector(mesa.DataCollector):
    """Mesa's DataCollector, with quarters as the index of the model-level frame.

    Parameters
    ----------
    model_reporters : dict, optional
        As for :class:`mesa.DataCollector`.
    agent_reporters : dict, optional
        As for :class:`mesa.DataCollector`.
    agenttype_reporters : dict, optional
        As for :class:`mesa.DataCollector`.
    tables : dict, optional
        As for :class:`mesa.DataCollector`.
    """

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per quarter, indexed by ``step`` (1 = the first quarter simulated).

        Returns
        -------
        pandas.DataFrame
            One column per field of :class:`Quarter`.
        """
        steps = len(self._collection_steps)
        if not self._plain_reporters() or steps == 0:
            df = super().get_model_vars_dataframe().drop(columns="seed")
            df.index = pd.RangeIndex(1, len(df) + 1, name="step")
            return df
        # The reporters' numbers as arrays, the seed left out: the same frame as Mesa's
        # ``pd.DataFrame(model_vars).drop(columns="seed")`` at a fraction of its cost (numpy
        # infers a list of ints or floats as pandas does; the drop copies the frame).
        columns = {name: np.array(values) for name, values in self.model_vars.items()}
        del columns["seed"]
        return pd.DataFrame(columns, index=pd.RangeIndex(1, steps + 1, name="step"))

    def collect(self, model: mesa.Model) -> None:
        """Mesa's ``collect``, without a deep copy of each of the quarter's numbers.

        Mesa deep-copies every model reporter's value; the figures of a :class:`Quarter` and
        the seed are plain ``int`` and ``float`` (immutable), so the reporters
        :func:`make_datacollector` makes are read directly. Any other reporter, and agent
        data, go through Mesa's own ``collect``.

        Parameters
        ----------
        model : mesa.Model
            The model whose quarter is collected.
        """
        plain = self._plain_reporters()
        if not plain or not self._validated or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        quarter, model_vars = model.quarter, self.model_vars
        for name, field in plain:
            value = getattr(quarter, field) if field is not None else model.seed
            # A number of another type (a numpy scalar) is copied, as Mesa would.
            model_vars[name].append(value if type(value) in (float, int) else deepcopy(value))

    def _plain_reporters(self) -> list[tuple[str, str | None]]:
        """(reporter name, Quarter field or None for the seed) of every model reporter, if
        all are :func:`make_datacollector`'s; else empty."""
        reporters = tuple(self.model_reporters.items())
        cached = self.__dict__.get("_plain")
        if cached is not None and cached[0] == reporters:
            return cached[1]
        plain = []
        for name, reporter in reporters:
            if isinstance(reporter, partial) and reporter.func is _quarter_value:
                plain.append((name, reporter.args[0]))
            elif isinstance(reporter, partial) and reporter.func is _seed:
                plain.append((name, None))
            else:
                plain = []
                break
        self.__dict__["_plain"] = (reporters, plain)
        return plain

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """The firm-level frame.

        econ collects agents by type (mainland firms, with ``collect_agents=True``), so this is
        ``get_agenttype_vars_dataframe(Firm)``.

        Returns
        -------
        pandas.DataFrame
            One row per firm and quarter.

        Raises
        ------
        ValueError
            If the model was built without ``collect_agents=True``.
        """
        if not self.agenttype_reporters:
            raise ValueError(
                "no agent data was collected: build the model with collect_agents=True"
            )
        return self.get_agenttype_vars_dataframe(next(iter(self.agenttype_reporters)))


def make_datacollector(collect_agents: bool, firm_class: type = Firm) -> EconDataCollector:
    """A DataCollector reporting every field of :class:`Quarter`.

    Parameters
    ----------
    collect_agents : bool
        Also collect the :data:`FIRM_COLUMNS` of every mainland firm (Mesa's agent-type
        reporters, read through the agents' attributes).
    firm_class : type, default Firm
        The agent class whose agents are collected.

    Returns
    -------
    EconDataCollector
        The collector.
    """
    reporters = {name: partial(_quarter_value, name) for name in ALL_COLUMNS}
    # The seed the run actually used (drawn from the OS when none was given): mesa.batch_run
    # rows then name it instead of the ``None`` they were asked with.
    reporters["seed"] = partial(_seed)
    agenttype = {firm_class: {name: name for name in FIRM_COLUMNS}} if collect_agents else {}
    return EconDataCollector(model_reporters=reporters, agenttype_reporters=agenttype)


def cagr(series: pd.Series | np.ndarray, periods_per_year: int = 4) -> float:
    """Compound annual growth rate from the first to the last value of a quarterly series.

    Parameters
    ----------
    series : pandas.Series or numpy.ndarray
        Values in time order, one per period.
    periods_per_year : int, default 4
        Periods in a year (4 for quarters).

    Returns
    -------
    float
        Growth as a share per year (0.25 is 25% a year); NaN with fewer than two values or a
        non-positive first or last value.
    """
    values = np.asarray(series, dtype=float)
    if len(values) < 2 or values[0] <= 0 or values[-1] <= 0:
        return float("nan")
    years = (len(values) - 1) / periods_per_year
    return float((values[-1] / values[0]) ** (1.0 / years) - 1.0)
