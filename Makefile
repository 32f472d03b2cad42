# Padan: `make demo` sets everything up and runs a month on generated data; `make test` runs the suite.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= never
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 180
PY ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: setup demo test bench clean

.tools/bin/uv:
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

setup: $(UV)
	$(UV) sync --frozen

demo: setup
	$(UV) run --frozen padan demo

test: setup
	$(UV) run --frozen pytest -q

bench: setup
	$(UV) run --frozen python tests/benchmarks/bench_generate.py

clean:
	rm -rf data/demo data/demo.truth .pytest_cache
