# マイナちゃん — two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.10
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/maina.tar.gz
# What the model is trained from: retrain only when one of these changes.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
	$(wildcard maina_rasa/nlu/*.py) maina/normalize.py maina/dates.py maina/wareki.py
export PYTHONDONTWRITEBYTECODE := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install train run stop test test-unit validate test-conversations test-nlu test-e2e lock clean

help:
	@echo "make run    install what is missing, train if data changed, start the bot on localhost"
	@echo "make test   everything the project checks (CI runs this)"
	@echo "make stop   stop the servers started by make run"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.10 (Rasa 3.6 does not run on 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.0"

# Installs exactly the versions in requirements.lock (a fresh machine gets what was tested).
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip check
	touch $@

install: $(VENV)/.installed

$(MODEL): $(TRAINING_INPUTS) | $(VENV)/.installed
	$(BIN)/rasa train --fixed-model-name maina --out models --quiet
	touch $@

train: $(MODEL)

run: install train
	$(BIN)/python scripts/servers.py start

stop:
	@$(BIN)/python scripts/servers.py stop

validate: install
	$(BIN)/python scripts/validate.py

test-unit: install
	$(BIN)/pytest -q tests/unit

test-conversations: train
	$(BIN)/rasa test core --model $(MODEL) --stories tests/ --endpoints endpoints.yml \
		--fail-on-prediction-errors --no-plot --out results/conversations

test-nlu: train
	$(BIN)/python scripts/nlu_eval.py --model $(MODEL) --test-dir tests/nlu

test-e2e: train
	$(BIN)/pytest -q tests/e2e

test: test-unit validate test-conversations test-nlu test-e2e test-cluster

# Two Rasa + two action servers behind nginx, shared PostgreSQL tracker store and Redis lock
# store, all on loopback (scripts/cluster.py; packages: scripts/install_cluster_deps.sh).
.PHONY: run-cluster stop-cluster test-cluster
run-cluster: install train
	$(BIN)/python scripts/cluster.py start

stop-cluster:
	@$(BIN)/python scripts/cluster.py stop

# Real PostgreSQL, Redis and nginx; skipped with the reason if they are missing (not in CI).
test-cluster: train
	MAINA_CLUSTER_TESTS=1 $(BIN)/pytest -q -rs tests/e2e/test_cluster.py

lock:
	$(BIN)/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' \
		| sed '1i # Exact versions of every package, from `make lock` (pip freeze of a venv built from requirements.in).' > requirements.lock

clean:
	rm -rf models/*.tar.gz results .rasa
