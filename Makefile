# The project's verbs. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest bench schema assets oidc-provider migrate worker clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) assets  ## Migrate and serve http://127.0.0.1:8000/graphql on the embedded default
	$(BIN)/mixtape migrate
	$(BIN)/mixtape serve

test: lint types pytest  ## Lint, type-check and run the whole test suite

lint: $(STAMP)  ## ruff, and the dependency direction (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) assets oidc-provider  ## The tests, in up to 4 processes (pytest-xdist), one per core
	$(BIN)/pytest -n auto --maxprocesses=4

.PHONY: fuzz
fuzz: $(STAMP)  ## The fuzzers with 25 times the examples of `make test` and a fresh seed (before a release)
	MIXTAPE_FUZZ_EXAMPLES=25 MIXTAPE_FUZZ_SEED=random $(BIN)/pytest tests/fuzz

bench: $(STAMP)  ## Benchmarks, each a ratio against a baseline measured in the same run
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

schema: $(STAMP)  ## Export the GraphQL SDL to schema.graphql
	$(BIN)/strawberry export-schema graphql_api.schema:schema --output schema.graphql

assets: $(STAMP)  ## Fetch GraphiQL for the offline explorer (needs npm; skipped without it)
	@scripts/fetch_assets.sh

oidc-provider:  ## The test OpenID provider's packages (tests/oidc_provider; needs npm; skipped without it)
	@if ! command -v npm >/dev/null; then echo "npm not found: the OpenID provider tests will skip (fail under CI=true)"; \
	elif [ ! tests/oidc_provider/node_modules/.package-lock.json -nt tests/oidc_provider/package-lock.json ]; then \
	cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error; fi

migrate: $(STAMP)
	$(BIN)/mixtape migrate

worker: $(STAMP)
	$(BIN)/mixtape worker

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
