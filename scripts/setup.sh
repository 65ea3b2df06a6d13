#!/usr/bin/env bash
# Set up fieldnotes on a fresh machine: a virtual environment in .venv with
# torch (CPU build, pinned, installed first so nothing pulls a CUDA build),
# the project and its test tools, and the Debian packages the browser test and
# the PDF fixtures need (only when run as root and only if missing).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off

if ! python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null; then
    echo "setup: installing torch 2.13.0 (CPU)"
    pip install -q "torch==2.13.0"
fi
echo "setup: installing fieldnotes and its dependencies"
pip install -q -e ".[test]"

# Debian packages: Chromium + driver for the end-to-end browser test, Thai fonts
# for rendering Thai in PDFs and screenshots.
APT_PACKAGES=(chromium chromium-driver fonts-thai-tlwg)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: apt-get install ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: note: ${missing[*]} not installed (need root); browser tests will be skipped"
    fi
fi
echo "setup: done. Activate with: . .venv/bin/activate"
