"""Early losses of data-driven entry, with and without E2c's set-up cost (docs/findings.md).

Run: ``python docs/checks/firm_dynamics.py`` (``china_2024``, 4,000 firms, seed 1, 24
quarters at today's defaults). Prints the share of entrants losing money in their first
quarter, of firms aged a year or less and of firms older than two years, and entries and
exits.
"""

from econ import DataEconomy
from econ.agents.firms import is_abroad


def losses(**changes) -> tuple[float, float, float, int, int]:
    """Loss shares by age, and entries and exits, over 24 quarters."""
    model = DataEconomy(scenario="china_2024", n_firms=4000, seed=1, **changes)
    t = model.firms.table
    counts = {"entrant": [0, 0], "young": [0, 0], "old": [0, 0]}
    for _ in range(24):
        model.step()
        live, loss = t.active & ~is_abroad(t.region), t.surplus < 0
        groups = {
            "entrant": live & (t.age == 1),
            "young": live & (t.age >= 1) & (t.age <= 4),
            "old": live & (t.age > 8),
        }
        for name, member in groups.items():
            counts[name][0] += int((member & loss).sum())
            counts[name][1] += int(member.sum())
    df = model.datacollector.get_model_vars_dataframe()
    shares = [lost / total for lost, total in counts.values()]
    return (*shares, int(df["entries"].sum()), int(df["exits"].sum()))


for changes in ({}, {"data_setup_cost_share": 0.0}):
    entrant, young, old, entries, exits = losses(**changes)
    print(
        f"{changes or 'defaults'}: entrants losing {100 * entrant:.1f}%, aged <= 4 quarters "
        f"{100 * young:.1f}%, aged > 8 {100 * old:.1f}%, entries {entries}, exits {exits}"
    )
