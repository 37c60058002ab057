"""The study: the policy experiments as a pipeline, their validation, figures, tables and the
paper (``econ study``, ``econ figures``, ``econ paper``).

Reads like the method: run the shipped specs (:func:`~econ.study.pipeline.study`), check
the behaviours the literature reports (:func:`~econ.study.validation.check_behaviours`),
write figures and headline tables (:func:`~econ.study.report.write_figures`,
:func:`~econ.study.report.write_tables`), and build the paper
(:func:`~econ.study.paper.build_paper`). Every name in ``__all__`` is documented in the
module that defines it.
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
