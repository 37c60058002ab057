"""Randomness: one stream per stochastic submodel, and independent seeds for replications.

Every draw the model makes comes from :class:`RandomStreams`, built from the model's integer
seed. Each submodel has a stream of its own, and the per-quarter submodels get a fresh
sub-stream each quarter, so a lever that changes how many draws one submodel takes in one
quarter moves no other draw: paired comparisons stay paired (ODD 4, "Stochasticity").
"""

from __future__ import annotations

import numpy as np
from numpy.random.bit_generator import ISpawnableSeedSequence

from econ.kernels import (
    child_seed_state,
    pcg64_child,
    pcg64_seeded,
    seed_sequence_state,
    slot_uniforms,
)

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
    "entrants",  # paired entry: each entrant's draws, per quarter and slot (ODD 7.2)
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
        # The seed's words as SeedSequence assembles them before a spawn key (None for a
        # seed < 0, which numpy refuses): each quarter's streams hash from them.
        self._seed_words = _seed_words(self.seed) if self.seed >= 0 else None
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
            A fresh generator: the same arguments always give the same draws, those of
            ``default_rng(SeedSequence(seed, spawn_key=(stream's index, quarter)))``.
        """
        return np.random.Generator(np.random.PCG64(self._quarter_seed(stream, quarter)))

    def quarter_state(self, stream: str, quarter: int) -> np.ndarray:
        """The state of :meth:`quarter`'s generator as PCG64 state words, for the steps that
        draw only uniforms (``econ.kernels.uniforms``, the clearing's approvals): the same
        draws, without building a ``Generator``.

        Parameters
        ----------
        stream : str
            A name in :data:`STREAMS`.
        quarter : int
            The quarter.

        Returns
        -------
        numpy.ndarray
            (4,) uint64 words (:func:`econ.kernels.pcg64_words` of ``quarter(stream,
            quarter)``), advanced in place by the draws.
        """
        key, quarter = STREAMS.index(stream), int(quarter)
        if self._seed_words is not None and 0 <= quarter < _KEY_LIMIT:
            return pcg64_child(self._seed_words, key, quarter)  # one compiled call
        return pcg64_seeded(self._quarter_seed(stream, quarter).generate_state(4, np.uint64))

    def slot_uniforms(
        self, stream: str, quarter: int, slots: np.ndarray, n_draws: int
    ) -> np.ndarray:
        """Uniforms of ``stream`` keyed to firm slots in quarter ``quarter``.

        Row ``k`` is ``default_rng(SeedSequence(seed, spawn_key=(stream's index, quarter,
        slots[k]))).random(n_draws)``: a slot's draws do not depend on which other slots
        draw, so two runs that differ only in which slots draw agree on those both draw.

        Parameters
        ----------
        stream : str
            A name in :data:`STREAMS`.
        quarter : int
            The quarter.
        slots : numpy.ndarray
            The slots (rows of a table), whole numbers >= 0.
        n_draws : int
            Uniforms per slot.

        Returns
        -------
        numpy.ndarray
            (len(slots), n_draws) uniforms in [0, 1).
        """
        key, quarter = STREAMS.index(stream), int(quarter)
        slots = np.asarray(slots, dtype=np.int64)
        if self._seed_words is not None and 0 <= quarter < 2**32 and (slots < 2**32).all():
            return slot_uniforms(self._seed_words, key, quarter, slots, int(n_draws))
        return np.array(  # numpy's own sequences (a seed < 0 raises numpy's error)
            [self._generator((key, quarter, int(s))).random(n_draws) for s in slots]
        ).reshape(len(slots), n_draws)

    def _quarter_seed(self, stream: str, quarter: int) -> _QuarterSeed:
        return _QuarterSeed(self.seed, (STREAMS.index(stream), int(quarter)), self._seed_words)

    def _generator(self, key: tuple[int, ...]) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))


#: Spawn keys below this go to the compiled hash as int64.
_KEY_LIMIT = 2**63


def _seed_words(seed: int) -> np.ndarray:
    """A seed >= 0 as SeedSequence assembles it before a spawn key: its 32-bit words,
    padded with zeros to the pool of four."""
    words = _uint32_words(seed)
    return np.array(words + [0] * (4 - len(words)), dtype=np.uint32)


def _uint32_words(n: int) -> list[int]:
    """A whole number >= 0 as SeedSequence reads it: 32-bit words, least significant first."""
    words = [n & 0xFFFFFFFF]
    while n > 0xFFFFFFFF:
        n >>= 32
        words.append(n & 0xFFFFFFFF)
    return words


class _QuarterSeed(ISpawnableSeedSequence):
    """``SeedSequence(entropy, spawn_key=spawn_key)`` for seeding a ``PCG64``: the four
    64-bit words PCG64 asks for come from :func:`~econ.kernels.seed_sequence_state` (numpy
    hashes in Python-level loops, ~8 us a generator, six generators a quarter); anything
    else (other state sizes, ``spawn``) is passed to the numpy sequence, made when needed.
    """

    def __init__(
        self, entropy: int, spawn_key: tuple[int, ...], seed_words: np.ndarray | None = None
    ) -> None:
        self.entropy, self.spawn_key = entropy, spawn_key
        self.seed_words = seed_words  # _seed_words(entropy), when the caller has it
        self._sequence: np.random.SeedSequence | None = None

    def _numpy(self) -> np.random.SeedSequence:
        if self._sequence is None:
            self._sequence = np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)
        return self._sequence

    def generate_state(self, n_words: int, dtype: type = np.uint32) -> np.ndarray:
        """``SeedSequence.generate_state``: compiled for 64-bit words, numpy's otherwise."""
        if np.dtype(dtype) != np.uint64 or self.entropy < 0:  # numpy's error for < 0
            return self._numpy().generate_state(n_words, dtype)
        key = self.spawn_key
        if self.seed_words is not None and len(key) == 2 and 0 <= min(key) <= max(key) < _KEY_LIMIT:
            return child_seed_state(self.seed_words, key[0], key[1], n_words)
        # Assembled entropy, as SeedSequence assembles it: the seed's words padded to the
        # pool of four, then each spawn key's words.
        words = _seed_words(self.entropy).tolist()
        for key in self.spawn_key:
            words += _uint32_words(key)
        return seed_sequence_state(np.array(words, dtype=np.uint32), n_words)

    def spawn(self, n_children: int) -> list[np.random.SeedSequence]:
        """``SeedSequence.spawn``."""
        return self._numpy().spawn(n_children)


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
