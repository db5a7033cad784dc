#!/usr/bin/env bash
# Create .venv/ with the pinned versions in requirements.lock and install this project into it.
# Idempotent: a second run only checks that everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "setup: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# uv installs the lock in seconds; pip would take minutes.
.venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
.venv/bin/uv pip install --quiet --python .venv/bin/python -r requirements.lock
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps -e .
mkdir -p .dagster
[ -f .dagster/dagster.yaml ] || cp scripts/dagster.yaml .dagster/dagster.yaml
echo "setup: .venv ready ($(.venv/bin/python --version), $(.venv/bin/eventcoder --version))" >&2
