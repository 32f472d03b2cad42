# Padan: `make demo` sets everything up and runs a month on generated data; `make test` runs the suite.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= never
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 180
PY ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: setup demo test lint format bench bench-peer alerts clean

.tools/bin/uv:
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

setup: $(UV)
	$(UV) sync --frozen

demo: setup
	$(UV) run --frozen padan demo

# two workers (pytest-xdist), each module on one of them: much of the suite waits on Prefect
# servers, workers and subprocesses, so two halve the time even on two cores
PYTEST_WORKERS ?= 2
test: setup lint
	$(UV) run --frozen pytest -q -n $(PYTEST_WORKERS) --dist loadfile

# ruff's checks and its formatting (pyproject.toml [tool.ruff]); `make format` rewrites
lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: setup
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# per-stage figures at 1x/2x/4x with the DuckDB floor (docs/scaling.md uses 250000:5000000 and up)
SIZES ?= 100000:2000000 200000:4000000 400000:8000000
bench: setup
	$(UV) run --frozen python tests/benchmarks/bench_stages.py --sizes $(SIZES) --json bench-out/stages.json

# Padan and Splink 5 side by side on the same generated rows (issue 14, docs/benchmarks.md). Splink
# comes from the `bench` dependency group only, so `make setup` / `make test` never install it.
PEER_ARGS ?= --persons 2000000 --usulan 200000 --seed 77 --json bench-out/peer.json
bench-peer: $(UV)
	$(UV) sync --frozen --group bench
	$(UV) run --frozen --group bench python tests/benchmarks/bench_peer.py $(PEER_ARGS)

# the alerts of automations.yaml on the Prefect server PREFECT_API_URL names (README: Deploying)
alerts: setup
	$(UV) run --frozen padan prefect alerts $(ALERT_ARGS)

clean:
	rm -rf data/demo data/demo.truth .pytest_cache
