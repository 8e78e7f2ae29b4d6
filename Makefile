# make run    set up .venv if needed, then the dashboard on the bundled reports (PORT=8501)
# make test   set up .venv if needed, then the whole test suite
# make bench  set up .venv if needed, then the parse/ingest benchmark

PYTHON ?= python3
PORT ?= 8501
VENV := .venv
# Reinstall when pyproject.toml changes (its dependencies or entry points).
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test bench lint

setup: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/nianbao serve --port $(PORT)

# Two workers; each starts its own throwaway PostgreSQL cluster.
test: setup
	$(VENV)/bin/python -m pytest -n 2 tests/

bench: setup
	$(VENV)/bin/python benchmarks/bench_parse_ingest.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
