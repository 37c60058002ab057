"""Paired comparisons hold: a lever that does not apply leaves the output bit-identical.

Each stochastic submodel draws from its own stream (econ.seeds.RandomStreams), so a lever
that changes how many draws one submodel takes cannot move any other draw. The controls
check the same levers do change the output where they apply, so the equalities are not
vacuous.
"""

import pandas as pd
import pytest

from econ import DataEconomy, Policy
from econ.seeds import STREAMS, RandomStreams

QUARTERS = 10

#: (case, base policy, change that should not matter, scenario changes, columns to ignore)
INERT = [
    ("bridge, border closed", Policy(openness=0.0, operators=2), {"hk_bridge": True}, {}, ()),
    (
        "review strictness, border closed",
        Policy(openness=0.0, operators=2),
        {"review_strictness": 1.0},
        {},
        ("review_strictness",),  # the policy value itself is reported
    ),
    ("revenue share, no licences", Policy(operators=0), {"revenue_share": 0.9}, {}, ()),
    ("revenue cap, no licences", Policy(operators=0), {"operator_cap": "revenue"}, {}, ()),
    ("no cap, no licences", Policy(operators=0), {"operator_cap": "none"}, {}, ()),
    ("price cap, no licences", Policy(operators=0), {"price_cap": 0.5}, {}, ()),
    (
        "price cap under a revenue cap",
        Policy(operators=2, operator_cap="revenue"),
        {"price_cap": 0.5},
        {},
        (),
    ),
    (
        "reasonable profit under a price cap",
        Policy(operators=2, operator_cap="price"),
        {"reasonable_profit": 0.6},
        {},
        (),
    ),
    (
        "audits and fines, no licences",
        Policy(operators=0),
        {"audit_rate": 1.0, "penalty": 5.0},
        {},
        (),
    ),
    ("fee level under free pricing", Policy(pricing="free"), {"price_level": 3.0}, {}, ()),
    ("fee level under market pricing", Policy(pricing="market"), {"price_level": 3.0}, {}, ()),
    ("east-west network, no latency", Policy(), {"east_west_network": 1.0}, {"latency_ms": 0}, ()),
]

#: The same levers where they do apply.
CONTROLS = [
    ("bridge, border open", Policy(openness=0.8, operators=2), {"hk_bridge": True}, {}),
    ("review, border open", Policy(openness=0.8, operators=2), {"review_strictness": 1.0}, {}),
    ("revenue share, licences", Policy(operators=2), {"revenue_share": 0.9}, {}),
    (
        "revenue cap, licences",
        Policy(operators=2, operator_cap="price"),
        {"operator_cap": "revenue"},
        {},
    ),
    ("fee level, cost recovery", Policy(pricing="cost_recovery"), {"price_level": 3.0}, {}),
    ("east-west network", Policy(), {"east_west_network": 1.0}, {"latency_ms": 60}),
]


def _run(policy: Policy, seed: int, **params) -> pd.DataFrame:
    model = DataEconomy(policy=policy, scenario="small", n_firms=300, seed=seed, **params)
    return model.run(QUARTERS)


@pytest.mark.parametrize("case, policy, change, params, ignore", INERT, ids=[c[0] for c in INERT])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_lever_that_does_not_apply_changes_nothing(case, policy, change, params, ignore, seed):
    base = _run(policy, seed, **params).drop(columns=list(ignore))
    changed = _run(policy.replace(**change), seed, **params).drop(columns=list(ignore))
    pd.testing.assert_frame_equal(base, changed, check_exact=True)


@pytest.mark.parametrize("case, policy, change, params", CONTROLS, ids=[c[0] for c in CONTROLS])
def test_the_same_lever_changes_the_output_where_it_applies(case, policy, change, params):
    base = _run(policy, 1, **params)
    changed = _run(policy.replace(**change), 1, **params)
    assert not base.equals(changed)


def test_calibration_does_not_depend_on_the_policy():
    models = [
        DataEconomy(policy=p, scenario="small", seed=4)
        for p in (Policy(), Policy(pricing="market", operators=5, openness=1.0, hk_bridge=True))
    ]
    assert models[0].calibration == models[1].calibration


def test_warm_up_prices_do_not_leak_into_the_run():
    # Market pricing starts at the revenue-maximising price (E5b's first-quarter rule),
    # not at a fee left over from the calibration warm-up.
    model = DataEconomy(
        policy=Policy(pricing="market"), scenario="small", seed=3, spin_up_quarters=0
    )
    assert (model.holders.table.price == 0).all()
    model.step()
    assert not (model.holders.table.price == model.params.reference_price_rmb).all()


def test_each_stream_is_its_own_and_quarters_are_independent():
    streams = RandomStreams(11)
    draws = {name: streams.quarter(name, 1).random() for name in STREAMS}
    assert len(set(draws.values())) == len(STREAMS)
    assert streams.quarter("exit", 1).random() == draws["exit"]
    assert streams.quarter("exit", 2).random() != draws["exit"]
    assert RandomStreams(12).quarter("exit", 1).random() != draws["exit"]
