"""The study: the policy experiments as a pipeline, their validation, figures, tables and the
paper (``econ study``, ``econ figures``, ``econ paper``).

Reads like the method: run the shipped specs (:func:`study`), check the behaviours the
literature reports (:func:`check_behaviours`), write figures and headline tables
(:func:`write_figures`, :func:`write_tables`), and build the paper (:func:`build_paper`).
"""

from econ.study.paper import build_paper, paper_numbers, sections
from econ.study.pipeline import (
    REPORTED_GROWTH,
    STUDY,
    baseline_spec,
    growth_summary,
    spec_names,
    spec_path,
    study,
)
from econ.study.report import HEADLINES, headline_effects, write_figures, write_tables
from econ.study.validation import BEHAVIOURS, check_behaviours, load_experiments

__all__ = [
    "BEHAVIOURS",
    "HEADLINES",
    "REPORTED_GROWTH",
    "STUDY",
    "baseline_spec",
    "build_paper",
    "check_behaviours",
    "growth_summary",
    "headline_effects",
    "load_experiments",
    "paper_numbers",
    "sections",
    "spec_names",
    "spec_path",
    "study",
    "write_figures",
    "write_tables",
]
