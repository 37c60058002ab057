"""The baseline's growth taken apart: each growth channel off in turn (docs/findings.md).

Run: ``python docs/checks/growth_parts.py`` (``china_2024``, 2,000 firms, seeds 1-3, 40
quarters). Prints 2022 output and the market, their growth, and the 2025 and 2030 markets.
"""

import numpy as np

from econ import DataEconomy

CHANNELS = {
    "both": {},
    "no supply growth": {"private_supply_growth": 0.0},
    "no AI trend": {"ai_data_value_growth": 0.0},
    "neither": {"private_supply_growth": 0.0, "ai_data_value_growth": 0.0},
    "no productivity growth": {"tfp_growth": 0.0},
}


def yearly(seed: int, **changes) -> tuple[np.ndarray, np.ndarray]:
    """Output (RMB tn) and the paid market (RMB bn) in each of ten years."""
    df = DataEconomy(scenario="china_2024", n_firms=2000, seed=seed, **changes).run(40)
    years = np.arange(40) // 4
    return (
        df["output"].groupby(years).sum().to_numpy() / 1e12,
        df["market_size"].groupby(years).sum().to_numpy() / 1e9,
    )


for name, changes in CHANNELS.items():
    runs = [yearly(seed, **changes) for seed in (1, 2, 3)]
    out, market = (np.mean([r[i] for r in runs], axis=0) for i in (0, 1))
    print(
        f"{name}: output 2022 {out[0]:.1f} tn, 2023 growth {100 * (out[1] / out[0] - 1):.1f}%, "
        f"2022-31 {100 * ((out[9] / out[0]) ** (1 / 9) - 1):.1f}%/yr | market 2022 "
        f"{market[0]:.1f} bn, 2022-24 {100 * ((market[2] / market[0]) ** 0.5 - 1):.1f}%/yr, "
        f"2025 {market[3]:.0f} bn, 2030 {market[8]:.0f} bn"
    )
