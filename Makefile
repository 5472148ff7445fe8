# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
TEMPLATE_DIRS := lab_site/templates home/templates $(wildcard challenges/templates pilots/templates search/templates opendata/templates)

.PHONY: run test lint format migrate demo worker beat assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo_content
	$(MANAGE) build_open_data

## make run: set up, migrate, load the demo content and serve http://127.0.0.1:8000/
run: demo
	$(MANAGE) runserver 127.0.0.1:8000

## make test: the whole suite (SQLite unless DATABASE_URL says otherwise). PYTEST_WORKERS=N
## spreads it over N pytest-xdist workers, each with its own test database (README: Tests).
PYTEST_WORKERS ?= 0
test: $(VENV)/.dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $(TEMPLATE_DIRS)

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $(TEMPLATE_DIRS)

## Celery against Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/0); the web
## process must be started with the same CELERY_BROKER_URL or it runs tasks eagerly.
BROKER ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/0)
worker: $(VENV)/.runtime
	CELERY_BROKER_URL=$(BROKER) $(BIN)/celery -A lab_site worker --loglevel=INFO --concurrency=2

beat: $(VENV)/.runtime
	CELERY_BROKER_URL=$(BROKER) $(BIN)/celery -A lab_site beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

## Rebuild the committed front-end files from package.json (needs Node and npm)
assets:
	npm ci --no-audit --no-fund
	npm run build

clean:
	rm -rf $(VENV) db.sqlite3 static
