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

.PHONY: run test lint format bench clean venv lock audit

$(PYTHON):
	@found=$$($(FIND_PYTHON)) || { \
	  echo "No Python 3.12 or newer was found (Django 6.1 needs it)." >&2; \
	  echo "Install one, e.g. 'sudo apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12'," >&2; \
	  echo "then run make again." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$found ($$($$found --version))"; \
	"$$found" -m venv $(VENV)

# The locks, with a hash for every file: requirements.txt is what the portal needs to run
# (production installs only it); requirements-dev.txt adds the tests and tools to those same
# pinned packages, so it alone sets up a development venv. pip itself is pinned there too.
# A change to either lock reinstalls.
$(INSTALLED): $(PYTHON) requirements.txt requirements-dev.txt
	$(PYTHON) -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $(INSTALLED)

venv: $(INSTALLED)

run: $(INSTALLED)
	@mkdir -p var
	@.ci/install-pdf-tools || echo "Without them the publications' PDFs cannot be made; the rest of the site works."
	DEBUG=1 $(PYTHON) manage.py compile_catalogues
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (editors: http://$(HOST):$(PORT)/admin/). Stop with Ctrl-C."
	DEBUG=1 $(PYTHON) manage.py runserver $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist), each test file whole in one of them, with
# a database of its own. TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= auto
test: $(INSTALLED)
	$(PYTHON) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10 $(PYTEST_ARGS)

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

# Recompile both locks from requirements.in and requirements-dev.in, keeping every pin that
# still fits. Options for pip-compile go in LOCK_ARGS, e.g. LOCK_ARGS="--upgrade-package sqlparse".
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
  --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
  $(LOCK_ARGS)

lock: $(INSTALLED)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# Known vulnerabilities in the locked versions, from PyPI's JSON API (needs the network).
# Exit status of the audit: 0 nothing known, 1 known vulnerabilities, 3 could not check (no
# network, service down, or some packages not found there): never a silent pass.
# (make itself then exits 2 and names the status: "Error 1" or "Error 3".)
define AUDIT_REPORT_PY
import json, sys

lock, report, log = sys.argv[1:4]
try:
    with open(report, encoding="utf-8") as f:
        deps = json.load(f)["dependencies"]
except (OSError, ValueError, KeyError):
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [line.strip() for line in f if line.strip()]
    print(f"{lock}: COULD NOT CHECK: pip-audit did not get the vulnerability data.")
    print("  " + (lines[-1] if lines else "pip-audit gave no reason."))
    sys.exit(3)

checked = [d for d in deps if "vulns" in d]
skipped = [d for d in deps if "skip_reason" in d]
found = [(d, v) for d in checked for v in d["vulns"]]
if found:
    names = {d["name"] for d, _ in found}
    print(f"{lock}: {len(found)} known vulnerabilities in {len(names)} packages:")
    for d, v in found:
        ids = ", ".join([v["id"], *v.get("aliases", [])])
        fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
        print(f"  {d['name']} {d['version']}: {ids} (fixed in {fixed})")
if not checked:
    print(f"{lock}: COULD NOT CHECK any of its {len(deps)} packages; the first reason:")
    print("  " + (skipped[0]["skip_reason"] if skipped else "pip-audit listed no package."))
    print("  Not one package had vulnerability data: the network reaches a mirror or proxy")
    print("  without PyPI's JSON API, or the service is down.")
    sys.exit(3)
if skipped:
    print(f"{lock}: {len(skipped)} of {len(deps)} packages could NOT be checked:")
    for d in skipped:
        print("  " + d["skip_reason"])
if found:
    sys.exit(1)
if skipped:
    print(f"{lock}: no known vulnerabilities in the {len(checked)} packages checked.")
    sys.exit(3)
print(f"{lock}: no known vulnerabilities in its {len(checked)} packages.")
endef

audit: export AUDIT_REPORT := $(AUDIT_REPORT_PY)
audit: $(INSTALLED)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; status=0; \
	for lock in requirements.txt requirements-dev.txt; do \
	  $(VENV)/bin/pip-audit --disable-pip --require-hashes --progress-spinner off --desc off \
	    --aliases on --format json --output "$$tmp/$$lock.json" --requirement "$$lock" \
	    >"$$tmp/$$lock.log" 2>&1; \
	  $(PYTHON) -c "$$AUDIT_REPORT" "$$lock" "$$tmp/$$lock.json" "$$tmp/$$lock.log"; \
	  code=$$?; \
	  if [ $$code -eq 1 ] || [ $$status -eq 0 ]; then status=$$code; fi; \
	done; \
	case $$status in \
	  0) echo "Audit passed: no known vulnerabilities in the locked versions." ;; \
	  1) echo "Audit FAILED: known vulnerabilities in the locked versions (above)." >&2 ;; \
	  *) echo "Audit INCOMPLETE: packages could not be checked (above): no network, or PyPI's" \
	       "JSON API not reachable or down. They may have known vulnerabilities." >&2 ;; \
	esac; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
