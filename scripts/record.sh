#!/usr/bin/env bash
# `npm run record`: record every runnable block of every lesson through the real lab (engine, registry,
# a throwaway reader), in reading order, into static/recordings/ (asciicast v2, shipped by the site build).
# Starts the engine and registry as `npm test` does (idempotently) and stops what it started.
# `npm run record -- --check` only says which blocks lack an up-to-date recording (no engine needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
if [[ " $* " == *" --check "* ]]; then exec npx tsx server/src/record/main.ts "$@"; fi

source scripts/engine-for-this-run.sh
npx tsx server/src/record/main.ts "$@"
