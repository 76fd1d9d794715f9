#!/usr/bin/env bash
# `npm run record`: record every runnable block of every lesson through the real lab (engine, registry,
# a throwaway reader), in reading order, into static/recordings/ (asciicast v2, shipped by the site build).
# Starts the engine and registry as `npm test` does (idempotently) and stops what it started.
# `npm run record -- --check` only says which blocks lack an up-to-date recording (no engine needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
if [[ " $* " == *" --check "* ]]; then exec npx tsx server/src/record/main.ts "$@"; fi

started_engine=0
if ! scripts/lab-engine.sh status >/dev/null 2>&1; then started_engine=1; fi
cleanup() {
  if [[ $started_engine == 1 && -z ${LAB_KEEP_ENGINE:-} ]]; then scripts/lab-engine.sh down || true; fi
}
trap cleanup EXIT
scripts/lab-engine.sh up
eval "$(scripts/lab-engine.sh env)"
npx tsx server/src/record/main.ts "$@"
