#!/usr/bin/env bash
# `npm start`: the site and the companion server on the embedded default
# (a local engine and a local registry, no account needed), on http://localhost:${LAB_PORT:-3000}/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
port=${LAB_PORT:-3000}
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "[start] port $port is taken (another npm start?): stop that, or use LAB_PORT=3001 npm start" >&2
  exit 1
fi
scripts/ensure-deps.sh
scripts/lab-engine.sh up
eval "$(scripts/lab-engine.sh env)"
echo "[start] building the site" >&2
npx docusaurus build >/tmp/docker-lab-build.log 2>&1 || { tail -n 40 /tmp/docker-lab-build.log >&2; exit 1; }
echo "[start] Docker Lab: http://localhost:$port/  (lab registry ${LAB_REGISTRY}: each reader chooses a lab name at the first Run and gets a lab password in the dock)" >&2
echo "[start] Ctrl-C stops the server; the engine and registry keep running (npm run engine down stops them)" >&2
exec npx tsx server/src/main.ts
