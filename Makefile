# Set-up and everyday commands. `make run` and `make test` work on a fresh machine with
# Python 3.12: they create .venv, install the package and run.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || ls -d $(HOME)/.pyenv/versions/3.12*/bin/python3 2>/dev/null | tail -n 1 || echo python3.12)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test paper bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"econ needs Python 3.12+, found {sys.version}"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/econ study

test: $(STAMP)
	$(BIN)/ruff check econ tests benchmarks docs notebooks
	$(BIN)/ruff format --check econ tests benchmarks docs notebooks
	$(BIN)/pytest

paper: $(STAMP)
	$(BIN)/econ paper

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_model.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
