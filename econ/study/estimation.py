"""Estimation: posteriors of scenario parameters by ABC-SMC against sourced moments
(``econ calibrate``).

:mod:`econ.calibration` scales a model to the national economy; this module *estimates*
behavioural parameters. A calibrate spec (TOML, :func:`read_calibrate_spec`) names a
scenario, the parameters to estimate with uniform priors, and the moments to match, each
with a target value, a standard deviation and a source. :func:`estimate` runs pyabc's
ABC-SMC: each particle is one model run, built as an engine :class:`~econ.experiment.RunSpec`,
executed by :func:`~econ.experiment.runner.execute_run` and kept in the engine's result store
(``runs/``, ``series/``), so a calibration that is run again reuses every simulation it
already made. The runs are sent to econ's executors (serial, a process pool or Dask).

The whole calibration is a function of its seed. Job ``j`` of generation ``t`` seeds
numpy's global generator (which pyabc draws parameters from) and the model run from
``SeedSequence(seed, spawn_key=(t + 1, j))``, and a generation keeps the first
``population`` accepted jobs in job order, however many workers ran them and in whatever
order they finished.

The result is stored under one folder (:class:`Estimate`, :func:`load_estimate`):
``posterior.parquet`` (the last generation's particles and weights), ``populations.parquet``
(every generation), ``diagnostics.json`` (epsilon, acceptance rate and effective sample size
per generation), ``predictive.parquet`` (moments of runs at posterior draws) and
``estimate.json`` (the weighted posterior mean, written last), which
``scenario = "china_2024@posterior"`` reads (:func:`econ.scenarios.resolve_estimate`).
"""

from __future__ import annotations

import contextvars
import json
import logging
import math
import random
import time
import tomllib
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from econ import shipped
from econ._version import __version__
from econ.experiment.executors import EXECUTORS, make_executor
from econ.experiment.runner import execute_run
from econ.experiment.runs import RunSpec, model_fingerprint
from econ.experiment.spec import SpecError, check_name
from econ.experiment.store import ResultStore, write_atomic, write_json
from econ.metrics import cagr
from econ.parameters import ParameterError, shown
from econ.policy import LEVERS, Policy
from econ.scenarios import (
    ESTIMATE_FILE,
    SCENARIO_PARAMETERS,
    SCENARIOS,
    calibrations_root,
    get_scenario,
)

__all__ = [
    "MOMENTS",
    "CalibrateSpec",
    "Estimate",
    "Moment",
    "MomentTarget",
    "calibrate_spec_names",
    "calibrate_spec_path",
    "calibration_targets",
    "estimate",
    "load_estimate",
    "moments_of",
    "read_calibrate_spec",
]


@dataclass(frozen=True)
class Moment:
    """A statistic of one run that a calibration can match.

    Parameters
    ----------
    name : str
        Its name in a calibrate spec's ``[moments]``.
    description : str
        What it measures, with its unit.
    columns : tuple of str
        The reported columns it reads.
    quarters : int
        Quarters a run must have for it.
    compute : callable
        ``compute(series)`` of the run's series (one row per quarter) -> float.
    validation_key : str
        The row of the validation table (:func:`econ.study.validation.check_behaviours`)
        that measures the same behaviour, "" if none: a calibration that targets the moment
        makes that row a calibration target, not a held-out check.
    """

    name: str
    description: str
    columns: tuple[str, ...]
    quarters: int
    compute: Callable[[pd.DataFrame], float]
    validation_key: str = ""


def _year(series: pd.DataFrame, column: str, year: int) -> float:
    """Sum of a quarterly column over year ``year`` (1 = quarters 1-4)."""
    return float(series[column].iloc[4 * (year - 1) : 4 * year].sum())


def _market_2022(series: pd.DataFrame) -> float:
    return _year(series, "market_size", 1)


def _market_growth(series: pd.DataFrame) -> float:
    first, third = _year(series, "market_size", 1), _year(series, "market_size", 3)
    return (third / first) ** 0.5 - 1.0 if first > 0 and third > 0 else float("nan")


def _output_2022(series: pd.DataFrame) -> float:
    return _year(series, "output", 1)


def _exchange_share_2022(series: pd.DataFrame) -> float:
    return float(series["exchange_share"].iloc[:4].mean())


def _utilisation_2022(series: pd.DataFrame) -> float:
    return float(series["compute_utilisation"].iloc[0])


def _utilisation_change(series: pd.DataFrame) -> float:
    util = series["compute_utilisation"]
    return float(util.iloc[8] - util.iloc[0])


def _datasets_growth(series: pd.DataFrame) -> float:
    return cagr(series["public_datasets"].iloc[:12])


#: The moments a calibrate spec may name (the model's quarter 1 is 2022Q1).
MOMENTS: dict[str, Moment] = {
    m.name: m
    for m in [
        Moment(
            "market_2022",
            "paid data market in the first year, 2022 (RMB per year)",
            ("market_size",),
            4,
            _market_2022,
        ),
        Moment(
            "market_growth",
            "growth of the paid data market from the first to the third year, 2022-2024 "
            "(share per year)",
            ("market_size",),
            12,
            _market_growth,
            "baseline_growth",
        ),
        Moment(
            "output_2022",
            "output of the data-using economy in the first year, 2022 (RMB per year); with the "
            "scale set on 2019, it measures output's growth over the spin-up",
            ("output",),
            4,
            _output_2022,
            "output_2022",
        ),
        Moment(
            "utilisation_2022",
            "compute rack utilisation in the first quarter, 2022Q1 (share)",
            ("compute_utilisation",),
            1,
            _utilisation_2022,
        ),
        Moment(
            "utilisation_change",
            "change in compute rack utilisation over the first two years (share points)",
            ("compute_utilisation",),
            9,
            _utilisation_change,
        ),
        Moment(
            "exchange_share_2022",
            "exchange-traded share of data trade value in the first year, 2022 (share)",
            ("exchange_share",),
            4,
            _exchange_share_2022,
            "exchange_share_2022",
        ),
        Moment(
            "datasets_growth",
            "growth of the open public datasets over the first three years (share per year)",
            ("public_datasets",),
            12,
            _datasets_growth,
        ),
    ]
}


def moments_of(series: pd.DataFrame, names: list[str] | tuple[str, ...]) -> dict[str, float]:
    """The named moments of one run.

    Parameters
    ----------
    series : pandas.DataFrame
        The run's reported columns, one row per quarter in order.
    names : sequence of str
        Names in :data:`MOMENTS`.

    Returns
    -------
    dict of str to float
        Each moment's value in its unit (NaN where it is undefined).
    """
    return {name: float(MOMENTS[name].compute(series)) for name in names}


@dataclass(frozen=True)
class MomentTarget:
    """One moment a calibration matches: its target, spread and source.

    Parameters
    ----------
    name : str
        A name in :data:`MOMENTS`.
    value : float
        The target, in the moment's unit.
    sd : float
        How far from the target a run may fall and still count as close (the moment's
        distance weight is ``1 / sd``), in the moment's unit.
    source : str
        Where the target comes from.
    """

    name: str
    value: float
    sd: float
    source: str


@dataclass(frozen=True)
class CalibrateSpec:
    """A calibration: what to estimate, against which moments, at what cost.

    Parameters
    ----------
    name : str
        The calibration's name (its default folder is ``results/calibrations/<name>``).
    description : str
        One line.
    scenario : str
        The scenario whose parameters are estimated.
    n_firms : int or None
        Firm slots of each run; None keeps the scenario's.
    steps : int
        Quarters of each run (quarter 1 is 2022Q1).
    seed : int
        Root seed: the whole calibration is a function of it.
    population : int
        Particles per ABC-SMC generation.
    generations : int
        Generations at most.
    min_epsilon : float
        Stop once the distance threshold falls to this (0: run every generation).
    predictive : int
        Runs at posterior draws for the posterior predictive check.
    priors : dict of str to tuple of float
        Uniform prior ``(low, high)`` of each estimated scenario parameter.
    moments : tuple of MomentTarget
        The moments matched.
    policy : dict
        Levers held fixed (default: today's policy, the lever defaults).
    params : dict
        Scenario parameters held fixed.
    min_epsilon_change : float
        Stop once the distance threshold falls by less than this in one generation (pyabc's
        ``min_eps_diff``; 0: never): the posterior has stopped tightening.
    min_acceptance : float
        Stop once a generation accepts less than this share of its proposals (pyabc's
        ``min_acceptance_rate``; 0: never): each further generation would cost more runs
        than it is worth, as epsilon nears the floor the missed moments set.
    """

    name: str
    description: str
    scenario: str
    n_firms: int | None
    steps: int
    seed: int
    population: int
    generations: int
    min_epsilon: float
    predictive: int
    priors: dict[str, tuple[float, float]]
    moments: tuple[MomentTarget, ...]
    policy: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    min_epsilon_change: float = 0.0
    min_acceptance: float = 0.0

    def without(self, *moments: str) -> CalibrateSpec:
        """The same calibration without some of its moments: a leave-out robustness check.

        Named ``<name>_without_<moment>`` (``_and_`` between several, in the spec's order),
        so it is stored beside the full calibration and ``"<scenario>@<that name>"`` reads it.

        Parameters
        ----------
        *moments : str
            Names of moments to leave out.

        Returns
        -------
        CalibrateSpec
            The spec with those moments removed and its name and description saying so.

        Raises
        ------
        econ.experiment.spec.SpecError
            For a name that is not one of the spec's moments, or if no moment would be left.
        """
        names = [m.name for m in self.moments]
        for moment in moments:
            if moment not in names:
                raise SpecError(
                    f"{self.name}: without {moment!r}: not a moment of this calibration; "
                    f"its moments: {', '.join(names)}"
                )
        # In the spec's order, so the same moments left out always give the same name.
        dropped = [name for name in names if name in moments]
        kept = tuple(m for m in self.moments if m.name not in dropped)
        if not kept:
            raise SpecError(f"{self.name}: without: every moment left out; keep at least one")
        if not dropped:
            return self
        name = f"{self.name}_without_{'_and_'.join(dropped)}"
        try:
            check_name(name, "name")
        except SpecError as err:
            raise SpecError(f"{self.name}: without: {err}") from None
        moment = "moment" if len(dropped) == 1 else "moments"
        return replace(
            self,
            name=name,
            description=f"{self.description} Without the {moment} {', '.join(dropped)}.",
            moments=kept,
        )

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain values (for the manifest).

        Returns
        -------
        dict
            Every field; priors as lists, moments as dicts.
        """
        return {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario,
            "n_firms": self.n_firms,
            "steps": self.steps,
            "seed": self.seed,
            "population": self.population,
            "generations": self.generations,
            "min_epsilon": self.min_epsilon,
            "min_epsilon_change": self.min_epsilon_change,
            "min_acceptance": self.min_acceptance,
            "predictive": self.predictive,
            "priors": {k: list(v) for k, v in self.priors.items()},
            "moments": [vars(m) for m in self.moments],
            "policy": dict(self.policy),
            "params": dict(self.params),
        }


_CALIBRATION_KEYS = {
    "name",
    "description",
    "scenario",
    "n_firms",
    "steps",
    "seed",
    "population",
    "generations",
    "min_epsilon",
    "min_epsilon_change",
    "min_acceptance",
    "predictive",
}
_TABLES = {"calibration", "parameters", "moments", "policy", "params", "quick"}
_INTEGERS = {
    "n_firms": (10, 1_000_000),
    "steps": (1, 400),
    "seed": (0, 2**63 - 1),
    "population": (2, 100_000),
    "generations": (1, 100),
    "predictive": (1, 100_000),
}


def calibrate_spec_names() -> list[str]:
    """Names of the calibrate specs shipped with econ.

    Returns
    -------
    list of str
        Sorted names, each usable with ``econ calibrate NAME``.
    """
    return shipped.spec_names(shipped.CALIBRATE_SPECS)


def calibrate_spec_path(name: str) -> Path:
    """The shipped calibrate spec ``name`` (see :func:`calibrate_spec_names`).

    Parameters
    ----------
    name : str
        A shipped calibrate spec's name.

    Returns
    -------
    pathlib.Path
        The spec file inside the installed package.

    Raises
    ------
    FileNotFoundError
        If no shipped calibrate spec has that name.
    """
    return shipped.spec_path(name, shipped.CALIBRATE_SPECS, "calibrate")


def read_calibrate_spec(path: str | Path, quick: bool = False) -> CalibrateSpec:
    """Read and validate a calibrate spec (TOML), or a shipped one by name.

    Parameters
    ----------
    path : str or pathlib.Path
        The spec file, or the name of a shipped calibrate spec (``"china_2024"``).
    quick : bool, default False
        Apply the spec's ``[quick]`` table (fewer firms, particles and generations).

    Returns
    -------
    CalibrateSpec
        The validated spec.

    Raises
    ------
    econ.experiment.spec.SpecError
        For a missing or malformed file or any bad key or value; the one-line message
        names the file, the key and what is allowed.
    """
    if isinstance(path, str) and not path.endswith(".toml") and "/" not in path:
        if path in calibrate_spec_names():
            path = calibrate_spec_path(path)
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        shipped = ", ".join(calibrate_spec_names())
        raise SpecError(
            f"{path}: no such calibrate spec file (shipped calibrate specs: {shipped})"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"{path}: cannot read the spec ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path}: not valid TOML ({err})") from None
    return _parse(data, str(path), quick)


def _parse(data: dict[str, Any], source: str, quick: bool) -> CalibrateSpec:
    def fail(key: str, problem: str) -> SpecError:
        return SpecError(f"{source}: {key}: {problem}")

    for table, value in data.items():
        if table not in _TABLES:
            raise fail(f"[{table}]", f"unknown table; allowed: {', '.join(sorted(_TABLES))}")
        if not isinstance(value, dict):
            raise fail(f"[{table}]", f"must be a table, not {shown(value, 40)}")
    cal = dict(data.get("calibration", {}))
    quick_table = data.get("quick", {})
    unknown = sorted(set(cal) - _CALIBRATION_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_CALIBRATION_KEYS))
        raise fail(f"[calibration] {unknown[0]}", f"unknown key; allowed: {allowed}")
    changeable = _CALIBRATION_KEYS - {"name", "description", "scenario"}
    unknown = sorted(set(quick_table) - changeable)
    if unknown:
        allowed = ", ".join(sorted(changeable))
        raise fail(f"[quick] {unknown[0]}", f"not a key [quick] may change; allowed: {allowed}")
    if quick:
        cal.update(quick_table)

    def integer(key: str, default: int | None) -> int | None:
        value = cal.get(key, default)
        if value is None:
            return None
        low, high = _INTEGERS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            allowed = f"expected a whole number in [{low}, {high:,}]"
            raise fail(f"[calibration] {key}", f"{shown(value)}; {allowed}")
        return value

    try:
        name = check_name(cal.get("name", "calibration"), "name")
    except SpecError as err:
        raise fail("[calibration] name", str(err).removeprefix("name ")) from None
    scenario = cal.get("scenario", "china_2024")
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise fail("[calibration] scenario", f"{shown(scenario)}; allowed: {', '.join(SCENARIOS)}")
    description = cal.get("description", "")
    if not isinstance(description, str):
        raise fail("[calibration] description", f"{shown(description)}; expected a string")

    def non_negative(key: str) -> float:
        value = cal.get(key, 0.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value < math.inf
        ):
            raise fail(f"[calibration] {key}", f"{shown(value)}; expected a number >= 0")
        return float(value)

    priors: dict[str, tuple[float, float]] = {}
    for param, bounds in data.get("parameters", {}).items():
        where = f"[parameters] {param}"
        spec_param = SCENARIO_PARAMETERS.get(param)
        if spec_param is None or spec_param.kind is not float:
            raise fail(where, "not a real-valued scenario parameter; see `econ scenarios`")
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
            or not bounds[0] < bounds[1]
        ):
            raise fail(where, f"{shown(bounds)}; expected a prior range [low, high], low < high")
        low, high = float(bounds[0]), float(bounds[1])
        if low < spec_param.low or high > spec_param.high:
            raise fail(where, f"[{low}, {high}] leaves the parameter's range; {spec_param.allowed}")
        priors[param] = (low, high)
    if not priors:
        raise fail("[parameters]", "name at least one parameter to estimate, with [low, high]")

    moments = []
    for moment, target in data.get("moments", {}).items():
        where = f"[moments.{moment}]"
        if moment not in MOMENTS:
            raise fail(where, f"unknown moment; allowed: {', '.join(MOMENTS)}")
        if not isinstance(target, dict) or set(target) - {"value", "sd", "source"}:
            raise fail(where, "expected a table with value, sd and source")
        value, sd, src = target.get("value"), target.get("sd"), target.get("source")
        for key, number in (("value", value), ("sd", sd)):
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
            ):
                raise fail(f"{where} {key}", f"{shown(number)}; expected a number")
        if sd <= 0:
            raise fail(f"{where} sd", f"{shown(sd)}; expected a number > 0")
        if not isinstance(src, str) or not src.strip():
            raise fail(f"{where} source", "say where the target comes from (a string)")
        moments.append(MomentTarget(moment, float(value), float(sd), src))
    if not moments:
        raise fail("[moments]", f"name at least one moment to match; allowed: {', '.join(MOMENTS)}")

    steps = integer("steps", 12)
    for m in moments:
        if steps < MOMENTS[m.name].quarters:
            raise fail(
                "[calibration] steps",
                f"{steps}; moment {m.name!r} needs at least {MOMENTS[m.name].quarters} quarters",
            )
    min_acceptance = non_negative("min_acceptance")
    if min_acceptance > 1:
        raise fail(
            "[calibration] min_acceptance", f"{min_acceptance:g}; expected a share in [0, 1]"
        )
    policy = data.get("policy", {})
    try:
        Policy(**policy)
    except ParameterError as err:
        raise fail("[policy]", str(err)) from None
    params = data.get("params", {})
    both = sorted(set(params) & set(priors))
    if both:
        raise fail(f"[params] {both[0]}", "is estimated ([parameters]); it cannot also be fixed")
    if set(params) & set(LEVERS):
        raise fail("[params]", "levers belong in [policy]")
    try:
        get_scenario(scenario, **params)
    except ParameterError as err:
        raise fail("[params]", str(err)) from None
    return CalibrateSpec(
        name=name,
        description=description,
        scenario=scenario,
        n_firms=integer("n_firms", None),
        steps=steps,
        seed=integer("seed", 0),
        population=integer("population", 100),
        generations=integer("generations", 5),
        min_epsilon=non_negative("min_epsilon"),
        min_epsilon_change=non_negative("min_epsilon_change"),
        min_acceptance=min_acceptance,
        predictive=integer("predictive", 50),
        priors=priors,
        moments=tuple(moments),
        policy=dict(policy),
        params=dict(params),
    )


def calibration_targets(spec: CalibrateSpec | str | Path | None = None) -> set[str]:
    """Keys of the validation rows a calibration targets (they are not held-out checks).

    Parameters
    ----------
    spec : CalibrateSpec, str, pathlib.Path or None, default None
        The calibration; None reads the shipped ``china_2024`` spec.

    Returns
    -------
    set of str
        The ``validation_key`` of every moment the spec matches that has one.
    """
    if not isinstance(spec, CalibrateSpec):
        spec = read_calibrate_spec(spec if spec is not None else "china_2024")
    return {MOMENTS[m.name].validation_key for m in spec.moments} - {""}


# --- the engine's side: one particle is one RunSpec --------------------------------------

#: The seed of the run the current job makes (set per job, per thread, by ``_job``).
_RUN_SEED: contextvars.ContextVar[int] = contextvars.ContextVar("econ_calibrate_run_seed")


class _Simulator:
    """pyabc's model: runs one engine RunSpec at the particle and returns its moments."""

    def __init__(self, spec: CalibrateSpec, store: str) -> None:
        self.spec = spec
        self.store = store
        self.names = tuple(m.name for m in spec.moments)
        self.columns = tuple(dict.fromkeys(c for n in self.names for c in MOMENTS[n].columns))

    def run_spec(self, values: dict[str, float], seed: int, point: int = 0) -> RunSpec:
        """The engine run of a particle."""
        values = {k: float(v) for k, v in values.items()}
        return RunSpec(
            point=point,
            replication=0,
            seed=seed,
            scenario=self.spec.scenario,
            n_firms=self.spec.n_firms,
            steps=self.spec.steps,
            policy=dict(self.spec.policy),
            params={**self.spec.params, **values},
            factors=values,
            outputs=self.columns,
        )

    def simulate(self, run: RunSpec) -> dict[str, float]:
        """The run's moments: from the store if it holds the run, else run and store it."""
        store = ResultStore(self.store)
        if not store.finished([run.run_id]):
            result = execute_run(run)
            if result.status != "ok":  # a failed run is a rejected particle
                return dict.fromkeys(self.names, float("nan"))
            store.write_result(result)
        series = pd.read_parquet(store.series_path(run.run_id))
        return moments_of(series, self.names)

    def __call__(self, parameters) -> dict[str, float]:
        return self.simulate(self.run_spec(dict(parameters), _RUN_SEED.get()))


def _job_seeds(seed: int, t: int, job: int) -> tuple[np.ndarray, int]:
    """numpy's global state and the run seed of job ``job`` of generation ``t``."""
    sequence = np.random.SeedSequence(seed, spawn_key=(t + 1, job))
    state = sequence.generate_state(4)
    return state, int(sequence.generate_state(2, np.uint64)[1] >> np.uint64(1))


def _job(simulate_one: bytes, seed: int, t: int, job: int):
    """Evaluate one pyabc particle in a worker, seeded by (seed, generation, job)."""
    state, run_seed = _job_seeds(seed, t, job)
    np.random.seed(state)
    random.seed(int(state[0]))
    token = _RUN_SEED.set(run_seed)
    try:
        return cloudpickle.loads(simulate_one)()
    finally:
        _RUN_SEED.reset(token)


def _sampler(executor: futures.Executor, seed: int, progress: Callable[[str], None] | None):
    """A pyabc sampler that sends particles to an econ executor, deterministically."""
    from pyabc.sampler import Sampler

    class EngineSampler(Sampler):
        """Submit jobs in batches; keep the first ``n`` accepted in job order."""

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, **_):
            blob = cloudpickle.dumps(simulate_one)
            sample = self._create_empty_sample()
            accepted = evaluations = job = 0
            start = time.perf_counter()
            while accepted < n and evaluations < max_eval:
                size = max(n - accepted, 4)
                batch = [executor.submit(_job, blob, seed, t, job + k) for k in range(size)]
                job += size
                for future in batch:
                    # At most max_eval proposals (population / min_acceptance): a generation
                    # that does not fill its population within them is dropped.
                    if accepted >= n or evaluations >= max_eval:
                        future.cancel()
                        continue
                    particle = future.result()
                    sample.append(particle)
                    evaluations += 1
                    accepted += bool(particle.accepted)
            self.nr_evaluations_ = evaluations
            sample.ok = accepted >= n
            if progress is not None:
                label = "prior sample" if t < 0 else f"generation {t + 1}"
                progress(
                    f"{label}: {accepted} accepted of {evaluations} runs "
                    f"({accepted / max(evaluations, 1):.0%}) in {time.perf_counter() - start:.1f} s"
                )
            return sample

    return EngineSampler()


# --- the calibration -------------------------------------------------------------------


@dataclass
class Estimate:
    """A stored calibration: posterior particles, diagnostics and the point estimate.

    Parameters
    ----------
    path : pathlib.Path
        Its folder.
    spec : dict
        The calibrate spec (:meth:`CalibrateSpec.to_dict`).
    posterior : pandas.DataFrame
        The last generation: one row per particle, a column per parameter, ``weight``
        (summing to 1) and ``distance``.
    populations : pandas.DataFrame
        Every generation's particles, with ``generation`` (1 = first after the prior sample).
    diagnostics : dict
        ``generations`` (one dict per generation: ``epsilon``, ``evaluations``,
        ``acceptance_rate``, ``ess``), ``predictive`` (one dict per moment) and timings.
    predictive : pandas.DataFrame
        Moments of the runs at posterior draws, one row per run.
    point : dict of str to float
        The point estimate: the weighted posterior mean of each parameter.
    """

    path: Path
    spec: dict[str, Any]
    posterior: pd.DataFrame
    populations: pd.DataFrame
    diagnostics: dict[str, Any]
    predictive: pd.DataFrame
    point: dict[str, float]

    @property
    def parameters(self) -> list[str]:
        """The estimated parameters' names."""
        return list(self.spec["priors"])

    def summary(self) -> pd.DataFrame:
        """Posterior mean, sd, median and 90% interval of each parameter, with its prior.

        ``sd_ratio`` is the posterior sd over the uniform prior's, ``(high - low) / sqrt(12)``:
        near 1 the moments say little about the parameter (it is not identified); the
        smaller, the more they pin it down.

        Returns
        -------
        pandas.DataFrame
            One row per parameter.
        """
        w = self.posterior["weight"].to_numpy()
        rows = []
        for name in self.parameters:
            x = self.posterior[name].to_numpy()
            mean = float(np.sum(w * x))
            low, median, high = _weighted_quantiles(x, w, (0.05, 0.5, 0.95))
            prior = self.spec["priors"][name]
            sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
            rows.append(
                {
                    "parameter": name,
                    "mean": mean,
                    "sd": sd,
                    "median": median,
                    "q05": low,
                    "q95": high,
                    "prior_low": prior[0],
                    "prior_high": prior[1],
                    "sd_ratio": sd / ((prior[1] - prior[0]) / np.sqrt(12.0)),
                }
            )
        return pd.DataFrame(rows)

    def compare(self, other: Estimate, suffix: str = "_other") -> pd.DataFrame:
        """Each parameter's posterior here and in ``other`` (the same priors), and how far
        ``other``'s mean lies from this one's.

        Parameters
        ----------
        other : Estimate
            Another calibration of the same parameters (left-out moments, more generations).
        suffix : str, default "_other"
            Appended to the names of ``other``'s columns.

        Returns
        -------
        pandas.DataFrame
            One row per parameter: ``mean``, ``sd``, ``q05``, ``q95`` here and with
            ``suffix`` in ``other``; ``shift_of_prior`` (the difference of the means over
            the prior's range), ``shift_of_sd`` (over this posterior's sd) and ``inside``
            (``other``'s mean lies in this posterior's 90% interval).
        """
        columns = ["mean", "sd", "q05", "q95"]
        here = self.summary().set_index("parameter")
        there = other.summary().set_index("parameter").loc[here.index, columns]
        table = here[columns].join(there.add_suffix(suffix))
        shift = table[f"mean{suffix}"] - table["mean"]
        table["shift_of_prior"] = shift / (here["prior_high"] - here["prior_low"])
        table["shift_of_sd"] = shift / here["sd"]
        table["inside"] = table[f"mean{suffix}"].between(table["q05"], table["q95"])
        return table.reset_index()

    def predictive_check(self) -> pd.DataFrame:
        """The posterior predictive check of each moment.

        Returns
        -------
        pandas.DataFrame
            One row per moment: ``target``, ``sd``, the predictive ``mean``, ``q05`` and
            ``q95`` over runs at posterior draws, ``z`` (mean minus target, in sds) and
            ``covered`` (the target lies in the 90% predictive interval).
        """
        return pd.DataFrame(self.diagnostics["predictive"])

    def scenario(self):
        """The calibrated scenario: the spec's scenario at the point estimate.

        Returns
        -------
        econ.scenarios.Scenario
            The scenario with the spec's fixed parameters and the estimates.
        """
        return get_scenario(self.spec["scenario"], **self.spec["params"], **self.point)

    @property
    def scenario_name(self) -> str:
        """The scenario name that reads this calibration where it is stored:
        ``"<scenario>@posterior"`` for the folder named after the scenario, else
        ``"<scenario>@<folder>"`` (:func:`econ.scenarios.resolve_estimate`)."""
        scenario = self.spec["scenario"]
        return f"{scenario}@{'posterior' if self.path.name == scenario else self.path.name}"


def _weighted_quantiles(x: np.ndarray, w: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    cum = cum / cum[-1]
    return [float(x[order][min(np.searchsorted(cum, q), len(x) - 1)]) for q in qs]


def estimate(
    spec: CalibrateSpec | str | Path,
    out: str | Path | None = None,
    quick: bool = False,
    executor: str | futures.Executor = "serial",
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    without: str | tuple[str, ...] | list[str] = (),
) -> Estimate:
    """Estimate a calibrate spec's parameters by ABC-SMC (pyabc) and store the posterior.

    Parameters
    ----------
    spec : CalibrateSpec, str or pathlib.Path
        The calibration, its file, or a shipped one's name.
    out : str, pathlib.Path or None, default None
        Its folder (default ``calibrations_root() / name``, with ``_quick`` for quick runs):
        new, empty, or this calibration's (its stored runs are then reused).
    quick : bool, default False
        Apply the spec's ``[quick]`` table.
    executor : {"serial", "processes", "dask"} or concurrent.futures.Executor, default "serial"
        Where the runs execute (:func:`econ.experiment.executors.make_executor`); the
        result does not depend on it.
    workers : int or None, default None
        Processes or Dask workers.
    progress : callable or None, default None
        Called with one line per generation.
    without : str or sequence of str, default ()
        Moment or moments to leave out (:meth:`CalibrateSpec.without`): the calibration is then
        ``<name>_without_<moment>``, stored beside the full one.

    Returns
    -------
    Estimate
        The stored calibration.

    Raises
    ------
    econ.experiment.spec.SpecError
        For a bad spec.
    ValueError
        For a bad executor, or a folder holding something else.
    """
    import pyabc  # optional dependency (the [calibrate] extra)

    if not isinstance(spec, CalibrateSpec):
        spec = read_calibrate_spec(spec, quick=quick)
    spec = spec.without(*((without,) if isinstance(without, str) else without))
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ValueError(f"executor {executor!r}; allowed: {', '.join(EXECUTORS)}")
    name = spec.name + ("_quick" if quick else "")
    path = Path(out) if out is not None else calibrations_root() / name
    store = ResultStore(path)
    store.claim(f"calibrate-{spec.name}")
    store.remove_stale_temporaries()
    started = time.perf_counter()
    simulator = _Simulator(spec, str(path))
    targets = {m.name: m.value for m in spec.moments}
    weights = {m.name: 1.0 / m.sd for m in spec.moments}
    prior = pyabc.Distribution(
        **{k: pyabc.RV("uniform", low, high - low) for k, (low, high) in spec.priors.items()}
    )
    manifest = {
        "experiment": f"calibrate-{spec.name}",
        "kind": "calibration",
        "spec": spec.to_dict(),
        "quick": quick,
        "econ_version": __version__,
        "pyabc_version": metadata.version("pyabc"),
        "model": model_fingerprint(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        # The engine's keys: an ABC's runs are not planned ahead, so the plan stays empty;
        # runs/ and series/ hold every run made, under its run id.
        "plan": [],
        "status": "running",
        "counts": {},
    }
    store.write_manifest(manifest)
    database = path / "abc.db"  # pyabc's own history (SQLite); rebuilt on every call
    database.unlink(missing_ok=True)
    logger = logging.getLogger("ABC")
    level = logger.level
    logger.setLevel(logging.WARNING)  # one line per generation is ours to print
    try:
        with make_executor(executor, workers) as pool:
            abc = pyabc.ABCSMC(
                simulator,
                prior,
                pyabc.PNormDistance(p=2, fixed_weights=weights),
                population_size=spec.population,
                sampler=_sampler(pool, spec.seed, progress),
            )
            abc.new(f"sqlite:///{database.resolve()}", targets)
            history = abc.run(
                minimum_epsilon=spec.min_epsilon,
                max_nr_populations=spec.generations,
                min_eps_diff=spec.min_epsilon_change,
                min_acceptance_rate=spec.min_acceptance,
            )
            populations = _populations(history, list(spec.priors))
            posterior = populations[populations["generation"] == populations["generation"].max()]
            posterior = posterior.drop(columns="generation").reset_index(drop=True)
            predictive = _predictive(spec, simulator, posterior, pool)
    finally:
        logger.setLevel(level)
    point = {k: float(np.sum(posterior["weight"] * posterior[k])) for k in spec.priors}
    generations = _generations(history, populations)
    diagnostics = {
        "generations": generations,
        "predictive": _check(spec, predictive),
        "evaluations": int(sum(g["evaluations"] for g in generations)),
        "seconds": time.perf_counter() - started,
        "point": "weighted posterior mean",
        "stopped": _stopped(spec, generations),
    }
    _write_parquet(path / "populations.parquet", populations)
    _write_parquet(path / "posterior.parquet", posterior)
    _write_parquet(path / "predictive.parquet", predictive)
    write_json(path / "diagnostics.json", diagnostics)
    counts = {"evaluations": diagnostics["evaluations"], "predictive": len(predictive)}
    store.write_manifest({**manifest, "status": "done", "counts": counts})
    write_json(
        path / ESTIMATE_FILE,
        {
            "scenario": spec.scenario,
            "calibration": spec.name,
            "statistic": "weighted posterior mean",
            "values": point,
            "seed": spec.seed,
            "quick": quick,
        },
    )
    return load_estimate(path)


def _populations(history, names: list[str]) -> pd.DataFrame:
    """Every generation's particles: parameters, normalised weight and distance.

    pyabc returns parameters (by particle id) and distances (in storage order) from separate
    queries, so each distance is joined to its particle by the particle's parameter values.
    """
    frames = []
    for t in range(history.max_t + 1):
        df, w = history.get_distribution(m=0, t=t)
        frame = df.reset_index(drop=True)[names].astype(float)
        frame["weight"] = np.asarray(w, dtype=float) / np.sum(w)
        frame["distance"] = _distances_by_parameters(history.get_population(t=t), frame, names)
        frame.insert(0, "generation", t + 1)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _distances_by_parameters(population, frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """The distance of each row of ``frame``, found by its particle's parameter values."""
    distance = {
        tuple(float(particle.parameter[n]) for n in names): float(particle.distance)
        for particle in population.particles
    }
    keys = list(frame[names].itertuples(index=False, name=None))
    if len(distance) != len(keys) or not all(k in distance for k in keys):
        raise RuntimeError(
            "calibration history: particles' parameters do not identify their distances "
            f"({len(distance)} distinct parameter vectors for {len(keys)} particles)"
        )
    return np.array([distance[k] for k in keys])


def _generations(history, populations: pd.DataFrame) -> list[dict[str, Any]]:
    from pyabc.weighted_statistics import effective_sample_size

    table = history.get_all_populations()
    table = table[table["t"] >= 0].sort_values("t")
    rows = []
    for row in table.itertuples():
        weights = populations.loc[populations["generation"] == row.t + 1, "weight"]
        rows.append(
            {
                "generation": int(row.t) + 1,
                "epsilon": float(row.epsilon),
                "evaluations": int(row.samples),
                "accepted": int(row.particles),
                "acceptance_rate": float(row.particles) / max(int(row.samples), 1),
                "ess": float(effective_sample_size(weights.to_numpy())),
            }
        )
    return rows


def _stopped(spec: CalibrateSpec, generations: list[dict[str, Any]]) -> str:
    """Why the ABC-SMC stopped: the rule that ended it, as the diagnostics report it."""
    eps = [g["epsilon"] for g in generations]
    if spec.min_epsilon and eps[-1] <= spec.min_epsilon:
        return f"epsilon reached min_epsilon {spec.min_epsilon:g}"
    if len(eps) > 1 and abs(eps[-1] - eps[-2]) < spec.min_epsilon_change:
        return (
            f"epsilon fell by {eps[-2] - eps[-1]:.3g} < min_epsilon_change "
            f"{spec.min_epsilon_change:g}: the posterior stopped tightening"
        )
    rate = generations[-1]["acceptance_rate"] if generations else 1.0
    if rate < spec.min_acceptance:
        return (
            f"generation {len(eps)} accepted {rate:.1%} < min_acceptance "
            f"{spec.min_acceptance:.0%} of its proposals"
        )
    if len(eps) < spec.generations and spec.min_acceptance:
        # A generation gets population / min_acceptance proposals at most (pyabc's max_eval,
        # which the sampler keeps to the run) and is dropped if they do not fill the
        # population: the posterior is the last full generation.
        return (
            f"generation {len(eps) + 1} was dropped: it accepted under min_acceptance "
            f"{spec.min_acceptance:.0%} of {spec.population / spec.min_acceptance:,.0f} proposals"
        )
    return f"the last of {spec.generations} generations: epsilon was still falling"


def _predictive(
    spec: CalibrateSpec, simulator: _Simulator, posterior: pd.DataFrame, pool: futures.Executor
) -> pd.DataFrame:
    """Moments of runs at posterior draws (seeded apart from the ABC's own runs)."""
    sequence = np.random.SeedSequence(spec.seed, spawn_key=(0,))
    rng = np.random.default_rng(sequence)
    draws = rng.choice(len(posterior), size=spec.predictive, p=posterior["weight"].to_numpy())
    seeds = rng.integers(0, 2**63 - 1, size=spec.predictive)
    names = list(spec.priors)
    runs = [
        simulator.run_spec(posterior.loc[int(i), names].to_dict(), int(s), point=int(i))
        for i, s in zip(draws, seeds, strict=True)
    ]
    moments = [f.result() for f in [pool.submit(simulator.simulate, run) for run in runs]]
    frame = pd.DataFrame(moments)
    frame.insert(0, "particle", draws.astype(int))
    frame.insert(1, "seed", seeds.astype(np.int64))
    return frame


def _check(spec: CalibrateSpec, predictive: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for m in spec.moments:
        values = predictive[m.name].dropna().to_numpy()
        mean = float(values.mean()) if len(values) else float("nan")
        low, high = np.quantile(values, [0.05, 0.95]) if len(values) else (np.nan, np.nan)
        rows.append(
            {
                "moment": m.name,
                "description": MOMENTS[m.name].description,
                "target": m.value,
                "sd": m.sd,
                "mean": mean,
                "q05": float(low),
                "q95": float(high),
                "z": (mean - m.value) / m.sd,
                "covered": bool(low <= m.value <= high),
                "runs": len(values),
                "source": m.source,
            }
        )
    return rows


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def load_estimate(path: str | Path) -> Estimate:
    """A stored calibration.

    Parameters
    ----------
    path : str or pathlib.Path
        Its folder (``results/calibrations/<name>``).

    Returns
    -------
    Estimate
        The calibration.

    Raises
    ------
    FileNotFoundError
        If the folder holds no finished calibration (no ``estimate.json``).
    """
    path = Path(path)
    if not (path / ESTIMATE_FILE).is_file():
        raise FileNotFoundError(
            f"{path} holds no finished calibration (no {ESTIMATE_FILE}); run `econ calibrate`"
        )
    manifest = json.loads((path / "manifest.json").read_text())
    stored = json.loads((path / ESTIMATE_FILE).read_text())
    return Estimate(
        path=path,
        spec=manifest["spec"],
        posterior=pd.read_parquet(path / "posterior.parquet"),
        populations=pd.read_parquet(path / "populations.parquet"),
        diagnostics=json.loads((path / "diagnostics.json").read_text()),
        predictive=pd.read_parquet(path / "predictive.parquet"),
        point={k: float(v) for k, v in stored["values"].items()},
    )
