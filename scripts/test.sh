#!/usr/bin/env bash
# The test command: set this machine up (with Chromium for the browser tests), then run the linter and formatter check, the type
# check, the generated-files drift check, and every test (unit, then integration against the real local stack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
. scripts/node-path.sh

echo "lint and format (biome)"
pnpm -s lint
echo "typecheck"
pnpm -s typecheck
echo "generated files"
pnpm -s gen --check
echo "tests"
mkdir -p test-results
status=0
pnpm -s vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node -e '
  const r = require("./test-results/vitest.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
