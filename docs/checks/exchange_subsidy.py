"""Does a temporary exchange subsidy tip the market? (docs/findings.md, "Data exchanges").

Run: ``python docs/checks/exchange_subsidy.py`` (``china_2024``, 2,000 firms, seeds 1-3).
Exchange trading is free (fee 0) for the first two or four years, then at today's fee (1);
prints the exchange-traded share in quarters 1, 8, 9, 12, 16, 17, 20 and 40.
"""

from econ import DataEconomy, Policy

SHOWN = (0, 7, 8, 11, 15, 16, 19, 39)

for seed in (1, 2, 3):
    paths = {}
    for name, free_quarters in (("never", 0), ("2 years", 8), ("4 years", 16)):
        model = DataEconomy(Policy(), n_firms=2000, seed=seed)
        shares = []
        for quarter in range(40):
            fee = 0.0 if quarter < free_quarters else 1.0
            model.policy = model.policy.replace(exchange_fee=fee)
            model.step()
            shares.append(model.exchanges.liquidity)
        paths[name] = [round(shares[i], 3) for i in SHOWN]
    print(seed, paths)
