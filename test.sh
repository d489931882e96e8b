#!/usr/bin/env bash
# Runs the whole test suite, on every core. Creates .venv and installs Chorus
# with its development tools the first time. Arguments are passed to pytest
# (CHORUS_TEST_WORKERS=0 runs it in this one process, for a debugger, say).
# The end-to-end tests spend much of their time waiting for a bot process or a socket,
# so there are half as many workers again as cores.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[dev]"
cores=$(nproc 2>/dev/null || echo 2)
exec .venv/bin/python -m pytest -n "${CHORUS_TEST_WORKERS:-$((cores + cores / 2))}" \
    --dist worksteal "$@"
