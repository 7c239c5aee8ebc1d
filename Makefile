# The README's two commands: `make run` and `make test`. Everything else is a building block.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint rules clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Check the session data and write the rules JSON the site reads.
rules: install
	$(PY) -m shared_rules check
	$(PY) -m shared_rules export --out build/rules.json
	@echo "Règles exportées dans build/rules.json"

## Run the service locally on its embedded defaults.
run: rules

lint: install
	$(PY) -m ruff check shared_rules handler tests
	$(PY) -m mypy

## Install everything and run the whole suite.
test: install lint rules
	$(PY) -m pytest

# Each part of the project may add its own targets (site/site.mk, infra/infra.mk…).
-include $(wildcard */*.mk)

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
