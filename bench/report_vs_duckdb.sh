#!/usr/bin/env bash
# `slokit report` against DuckDB on the same simulated trace: wall time, events/s, MB/s and peak
# memory, and a check that both computed the same per-SLO valid/good counts.
#   bench/report_vs_duckdb.sh [events] [runs]      (default 10000000 events, 3 runs each)
# SLOKIT_BIN=path/to/slokit measures that binary instead of building build/slokit.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-10000000}
runs=${2:-3}
scripts/deps.sh time
command -v npm >/dev/null || scripts/deps.sh nodejs npm  # the machine may bring its own Node.js
slokit=${SLOKIT_BIN:-build/slokit}
[ -n "${SLOKIT_BIN:-}" ] || scripts/build.sh release >/dev/null
(cd bench/duckdb && [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --silent)
mkdir -p bench/data
trace=bench/data/requests-$events.jsonl
if [ ! -s "$trace" ]; then
  "$slokit" simulate --scenario incident --seed 7 --rate 5 --days 30 --events "$events" -o "$trace"
fi
bytes=$(stat -c %s "$trace")
cat "$trace" >/dev/null  # warm the page cache for both tools alike

# Runs a command `runs` times; prints "best_seconds peak_kib" (the best wall time, the max RSS).
measure() {
  local best="" peak=0 stats
  stats=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$stats" -f "%e %M" "$@" >/dev/null 2>&1 || true
    read -r secs kib < <(tail -n 1 "$stats")  # time notes a non-zero exit on a line of its own
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  rm -f "$stats"
  echo "$best $peak"
}

slokit_out=$(mktemp); duck_out=$(mktemp)
"$slokit" report bench/report_spec.yaml --events "$trace" --format json >"$slokit_out" || [ $? -eq 1 ]
node bench/duckdb/slo_counts.mjs "$trace" >"$duck_out"
python3 - "$slokit_out" "$duck_out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
names = {"availability": "availability", "ttft": "ttft", "p95": "p95", "itl": "itl", "throughput": "throughput",
         "quality": "quality", "hallucination": "hallucination", "composite": "composite"}
bad = 0
for slo in s["slos"]:
    k = names[slo["name"]]
    got = (slo["overall"]["valid_units"], slo["overall"]["good_units"])
    want = (d[k + "_valid"], d[k + "_good"])
    flag = "ok" if got == want else "MISMATCH"
    bad += got != want
    print(f"  {slo['name']:<14} valid/good slokit {got[0]}/{got[1]}  duckdb {want[0]}/{want[1]}  {flag}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "counts agree" >&2

read -r s_secs s_kib <<<"$(measure "$slokit" report bench/report_spec.yaml --events "$trace" --format json)"
read -r d_secs d_kib <<<"$(measure node bench/duckdb/slo_counts.mjs "$trace")"
python3 - "$events" "$bytes" "$s_secs" "$s_kib" "$d_secs" "$d_kib" "$(nproc)" <<'PY'
import sys
events, size, ss, sk, ds, dk, cores = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
print(f"trace: {events:,} events, {size/1e6:,.0f} MB JSON lines; {cores} cores; best of runs, page cache warm")
print()
print("| tool | wall s | events/s | MB/s | peak RSS MB | speed vs DuckDB |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, s, k in (("slokit report", ss, sk), ("DuckDB (node-api, all cores)", ds, dk)):
    print(f"| {name} | {s:.2f} | {events/s/1e6:.2f}M | {size/s/1e6:.0f} | {k/1024:.0f} | {ds/s:.2f}x |")
PY
rm -f "$slokit_out" "$duck_out"
