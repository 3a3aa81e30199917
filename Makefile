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
# Compiled once at install, so each run does not recompile ~2,400 modules (~6 s a run).
export UV_COMPILE_BYTECODE := 1
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: setup run test lint format bench clean dashboard screenshot serve

# The extractor compiled with mypyc (compile_extractor.py), about 1.7x as fast; rebuilt when
# transforms/ changes. If it cannot be built, the plain modules run.
COMPILED_STAMP := .compiled/sources.sha256

setup: $(VENV)/.synced $(COMPILED_STAMP)

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

$(COMPILED_STAMP): $(VENV)/.synced $(wildcard transforms/*.py)
	-$(BIN)/python compile_extractor.py

run: setup
	$(BIN)/summitry run --input corpus/sample --warehouse warehouse

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || echo \
	  "NOTE: no chromium/chromedriver, so the dashboard's browser test is skipped" \
	  "(apt-get install chromium chromium-driver)"
	$(BIN)/pytest

dashboard: setup
	$(BIN)/summitry dashboard --warehouse warehouse

# The sample corpus every hour, on a local Prefect server of its own (README: "Running on
# a schedule"); Ctrl-C stops it.
serve: setup
	$(BIN)/summitry serve --input corpus/sample --warehouse warehouse

# Refresh the README's screenshot: the browser test on the sample corpus keeps its PNG.
screenshot: setup
	SUMMITRY_REQUIRE_BROWSER=1 SUMMITRY_SCREENSHOT=docs/dashboard.png \
	  $(BIN)/pytest -q tests/test_dashboard_browser.py

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Speed figures against the targets (see benchmarks/run.py): `bench` takes about an hour
# on 2 cores, `bench-quick` a few minutes. Results go to bench-out/results.json.
.PHONY: bench bench-quick
bench: setup
	$(BIN)/python -m benchmarks.run

bench-quick: setup
	$(BIN)/python -m benchmarks.run --quick

clean:
	rm -rf warehouse .prefect .pytest_cache
