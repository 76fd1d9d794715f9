#!/usr/bin/env bash
# `npm run test:quick`: the inner loop — lint, typecheck, unit tests and the fuzz tests at a fifth of
# their scale (FUZZ_SCALE overrides), side by side. No engine, no registry, no browser: nothing to
# start or stop. `npm test` is the whole suite (CI runs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
scripts/static-checks.sh
printf '\n=== %s\n' "unit and fuzz tests (vitest, FUZZ_SCALE=${FUZZ_SCALE:-0.2})"
FUZZ_SCALE=${FUZZ_SCALE:-0.2} npx vitest run --project unit --project fuzz --fileParallelism
