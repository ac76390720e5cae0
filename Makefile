# The single entry point: `make run` serves the demo site, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python 3.12 or newer. Look for one on PATH, then among pyenv's versions.
define FIND_PYTHON
for candidate in python3.14 python3.13 python3.12 python3 \
    $$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if "$$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: run test lint format bench clean venv

$(PYTHON):
	@found=$$($(FIND_PYTHON)) || { \
	  echo "No Python 3.12 or newer was found (Django 6.1 needs it)." >&2; \
	  echo "Install one, e.g. 'sudo apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12'," >&2; \
	  echo "then run make again." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$found ($$($$found --version))"; \
	"$$found" -m venv $(VENV)

$(INSTALLED): $(PYTHON) requirements.txt
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

venv: $(INSTALLED)

run: $(INSTALLED)
	@mkdir -p var
	DEBUG=1 $(PYTHON) manage.py compile_catalogues
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (editors: http://$(HOST):$(PORT)/admin/). Stop with Ctrl-C."
	DEBUG=1 $(PYTHON) manage.py runserver $(HOST):$(PORT)

test: $(INSTALLED)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Search latency, page throughput and memory on PostgreSQL: DATABASE_URL, or a local database
# iccar_bench (created and migrated if missing). Needs wrk. About 20 minutes; writes
# bench/results.md. Options: BENCH_ARGS="--levels 1000,10000 --duration 5".
bench: $(INSTALLED)
	$(PYTHON) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
