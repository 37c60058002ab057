"""Chart components of the dashboard: Solara components that redraw as the model steps.

Each chart reads Mesa's ``update_counter`` (which SolaraViz bumps after every step), so it
redraws live, and puts the latest figures in a caption under the plot so the numbers can be
read (and tested) without decoding the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
from mesa.visualization.utils import update_counter

from econ.categories import REGIONS, SECTORS
from econ.model import DataEconomy
from econ.viz.model import DASHBOARD_LEVERS, DashboardEconomy

__all__ = [
    "BaselineChart",
    "FirmScatter",
    "IncidentChart",
    "MarketChart",
    "OperatorChart",
    "PolicySummary",
    "SupplyChart",
]

#: Figure size in inches at ``DPI``: fills one cell of SolaraViz's default grid.
FIGSIZE = (6.4, 3.3)
DPI = 100
BN, TRN, THOUSAND, MILLION = 1e9, 1e12, 1e3, 1e6
#: Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
BASELINE_COLOUR = "#555555"


@dataclass(frozen=True)
class Series:
    """One plotted column: where it is, its name, and how to scale it for its axis."""

    column: str
    label: str
    scale: float = 1.0
    unit: str = ""
    kind: str = "line"  # or "bar"
    fmt: str = "{:,.1f}"

    def values(self, df: pd.DataFrame) -> pd.Series:
        """The column in axis units."""
        return df[self.column] / self.scale

    def format(self, value: float) -> str:
        """A value in axis units, with the unit."""
        return f"{self.fmt.format(value)} {self.unit}".strip()


@dataclass(frozen=True)
class Axis:
    """The series sharing one y axis, and that axis's label (with its unit)."""

    label: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class TimeChart:
    """A quarterly chart with a left and a right y axis."""

    title: str
    left: Axis
    right: Axis

    @property
    def series(self) -> tuple[Series, ...]:
        """All series, left axis first."""
        return self.left.series + self.right.series


MARKET = TimeChart(
    "Data market size and output",
    Axis(
        "Data market (RMB bn/quarter)",
        (Series("market_size", "Data market", BN, "RMB bn/quarter"),),
    ),
    Axis(
        "Output (RMB trn/quarter)",
        (Series("output", "Mainland output", TRN, "RMB trn/quarter", fmt="{:,.2f}"),),
    ),
)
SUPPLY = TimeChart(
    "Public data supply",
    Axis(
        "Holders' supply effort (0-1)",
        (Series("supply_effort", "Supply effort", fmt="{:.2f}"),),
    ),
    Axis(
        "Open datasets (thousand)",
        (Series("public_datasets", "Open datasets", THOUSAND, "thousand"),),
    ),
)
OPERATORS = TimeChart(
    "Authorised operators: profit and prices",
    Axis(
        "Operator profit (RMB bn/quarter)",
        (Series("operator_profit", "Operator profit", BN, "RMB bn/quarter", fmt="{:,.2f}"),),
    ),
    Axis(
        "Price (RMB thousand per licence)",
        (
            Series("public_price", "Public data price", THOUSAND, "RMB k/licence"),
            Series("operator_price", "Operator price", THOUSAND, "RMB k/licence"),
        ),
    ),
)
INCIDENTS = TimeChart(
    "Security incidents and cross-border trade",
    Axis(
        "Incidents (per quarter)",
        (Series("incidents", "Incidents", kind="bar", fmt="{:,.0f}"),),
    ),
    Axis(
        "Cross-border trade (RMB bn/quarter)",
        (Series("cross_border_volume", "Cross-border trade", BN, "RMB bn/quarter"),),
    ),
)


def _figure(title: str, twin: bool = False) -> tuple[Figure, Axes]:
    """A figure with the dashboard's look (no pyplot: figures are built in server threads).

    ``twin`` leaves room on the right for a second y axis.
    """
    # Fixed margins: automatic layout engines double the drawing time of every redraw.
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(left=0.11, right=0.88 if twin else 0.97, top=0.82, bottom=0.14)
    fig.suptitle(title, x=0.01, y=0.98, ha="left", fontsize=11, fontweight="bold")
    ax = fig.subplots()
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8.5)
    return fig, ax


def _legend(fig: Figure, handles: list, labels: list[str] | None = None) -> None:
    """A legend between the title and the plot, where it hides no data.

    Up to four entries take one row; more take two, and the plot moves down to make room.
    """
    labels = labels if labels is not None else [h.get_label() for h in handles]
    columns = len(handles) if len(handles) <= 4 else -(-len(handles) // 2)
    if columns < len(handles):
        fig.subplots_adjust(top=0.76)
    fig.legend(
        handles, labels, loc="upper left", bbox_to_anchor=(0.0, 0.92), ncols=columns,
        fontsize=8, frameon=False, handlelength=1.6, columnspacing=1.2,
    )  # fmt: skip


def _plot_axis(ax: Axes, df: pd.DataFrame, axis: Axis, colours: list[str]) -> list:
    """Draw one axis's series; return the artists for the legend."""
    artists = []
    for s, colour in zip(axis.series, colours, strict=True):
        values = s.values(df)
        if s.kind == "bar":
            ax.bar(df.index, values, color=colour, alpha=0.55, width=0.8)
            artists.append(Line2D([], [], color=colour, alpha=0.55, lw=6, label=s.label))
        else:
            artists += ax.plot(df.index, values, color=colour, linewidth=2, label=s.label)
    label_colour = colours[0] if len(axis.series) == 1 else "black"
    ax.set_ylabel(axis.label, fontsize=9, color=label_colour)
    everything = np.concatenate([s.values(df).to_numpy(float) for s in axis.series])
    top = everything.max()
    if any(s.kind == "bar" for s in axis.series):
        # Counts: whole numbers from zero, with room above the tallest bar.
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(1.0, 1.15 * top))
    elif np.ptp(everything) <= 1e-9 * max(1.0, abs(top)):
        # A flat line (e.g. no operators licensed) would get a meaningless +-0.04 scale.
        ax.set_ylim(min(0.0, top), max(1.0, 1.5 * top))
    return artists


def _empty(ax: Axes) -> None:
    ax.text(
        0.5,
        0.5,
        "No quarters yet: press Step or ▶",
        ha="center",
        va="center",
        transform=ax.transAxes,
        color="#777",
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _quarter_axis(ax: Axes) -> None:
    ax.set_xlabel("Quarter", fontsize=9)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def time_chart_figure(df: pd.DataFrame, chart: TimeChart) -> Figure:
    """Quarterly series on two y axes (left and right), each labelled with its unit."""
    fig, ax = _figure(chart.title, twin=True)
    if df.empty:
        _empty(ax)
        return fig
    n_left = len(chart.left.series)
    artists = _plot_axis(ax, df, chart.left, list(PALETTE[:n_left]))
    twin = ax.twinx()
    twin.spines[["top"]].set_visible(False)
    twin.tick_params(labelsize=8.5)
    artists += _plot_axis(twin, df, chart.right, list(PALETTE[n_left : len(chart.series)]))
    _legend(fig, artists)
    _quarter_axis(ax)
    return fig


def time_chart_caption(df: pd.DataFrame, chart: TimeChart) -> str:
    """The last quarter's value of every series in a chart."""
    if df.empty:
        return "Quarter 0: no data yet."
    values = (f"{s.label} {s.format(s.values(df).iloc[-1])}" for s in chart.series)
    return f"Quarter {df.index[-1]}: " + "; ".join(values) + "."


@solara.component
def Chart(figure: Figure, caption: str) -> solara.Element:
    """A figure with its caption underneath."""
    with solara.Column(gap="2px", style={"padding": "4px 8px"}) as main:
        solara.FigureMatplotlib(figure, format="png")
        solara.Text(caption, classes=["econ-caption"])
    return main


def _time_chart(model: DataEconomy, chart: TimeChart) -> solara.Element:
    update_counter.get()
    df = model.datacollector.get_model_vars_dataframe()
    return Chart(time_chart_figure(df, chart), time_chart_caption(df, chart))


@solara.component
def MarketChart(model: DataEconomy) -> solara.Element:
    """Data market size (licence revenue) and mainland output, per quarter.

    Parameters
    ----------
    model : DataEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        A chart (RMB bn and trn per quarter) with the latest values as its caption.
    """
    return _time_chart(model, MARKET)


@solara.component
def SupplyChart(model: DataEconomy) -> solara.Element:
    """Public data holders' supply effort and the open datasets it keeps up.

    Parameters
    ----------
    model : DataEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        A chart (effort in [0, 1], thousand datasets) with its caption.
    """
    return _time_chart(model, SUPPLY)


@solara.component
def OperatorChart(model: DataEconomy) -> solara.Element:
    """Authorised operators' profit, and the public and operator prices.

    Parameters
    ----------
    model : DataEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        A chart (RMB bn per quarter, RMB thousand per licence) with its caption.
    """
    return _time_chart(model, OPERATORS)


@solara.component
def IncidentChart(model: DataEconomy) -> solara.Element:
    """Security incidents (bars) and cross-border data trade (line).

    Parameters
    ----------
    model : DataEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        A chart (incidents per quarter, RMB bn per quarter) with its caption.
    """
    return _time_chart(model, INCIDENTS)


def firm_scatter_figure(model: DataEconomy, colour_by: str) -> tuple[Figure, str]:
    """Data stock against output of each active firm, coloured by sector or region."""
    s = model.firms.table
    labels = SECTORS if colour_by == "sector" else REGIONS
    codes = s.sector if colour_by == "sector" else s.region
    # Log axes cannot show zeros; entrants have no output until their first quarter.
    shown = s.active & (s.data_stock > 0) & (s.output > 0)
    fig, ax = _figure(f"Firms: data stock vs output, by {colour_by}")
    if not model.steps or not shown.any():
        _empty(ax)
        return fig, "Quarter 0: no firm has produced yet."
    colours = np.asarray(PALETTE)[codes[shown] % len(PALETTE)]
    # One collection for all firms draws several times faster than one per group.
    ax.scatter(s.data_stock[shown], s.output[shown] / MILLION, s=14, c=colours, alpha=0.7, lw=0)
    counts = np.bincount(codes[shown], minlength=len(labels))
    handles = [
        Line2D([], [], marker="o", ls="", color=PALETTE[code % len(PALETTE)])
        for code in range(len(labels))
    ]
    names = [f"{name.replace('_', ' ')} ({n})" for name, n in zip(labels, counts, strict=True)]
    _legend(fig, handles, names)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        # Plain numbers (0.1, 1, 10) read faster than powers of ten; minor labels crowd.
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Data stock (data units, log scale)", fontsize=9)
    ax.set_ylabel("Output (RMB m/quarter, log scale)", fontsize=9)
    caption = (
        f"Quarter {model.steps}: {int(s.active.sum())} active firms; median data stock "
        f"{np.median(s.data_stock[shown]):.2f} units; median output "
        f"RMB {np.median(s.output[shown]) / MILLION:,.1f} m/quarter."
    )
    return fig, caption


@solara.component
def FirmScatter(model: DataEconomy) -> solara.Element:
    """Firm-level view, with a switch between colouring by sector and by region.

    Parameters
    ----------
    model : DataEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        Data stock (data units) against output (RMB per quarter) of each active firm.
    """
    update_counter.get()
    colour_by, set_colour_by = solara.use_state("sector")
    figure, caption = firm_scatter_figure(model, colour_by)
    with solara.Column(gap="0px") as main:
        with solara.Row(style={"padding": "0 8px"}):
            solara.ToggleButtonsSingle(
                value=colour_by, values=["sector", "region"], on_value=set_colour_by, dense=True
            )
        Chart(figure, caption)
    return main


#: What the comparison's caption reports, market size (the plotted one) first.
COMPARED = (
    Series("market_size", "Data market", BN, "RMB bn/quarter"),
    Series("output", "Output", TRN, "RMB trn/quarter", fmt="{:,.2f}"),
    Series("welfare", "Welfare", TRN, "RMB trn/quarter", fmt="{:,.2f}"),
)


def baseline_figure(run: pd.DataFrame, baseline: pd.DataFrame) -> tuple[Figure, str]:
    """Market size under the chosen policy and under ``Policy()``, same seed and scenario."""
    fig, ax = _figure("Compare with baseline: data market size")
    if run.empty:
        _empty(ax)
        return fig, "Quarter 0: no data yet."
    market = COMPARED[0]
    artists = ax.plot(
        run.index, market.values(run), color=PALETTE[0], linewidth=2.2, label="This policy"
    )
    # Drawn on top and dashed, so it stays visible where the two paths coincide.
    artists += ax.plot(
        baseline.index,
        market.values(baseline),
        color=BASELINE_COLOUR,
        linewidth=1.6,
        linestyle="--",
        label="Baseline: Policy() defaults, same seed",
    )
    _legend(fig, artists)
    ax.set_ylabel(f"Data market ({market.unit})", fontsize=9)
    _quarter_axis(ax)
    parts = []
    for s in COMPARED:
        mine, base = s.values(run).iloc[-1], s.values(baseline).iloc[-1]
        change = f" ({mine / base - 1:+.1%})" if base else ""
        parts.append(f"{s.label} {s.fmt.format(mine)} vs {s.format(base)}{change}")
    caption = f"Quarter {run.index[-1]}, this policy vs baseline: " + "; ".join(parts) + "."
    return fig, caption


@solara.component
def BaselineChart(model: DashboardEconomy) -> solara.Element:
    """The chosen policy against today's defaults, stepped alongside (same seed).

    Parameters
    ----------
    model : DashboardEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        Market size under both policies (RMB bn per quarter) with its caption.
    """
    update_counter.get()
    run = model.datacollector.get_model_vars_dataframe()
    figure, caption = baseline_figure(run, model.baseline_frame())
    return Chart(figure, caption)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


@solara.component
def PolicySummary(model: DashboardEconomy) -> solara.Element:
    """The line above the charts: the quarter reached and the policy the model runs with.

    Parameters
    ----------
    model : DashboardEconomy
        The dashboard's model; the component redraws after every step.

    Returns
    -------
    solara.Element
        A line of text, with the model's warning when it has one.
    """
    update_counter.get()
    policy = model.policy.to_dict()
    levers = " · ".join(
        f"{label.lower()} **{_describe(policy[name])}**" for name, label in DASHBOARD_LEVERS.items()
    )
    text = (
        f"**Quarter {model.steps}** (year {model.steps / 4:g}) of scenario "
        f"**{model.scenario_name}**, {model.params.n_firms:,} firms, seed {model.seed}. "
        f"Running with: {levers}. *Changed levers apply when you press Reset.*"
    )
    with solara.Column(gap="0px", style={"padding": "0 12px"}) as main:
        solara.Markdown(text, style={"font-size": "0.9rem"})
        if model.warning:
            solara.Warning(model.warning, dense=True)
    return main
