#!/bin/sh
# Install the system programs the web explorer's tests use: Chromium (browser tests, driven by Playwright at
# /usr/bin/chromium) and Graphviz (dot, for arrangement diagrams; without it a pure-Python layout is used);
# and util-linux's setpriv, with which the fault tests, run as root, drop the capabilities that ignore file
# permissions (part of every Debian base system; listed so that a trimmed image gets it too); and the DejaVu
# fonts, with which tests/sources typesets a PDF with footnotes to read back (skipped without them); and R
# (r-base-core, for Rscript), with which tests/panel/test_rds.py has R itself read the panel's .rds (skipped
# without it).
# Idempotent and quiet: does nothing where both are present or where this is not Debian (apt-get).
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
command -v setpriv >/dev/null 2>&1 || missing="$missing util-linux"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf ] || missing="$missing fonts-dejavu-extra"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing="$missing fonts-dejavu-core"
command -v Rscript >/dev/null 2>&1 || missing="$missing r-base-core"
[ -n "$missing" ] || exit 0
if ! command -v apt-get >/dev/null 2>&1 || [ ! -f /etc/debian_version ]; then
    echo "install-system-deps: not Debian; install$missing yourself (browser tests need /usr/bin/chromium)" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-system-deps: need root (or sudo) to apt-get install$missing" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
