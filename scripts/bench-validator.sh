#!/usr/bin/env bash
# Validator throughput, in one run: ajv 8 (Node) over the corpus, then frameproof (criterion, end
# to end in a session) and bare serde_json::Value parsing of the same bytes, then ajv again — the
# two ajv runs bracket the criterion run, so a machine that got slower or faster in between shows.
# Figures go to docs/performance.md by hand, with the date and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="$PWD/target/bench-corpus.jsonl"
mkdir -p target
# the corpus is written by the criterion benchmark itself; build it first so ajv can run before
FRAMEPROOF_CORPUS_OUT="$corpus" cargo bench -p frameproof-validator --features corpus --bench frames -- --noplot --test >/dev/null 2>&1
(cd benches/ajv && npm ci --silent --no-audit --no-fund >/dev/null)   # pinned by package-lock.json
node benches/ajv/bench.mjs examples/timetracker/contract.json "$corpus" 10
cargo bench -p frameproof-validator --features corpus --bench frames -- --noplot 2>&1 \
  | grep -E "corpus:|time:|thrpt:|^corpus/" | grep -v "%" || true
node benches/ajv/bench.mjs examples/timetracker/contract.json "$corpus" 10
