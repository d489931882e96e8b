#!/usr/bin/env bash
# Starts Chorus. Creates .venv and installs Chorus into it the first time.
# Any arguments are passed to the `chorus` command (default: `run`).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv ""
if [ "$#" -eq 0 ]; then set -- run; fi
exec .venv/bin/chorus "$@"
