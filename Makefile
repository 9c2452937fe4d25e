# allervers — `make run` serves the API on an embedded SQLite database; `make test` runs
# everything CI runs (tests on SQLite and PostgreSQL when available, lint, types, import layers).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
SOURCES := api planner geo calendars

.PHONY: run test lint typecheck layers pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/allervers serve

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

layers: $(STAMP_DEV)
	$(BIN)/lint-imports

# the suite in worker processes, one per core (up to four): each test has its own databases
pytest: $(STAMP_DEV)
	$(BIN)/pytest --numprocesses auto --maxprocesses 4

test: lint typecheck layers pytest

bench: $(STAMP_DEV)
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/geocode.py
	$(BIN)/python bench/booking.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/coverage.py
	$(BIN)/python bench/plan.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
