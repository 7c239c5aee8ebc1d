# The README's two commands: `make run` and `make test`. Everything else is a building block.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint rules soak bench bench-export clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Check every session data file and the example dossier.
rules: install
	$(PY) -m shared_rules check

## Run the service locally on its embedded defaults: http://127.0.0.1:8000, demo clock.
## `make run HORLOGE=reelle` uses the real clock instead (the 2020 registry is then closed).
## `make run RETOUR=en-ligne` lets candidates upload their pieces on « mon dossier » (needs clamav).
run: rules site
	$(PY) -m handler.local_server $(if $(filter reelle,$(HORLOGE)),--horloge-reelle) \
		$(if $(RETOUR),--retour $(RETOUR))

lint: install
	$(PY) -m ruff check shared_rules handler tests infra
	$(PY) -m mypy
	$(PY) -m mypy --strict infra/deploy.py infra/package.py
	$(VENV)/bin/lint-imports  # the layers and the no-cycle contracts (pyproject.toml)

## Install everything and run the whole suite.
test: install lint rules site
	$(PY) -m pytest

## The long load and fault runs (1,000 submissions from 50 threads; 400 candidates with 20 %
## of S3 calls failing), printing what they measured.
soak: install
	$(PY) -m pytest -m soak -s -q tests/perf

## Every figure of issue 18's budget, each with its ratio, written to tests/perf/RESULTS.md:
## what a submission costs against a bare S3 put, validation, imports, page weight (about a
## minute), then the staff export (bench-export, about twenty minutes).
bench: install site
	$(PY) -m tests.perf.bench
	$(PY) -m tests.perf.bench_export
	$(PY) -m tests.perf.bench_pieces

## What a staff export costs: CSV/XLSX jobs of 1,000 and 10,000 dossiers, a ZIP of 200, the
## confirmations merged into one PDF at 1,000 and 10,000 (peak RSS) in moto's S3 server, against
## a bare boto3 list-then-get loop measured in the same run; the dashboard at 20,000 dossiers.
bench-export: install
	$(PY) -m tests.perf.bench_export

# Each part of the project may add its own targets (site/site.mk, infra/infra.mk…).
-include $(wildcard */*.mk)

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
