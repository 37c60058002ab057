"""Same seed and inputs, same numbers (bit for bit, even in a fresh process); seeds differ."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from econ import DataEconomy, ParameterError, Policy
from econ.seeds import spawn_seeds

POLICY = Policy(pricing="conditional_free", operators=2, openness=0.5, hk_bridge=True)
SCRIPT = """
from econ import DataEconomy, Policy
m = DataEconomy(policy=Policy(pricing="conditional_free", operators=2, openness=0.5,
                hk_bridge=True), scenario="small", seed=7)
m.run(10)
m.datacollector.get_model_vars_dataframe().to_pickle(r"{path}")
"""


def run(seed, policy=POLICY):
    model = DataEconomy(policy=policy, scenario="small", seed=seed)
    return model.run(10)


def test_same_seed_same_numbers():
    pd.testing.assert_frame_equal(run(7), run(7), check_exact=True)


def test_same_numbers_in_a_fresh_process(tmp_path):
    path = tmp_path / "fresh.pkl"
    subprocess.run([sys.executable, "-c", SCRIPT.format(path=path)], check=True)
    pd.testing.assert_frame_equal(pd.read_pickle(path), run(7), check_exact=True)


def test_different_seeds_differ():
    a, b = run(7), run(8)
    assert not np.allclose(a["market_size"], b["market_size"])


def test_numpy_integer_seed_is_recorded_as_plain_int():
    model = DataEconomy(scenario="small", seed=np.int64(7))
    assert type(model.seed) is int and model.seed == 7
    pd.testing.assert_frame_equal(model.run(3), DataEconomy(scenario="small", seed=7).run(3))


def test_no_seed_draws_and_records_one():
    model = DataEconomy(scenario="small")
    assert type(model.seed) is int
    again = DataEconomy(scenario="small", seed=model.seed)
    pd.testing.assert_frame_equal(model.run(2), again.run(2))


def test_spawned_seeds_are_stable_plain_ints_and_distinct():
    seeds = spawn_seeds(2024, 5)
    assert seeds == spawn_seeds(2024, 5)
    assert all(type(s) is int for s in seeds) and len(set(seeds)) == 5
    assert spawn_seeds(2024, 3) == seeds[:3]  # growing the batch keeps earlier runs
    with pytest.raises(ValueError, match="root seed"):
        spawn_seeds(-1, 2)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_is_rejected(seed):
    with pytest.raises(ParameterError, match="seed="):
        DataEconomy(scenario="small", seed=seed)
