# Two commands on a fresh machine: `make run` and `make test`. Both create .venv if missing
# and (re)install when pyproject.toml changes: `make run` only what the bot needs, `make test`
# the development tools as well.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
PIP     := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUN_STAMP := $(VENV)/.run-stamp
DEV_STAMP := $(VENV)/.dev-stamp
PG_URL  := postgresql+asyncpg://postgres@localhost:5432/test

.PHONY: run test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	@touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev]'
	@touch $(RUN_STAMP) $(DEV_STAMP)

run: $(RUN_STAMP)
	$(BIN)/runstrong start

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy bot handlers plans db fakes tests bench

# PostgreSQL tests run when TEST_DATABASE_URL is set, or when a server answers on localhost:5432.
unit: $(DEV_STAMP)
	@if [ -z "$$TEST_DATABASE_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "PostgreSQL answers on localhost:5432: running the PostgreSQL tests too"; \
		export TEST_DATABASE_URL="$(PG_URL)"; \
	fi; \
	$(BIN)/python -m pytest

test: lint typecheck unit

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
