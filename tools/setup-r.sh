#!/usr/bin/env bash
# R with coin and exactRankTests, from Debian's packages: only `make bench` (timing
# against coin) and `make reference` (regenerating the R reference values) need it;
# the tests read the committed values and never need R.
set -euo pipefail
if command -v Rscript >/dev/null && Rscript -e 'library(coin); library(exactRankTests)' >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing R, coin and exactRankTests (Debian packages) …"
  apt-get update -qq && apt-get install -y -qq r-base-core r-cran-coin r-cran-exactranktests >/dev/null
else
  echo "R with coin is not installed and cannot be installed here (needs root and apt-get)." >&2
  exit 77
fi
