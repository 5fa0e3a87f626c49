#!/usr/bin/env bash
# Runs every libFuzzer target in build-fuzz/ for N seconds (default 60) from its seed corpus.
#   scripts/fuzz.sh [seconds] [name-filter]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
filter=${2:-}
status=0
for bin in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}
  [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
  corpus=tests/fuzz/corpus/$name
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  echo "fuzz $name: ${seconds}s" >&2
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="build-fuzz/crash-$name-" "$work" >"build-fuzz/fuzz-$name.log" 2>&1; then
    echo "fuzz $name FAILED; see build-fuzz/fuzz-$name.log" >&2
    tail -40 "build-fuzz/fuzz-$name.log" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
