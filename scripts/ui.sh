#!/usr/bin/env bash
# Start the Dagster UI on the project's persistent instance (.dagster/), so it shows the runs of `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAGSTER_HOME="$PWD/.dagster"
# dagster dev ignores SIGINT/SIGTERM when it inherits an ignored SIGINT; reset it before exec.
trap - INT
exec .venv/bin/dagster dev -m pipelines.definitions -h 127.0.0.1 -p "${PORT:-3000}"
