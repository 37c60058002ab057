"""The experiment engine: spec files, designs, executors and stored results.

Reads like the method: ``load_spec`` -> ``design_points`` -> ``run`` -> ``econ.results.load``.
"""

from econ.experiment.designs import design_points, salib_problem
from econ.experiment.executors import EXECUTORS, SerialExecutor, make_executor
from econ.experiment.pool import WorkerPool
from econ.experiment.runner import execute_run, execute_runs
from econ.experiment.runs import RunResult, RunSpec
from econ.experiment.spec import ExperimentSpec, SpecError, load_spec, parse_spec
from econ.experiment.store import (
    DamagedResultsError,
    Results,
    ResultsFolderError,
    load,
    to_ema,
)
from econ.experiment.sweep import plan_runs, run

__all__ = [
    "EXECUTORS",
    "DamagedResultsError",
    "ExperimentSpec",
    "Results",
    "ResultsFolderError",
    "RunResult",
    "RunSpec",
    "SerialExecutor",
    "SpecError",
    "WorkerPool",
    "design_points",
    "execute_run",
    "execute_runs",
    "load",
    "load_spec",
    "make_executor",
    "parse_spec",
    "plan_runs",
    "run",
    "salib_problem",
    "to_ema",
]
