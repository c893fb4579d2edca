#!/usr/bin/env bash
# The test command (README): installs what the tests drive, then runs every test.
# - Debian's chromium, for the browser tests (never a downloaded browser), and Debian's
#   redis-server, the real backplane of frameproof-server's tests (each test starts its own);
# - the Node packages of the codegen and browser tests (codegen/tests/asyncapi: the official
#   AsyncAPI parser, generator and HTML template), and the real servers the wire model is proven
#   against (realservers/: ganache, the MCP reference server), pinned by their package-lock.json
#   files.
# On a machine that already has them, the installs are quick no-ops.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
if [ -n "$missing" ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
# `npm ci` only where node_modules is missing or older than the lock (npm writes
# node_modules/.package-lock.json last, when an install is complete): a fresh `npm ci` takes up
# to a minute (codegen/tests/asyncapi: 822 packages) even from npm's cache.
for dir in codegen/tests/node codegen/tests/asyncapi validator/tests/browser realservers/jsonrpc realservers/mcp; do
  installed="$dir/node_modules/.package-lock.json"
  if [ -f "$installed" ] && [ "$installed" -nt "$dir/package-lock.json" ] && [ "$installed" -nt "$dir/package.json" ]; then
    continue
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
cargo test --workspace "$@"
