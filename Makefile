# Consultation-line triage assistant. `make run` and `make test` are the two commands
# a newcomer needs; both create whatever is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# pip on these machines warns about local find-links folders that do not exist; hide
# only those lines (pipefail keeps pip's own exit status).
QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
.DEFAULT_GOAL := help

VENV         := .venv
ENGINE_VENV  := .venv-engine
PY           := $(VENV)/bin/python
APP_STAMP    := $(VENV)/.installed
ENGINE_STAMP := $(ENGINE_VENV)/.installed
STATIC_STAMP := api/static/govuk/.built
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test env model frontend chromium lock eval-nlu bench bench-thresholds scale-out test-scale-out clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

run: env model ## set up what is missing, train if stale, start everything (Ctrl-C stops)
	@$(PY) scripts/supervise.py

test: env model chromium ## set up what is missing, then run the whole test suite
	@$(PY) scripts/run_tests.py

env: $(APP_STAMP) $(ENGINE_STAMP) $(STATIC_STAMP) ## create both Python environments and the static files

$(APP_STAMP): requirements/app.lock pyproject.toml
	@echo "==> Creating the app environment in $(VENV)/ (Python 3.11+)..."
	@test -x $(PY) || $$(scripts/find_python.sh app) -m venv $(VENV)
	@$(PY) -m pip install -q -r requirements/app.lock $(QUIET)
	@$(PY) -m pip install -q --no-deps -e . $(QUIET)
	@touch $@

$(ENGINE_STAMP): requirements/engine.lock
	@echo "==> Creating the conversation engine environment in $(ENGINE_VENV)/ (Rasa 3.6.21; about 2.7 GB, a few minutes the first time)..."
	@test -x $(ENGINE_VENV)/bin/python || $$(scripts/find_python.sh engine) -m venv $(ENGINE_VENV)
	@# Rasa 3.6 declares Python <3.11; its verified, fully pinned set works on 3.11 (see docs).
	@$(ENGINE_VENV)/bin/python -m pip install -q --no-deps --ignore-requires-python -r requirements/engine.lock $(QUIET)
	@touch $@

$(STATIC_STAMP): $(wildcard frontend/package-lock.json frontend/build.mjs frontend/build.js)
	@if [ -f frontend/package.json ]; then \
	  echo "==> Building the GOV.UK Frontend assets..."; \
	  (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build); \
	else mkdir -p $(dir $@); fi
	@touch $@

frontend: $(STATIC_STAMP) ## build the GOV.UK Frontend static files

model: $(APP_STAMP) $(ENGINE_STAMP) ## train the conversation model if missing or stale
	@$(PY) scripts/train.py

chromium: ## install Debian's Chromium for the browser tests if missing
	@scripts/ensure_chromium.sh

lock: ## re-pin the app environment from requirements/app.in
	@$(PY) -m pip install -q -r requirements/app.in $(QUIET)
	@$(PY) -m pip freeze --exclude-editable > requirements/app.lock

eval-nlu: env model ## held-out NLU evaluation: per-intent precision/recall/F1, confusion matrix
	@$(PY) scripts/eval_nlu.py

bench-thresholds: env ## threshold engine throughput and latency
	@$(PY) scripts/bench_thresholds.py

bench: env model ## chat latency under load through the gateway vs the engine alone
	@$(PY) scripts/bench.py

scale-out: env model ## two gateways, two engines, two action servers behind round-robin
	@$(PY) scripts/scale_out.py

test-scale-out: env model ## the end-to-end tests against the scale-out deployment
	@$(PY) scripts/scale_out.py --test

clean: ## remove environments, models and run-time state
	rm -rf $(VENV) $(ENGINE_VENV) models var reports api/static/govuk frontend/node_modules
