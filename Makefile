# One entry point for every task; CI runs exactly `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
DEMO_DB ?= .data/demo.sqlite
PY_DIRS := $(wildcard backend parity e2e bench testkit)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export HYPOTHESIS_PROFILE ?= ci

.PHONY: run setup build harness demo-db system-deps test lint types unit-fe unit-be fuzz parity \
        e2e format bench gates clean

run: setup build demo-db ## Serve the dashboard on http://127.0.0.1:8080 (demo source)
	$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py mes_dashboard.wsgi:app

setup: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock pyproject.toml
	@scripts/ensure-python-venv.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: $(NODE_STAMP) ## Build the pages into frontend/dist
	npm run --silent build

harness: $(NODE_STAMP) ## Build the parity harness into frontend/dist-harness
	npm run --silent build:harness

demo-db: $(PY_STAMP) ## Generate the demo database when missing
	@test -f $(DEMO_DB) || $(PY) -m mes_dashboard.sources.demo.generator --db $(DEMO_DB)

system-deps: ## redis-server, chromium, promtool and slapd for the tests (apt, when root)
	@scripts/ensure-system-deps.sh

test: system-deps setup lint types unit-fe unit-be fuzz build harness parity e2e ## Every check

lint: setup
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/ruff format --check $(PY_DIRS)
	$(VENV)/bin/lint-imports --no-cache
	npm run --silent lint
	npm run --silent deps

types: setup
	$(VENV)/bin/mypy
	npm run --silent typecheck

unit-fe: setup
	npm run --silent test

unit-be: setup
	timeout 900 $(VENV)/bin/pytest backend/tests testkit/tests -q -p no:cacheprovider

fuzz: setup ## schemathesis on contracts/openapi.json against the app (about a minute)
	timeout 600 $(VENV)/bin/pytest backend/fuzz -q -p no:cacheprovider

parity: setup harness
	@if [ -d parity/tests ]; then $(VENV)/bin/pytest parity/tests -q -p no:cacheprovider; \
	 else echo "parity: no suite yet"; fi

e2e: setup build
	@if [ -d e2e/tests ]; then $(VENV)/bin/pytest e2e/tests -q -p no:cacheprovider; \
	 else echo "e2e: no suite yet"; fi

format: setup
	$(VENV)/bin/ruff format $(PY_DIRS)
	$(VENV)/bin/ruff check --fix $(PY_DIRS)
	npm run --silent format

bench: setup build ## Benchmarks (long, ~15 min; results recorded under bench/results)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/snapshot_build.py
	$(PY) bench/serve_vs_baseline.py
	$(PY) bench/browser_compute.py --wait-idle 60
	$(PY) bench/table_scroll.py --wait-idle 30
	$(PY) bench/retry_spread.py

gates: setup ## Resilience drills (reload, worker kill, watchdog, source and Redis outages, pool pressure, breaker, soak); results in bench/results/gates.*
	@command -v redis-server >/dev/null || scripts/ensure-system-deps.sh
	$(PY) bench/gates.py

clean:
	rm -rf $(VENV) node_modules frontend/dist frontend/dist-harness .data
