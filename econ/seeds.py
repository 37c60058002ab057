"""Randomness: one stream per stochastic submodel, and independent seeds for replications.

Every draw the model makes comes from :class:`RandomStreams`, built from the model's integer
seed. Each submodel has a stream of its own, and the per-quarter submodels get a fresh
sub-stream each quarter, so a lever that changes how many draws one submodel takes in one
quarter moves no other draw: paired comparisons stay paired (ODD 4, "Stochasticity").
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "RandomStreams", "spawn_seeds"]

#: The streams, in spawn order. New streams go at the end, so existing ones never change.
STREAMS = (
    "initial",  # the initial economy: firms, holders, suppliers, views, the price sample
    "calibration",  # the warm-up clearing that sizes the economy (ODD 5.2)
    "approvals",  # cross-border review decisions (E15), per quarter
    "operator_incidents",  # incidents at authorised operators (E9), per quarter
    "cross_border_incidents",  # incidents of cross-border flows (E9), per quarter
    "audits",  # audits and their findings (ODD 7.7), per quarter
    "exit",  # exits (E19), per quarter
    "entry",  # the number and draws of entrants (ODD 7.2), per quarter
)


class RandomStreams:
    """Named generators spawned from one seed with ``numpy.random.SeedSequence``.

    ``initial`` and ``calibration`` are single generators; ``quarter(name, t)`` is the
    generator of stream ``name`` in quarter ``t``: the ``t``-th child of that stream.

    Parameters
    ----------
    seed : int
        The model's seed.
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self.initial = self._generator((STREAMS.index("initial"),))
        self.calibration = self._generator((STREAMS.index("calibration"),))

    def quarter(self, stream: str, quarter: int) -> np.random.Generator:
        """The generator of ``stream`` for quarter ``quarter`` (1 = the first simulated).

        Parameters
        ----------
        stream : str
            A name in :data:`STREAMS`.
        quarter : int
            The quarter.

        Returns
        -------
        numpy.random.Generator
            A fresh generator: the same arguments always give the same draws.
        """
        return self._generator((STREAMS.index(stream), int(quarter)))

    def _generator(self, key: tuple[int, ...]) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))


def spawn_seeds(root: int, n: int) -> list[int]:
    """``n`` independent seeds drawn from ``numpy.random.SeedSequence(root).spawn(n)``.

    Each child sequence is reduced to one 63-bit integer so it can be stored in a table and
    passed to :class:`~econ.model.DataEconomy` as ``seed``; the same root always gives the same
    list.

    Parameters
    ----------
    root : int
        The root seed, a whole number >= 0.
    n : int
        How many seeds.

    Returns
    -------
    list of int
        ``n`` seeds.

    Raises
    ------
    ValueError
        If ``root`` is not a whole number >= 0.
    """
    if isinstance(root, np.integer):
        root = int(root)
    if isinstance(root, bool) or not isinstance(root, int) or root < 0:
        raise ValueError(f"root seed {root!r}: expected a whole number >= 0")
    children = np.random.SeedSequence(root).spawn(n)
    return [int(child.generate_state(1, np.uint64)[0] >> 1) for child in children]
