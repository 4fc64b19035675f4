# Academy — `make help` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
# Marker functions beyond pybabel's defaults; tests/i18n reads this line.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k N_plural:1,2
PORT ?= 5000
# Links in mail and certificates name the address `make run` serves, unless you set it.
ACADEMY_BASE_URL ?= http://$(HOST):$(PORT)

.DEFAULT_GOAL := help
.PHONY: help run test lint format translations translations-update bench bench-instructions clean

help: ## Show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-20s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

translations: $(VENV)/.installed ## Compile the message catalogues (.po -> .mo)
	$(BIN)/pybabel -q compile -d academy/translations

translations-update: $(VENV)/.installed ## Extract strings and update every catalogue
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file -o academy/translations/messages.pot .
	$(BIN)/pybabel update -i academy/translations/messages.pot -d academy/translations --no-fuzzy-matching --ignore-obsolete

run: $(VENV)/.installed translations ## Set up the database and demo academy, then serve on :5000 (PORT=N to change)
	$(FLASK) db upgrade
	$(FLASK) academy courses sync
	$(FLASK) academy demo
	@echo "Serving on http://$(HOST):$(PORT)/"
	ACADEMY_BASE_URL="$(ACADEMY_BASE_URL)" $(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed translations ## Run the whole test suite (TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest

lint: $(VENV)/.installed ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed ## ruff: fix what can be fixed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed translations ## Build a 25,000-trainee academy and measure the busy pages
	$(BIN)/python -m tests.benchmarks.run

bench-instructions: $(VENV)/.installed translations ## Instructions per request of the busy pages (valgrind; after make bench)
	$(BIN)/python -m tests.benchmarks.instructions

clean: ## Remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache
