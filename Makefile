# Set-up and everyday commands. `make run` and `make test` work on a fresh machine with
# Python 3.12: they create .venv, install the package and run.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || ls -d $(HOME)/.pyenv/versions/3.12*/bin/python3 2>/dev/null | tail -n 1 || echo python3.12)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test docs paper bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"econ needs Python 3.12+, found {sys.version}"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,docs]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/econ study

test: $(STAMP)
	$(BIN)/ruff check econ tests benchmarks docs notebooks
	$(BIN)/ruff format --check econ tests benchmarks docs notebooks
	$(BIN)/interrogate econ
	$(MAKE) docs
	$(BIN)/pytest

# The documentation site, built offline with warnings as errors (a broken reference, a
# docstring numpydoc rejects, a public name without an entry, a notebook that raises);
# docs/_build/html/index.html is the home page. -E rereads every page, so docstrings that
# changed are never served stale.
docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

paper: $(STAMP)
	$(BIN)/econ paper

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

# Mutation testing (issue #17), not part of `make test`: mutmut on the modules of
# [tool.mutmut] only_mutate in pyproject.toml on two workers, then the kill score per module,
# with table mutants for module-level parameter tables (tests/MUTATION.md). A fixed-seed sample
# of each large module's mutants (SAMPLE_SIZE in tests/mutation_report.py), to fit about 15
# minutes on 2 cores; MUTATION_SAMPLE=all tests every mutant (about 4,930; not timed).
# MUTATION_MODULES defaults to that list; to report on fewer, name them:
#   make mutation MUTATION_MODULES="econ/equations.py econ/policy.py"
MUTATION_MODULES ?= $(shell $(BIN)/python tests/mutation_report.py --list-modules)

mutation: $(STAMP)
	rm -rf mutants
	nice -n 15 $(BIN)/mutmut run --max-children 2 $$($(BIN)/python tests/mutation_report.py --sample)
	nice -n 15 $(BIN)/python tests/mutation_report.py $(MUTATION_MODULES)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info mutants docs/_build docs/_generated docs/api/generated docs/tutorials/*.ipynb
