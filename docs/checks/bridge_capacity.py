"""What the Hong Kong bridge's finite capacity does (E32; docs/ODD.md 7.7).

Run: ``python docs/checks/bridge_capacity.py`` (``china_2024``, 2,000 firms, 40 quarters,
seeds 1-10, two processes; about two minutes). With two operators and review 0.5, at three
levels of openness: the share of cross-border transfers the bridge carries (mean over the
ten years), and the bridge's paired effect on the data market and on welfare (RMB bn a
quarter, ten-year means, with standard errors over the seeds) at its default capacity and
with room for every transfer.
"""

from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from econ import DataEconomy, Policy

SEEDS = range(1, 11)
OPENNESS = (0.3, 0.6, 1.0)
UNLIMITED = 1e9


def summary(seed: int, levers: dict, params: dict) -> tuple[float, float, float]:
    """Market and welfare (means, RMB) and the bridge's coverage (mean) of one run."""
    policy = Policy(operators=2, review_strictness=0.5, **levers)
    series = DataEconomy(policy, n_firms=2000, seed=seed, **params).run(40)
    return (
        float(series["market_size"].mean()),
        float(series["welfare"].mean()),
        float(series["bridge_coverage"].mean()),
    )


def cell(pool, levers: dict, params: dict) -> pd.DataFrame:
    """One setting's runs over SEEDS, a row each."""
    rows = pool.map(partial(summary, levers=levers, params=params), SEEDS)
    return pd.DataFrame(list(rows), columns=["market", "welfare", "coverage"])


def effect(treated: pd.Series, base: pd.Series) -> str:
    """The paired effect, 'mean (se)' in RMB bn."""
    d = (treated - base) / 1e9
    return f"{d.mean():+.1f} (se {d.std(ddof=1) / np.sqrt(len(d)):.1f})"


if __name__ == "__main__":
    with ProcessPoolExecutor(2) as pool:
        for openness in OPENNESS:
            none = cell(pool, {"openness": openness}, {})
            finite = cell(pool, {"openness": openness, "hk_bridge": True}, {})
            roomy = cell(
                pool, {"openness": openness, "hk_bridge": True}, {"bridge_capacity": UNLIMITED}
            )
            print(
                f"openness {openness}: the bridge carries {finite['coverage'].mean():.0%} of "
                f"transfers; bridge - none, market {effect(finite['market'], none['market'])} "
                f"bn, welfare {effect(finite['welfare'], none['welfare'])} bn; with room for "
                f"all, market {effect(roomy['market'], none['market'])} bn, welfare "
                f"{effect(roomy['welfare'], none['welfare'])} bn"
            )
