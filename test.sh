#!/usr/bin/env bash
# Runs the whole test suite. Creates .venv and installs Chorus with its
# development tools the first time. Arguments are passed to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv "[dev]"
exec .venv/bin/python -m pytest "$@"
