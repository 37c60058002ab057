"""What the model reports each quarter (ODD 7.9), and growth measures over a run.

``measure`` turns one quarter's clearing into a :class:`~econ.model.Quarter` of national
figures; ``make_datacollector`` wires those into Mesa's DataCollector. Money columns are RMB
per quarter scaled to the national economy (``model.firms_represented``); ``incidents``,
``active_firms`` and ``licensed_operators`` are counts in the simulated economy.
"""

from __future__ import annotations

from dataclasses import fields
from functools import partial

import mesa
import numpy as np
import pandas as pd

from econ import equations as eq
from econ.market import OPERATOR, PUBLIC

__all__ = ["FIRM_COLUMNS", "MODEL_COLUMNS", "cagr", "make_datacollector", "measure"]

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


def measure(model, result, incidents: int, entries: int, exits: int):
    """National figures for the quarter just cleared (ODD 7.9, E11 for ``hhi``)."""
    from econ.model import Quarter

    s, h, o, p = model.firm_state, model.holder_state, model.operator_state, model.params
    scale = model.firms_represented
    kinds = model.catalogue.kind
    mainland = s.active & (s.region < 2)
    public_cols = result.bought & (model.view.kind == PUBLIC)[None, :]
    incident_loss = incidents * p.incident_loss_rmb
    firm_surplus = float(s.surplus[mainland].sum())
    holder_revenue = float(h.fee_revenue.sum() + h.share_revenue.sum())
    supplier_revenue = float(model.supplier_state.revenue.sum())
    public_fees = model.catalogue.price[kinds == PUBLIC]
    welfare = eq.welfare(
        firm_surplus,
        float(o.profit.sum()),
        holder_revenue,
        supplier_revenue,
        float(o.clawback.sum() + o.penalty.sum()),
        float(h.supply_cost.sum()),
        incident_loss,
    )
    licensed = o.licensed
    return Quarter(
        market_size=float(result.revenue.sum()) * scale,
        data_uses=float(result.bought.sum()) * scale,
        output=float(s.output[mainland].sum()) * scale,
        welfare=float(welfare) * scale,
        public_datasets=float(h.datasets.sum()),
        supply_effort=float(h.effort.mean()),
        operator_profit=float(o.profit.sum()) * scale,
        incidents=int(incidents),
        cross_border_volume=float(result.paid[result.bought & result.cross_border].sum()) * scale,
        active_firms=int(s.active.sum()),
        hhi=eq.hhi(_sales_by_seller(model, result)),
        compute_utilisation=float(
            (
                model.east.base_load_racks
                + model.east.data_load_racks
                + model.west.base_load_racks
                + model.west.data_load_racks
            )
            / (model.east.capacity_racks + model.west.capacity_racks)
        ),
        public_data_uses=float(public_cols.sum()) * scale,
        public_price=float(public_fees.mean()) if len(public_fees) else 0.0,
        operator_price=float(o.price[licensed].mean()) if licensed.any() else 0.0,
        holder_revenue=holder_revenue * scale,
        firm_surplus=firm_surplus * scale,
        supply_cost=float(h.supply_cost.sum()) * scale,
        incident_loss=incident_loss * scale,
        trust=model.trust,
        review_strictness=model.regulator.review_strictness,
        licensed_operators=int(licensed.sum()),
        entries=entries,
        exits=exits,
    )


def _sales_by_seller(model, result) -> np.ndarray:
    """Revenue per seller: operators as one seller each, other products by owner."""
    kinds = model.catalogue.kind
    revenue = result.revenue
    return np.concatenate([revenue[kinds != OPERATOR], revenue[kinds == OPERATOR]])


def _quarter_value(name: str, model) -> float:
    return getattr(model.quarter, name)


class EconDataCollector(mesa.DataCollector):
    """Mesa's DataCollector with quarters as the index and vectorised firm records."""

    def _record_agenttype(self, model, agent_type):
        if not issubclass(agent_type, mesa.Agent) or agent_type.__name__ != "Firm":
            return super()._record_agenttype(model, agent_type)
        from econ.scenarios import REGIONS, SECTORS

        s = model.firm_state
        ids = np.fromiter((a.unique_id for a in model.agents_by_type[agent_type]), int)
        rows = np.fromiter((a.index for a in model.agents_by_type[agent_type]), int)
        columns = []
        for name in self.agenttype_reporters[agent_type]:
            values = getattr(s, name)[rows]
            if name == "sector":
                values = np.asarray(SECTORS, dtype=object)[values]
            elif name == "region":
                values = np.asarray(REGIONS, dtype=object)[values]
            columns.append(values.tolist())
        return zip([model.steps] * len(ids), ids.tolist(), *columns, strict=True)

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """One row per quarter, indexed by ``step`` (1 = the first quarter simulated)."""
        df = super().get_model_vars_dataframe()
        df.index = pd.RangeIndex(1, len(df) + 1, name="step")
        return df


def make_datacollector(model) -> EconDataCollector:
    """A DataCollector reporting every field of ``Quarter`` (and firms if asked)."""
    from econ.model import Quarter

    reporters = {f.name: partial(_quarter_value, f.name) for f in fields(Quarter)}
    agenttype = {}
    if model.collect_agents:
        agenttype = {model.firm_class: {name: name for name in FIRM_COLUMNS}}
    return EconDataCollector(model_reporters=reporters, agenttype_reporters=agenttype)


def cagr(series: pd.Series | np.ndarray, periods_per_year: int = 4) -> float:
    """Compound annual growth rate from the first to the last value of a quarterly series."""
    values = np.asarray(series, dtype=float)
    if len(values) < 2 or values[0] <= 0 or values[-1] <= 0:
        return float("nan")
    years = (len(values) - 1) / periods_per_year
    return float((values[-1] / values[0]) ** (1.0 / years) - 1.0)
