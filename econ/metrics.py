"""What the model reports each quarter (ODD 7.9), and growth measures over a run.

:func:`measure` turns one quarter's clearing and the populations' state into a
:class:`Quarter` of national figures; :func:`make_datacollector` wires those into Mesa's
DataCollector. Money columns are RMB per quarter scaled to the national economy
(``Calibration.firms_represented``); ``incidents``, ``active_firms`` and
``licensed_operators`` are counts in the simulated economy.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial

import mesa
import numpy as np
import pandas as pd

from econ import equations as eq
from econ.agents import ComputeClusters, Firm, Firms, Operators, PrivateSuppliers, PublicHolders
from econ.calibration import Calibration
from econ.categories import ProductKind, is_abroad
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
    policy_cost: float = 0.0
    welfare_share: float = 0.0
    trust: float = 1.0
    partner_openness: float = 1.0
    review_strictness: float = 0.0
    licensed_operators: int = 0
    entries: int = 0
    exits: int = 0


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
) -> Quarter:
    """National figures for the quarter just cleared (ODD 7.9; E11 for ``hhi``, E20 for
    ``welfare``, E22 for ``policy_cost``)."""
    s, h, o = firms.table, holders.table, operators.table
    scale = calibration.firms_represented
    kinds = market.catalogue.kind
    mainland = s.active & ~is_abroad(s.region)
    incident_loss = incidents * scenario.incident_loss_rmb
    firm_surplus = float(s.surplus[mainland].sum())
    holder_revenue = float(h.fee_revenue.sum() + h.share_revenue.sum())
    public_fees = market.catalogue.price[kinds == ProductKind.PUBLIC]
    # Review and the bridge work only while flows can cross the border.
    border_open = policy.openness > 0
    lever_cost = eq.policy_cost(
        policy.infrastructure,
        policy.registration,
        review_strictness * border_open,
        audits,
        policy.hk_bridge and border_open,
        calibration.lever_costs_rmb,
    )
    output = float(s.output[mainland].sum())
    welfare = eq.welfare(
        firm_surplus,
        float(o.profit.sum()),
        holder_revenue,
        float(suppliers.table.revenue.sum()),
        float(o.clawback.sum() + o.penalty.sum()),
        float(h.supply_cost.sum()),
        incident_loss,
        lever_cost,
    )
    licensed = o.licensed
    # Sales by seller: operators one seller each, other products by owner (E11).
    is_op = kinds == ProductKind.OPERATOR
    sales = np.concatenate([clearing.revenue[~is_op], clearing.revenue[is_op]])
    return Quarter(
        market_size=float(clearing.revenue.sum()) * scale,
        data_uses=float(clearing.uses.sum()) * scale,
        output=output * scale,
        welfare=float(welfare) * scale,
        public_datasets=float(h.datasets.sum()),
        supply_effort=float(h.effort.mean()),
        operator_profit=float(o.profit.sum()) * scale,
        incidents=int(incidents),
        cross_border_volume=float(clearing.cross_border_paid.sum()) * scale,
        active_firms=int(s.active.sum()),
        hhi=eq.hhi(sales),
        compute_utilisation=compute.utilisation(),
        public_data_uses=float(clearing.uses[kinds == ProductKind.PUBLIC].sum()) * scale,
        public_price=float(public_fees.mean()) if len(public_fees) else 0.0,
        operator_price=float(o.price[licensed].mean()) if licensed.any() else 0.0,
        holder_revenue=holder_revenue * scale,
        firm_surplus=firm_surplus * scale,
        supply_cost=float(h.supply_cost.sum()) * scale,
        incident_loss=incident_loss * scale,
        policy_cost=lever_cost * scale,
        welfare_share=float(welfare) / output if output > 0 else 0.0,
        trust=trust,
        partner_openness=partner_openness,
        review_strictness=review_strictness,
        licensed_operators=int(licensed.sum()),
        entries=entries,
        exits=exits,
    )


def _quarter_value(name: str, model: mesa.Model) -> float:
    return getattr(model.quarter, name)


def _seed(model: mesa.Model) -> int:
    return model.seed


class EconDataCollector(mesa.DataCollector):
    """Mesa's DataCollector, with quarters as the index of the model-level frame."""

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per quarter, indexed by ``step`` (1 = the first quarter simulated)."""
        df = super().get_model_vars_dataframe().drop(columns="seed")
        df.index = pd.RangeIndex(1, len(df) + 1, name="step")
        return df

    def get_agent_vars_dataframe(self) -> pd.DataFrame:
        """The firm-level frame: econ collects agents by type (mainland firms, with
        ``collect_agents=True``), so this is ``get_agenttype_vars_dataframe(Firm)``."""
        if not self.agenttype_reporters:
            raise ValueError(
                "no agent data was collected: build the model with collect_agents=True"
            )
        return self.get_agenttype_vars_dataframe(next(iter(self.agenttype_reporters)))


def make_datacollector(collect_agents: bool, firm_class: type = Firm) -> EconDataCollector:
    """A DataCollector reporting every field of :class:`Quarter`, and with
    ``collect_agents`` the :data:`FIRM_COLUMNS` of every mainland firm (Mesa's agent-type
    reporters, read through the agents' attributes)."""
    reporters = {name: partial(_quarter_value, name) for name in ALL_COLUMNS}
    # The seed the run actually used (drawn from the OS when none was given): mesa.batch_run
    # rows then name it instead of the ``None`` they were asked with.
    reporters["seed"] = partial(_seed)
    agenttype = {firm_class: {name: name for name in FIRM_COLUMNS}} if collect_agents else {}
    return EconDataCollector(model_reporters=reporters, agenttype_reporters=agenttype)


def cagr(series: pd.Series | np.ndarray, periods_per_year: int = 4) -> float:
    """Compound annual growth rate from the first to the last value of a quarterly series."""
    values = np.asarray(series, dtype=float)
    if len(values) < 2 or values[0] <= 0 or values[-1] <= 0:
        return float("nan")
    years = (len(values) - 1) / periods_per_year
    return float((values[-1] / values[0]) ** (1.0 / years) - 1.0)
