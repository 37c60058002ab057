"""Experimental designs: the design points an experiment runs (one row per point).

Full factorial and one-at-a-time designs cross listed values. Latin hypercube, Sobol and
Morris designs draw their samples with SALib, in SALib's order, so that SALib's matching
analysers apply directly to the outcomes (``econ.analysis`` does this).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

from econ.experiment.spec import ExperimentSpec
from econ.policy import LEVERS
from econ.scenarios import get_scenario

__all__ = ["design_points", "salib_problem"]


def salib_problem(spec: ExperimentSpec) -> dict:
    """The SALib problem dict of a sampling design (names and [low, high] bounds).

    Parameters
    ----------
    spec : ExperimentSpec
        A spec with a sampling design (``latin_hypercube``, ``sobol`` or ``morris``).

    Returns
    -------
    dict
        ``{"num_vars": k, "names": [...], "bounds": [[low, high], ...]}``, as SALib's samplers
        and analysers take it; bounds are in each factor's own unit.
    """
    names = list(spec.factors)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(map(float, spec.factors[n])) for n in names],
    }


def _sampling_seed(spec: ExperimentSpec) -> int:
    """A seed for the sampler, independent of the replication seeds."""
    return int(np.random.SeedSequence([spec.seed, 1]).generate_state(1)[0])


def _default(spec: ExperimentSpec, name: str):
    if name in LEVERS:
        return spec.policy.get(name, LEVERS[name].default)
    return spec.params.get(name, getattr(get_scenario(spec.scenario), name))


def design_points(spec: ExperimentSpec) -> pd.DataFrame:
    """One row per design point, one column per factor (index ``point``).

    Factorial designs take every combination of the listed values; one-at-a-time designs vary
    one factor at a time away from the baseline (a ``varied`` column names it); sampling designs
    draw with SALib in SALib's order, integer factors rounded.

    Parameters
    ----------
    spec : ExperimentSpec
        The experiment.

    Returns
    -------
    pandas.DataFrame
        The design points, each factor in its own unit.
    """
    names = list(spec.factors)
    if spec.design == "factorial":
        rows = list(itertools.product(*(spec.factors[n] for n in names)))
        frame = pd.DataFrame(rows, columns=names)
    elif spec.design == "one_at_a_time":
        base = {n: spec.baseline.get(n, _default(spec, n)) for n in names}
        rows = [{**base, "varied": "baseline"}]
        for n in names:
            rows += [{**base, n: v, "varied": n} for v in spec.factors[n] if v != base[n]]
        frame = pd.DataFrame(rows)
    else:
        problem, seed = salib_problem(spec), _sampling_seed(spec)
        if spec.design == "latin_hypercube":
            x = latin.sample(problem, spec.samples, seed=seed)
        elif spec.design == "sobol":
            x = sobol.sample(problem, spec.samples, calc_second_order=spec.second_order, seed=seed)
        else:
            x = morris.sample(problem, spec.samples, num_levels=spec.levels, seed=seed)
        frame = pd.DataFrame(x, columns=names)
        for n in names:
            if spec.parameter(n).kind is int:
                low, high = spec.factors[n]
                frame[n] = np.clip(np.rint(frame[n]), low, high).astype(int)
    frame.index = pd.RangeIndex(len(frame), name="point")
    return frame
