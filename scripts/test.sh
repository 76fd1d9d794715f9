#!/usr/bin/env bash
# `npm test`: the whole suite against real parts — lint, typecheck, unit tests, integration tests
# against a real dockerd and registry, the production site build, and Playwright in Debian's Chromium.
# Starts what it needs (idempotently) and stops what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-deps.sh
scripts/ensure-chromium.sh

# Lint and typecheck first: a mistake there fails in seconds, before any engine starts.
scripts/static-checks.sh

source scripts/engine-for-this-run.sh
# The two-engine test (server/test/integration/engine-pool.test.ts) starts a second private engine
# itself (`lab-engine.sh up-engine` under $LAB_STATE_DIR/engine2, busybox only) and stops it after.

step() { printf '\n=== %s\n' "$*"; }
step "unit and integration tests (vitest)"
npx vitest run
step "production site build (broken links and anchors fail it)"
npx docusaurus build
step "browser tests (Playwright, Debian's Chromium)"
npx playwright test
