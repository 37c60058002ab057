"""Every policy lever's default, unit and bounds pinned (issue #17, mutation testing).

LEVER_TABLE below is a second, deliberate copy of econ.policy.LEVERS: changing a default or a
bound in the model means changing it here too, on purpose.
"""

import pytest

from econ import LEVERS, Policy, PolicyError

PRICING = ("free", "conditional_free", "cost_recovery", "market")

# name: (default, unit, low, high, choices, kind)
LEVER_TABLE = {
    "pricing": ("free", "regime", None, None, PRICING, str),
    "price_level": (1.0, "x reference price", 0.0, 5.0, None, float),
    "operators": (2, "licences", 0, 5, None, int),
    "revenue_share": (0.3, "share of operator revenue", 0.0, 1.0, None, float),
    "operator_cap": ("revenue", "regime", None, None, ("none", "price", "revenue"), str),
    "price_cap": (3.0, "x reference price", 0.0, 20.0, None, float),
    "reasonable_profit": (0.1, "share of cost", 0.0, 1.0, None, float),
    "audit_rate": (0.25, "probability per operator-quarter", 0.0, 1.0, None, float),
    "penalty": (1.0, "x operator quarterly revenue", 0.0, 10.0, None, float),
    "registration": (True, "on/off", None, None, None, bool),
    "exchange_fee": (1.0, "x the exchanges' cost of a trade", 0.0, 3.0, None, float),
    "infrastructure": (0.3, "level in [0, 1]", 0.0, 1.0, None, float),
    "privacy_computing": (0.0, "level in [0, 1]", 0.0, 1.0, None, float),
    "traceability": (0.0, "level in [0, 1]", 0.0, 1.0, None, float),
    "openness": (0.3, "level in [0, 1]", 0.0, 1.0, None, float),
    "hk_bridge": (False, "on/off", None, None, None, bool),
    "review_strictness": (0.5, "level in [0, 1]", 0.0, 1.0, None, float),
    "adaptive_regulator": (False, "on/off", None, None, None, bool),
    "private_data": ("broad", "regime", None, None, ("broad", "hoard", "ban"), str),
    "compute_growth_east": (0.10, "per year", 0.0, 1.0, None, float),
    "compute_growth_west": (0.20, "per year", 0.0, 1.0, None, float),
    "east_west_network": (0.5, "level in [0, 1]", 0.0, 1.0, None, float),
}

NUMERIC = [name for name, row in LEVER_TABLE.items() if row[5] in (int, float)]
CHOICE = [name for name, row in LEVER_TABLE.items() if row[4] is not None]
SWITCH = [name for name, row in LEVER_TABLE.items() if row[5] is bool]


def test_the_levers_are_those_of_the_table_in_its_order():
    assert list(LEVERS) == list(LEVER_TABLE)
    assert list(Policy().to_dict()) == list(LEVER_TABLE)


@pytest.mark.parametrize("name", LEVER_TABLE)
def test_lever_matches_the_table(name):
    default, unit, low, high, choices, kind = LEVER_TABLE[name]
    lever = LEVERS[name]
    found = (lever.default, lever.unit, lever.low, lever.high, lever.choices, lever.kind)
    assert found == (default, unit, low, high, choices, kind), (
        f"LEVERS[{name!r}] changed: update LEVER_TABLE in this file if that was deliberate"
    )
    assert lever.name == name and lever.description
    # The default Policy holds the default, of the lever's own type.
    value = getattr(Policy(), name)
    assert value == default and type(value) is kind


@pytest.mark.parametrize("name", NUMERIC)
def test_numeric_bounds_are_enforced(name):
    _, _, low, high, _, kind = LEVER_TABLE[name]
    step = 1 if kind is int else 0.01
    assert getattr(Policy(**{name: low}), name) == low
    assert getattr(Policy(**{name: high}), name) == high
    allowed = f"expected {'an integer' if kind is int else 'a number'} in [{low}, {high}]"
    for value in (low - step, high + step):
        with pytest.raises(PolicyError) as raised:
            Policy(**{name: value})
        assert str(raised.value) == f"Policy.{name}={value!r} is out of range; {allowed}"


@pytest.mark.parametrize("name", CHOICE)
def test_choices_are_enforced(name):
    choices = LEVER_TABLE[name][4]
    for choice in choices:
        assert getattr(Policy(**{name: choice}), name) == choice
    with pytest.raises(PolicyError, match=rf"Policy\.{name}='other' is not allowed"):
        Policy(**{name: "other"})


@pytest.mark.parametrize("name", SWITCH)
def test_switches_take_only_booleans(name):
    default = LEVER_TABLE[name][0]
    assert getattr(Policy(**{name: not default}), name) is (not default)
    with pytest.raises(PolicyError, match=rf"Policy\.{name}=1 is not allowed"):
        Policy(**{name: 1})


def test_policy_equality_and_hash_with_unequal_values():
    assert Policy() == Policy(openness=0.3)  # the default, given or not
    assert hash(Policy()) == hash(Policy(openness=0.3))
    assert Policy(openness=0.3) != Policy(openness=0.31)
    assert hash(Policy(openness=0.3)) != hash(Policy(openness=0.31))
    assert Policy(pricing="market") != Policy()
    assert Policy(hk_bridge=True) != Policy()
    assert Policy(operators=2) != Policy(operators=3)
    assert len({Policy(), Policy(openness=0.3), Policy(openness=0.5), Policy(operators=1)}) == 3
    assert Policy() == Policy(operators=2, pricing="free", operator_cap="revenue")
