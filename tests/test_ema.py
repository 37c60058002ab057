"""econ speaks EMA Workbench: an EMA Model, and stored results in EMA's form, tested with
EMA's own perform_experiments, plotting, save_results, PRIM and optimize."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

ema = pytest.importorskip("ema_workbench")
from ema_workbench import (  # noqa: E402
    SequentialEvaluator,
    load_results,
    perform_experiments,
    save_results,
)
from ema_workbench.analysis import plotting, prim  # noqa: E402

from econ import ParameterError  # noqa: E402
from econ.ema import ema_model, ema_parameter  # noqa: E402
from econ.experiment import run  # noqa: E402
from econ.results import to_ema  # noqa: E402
from econ.study import spec_path  # noqa: E402

SMALL = {"scenario": "small", "n_firms": 120, "quarters": 4}


@pytest.fixture(scope="module")
def ema_results():
    model = ema_model(
        levers=("pricing", "openness"), uncertainties={"data_elasticity": (0.04, 0.12)}, **SMALL
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return perform_experiments(model, scenarios=4, policies=2)


def test_parameters_follow_econs_tables():
    assert isinstance(ema_parameter("pricing"), ema.CategoricalParameter)
    assert isinstance(ema_parameter("hk_bridge"), ema.BooleanParameter)
    assert isinstance(ema_parameter("operators"), ema.IntegerParameter)
    openness = ema_parameter("openness")
    assert (openness.lower_bound, openness.upper_bound) == (0.0, 1.0)
    with pytest.raises(ParameterError, match="openness"):
        ema_parameter("openness", (0.0, 2.0))
    with pytest.raises(ParameterError, match="not a lever"):
        ema_model(levers=("data_elasticity",))


def test_perform_experiments_runs_econ_paired_by_seed(ema_results):
    experiments, outcomes = ema_results
    assert len(experiments) == 8
    assert str(experiments["pricing"].dtype) == "category"
    assert outcomes["welfare"].shape == (8, 4)
    np.testing.assert_array_equal(outcomes["TIME"][0], [1.0, 2.0, 3.0, 4.0])
    # Same uncertainty sample and seed under two policies: paired, different outcomes.
    first = experiments.groupby("scenario", observed=True).head(2).index[:2]
    assert not np.array_equal(*outcomes["welfare"][list(first)])


def test_plotting_save_results_and_prim(ema_results, tmp_path):
    experiments, outcomes = ema_results
    fig, _ = plotting.lines(experiments, outcomes, outcomes_to_show="welfare", group_by="pricing")
    plt.close(fig)
    save_results(ema_results, str(tmp_path / "results.tar.gz"))
    _, back = load_results(str(tmp_path / "results.tar.gz"))
    np.testing.assert_allclose(back["welfare"], outcomes["welfare"])
    x = experiments[["openness", "data_elasticity"]]
    y = outcomes["welfare_mean"] > np.median(outcomes["welfare_mean"])
    box = prim.Prim(x, y).find_box()
    assert len(box.peeling_trajectory) >= 1


def test_one_optimize_call(tmp_path):
    model = ema_model(
        levers={"openness": (0.0, 1.0), "price_level": (0.5, 2.0)},
        uncertainties={"data_elasticity": (0.04, 0.12)},
        **SMALL,
    )
    with warnings.catch_warnings(), SequentialEvaluator(model) as evaluator:
        warnings.simplefilter("ignore")
        result = evaluator.optimize(
            nfe=12,
            searchover="levers",
            epsilons=[1e9, 0.01, 1.0],
            directory=str(tmp_path),
            filename="archive.tar.gz",
            rng=1,
        )
    archive = result[0] if isinstance(result, tuple) else result
    assert {"openness", "price_level", "welfare_mean"} <= set(archive.columns)
    assert len(archive) >= 1


def test_stored_results_in_emas_form(tmp_path):
    results = run(spec_path("smoke"), executor="serial", quick=True, out=tmp_path / "s",
                  progress=False)  # fmt: skip
    experiments, outcomes = to_ema(results)
    assert str(experiments["pricing"].dtype) == "category"
    assert "TIME" in outcomes and outcomes["TIME"].shape == outcomes["welfare"].shape
    fig, _ = plotting.lines(experiments, outcomes, outcomes_to_show="welfare", group_by="pricing")
    plt.close(fig)
    save_results((experiments, outcomes), str(tmp_path / "smoke.tar.gz"))
    _, back = load_results(str(tmp_path / "smoke.tar.gz"))
    np.testing.assert_allclose(back["welfare"], outcomes["welfare"])
