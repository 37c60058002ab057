"""The held-out validation rows of issue #12: benefit/cost of free data and firm-size skew.

Each row is computed from synthetic results whose answer is known, so a row that reads the
wrong arm, the wrong column or the wrong quarters fails here; and the skew metric (E24) is
checked against the firms' own outputs in a real run.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from econ import equations as eq
from econ.categories import is_abroad
from econ.model import DataEconomy
from econ.study.validation import BENEFIT_COST_RANGE, _benefit_cost, _skew_free, _skew_trend

REPLICATIONS = 4


def _pricing_series(multiple: float) -> pd.DataFrame:
    """Free gains ``multiple`` times cost recovery's fees; other arms are decoys."""
    rows = []
    for rep in range(REPLICATIONS):
        for step in range(1, 9):
            fees = 100.0 + 10 * rep + step  # uses 10 x fee (10 + rep/10 + step/100)
            base = 5_000.0 + 50 * rep
            arms = {
                # (pricing, price_level, supply_responds): (welfare, uses, price)
                ("cost_recovery", 1.0, False): (base, 10.0, fees / 10.0),
                ("free", 1.0, False): (base + multiple * fees * (1 + 0.01 * rep), 40.0, 0.0),
                # Decoys a wrong selection would read: other fee levels, responding supply.
                ("cost_recovery", 2.0, False): (base - 9_999.0, 5.0, 2 * fees),
                ("free", 1.0, True): (base + 77_777.0, 40.0, 0.0),
                ("cost_recovery", 1.0, True): (base, 1.0, 1.0),
            }
            for (pricing, level, responds), (welfare, uses, price) in arms.items():
                rows.append(
                    {
                        "replication": rep,
                        "step": step,
                        "pricing": pricing,
                        "price_level": level,
                        "supply_responds": responds,
                        "welfare": welfare,
                        "public_data_uses": uses,
                        "public_price": price,
                    }
                )
    return pd.DataFrame(rows)


def test_benefit_cost_is_the_welfare_gain_per_rmb_of_fees_forgone():
    row = _benefit_cost(_pricing_series(13.0))
    assert row["key"] == "benefit_cost" and row["behaviour"] == 7
    # Each replication's ratio is 13 (1 + 0.01 rep): the mean over four is 13 x 1.015.
    assert row["value"] == pytest.approx(13.0 * 1.015)
    assert row["ci_low"] < row["value"] < row["ci_high"]
    assert row["holds"]


@pytest.mark.parametrize("multiple", [1.0, 100.0])
def test_benefit_cost_outside_the_published_range_does_not_hold(multiple):
    row = _benefit_cost(_pricing_series(multiple))
    assert not BENEFIT_COST_RANGE[0] <= row["value"] <= BENEFIT_COST_RANGE[1]
    assert not row["holds"]


def _skew_series(gap: float) -> pd.DataFrame:
    rows = []
    for rep in range(REPLICATIONS):
        base = 0.35 + 0.01 * rep  # replications differ, the pairing removes it
        arms = {
            ("cost_recovery", 1.0, False): base,
            ("free", 1.0, False): base + gap + 0.001 * rep,
            # Decoys a wrong selection would read.
            ("cost_recovery", 0.5, False): base + 0.5,
            ("free", 1.0, True): base - 0.3,
        }
        for (pricing, level, responds), share in arms.items():
            for step in range(1, 5):
                rows.append(
                    {
                        "pricing": pricing,
                        "price_level": level,
                        "supply_responds": responds,
                        "replication": rep,
                        "step": step,
                        # The quarters average to the arm's share.
                        "top_decile_share": share + (step - 2.5) * 0.01,
                    }
                )
    return pd.DataFrame(rows)


def test_skew_row_is_the_paired_gap_of_free_over_cost_recovery():
    row = _skew_free(_skew_series(0.01))
    assert row["key"] == "size_skew_free" and row["behaviour"] == 8
    assert row["value"] == pytest.approx(100 * (0.01 + 0.0015))  # percentage points
    assert row["holds"]
    assert not _skew_free(_skew_series(-0.01))["holds"]


def _baseline(first: float, last: float) -> SimpleNamespace:
    rows = [
        {
            "run_id": run,
            "step": step,
            "top_decile_share": (first if step <= 4 else last) + run / 100,
        }
        for run in range(3)
        for step in range(1, 41)
    ]
    # A middle year that a wrong window would read.
    frame = pd.DataFrame(rows)
    frame.loc[frame["step"].between(17, 20), "top_decile_share"] = 0.99
    return SimpleNamespace(series=frame)


def test_skew_trend_reads_the_first_and_last_years():
    row = _skew_trend(_baseline(0.30, 0.38))
    assert row["key"] == "size_skew_trend"
    assert row["value"] == pytest.approx(8.0)  # percentage points
    assert row["holds"]
    assert not _skew_trend(_baseline(0.38, 0.30))["holds"]


def test_top_decile_share_is_e24_of_active_mainland_firms_output():
    model = DataEconomy(scenario="small", n_firms=300, seed=4, collect_agents=True)
    for _ in range(3):
        model.step()
    firms = model.firms.table
    mainland = firms.active & ~is_abroad(firms.region)
    reported = model.datacollector.get_model_vars_dataframe()["top_decile_share"].iloc[-1]
    assert reported == pytest.approx(eq.top_share(firms.output[mainland]))
    # Not the same as counting every slot, or the foreign firms, or no skew at all.
    assert reported != pytest.approx(eq.top_share(firms.output))
    assert 0.1 < reported < 1.0
    assert np.count_nonzero(mainland) >= 10


def _output_baseline(
    first_year_per_quarter: float, second_year: float = 2.0, quarters: int = 8
) -> SimpleNamespace:
    """Two runs: the first year's output as given, the second year's ``second_year`` times it
    (by default doubled: a row that read the wrong year would be twice off)."""
    rows = []
    for run, wobble in (("a", 0.99), ("b", 1.01)):
        for step in range(1, quarters + 1):
            level = first_year_per_quarter * wobble * (1 if step <= 4 else second_year)
            rows.append({"run_id": run, "step": step, "output": level})
    return SimpleNamespace(series=pd.DataFrame(rows))


def test_output_2022_is_the_first_years_output_against_cac():
    from econ.study.validation import OUTPUT_2022_RMB, _output_2022

    row = _output_2022(_output_baseline(OUTPUT_2022_RMB / 4))
    assert row["key"] == "output_2022" and row["behaviour"] == 9
    assert row["value"] == pytest.approx(OUTPUT_2022_RMB)
    assert row["holds"]
    assert _output_2022(_output_baseline(1.08 * OUTPUT_2022_RMB / 4))["holds"]
    assert not _output_2022(_output_baseline(1.12 * OUTPUT_2022_RMB / 4))["holds"]
    assert not _output_2022(_output_baseline(0.88 * OUTPUT_2022_RMB / 4))["holds"]


def test_output_growth_2023_is_the_second_years_output_over_the_firsts_against_caicts():
    from econ.study.validation import OUTPUT_2022_RMB, OUTPUT_2023_RMB, _output_growth_2023

    expected = OUTPUT_2023_RMB / OUTPUT_2022_RMB - 1
    assert expected == pytest.approx(0.0737, abs=1e-4)
    row = _output_growth_2023(_output_baseline(1e12, 1 + expected))
    assert row["key"] == "output_growth_2023" and row["behaviour"] == 9
    assert row["value"] == pytest.approx(expected)
    assert row["holds"]
    # Within 2.5 points either way, not beyond.
    assert _output_growth_2023(_output_baseline(1e12, 1 + expected + 0.02))["holds"]
    assert not _output_growth_2023(_output_baseline(1e12, 1 + expected + 0.03))["holds"]
    assert not _output_growth_2023(_output_baseline(1e12, 1 + expected - 0.03))["holds"]
    # Runs shorter than two years have no second year: no value, and the claim does not hold.
    short = _output_growth_2023(_output_baseline(1e12, quarters=4))
    assert np.isnan(short["value"]) and not short["holds"]


def _exchange_runs(share_2022: float, share_2030: float, quarters: int = 36) -> SimpleNamespace:
    """Runs at today's fee (1) and a decoy at fee 0 whose shares are far off: a row that read
    the wrong fee or the wrong year would show it."""
    rows = []
    for fee, scale in ((1.0, 1.0), (0.0, 30.0)):
        for run, wobble in (("a", 0.98), ("b", 1.02)):
            for step in range(1, quarters + 1):
                share = share_2030 if step > 32 else share_2022 if step <= 4 else 0.5
                rows.append(
                    {"run_id": f"{run}{fee}", "step": step, "exchange_fee": fee,
                     "exchange_share": min(1.0, share * wobble * scale)}
                )  # fmt: skip
    return SimpleNamespace(series=pd.DataFrame(rows))


def test_exchange_rows_read_todays_fee_in_2022_and_2030():
    from econ.study.validation import _exchanges

    first, last = _exchanges(_exchange_runs(0.025, 0.03))
    assert first["key"] == "exchange_share_2022" and first["behaviour"] == 10
    assert first["value"] == pytest.approx(2.5) and first["holds"]  # percent
    assert last["key"] == "exchange_share_2030"
    assert last["value"] == pytest.approx(3.0) and not last["holds"]
    first, last = _exchanges(_exchange_runs(0.04, 0.25))
    assert not first["holds"] and last["holds"]
    assert not _exchanges(_exchange_runs(0.015, 0.25))[0]["holds"]
    # Runs that stop before 2030 have no value there, and the claim does not hold.
    short = _exchanges(_exchange_runs(0.025, 0.25, quarters=8))[1]
    assert np.isnan(short["value"]) and not short["holds"]


def test_yearly_rows_average_the_runs_in_plan_order_not_by_run_id():
    # Run ids hash the model's code, so a row that sorted runs by id would change its last
    # digits whenever the code did. Yearly outputs 1e16, -1e16 and 1 sum to 1 in plan order
    # and to 0 in the ids' order (a, m, z).
    from econ.study.validation import _output_2022

    rows = [
        {"run_id": run, "step": step, "output": yearly / 4}
        for run, yearly in (("z", 1e16), ("a", -1e16), ("m", 1.0))
        for step in range(1, 5)
    ]
    row = _output_2022(SimpleNamespace(series=pd.DataFrame(rows)))
    assert row["value"] == 1.0 / 3


def test_a_year_the_runs_report_only_in_part_has_no_value():
    from econ.study.validation import _output_2022, _output_growth_2023

    # Five quarters: the second year has one quarter, which is not a year's output.
    partial = _output_growth_2023(_output_baseline(1e12, quarters=5))
    assert np.isnan(partial["value"]) and not partial["holds"]
    assert _output_2022(_output_baseline(1e12, quarters=5))["value"] == pytest.approx(4e12)


def test_openness_over_closure_pairs_each_closed_run_once():
    from scipy import stats

    from econ.study.validation import _cross_border

    # Closure at every review level gives the same run for a seed (nothing crosses), as in
    # the cross_border design; a row that paired every closed run with each open one would
    # count every seed three times and report an interval about half as wide.
    rng = np.random.default_rng(5)
    replications = 6
    closed = rng.normal(100.0, 10.0, replications)
    rows = []
    for bridge in (False, True):
        for openness in (0.0, 0.5, 1.0):
            for strict in (0.0, 0.5, 1.0):
                gain = 0.0 if openness == 0 else openness * (5.0 + 3.0 * strict + bridge)
                noise = rng.normal(0.0, 4.0, replications) if openness else 0.0
                for r in range(replications):
                    y = closed[r] + gain + (noise[r] if openness else 0.0)
                    rows.append(
                        {"openness": openness, "review_strictness": strict, "hk_bridge": bridge,
                         "replication": r, "status": "ok", "welfare_mean": y,
                         "market_size_mean": y, "incidents_total": openness * 10.0 + r}
                    )  # fmt: skip
    runs = pd.DataFrame(rows)
    results = SimpleNamespace(ok=runs, factors=["openness", "review_strictness", "hk_bridge"])
    row = next(r for r in _cross_border(results) if r["key"] == "safeguards_vs_closure")
    open_runs = runs[(runs["openness"] == 1.0) & (runs["review_strictness"] == 0.5)
                     & ~runs["hk_bridge"]]  # fmt: skip
    diff = open_runs["welfare_mean"].to_numpy() - closed
    low, high = stats.t.interval(0.95, replications - 1, diff.mean(), stats.sem(diff))
    assert row["value"] == pytest.approx(diff.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
