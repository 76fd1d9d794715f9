#!/usr/bin/env bash
# Lint and typecheck, as both test tiers run them (npm test, npm run test:quick).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
printf '\n=== %s\n' "lint (ESLint: typescript-eslint, React hooks rules)"
npx eslint .
printf '\n=== %s\n' "typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p server/tsconfig.json
