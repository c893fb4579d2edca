#!/usr/bin/env bash
# Runs the validator's fuzz targets for a fixed time each (not part of CI).
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../validator/fuzz"
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p corpus/frame corpus/har
cp ../tests/fixtures/*.har corpus/har/ 2>/dev/null || true
# seed the frame corpus with the fixtures' frames
grep -ho '"frame":{.*}}' ../tests/fixtures/*.jsonl | head -50 | awk '{print > ("corpus/frame/seed" NR)}' || true
for target in frame har; do
  # cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=2048
done
