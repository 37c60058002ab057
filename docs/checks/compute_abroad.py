"""When does China's data work use partners' compute abroad (E30, E31; docs/ODD.md 7.8)?

Run: ``python docs/checks/compute_abroad.py`` (``china_2024``, 2,000 firms, 40 quarters,
seeds 1-10, two processes; about three minutes). For today's domestic capacity growth (East
10%, West 20% a year) and for capacity frozen at its 2019 level, at the default foreign
price (2.0) and the low end of its range (1.3): the share of data work run abroad at full
openness, utilisation in 2031Q4 with and without openness, the domestic price firms plan
with, and the paired welfare effect of full openness (review 0.5) over closure (RMB bn a
quarter, ten-year mean, with its standard error over the seeds).
"""

from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from econ import DataEconomy, Policy

SEEDS = range(1, 11)
CAPACITY = {
    "today's capacity growth": {},
    "capacity frozen": {"compute_growth_east": 0.0, "compute_growth_west": 0.0},
}
PRICES = (2.0, 1.3)


def summary(seed: int, levers: dict, params: dict) -> tuple[float, float, float, float]:
    """Welfare (mean, RMB), abroad share (mean), 2031Q4 utilisation and compute cost."""
    model = DataEconomy(Policy(operators=2, **levers), n_firms=2000, seed=seed, **params)
    series = model.run(40)
    return (
        float(series["welfare"].mean()),
        float(series["compute_abroad_share"].mean()),
        float(series["compute_utilisation"].iloc[-1]),
        model.compute.cost_per_data_unit,
    )


def cell(pool, levers: dict, params: dict) -> pd.DataFrame:
    """One policy's runs over SEEDS, a row each."""
    rows = pool.map(partial(summary, levers=levers, params=params), SEEDS)
    return pd.DataFrame(list(rows), columns=["welfare", "abroad", "utilisation", "cost"])


if __name__ == "__main__":
    closed, opened = {"openness": 0.0}, {"openness": 1.0, "review_strictness": 0.5}
    with ProcessPoolExecutor(2) as pool:
        for label, capacity in CAPACITY.items():
            for price in PRICES:
                shut = cell(pool, {**closed, **capacity}, {"foreign_compute_price": price})
                open_ = cell(pool, {**opened, **capacity}, {"foreign_compute_price": price})
                gain = (open_["welfare"] - shut["welfare"]) / 1e9
                print(
                    f"{label}, foreign price {price}: abroad {open_['abroad'].mean():.1%} of "
                    f"data work; utilisation 2031Q4 {open_['utilisation'].mean():.1%} open, "
                    f"{shut['utilisation'].mean():.1%} closed; compute cost per data unit "
                    f"{open_['cost'].mean():,.0f} open, {shut['cost'].mean():,.0f} closed "
                    f"(RMB); openness - closure {gain.mean():+.1f} bn "
                    f"(se {gain.std(ddof=1) / np.sqrt(len(gain)):.1f})"
                )
