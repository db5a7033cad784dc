# The README's commands. Each target sets up .venv/ first (a no-op when it is current).
export DAGSTER_HOME := $(CURDIR)/.dagster

.PHONY: setup run test ui evaluate bench

setup:
	./scripts/setup.sh

run: setup
	.venv/bin/eventcoder pipeline run

test: setup
	.venv/bin/python -m pytest

ui: setup
	./scripts/ui.sh

evaluate: setup
	.venv/bin/eventcoder evaluate ../shared/gold/dev.jsonl --min-root-f1 "$$(cat .ci/quality_gate)"

bench: setup
	.venv/bin/python benchmarks/run.py
