#!/usr/bin/env bash
# Validator throughput, in one run: frameproof (criterion, end to end in a session), bare
# serde_json::Value parsing of the same bytes, and ajv 8 (Node) over the same corpus.
# Figures go to docs/performance.md by hand, with the date and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="$PWD/target/bench-corpus.jsonl"
mkdir -p target
FRAMEPROOF_CORPUS_OUT="$corpus" cargo bench -p frameproof-validator --bench frames -- --noplot 2>&1 \
  | grep -E "corpus:|time:|thrpt:|^corpus/" || true
(cd benches/ajv && npm install --silent --no-audit --no-fund >/dev/null)
node benches/ajv/bench.mjs examples/timetracker/contract.json "$corpus" 10
