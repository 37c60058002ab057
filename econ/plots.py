"""Publication figures (seaborn), one function per figure; each takes results and returns a
matplotlib Figure in the paper style: one column wide (3.5 in), colour-blind-safe palette,
units on every axis, 95% confidence bands over replications, no chart junk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from econ.analysis import effects, frontier, summarise, summarise_series
from econ.experiment.store import Results

__all__ = [
    "COLUMN_WIDTH_IN",
    "FACTOR_LABELS",
    "SAFEGUARD_LABELS",
    "cross_border_frontier",
    "growth_and_welfare",
    "market_paths",
    "morris_screening",
    "operator_profit_vs_cap",
    "paper_style",
    "posterior_marginals",
    "predictive_check",
    "safeguard_breakeven",
    "sobol_bars",
    "supply_effort_response",
]

#: Width of every figure: one column of the paper (inches).
COLUMN_WIDTH_IN = 3.5
PALETTE = "colorblind"
REGIME_LABELS = {
    "free": "Free",
    "conditional_free": "Conditional free",
    "cost_recovery": "Cost recovery",
    "market": "Market price",
    "broad": "Broad trading",
    "hoard": "Hoarding",
    "ban": "Ban on sales",
}
RMB_BN = 1e9
RMB_TN = 1e12


@contextmanager
def paper_style() -> Iterator[None]:
    """The one style of every figure: small type that stays legible at column width.

    Yields
    ------
    None
        Inside the ``with`` block, matplotlib and seaborn use the paper style.
    """
    rc = {
        "font.size": 7,
        "axes.titlesize": 7.5,
        "axes.labelsize": 7,
        "xtick.labelsize": 6.5,
        "ytick.labelsize": 6.5,
        "legend.fontsize": 6.5,
        "legend.title_fontsize": 6.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "lines.linewidth": 1.2,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.frameon": False,
        "savefig.dpi": 300,
        "figure.dpi": 150,
        "savefig.bbox": "tight",
        "pdf.fonttype": 42,
    }
    with sns.axes_style("ticks"), sns.color_palette(PALETTE), plt.rc_context(rc):
        yield


def _where(frame: pd.DataFrame, where: dict | None) -> pd.DataFrame:
    for key, value in (where or {}).items():
        if key in frame:
            frame = frame[frame[key] == value]
    if frame.empty:
        raise ValueError(f"no results match {where}")
    return frame


def _regime_order(values) -> list:
    present = list(pd.unique(values))
    return [r for r in REGIME_LABELS if r in present] + [
        r for r in present if r not in REGIME_LABELS
    ]


def market_paths(
    results: Results,
    by: str = "pricing",
    column: str = "market_size",
    where: dict | None = None,
    facets: list[str] | None = None,
) -> plt.Figure:
    """Data-market paths per group, mean and 95% CI band over replications.

    With ``facets``, one panel per combination of those factors, so no varied factor is
    pooled.

    Parameters
    ----------
    results : Results
        An experiment's results.
    by : str, default "pricing"
        The factor whose values get one line each.
    column : str, default "market_size"
        The reported column to draw (RMB per quarter for money columns).
    where : dict or None, default None
        Keep only runs whose columns have these values, e.g. ``{"supply_responds": True}``.
    facets : list of str or None, default None
        Factors that get one panel per combination of their values.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide per panel.
    """
    series = _where(results.series, where)
    facets = [f for f in (facets or []) if f != by]
    panels = [((), series)] if not facets else list(series.groupby(facets, sort=True))
    with paper_style():
        cols = min(len(panels), 3)
        rows = -(-len(panels) // cols)
        fig, axes = plt.subplots(
            rows,
            cols,
            figsize=(COLUMN_WIDTH_IN * cols, 2.4 * rows),
            sharex=True,
            sharey=True,
            squeeze=False,
        )
        colours = sns.color_palette(PALETTE)
        for ax, (key, panel) in zip(axes.flat, panels, strict=False):
            table = summarise_series(panel, by, column)
            for colour, group in zip(colours, _regime_order(table[by]), strict=False):
                g = table[table[by] == group]
                years = g["step"] / 4
                label = REGIME_LABELS.get(group, str(group))
                ax.plot(years, g["mean"] / RMB_BN, color=colour, label=label)
                ax.fill_between(
                    years,
                    g["ci_low"] / RMB_BN,
                    g["ci_high"] / RMB_BN,
                    color=colour,
                    alpha=0.2,
                    linewidth=0,
                )
            if facets:
                key = key if isinstance(key, tuple) else (key,)
                ax.set_title(", ".join(f"{f} = {v}" for f, v in zip(facets, key, strict=True)))
            ax.set_xlabel("Years from start")
            ax.set_ylabel("Data market (RMB bn per quarter)")
        for ax in list(axes.flat)[len(panels) :]:
            ax.set_visible(False)
        axes.flat[0].legend(title=by.replace("_", " ").capitalize(), loc="upper left")
        fig.tight_layout()
    return fig


def growth_and_welfare(
    results: Results,
    by: str = "pricing",
    hue: str | None = "supply_responds",
    where: dict | None = None,
    baseline: str = "cost_recovery",
) -> plt.Figure:
    """Market growth per group and the welfare gain over a baseline group.

    Growth is the mean and 95% CI over replications; the welfare gain over the ``baseline``
    group is paired by replication (runs share seeds), split by ``hue``.

    Parameters
    ----------
    results : Results
        An experiment's results.
    by : str, default "pricing"
        The factor on the x axis.
    hue : str or None, default "supply_responds"
        A factor whose values get separate bars; None for one set.
    where : dict or None, default None
        Keep only runs whose columns have these values, e.g. ``{"supply_responds": True}``.
    baseline : str, default "cost_recovery"
        The value of ``by`` the welfare gain is measured against.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    runs = _where(results.ok, where)
    hues = [None] if hue is None or hue not in runs else sorted(runs[hue].unique())
    order = _regime_order(runs[by])
    with paper_style():
        fig, axes = plt.subplots(2, 1, figsize=(COLUMN_WIDTH_IN, 3.6), sharex=True)
        colours = sns.color_palette(PALETTE)
        for i, h in enumerate(hues):
            sub = runs if h is None else runs[runs[hue] == h]
            x = np.arange(len(order)) + (i - (len(hues) - 1) / 2) * 0.18
            growth = summarise(sub, by, "market_size_cagr").set_index(by).loc[order]
            gain = effects(
                sub, {by: baseline}, "welfare_mean", factors=results.factors, by=[]
            ).set_index(by)
            gain = gain.loc[order]
            for ax, table, col, scale in (
                (axes[0], growth, "mean", 100),
                (axes[1], gain, "effect", 1 / RMB_BN),
            ):
                y = table[col] * scale
                err = np.vstack([y - table["ci_low"] * scale, table["ci_high"] * scale - y])
                ax.errorbar(
                    x,
                    y,
                    yerr=err,
                    fmt="o",
                    ms=3,
                    capsize=2,
                    color=colours[i],
                    label=_hue_label(hue, h),
                    elinewidth=0.8,
                )
        axes[0].set_ylabel("Data-market growth (% per year)")
        axes[1].axhline(0, color="0.5", lw=0.5)
        axes[1].set_ylabel(
            f"Welfare gain over {REGIME_LABELS.get(baseline, baseline).lower()}"
            "\n(RMB bn per quarter)"
        )
        labels = [REGIME_LABELS.get(o, str(o)).replace(" ", "\n", 1) for o in order]
        axes[1].set_xticks(range(len(order)), labels)
        axes[0].legend(loc="best")
        fig.tight_layout()
    return fig


def _hue_label(hue: str | None, value) -> str | None:
    if hue == "supply_responds":
        return "Supply responds" if value else "Supply fixed"
    if hue == "hk_bridge":
        return "Hong Kong bridge" if value else "No bridge"
    return None if value is None else f"{hue} = {value}"


def supply_effort_response(
    results: Results, by: str = "pricing", where: dict | None = None
) -> plt.Figure:
    """Holders' supply effort and open datasets over time per regime (supply responding).

    Parameters
    ----------
    results : Results
        An experiment's results with a ``supply_responds`` factor.
    by : str, default "pricing"
        The factor whose values get one line each.
    where : dict or None, default None
        Keep only runs whose columns have these values, e.g. ``{"supply_responds": True}``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    series = _where(results.series, {"supply_responds": True, **(where or {})})
    with paper_style():
        fig, axes = plt.subplots(2, 1, figsize=(COLUMN_WIDTH_IN, 3.6), sharex=True)
        colours = sns.color_palette(PALETTE)
        panels = [
            ("supply_effort", 1, "Holders' supply effort (0-1)"),
            ("public_datasets", 1e-3, "Open datasets (thousands)"),
        ]
        for ax, (column, scale, label) in zip(axes, panels, strict=True):
            table = summarise_series(series, by, column)
            for colour, group in zip(colours, _regime_order(table[by]), strict=False):
                g = table[table[by] == group]
                years = g["step"] / 4
                ax.plot(
                    years,
                    g["mean"] * scale,
                    color=colour,
                    label=REGIME_LABELS.get(group, str(group)),
                )
                ax.fill_between(
                    years,
                    g["ci_low"] * scale,
                    g["ci_high"] * scale,
                    color=colour,
                    alpha=0.2,
                    linewidth=0,
                )
            ax.set_ylabel(label)
        axes[1].set_xlabel("Years from start")
        axes[0].legend(loc="best", ncols=2)
        fig.tight_layout()
    return fig


def operator_profit_vs_cap(results: Results, where: dict | None = None) -> plt.Figure:
    """Operator profit and the welfare change against the loosest price cap.

    One point per price cap and for the revenue cap, per number of licences; welfare changes
    are paired by seed.

    Parameters
    ----------
    results : Results
        Results of an experiment varying ``price_cap``, ``operator_cap`` and ``operators``.
    where : dict or None, default None
        Keep only runs whose columns have these values, e.g. ``{"supply_responds": True}``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    runs = _where(results.ok, where)
    runs = runs[runs["operators"] > 0].copy()
    caps = sorted(runs.loc[runs["operator_cap"] == "price", "price_cap"].unique())
    runs["regime"] = np.where(
        runs["operator_cap"] == "revenue", "revenue", runs["price_cap"].map(lambda c: f"{c:g}")
    )
    # The revenue cap ignores price_cap: keep one copy of its runs.
    runs = runs[(runs["operator_cap"] == "price") | (runs["price_cap"] == caps[-1])]
    order = [f"{c:g}" for c in caps] + ["revenue"]
    labels = [f"{c:g}x" for c in caps] + ["Revenue\ncap"]
    loosest = order[len(caps) - 1]
    with paper_style():
        fig, axes = plt.subplots(2, 1, figsize=(COLUMN_WIDTH_IN, 3.9), sharex=True)
        colours = sns.color_palette(PALETTE)
        licences = sorted(runs["operators"].unique())
        for i, (colour, n) in enumerate(zip(colours, licences, strict=False)):
            sub = runs[runs["operators"] == n]
            x = np.arange(len(order)) + (i - (len(licences) - 1) / 2) * 0.12
            profit = summarise(sub, "regime", "operator_profit_mean").set_index("regime")
            gain = effects(
                sub,
                {"regime": loosest},
                "welfare_mean",
                factors=[*results.factors, "regime"],
                by=[],
            ).set_index("regime")
            for ax, table, col, scale in (
                (axes[0], profit, "mean", 1 / RMB_BN),
                (axes[1], gain, "effect", 1 / RMB_BN),
            ):
                t = table.loc[order]
                y = t[col] * scale
                err = np.vstack([y - t["ci_low"] * scale, t["ci_high"] * scale - y])
                price_part = slice(0, len(caps))
                ax.plot(x[price_part], y.iloc[price_part], "-", color=colour, lw=0.9)
                ax.errorbar(
                    x,
                    y,
                    yerr=err,
                    fmt="o",
                    ms=2.8,
                    capsize=1.5,
                    color=colour,
                    elinewidth=0.7,
                    label=f"{n} licence{'s' if n > 1 else ''}",
                )
        axes[0].set_ylabel("Operator profit\n(RMB bn per quarter)")
        axes[1].set_ylabel(f"Welfare change vs {loosest}x cap\n(RMB bn per quarter)")
        for ax in axes:
            ax.axhline(0, color="0.5", lw=0.5)
            ax.axvline(len(caps) - 0.5, color="0.8", lw=0.5, ls=":")
        axes[1].set_xticks(range(len(order)), labels)
        axes[1].set_xlabel("Operator price regulation (price cap, x reference price)")
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            loc="upper center",
            ncols=len(licences),
            bbox_to_anchor=(0.55, 1.0),
            handletextpad=0.3,
            columnspacing=1.0,
        )
        fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def cross_border_frontier(
    results: Results, benefit: str = "market_size_mean", cost: str = "incidents_total"
) -> plt.Figure:
    """The growth-against-incidents frontier with and without the Hong Kong bridge.

    One point per openness and review strictness (mean and 95% CI), efficient points joined.

    Parameters
    ----------
    results : Results
        Results of an experiment varying ``openness``, ``review_strictness`` and ``hk_bridge``.
    benefit : str, default "market_size_mean"
        The summary outcome on the y axis (RMB per quarter).
    cost : str, default "incidents_total"
        The summary outcome on the x axis (incidents over the run).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    runs = results.ok
    keys = ["hk_bridge", "openness", "review_strictness"]
    b = summarise(runs, keys, benefit).rename(
        columns={"mean": "benefit", "ci_low": "b_low", "ci_high": "b_high"}
    )
    c = summarise(runs, keys, cost).rename(
        columns={"mean": "cost", "ci_low": "c_low", "ci_high": "c_high"}
    )
    table = b.drop(columns=["outcome", "n"]).merge(c.drop(columns=["outcome", "n"]), on=keys)
    table = frontier(table, benefit="benefit", cost="cost", by="hk_bridge")
    scale = 1 / RMB_BN
    with paper_style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8))
        colours = sns.color_palette(PALETTE)
        for colour, bridge in zip(colours, [False, True], strict=False):
            g = table[table["hk_bridge"] == bridge]
            ax.errorbar(
                g["cost"],
                g["benefit"] * scale,
                xerr=[g["cost"] - g["c_low"], g["c_high"] - g["cost"]],
                yerr=[(g["benefit"] - g["b_low"]) * scale, (g["b_high"] - g["benefit"]) * scale],
                fmt="o",
                ms=2.5,
                color=colour,
                alpha=0.55,
                elinewidth=0.5,
                capsize=0,
            )
            eff = g[g["efficient"]].sort_values("cost")
            ax.plot(
                eff["cost"],
                eff["benefit"] * scale,
                "-",
                color=colour,
                label=_hue_label("hk_bridge", bridge),
            )
        ax.set_xlabel("Security incidents over 10 years (simulated economy)")
        ax.set_ylabel("Data market, 10-year mean (RMB bn per quarter)")
        ax.legend(loc="lower right", title="Efficient frontier")
        fig.tight_layout()
    return fig


#: Axis labels of the factors of the sensitivity experiments, by factor name.
FACTOR_LABELS = {
    "data_elasticity": "Returns to data (beta)",
    "fit_tail_index": "Demand elasticity (fit tail)",
    "capability_diffusion": "Capability diffusion",
    "mandate_share": "Holders' mandate",
    "visibility_value_share": "Value of visible use",
    "private_product_size": "Private product size",
    "private_supply_growth": "Growth of private supply",
    "ai_data_value_growth": "AI trend in data's value",
    "tfp_growth": "Productivity growth",
    "exchange_cost_rmb": "Exchanges' cost of a trade (RMB)",
    "base_load_growth": "Other compute load growth",
    "rack_utilisation": "Utilisation in 2019",
    "data_fixed_cost_share": "Fixed cost of data capability",
    "relevance_operator": "Relevance of operators' data",
    "relevance_private": "Relevance of private data",
    "fee_retention": "Fee retention",
    "incident_rate": "Operator incident rate",
    "trust_loss_per_incident": "Trust loss per incident",
    "compute_price_steepness": "Compute price steepness",
    "byproduct_rate": "Data by-product",
    "price_level": "Public data fee",
    "revenue_share": "Revenue share",
    "openness": "Openness",
    "review_strictness": "Review strictness",
    "infrastructure": "Infrastructure",
    # The Morris screen's most influential and most interacting constants.
    "ai_growth_half_life_quarters": "Half-life of the AI trend",
    "sensitive_compliance_cost_rmb": "Sensitive-data compliance cost",
    "entry_reference_margin": "Entry reference margin",
    "effort_adjustment": "Holders' effort adjustment",
    "compute_cost_rmb": "Compute cost of a data unit",
    "foreign_product_size": "Foreign product size",
}
OUTCOME_LABELS = {
    "market_size_cagr": "Data-market growth",
    "welfare_mean": "Welfare",
    "incidents_total": "Incidents",
}
OUTCOME_UNITS = {
    "market_size_cagr": "growth rate per year",
    "welfare_mean": "RMB per quarter",
    "incidents_total": "incidents per run",
}


def sobol_bars(indices: pd.DataFrame, outcomes: list[str] | None = None) -> plt.Figure:
    """First-order (S1) and total (ST) Sobol indices with 95% CIs, one panel per outcome.

    Factors are in the order of their largest total index. Indices flagged unreliable
    (``reliable`` False: not converged between N/2 and N base samples, negative beyond their
    interval, or an outcome whose first-order indices do not add up) are drawn hollow and
    hatched, never as solid estimates.

    Parameters
    ----------
    indices : pandas.DataFrame
        The table of :func:`econ.analysis.sobol_indices`.
    outcomes : list of str or None, default None
        The outcomes to draw; None: all in ``indices``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, two columns (7 in) wide.
    """
    outcomes = outcomes or list(pd.unique(indices["outcome"]))
    order = indices.groupby("factor")["ST"].max().sort_values(ascending=False).index.tolist()
    with paper_style():
        fig, axes = plt.subplots(
            1, len(outcomes), figsize=(COLUMN_WIDTH_IN * 2, 3.2), sharey=True, squeeze=False
        )
        colours = sns.color_palette(PALETTE)
        y = np.arange(len(order))
        for ax, outcome in zip(axes[0], outcomes, strict=True):
            t = indices[indices["outcome"] == outcome].set_index("factor").loc[order]
            reliable = t["reliable"].to_numpy() if "reliable" in t else np.ones(len(t), bool)
            for offset, column, colour, label in (
                (-0.2, "S1", colours[0], "First order (S1)"),
                (0.2, "ST", colours[1], "Total (ST)"),
            ):
                bars = ax.barh(
                    y + offset,
                    t[column],
                    height=0.38,
                    xerr=t[f"{column}_conf"],
                    color=colour,
                    label=label,
                    error_kw={"elinewidth": 0.6},
                )
                for bar, ok in zip(bars, reliable, strict=True):
                    if not ok:
                        bar.set_facecolor("none")
                        bar.set_edgecolor(colour)
                        bar.set_hatch("////")
            if not reliable.all():
                ax.text(0.98, 0.02, "hatched: unreliable", transform=ax.transAxes,
                        ha="right", va="bottom", fontsize=6)  # fmt: skip
            ax.axvline(0, color="0.3", lw=0.5)
            ax.set_title(OUTCOME_LABELS.get(outcome, outcome))
            ax.set_xlabel("Sobol index (share of variance)")
        axes[0][0].set_yticks(y, [FACTOR_LABELS.get(f, f) for f in order])
        axes[0][0].invert_yaxis()
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="upper center", ncols=2, bbox_to_anchor=(0.5, 1.0))
        fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def morris_screening(indices: pd.DataFrame, outcome: str = "market_size_cagr") -> plt.Figure:
    """Morris screening: mean absolute elementary effect (mu*) against its spread (sigma).

    Parameters
    ----------
    indices : pandas.DataFrame
        The table of :func:`econ.analysis.morris_indices`.
    outcome : str, default "market_size_cagr"
        The outcome to draw.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    t = indices[indices["outcome"] == outcome].sort_values("mu_star", ascending=False)
    with paper_style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8))
        ax.errorbar(
            t["mu_star"],
            t["sigma"],
            xerr=t["mu_star_conf"],
            fmt="o",
            ms=3,
            color=sns.color_palette(PALETTE)[0],
            elinewidth=0.6,
            capsize=0,
        )
        # The six most influential factors and the five with the widest spread of effects
        # (interactions or non-linearity), so no outlying point is left unnamed.
        named = pd.concat([t.head(6), t.nlargest(5, "sigma")]).drop_duplicates("factor")
        # Labels of nearby points are stacked downwards so that none overlaps another, in
        # fractions of the axes (as autoscaled to the points and their intervals): a label
        # is about 1.4% of the axes wide a character and a twentieth high.
        (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
        placed: list[tuple[float, float, float]] = []
        for row in named.sort_values("sigma", ascending=False).itertuples():
            x = (row.mu_star - x_lo) / (x_hi - x_lo)
            y0 = y = (row.sigma - y_lo) / (y_hi - y_lo)
            label = FACTOR_LABELS.get(row.factor, row.factor.replace("_", " "))
            width = 0.014 * len(label)
            while any(
                x < px + pw and px < x + width and abs(y - py) < 0.05 for px, py, pw in placed
            ):
                y -= 0.05
            placed.append((x, y, width))
            # The shift in points: the axes are about 0.7 of the 2.8 in figure high.
            shift = (y - y0) * 2.8 * 72 * 0.7
            ax.annotate(
                label,
                (row.mu_star, row.sigma),
                xytext=(3 if shift == 0 else 8, 2 + shift),
                textcoords="offset points",
                fontsize=5.5,
                # A moved label keeps a thin line to its point.
                arrowprops=None if shift == 0 else {"arrowstyle": "-", "lw": 0.4, "color": "0.3"},
            )
        unit = OUTCOME_UNITS.get(outcome, "outcome units")
        name = OUTCOME_LABELS.get(outcome, outcome).lower()
        # SALib's elementary effects are per unit of each factor's range, scaled to [0, 1].
        ax.set_xlabel(f"mu*, mean |effect| on {name}\n({unit}, per factor range)")
        ax.set_ylabel(f"sigma, spread of effects\n({unit}, per factor range)")
        fig.tight_layout()
    return fig


#: Safeguards a break-even map can show, with their colour-bar labels.
SAFEGUARD_LABELS = {
    "review_strictness": "Welfare gain of review\n(RMB bn per quarter)",
    "privacy_computing": "Welfare gain of privacy\ncomputing (RMB bn per quarter)",
}


def safeguard_breakeven(
    results: Results, outcome: str = "welfare_mean", safeguard: str = "review_strictness"
) -> plt.Figure:
    """Where a safeguard breaks even.

    The welfare gain of the safeguard (its non-zero level) over none, paired by seed, over
    incident loss x the incident rate at which trust collapses: review at full openness
    (``security_breakeven``) or privacy computing under today's policy
    (``privacy_breakeven``). Blue cells favour the safeguard; a dot marks a 95% interval that
    excludes zero.

    Parameters
    ----------
    results : Results
        Results of a break-even experiment.
    outcome : str, default "welfare_mean"
        The summary outcome compared (RMB per quarter).
    safeguard : str, default "review_strictness"
        The factor that switches the safeguard (0 is none); a key of
        :data:`SAFEGUARD_LABELS`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide.
    """
    runs = results.ok
    gain = effects(
        runs,
        {safeguard: 0.0},
        outcome,
        factors=results.factors,
        by=["incident_loss_rmb", "trust_collapse_threshold"],
    )
    gain = gain[gain[safeguard] > 0]
    table = gain.pivot(
        index="trust_collapse_threshold", columns="incident_loss_rmb", values="effect"
    )
    marks = gain.pivot(
        index="trust_collapse_threshold", columns="incident_loss_rmb", values="significant"
    )
    labels = (table / RMB_BN).map(lambda v: f"{v:+.0f}") + marks.map(lambda m: "•" if m else "")
    with paper_style():
        fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.6))
        limit = float(np.nanmax(np.abs(table.to_numpy()))) / RMB_BN or 1.0
        sns.heatmap(
            table / RMB_BN,
            ax=ax,
            cmap="RdBu",
            center=0.0,
            vmin=-limit,
            vmax=limit,
            annot=labels.to_numpy(),
            fmt="",
            cbar_kws={"label": SAFEGUARD_LABELS[safeguard]},
            linewidths=0.5,
        )
        ax.set_xticklabels([f"{c / 1e6:g}" for c in table.columns], rotation=0)
        ax.set_yticklabels(["never" if r >= 1000 else f"{r:g}" for r in table.index], rotation=0)
        ax.set_xlabel("Welfare loss of one incident (RMB m)")
        ax.set_ylabel("Trust collapses above\n(incidents per 1,000 firms a quarter)")
        fig.tight_layout()
    return fig


#: Moments of a calibration, for axes: label, and the divisor to the unit in the label.
MOMENT_LABELS = {
    "market_2022": ("Data market, 2022\n(RMB bn a year)", RMB_BN),
    "market_growth": ("Market growth, 2022-24\n(share a year)", 1.0),
    "output_2022": ("Output, 2022\n(RMB tn a year)", 1e12),
    "exchange_share_2022": ("Exchange share\nof trade, 2022 (%)", 0.01),
    "utilisation_2022": ("Rack utilisation,\n2022Q1 (share)", 1.0),
    "utilisation_change": ("Rack utilisation change\nover 2 years (share)", 1.0),
    "datasets_growth": ("Open datasets growth\n(share a year)", 1.0),
}


def posterior_marginals(
    populations: pd.DataFrame, priors: dict[str, tuple[float, float]], point: dict[str, float]
) -> plt.Figure:
    """The ABC-SMC posterior of each estimated parameter over its uniform prior.

    Weighted histograms of the first generation (outline) and the last (filled), on the
    prior's range; a dashed line marks the point estimate (the weighted posterior mean).

    Parameters
    ----------
    populations : pandas.DataFrame
        Every generation's particles: ``generation``, a column per parameter and ``weight``
        (``Estimate.populations`` of :mod:`econ.study.estimation`).
    priors : dict of str to (float, float)
        Each parameter's uniform prior ``(low, high)``.
    point : dict of str to float
        The point estimate of each parameter.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide, a panel per parameter.
    """
    names = list(priors)
    first, last = populations["generation"].min(), populations["generation"].max()
    with paper_style():
        rows = -(-len(names) // 2)
        fig, axes = plt.subplots(rows, 2, figsize=(COLUMN_WIDTH_IN, 1.35 * rows + 0.3))
        axes = np.atleast_1d(axes).ravel()
        for ax, name in zip(axes, names, strict=False):
            low, high = priors[name]
            bins = np.linspace(low, high, 21)
            for generation, style in ((first, "step"), (last, "stepfilled")):
                pop = populations[populations["generation"] == generation]
                ax.hist(
                    pop[name],
                    bins=bins,
                    weights=pop["weight"],
                    density=True,
                    histtype=style,
                    alpha=0.45 if style == "stepfilled" else 1.0,
                    color="C0" if style == "stepfilled" else "grey",
                    label=f"generation {generation}",
                )
            ax.axhline(1.0 / (high - low), color="black", linewidth=0.6, linestyle=":")
            ax.axvline(point[name], color="C3", linestyle="--", linewidth=0.9)
            ax.set_xlim(low, high)
            ax.set_yticks([])
            ax.set_xlabel(FACTOR_LABELS.get(name, name))
        for ax in axes[len(names) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=6)
        fig.supylabel("Posterior density (dotted: prior)", fontsize=6.5)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def predictive_check(predictive: pd.DataFrame, check: pd.DataFrame) -> plt.Figure:
    """Posterior predictive check: each moment over runs at posterior draws, against its target.

    A histogram per moment of the runs at posterior draws; the target is a vertical line and
    its sd a shaded band.

    Parameters
    ----------
    predictive : pandas.DataFrame
        One row per run at a posterior draw, a column per moment.
    check : pandas.DataFrame
        One row per moment: ``moment``, ``target`` and ``sd`` (``Estimate.predictive_check``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one column (3.5 in) wide, a panel per moment.
    """
    with paper_style():
        rows = -(-len(check) // 2)
        fig, axes = plt.subplots(rows, 2, figsize=(COLUMN_WIDTH_IN, 1.35 * rows + 0.2))
        axes = np.atleast_1d(axes).ravel()
        for ax, row in zip(axes, check.itertuples(), strict=False):
            label, unit = MOMENT_LABELS.get(row.moment, (row.moment, 1.0))
            values = predictive[row.moment].dropna() / unit
            target, sd = row.target / unit, row.sd / unit
            ax.axvspan(target - sd, target + sd, color="C1", alpha=0.2, linewidth=0)
            ax.axvline(target, color="C1", linewidth=1.0, label="target +/- sd")
            ax.hist(values, bins=15, color="C0", alpha=0.75, label="runs at posterior draws")
            ax.set_yticks([])
            ax.set_xlabel(label)
        for ax in axes[len(check) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=6)
        fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
