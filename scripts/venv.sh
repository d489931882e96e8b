# Shared by run.sh and test.sh: make .venv with Python 3.11+ and install
# Chorus into it, again only when pyproject.toml (or the extras) changed.
find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Chorus needs Python 3.11 or newer, and none was found. Install it, then run this again." >&2
    return 1
}

ensure_venv() {
    local extras="$1" python stamp want
    if [ ! -x .venv/bin/python ]; then
        python=$(find_python)
        echo "Creating a virtual environment in .venv (first run only)..." >&2
        "$python" -m venv .venv || {
            echo "Could not create .venv. On Debian or Ubuntu, install python3-venv first." >&2
            return 1
        }
    fi
    stamp=.venv/.chorus-installed
    want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
    if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
        echo "Installing Chorus and what it needs into .venv (a minute or two)..." >&2
        # Build tools are chatty; their output is kept in a log and shown only on failure.
        if ! {
            .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
                .venv/bin/python -m pip install --disable-pip-version-check -e ".$extras"
        } >.venv/install.log 2>&1; then
            cat .venv/install.log >&2
            echo "Installing failed; the messages above say why (also in .venv/install.log)." >&2
            return 1
        fi
        echo "$want" >"$stamp"
    fi
}
