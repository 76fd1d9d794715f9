#!/usr/bin/env bash
# `npm run dev`: docusaurus start (hot reload) on :3000 with /companion proxied to the server on :3001.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
scripts/lab-engine.sh up
eval "$(scripts/lab-engine.sh env)"
export LAB_SERVER_PORT=${LAB_SERVER_PORT:-3001}
LAB_PORT=$LAB_SERVER_PORT npx tsx watch server/src/main.ts &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
npx docusaurus start --port "${PORT:-3000}" --no-open
