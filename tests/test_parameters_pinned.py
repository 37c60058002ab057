"""Parameter and ParameterSet pinned: validation, messages, equality, hashing, dict round trip
(issue #17, mutation testing). A small ParameterSet of one parameter of each kind is used so
that every message can be written out in full."""

import pickle

import numpy as np
import pytest

from econ.parameters import Parameter, ParameterError, ParameterSet
from econ.policy import Policy
from econ.scenarios import Scenario

RATE = Parameter("rate", 0.5, "share", "A rate.", low=0.0, high=1.0)
COUNT = Parameter("count", 2, "items", "A count.", low=1, high=4, kind=int)
MODE = Parameter("mode", "a", "regime", "A mode.", choices=("a", "b"), kind=str)
FLAG = Parameter("flag", False, "on/off", "A switch.", kind=bool)
TABLE = {p.name: p for p in (RATE, COUNT, MODE, FLAG)}


class Small(ParameterSet):
    PARAMETERS = TABLE


class Twin(ParameterSet):
    """Same parameters as Small, another type."""

    PARAMETERS = TABLE


SOURCED = {
    "x": Parameter(
        "x", 1.0, "u", "X.", low=0.0, high=2.0, source="Smith 2020", plausible=(0.5, 1.5)
    ),
    "y": Parameter("y", 3, "v", "Y.", low=0, high=9, kind=int),
}


class Sourced(ParameterSet):
    PARAMETERS = SOURCED


# Parameter --------------------------------------------------------------------------------


def test_allowed_states_each_kind():
    assert RATE.allowed == "a number in [0.0, 1.0]"
    assert COUNT.allowed == "an integer in [1, 4]"
    assert MODE.allowed == "one of 'a', 'b'"
    assert FLAG.allowed == "True or False"


def test_numbers_are_coerced_to_the_parameters_type():
    assert RATE.validate(1, "S") == 1.0 and type(RATE.validate(1, "S")) is float
    assert COUNT.validate(3.0, "S") == 3 and type(COUNT.validate(3.0, "S")) is int
    assert type(RATE.validate(np.float32(0.25), "S")) is float
    assert RATE.validate(np.float32(0.25), "S") == 0.25
    assert type(COUNT.validate(np.int64(3), "S")) is int
    assert FLAG.validate(np.bool_(True), "S") is True
    assert FLAG.validate(False, "S") is False
    assert MODE.validate("b", "S") == "b"


def test_bounds_are_inclusive():
    assert RATE.validate(0.0, "S") == 0.0
    assert RATE.validate(1.0, "S") == 1.0
    assert COUNT.validate(1, "S") == 1
    assert COUNT.validate(4, "S") == 4
    for value in (-1e-9, 1.0 + 1e-9):
        with pytest.raises(ParameterError, match="out of range"):
            RATE.validate(value, "S")
    for value in (0, 5):
        with pytest.raises(ParameterError, match="out of range"):
            COUNT.validate(value, "S")


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        (RATE, 1.5, "S.rate=1.5 is out of range; expected a number in [0.0, 1.0]"),
        (RATE, -0.5, "S.rate=-0.5 is out of range; expected a number in [0.0, 1.0]"),
        (RATE, float("nan"), "S.rate=nan is out of range; expected a number in [0.0, 1.0]"),
        (RATE, "high", "S.rate='high' has type str; expected a number in [0.0, 1.0]"),
        (RATE, True, "S.rate=True has type bool; expected a number in [0.0, 1.0]"),
        (RATE, None, "S.rate=None has type NoneType; expected a number in [0.0, 1.0]"),
        (COUNT, 2.5, "S.count=2.5 is not a whole number; expected an integer in [1, 4]"),
        (COUNT, 7, "S.count=7 is out of range; expected an integer in [1, 4]"),
        (COUNT, np.True_, "S.count=True has type bool; expected an integer in [1, 4]"),
        (MODE, "c", "S.mode='c' is not allowed; expected one of 'a', 'b'"),
        (FLAG, 1, "S.flag=1 is not allowed; expected True or False"),
        (FLAG, "yes", "S.flag='yes' is not allowed; expected True or False"),
    ],
)
def test_validation_messages(param, value, message):
    with pytest.raises(ParameterError) as raised:
        param.validate(value, "S")
    assert str(raised.value) == message


# ParameterSet -----------------------------------------------------------------------------


def test_defaults_and_values():
    assert Small().to_dict() == {"rate": 0.5, "count": 2, "mode": "a", "flag": False}
    small = Small(rate=0.25, flag=True)
    assert (small.rate, small.count, small.mode, small.flag) == (0.25, 2, "a", True)
    assert Small(count=3.0).count == 3 and type(Small(count=3.0).count) is int


def test_unknown_names_are_listed_sorted_with_the_allowed_ones():
    with pytest.raises(ParameterError) as raised:
        Small(zeta=1, alpha=2, rate=0.5)
    assert str(raised.value) == (
        "Small: unknown parameter(s) 'alpha', 'zeta'; allowed: rate, count, mode, flag"
    )


def test_bad_value_names_the_set_and_the_parameter():
    with pytest.raises(ParameterError) as raised:
        Small(count=9)
    assert str(raised.value) == "Small.count=9 is out of range; expected an integer in [1, 4]"


def test_unknown_attribute():
    with pytest.raises(AttributeError) as raised:
        _ = Small().ratio
    assert str(raised.value) == "Small has no parameter 'ratio'; allowed: rate, count, mode, flag"


def test_immutable():
    small = Small()
    with pytest.raises(AttributeError) as raised:
        small.rate = 0.9
    assert str(raised.value) == "Small is immutable; use .replace(rate=...)"
    with pytest.raises(AttributeError, match=r"^Small is immutable$"):
        del small.rate
    assert small.rate == 0.5


def test_no_shipped_parameter_shadows_a_method():
    # Values are instance attributes, so a parameter named like a method would hide it.
    for kind in (Policy, Scenario):
        assert not set(kind.PARAMETERS) & set(dir(kind)), kind.__name__
        assert kind().replace is not None and callable(kind().to_dict)


def test_equality_needs_the_same_type_and_the_same_values():
    assert Small(rate=0.25) == Small(rate=0.25)
    assert Small(rate=0.25) == Small(rate=0.25, count=2)  # a default given or not
    assert Small(rate=0.25) != Small(rate=0.3)
    assert Small(flag=True) != Small()
    assert Small(mode="b") != Small()
    assert Small() != Twin()  # same values, another type
    assert Small() != Small().to_dict()
    assert Small() != 3


def test_hash_follows_equality():
    assert hash(Small(rate=0.25)) == hash(Small(rate=0.25, count=2))
    hashes = {hash(Small(rate=r)) for r in (0.1, 0.2, 0.3)}
    hashes |= {hash(Small(count=3)), hash(Small(mode="b")), hash(Small()), hash(Twin())}
    assert len(hashes) == 7
    assert len({Small(rate=0.25), Small(rate=0.25), Small(rate=0.3), Twin(rate=0.25)}) == 3


def test_dict_round_trip():
    small = Small(rate=0.25, count=3, mode="b", flag=True)
    data = small.to_dict()
    assert data == {"rate": 0.25, "count": 3, "mode": "b", "flag": True}
    assert Small.from_dict(data) == small
    data["rate"] = 0.9  # a copy: the set does not change
    assert small.rate == 0.25


def test_from_dict_rejects_other_mappings_and_unknown_names():
    with pytest.raises(ParameterError) as raised:
        Small.from_dict([("rate", 0.5)])
    assert str(raised.value) == "Small must be built from a mapping, not list"
    with pytest.raises(ParameterError, match="unknown parameter"):
        Small.from_dict({"rat": 0.5})


def test_replace_keeps_the_other_values_and_validates():
    small = Small(rate=0.25, flag=True)
    changed = small.replace(count=4)
    assert changed.to_dict() == {"rate": 0.25, "count": 4, "mode": "a", "flag": True}
    assert type(changed) is Small and small.count == 2
    with pytest.raises(ParameterError, match=r"Small\.count=5 is out of range"):
        small.replace(count=5)


def test_pickle_round_trip():
    small = Small(rate=0.25, mode="b")
    copy = pickle.loads(pickle.dumps(small))
    assert copy == small and type(copy) is Small


def test_dir_lists_parameters_and_methods():
    names = dir(Small())
    assert {"rate", "count", "mode", "flag", "replace", "to_dict"} <= set(names)


def test_repr_shows_only_changed_values():
    assert repr(Small()) == "Small()"
    assert repr(Small(rate=0.25, mode="b")) == "Small(rate=0.25, mode='b')"
    assert repr(Twin(flag=True)) == "Twin(flag=True)"


def test_describe_without_sources():
    assert Small.describe() == "\n".join(
        [
            "| name | unit | default | allowed | meaning |",
            "|---|---|---|---|---|",
            "| `rate` | share | `0.5` | a number in [0.0, 1.0] | A rate. |",
            "| `count` | items | `2` | an integer in [1, 4] | A count. |",
            "| `mode` | regime | `'a'` | one of 'a', 'b' | A mode. |",
            "| `flag` | on/off | `False` | True or False | A switch. |",
        ]
    )


def test_describe_with_sources():
    assert Sourced.describe() == "\n".join(
        [
            "| name | unit | default | allowed | meaning | source |",
            "|---|---|---|---|---|---|",
            "| `x` | u | `1.0` | a number in [0.0, 2.0]; plausible [0.5, 1.5] | X. | Smith 2020 |",
            "| `y` | v | `3` | an integer in [0, 9] | Y. |  |",
        ]
    )


def test_records_list_every_parameter_as_a_plain_dict():
    records = {r["name"]: r for r in Sourced.records()}
    assert list(records) == ["x", "y"]
    assert records["x"] == {
        "name": "x",
        "unit": "u",
        "default": 1.0,
        "low": 0.0,
        "high": 2.0,
        "choices": None,
        "type": "float",
        "allowed": "a number in [0.0, 2.0]",
        "description": "X.",
        "source": "Smith 2020",
        "plausible": [0.5, 1.5],
    }
    assert records["y"]["type"] == "int" and records["y"]["source"] == ""
    assert records["y"]["plausible"] is None
    mode = {r["name"]: r for r in Small.records()}["mode"]
    assert mode["choices"] == ["a", "b"] and mode["low"] is None and mode["high"] is None
