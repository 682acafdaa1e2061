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

.PHONY: help install train run shell stop test lint test-unit validate test-conversations test-nlu test-e2e lock clean

help:
	@echo "make run    install what is missing, train if data changed, start the bot on localhost"
	@echo "make test   everything the project checks (CI runs this)"
	@echo "make stop   stop the servers started by make run"
	@echo "make shell  chat in the terminal (rasa shell; run make run first for the calculator)"
	@echo "make bench  benchmark against the stock Rasa + GiNZA recipe (results/bench.md)"
	@echo "make load   full-size load test: 50 residents for 2 minutes (results/load.json)"
	@echo "make run-cluster / stop-cluster   two Rasa + two action servers behind nginx on PostgreSQL/Redis"
	@echo "make report the staff report from the tracker store: results/report.html + CSV (DAYS=7)"
	@echo "make report-cluster   the same from the cluster's PostgreSQL"

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
	$(BIN)/python -m maina_ops servers start

shell: install train
	$(BIN)/python -m maina_ops servers shell

stop:
	@$(BIN)/python -m maina_ops servers stop

validate: install
	$(BIN)/python scripts/validate.py

# ruff (pinned in requirements.lock), rules in ruff.toml
lint: install
	$(BIN)/ruff check .

test-unit: install
	$(BIN)/pytest -q tests/unit

test-conversations: train
	$(BIN)/rasa test core --model $(MODEL) --stories tests/ --endpoints endpoints.yml \
		--fail-on-prediction-errors --no-plot --out results/conversations

test-nlu: train
	$(BIN)/python scripts/nlu_eval.py --model $(MODEL) --test-dir tests/nlu

test-e2e: train
	$(BIN)/pytest -q tests/e2e --ignore tests/e2e/test_cluster.py
	@$(BIN)/python -c "import json; d = json.load(open('results/dev-questions.json')); print(f\"dev questions: {d['with_key_facts']}/{d['asked']} with their key facts\")"

test: lint test-unit validate test-conversations test-nlu test-e2e test-cluster test-load test-bench \
	check-answers

# Two Rasa + two action servers behind nginx, shared PostgreSQL tracker store and Redis lock
# store, all on loopback (maina_ops/cluster.py; packages: scripts/install_cluster_deps.sh).
.PHONY: run-cluster stop-cluster test-cluster
run-cluster: install train
	$(BIN)/python -m maina_ops cluster start

stop-cluster:
	@$(BIN)/python -m maina_ops cluster stop

# Real PostgreSQL, Redis and nginx; skipped with the reason if they are missing (not in CI).
test-cluster: train
	MAINA_CLUSTER_TESTS=1 $(BIN)/pytest -q -rs tests/e2e/test_cluster.py

# Load test (issue 5): Locust, headless, against a real bot it starts on 5285/5295; then every
# conversation is checked in the tracker store and Rasa's memory over time (load/run_load.py,
# Locust user maina_ops/locustfile.py).
# Locust lives in its own venv: its gevent/Flask pins must not touch Rasa's .venv.
.PHONY: load test-load
LOAD_VENV := .venv-load
LOAD_PYTHON ?= $(PYTHON)

$(LOAD_VENV)/.installed: load/requirements.txt
	@command -v $(LOAD_PYTHON) >/dev/null || { echo "$(LOAD_PYTHON) not found"; exit 1; }
	test -x $(LOAD_VENV)/bin/python || $(LOAD_PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --upgrade "pip==24.0"
	$(LOAD_VENV)/bin/pip install --quiet -r load/requirements.txt
	$(LOAD_VENV)/bin/pip check
	touch $@

# Full size: 50 residents for 2 minutes; results/load.json.
load: train $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python -m load.run_load --users 50 --duration 120 --out results/load.json

# Small size for `make test`: 20 residents for 30 s; results/load-small.json.
test-load: train $(LOAD_VENV)/.installed
	$(LOAD_VENV)/bin/python -m load.run_load --users 20 --duration 30 --out results/load-small.json

# Benchmark (issues 6 and 17): the project's model against Rasa's stock spaCy recipe on
# ja_ginza (bench/stock_config.yml), same data, same machine: training time, cold start,
# memory, latency/throughput at 1/10/50 users with Locust for conversations of 3 and 10
# questions of the bench mix (bench/mix.py), held-out accuracy. Three rounds, project and stock
# interleaved; the report gives medians with min–max. Tools in their own venv (.venv-bench).
# `make bench` takes ~75 min on 2 cores -> results/bench.md + .json. BENCH_ARGS adds options,
# e.g. BENCH_ARGS="--reuse-models --port-base 10300".
.PHONY: bench test-bench check-answers
BENCH_ARGS ?=
CHECK_ARGS ?=
BENCH_VENV := .venv-bench

$(BENCH_VENV)/.installed: bench/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found"; exit 1; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade "pip==24.0"
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	$(BENCH_VENV)/bin/pip check
	touch $@

bench: install $(BENCH_VENV)/.installed
	$(BIN)/python -m bench.run_bench --size full $(BENCH_ARGS)

# Tiny size for `make test` (proves the pipeline, measures nothing): the project model from
# `make train`, stock trained for 1 epoch, 3 s per load level, one round; output in
# run/bench-tiny/.
test-bench: train $(BENCH_VENV)/.installed
	$(BIN)/python -m bench.run_bench --size tiny --project-model $(MODEL) \
		--out run/bench-tiny/bench --work run/bench-tiny $(BENCH_ARGS)

# The speed-ups change no answer: the model from `make train` served with Rasa's own tracker
# store and without maina_rasa/patches.py's speed-ups, and as the project serves it; every
# answer to the bench mix (conversations of 3 and 10 questions) must be the same.
# CHECK_ARGS adds options, e.g. CHECK_ARGS="--port-base 10300".
check-answers: train
	$(BIN)/python -m bench.check_answers --model $(MODEL) $(CHECK_ARGS)

# The staff report (issue 16): what residents asked, what went unanswered, what helped, from
# the tracker store of endpoints.yml (SQLite by default; the cluster's PostgreSQL with its
# MAINA_TRACKER_* settings). results/report.html, report.csv, report-daily.csv.
.PHONY: report report-cluster
DAYS ?= 7
report: install
	$(BIN)/python scripts/report.py --days $(DAYS) --out results

report-cluster: install
	$(BIN)/python scripts/report.py --cluster --days $(DAYS) --out results

lock:
	$(BIN)/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)==' \
		| sed '1i # Exact versions of every package, from `make lock` (pip freeze of a venv built from requirements.in).' > requirements.lock

clean:
	rm -rf models/*.tar.gz results .rasa
