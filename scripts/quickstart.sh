#!/usr/bin/env bash
# The quickstart, the main job on the bundled example: check the contract; replay the recorded
# transcripts against fresh reference servers over the WebSocket and over REST; run the checks
# generated from the contract; put the validating proxy in front of a server, drive a scripted
# session through it, and validate the capture it recorded — printing what each step saw.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/quickstart
rm -rf "$out"; mkdir -p "$out"
echo "== building"
cargo build -q -p frameproof-cli -p timetracker --examples --bins
fp=target/debug/frameproof
contract=examples/timetracker/contract.json

echo "== frameproof contract check $contract"
$fp contract check "$contract"

port=$(( 20000 + RANDOM % 20000 ))
creds=examples/timetracker/transcripts/credentials.json
echo "== frameproof conformance: the bundled transcripts over WebSocket and REST"
$fp conformance --contract "$contract" --ws "ws://127.0.0.1:$port/ws" --rest "http://127.0.0.1:$port" \
  --server-cmd "target/debug/timetracker --port $port --fixed-credentials" --credentials "$creds" \
  --checks --check-user usr_alice --check-peer usr_bob --check-other-tenant usr_carol \
  examples/timetracker/transcripts
$fp conformance --contract "$contract" --ws "ws://127.0.0.1:$port/ws" --rest "http://127.0.0.1:$port" \
  --server-cmd "target/debug/timetracker --port $port --fixed-credentials --token-ttl-secs 2" --credentials "$creds" \
  examples/timetracker/transcripts/short-ttl

echo "== starting the reference server"
target/debug/timetracker --port 0 > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server ${proxy:-} 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "^REST:" "$out/server.log" 2>/dev/null && break; sleep 0.1; done
rest=$(awk '/^REST:/ {print $2}' "$out/server.log")
upstream=${rest%/api}
token() { awk -v u="$1" '$1 == u {for (i = 1; i <= NF; i++) if ($i == "access") print $(i + 1)}' "$out/server.log"; }
echo "   server at $upstream"

echo "== starting the validating proxy (recording to $out)"
port=$(( 20000 + RANDOM % 20000 ))
$fp proxy --contract "$contract" --listen "127.0.0.1:$port" --upstream "$upstream" --record "$out" \
  --violations "$out/live-violations.jsonl" > "$out/proxy.log" 2>&1 &
proxy=$!
for _ in $(seq 100); do grep -q "frameproof proxy:" "$out/proxy.log" 2>/dev/null && break; sleep 0.1; done

echo "== a scripted session through the proxy"
target/debug/examples/demo-client "ws://127.0.0.1:$port/ws" "http://127.0.0.1:$port/api" \
  "$(token usr_alice)" "$(token usr_bob)" "$(token usr_carol)"

kill -INT $proxy; wait $proxy || true; proxy=
cat "$out/proxy.log"
echo "== frameproof validate $(ls $out/recording-*.jsonl)"
$fp validate --contract "$contract" "$out"/recording-*.jsonl
