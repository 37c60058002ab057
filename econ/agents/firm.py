"""Firms: the data users (ODD 2 and 7.2).

A firm values the data products it sees, licenses those worth more than their price plus
integration, search, compute and compliance costs, produces with a data stock that
depreciates and grows with purchases and its own output, invests, and enters or exits.
Hong Kong and foreign firms are :class:`CrossBorderFirm`; they buy domestic data only
through approved cross-border transfers and supply foreign data products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from econ import equations as eq
from econ.agents.base import ArrayAgent, StateTable, state
from econ.scenarios import REGIONS, SECTORS

__all__ = ["CrossBorderFirm", "Firm", "FirmState"]

MAINLAND = (0, 1)
HONG_KONG, FOREIGN = 2, 3


@dataclass
class FirmState(StateTable):
    """Firm state, one row per firm slot (ODD 2.1)."""

    active: np.ndarray  # bool
    sector: np.ndarray  # int code into SECTORS
    region: np.ndarray  # int code into REGIONS
    public_interest: np.ndarray  # bool
    productivity: np.ndarray  # A, RMB per quarter per unit K^alpha
    capital: np.ndarray  # K, RMB
    cash: np.ndarray  # RMB
    data_stock: np.ndarray  # D, data units
    capability: np.ndarray  # digital capability in [0, 1]
    output: np.ndarray  # Y, RMB per quarter (last quarter)
    surplus: np.ndarray  # RMB per quarter (last quarter)
    data_spending: np.ndarray  # RMB per quarter paid for licences (last quarter)
    licences: np.ndarray  # data products licensed last quarter
    age: np.ndarray  # quarters since entry


class Firm(ArrayAgent):
    """A mainland data-using firm; attributes read and write ``model.firm_state``."""

    table_name = "firm_state"

    active = state("True while the firm operates.")
    sector = state("Sector name.", SECTORS)
    region = state("Region name.", REGIONS)
    public_interest = state("True for hospitals, universities and utilities.")
    productivity = state("Total factor productivity A.")
    capital = state("Capital stock K (RMB).")
    cash = state("Cash (RMB).")
    data_stock = state("Data stock D (data units).")
    capability = state("Digital capability in [0, 1].")
    output = state("Output last quarter (RMB).")
    surplus = state("Surplus last quarter (RMB).")
    data_spending = state("Licence fees paid last quarter (RMB).")
    licences = state("Data products licensed last quarter.")
    age = state("Quarters since entry.")

    @classmethod
    def produce(cls, model, data_added: np.ndarray, usage_cost: np.ndarray) -> None:
        """Produce, earn, invest, accumulate data and adopt capability (ODD 7.2, E1-E2).

        Vectorised over all firms. ``data_added`` is the data licensed this quarter and
        ``usage_cost`` the non-fee costs of using it (RMB).
        """
        s, p = model.firm_state, model.params
        live = s.active
        base = eq.data_free_output(s.productivity, s.capital, p.capital_elasticity)
        y = eq.output(base, s.data_stock, p.data_elasticity, p.data_scale)
        surplus = y - p.non_data_cost_share * base - s.data_spending - usage_cost
        s.output = np.where(live, y, 0.0)
        s.surplus = np.where(live, surplus, 0.0)
        investment = p.investment_rate * np.maximum(s.surplus, 0.0)
        s.cash += s.surplus - investment
        s.capital = np.where(live, (1 - p.capital_depreciation) * s.capital + investment, s.capital)
        byproduct = p.byproduct_rate * s.output / model.reference_output
        s.data_stock = np.where(
            live, (1 - p.data_depreciation) * s.data_stock + data_added + byproduct, s.data_stock
        )
        s.capability += eq.capability_growth(s.capability, p.capability_diffusion) * live
        s.productivity *= 1 + p.tfp_growth
        s.age += live

    @classmethod
    def exit_and_enter(cls, model) -> tuple[int, int]:
        """Loss-making firms exit more often; entrants fill empty slots (ODD 7.2).

        Returns the number of exits and entries this quarter.
        """
        s, p, rng = model.firm_state, model.params, model.rng
        exits = s.active & (rng.random(len(s)) < eq.exit_probability(p.exit_hazard, s.surplus))
        s.active &= ~exits
        margin = s.surplus[s.active].sum() / max(s.output[s.active].sum(), 1e-9)
        attraction = np.clip(margin / model.reference_margin, 0.0, 3.0)
        expected = p.entry_rate * s.active.sum() * attraction
        empty = np.flatnonzero(~s.active)
        n_enter = min(int(rng.poisson(expected)), len(empty))
        if n_enter:
            slots = np.sort(rng.choice(empty, size=n_enter, replace=False))
            model.initialise_firms(slots, entrant=True)
        return int(exits.sum()), n_enter


class CrossBorderFirm(Firm):
    """A Hong Kong or foreign firm: buys domestic data through approved transfers."""
