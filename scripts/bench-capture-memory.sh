#!/usr/bin/env bash
# Peak memory of `frameproof validate` over a large transcript (default 1 GiB): the readers
# stream, so the peak should not depend on the file's size.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-1024}"
cargo build --release -p frameproof-cli >/dev/null 2>&1
file="$PWD/target/big-capture.jsonl"
cargo run --release -q -p frameproof-validator --features corpus --example make-capture -- "$file" "$size_mb"
ls -l "$file"
/usr/bin/time -v target/release/frameproof validate --contract examples/timetracker/contract.json "$file" \
  2> target/big-capture.time | tail -3
grep -E "Maximum resident set size|Elapsed \(wall clock\)" target/big-capture.time
