"""The dashboard page. Serve it with ``econ dashboard`` or ``solara run econ/viz/app.py``."""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from econ.viz.charts import (
    BaselineChart,
    FirmScatter,
    IncidentChart,
    MarketChart,
    OperatorChart,
    PolicySummary,
    SupplyChart,
)
from econ.viz.model import DashboardEconomy, model_params

__all__ = ["Page"]

TITLE = "Data market policy dashboard"
#: Sidebar sliders: Mesa's controls show no value, so the value bubble is always on, and
#: long labels with units get a line of their own above the slider.
SIDEBAR_CSS = """
.v-navigation-drawer .v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-navigation-drawer .v-input__slider .v-label {
    flex: 1 0 100%; margin-bottom: 34px; white-space: normal; height: auto;
}
.v-navigation-drawer .v-slider__thumb-label-container { display: block !important; }
.econ-caption { color: #444; font-size: 0.85rem; line-height: 1.3; }
"""
#: Charts on SolaraViz's single page, laid out two per row in this order.
COMPONENTS = [
    (chart, 0)
    for chart in (
        MarketChart,
        SupplyChart,
        OperatorChart,
        IncidentChart,
        FirmScatter,
        BaselineChart,
    )
]


@solara.component
def Page() -> solara.Element:
    """SolaraViz around a model of this browser session's own.

    Returns
    -------
    solara.Element
        The page: title, policy line, Mesa's controls and the charts.
    """
    # A model made at import time would be shared by every tab; memoising it in the page
    # component gives each session (each tab) its own.
    model = solara.use_reactive(solara.use_memo(DashboardEconomy, []))
    with solara.Column(gap="0px") as main:
        solara.Title(TITLE)
        solara.Style(SIDEBAR_CSS)
        PolicySummary(model.value)
        SolaraViz(model, components=COMPONENTS, model_params=model_params(), name=TITLE)
    return main
