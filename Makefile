# Jaring: `make demo` serves the Gresik demo; `make test` runs the whole suite (SQLite, PostgreSQL, browser).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
JARING := $(VENV)/bin/jaring
PYTEST := $(VENV)/bin/pytest
XDIST ?= -n 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo serve test test-sqlite test-postgres test-browser lint check-tools bench clean messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

# Another address or port: make demo ADDR=127.0.0.1:8080 (the printed logins show it).
ADDR ?= 127.0.0.1:8000

demo: $(VENV)/.installed
	$(JARING) migrate --no-input
	$(JARING) demo --addr $(ADDR)
	$(JARING) serve --addr $(ADDR)

serve: $(VENV)/.installed
	$(JARING) serve --addr $(ADDR)

check-tools: $(VENV)/.installed-dev
	$(PY) -m jaring.testing.check_tools

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/ruff format --check src tests bench tools
	$(VENV)/bin/mypy
	$(PY) tools/deadcode.py
	$(VENV)/bin/lint-imports --no-logo
	JARING_VAR_DIR=$$(mktemp -d) $(JARING) makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed-dev
	JARING_EXPECT_DB=sqlite $(PYTEST) $(XDIST) -m "not browser"

test-postgres: $(VENV)/.installed-dev
	JARING_EXPECT_DB=postgresql JARING_DATABASE_URL= $(PYTEST) -p jaring.testing.pgcluster $(XDIST) -m "not browser"

test-browser: $(VENV)/.installed-dev
	JARING_EXPECT_DB=sqlite $(PYTEST) -m browser

test: check-tools lint test-sqlite test-postgres test-browser

bench: $(VENV)/.installed-dev
	$(PY) bench/run_all.py

messages: $(VENV)/.installed-dev
	cd src/jaring && ../../$(JARING) makemessages -l id -l en --no-obsolete && ../../$(JARING) compilemessages

clean:
	rm -rf $(VENV) var
