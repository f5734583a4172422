#!/usr/bin/env bash
# Create VENV from requirements.lock with uv (from PyPI). Called by make when the lock or
# pyproject.toml is newer than VENV/.installed.
#
# What makes it quick (a fresh clone's `make report` waits for it):
# - the venv is made without pip (ensurepip costs ~5 s); uv comes from PyPI through the
#   system's pip into VENV/.uv (or, where the system has no pip, through the venv's own
#   ensurepip, as before);
# - nothing is byte-compiled ahead wholesale (every module of the environment, tests
#   included, took ~35 s of CPU): the modules a build imports are compiled here, by two
#   processes importing them side by side (tools/warm_imports.py); the rest are compiled
#   on first import and kept in VENV (the Makefile lets Python write them).
set -euo pipefail
# uv reads TLS roots from the system store too (a machine behind an inspecting proxy
# trusts its root there), as pip does.
export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}
venv=${1:-.venv}; uv_version=${2:-0.13.8}
echo "Setting up the environment in $venv/ (first run only) …"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv --without-pip "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv --without-pip "$venv"
    else
      echo "error: python3 cannot create a virtual environment; install python3-venv" >&2; exit 1
    fi
  fi
fi
uv="$venv/bin/uv"
if ! "$uv" --version 2>/dev/null | grep -qF " $uv_version"; then
  rm -rf "$venv/.uv"
  if ! python3 -m pip install -q --disable-pip-version-check --no-warn-script-location \
       --target "$venv/.uv" "uv==$uv_version" 2>/dev/null; then
    # no usable pip beside python3: the venv's own, from ensurepip (Debian: python3-venv)
    if ! "$venv/bin/python" -m ensurepip -q 2>/dev/null; then
      if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        "$venv/bin/python" -m ensurepip -q
      else
        echo "error: neither python3 -m pip nor ensurepip works; install python3-pip or python3-venv" >&2; exit 1
      fi
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-warn-script-location \
      --target "$venv/.uv" "uv==$uv_version"
  fi
  ln -sf "../.uv/bin/uv" "$uv"
fi
"$uv" pip sync -q --python "$venv/bin/python" requirements.lock 2> >(grep -v '^WARNING: Location' >&2)
"$uv" pip install -q --python "$venv/bin/python" --no-deps -e . 2> >(grep -v '^WARNING: Location' >&2)

# The build's modules compiled once, two processes side by side (see above).
env -u PYTHONDONTWRITEBYTECODE MPLBACKEND=agg "$venv/bin/python" tools/warm_imports.py kernel &
warm=$!
env -u PYTHONDONTWRITEBYTECODE MPLBACKEND=agg "$venv/bin/python" tools/warm_imports.py driver
wait "$warm"
"$venv/bin/python" -m cohortstats.pipeline.lab >/dev/null  # the project kernel, for papermill and JupyterLab
echo "Environment ready: $venv/"
