#!/usr/bin/env bash
# Install what the browser and manuscript tests need (tests/test_browser.py, test_manuscript.py):
#   - Debian's chromium (/usr/bin/chromium), with apt-get, as root, and its headless shell
#     (/usr/bin/chromium-headless-shell, package chromium-headless-shell), which prints the
#     report's PDF (report/pdf.py: the same Blink, a third of the full browser's start);
#   - axe-core (the accessibility checker), pinned in tools/package.json and
#     tools/package-lock.json, with `npm ci` into tools/node_modules/ (git-ignored);
#   - pdftotext (Debian's poppler-utils), to read the report's PDF back as text.
# Idempotent: each part is skipped at once when it is already there, so a second
# run touches no network. Playwright's own browser download is never used.
#
# Exit status: 0 when both are installed; 77 when chromium cannot be installed here
# (no apt-get, or not root): the test skips, except in CI, where it fails;
# 1 when an install that should work failed.
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM=/usr/bin/chromium
SHELL_CHROMIUM=/usr/bin/chromium-headless-shell
AXE=node_modules/axe-core/axe.min.js
AXE_VERSION=$(sed -n 's/.*"axe-core": *"\([^"]*\)".*/\1/p' package.json | head -1)

say() { echo "setup-browser: $*" >&2; }

can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        apt_updated=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# ---- chromium ----
if [ -x "$CHROMIUM" ]; then
    say "chromium: present ($CHROMIUM)"
else
    if ! can_apt; then
        say "chromium: missing, and cannot install it (needs apt-get and root)"
        exit 77
    fi
    # fonts-dejavu-core and fonts-liberation: the report's font stack, so glyphs
    # such as ✓ ✗ − ± render the same on every machine.
    apt_install chromium chromium-headless-shell fonts-dejavu-core fonts-liberation
    [ -x "$CHROMIUM" ] || { say "chromium: apt-get ran but $CHROMIUM is missing"; exit 1; }
fi
if [ -x "$SHELL_CHROMIUM" ]; then
    say "chromium-headless-shell: present ($SHELL_CHROMIUM)"
elif can_apt; then
    apt_install chromium-headless-shell
    [ -x "$SHELL_CHROMIUM" ] || { say "chromium-headless-shell: apt-get ran but $SHELL_CHROMIUM is missing"; exit 1; }
else
    say "chromium-headless-shell: missing, and cannot install it (needs apt-get and root); the PDF is printed by $CHROMIUM"
fi

# ---- pdftotext (poppler-utils): the manuscript test reads the PDF's text ----
if command -v pdftotext >/dev/null 2>&1; then
    say "pdftotext: present"
elif can_apt; then
    apt_install poppler-utils
else
    say "pdftotext: missing, and cannot install it (needs apt-get and root)"
fi

# ---- axe-core ----
installed=""
if [ -f "$AXE" ] && [ -f node_modules/axe-core/package.json ]; then
    installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' node_modules/axe-core/package.json | head -1)
fi
if [ -n "$installed" ] && [ "$installed" = "$AXE_VERSION" ]; then
    say "axe-core: present ($installed)"
else
    if ! command -v npm >/dev/null 2>&1; then
        if can_apt; then
            apt_install nodejs npm
        else
            say "axe-core: npm is missing and cannot be installed (needs apt-get and root)"
            exit 77
        fi
    fi
    say "axe-core: npm ci ($AXE_VERSION)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
    [ -f "$AXE" ] || { say "axe-core: npm ci ran but $AXE is missing"; exit 1; }
fi
exit 0
