#!/usr/bin/env bash
# `npm start`: the site and the companion server on the embedded default
# (a local engine and a local registry, no account needed), on http://localhost:${LAB_PORT:-3000}/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
scripts/lab-engine.sh up
eval "$(scripts/lab-engine.sh env)"
echo "[start] building the site" >&2
npx docusaurus build >/tmp/docker-lab-build.log 2>&1 || { tail -n 40 /tmp/docker-lab-build.log >&2; exit 1; }
echo "[start] Docker Lab: http://localhost:${LAB_PORT:-3000}/  (lab registry ${LAB_REGISTRY}, user ${LAB_REGISTRY_USER}, password ${LAB_REGISTRY_PASSWORD}); Ctrl-C stops the server" >&2
exec npx tsx server/src/main.ts
