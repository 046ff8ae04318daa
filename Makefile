# Two commands on a fresh machine: `make run` and `make test`. Both create .venv if missing
# and (re)install when pyproject.toml changes.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
PG_URL  := postgresql+asyncpg://postgres@localhost:5432/test

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/runstrong start

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy bot handlers plans db fakes tests bench

# PostgreSQL tests run when TEST_DATABASE_URL is set, or when a server answers on localhost:5432.
unit: $(STAMP)
	@if [ -z "$$TEST_DATABASE_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "PostgreSQL answers on localhost:5432: running the PostgreSQL tests too"; \
		export TEST_DATABASE_URL="$(PG_URL)"; \
	fi; \
	$(BIN)/python -m pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
