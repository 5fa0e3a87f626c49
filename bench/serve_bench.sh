#!/usr/bin/env bash
# Sustained durable ingest of `slokit serve` on this machine: events/s, p50/p99 acknowledgement
# latency and the daemon's memory after TOTAL events, against a peer measured in the same run:
# `slokit report` reading the same trace from a file (no HTTP, no durability).
#   bench/serve_bench.sh [TOTAL=10000000] [CONNECTIONS=4] [BATCH=5000]
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-10000000}; conns=${2:-4}; batch=${3:-5000}
[[ -n ${NO_BUILD:-} ]] || scripts/build.sh release >/dev/null
work=$(mktemp -d); trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# Live traffic is dense in time: at 2000 requests/s a batch of 5000 spans one or two slots.
build/slokit simulate --scenario steady --days 0.003 --rate 2000 --seed 11 -o "$work/trace.jsonl" 2>/dev/null
lines=$(wc -l <"$work/trace.jsonl")
echo "trace: $lines events; sending $total in batches of $batch over $conns connections" >&2

start=$(date +%s.%N)
build/slokit report examples/chat-service.yaml --events "$work/trace.jsonl" --threads 1 >/dev/null || true
report_eps=$(echo "$lines / ($(date +%s.%N) - $start)" | bc -l)

echo secret >"$work/token"
build/slokit serve --config examples/chat-service.yaml --data-dir "$work/data" --listen 127.0.0.1:18555 \
  --token-file "$work/token" --clock events --threads 6 --max-inflight 8 2>"$work/serve.log" &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18555/readyz >/dev/null && break; sleep 0.1; done
result=$(build/bench/serve_load --port 18555 --token secret --events "$work/trace.jsonl" --connections "$conns" \
  --batch "$batch" --total "$total")
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status); hwm_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
stored=$(curl -sf http://127.0.0.1:18555/api/v1/slos | jq .events_total)
echo "$result" | jq --argjson report "$report_eps" --argjson rss "$rss_kb" --argjson hwm "$hwm_kb" --argjson stored "$stored" \
  '. + {report_events_per_second: $report, ratio_to_report: (.events_per_second / $report),
        daemon_rss_mb: ($rss / 1024), daemon_peak_rss_mb: ($hwm / 1024), stored_events: $stored}'
du -sh "$work/data" >&2
