#!/usr/bin/env bash
# frameproof-server under load, compared in one run with a minimal hand-written axum WebSocket
# handler doing the same work (docs/performance.md); then broadcast delivery to many
# connections, in-process and across two instances over Redis (Debian's redis-server).
# Release builds; servers and load are separate processes on loopback; every phase is bounded.
#
#   scripts/bench-server.sh [CLIENTS=32] [SECONDS=10] [LISTENERS=1000] [ROUNDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-32}; seconds=${2:-10}; listeners=${3:-1000}; rounds=${4:-10}
out=target/bench-server; rm -rf "$out"; mkdir -p "$out"
cargo build -q --release -p frameproof-server --example bench
bench=target/release/examples/bench
ulimit -n 20000 2>/dev/null || true
base=$(( 20000 + RANDOM % 10000 ))
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
start() { "$bench" "$@" > "$out/$1-$2.log" 2>&1 & pids+=($!); for _ in $(seq 100); do grep -q listening "$out/$1-$2.log" 2>/dev/null && break; sleep 0.05; done; }

start plain $base
start frameproof $(( base + 1 ))
echo "== requests ($clients clients, ${seconds}s each, alternating)"
for round in 1 2; do
  echo "plain      $round: $($bench load ws://127.0.0.1:$base/ws "$clients" "$seconds")"
  echo "frameproof $round: $($bench load "ws://127.0.0.1:$(( base + 1 ))/ws?token=t" "$clients" "$seconds")"
done

echo "== broadcast to $listeners connections, $rounds rounds, in-process"
echo "in-process: $($bench broadcast "ws://127.0.0.1:$(( base + 1 ))/ws?token=t" "ws://127.0.0.1:$(( base + 1 ))/ws?token=t" "$listeners" "$rounds")"

redis_port=$(( base + 5 ))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$out/redis.log" 2>&1 & pids+=($!)
sleep 0.5
start frameproof $(( base + 2 )) "redis://127.0.0.1:$redis_port/"
start frameproof $(( base + 3 )) "redis://127.0.0.1:$redis_port/"
sleep 0.5
echo "== broadcast to $listeners connections on instance B, emitted on instance A, over Redis"
echo "two instances: $($bench broadcast "ws://127.0.0.1:$(( base + 2 ))/ws?token=t" "ws://127.0.0.1:$(( base + 3 ))/ws?token=t" "$listeners" "$rounds")"
