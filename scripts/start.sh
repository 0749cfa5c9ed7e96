#!/usr/bin/env bash
# The main command: set this machine up, then start the local vecpods stack (a primary and
# one Supabase-shaped project per pod) and print every URL and key.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d .vecpods/tools ] && export PATH="$PWD/.vecpods/tools/node_modules/.bin:$PATH"
pnpm -s stack up
