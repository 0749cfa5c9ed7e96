#!/usr/bin/env bash
# Makes this machine ready for vecpods: system packages (PostgreSQL 15, pgvector, optionally
# Chromium), Node.js 24 and 22 (when the machine's node is another line), the pinned pnpm, and the
# workspace's dependencies from the lockfile.
# Idempotent and quick when everything is already in place. Pass --browser for Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "vecpods setup"
bash scripts/setup-system.sh "$@"
bash scripts/setup-node.sh 24 22
. scripts/node-path.sh

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  printf '  %-10s %s\n' pnpm "installing pnpm $pnpm_version"
  if ! npm install -g --silent "pnpm@$pnpm_version" >/dev/null 2>&1; then
    # No write access to the global prefix: keep pnpm inside the checkout instead.
    npm install --silent --prefix .vecpods/tools "pnpm@$pnpm_version" >/dev/null
    . scripts/node-path.sh
  fi
fi
printf '  %-10s %s\n' pnpm "pnpm $(pnpm --version)"

frozen=()
[ "${CI:-}" = "true" ] && frozen=(--frozen-lockfile)
pnpm install --silent "${frozen[@]}"
printf '  %-10s %s\n' deps "workspace dependencies installed"
