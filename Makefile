# Portico: `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test lint format migrate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

migrate: $(VENV)/.runtime-installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

## Set up, migrate, load the demo data if the database is empty, print the logins and serve.
run: migrate
	PORTICO_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py demo_setup --base-url http://$(HOST):$(PORT)
	PORTICO_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

## Install what the tests need and run the whole suite (DATABASE_URL picks the database).
test: $(VENV)/.dev-installed browser-deps
	@mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

## Debian's Chromium for the browser tests (portico/browser_tests/), installed with apt when it is missing.
.PHONY: browser-deps
browser-deps:
	@bash scripts/ensure-chromium

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
