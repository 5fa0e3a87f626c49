#!/bin/sh
# Canary analysis on a 1M-event trace: wall time and peak memory of `slokit canary`.
# Usage: bench/canary_bench.sh [build-dir] [threads]   (writes the trace to $TMPDIR)
set -eu
build=${1:-build}
threads=${2:-2}
trace=${TMPDIR:-/tmp}/slokit_canary_bench_1m.jsonl
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$trace" ] || "$build/slokit" simulate --scenario canary --days 30 --rate 0.4 --seed 1 --events 1000000 -o "$trace"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user, %M KiB max RSS" \
    "$build/slokit" canary "$root/examples/canary.yaml" --events "$trace" \
      --baseline 'deployment == "stable"' --canary 'deployment == "canary"' --threads "$threads" >/dev/null || true
done
