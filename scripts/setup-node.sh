#!/usr/bin/env bash
# Makes the Node.js LTS lines vecpods is tested on available under .vecpods/node/<major>/bin/node:
# the machine's own node when it is of that line, else the npm registry's node-linux-<arch>
# package of the line's newest release, kept in a per-user cache so fresh clones reuse it.
# Usage: setup-node.sh [major ...] (default: 24 22). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(24 22)
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "setup-node: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/vecpods/node"
say() { printf '  %-10s %s\n' "$1" "$2"; }

mkdir -p .vecpods/node
for major in "${majors[@]}"; do
  link=".vecpods/node/$major"
  if [ -x "$link/bin/node" ]; then
    say "node $major" "$("$link/bin/node" --version) present"
    continue
  fi
  system_node=$(command -v node || true)
  if [ -n "$system_node" ] && [ "$("$system_node" -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    ln -sfn "$(dirname "$(dirname "$(readlink -f "$system_node")")")" "$link"
    say "node $major" "the machine's $("$system_node" --version)"
    continue
  fi
  dir="$cache/$major"
  if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
    say "node $major" "installing node-linux-$arch@$major from the npm registry"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$major" >/dev/null
  fi
  ln -sfn "$dir/node_modules/node-linux-$arch" "$link"
  say "node $major" "$("$link/bin/node" --version)"
done
