# Sourced by the scripts: puts the Node.js vecpods runs on (24, from setup-node.sh) and a pnpm
# kept inside the checkout (when the global prefix was not writable) first on PATH.
[ -x "$PWD/.vecpods/node/24/bin/node" ] && export PATH="$PWD/.vecpods/node/24/bin:$PATH"
[ -d "$PWD/.vecpods/tools" ] && export PATH="$PWD/.vecpods/tools/node_modules/.bin:$PATH"
true
