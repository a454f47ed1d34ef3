# AI Safety Field Guide — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on; production sets its own environment.
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: help install run migrate demo admin-user test test-browser lint format check clean browser-deps bench-deps bench bench-tiers bench-compare bench-search load-test

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

migrate: install ## Apply database migrations
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the demo content (idempotent)
	$(DEV_ENV) $(BIN)/python manage.py load_demo_content

admin-user: migrate ## Create or reset the demo admin login (ADMIN_USERNAME/ADMIN_PASSWORD)
	$(DEV_ENV) $(BIN)/python manage.py ensure_demo_admin --base-url http://$(HOST):$(PORT)

run: demo admin-user ## Set up everything and serve the site at http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (DATABASE_URL picks the database; SQLite by default)
	$(BIN)/pytest -m "not browser"

browser-deps: ## Install Chromium (apt) and axe-core/vnu-jar (npm) for the browser tests
	bash .ci/browser-deps

test-browser: install browser-deps ## Run the Playwright browser tests in headless Chromium
	REQUIRE_BROWSER_TOOLS=1 $(BIN)/pytest -m browser --timeout=$${BROWSER_TEST_TIMEOUT:-600} --timeout-method=thread --reruns=1

lint: install ## Check style (ruff) and the apps' dependency rule (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django system checks and a pending-migrations check
	$(DEV_ENV) $(BIN)/python manage.py check
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

bench-deps: ## Install wrk (Debian package) for the benchmarks
	bash .ci/bench-deps

bench: install bench-deps ## Site benchmark: synthetic data in PostgreSQL, gunicorn, wrk (see docs/performance.md)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-tiers: install bench-deps ## Cache tiers, keep-alive: bare-Django floor, page cache, Varnish, storm (after make bench)
	$(BIN)/python bench/tiers.py $(BENCH_ARGS)

bench-compare: install ## Every page's cache miss before (REF=<commit>) and after, interleaved (after make bench)
	$(BIN)/python bench/compare.py $(or $(REF),HEAD~1) $(BENCH_ARGS)

bench-search: install ## Search latency benchmark at 10,000+ records on PostgreSQL
	$(BIN)/python bench/search_bench.py --fresh

load-test: install bench-deps ## 60-second load run against the main pages; fails on any error response
	bash bench/load_test.sh

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
