"""Loading stored experiment results: ``econ.results.load("results/<experiment>")``."""

from econ.experiment.store import Results, load, to_ema

__all__ = ["Results", "load", "to_ema"]
