#!/usr/bin/env bash
# Start the Dagster UI on the project's persistent instance (.dagster/), so it shows the runs of `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster}"
mkdir -p "$DAGSTER_HOME"
[ -f "$DAGSTER_HOME/dagster.yaml" ] || cp scripts/dagster.yaml "$DAGSTER_HOME/dagster.yaml"
# dagster dev ignores Ctrl-C and SIGTERM when it starts with SIGINT ignored, which is how a script's
# background job starts. Bash cannot undo an ignore it inherited (`trap - INT` is a no-op then), so
# Python resets SIGINT to its default and then becomes dagster.
exec .venv/bin/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
    .venv/bin/dagster dev -m pipelines.definitions -h 127.0.0.1 -p "${PORT:-3000}"
