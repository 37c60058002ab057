"""Bad input gets a clear error naming the field and what is allowed; nothing is half-built."""

import mesa
import pytest

from econ import DataEconomy, ParameterError, Policy


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
