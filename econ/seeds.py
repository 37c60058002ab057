"""Seeds for replications: independent streams from one root seed, recorded as plain ints."""

from __future__ import annotations

import numpy as np

__all__ = ["spawn_seeds"]


def spawn_seeds(root: int, n: int) -> list[int]:
    """``n`` independent seeds drawn from ``numpy.random.SeedSequence(root).spawn(n)``.

    Each child sequence is reduced to one 63-bit integer so it can be stored in a table and
    passed to :class:`~econ.DataEconomy` as ``seed``; the same root always gives the same list.
    """
    if isinstance(root, np.integer):
        root = int(root)
    if isinstance(root, bool) or not isinstance(root, int) or root < 0:
        raise ValueError(f"root seed {root!r}: expected a whole number >= 0")
    children = np.random.SeedSequence(root).spawn(n)
    return [int(child.generate_state(1, np.uint64)[0] >> 1) for child in children]
