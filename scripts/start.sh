#!/usr/bin/env bash
# The main command: set this machine up, start the local vecpods stack (a primary and one
# Supabase-shaped project per pod, the vector-search function under Deno), seed the demo corpus,
# and serve the demo web app. Ctrl-C stops the app, and the stack too if this command started it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/node-path.sh

stack_was_up=0
pnpm -s stack status >/dev/null 2>&1 && stack_was_up=1
port="${VECPODS_WEB_PORT:-5173}"
app_pid=""
# Set before the stack starts, so a failure in any later step (up, seed, the app) stops what
# this command started.
stop() {
  trap - INT TERM EXIT
  echo
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  if [ "$stack_was_up" -eq 0 ]; then
    pnpm -s stack down
  else
    echo "vecpods: the stack was already running before this command; it keeps running (pnpm stack down stops it)"
  fi
}
trap stop INT TERM EXIT

pnpm -s stack up
pnpm -s seed

echo
echo "vecpods demo: http://127.0.0.1:$port/   (Ctrl-C stops it)"
pnpm --filter @vecpods/web-demo exec vite --host 127.0.0.1 --port "$port" --strictPort --clearScreen false --logLevel warn &
app_pid=$!
wait "$app_pid"
