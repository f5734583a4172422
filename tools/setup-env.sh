#!/usr/bin/env bash
# Create VENV from requirements.lock with uv (installed from PyPI into the venv).
# Called by make when the lock or pyproject.toml is newer than VENV/.installed.
set -euo pipefail
# uv reads TLS roots from the system store too (a machine behind an inspecting proxy
# trusts its root there), as pip does.
export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}
venv=${1:-.venv}; uv_version=${2:-0.13.8}
echo "Setting up the environment in $venv/ (first run only) …"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$venv"
    else
      echo "error: python3 cannot create a virtual environment; install python3-venv" >&2; exit 1
    fi
  fi
fi
if ! "$venv/bin/uv" --version >/dev/null 2>&1; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$uv_version"
fi
"$venv/bin/uv" pip sync -q --compile-bytecode --python "$venv/bin/python" requirements.lock 2> >(grep -v '^WARNING: Location' >&2)
"$venv/bin/uv" pip install -q --python "$venv/bin/python" --no-deps -e . 2> >(grep -v '^WARNING: Location' >&2)

"$venv/bin/python" -m cohortstats.pipeline.lab >/dev/null  # the project kernel, for papermill and JupyterLab
echo "Environment ready: $venv/"
