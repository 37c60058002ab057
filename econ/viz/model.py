"""The model as the dashboard drives it, and the sidebar controls that rebuild it.

Mesa's SolaraViz rebuilds the model on Reset as ``type(model)(**controls)``, one keyword per
control, so :class:`DashboardEconomy` takes the policy levers as flat keywords and assembles
the validated :class:`~econ.Policy` itself. Control ranges are read from :data:`~econ.LEVERS`
and the scenario table, never restated here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from econ import LEVERS, SCENARIOS, DataEconomy, Policy, Scenario

__all__ = ["DASHBOARD_LEVERS", "DashboardEconomy", "model_params"]

#: The levers the sidebar offers, in the order shown, with their sidebar labels.
DASHBOARD_LEVERS: dict[str, str] = {
    "pricing": "Public data pricing",
    "price_level": "Price level",
    "operators": "Authorised-operation licences",
    "revenue_share": "Revenue share to holders",
    "operator_cap": "Operator cap",
    "price_cap": "Operator price cap",
    "openness": "Cross-border openness",
    "hk_bridge": "Hong Kong bridge",
    "infrastructure": "Data infrastructure",
    "privacy_computing": "Privacy computing",
    "traceability": "Data traceability",
    "registration": "Resource registration",
    "exchange_fee": "Exchange fee",
}
#: Slider steps per lever range, at least: the step is the power of ten at or below
#: range / SLIDER_STEPS, so round values (0.25, 1.5, every default) sit on the grid.
SLIDER_STEPS = 100
#: Upper end of the firm-count slider: the national scenario's own size. Larger models step
#: too slowly to watch.
MAX_FIRMS = Scenario.PARAMETERS["n_firms"].default
#: What a new session starts with: the fast scenario at its own size, and a fixed seed.
DEFAULT_SCENARIO, DEFAULT_SEED = "small", 7


class DashboardEconomy(DataEconomy):
    """A :class:`~econ.model.DataEconomy` built from the dashboard's flat controls.

    It also keeps a twin run under the default ``Policy()`` with the same scenario and seed
    (see :meth:`baseline_frame`), for the comparison chart. A seed that is not a whole number
    >= 0 falls back to the default seed and says so in ``warning`` (the page shows it).

    Every lever keyword defaults to the lever's default in :data:`~econ.policy.LEVERS`.

    Parameters
    ----------
    pricing : str, optional
        The ``pricing`` lever (a pricing regime); default: its default.
    price_level : float, optional
        The ``price_level`` lever (x reference price); default: its default.
    operators : int, optional
        The ``operators`` lever (licences); default: its default.
    revenue_share : float, optional
        The ``revenue_share`` lever (share of operator revenue); default: its default.
    operator_cap : str, optional
        The ``operator_cap`` lever (a price or a revenue cap); default: its default.
    price_cap : float, optional
        The ``price_cap`` lever (x reference price); default: its default.
    openness : float, optional
        The ``openness`` lever (level in [0, 1]); default: its default.
    hk_bridge : bool, optional
        The ``hk_bridge`` lever (on or off); default: its default.
    infrastructure : float, optional
        The ``infrastructure`` lever (level in [0, 1]); default: its default.
    privacy_computing : float, optional
        The ``privacy_computing`` lever (level in [0, 1]); default: its default.
    traceability : float, optional
        The ``traceability`` lever (level in [0, 1]); default: its default.
    registration : bool, optional
        The ``registration`` lever (on or off); default: its default.
    exchange_fee : float, optional
        The ``exchange_fee`` lever (x the exchanges' cost of a trade); default: its default.
    scenario_name : str, default "small"
        The scenario.
    n_firms : int, optional
        Simulated firm slots; default the ``small`` scenario's.
    seed : int or str, default 7
        The seed, as typed in the sidebar.
    """

    def __init__(
        self,
        pricing: str = LEVERS["pricing"].default,
        price_level: float = LEVERS["price_level"].default,
        operators: int = LEVERS["operators"].default,
        revenue_share: float = LEVERS["revenue_share"].default,
        operator_cap: str = LEVERS["operator_cap"].default,
        price_cap: float = LEVERS["price_cap"].default,
        openness: float = LEVERS["openness"].default,
        hk_bridge: bool = LEVERS["hk_bridge"].default,
        infrastructure: float = LEVERS["infrastructure"].default,
        privacy_computing: float = LEVERS["privacy_computing"].default,
        traceability: float = LEVERS["traceability"].default,
        registration: bool = LEVERS["registration"].default,
        exchange_fee: float = LEVERS["exchange_fee"].default,
        scenario_name: str = DEFAULT_SCENARIO,
        n_firms: int = SCENARIOS[DEFAULT_SCENARIO]["n_firms"],
        seed: int | str = DEFAULT_SEED,
    ) -> None:
        policy = Policy(
            pricing=pricing,
            price_level=price_level,
            operators=operators,
            revenue_share=revenue_share,
            operator_cap=operator_cap,
            price_cap=price_cap,
            openness=openness,
            hk_bridge=hk_bridge,
            infrastructure=infrastructure,
            privacy_computing=privacy_computing,
            traceability=traceability,
            registration=registration,
            exchange_fee=exchange_fee,
        )
        # An exception here would replace the whole page with a traceback (Mesa's Reset does
        # not catch), so a seed that is not a whole number >= 0 falls back to the default and
        # says so in ``warning``, which the page shows.
        self.warning = ""
        text = str(seed).strip()
        if text.isascii() and text.isdigit():
            seed = int(text)
        else:
            self.warning = f"Seed {seed!r} is not a whole number >= 0; using {DEFAULT_SEED}."
            seed = DEFAULT_SEED
        super().__init__(policy=policy, scenario=scenario_name, n_firms=n_firms, seed=seed)
        self.scenario_name = scenario_name
        self._baseline: DataEconomy | None = None

    def baseline_frame(self) -> pd.DataFrame:
        """Quarterly figures of the default ``Policy()`` run, as far as this run has got.

        The baseline is built on first use and stepped only when asked, so a model that is
        never compared never runs it.

        Returns
        -------
        pandas.DataFrame
            One row per quarter, as :meth:`econ.model.DataEconomy.run` returns.
        """
        if self._baseline is None:
            self._baseline = DataEconomy(policy=Policy(), scenario=self.params, seed=self.seed)
        while self._baseline.steps < self.steps:
            self._baseline.step()
        return self._baseline.datacollector.get_model_vars_dataframe()


def _label(name: str) -> str:
    """Sidebar label of a lever: its short name and, for numbers, its unit."""
    lever = LEVERS[name]
    if lever.choices is not None or lever.kind is bool:
        return DASHBOARD_LEVERS[name]
    return f"{DASHBOARD_LEVERS[name]} ({lever.unit})"


def _control(name: str) -> dict[str, Any]:
    """A SolaraViz control spec for one lever, with the range Policy validates against."""
    lever = LEVERS[name]
    spec: dict[str, Any] = {"label": _label(name), "value": lever.default}
    if lever.choices is not None:
        return {**spec, "type": "Select", "values": list(lever.choices)}
    if lever.kind is bool:
        return {**spec, "type": "Checkbox"}
    if lever.kind is int:
        return {**spec, "type": "SliderInt", "min": int(lever.low), "max": int(lever.high)}
    # A slider snaps its value to the grid: a step of range / 100 would put the exchange
    # fee's default of 1 (range 0-3) at 0.99.
    step = 10.0 ** math.floor(math.log10((lever.high - lever.low) / SLIDER_STEPS))
    return {**spec, "type": "SliderFloat", "min": lever.low, "max": lever.high, "step": step}


def model_params() -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: one control per dashboard lever, then scenario and size.

    Returns
    -------
    dict of str to dict
        Control specs by :class:`DashboardEconomy` keyword, with the ranges
        :data:`~econ.policy.LEVERS` allows.
    """
    return {
        **{name: _control(name) for name in DASHBOARD_LEVERS},
        "scenario_name": {
            "type": "Select",
            "label": "Scenario",
            "value": DEFAULT_SCENARIO,
            "values": list(SCENARIOS),
        },
        "n_firms": {
            "type": "SliderInt",
            "label": "Simulated firms",
            "value": SCENARIOS[DEFAULT_SCENARIO]["n_firms"],
            "min": int(Scenario.PARAMETERS["n_firms"].low),
            "max": MAX_FIRMS,
            "step": 10,
        },
        "seed": {"type": "InputText", "label": "Random seed", "value": str(DEFAULT_SEED)},
    }
