# ykien — everything runs from the project's own .venv; nothing needs installing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
DATA ?= data

.PHONY: demo test lint format bench serve clean system-deps models

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "ykien needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed-run

## demo: install, build and analyse the demo consultation on SQLite in $(DATA)/, and run it
demo: $(VENV)/.installed-run models
	$(BIN)/ykien --data-dir $(DATA) demo --fresh

## models: train the moderation classifier when the ViHSD data is beside the project (it is
## research-only data, so no model trained on it ships in the repository; without it the
## built-in word list flags offensive words)
VIHSD ?= ../shared/data/vihsd
models: $(VENV)/.installed-run
	@if [ -f $(VIHSD)/train.csv ] && [ ! -f $(DATA)/models/moderation.npz ]; then \
	  echo "training the moderation model on $(VIHSD) (a few minutes, once)"; \
	  $(BIN)/python -m ykien.analysis.moderation train --data $(VIHSD) --out $(DATA)/models/moderation.npz; \
	fi

## test: install with test extras, lint, then run the whole suite (SQLite and PostgreSQL)
test: $(VENV)/.installed-test system-deps lint
	$(BIN)/pytest -q

system-deps:
	@bash scripts/system-deps.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks evals
	$(BIN)/ruff format --check src tests benchmarks evals
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests benchmarks evals
	$(BIN)/ruff check --fix src tests benchmarks evals

## bench: the measured programs in benchmarks/ (each prints its figure and its baseline)
bench: $(VENV)/.installed-test system-deps
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m benchmarks

## lock: refresh constraints.txt from the current environment
lock: $(VENV)/.installed-test
	$(PIP) freeze --exclude-editable | grep -v '^ykien' > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
