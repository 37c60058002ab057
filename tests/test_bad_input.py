"""Bad input gets a clear error naming the field and what is allowed; nothing is half-built."""

from decimal import Decimal
from fractions import Fraction

import mesa
import numpy as np
import pytest

from econ import LEVERS, DataEconomy, ParameterError, Policy
from econ.parameters import shown
from econ.scenarios import SCENARIO_PARAMETERS, get_scenario


def agents_created(fn):
    before = mesa.Agent.__init__
    count = 0

    def counting(self, *args, **kwargs):
        nonlocal count
        count += 1
        before(self, *args, **kwargs)

    mesa.Agent.__init__ = counting
    try:
        with pytest.raises(ParameterError) as info:
            fn()
    finally:
        mesa.Agent.__init__ = before
    return count, str(info.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: DataEconomy(scenario="atlantis"), "unknown scenario 'atlantis'; allowed"),
        (lambda: DataEconomy(scenario="small", n_firms=0), r"Scenario.n_firms=0 is out of range"),
        (lambda: DataEconomy(scenario="small", data_elasticty=0.1), "unknown parameter"),
        (
            lambda: DataEconomy(policy={"pricing": "cheap"}, scenario="small"),
            "Policy.pricing='cheap'",
        ),
        (lambda: DataEconomy(policy="free", scenario="small"), "policy must be a Policy or a dict"),
        (lambda: DataEconomy(scenario="small", seed=-3), "seed=-3"),
    ],
)
def test_bad_model_input_fails_before_any_agent_exists(build, message):
    created, text = agents_created(build)
    assert created == 0
    assert message.split(r"\.")[0].replace("\\", "") in text or message in text


def test_run_rejects_bad_quarters():
    model = DataEconomy(scenario="small", seed=1)
    with pytest.raises(ParameterError, match="quarters"):
        model.run(-1)
    with pytest.raises(ParameterError, match="quarters"):
        model.run(2.5)


def test_policy_dict_with_misspelt_lever():
    with pytest.raises(ParameterError, match="'hk_brdige'"):
        DataEconomy(policy={"hk_brdige": True}, scenario="small")


def test_policy_built_from_dict_is_accepted():
    model = DataEconomy(policy={"pricing": "free"}, scenario="small", seed=1)
    assert model.policy == Policy(pricing="free")


# Every lever and scenario parameter, every kind of bad value: a ParameterError (a
# ValueError) naming the field and what is allowed, never an OverflowError or a bare
# "cannot convert float NaN to integer" (issue #15).

BAD_NUMBERS = [
    float("inf"),
    float("-inf"),
    float("nan"),
    np.float64("nan"),
    np.inf,
    10**400,
    -(10**400),
    10**5000,  # beyond Python's int-to-str limit: the message must still be short
    "1",
    b"1",
    [1],
    (1,),
    {"a": 1},
    None,
    True,
    np.True_,
    1 + 2j,
    Decimal("0.5"),
    Fraction(1, 2),
    object(),
    np.array([0.5]),
]
BAD_SWITCHES = ["no", "yes", "False", "", 0, 1, 1.0, None, [], np.int64(1), "true"]
BAD_CHOICES = [1, None, ["free"], "FREE", "", b"free", np.array(["free"]), ("free",)]


def bad_values(param):
    if param.choices is not None:
        return BAD_CHOICES
    if param.kind is bool:
        return BAD_SWITCHES
    return BAD_NUMBERS


PARAMETER_CASES = [
    (owner, name, value)
    for owner, table in (("Policy", LEVERS), ("Scenario", SCENARIO_PARAMETERS))
    for name, param in table.items()
    for value in bad_values(param)
]


@pytest.mark.parametrize(
    ("owner", "name", "value"),
    PARAMETER_CASES,
    ids=[f"{o}.{n}={shown(v, 20)}" for o, n, v in PARAMETER_CASES],
)
def test_every_bad_value_is_named(owner, name, value):
    build = Policy if owner == "Policy" else lambda **kw: get_scenario("small", **kw)
    with pytest.raises(ParameterError) as raised:
        build(**{name: value})
    message = str(raised.value)
    assert message.startswith(f"{owner}.{name}=") and "expected" in message
    assert len(message) < 400 and "\n" not in message


def test_numbers_just_inside_float_range_are_judged_by_their_bound():
    huge = int(np.finfo(float).max)
    with pytest.raises(ParameterError, match=r"out of range; expected a number in \[0.0, 5.0\]"):
        Policy(price_level=huge)
    with pytest.raises(ParameterError, match=r"Policy.operators=<an integer of about 401 digits>"):
        Policy(operators=10**400)
    assert Policy(operators=np.int64(2)).operators == 2
    assert Policy(price_level=np.float32(2.5)).price_level == 2.5


def test_shown_keeps_messages_short():
    assert shown(10**5000) == "<an integer of about 5001 digits>"
    assert shown(-(10**100)) == "<a negative integer of about 101 digits>"
    assert shown("x" * 200).endswith("...") and len(shown("x" * 200)) == 80
    assert shown(2**63) == repr(2**63)

    class Unprintable:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert shown(Unprintable()) == "<Unprintable>"  # named by its type


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"collect_agents": "no"}, "collect_agents='no'"),
        ({"collect_agents": 1}, "collect_agents=1"),
        ({"collect_agents": None}, "collect_agents=None"),
        ({"seed": 1.5}, "seed=1.5"),
        ({"seed": "1"}, "seed='1'"),
        ({"seed": True}, "seed=True"),
        ({"seed": float("nan")}, "seed=nan"),
        ({"seed": [1]}, "seed=[1]"),
        ({"seed": 3, "rng": 3}, "give seed or rng, not both"),
        ({"rng": np.random.default_rng(3)}, "rng must be an integer seed"),
        ({"scenario": ["small"]}, "unknown scenario ['small']"),
        ({"scenario": None}, "unknown scenario None"),
        ({"scenario": 3}, "unknown scenario 3"),
        ({"policy": 3}, "policy must be a Policy or a dict"),
        ({"policy": [("pricing", "free")]}, "policy must be a Policy or a dict"),
        ({"n_firms": float("inf")}, "Scenario.n_firms=inf"),
        ({"n_firms": 10**7}, "Scenario.n_firms=10000000"),
        ({"n_firms": "10"}, "Scenario.n_firms='10'"),
        ({"policy": {"operators": float("inf")}}, "Policy.operators=inf"),
        ({"policy": {"price_level": 10**400}}, "Policy.price_level=<an integer"),
    ],
)
def test_bad_model_arguments_are_named(kwargs, field):
    created, text = agents_created(lambda: DataEconomy(**{"scenario": "small", **kwargs}))
    assert created == 0 and field in text
