"""Loading stored experiment results: ``econ.results.load("results/<experiment>")``."""

from econ.experiment.store import DamagedResultsError, Results, load, to_ema

__all__ = ["DamagedResultsError", "Results", "load", "to_ema"]
