#!/usr/bin/env bash
# Make sure `python -m venv` works (Debian ships venv in a separate package).
set -euo pipefail
py=${1:-python3}
if "$py" -m venv --help >/dev/null 2>&1 && "$py" -c 'import ensurepip' >/dev/null 2>&1; then
  exit 0
fi
ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq "python${ver}-venv"
else
  echo "error: '$py -m venv' is unavailable; install the Debian package python${ver}-venv" >&2
  exit 1
fi
