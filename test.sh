#!/usr/bin/env bash
# Runs the whole test suite, on every core. Creates .venv and installs Chorus
# with its development tools the first time. Arguments are passed to pytest
# (CHORUS_TEST_WORKERS=0 runs it in this one process, for a debugger, say).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[dev]"
exec .venv/bin/python -m pytest -n "${CHORUS_TEST_WORKERS:-auto}" --dist worksteal "$@"
