#!/usr/bin/env bash
# Install the npm dependencies when they are missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  # Not `npm ci`: some optional platform packages of @swc/html (other OSes) are missing from the
  # registry this lab reaches, and npm ci refuses a lock file without them; npm install skips them.
  echo "[deps] npm install" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
