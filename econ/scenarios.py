"""Scenarios: named sets of everything that is not policy (ODD 5, "Initialisation", and 7).

A :class:`Scenario` holds model sizes, behavioural parameters and initial conditions. Each
parameter records its unit and where its value comes from. ``china_2024`` is the calibrated
default; ``small`` keeps tests fast. Build variants with ``get_scenario(name, **changes)``.

Money is in RMB. The simulated economy is a scaled-down copy of the real one: at start-up the
model works out how many real firms each simulated firm stands for, the national output of
the data-using economy (``national_output_rmb``, 2019) over the simulated firms' output
(``econ.calibration.national_scale``). The 2022 market (``market_size_2022_rmb``) is not a
scale but a calibration target, which the estimated parameters match approximately.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from econ.parameters import Parameter, ParameterError, ParameterSet, shown

__all__ = [
    "ESTIMATE_FILE",
    "REGIONS",
    "SCENARIOS",
    "SECTORS",
    "Scenario",
    "calibrations_root",
    "get_scenario",
    "resolve_estimate",
]

#: Sectors of data-using firms; the first two carry most data demand (CDTM 2023).
SECTORS = ("finance", "internet", "manufacturing", "health", "logistics", "public_services")
#: Regions: mainland east and west, Hong Kong, and the rest of the world.
REGIONS = ("east", "west", "hong_kong", "foreign")

ARTICLE = "NDA press conference, reported by Ta Kung Pao, 2024"
CDTM = "China Data Trading Market report 2023 (CDTM)"
ASSUMED = "assumption (see docs/ODD.md 7)"
CAC = "CAC (2023), Digital China Development Report 2022: digital economy RMB 50.2 tn, 41.5% of GDP"
CAICT = (
    "CAICT (2020), China Digital Economy Development White Paper: digital economy RMB 35.8 tn "
    "in 2019, 36.2% of GDP"
)
IBM = "IBM & Ponemon (2023), Cost of a Data Breach: global mean USD 4.45 m (x 7.1 RMB/USD)"
CALIBRATED = "calibrated (see docs/ODD.md 8)"
NDRS = (
    "National Data Resources Survey Report (2023), NDA and the National Industrial Information "
    "Security Development Research Centre, May 2024: data production 32.85 ZB in 2023, +22.44%"
)
ESTIMATED = "estimated: posterior mean of `econ calibrate china_2024` (see docs/ODD.md 8)"


def _p(
    name,
    default,
    unit,
    description,
    low=None,
    high=None,
    kind=float,
    source=ASSUMED,
    plausible=None,
):
    return Parameter(
        name, default, unit, description, low, high, kind=kind, source=source, plausible=plausible
    )


def _share(name, default, description, plausible, unit="share", source=ASSUMED):
    """A behavioural share in [0, 1] with the range a sensitivity analysis varies it over."""
    return _p(name, default, unit, description, 0, 1, source=source, plausible=plausible)


SCENARIO_PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- sizes -------------------------------------------------------------------------
        _p("n_firms", 10_000, "firms", "Simulated firm slots (all regions).", 10, 1_000_000, int),
        _p(
            "n_holders",
            226,
            "holders",
            "Public data holders (local open-data platforms).",
            1,
            10_000,
            int,
            ARTICLE,
        ),
        _p(
            "n_private_suppliers",
            40,
            "suppliers",
            "Private data suppliers and brokers.",
            0,
            10_000,
            int,
            plausible=(20, 80),
        ),
        _p(
            "n_foreign_products",
            12,
            "products",
            "Data products supplied from abroad and Hong Kong.",
            0,
            1_000,
            int,
            plausible=(6, 24),
        ),
        _p(
            "share_hong_kong",
            0.02,
            "share of firms",
            "Firm slots located in Hong Kong.",
            0,
            0.5,
            plausible=(0.01, 0.04),
        ),
        _p(
            "share_foreign",
            0.05,
            "share of firms",
            "Firm slots located abroad.",
            0,
            0.5,
            plausible=(0.02, 0.1),
        ),
        _p(
            "share_west",
            0.30,
            "share of mainland firms",
            "Mainland firms in the West.",
            0,
            1,
            plausible=(0.2, 0.4),
        ),
        _p(
            "share_public_interest",
            0.08,
            "share of mainland firms",
            "Hospitals, universities and utilities that qualify for free public-interest use.",
            0,
            1,
            plausible=(0.04, 0.15),
        ),
        # --- visibility and search ---------------------------------------------------------
        _p(
            "public_seen",
            8,
            "products",
            "Public data products a firm can see with registration and disclosure.",
            1,
            200,
            int,
            plausible=(4, 16),
        ),
        _p(
            "public_seen_unregistered",
            3,
            "products",
            "Public data products a firm sees without registration.",
            1,
            200,
            int,
            plausible=(1, 6),
        ),
        _p(
            "private_seen",
            4,
            "products",
            "Private data products a firm sees.",
            0,
            200,
            int,
            plausible=(2, 8),
        ),
        # --- initial conditions (article and market figures) -------------------------------
        _p(
            "open_datasets",
            340_000,
            "datasets",
            "Valid open public datasets at start.",
            0,
            1e8,
            source=ARTICLE,
        ),
        _p(
            "market_size_2022_rmb",
            87.68e9,
            "RMB per year",
            "National data market at start; sets how many real firms a simulated firm stands for.",
            1,
            1e14,
            source=CDTM,
        ),
        _p(
            "national_output_rmb",
            35.8e12,
            "RMB per year",
            "Value added of the data-using economy in the initial economy, the start of the "
            "spin-up (2019 with 12 quarters); with mean_output_rmb it fixes how many real firms "
            "a simulated firm stands for (one scale per scenario). 2022's RMB 50.2 tn (CAC "
            "2023) is a held-out check. The narrower core digital industries were RMB 12.8 tn "
            "in 2023 (NBS 2024).",
            1,
            1e15,
            source=CAICT,
        ),
        _p(
            "racks",
            1.46e6,
            "standard racks",
            "Capacity of the 10 national data-centre clusters.",
            1,
            1e9,
            source=ARTICLE,
        ),
        _p(
            "rack_utilisation",
            0.48,
            "share",
            "Rack utilisation in the initial economy (2019, the start of the spin-up), E10's "
            "reference. The seed gives 58.7% for 2022 and 62.72% for 2024 (NDA), not 2019: "
            "estimated with the others, 2022's level and the rise to 2024 identifying it with "
            "base_load_growth.",
            0.01,
            0.99,
            source=ESTIMATED,
            plausible=(0.4, 0.65),
        ),
        _p(
            "east_rack_share",
            0.55,
            "share",
            "Share of racks in eastern hub nodes.",
            0,
            1,
            plausible=(0.45, 0.65),
        ),
        _p(
            "latency_ms",
            20.0,
            "ms",
            "East-west network latency between hub nodes.",
            0,
            500,
            source=ARTICLE,
        ),
        _p(
            "china_compute_share",
            0.33,
            "share of world",
            "China's share of global compute; with the foreign share it sets the relative "
            "breadth of foreign data products and the compute abroad open to China's firms.",
            0.01,
            1,
            source=ARTICLE,
        ),
        _p(
            "foreign_compute_share",
            0.55,
            "share of world",
            "Share of the US (34%), Europe (17%) and Japan (4%); with China's share it sizes "
            "partners' data products and the compute abroad open to China's firms (E31).",
            0,
            1,
            source=ARTICLE,
        ),
        _p(
            "initial_effort",
            0.5,
            "effort in [0, 1]",
            "Public holders' supply effort at start.",
            0,
            1,
            plausible=(0.3, 0.7),
        ),
        # --- firms and production (ODD 7.2) ------------------------------------------------
        _p(
            "capital_elasticity",
            0.3,
            "exponent",
            "alpha in Y = A K^alpha (1 + D/D0)^beta.",
            0,
            1,
            plausible=(0.25, 0.4),
        ),
        _p(
            "data_elasticity",
            0.063,
            "exponent",
            "beta: returns to data diminish (beta < 1; Farboodi & Veldkamp 2021).",
            0,
            1,
            source=ESTIMATED,
            plausible=(0.04, 0.12),
        ),
        _p(
            "data_scale",
            1.0,
            "data units",
            "D0, the data stock at which data doubles its effect.",
            1e-6,
            1e6,
            plausible=(0.5, 2.0),
        ),
        _p(
            "data_depreciation",
            0.10,
            "per quarter",
            "Share of a data stock that goes stale each quarter.",
            0,
            1,
            plausible=(0.05, 0.25),
        ),
        _p(
            "byproduct_rate",
            0.02,
            "data units per quarter",
            "Own data a firm of average initial output generates as a by-product of production.",
            0,
            10,
            source="Farboodi & Veldkamp (2021): data is a by-product of activity",
            plausible=(0.01, 0.04),
        ),
        _p(
            "mean_output_rmb",
            5e6,
            "RMB per quarter",
            "Mean quarterly output of a simulated firm at start.",
            1,
            1e12,
            plausible=(2500000.0, 10000000.0),
        ),
        _p(
            "productivity_dispersion",
            0.8,
            "log sd",
            "Dispersion of firm productivity A.",
            0,
            3,
            source="Farboodi et al. (2019): skewed firm sizes",
            plausible=(0.6, 1.0),
        ),
        _p(
            "ai_data_value_growth",
            0.030,
            "per quarter",
            "g_ai: growth of the value of data to its users from AI (E2d), a trend in data's "
            "contribution to output and so in every licence's value. No source measures it: "
            "it is what the data market's growth implies, estimated with the others.",
            -0.1,
            0.2,
            source=ESTIMATED,
            plausible=(0.0, 0.12),
        ),
        _p(
            "ai_growth_half_life_quarters",
            23.0,
            "quarters",
            "H: quarters in which the growth of data's value (E2d) halves. The CDTM path, "
            "RMB 87.68 bn (2022), 204.6 bn (2025), 515.6 bn (2030), grows 32.6% a year and "
            "then 20.3%: growth falls to 0.62 of itself in the 16 quarters between the two "
            "periods' midpoints, a half-life of 16 ln 2 / ln(1/0.62) = 23 quarters.",
            1,
            1e9,
            source="CDTM (2023) forecast path: 2022, 2025, 2030",
            plausible=(12.0, 48.0),
        ),
        _p(
            "tfp_growth",
            0.0087,
            "per quarter",
            "Exogenous productivity growth, outside data. Output grew 11.9% a year over "
            "2019-22 (RMB 35.8 tn to 50.2 tn, CAICT and CAC), E2d's trend among it: estimated "
            "with the others, 2022 output identifying it with the trend.",
            -0.1,
            0.1,
            source=ESTIMATED,
            plausible=(0.0, 0.015),
        ),
        _p(
            "data_fixed_cost_share",
            0.03,
            "share of mean_output_rmb per quarter",
            "Fixed cost of running a data capability (team, storage, governance) that a firm "
            "pays in every quarter it licenses data (E2b), so small and young firms can lose "
            "money on data before it pays off.",
            0,
            1,
            source="assumption; early losses of data-driven entrants: Farboodi & Veldkamp (2021)",
            plausible=(0.0, 0.06),
        ),
        _p(
            "data_setup_cost_share",
            0.12,
            "share of mean_output_rmb, once",
            "One-off cost of building a data capability (E2c): an entrant pays it in the first "
            "quarter it licenses data; firms of the initial economy have theirs. The default is "
            "a year of E2b's running cost, so a data-driven entrant opens with a loss unless "
            "its data pays at once.",
            0,
            10,
            source="assumption; early losses of data-driven entrants: Farboodi & Veldkamp (2021)",
            plausible=(0.0, 0.24),
        ),
        _p(
            "non_data_cost_share",
            0.85,
            "share of data-free output",
            "Labour and other costs as a share of the output the firm would make without data.",
            0,
            1,
            plausible=(0.75, 0.9),
        ),
        _p(
            "investment_rate",
            0.3,
            "share of surplus",
            "Share of positive surplus invested in capital.",
            0,
            1,
            plausible=(0.2, 0.45),
        ),
        _p(
            "capital_depreciation",
            0.025,
            "per quarter",
            "Capital depreciation.",
            0,
            1,
            plausible=(0.015, 0.04),
        ),
        _p(
            "discount_rate",
            0.02,
            "per quarter",
            "Firms' discount rate when valuing data.",
            0,
            1,
            plausible=(0.01, 0.04),
        ),
        _p(
            "initial_capability",
            0.3,
            "mean in [0, 1]",
            "Mean digital capability at start.",
            0.01,
            0.99,
            plausible=(0.2, 0.45),
        ),
        _p(
            "capability_diffusion",
            0.071,
            "per quarter",
            "Logistic rate at which digital capability spreads.",
            0,
            1,
            source=ESTIMATED,
            plausible=(0.03, 0.12),
        ),
        _p(
            "initial_active_share",
            0.9,
            "share of slots",
            "Firm slots active at start; the rest are room for entry.",
            0.05,
            1,
            plausible=(0.8, 0.95),
        ),
        _p(
            "price_adjustment",
            0.5,
            "per quarter",
            "Speed at which sellers move their price toward the revenue-maximising price.",
            0.01,
            1,
            plausible=(0.25, 0.75),
        ),
        _p(
            "exit_hazard",
            0.01,
            "per quarter",
            "Base probability that a firm exits.",
            0,
            1,
            plausible=(0.005, 0.02),
        ),
        _p(
            "entry_rate",
            0.012,
            "per quarter",
            "Entrants per active firm at average profitability.",
            0,
            1,
            plausible=(0.006, 0.024),
        ),
        _p(
            "paired_entry",
            True,
            "on/off",
            "Draw each entrant from its slot's own stream (ODD 7.2), so arms of a paired "
            "comparison that admit different numbers of entrants still admit the same "
            "firms. False: the draws of earlier releases, one array per characteristic "
            "over the quarter's entrants.",
            kind=bool,
        ),
        # --- data products and their valuation (ODD 7.3) -----------------------------------
        _p(
            "reference_price_rmb",
            30_000.0,
            "RMB per licence-quarter",
            "Reference price of a data product licence; public fees are multiples of it.",
            1,
            1e9,
            source="Azcoitia et al. (2021): median subscription ~USD 1,400/month",
            plausible=(15000.0, 60000.0),
        ),
        _p(
            "fit_tail_index",
            1.3,
            "Pareto index",
            "Tail index of firm-product fit; it sets the price elasticity of demand for data.",
            0.5,
            5,
            source="Houghton (2011): price elasticity of public data ~1.3",
            plausible=(1.1, 2.0),
        ),
        _p("fit_scale", 0.1, "fit units", "Minimum firm-product fit.", 1e-6, 10, source=CALIBRATED),
        _p(
            "fit_max_ratio",
            100.0,
            "x fit_scale",
            "Upper bound of firm-product fit.",
            1.0,
            1e6,
            plausible=(30.0, 300.0),
        ),
        Parameter(
            "public_product_size",
            0.0357,
            "data units",
            "Data a public product adds per licence-quarter at the reference density of "
            "open datasets (E13); 0.05 at start in china_2024, where platforms hold twice as "
            "many datasets each.",
            0.001,
            10,
            source=ASSUMED,
            note="compute_cost_rmb is the compute cost of a public product of this size, "
            "so the size cannot be 0",
            plausible=(0.018, 0.07),
        ),
        _p(
            "reference_datasets_per_holder",
            768.3,
            "datasets per platform",
            "Density of open data at which a public product has public_product_size: about "
            "63,000 datasets on 82 platforms in 2019. More datasets per platform make "
            "broader products (E13), so the dataset count does work.",
            1,
            1e8,
            source="open-data platform surveys: 82 platforms, ~63,000 datasets (2019)",
        ),
        _p(
            "private_product_size",
            0.14,
            "data units",
            "Data a private product adds per licence-quarter; sets the level of the paid "
            "market, which is mostly private data today.",
            0,
            10,
            source=ESTIMATED,
            plausible=(0.05, 0.4),
        ),
        _p(
            "private_supply_growth",
            0.0519,
            "per quarter",
            "g: growth of the data a private product carries, with the nation's data "
            "production (E29), from the initial economy on. Data production grew 22.44% in "
            "2023 (32.85 ZB) and is expected to grow over 25% in 2024: 1.2244^(1/4) - 1 = "
            "0.0519 a quarter. Most of it is never stored or used (2.9% stored, 40% of that "
            "idle for a year), which the small returns to data (E2) carry.",
            0,
            0.5,
            source=NDRS,
            plausible=(0.036, 0.068),
        ),
        _p(
            "sensitive_product_size",
            0.25,
            "data units",
            "Data an operator's product of "
            "processed sensitive public data adds per licence-quarter.",
            0,
            10,
            plausible=(0.12, 0.5),
        ),
        _p(
            "foreign_product_size",
            0.08,
            "data units",
            "Data a foreign product adds per licence-quarter.",
            0,
            10,
            plausible=(0.04, 0.16),
        ),
        _p(
            "integration_cost_rmb",
            1_500.0,
            "RMB per licence-quarter",
            "Cost of integrating a data product for a firm with no digital capability.",
            0,
            1e9,
            source="Houghton (2011): marginal cost of distribution is tiny",
            plausible=(750.0, 3000.0),
        ),
        _p(
            "search_cost_rmb",
            500.0,
            "RMB per product",
            "Search cost without registration and disclosure (registration cuts it by 60%).",
            0,
            1e9,
            plausible=(250.0, 1000.0),
        ),
        _p(
            "sensitive_compliance_cost_rmb",
            6_000.0,
            "RMB per licence-quarter",
            "Compliance cost of sensitive data without infrastructure.",
            0,
            1e9,
            plausible=(3000.0, 12000.0),
        ),
        _p(
            "cross_border_cost_rmb",
            12_000.0,
            "RMB per transfer",
            "Compliance cost of a cross-border transfer without infrastructure or bridge.",
            0,
            1e9,
            plausible=(6000.0, 24000.0),
        ),
        _p(
            "compute_cost_rmb",
            800.0,
            "RMB per licence-quarter",
            "Compute cost of using one data unit-sized product at start-up compute prices.",
            0,
            1e9,
            plausible=(400.0, 1600.0),
        ),
        # --- data exchanges (ODD 7.3, E25-E26) ----------------------------------------------
        _p(
            "exchange_share_start",
            0.025,
            "share of trade value",
            "Exchange-traded share of data trade when the spin-up starts: the exchanges' "
            "liquidity in their first quarter (E25). CDTM 2023 has 2-3% of trade through "
            "exchanges in 2022 (and expects over 20% by 2030).",
            0,
            1,
            source=CDTM,
            plausible=(0.02, 0.03),
        ),
        _share(
            "exchange_saving",
            0.5,
            "Share of a firm's over-the-counter transaction cost (integration, contracting, "
            "compliance assessment) that a trade on a fully liquid exchange saves (E25).",
            (0.25, 0.75),
        ),
        _share(
            "exchange_liquidity_half",
            0.2,
            "Exchange-traded share of trade at which an exchange saves half its full saving "
            "(E25): below it, thin exchanges save little, so liquidity feeds on itself.",
            (0.1, 0.4),
            unit="share of trade value",
        ),
        _p(
            "exchange_cost_rmb",
            610.0,
            "RMB per trade",
            "The exchanges' cost of one exchange-traded licence (listing, compliance "
            "assessment, settlement); traders pay exchange_fee times it (E26). No source "
            "gives it; the 2022 exchange share of trade (2-3%, CDTM 2023) identifies it.",
            0,
            1e9,
            source=ESTIMATED,
            plausible=(300.0, 1200.0),
        ),
        _p(
            "exchange_choice_dispersion_rmb",
            150.0,
            "RMB per trade",
            "Scale of firms' idiosyncratic costs of each channel (E26, logit): how far the "
            "exchange's share responds to its net saving.",
            1,
            1e9,
            plausible=(75.0, 300.0),
        ),
        # --- public holders (ODD 7.4) ------------------------------------------------------
        _p(
            "supply_responds",
            True,
            "on/off",
            "Holders choose effort from incentives (False "
            "holds effort at its initial value: 'supply fixed').",
            kind=bool,
        ),
        _p(
            "mandate_share",
            0.31,
            "effort",
            "Effort the baseline mandate alone sustains (m / c in E8).",
            0,
            1,
            source=ESTIMATED,
            plausible=(0.1, 0.5),
        ),
        _p(
            "visibility_value_share",
            0.011,
            "x reference price per use",
            "Value to a holder of one use made visible by registration and disclosure.",
            0,
            10,
            source=ESTIMATED,
            plausible=(0.0, 0.02),
        ),
        _p(
            "fee_retention",
            0.5,
            "share",
            "Share of fee revenue a holder keeps (the rest goes to the treasury).",
            0,
            1,
            plausible=(0.25, 0.75),
        ),
        _p(
            "effort_adjustment",
            0.25,
            "per quarter",
            "Speed at which effort moves to its optimum.",
            0,
            1,
            plausible=(0.1, 0.5),
        ),
        _p(
            "dataset_staleness",
            0.25,
            "per quarter",
            "Share of open datasets that go stale a quarter. Fewer than 10% of platforms "
            "updated their data within two years, so at least 90% of datasets age past two "
            "years without an update: (1 - rho)^8 = 0.1 gives rho = 0.25.",
            0,
            1,
            source="open-data platform surveys: <10% updated within two years",
            plausible=(0.2, 0.4),
        ),
        # --- operators, incidents, regulator (ODD 7.5-7.7) ---------------------------------
        _p(
            "operator_fixed_cost_per_firm_rmb",
            250.0,
            "RMB per firm per quarter",
            "Fixed cost of an authorised operator per simulated firm in the economy.",
            0,
            1e9,
            plausible=(125.0, 500.0),
        ),
        _p(
            "operator_marginal_cost_rmb",
            500.0,
            "RMB per licence-quarter",
            "Marginal cost of serving one licence of processed sensitive data.",
            0,
            1e9,
            plausible=(250.0, 1000.0),
        ),
        _p(
            "security_cost_per_firm_rmb",
            150.0,
            "RMB per firm per quarter",
            "Cost of full security investment by one operator.",
            0,
            1e9,
            plausible=(75.0, 300.0),
        ),
        _p(
            "incident_rate",
            0.002,
            "per sensitive licence-quarter",
            "Incident rate with no infrastructure, security or review.",
            0,
            1,
            plausible=(0.0005, 0.008),
        ),
        _p(
            "cross_border_incident_rate",
            0.004,
            "per sensitive transfer",
            "Incident rate of sensitive cross-border transfers without safeguards.",
            0,
            1,
            plausible=(0.001, 0.016),
        ),
        _p(
            "incident_loss_rmb",
            31.6e6,
            "RMB per incident",
            "Welfare loss of one incident (a data breach); mega breaches cost up to 100 times "
            "more, so the break-even experiment spans RMB 10 m to 300 m.",
            0,
            1e12,
            source=IBM,
            plausible=(15800000.0, 63200000.0),
        ),
        _p(
            "trust_collapse_threshold",
            0.25,
            "incidents per 1,000 firms per quarter",
            "Year-smoothed incident rate above which trust collapses (E17b): a wave of "
            "breaches, not a steady trickle, makes firms stop using sensitive and foreign "
            "data. Set at about twice the rate under today's policy at start (0.13).",
            0,
            1000,
            plausible=(0.1, 1.0),
        ),
        _p(
            "trust_collapse",
            0.3,
            "share of trust",
            "Share of trust lost in a quarter when incidents exceed the collapse threshold.",
            0,
            1,
            plausible=(0.1, 0.5),
        ),
        _p(
            "partner_reciprocity",
            0.5,
            "weight",
            "How far foreign partners' openness follows China's (E21): 0 ignores it, 1 mirrors "
            "it; closure then fragments the partners' side too (OECD-WTO 2025).",
            0,
            1,
            plausible=(0.25, 0.75),
        ),
        _p(
            "partner_adjustment",
            0.25,
            "per quarter",
            "Speed at which partners' openness moves toward its reciprocal target (E21).",
            0,
            1,
            plausible=(0.1, 0.5),
        ),
        _p(
            "partner_retaliation",
            0.1,
            "openness per incident per 1,000 firms",
            "Fall in partners' openness after a cross-border incident (E21): they restrict "
            "flows to a jurisdiction whose transfers leak.",
            0,
            1,
            plausible=(0.02, 0.3),
        ),
        # --- costs of the levers (national, RMB per year; converted by the national scale) --
        _p(
            "infrastructure_cost_rmb",
            100e9,
            "RMB per year at level 1",
            "Fiscal cost of data circulation infrastructure (the cold chain's platforms, data "
            "spaces and standards) at full level, in proportion to the level. East Data West "
            "Computing investment was over RMB 400 bn in 2022-23 (NDA); this is an assumption.",
            0,
            1e13,
            plausible=(50000000000.0, 200000000000.0),
        ),
        _p(
            "privacy_computing_cost_rmb",
            20e9,
            "RMB per year at level 1",
            "Fiscal cost of privacy computing at scale (platforms, certification, subsidised "
            "compute for operators' sensitive data), in proportion to the level. An assumption: "
            "China's privacy-computing market was of the order of RMB 10 bn a year in 2023.",
            0,
            1e13,
            plausible=(5e9, 50e9),
        ),
        _p(
            "traceability_cost_rmb",
            10e9,
            "RMB per year at level 1",
            "Fiscal cost of data identification and traceability at scale (identifier "
            "registries, ledgers), in proportion to the level. An assumption.",
            0,
            1e13,
            plausible=(3e9, 30e9),
        ),
        _p(
            "registration_cost_rmb",
            5e9,
            "RMB per year",
            "Cost of the public data resource registration and disclosure system.",
            0,
            1e13,
            plausible=(2000000000.0, 10000000000.0),
        ),
        _p(
            "review_cost_rmb",
            2e9,
            "RMB per year at strictness 1",
            "Regulator's cost of cross-border security review, in proportion to strictness "
            "(firms' compliance cost of review is in E16).",
            0,
            1e13,
            plausible=(1000000000.0, 4000000000.0),
        ),
        _p(
            "audit_cost_rmb",
            20e6,
            "RMB per audit",
            "Cost of one audit of an authorised operator.",
            0,
            1e12,
            plausible=(10000000.0, 40000000.0),
        ),
        _p(
            "bridge_cost_rmb",
            3e9,
            "RMB per year",
            "Operating cost of the Hong Kong bridge: a hub that meets both mainland and "
            "international security standards.",
            0,
            1e13,
            plausible=(1500000000.0, 6000000000.0),
        ),
        _p(
            "bridge_capacity",
            150.0,
            "transfers per 1,000 firms per quarter",
            "Cross-border transfers the Hong Kong bridge can review and carry a quarter (E32): "
            "about all of them at today's openness (50-70), half at full openness (170-240).",
            0,
            1e9,
            plausible=(50.0, 400.0),
        ),
        _p(
            "trust_loss_per_incident",
            0.01,
            "trust per incident per 1,000 firms",
            "Fall in firms' trust in sensitive and cross-border data after an incident.",
            0,
            1,
            plausible=(0.0025, 0.04),
        ),
        _p(
            "trust_recovery",
            0.05,
            "per quarter",
            "Speed at which trust recovers.",
            0,
            1,
            plausible=(0.02, 0.1),
        ),
        # --- behavioural constants of the market, firms and regulator (ODD 7) -----------
        # Each was a constant in code; here each has a unit, its source (all assumptions)
        # and the range a sensitivity analysis varies it over.
        _share(
            "sensitivity_public",
            0.1,
            "Sensitivity of open public data: its weight in review refusals and incidents.",
            (0.0, 0.3),
            "sensitivity in [0, 1]",
        ),
        _share(
            "sensitivity_operator",
            0.8,
            "Sensitivity of processed sensitive public data (authorised operation).",
            (0.5, 1.0),
            "sensitivity in [0, 1]",
        ),
        _share(
            "sensitivity_private",
            0.3,
            "Sensitivity of private data products.",
            (0.1, 0.6),
            "sensitivity in [0, 1]",
        ),
        _share(
            "sensitivity_foreign",
            0.2,
            "Sensitivity of foreign data products.",
            (0.0, 0.5),
            "sensitivity in [0, 1]",
        ),
        _share(
            "relevance_public",
            0.4,
            "Relevance of open public data to sectors other than its holder's.",
            (0.2, 0.6),
            "relevance in [0, 1]",
        ),
        _share(
            "relevance_own_sector",
            1.0,
            "Relevance of a holder's or supplier's data to its own sector.",
            (0.8, 1.0),
            "relevance in [0, 1]",
        ),
        _share(
            "relevance_operator",
            0.8,
            "Relevance of processed sensitive data to every sector (it is broad).",
            (0.5, 1.0),
            "relevance in [0, 1]",
        ),
        _share(
            "relevance_private",
            0.3,
            "Relevance of private data outside its supplier's sector (it is narrow).",
            (0.1, 0.5),
            "relevance in [0, 1]",
        ),
        _p(
            "relevance_foreign_per_compute",
            0.12,
            "relevance per unit of relative compute share",
            "Relevance of foreign data per unit of the foreign-to-China compute ratio (capped "
            "at 2): foreign partners' data scales with their compute (ODD 7.3).",
            0,
            1,
            plausible=(0.05, 0.25),
        ),
        _share(
            "registration_search_saving",
            0.6,
            "Share of the search cost of public data that registration and disclosure save.",
            (0.3, 0.8),
        ),
        _share(
            "infrastructure_compliance_saving",
            0.6,
            "Share of the compliance cost of sensitive data that data infrastructure saves.",
            (0.3, 0.8),
        ),
        _share(
            "infrastructure_cross_border_saving",
            0.5,
            "Share of the compliance cost of a cross-border transfer that full data "
            "infrastructure saves (E16).",
            (0.3, 0.7),
        ),
        _share(
            "traceability_trade_saving",
            0.3,
            "Share of the transaction cost of a licence (checking what is traded, contracting) "
            "that full data identification and traceability save.",
            (0.1, 0.5),
        ),
        _p(
            "traceability_audit_gain",
            0.5,
            "x more operators audited at level 1",
            "How much further the regulator's audits reach with full data identification and "
            "traceability: an operator's licences are checked from their records (E28).",
            0,
            5,
            plausible=(0.2, 1.0),
        ),
        _p(
            "privacy_computing_compute_overhead",
            1.0,
            "x compute per sensitive data unit at level 1",
            "Extra compute a sensitive data unit needs under full privacy computing: trusted "
            "execution adds tens of percent, multi-party computation and homomorphic "
            "encryption add orders of magnitude; this blend is an assumption.",
            0,
            100,
            plausible=(0.2, 5.0),
        ),
        _share(
            "capability_integration_saving",
            0.7,
            "Share of the integration cost that full digital capability saves.",
            (0.4, 0.9),
        ),
        _share(
            "bridge_discount_hong_kong",
            0.6,
            "Cut in the cross-border cost of Hong Kong firms' transfers with the bridge (E16).",
            (0.3, 0.8),
        ),
        _share(
            "bridge_discount_other",
            0.3,
            "Cut in the cross-border cost of other firms' transfers with the bridge (E16).",
            (0.1, 0.5),
        ),
        _share(
            "bridge_alignment_hong_kong",
            1.0,
            "Standards alignment the bridge gives Hong Kong firms' transfers (E15): the hub "
            "meets both mainland and international standards.",
            (0.7, 1.0),
            "alignment in [0, 1]",
        ),
        _share(
            "bridge_alignment_other",
            0.5,
            "Standards alignment the bridge gives other firms' transfers (E15).",
            (0.2, 0.8),
            "alignment in [0, 1]",
        ),
        _share(
            "bridge_review_relief",
            0.5,
            "Share of cross-border review that an aligned transfer is spared (E15): standards "
            "met once, through the Hong Kong hub, need not be checked again.",
            (0.25, 0.75),
        ),
        _share(
            "bridge_incident_alignment_other",
            0.3,
            "Weight of other firms' transfers through the bridge in the aligned share that "
            "cuts cross-border incident risk (E9); Hong Kong firms' count fully.",
            (0.1, 0.6),
            "alignment in [0, 1]",
        ),
        _share(
            "entrant_capital_share",
            0.5,
            "An entrant's capital as a share of an incumbent's draw.",
            (0.25, 0.75),
        ),
        _share(
            "entrant_data_share",
            0.2,
            "An entrant's data stock as a share of an incumbent's draw.",
            (0.05, 0.5),
        ),
        _share(
            "entrant_capability_share",
            0.7,
            "An entrant's digital capability as a share of an incumbent's draw.",
            (0.4, 1.0),
        ),
        _p(
            "loss_exit_multiplier",
            5.0,
            "times the base hazard",
            "Exit hazard of a loss-making firm relative to the base hazard.",
            1,
            100,
            plausible=(2.0, 10.0),
        ),
        _p(
            "entry_reference_margin",
            0.1,
            "surplus over output",
            "Surplus margin at which entry runs at entry_rate (ODD 7.2).",
            1e-6,
            10,
            plausible=(0.05, 0.2),
        ),
        _p(
            "entry_max_attraction",
            3.0,
            "times entry_rate",
            "Cap on entry attraction relative to entry_rate (ODD 7.2).",
            0,
            100,
            plausible=(2.0, 5.0),
        ),
        _share(
            "incident_infrastructure_cut",
            0.6,
            "Share of incident risk that full data infrastructure removes (E9's a).",
            (0.3, 0.8),
        ),
        _share(
            "privacy_computing_incident_cut",
            0.5,
            "Share of incident risk on operators' sensitive licences that full privacy "
            "computing removes: the user never holds the raw data (E9's e).",
            (0.2, 0.8),
        ),
        _p(
            "incident_security_decay",
            2.0,
            "per unit of security",
            "Decay of incident risk with an operator's security level z: exp(-b z) (E9's b).",
            0,
            10,
            plausible=(1.0, 3.0),
        ),
        _share(
            "incident_review_cut",
            0.7,
            "Share of cross-border incident risk that full review removes (E9's c).",
            (0.4, 0.9),
        ),
        _share(
            "incident_bridge_cut",
            0.5,
            "Share of cross-border incident risk that fully aligned standards remove (E9's d).",
            (0.2, 0.8),
        ),
        _share(
            "intrinsic_security",
            0.2,
            "Security level an operator keeps with no expected fine (E14).",
            (0.0, 0.4),
            "security level in [0, 1]",
        ),
        _share(
            "regulator_tighten_step",
            0.1,
            "Rise in review strictness after a quarter with incidents (adaptive regulator).",
            (0.05, 0.2),
            "strictness per quarter",
        ),
        _share(
            "regulator_loosen_step",
            0.025,
            "Fall in review strictness after a quarter without incidents.",
            (0.01, 0.05),
            "strictness per quarter",
        ),
        _p(
            "spin_up_quarters",
            12,
            "quarters",
            "Quarters simulated under the run's policy before the first reported quarter "
            "(2022Q1), so that prices, supply effort and the firm population start settled "
            "rather than at their start-up values; never reported.",
            0,
            100,
            int,
            plausible=(8, 20),
        ),
        _p(
            "relicense_quarters",
            4,
            "quarters",
            "Delay before a revoked licence is re-issued.",
            0,
            100,
            int,
            plausible=(2, 8),
        ),
        # --- compute (ODD 7.8) -------------------------------------------------------------
        _p(
            "compute_price_steepness",
            1.5,
            "exponent",
            "eta: compute price rises as ((1 - u0) / (1 - u))^eta.",
            0,
            10,
            plausible=(0.75, 3.0),
        ),
        _p(
            "west_price_discount",
            0.3,
            "share",
            "How much cheaper compute is in the West.",
            0,
            1,
            plausible=(0.15, 0.45),
        ),
        _p(
            "latency_cost_share",
            0.4,
            "share of compute price",
            "Cost of 20 ms extra latency "
            "for latency-sensitive work, as a share of the eastern compute price.",
            0,
            5,
            plausible=(0.2, 0.8),
        ),
        _p(
            "foreign_compute_price",
            2.0,
            "price index (1 = eastern start-up price)",
            "Price of partners' compute to China's data work, with the transfer and compliance "
            "costs of sending the work abroad (E31): work goes abroad when the domestic price "
            "rises above it.",
            0,
            100,
            plausible=(1.3, 3.0),
        ),
        _share(
            "foreign_compute_access",
            0.05,
            "Share of partners' compute (the US, Europe and Japan: foreign_compute_share) open "
            "to China's data work at full openness; export controls on advanced chips and "
            "cloud access keep it small (E31).",
            (0.0, 0.15),
        ),
        _p(
            "base_load_growth",
            0.045,
            "per quarter",
            "Growth of compute demand not from data products (AI training and inference "
            "among it). Capacity grows 10-20% a year (the compute_growth levers) and "
            "utilisation rose 4 points over 2022-24 (58.7% -> 62.7%, NDA): estimated with the "
            "others, that rise identifying it. It is what makes compute bind: E10's price "
            "climbs as the load outgrows capacity.",
            -0.5,
            0.5,
            source=ESTIMATED,
            plausible=(0.02, 0.07),
        ),
        _p(
            "data_compute_share",
            0.2,
            "share",
            "Share of compute load at start that serves data products.",
            0.01,
            0.99,
            plausible=(0.1, 0.4),
        ),
    ]
}


#: E4's life factor 1 / (1 - (1 - delta) / (1 + r)) may reach 1e9 quarters, no more.
MIN_LIFE_DENOMINATOR = 1e-9


class Scenario(ParameterSet):
    """A named, validated set of non-policy parameters (ODD 5 and 7).

    ``Scenario.describe()`` lists every parameter with unit, default and source.

    Parameters
    ----------
    name : str, default "custom"
        The scenario's name.
    **values : object
        A value for any scenario parameter; the others keep their defaults.

    Raises
    ------
    econ.parameters.ParameterError
        For an unknown parameter or a value that is not allowed.
    """

    PARAMETERS = SCENARIO_PARAMETERS

    def __init__(self, name: str = "custom", **values: Any) -> None:
        super().__init__(**values)
        object.__setattr__(self, "_name", name)
        # E4 values a licence over 1 / (1 - (1 - delta) / (1 + r)) quarters of use.
        kept = (1.0 - self.data_depreciation) / (1.0 + self.discount_rate)
        if 1.0 - kept < MIN_LIFE_DENOMINATOR:
            raise ParameterError(
                f"Scenario: data_depreciation={self.data_depreciation!r} with "
                f"discount_rate={self.discount_rate!r} makes a licence worth more than "
                f"{1 / MIN_LIFE_DENOMINATOR:.0e} quarters of use (E4: data hardly goes stale "
                "and the future is hardly discounted); raise one of them"
            )
        # Firms accumulate both capital (investment) and data (by-product) out of output: at
        # constant returns in the two together output grows without bound (AK growth), above
        # them it explodes in finite time, and floats overflow either way.
        if self.capital_elasticity + self.data_elasticity >= 1.0:
            raise ParameterError(
                f"Scenario: capital_elasticity={self.capital_elasticity!r} plus "
                f"data_elasticity={self.data_elasticity!r} is 1 or more: returns to the two "
                "factors firms accumulate must diminish, or output grows without bound; keep "
                "their sum below 1"
            )

    @property
    def name(self) -> str:
        """The scenario's name (``china_2024``, ``small`` or ``custom``)."""
        return object.__getattribute__(self, "_name")

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some parameters changed (its name gains a ``+``).

        Parameters
        ----------
        **changes : object
            New values by parameter name, validated.

        Returns
        -------
        Scenario
            The changed copy (the same scenario when nothing changes).
        """
        name = self.name if not changes else f"{self.name}+"
        return Scenario(name, **{**self.to_dict(), **changes})

    def __reduce__(self):
        return (_rebuild_scenario, (self.name, self.to_dict()))


def _rebuild_scenario(name: str, values: dict[str, Any]) -> Scenario:
    return Scenario(name, **values)


#: Named scenarios: the changes each makes to the parameter defaults.
SCENARIOS: dict[str, dict[str, Any]] = {
    "china_2024": {},
    "small": {
        "n_firms": 400,
        "n_holders": 12,
        "open_datasets": 18_053,  # china_2024's density: 340,000 datasets / 226 platforms
        "n_private_suppliers": 8,
        "n_foreign_products": 4,
    },
}


#: The file of a stored calibration that ``"<scenario>@<label>"`` reads (written last by
#: ``econ calibrate``, so its presence marks a finished calibration).
ESTIMATE_FILE = "estimate.json"


def calibrations_root() -> Path:
    """The folder stored calibrations are looked up in.

    Returns
    -------
    pathlib.Path
        ``$ECON_CALIBRATIONS`` if set, else ``results/calibrations`` (relative to the
        working directory, where ``econ calibrate`` writes by default).
    """
    return Path(os.environ.get("ECON_CALIBRATIONS", "results/calibrations"))


def resolve_estimate(name: str) -> tuple[str, dict[str, Any]]:
    """The base scenario and estimated values that ``"<scenario>@<label>"`` names.

    ``"china_2024@posterior"`` reads the calibration stored in
    ``calibrations_root() / "china_2024"``; ``"china_2024@NAME"`` the one in
    ``calibrations_root() / NAME``. The values are the point estimate that calibration
    stored (the weighted posterior mean, see :mod:`econ.study.estimation`). A name without
    ``@`` resolves to itself and no values.

    Parameters
    ----------
    name : str
        A scenario name, optionally with ``@label``.

    Returns
    -------
    tuple of (str, dict)
        The base scenario's name and the estimated parameter values by name.

    Raises
    ------
    econ.parameters.ParameterError
        If the base scenario is unknown, or no calibration is stored for the label, or the
        stored one is of another scenario or unreadable.
    """
    base, at, label = name.partition("@")
    if base not in SCENARIOS:
        raise ParameterError(
            f"unknown scenario {shown(base)}; allowed: {', '.join(map(repr, SCENARIOS))}"
            " or a Scenario"
        )
    if not at:
        return base, {}
    if not label:
        raise ParameterError(
            f"scenario {shown(name)}: name a stored calibration after '@' "
            f"(e.g. {base + '@posterior'!r})"
        )
    path = calibrations_root() / (base if label == "posterior" else label) / ESTIMATE_FILE
    try:
        stored = json.loads(path.read_text())
    except FileNotFoundError:
        raise ParameterError(
            f"scenario {shown(name)}: no stored calibration at {path}; run `econ calibrate "
            f"{base}` first (or set ECON_CALIBRATIONS to the folder holding it)"
        ) from None
    except (OSError, ValueError) as err:
        raise ParameterError(
            f"scenario {shown(name)}: the stored calibration {path} is unreadable ({err})"
        ) from None
    if not isinstance(stored, dict) or stored.get("scenario") != base:
        raise ParameterError(f"scenario {shown(name)}: {path} is not a calibration of {base!r}")
    values = stored.get("values")
    if not isinstance(values, dict):
        raise ParameterError(f"scenario {shown(name)}: {path} holds no estimated values")
    return base, values


def get_scenario(name: str | Scenario = "china_2024", **changes: Any) -> Scenario:
    """Return the named scenario, with optional validated changes.

    Parameters
    ----------
    name : str or Scenario, default "china_2024"
        A name in :data:`SCENARIOS`, a scenario to change, or ``"<name>@<label>"``: the
        named scenario with the values a stored calibration estimated
        (:func:`resolve_estimate`; ``"china_2024@posterior"``).
    **changes : object
        New values by parameter name.

    Returns
    -------
    Scenario
        The scenario.

    Raises
    ------
    econ.parameters.ParameterError
        For an unknown scenario name, parameter or value.
    """
    if isinstance(name, Scenario):
        return name.replace(**changes) if changes else name
    if isinstance(name, str) and "@" in name:
        base, values = resolve_estimate(name)
        scenario = Scenario(name, **{**SCENARIOS[base], **values})
        return scenario.replace(**changes) if changes else scenario
    if not isinstance(name, str) or name not in SCENARIOS:
        raise ParameterError(
            f"unknown scenario {shown(name)}; allowed: {', '.join(map(repr, SCENARIOS))}"
            " or a Scenario"
        )
    scenario = Scenario(name, **SCENARIOS[name])
    return scenario.replace(**changes) if changes else scenario
