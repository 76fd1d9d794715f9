#!/usr/bin/env bash
# Lint and typecheck, as both test tiers run them (npm test, npm run test:quick): ESLint and tsc for
# the TypeScript, shellcheck for every shell script the repository holds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
printf '\n=== %s\n' "lint (ESLint: typescript-eslint, React hooks rules; shellcheck)"
npx eslint .
scripts/ensure-debian-package.sh shellcheck shellcheck
git ls-files -z -- '*.sh' .ci/run | xargs -0 shellcheck -x
printf '\n=== %s\n' "typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p server/tsconfig.json
