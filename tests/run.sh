#!/usr/bin/env bash
# Set up a machine and run every quality gate and the whole test suite.
# This is the README's test command, and what CI (.ci/run) runs. Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../.ci/setup.sh
. .ci/setup.sh
setup_all

PY="$COGMODEL_VENV/bin"
# Real components are required here: a missing engine or registry is a failure, not a skip.
export COGMODEL_REQUIRE_REAL=1
# This run owns the engine's leftovers: dangling images made during it are removed at the end.
export COGMODEL_CLEAN_DANGLING=1

log "ruff check";          "$PY/ruff" check .
log "ruff format --check"; "$PY/ruff" format --check .
log "mypy --strict";       "$PY/mypy"
log "import-linter";       "$PY/lint-imports"
log "pytest";              "$PY/pytest" "$@"
