"""Validation: does the model show the behaviours DESIGN.md expects (ODD 1, patterns)?

``check_behaviours`` reads the stored results of the policy experiments and returns one row
per claim: the statistic measured, its 95% CI and whether the claim holds. A claim that
does not hold is reported as such; nothing here is tuned to pass.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from econ.analysis import effects, mean_ci, pooled_effect
from econ.experiment.store import Results, load
from econ.metrics import cagr
from econ.study.estimation import calibration_targets

__all__ = [
    "BEHAVIOURS",
    "BENEFIT_COST_RANGE",
    "HAND_CALIBRATED",
    "HELD_OUT",
    "SAME_SOURCE",
    "TARGET",
    "check_behaviours",
    "load_experiments",
]

#: The behaviours of DESIGN.md "How it must behave", by number.
BEHAVIOURS = {
    1: "Price: free public data multiplies its use 10-100x; elasticity about 1.3",
    2: "Supply: free beats cost recovery with supply fixed; unfunded free data lets effort "
    "decay; authorised operation or conditional free use can beat both extremes",
    3: "Price caps: tighter caps raise welfare and cut operator profit; a revenue cap bounds "
    "profit",
    4: "Who trades: broad trading beats hoarding, which beats a ban",
    5: "Cross-border: openness with safeguards beats closure and openness without safeguards; "
    "the Hong Kong bridge moves the growth-incident frontier outward",
    6: "Baseline: the china_2024 market grows 20-35% a year (2022-2025)",
    # Held-out moments of issue #12, sourced in the literature list, not in DESIGN.md.
    7: "Benefit/cost: free basic public data returns 2.5-70x the fees forgone (OS OpenData, "
    "Houghton 2011, Danish address data)",
    8: "Firm size: the data feedback loop skews firm size (Farboodi et al. 2019)",
    9: "Scale: the data-using economy grows from RMB 35.8 tn in 2019, where the spin-up starts "
    "(CAICT 2020), to 50.2 tn in 2022 (CAC 2023) and 53.9 tn in 2023 (CAICT 2024)",
    10: "Exchanges: 2-3% of data trade goes through exchanges in 2022; CDTM expects over 20% "
    "by 2030 (CDTM 2023)",
}
#: Validation rows whose statistic a parameter was set by hand to match (docs/ODD.md 8): the
#: demand tail's index is the elasticity target and its scale was tuned to the 10-100x band.
HAND_CALIBRATED = {"elasticity": "fit_tail_index", "free_use_ratio": "fit_scale"}
#: Rows whose figure has the same source as a calibration target's: they are targets too
#: when it is one (the CDTM forecast for 2025 is the end of the growth moment's path).
SAME_SOURCE = {"forecast_2025": "baseline_growth", "forecast_2030": "baseline_growth"}
#: The ``role`` of a row a calibration targets, and of every other row.
TARGET, HELD_OUT = "calibration target", "held-out check"
#: Published ratios of the benefits of free basic public data to its cost (the fees forgone
#: or the cost of release), low to high: UK OS OpenData (GBP 13-28.5 m of GDP against GBP
#: 5.3 m of fees forgone, 2.5-5.4x), Houghton 2011 for Geoscience Australia (about 13x),
#: Danish address data (EUR 62 m against 2 m in 2005-09, 31x; EUR 14 m against 0.2 m in 2010,
#: 70x). A held-out check: no parameter was set to match any of them.
BENEFIT_COST_RANGE = (2.5, 70.0)
EXPERIMENTS = ("free_vs_priced", "authorised_operation", "cross_border", "who_trades", "baseline")


def load_experiments(root: str | Path = "results", suffix: str = "") -> dict[str, Results]:
    """The stored results of the validation experiments that exist under ``root``.

    Parameters
    ----------
    root : str or pathlib.Path, default "results"
        The folder the experiments' results are under.
    suffix : str, default ""
        Appended to each experiment's folder name (``"_quick"`` for quick runs).

    Returns
    -------
    dict of str to Results
        Results by experiment name, for those with a manifest.
    """
    root = Path(root)
    found = {}
    for name in EXPERIMENTS:
        path = root / f"{name}{suffix}"
        if (path / "manifest.json").exists():
            found[name] = load(path)
    return found


def _row(
    key: str,
    behaviour: int,
    claim: str,
    statistic: str,
    value: float,
    low: float,
    high: float,
    holds: bool,
) -> dict:
    """One claim; ``key`` is its stable name (the paper cites rows by key)."""
    return {
        "key": key,
        "behaviour": behaviour,
        "claim": claim,
        "statistic": statistic,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "holds": bool(holds),
    }


def _effect_row(key: str, behaviour: int, statistic: str, effect: pd.Series, holds: bool) -> dict:
    """A claim's row from one paired effect (a row of ``econ.analysis.effects``)."""
    return _row(
        key,
        behaviour,
        BEHAVIOURS[behaviour],
        statistic,
        effect["effect"],
        effect["ci_low"],
        effect["ci_high"],
        holds,
    )


def _effect(runs, baseline, outcome, factors, **select) -> pd.Series:
    table = effects(runs, baseline, outcome, factors=factors, by=[])
    for key, value in select.items():
        table = table[table[key] == value]
    if len(table) != 1:
        raise ValueError(f"expected one effect for {select}, found {len(table)}")
    return table.iloc[0]


def _paired_ratio(
    series: pd.DataFrame, column: str, numerator: dict, denominator: dict, quarters: int = 4
) -> tuple[float, float, float]:
    """Mean over replications of the ratio of a column's first-year means, with a CI."""

    def first_year(select):
        sub = series
        for k, v in select.items():
            sub = sub[sub[k] == v]
        sub = sub[sub["step"] <= quarters]
        return sub.groupby("replication")[column].mean()

    ratio = (first_year(numerator) / first_year(denominator)).dropna()
    mean, low, high, _ = mean_ci(ratio)
    return mean, low, high


def check_behaviours(
    results: dict[str, Results], targets: Collection[str] | None = None
) -> pd.DataFrame:
    """One row per claim with the measured statistic, its 95% CI and whether it holds.

    Parameters
    ----------
    results : dict of str to Results
        Results by experiment name (:func:`load_experiments`); claims whose experiment is
        missing are left out.
    targets : set of str or None, default None
        Keys of the rows that are calibration targets; None: the rows the shipped
        ``china_2024`` calibrate spec's moments measure
        (:func:`~econ.study.estimation.calibration_targets`) and :data:`HAND_CALIBRATED`.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` (a stable name the paper cites), ``behaviour`` (the number in
        :data:`BEHAVIOURS`), ``claim``, ``statistic``, ``value``, ``ci_low``, ``ci_high``,
        ``holds`` and ``role`` (:data:`TARGET` or :data:`HELD_OUT`: only held-out rows
        validate).
    """
    if targets is None:
        targets = calibration_targets() | set(HAND_CALIBRATED)
    targets = set(targets) | {row for row, target in SAME_SOURCE.items() if target in targets}
    table = pd.DataFrame(_claims(results), columns=[*_COLUMNS, "holds"])
    table = table.sort_values("behaviour", kind="stable", ignore_index=True)
    table["role"] = [TARGET if key in targets else HELD_OUT for key in table["key"]]
    return table


_COLUMNS = ("key", "behaviour", "claim", "statistic", "value", "ci_low", "ci_high")


def _claims(results: dict[str, Results]) -> list[dict]:
    """The rows of :func:`check_behaviours`, without their role."""
    rows: list[dict] = []
    if "free_vs_priced" in results:
        rows += _price_and_supply(results["free_vs_priced"])
    if "authorised_operation" in results:
        rows += _operators(results["authorised_operation"])
    if "who_trades" in results:
        rows += _who_trades(results["who_trades"])
    if "cross_border" in results:
        rows += _cross_border(results["cross_border"])
    if "exchanges" in results:
        rows += _exchanges(results["exchanges"])
    if "baseline" in results:
        growth = [
            cagr(g["market_size"].iloc[:13])
            for _, g in results["baseline"].series.groupby("run_id", sort=False)
        ]
        mean, low, high, _ = mean_ci(growth)
        rows.append(
            _row(
                "baseline_growth",
                6,
                BEHAVIOURS[6],
                "market growth, first 3 years (per year)",
                mean,
                low,
                high,
                0.20 <= mean <= 0.35,
            )
        )
        rows.append(_forecast_2025(results["baseline"]))
        rows.append(_forecast_2030(results["baseline"]))
        if "output" in results["baseline"].series:
            rows.append(_output_2022(results["baseline"]))
            rows.append(_output_growth_2023(results["baseline"]))
        if "top_decile_share" in results["baseline"].series:
            rows.append(_skew_trend(results["baseline"]))
    return rows


#: CDTM 2023's exchange-traded share of data trade in 2022 (2-3%), and what it expects by
#: 2030 (over 20%: an expectation, not a record); percent.
EXCHANGE_SHARE_2022 = (2.0, 3.0)
EXCHANGE_SHARE_2030 = 20.0


def _exchanges(exchanges: Results) -> list[dict]:
    """The exchange-traded share of trade at today's fee in 2022 and in 2030 (percent), from
    the exchange-fee experiment; NaN in a year the runs do not reach (a quick study)."""
    series = exchanges.series
    today = series[series["exchange_fee"] == 1.0]
    rows = []
    for year, test, statistic in (
        (2022, lambda m: EXCHANGE_SHARE_2022[0] <= m <= EXCHANGE_SHARE_2022[1], "2-3%"),
        (2030, lambda m: m > EXCHANGE_SHARE_2030, "over 20%, which CDTM expects"),
    ):
        share = _by_year(today, "exchange_share", year - 2021, how="mean")
        mean, low, high, _ = mean_ci(100 * share)
        rows.append(
            _row(
                f"exchange_share_{year}",
                10,
                BEHAVIOURS[10],
                f"exchange-traded share of data trade value in {year} at today's fee (percent) "
                f"against {statistic}",
                mean,
                low,
                high,
                bool(np.isfinite(mean) and test(mean)),
            )
        )
    return rows


def _skew_trend(baseline: Results) -> dict:
    """The top-decile share of output in the baseline's last year minus its first."""
    series = baseline.series
    last = series["step"].max()

    def mean_share(rows: pd.Series) -> pd.Series:
        # Runs in plan order: ids hash the model's code, so sorting by them moves last digits.
        return series[rows].groupby("run_id", sort=False)["top_decile_share"].mean()

    first, final = mean_share(series["step"] <= 4), mean_share(series["step"] > last - 4)
    mean, low, high, _ = mean_ci(100 * (final - first))
    return _row(
        "size_skew_trend",
        8,
        BEHAVIOURS[8],
        "top-decile share of mainland output, last year minus first (baseline; percentage points)",
        mean,
        low,
        high,
        low > 0,
    )


#: The 2025 data market forecast of the 2023 CDTM report (RMB per year). Not held out when
#: growth is a calibration target: the growth moment's 20-35% band includes this forecast's
#: 32.6% a year (SAME_SOURCE).
FORECAST_2025_RMB = 204.6e9


#: The 2030 data market forecast of the 2023 CDTM report (RMB per year). The easing of the
#: trend in data's value (ai_growth_half_life_quarters) is read off the same path, so the
#: row is a target whenever growth is.
FORECAST_2030_RMB = 515.6e9


def _by_year(series: pd.DataFrame, column: str, year: int, how: str = "sum") -> pd.Series:
    """Each run's ``column`` over reported year ``year`` (1 = 2022), summed (RMB per year for
    a flow) or averaged (``how="mean"``, for a share), for the runs that report all four of
    its quarters: empty when the runs are shorter."""
    in_year = series[(series["step"] > 4 * (year - 1)) & (series["step"] <= 4 * year)]
    # In plan order (sort=False): sorting by run id would tie the sums' order to the code.
    quarters = in_year.groupby("run_id", sort=False)[column]
    whole = quarters.count() == 4
    return quarters.agg(how)[whole]


def _forecast(baseline: Results, year: int, forecast_rmb: float) -> dict:
    """The simulated market in ``year`` (2022 is the first) against the CDTM forecast,
    within 20%; NaN when the runs are shorter (a quick study)."""
    nth = year - 2021
    mean, low, high, _ = mean_ci(_by_year(baseline.series, "market_size", nth))
    ordinal = {4: "fourth", 9: "ninth"}.get(nth, f"{nth}th")
    return _row(
        f"forecast_{year}",
        6,
        BEHAVIOURS[6],
        f"data market in {year} (the {ordinal} year; RMB per year) against the CDTM forecast "
        f"of RMB {forecast_rmb / 1e9:.1f} bn, within 20%",
        mean,
        low,
        high,
        bool(np.isfinite(mean) and abs(mean / forecast_rmb - 1) <= 0.2),
    )


def _forecast_2025(baseline: Results) -> dict:
    """The simulated market in its fourth year (2025) against the CDTM forecast."""
    return _forecast(baseline, 2025, FORECAST_2025_RMB)


def _forecast_2030(baseline: Results) -> dict:
    """The simulated market in its ninth year (2030) against the CDTM forecast."""
    return _forecast(baseline, 2030, FORECAST_2030_RMB)


#: Output of China's digital economy in 2022 (CAC 2023; RMB per year). The scale is set on the
#: economy of 2019 (``national_output_rmb``, CAICT 2020), so this measures output's growth over
#: the spin-up: a calibration target when ``output_2022`` is a moment, else a held-out check.
OUTPUT_2022_RMB = 50.2e12
#: Output of China's digital economy in 2023 (CAICT 2024, China Digital Economy Development
#: Research Report: RMB 53.9 tn; RMB per year). No calibration uses it.
OUTPUT_2023_RMB = 53.9e12


def _output_2022(baseline: Results) -> dict:
    """The baseline's first reported year's output (2022) against CAC's, within 10%."""
    mean, low, high, _ = mean_ci(_by_year(baseline.series, "output", 1))
    return _row(
        "output_2022",
        9,
        BEHAVIOURS[9],
        "output of the data-using economy in 2022 (RMB per year) against CAC's RMB 50.2 tn, "
        "within 10%",
        mean,
        low,
        high,
        bool(abs(mean / OUTPUT_2022_RMB - 1) <= 0.1),
    )


def _output_growth_2023(baseline: Results) -> dict:
    """Output's growth from 2022 to 2023 against CAICT's 7.4%, within 2.5 points; NaN when
    the runs are shorter than two years."""
    growth = _by_year(baseline.series, "output", 2) / _by_year(baseline.series, "output", 1) - 1
    mean, low, high, _ = mean_ci(growth)
    expected = OUTPUT_2023_RMB / OUTPUT_2022_RMB - 1
    return _row(
        "output_growth_2023",
        9,
        BEHAVIOURS[9],
        f"growth of output from 2022 to 2023 against CAICT's {100 * expected:.1f}% (RMB 50.2 "
        "to 53.9 tn), within 2.5 points",
        mean,
        low,
        high,
        bool(np.isfinite(mean) and abs(mean - expected) <= 0.025),
    )


def _price_and_supply(r: Results) -> list[dict]:
    rows = []
    series = r.series
    fixed = {"supply_responds": False}
    if "public_data_uses" in series:
        ratio = _paired_ratio(
            series,
            "public_data_uses",
            {**fixed, "pricing": "free"},
            {**fixed, "pricing": "cost_recovery", "price_level": 1.0},
        )
        rows.append(
            _row(
                "free_use_ratio",
                1,
                BEHAVIOURS[1],
                "public data uses, free / cost recovery (first year, x)",
                *ratio,
                10 <= ratio[0] <= 100,
            )
        )
        cr = series[
            (series["pricing"] == "cost_recovery")
            & ~series["supply_responds"]
            & (series["step"] <= 4)
        ]
        uses = cr.groupby(["replication", "price_level"])["public_data_uses"].mean().unstack()
        elasticity = -(np.log(uses[2.0]) - np.log(uses[0.5])) / (np.log(2.0) - np.log(0.5))
        mean, low, high, _ = mean_ci(elasticity)
        rows.append(
            _row(
                "elasticity",
                1,
                BEHAVIOURS[1],
                "price elasticity of public data use, fees 0.5x-2x of the reference price",
                mean,
                low,
                high,
                1.0 <= mean <= 1.6,
            )
        )
    runs = r.ok[r.ok["price_level"] == 1.0]
    for responds in (False, True):
        sub = runs[runs["supply_responds"] == responds]
        e = _effect(sub, {"pricing": "cost_recovery"}, "welfare_mean", r.factors, pricing="free")
        label = "responding" if responds else "fixed"
        rows.append(
            _effect_row(
                f"free_welfare_{label}",
                2,
                f"welfare gain of free over cost recovery, supply {label} (RMB per quarter)",
                e,
                e["ci_low"] > 0 if not responds else e["effect"] > 0,
            )
        )
    sub = runs[runs["supply_responds"]]
    e = _effect(sub, {"pricing": "cost_recovery"}, "supply_effort_final", r.factors, pricing="free")
    rows.append(
        _effect_row(
            "effort_gap",
            2,
            "holders' effort after 10 years, free minus cost recovery (supply responding)",
            e,
            e["ci_high"] < 0,
        )
    )
    for rival in ("free", "cost_recovery"):
        e = _effect(sub, {"pricing": rival}, "welfare_mean", r.factors, pricing="conditional_free")
        rows.append(
            _effect_row(
                f"conditional_vs_{rival}",
                2,
                f"welfare gain of conditional free over {rival} (supply responding)",
                e,
                e["ci_low"] > 0,
            )
        )
    if {"public_data_uses", "public_price"} <= set(series):
        rows.append(_benefit_cost(series))
    if "top_decile_share" in series:
        rows.append(_skew_free(series))
    return rows


def _fixed_supply_means(series: pd.DataFrame, columns: str | list[str]):
    """Each run's mean of ``columns`` over its quarters, by pricing and replication, with
    supply fixed and fees at the reference level (the arms' runs share seeds)."""
    sub = series[~series["supply_responds"] & (series["price_level"] == 1.0)]
    return sub.groupby(["pricing", "replication"])[columns].mean()


def _skew_free(series: pd.DataFrame) -> dict:
    """The top-decile share of output under free pricing minus cost recovery (supply fixed).

    Each run's mean share over its quarters, paired by replication (the runs share seeds).
    """
    means = _fixed_supply_means(series, "top_decile_share")
    gap = (means.loc["free"] - means.loc["cost_recovery"]).dropna()
    mean, low, high, _ = mean_ci(100 * gap)
    return _row(
        "size_skew_free",
        8,
        BEHAVIOURS[8],
        "top-decile share of mainland output, free minus cost recovery (supply fixed; "
        "percentage points)",
        mean,
        low,
        high,
        low > 0,
    )


def _benefit_cost(series: pd.DataFrame) -> dict:
    """Welfare gain of free over cost-recovery pricing per RMB of fees forgone (supply fixed).

    The fees forgone are cost recovery's open-data licences times its fee, which every
    holder charges every user alike; both sides are means over the whole run, paired by
    replication.
    """
    fees = series["public_data_uses"] * series["public_price"]
    means = _fixed_supply_means(series.assign(fees=fees), ["welfare", "fees"])
    gain = means.loc["free", "welfare"] - means.loc["cost_recovery", "welfare"]
    ratio = (gain / means.loc["cost_recovery", "fees"]).dropna()
    mean, low, high, _ = mean_ci(ratio)
    floor, ceiling = BENEFIT_COST_RANGE
    return _row(
        "benefit_cost",
        7,
        BEHAVIOURS[7],
        "welfare gain of free over cost recovery per RMB of fees forgone (supply fixed, x; "
        f"published cases {floor:g}-{ceiling:g}x, Houghton 13x)",
        mean,
        low,
        high,
        floor <= mean <= ceiling,
    )


def _operators(r: Results) -> list[dict]:
    rows = []
    runs = r.ok[(r.ok["operator_cap"] == "price") & (r.ok["operators"] > 0)]
    caps = sorted(runs["price_cap"].unique())
    tight, loose = caps[0], caps[-1]
    for outcome, sign, label, key in (
        ("welfare_mean", 1, "welfare", "cap_welfare"),
        ("operator_profit_mean", -1, "operator profit", "cap_profit"),
    ):
        # Pooled over licences x shares x infrastructure; the cells share seeds, so the
        # interval is clustered by replication rather than over cells as if independent.
        e = pooled_effect(
            runs, {"price_cap": loose}, {"price_cap": tight}, outcome, factors=r.factors
        )
        mean, low, high = e["effect"], e["ci_low"], e["ci_high"]
        holds = (low > 0) if sign > 0 else (high < 0)
        rows.append(
            _row(
                key,
                3,
                BEHAVIOURS[3],
                f"{label}: cap {tight:g}x minus {loose:g}x, pooled "
                "over licences, shares and infrastructure, clustered by seed (RMB per quarter)",
                mean,
                low,
                high,
                holds,
            )
        )
    rev = r.ok[(r.ok["operator_cap"] == "revenue") & (r.ok["operators"] > 0)]
    ratio = rev["operator_profit_mean"] / rev["operator_profit_mean"].abs().max()
    price_profit = runs["operator_profit_mean"].mean()
    # Each replication's mean over the design cells first: cells that share a seed are one
    # cluster, not independent observations.
    mean, low, high, _ = mean_ci(rev.groupby("replication")["operator_profit_mean"].mean())
    rows.append(
        _row(
            "revenue_cap_profit",
            3,
            BEHAVIOURS[3],
            "operator profit under the revenue cap (RMB per "
            "quarter; the price-cap mean is "
            f"{price_profit / 1e9:.1f} bn)",
            mean,
            low,
            high,
            high < price_profit and bool(np.isfinite(ratio).all()),
        )
    )
    return rows


def _who_trades(r: Results) -> list[dict]:
    rows = []
    for better, worse in (("broad", "hoard"), ("hoard", "ban")):
        e = _effect(r.ok, {"private_data": worse}, "welfare_mean", r.factors, private_data=better)
        rows.append(
            _effect_row(
                f"{better}_vs_{worse}",
                4,
                f"welfare gain of {better} over {worse} (RMB per quarter)",
                e,
                e["ci_low"] > 0,
            )
        )
    return rows


def _cross_border(r: Results) -> list[dict]:
    rows = []
    runs = r.ok
    open_runs = runs[runs["openness"].isin([0.0, 1.0])]
    for bridge in (False, True):
        sub = open_runs[open_runs["hk_bridge"] == bridge]
        for strict in (0.5, 0.0):
            # Closure at the same review level: one closed run a seed. (Review has nothing
            # to do when nothing crosses, but each closed run is paired once, not once a level.)
            closed = sub[(sub["openness"] == 0.0) & (sub["review_strictness"] == strict)]
            pair = pd.concat(
                [
                    closed.assign(arm="closed"),
                    sub[(sub["openness"] == 1.0) & (sub["review_strictness"] == strict)].assign(
                        arm="open"
                    ),
                ]
            )
            e = _effect(pair, {"arm": "closed"}, "welfare_mean", ["arm"], arm="open")
            name = "with safeguards (review 0.5)" if strict else "without safeguards (review 0)"
            key = "safeguards" if strict else "no_safeguards"
            rows.append(
                _row(
                    f"{key}_vs_closure{'_bridge' if bridge else ''}",
                    5,
                    BEHAVIOURS[5],
                    f"welfare gain of full openness {name} over "
                    f"closure{', bridge' if bridge else ''} (RMB per quarter)",
                    e["effect"],
                    e["ci_low"],
                    e["ci_high"],
                    e["ci_low"] > 0,
                )
            )
        safe = sub[(sub["openness"] == 1.0) & (sub["review_strictness"] == 0.5)]
        unsafe = sub[(sub["openness"] == 1.0) & (sub["review_strictness"] == 0.0)]
        pair = pd.concat([safe.assign(arm="safe"), unsafe.assign(arm="unsafe")])
        e = _effect(pair, {"arm": "unsafe"}, "welfare_mean", ["arm"], arm="safe")
        rows.append(
            _row(
                f"safeguards_vs_none{'_bridge' if bridge else ''}",
                5,
                BEHAVIOURS[5],
                "welfare gain of openness with safeguards over "
                f"openness without{', bridge' if bridge else ''} (RMB per quarter)",
                e["effect"],
                e["ci_low"],
                e["ci_high"],
                e["ci_low"] > 0,
            )
        )
    # The bridge at equal openness and review: more market for no more incidents.
    both = runs[runs["openness"] > 0]
    factors = r.factors
    bridge = ({"hk_bridge": False}, {"hk_bridge": True})
    gain_market = pooled_effect(both, *bridge, "market_size_mean", factors=factors)
    mean, low, high = gain_market["effect"], gain_market["ci_low"], gain_market["ci_high"]
    inc = float(pooled_effect(both, *bridge, "incidents_total", factors=factors)["effect"])
    rows.append(
        _row(
            "bridge_market",
            5,
            BEHAVIOURS[5],
            "data market gain from the bridge at equal openness and "
            f"review, pooled over settings, clustered by seed (RMB per quarter; "
            f"incidents {inc:+.2f})",
            mean,
            low,
            high,
            low > 0 and inc <= 0.5,
        )
    )
    return rows
