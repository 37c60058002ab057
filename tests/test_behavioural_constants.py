"""The behavioural constants that used to sit in code are scenario parameters that do work.

Each has a plausible range in its table; moving it to either end of that range changes what
the model does (a parameter that changed nothing would be decorative), and a spec can ask
for the table's range by name.
"""

import tomllib

import numpy as np
import pandas as pd
import pytest

from econ.experiment import parse_spec
from econ.model import DataEconomy
from econ.scenarios import SCENARIO_PARAMETERS
from econ.shipped import spec_path

RANGED = [name for name, p in SCENARIO_PARAMETERS.items() if p.plausible is not None]
# Every lever whose mechanism one of these constants shapes is switched on.
POLICY = {
    "openness": 1.0,
    "hk_bridge": True,
    "review_strictness": 0.5,
    "adaptive_regulator": True,
    "infrastructure": 0.5,
    "privacy_computing": 0.5,
    "traceability": 0.5,
    "private_data": "hoard",
    "operators": 2,
}

COMPUTE_SHORT = {"compute_growth_east": 0.0, "compute_growth_west": 0.0, "base_load_growth": 0.07}

# Where a constant's mechanism needs more than POLICY to be at work in a short small run: the
# entry cap binds only at high surplus margins, the adaptive regulator's steps only after
# incidents, the bridge's alignment for Hong Kong only with Hong Kong firms asking to trade.
SETTINGS = {
    "entry_max_attraction": {"non_data_cost_share": 0.5},
    "regulator_tighten_step": {"incident_rate": 0.5},
    "regulator_loosen_step": {"incident_rate": 0.5},
    "bridge_alignment_hong_kong": {"share_hong_kong": 0.3},
    "public_seen_unregistered": {"registration": False},
    "fee_retention": {"pricing": "cost_recovery"},
    "incident_loss_rmb": {"incident_rate": 0.5},
    # At 0.5 incidents outrun any threshold in the range, and trust sits at its floor.
    "trust_collapse_threshold": {"incident_rate": 0.02},
    "trust_collapse": {"incident_rate": 0.5},
    "relicense_quarters": {"incident_rate": 0.5},
    "ai_growth_half_life_quarters": {"ai_data_value_growth": 0.04},
    # Compute abroad is taken only when the domestic price rises above it: capacity frozen
    # while other load grows.
    "foreign_compute_price": COMPUTE_SHORT,
    "foreign_compute_access": COMPUTE_SHORT,
}


def run(**changes) -> pd.DataFrame:
    model = DataEconomy(scenario="small", n_firms=300, seed=11, **POLICY, **changes)
    for _ in range(10):
        model.step()
    return model.datacollector.get_model_vars_dataframe()


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return run()


def test_the_constants_named_in_issue_11_are_in_the_table():
    for name in (
        "relevance_public",
        "relevance_operator",
        "relevance_private",
        "relevance_foreign_per_compute",
        "bridge_discount_hong_kong",
        "bridge_discount_other",
        "loss_exit_multiplier",
        "incident_infrastructure_cut",
        "incident_review_cut",
        "incident_bridge_cut",
    ):
        p = SCENARIO_PARAMETERS[name]
        assert p.unit and p.source and p.plausible is not None, name
        low, high = p.plausible
        assert p.low <= low <= p.default <= high <= p.high, name


# Constants with a range that do no work yet, and why. The test below fails if one starts to.
INERT = {
    # Firms' East/West region is a label: compute is routed nationally (ODD 7.8), so where a
    # firm sits changes none of its costs.
    "share_west": "compute routing is national",
}


@pytest.mark.parametrize("name", RANGED)
def test_each_constant_changes_the_model(name, reference):
    p = SCENARIO_PARAMETERS[name]
    low, high = p.plausible
    value = low if abs(p.default - low) > abs(p.default - high) else high
    setting = SETTINGS.get(name, {})
    if setting:
        reference = run(**setting)
    changed = run(**setting, **{name: value})
    numeric = reference.select_dtypes("number").columns
    same = np.allclose(
        changed[numeric].to_numpy(float), reference[numeric].to_numpy(float), rtol=1e-12, atol=0
    )
    if name in INERT:
        assert same, f"{name} now does work: take it out of INERT"
    else:
        assert not same, f"{name} = {value} changed nothing"


def test_a_spec_takes_a_plausible_range_from_the_table():
    spec = parse_spec(
        {
            "experiment": {"scenario": "small"},
            "design": {
                "type": "morris",
                "samples": 4,
                "factors": {"relevance_public": "plausible", "openness": [0, 1]},
            },
        }
    )
    assert spec.factors["relevance_public"] == SCENARIO_PARAMETERS["relevance_public"].plausible


def test_a_plausible_range_that_is_not_in_the_table_is_refused():
    with pytest.raises(ValueError, match=r"fit_scale has no plausible range") as info:
        parse_spec(
            {
                "experiment": {"scenario": "small"},
                "design": {"type": "morris", "samples": 4, "factors": {"fit_scale": "plausible"}},
            }
        )
    assert "\n" not in str(info.value)


def test_every_assumption_and_estimate_has_a_plausible_range():
    # The simulation's resolution (n_firms) and on/off switches are not quantities to vary.
    exempt = {"n_firms"}
    for name, p in SCENARIO_PARAMETERS.items():
        if name in exempt or p.kind is bool:
            continue
        if p.source.startswith(("assumption", "estimated")):
            assert p.plausible is not None, f"{name} ({p.source}) has no plausible range"
            low, high = p.plausible
            assert p.low <= low <= p.default <= high <= p.high, name


def test_the_screen_varies_every_parameter_with_a_range():
    spec = parse_spec(tomllib.loads(spec_path("screening").read_text()))
    assert spec.scenario == "china_2024"  # the ranges are today's economy's
    assert set(RANGED) <= set(spec.factors)
