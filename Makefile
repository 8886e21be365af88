# One entry point for people and CI. `make run` to try the site, `make test` before pushing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings.test
PYTEST_WORKERS ?= 2

.PHONY: run test lint format check chromium search-conformance install install-dev lock bench bench-search bench-pages bench-load bench-faults bench-spirit clean help

help:
	@echo "make run     create .venv, install, migrate, load demo content, serve on http://127.0.0.1:8000"
	@echo "make test    lint, Django checks, the search backend conformance suite and the whole"
	@echo "             test suite (browser tests included)"
	@echo "make lint    ruff and djhtml checks only"
	@echo "make format  rewrite code and templates in house style"
	@echo "make lock    recompile requirements*.txt from requirements*.in"
	@echo "make bench   search and page benchmarks, quick (bench-search, bench-pages:"
	@echo "             one each; BENCH_ARGS, PAGES_BENCH_ARGS for the full runs)"
	@echo "make bench-load    load test with nothing lost (quick; LOAD_ARGS= for 5 minutes)"
	@echo "make bench-faults  fault drills (FAULTS=\"search-kill web-kill\" for some)"
	@echo "make bench-spirit  our experiment page against a Spirit topic page"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py update_index
	$(BIN)/python manage.py prune_db_task_results --queue-name '*' --min-age-days 1
	@echo ""
	@echo "  Site:  http://127.0.0.1:8000/"
	@echo "  Admin: http://127.0.0.1:8000/admin/  (log in as admin or editor)"
	@echo "  Press Ctrl-C to stop the web server and the task worker."
	@echo ""
	$(BIN)/honcho start

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check: install-dev
	$(TEST_SETTINGS) $(BIN)/python manage.py check --fail-level WARNING
	$(TEST_SETTINGS) $(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests use Debian's Chromium; never a browser download.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "Could not install chromium: browser tests will be skipped."; \
	else echo "No /usr/bin/chromium and no way to install it: browser tests will be skipped."; fi

# modelsearch's own backend test suite, run against our Whoosh backend.
search-conformance: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.search_conformance \
		$(BIN)/pytest tests/search/conformance -n $(PYTEST_WORKERS) -q

test: lint check chromium search-conformance
	$(TEST_SETTINGS) $(BIN)/pytest -n $(PYTEST_WORKERS)

lock: install-dev
	$(BIN)/pip-compile --quiet --strip-extras --no-header --annotation-style=line \
		--no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-header --annotation-style=line \
		--no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

# Figures, not tests: see bench/README.md. Quick runs by default; the full runs are
#   make bench-search BENCH_ARGS="--docs 10000 --docs 50000 --queries 200 --out bench/results/search.json"
#   make bench-pages PAGES_BENCH_ARGS="--scales 1,10,100"
BENCH_ARGS ?= --quick
PAGES_BENCH_ARGS ?= --quick
bench: bench-search bench-pages

bench-search: install-dev
	$(BIN)/python bench/search_bench.py $(BENCH_ARGS)

bench-pages: install-dev
	$(BIN)/python bench/pages_bench.py $(PAGES_BENCH_ARGS)

# Load and faults: bench/load/README.md. pg-restart restarts the local PostgreSQL.
LOAD_ARGS ?= --quick
bench-load: install-dev
	$(BIN)/python bench/load/load_test.py $(LOAD_ARGS)

bench-faults: install-dev
	$(BIN)/python bench/load/faults.py $(FAULTS)

# Side by side with the Spirit forum, in its own virtualenv (bench/.venv-spirit).
bench-spirit: install-dev
	$(BIN)/python bench/spirit/compare.py

clean:
	rm -rf $(VENV) var
