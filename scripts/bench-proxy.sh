#!/usr/bin/env bash
# The proxy under load, compared in one run with the same server reached directly
# (docs/performance.md). Release builds; the reference server, the proxy and the load generator
# are separate processes on this machine's loopback. Every phase is bounded in time.
#
#   scripts/bench-proxy.sh [CLIENTS=500] [SECONDS=10] [PACED_RATE=2000] [IDLE_CLIENTS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-500}; seconds=${2:-10}; rate=${3:-2000}; idle=${4:-1000}
out=target/bench-proxy; rm -rf "$out"; mkdir -p "$out"
cargo build -q --release -p frameproof-cli -p timetracker --bins
cargo build -q --release -p frameproof-proxy --example load --example relay
fp=target/release/frameproof; load=target/release/examples/load
contract=examples/timetracker/contract.json
ulimit -n 20000 2>/dev/null || true

server_port=$(( 20000 + RANDOM % 10000 )); proxy_port=$(( server_port + 1 )); relay_port=$(( server_port + 2 ))
target/release/timetracker --port "$server_port" --fixed-credentials > "$out/server.log" 2>&1 &
server=$!
start_proxy() {
  $fp proxy --contract "$contract" --listen "127.0.0.1:$proxy_port" \
    --upstream "http://127.0.0.1:$server_port" > "$out/proxy.log" 2>&1 &
  proxy=$!
  for _ in $(seq 100); do grep -q "frameproof proxy:" "$out/proxy.log" 2>/dev/null && break; sleep 0.1; done
}
start_proxy
# the floor: a byte relay, the cheapest process that can stand in the middle
target/release/examples/relay "127.0.0.1:$relay_port" "127.0.0.1:$server_port" 2> "$out/relay.log" &
relay=$!
trap 'kill $server $proxy $relay ${sampler:-} 2>/dev/null || true' EXIT
sleep 0.5
token=at_fixed_usr_alice
direct="ws://127.0.0.1:$server_port/ws?token=$token"
proxied="ws://127.0.0.1:$proxy_port/ws?token=$token"
relayed="ws://127.0.0.1:$relay_port/ws?token=$token"

# the proxy's resident memory and open descriptors, sampled every 100 ms
sample() {
  while kill -0 "$proxy" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$proxy/status 2>/dev/null || echo 0)
    fds=$(ls /proc/$proxy/fd 2>/dev/null | wc -l)
    echo "$rss $fds"; sleep 0.1
  done
}
peak() { sort -n -k"$1" "$out/samples" | tail -1 | awk -v c="$1" '{print $c}'; }

phases=" ${PHASES:-load memory} "   # PHASES=memory runs the memory phase alone
if [[ $phases == *" load "* ]]; then
echo "== saturation: $clients clients, closed loop, ${seconds}s each, direct, byte relay and proxied twice (alternating)"
sample > "$out/samples" & sampler=$!
for round in 1 2; do
  $load saturate "$direct" "$clients" "$seconds" | sed "s/^/direct  $round: /"
  $load saturate "$relayed" "$clients" "$seconds" | sed "s/^/relay   $round: /"
  $load saturate "$proxied" "$clients" "$seconds" | sed "s/^/proxied $round: /"
done
echo "== below saturation: $clients clients, $rate requests/s in all, ${seconds}s each"
for round in 1 2; do
  $load paced "$direct" "$clients" "$seconds" "$rate" | sed "s/^/direct  $round: /"
  $load paced "$relayed" "$clients" "$seconds" "$rate" | sed "s/^/relay   $round: /"
  $load paced "$proxied" "$clients" "$seconds" "$rate" | sed "s/^/proxied $round: /"
done
kill $sampler 2>/dev/null || true; wait $sampler 2>/dev/null || true
echo "proxy peak RSS $(peak 1) KiB, peak open fds $(peak 2) (under load)"
fi

[[ $phases == *" memory "* ]] || exit 0
echo "== memory: $idle idle connections through a fresh proxy, each once carried a 1 MB message each way"
kill -TERM $proxy; wait $proxy 2>/dev/null || true
start_proxy
fresh=$(awk '/VmRSS/ {print $2}' /proc/$proxy/status)
$load large "$proxied" "$idle" 1000000 15 > "$out/large.log" &
loader=$!
for _ in $(seq 600); do grep -q "^large:" "$out/large.log" 2>/dev/null && break; sleep 0.1; done
cat "$out/large.log"
sleep 3   # every connection is idle now
echo "proxy with $idle idle connections: RSS $(awk '/VmRSS/ {print $2}' /proc/$proxy/status) KiB" \
  "(peak $(awk '/VmHWM/ {print $2}' /proc/$proxy/status) KiB), $(ls /proc/$proxy/fd | wc -l) fds;" \
  "fresh proxy RSS $fresh KiB"
wait $loader || true
