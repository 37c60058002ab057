"""Posterior draws: the particles of a stored calibration an experiment runs over.

An experiment with ``posterior_draws = K`` and ``scenario = "<scenario>@posterior"`` runs
every design point and replication at K particles drawn by weight from the calibration's
``posterior.parquet`` (written by ``econ calibrate``, :mod:`econ.study.estimation`), instead
of at the weighted posterior mean. :func:`draw_particles` makes the draws and
:func:`draw_seeds` the seeds of each draw's replications; both are functions of the spec's
seed alone, so a plan reproduces. The drawn values become explicit parameters of the runs
(:func:`econ.experiment.sweep.plan_runs`), so run ids follow the stored posterior and a run
reproduces without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from econ.parameters import ParameterError, shown
from econ.scenarios import SCENARIO_PARAMETERS, calibrations_root, resolve_estimate
from econ.seeds import spawn_seeds

__all__ = ["DRAWS_STREAM", "POSTERIOR_FILE", "draw_particles", "draw_seeds", "read_posterior"]

#: The file of a stored calibration that holds its last generation's particles and weights.
POSTERIOR_FILE = "posterior.parquet"
#: Tag of the posterior draws' random stream, ``SeedSequence([seed, DRAWS_STREAM])``: apart
#: from the replication seeds (``SeedSequence(seed).spawn``) and the design samplers'
#: ``SeedSequence([seed, 1])``.
DRAWS_STREAM = 2


def _folder(scenario: str) -> Path:
    """The folder of the calibration ``"<base>@<label>"`` names (as ``resolve_estimate``)."""
    base, _, label = scenario.partition("@")
    return calibrations_root() / (base if label == "posterior" else label)


def read_posterior(scenario: str) -> pd.DataFrame:
    """The stored posterior a ``"<scenario>@<label>"`` name refers to.

    Parameters
    ----------
    scenario : str
        A scenario with a stored calibration, e.g. ``"china_2024@posterior"``
        (:func:`econ.scenarios.resolve_estimate` says where it is looked up).

    Returns
    -------
    pandas.DataFrame
        One row per particle (index: its row in ``posterior.parquet``), a column per
        estimated parameter, in the parameter's unit, and ``weight`` (normalised to sum to 1).

    Raises
    ------
    econ.parameters.ParameterError
        If ``scenario`` names no stored calibration, or its posterior is missing, unreadable,
        lacks an estimated parameter or ``weight``, or has weights that are not finite,
        non-negative and of positive sum; the message is one line naming the file.
    """
    if not isinstance(scenario, str) or "@" not in scenario:
        raise ParameterError(
            f"scenario {shown(scenario)}: posterior draws need a stored calibration, "
            "e.g. 'china_2024@posterior'"
        )
    _, estimated = resolve_estimate(scenario)
    path = _folder(scenario) / POSTERIOR_FILE
    try:
        frame = pd.read_parquet(path)
    except FileNotFoundError:
        raise ParameterError(
            f"scenario {shown(scenario)}: no {POSTERIOR_FILE} at {path}; rerun `econ calibrate`"
        ) from None
    except (OSError, ValueError, pa.ArrowException) as err:
        raise ParameterError(f"scenario {shown(scenario)}: {path} is unreadable ({err})") from None
    names = list(estimated)
    missing = [c for c in [*names, "weight"] if c not in frame.columns]
    if missing:
        raise ParameterError(f"scenario {shown(scenario)}: {path} has no column {missing[0]!r}")
    unknown = [n for n in names if n not in SCENARIO_PARAMETERS]
    if unknown:
        raise ParameterError(
            f"scenario {shown(scenario)}: {path} estimates {unknown[0]!r}, not a scenario parameter"
        )
    weight = frame["weight"].to_numpy(dtype=float)
    if len(frame) == 0 or not np.isfinite(weight).all() or (weight < 0).any() or weight.sum() <= 0:
        raise ParameterError(
            f"scenario {shown(scenario)}: {path} needs particles with finite, non-negative "
            "weights of positive sum"
        )
    values = frame[names].astype(float)
    if not np.isfinite(values.to_numpy()).all():
        raise ParameterError(f"scenario {shown(scenario)}: {path} has a value that is not finite")
    values["weight"] = weight / weight.sum()
    return values


def draw_particles(scenario: str, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` particles drawn by weight, with replacement, from a stored posterior.

    The generator is ``numpy.random.default_rng(SeedSequence([seed, DRAWS_STREAM])
    .spawn(1)[0])``; numpy's weighted choice takes one uniform number a draw, so the first
    K draws are the same whatever the number of draws asked for.

    Parameters
    ----------
    scenario : str
        A scenario with a stored calibration, e.g. ``"china_2024@posterior"``.
    draws : int
        How many particles to draw (K >= 1).
    seed : int
        The experiment's root seed.

    Returns
    -------
    pandas.DataFrame
        One row per draw (index ``draw``, 0 to K - 1): ``particle`` (the row of
        ``posterior.parquet`` drawn) and each estimated parameter's value there.

    Raises
    ------
    econ.parameters.ParameterError
        If ``draws`` is not a whole number >= 1, or the posterior cannot be read
        (:func:`read_posterior`).
    """
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ParameterError(f"posterior draws {shown(draws)}: expected a whole number >= 1")
    posterior = read_posterior(scenario)
    picker = np.random.SeedSequence([seed, DRAWS_STREAM]).spawn(1)[0]
    rows = np.random.default_rng(picker).choice(
        len(posterior), size=int(draws), p=posterior["weight"].to_numpy()
    )
    frame = posterior.iloc[rows].drop(columns="weight")
    frame.insert(0, "particle", posterior.index[rows].astype(int))
    frame.index = pd.RangeIndex(len(frame), name="draw")
    return frame


def draw_seeds(seed: int, draws: int, replications: int) -> list[list[int]]:
    """The replication seeds of each posterior draw.

    Draw ``d`` gets a root seed from child ``d + 1`` of ``SeedSequence([seed, DRAWS_STREAM])``
    (child 0 draws the particles), and its replications the seeds
    :func:`econ.seeds.spawn_seeds` spawns from that root. Replication r of every design point
    in a draw shares a seed (common random numbers); draws never share one.

    Parameters
    ----------
    seed : int
        The experiment's root seed.
    draws : int
        Posterior draws (K).
    replications : int
        Replications per draw.

    Returns
    -------
    list of list of int
        ``draws`` lists of ``replications`` seeds.
    """
    children = np.random.SeedSequence([seed, DRAWS_STREAM]).spawn(draws + 1)[1:]
    roots = [int(child.generate_state(1, np.uint64)[0] >> 1) for child in children]
    return [spawn_seeds(root, replications) for root in roots]
