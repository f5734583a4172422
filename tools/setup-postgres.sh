#!/usr/bin/env bash
# Install what the PostgreSQL tests need (tests/inputs/omop/): Debian's `postgresql` package
# (initdb, postgres, pg_ctl under /usr/lib/postgresql/*/bin), with apt-get, as root.
# Idempotent and quiet: nothing is done when a server binary is already there.
# The tests start their own throw-away server as the `postgres` user; nothing is started here.
#
# Exit status: 0 when PostgreSQL is installed; 77 when it is missing and cannot be installed
# here (no apt-get, or not root): the tests skip, except under CI=true, where they fail;
# 1 when an install that should work failed.
set -euo pipefail

say() { echo "setup-postgres: $*" >&2; }

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    say "postgresql: missing, and cannot install it (needs apt-get and root)"
    exit 77
fi
say "apt-get install postgresql"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends postgresql >&2
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { say "postgresql: installed, but no initdb found"; exit 1; }
