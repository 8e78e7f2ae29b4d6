# make run    set up .venv if needed, then the dashboard on the bundled reports (PORT=8501)
# make test   set up .venv if needed, then the whole test suite
# make bench  set up .venv if needed, then the parse/ingest benchmark
# make bench-scale  synthetic 10k/100k reports: ingest, pages, size, memory (long)

PYTHON ?= python3
PORT ?= 8501
VENV := .venv
# Reinstall when pyproject.toml changes (its dependencies or entry points).
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test bench bench-scale lint

setup: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/nianbao serve --port $(PORT)

# Tests that read the shared test databases; run a second time with those
# databases on PostgreSQL (storage tests already run on both via db_url).
PG_TESTS := tests/test_queries.py tests/test_charts.py tests/test_export_eval.py \
	tests/test_evaluation_store.py tests/test_app_overview_trends_compare.py \
	tests/test_app_evaluate_search.py

# Two workers; each starts its own throwaway PostgreSQL cluster.
test: setup
	$(VENV)/bin/python -m pytest -n 2 tests/
	NIANBAO_TEST_PG=1 $(VENV)/bin/python -m pytest -n 2 $(PG_TESTS)

bench: setup
	$(VENV)/bin/python benchmarks/bench_parse_ingest.py

bench-scale: setup
	$(VENV)/bin/python benchmarks/bench_scale.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
