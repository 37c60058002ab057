"""Policy: defaults, validation messages, dict round trip, immutability."""

import pickle

import numpy as np
import pytest

from econ import LEVERS, Policy, PolicyError


def test_every_lever_has_unit_default_and_bound():
    for lever in LEVERS.values():
        assert lever.unit and lever.description
        assert lever.choices is not None or lever.kind is bool or lever.low < lever.high
        assert lever.validate(lever.default, "Policy") == lever.default


def test_dict_round_trip_and_equality():
    policy = Policy(pricing="free", operators=3, openness=0.7, hk_bridge=True)
    data = policy.to_dict()
    assert set(data) == set(LEVERS)
    assert all(isinstance(v, str | bool | int | float) for v in data.values())
    assert Policy.from_dict(data) == policy
    assert hash(Policy.from_dict(data)) == hash(policy)
    assert pickle.loads(pickle.dumps(policy)) == policy


def test_unknown_lever_names_the_field_and_the_allowed_levers():
    with pytest.raises(PolicyError, match=r"'opennes'.*allowed: .*openness"):
        Policy(opennes=0.5)


@pytest.mark.parametrize(
    ("lever", "value", "message"),
    [
        (
            "openness",
            1.5,
            r"Policy\.openness=1\.5 is out of range; expected a number in \[0.0, 1.0\]",
        ),
        ("operators", 6, r"Policy\.operators=6 is out of range; expected an integer in \[0, 5\]"),
        ("operators", 2.5, r"Policy\.operators=2\.5 is not a whole number"),
        ("pricing", "gratis", r"Policy\.pricing='gratis' is not allowed; expected one of 'free'"),
        ("hk_bridge", 1, r"Policy\.hk_bridge=1 is not allowed; expected True or False"),
        ("openness", "high", r"Policy\.openness='high' has type str"),
        ("openness", True, r"Policy\.openness=True has type bool"),
        ("price_level", float("nan"), r"Policy\.price_level=nan is out of range"),
    ],
)
def test_bad_values_name_field_and_allowed_range(lever, value, message):
    with pytest.raises(PolicyError, match=message):
        Policy(**{lever: value})


def test_numpy_scalars_become_python_scalars():
    policy = Policy(operators=np.int64(2), openness=np.float32(0.25), hk_bridge=np.bool_(True))
    assert type(policy.operators) is int and policy.operators == 2
    assert type(policy.openness) is float and type(policy.hk_bridge) is bool


def test_policy_is_immutable_and_replace_validates():
    policy = Policy()
    with pytest.raises(AttributeError, match="immutable"):
        policy.openness = 1.0
    assert policy.replace(openness=1.0).openness == 1.0
    with pytest.raises(PolicyError, match="openness"):
        policy.replace(openness=-1)


def test_describe_lists_every_lever():
    table = Policy.describe()
    for name in LEVERS:
        assert f"`{name}`" in table
