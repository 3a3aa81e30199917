# Two commands on a fresh machine: `make run` and `make test`.
# Only python3, make and pip are assumed; uv is bootstrapped into .uv/ and
# installs the locked dependencies (uv.lock) into .venv/.

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: setup run test lint format bench clean

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

run: setup
	$(BIN)/summitry run --input corpus/sample --warehouse warehouse

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf warehouse .prefect .pytest_cache
