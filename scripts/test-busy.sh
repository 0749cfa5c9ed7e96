#!/usr/bin/env bash
# The timing-sensitive suites (faults, pod failures, replicas, moves, the stack's lifecycle) run
# while stress-ng keeps both CPUs busy: their observation windows must hold on a machine where
# anything else may be running. Pass other test files to run those instead; VECPODS_HOG_CPUS sets
# the number of hog workers (default: one per CPU). Figures: test-results/reliability-busy.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-path.sh
command -v stress-ng >/dev/null 2>&1 || bash scripts/setup-system.sh --bench
files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  files=(packages/edge/test/integration/faults.test.ts packages/edge/test/integration/pod-failure.test.ts
         packages/edge/test/integration/replica.test.ts packages/move/test/integration/move.test.ts
         packages/stack/test/integration/stack-lifecycle.test.ts)
fi
cpus="${VECPODS_HOG_CPUS:-$(nproc)}"
stress-ng --cpu "$cpus" --cpu-method matrixprod --timeout 3600s --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true' EXIT
echo "test:busy: stress-ng --cpu $cpus running (pid $hog) beside ${#files[@]} test files"
status=0
VECPODS_RELIABILITY_FILE=reliability-busy.json pnpm -s vitest run --project integration "${files[@]}" || status=$?
exit "$status"
