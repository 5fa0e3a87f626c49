#!/usr/bin/env bash
# Integration test of slokit's metrics exposition against the real Prometheus tools:
#   1. starts examples/instrumented_server on a free port;
#   2. scrapes it in both formats and checks them with promtool: `promtool check metrics` on the
#      text format (lint included); on OpenMetrics, `promtool tsdb create-blocks-from openmetrics`
#      (Prometheus' strict OpenMetrics parser) plus `promtool check metrics` (see below);
#   3. checks that a gzip scrape decodes to the same shape;
#   4. starts a real prometheus scraping it every second and waits until a TTFT
#      histogram_quantile query answers with a number, and `up` is 1.
# Both processes are killed and temporary files removed however the test ends.
#
#   tests/metrics/prometheus_integration.sh build/examples/instrumented_server/instrumented_server
#
# Needs: prometheus, promtool (Debian package prometheus), curl, jq.
set -euo pipefail

server_bin=${1:?usage: prometheus_integration.sh path/to/instrumented_server}
timeout_s=${SLOKIT_INTEGRATION_TIMEOUT:-60}

for tool in prometheus promtool curl jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found (apt-get install prometheus curl jq)" >&2
    exit 1
  fi
done

work=$(mktemp -d)
server_pid=""
prom_pid=""
cleanup() {
  local status=$?
  for pid in $prom_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      # Give it 5 s to exit, then force it.
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "--- instrumented_server output" >&2; tail -20 "$work/server.log" >&2 2>/dev/null || true
    echo "--- prometheus output" >&2; tail -20 "$work/prometheus.log" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# A port nobody listens on right now (the kernel picks it).
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port"
}

# --- 1. the instrumented server, on a port it picks itself
"$server_bin" --port 0 --threads 4 --error-rate 0.05 --duration $((timeout_s * 2 + 30)) \
  >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq $((timeout_s * 10))); do
  url=$(sed -n 's/^serving //p' "$work/server.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "instrumented_server exited early"
  sleep 0.1
done
[ -n "$url" ] || fail "instrumented_server did not report its address"
target=${url#http://}
target=${target%%/*}
echo "instrumented_server at $url"
sleep 2  # let some requests finish so every family has samples

# --- 2. both formats through promtool
curl -fsS -H 'Accept: text/plain; version=0.0.4' -D "$work/text.headers" "$url" -o "$work/metrics.txt"
grep -qi '^content-type: text/plain; version=0.0.4' "$work/text.headers" || fail "text content type"
grep -q '^gen_ai_server_time_to_first_token_seconds_bucket{.*le="+Inf"}' "$work/metrics.txt" ||
  fail "no TTFT histogram in the text scrape"
promtool check metrics <"$work/metrics.txt" || fail "promtool check metrics (text format)"
echo "text format: promtool check metrics OK"

curl -fsS -H 'Accept: application/openmetrics-text; version=1.0.0' -D "$work/om.headers" "$url" \
  -o "$work/metrics.om"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$work/om.headers" ||
  fail "OpenMetrics content type"
[ "$(tail -1 "$work/metrics.om")" = "# EOF" ] || fail "OpenMetrics scrape does not end in # EOF"
# The strict OpenMetrics parser; backfilling wants a timestamp on every sample.
awk '/^#/ { print; next } { print $0 " 1700000000" }' "$work/metrics.om" >"$work/metrics.ts.om"
promtool tsdb create-blocks-from openmetrics "$work/metrics.ts.om" "$work/blocks" >/dev/null ||
  fail "promtool's OpenMetrics parser rejected the scrape"
# `promtool check metrics` lints with the text-format parser, which reads an OpenMetrics counter's
# `x_total`/`x_created` samples as families of their own without HELP (OpenMetrics puts HELP on
# the family `x`). Parse errors (status 1) fail; of the lint findings only that one is expected.
set +e
promtool check metrics <"$work/metrics.om" >"$work/om.lint" 2>&1
lint_status=$?
set -e
[ "$lint_status" -eq 0 ] || [ "$lint_status" -eq 3 ] || {
  cat "$work/om.lint" >&2
  fail "promtool check metrics could not parse the OpenMetrics scrape"
}
if grep -v -E '_(total|created) no help text$' "$work/om.lint" | grep -q .; then
  cat "$work/om.lint" >&2
  fail "promtool check metrics found problems in the OpenMetrics scrape"
fi
echo "OpenMetrics: promtool parse and lint OK"

# --- 3. gzip
curl -fsS -H 'Accept-Encoding: gzip' -D "$work/gz.headers" "$url" -o "$work/metrics.gz"
grep -qi '^content-encoding: gzip' "$work/gz.headers" || fail "no gzip when asked"
gzip -dc "$work/metrics.gz" | promtool check metrics || fail "gzip body does not decode to valid metrics"
echo "gzip OK"

# --- 4. a real Prometheus scraping every second
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: instrumented_server
    static_configs:
      - targets: ["$target"]
EOF
# Under `timeout`, so that it cannot outlive the test even if this script is killed with SIGKILL
# (the server stops by itself after --duration for the same reason).
timeout $((timeout_s * 2 + 30)) prometheus --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$prom_port" \
  >"$work/prometheus.log" 2>&1 &
prom_pid=$!
api="http://127.0.0.1:$prom_port/api/v1/query"
query='histogram_quantile(0.9, sum by (le) (rate(gen_ai_server_time_to_first_token_seconds_bucket[5s])))'
deadline=$((SECONDS + timeout_s))
answer=""
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
  body=$(curl -fsS --get --data-urlencode "query=$query" "$api" 2>/dev/null || true)
  answer=$(jq -r '.data.result[0].value[1] // empty' <<<"$body" 2>/dev/null || true)
  if [ -n "$answer" ] && [ "$answer" != "NaN" ]; then break; fi
  answer=""
  sleep 1
done
[ -n "$answer" ] || fail "no TTFT quantile from prometheus within ${timeout_s}s"
echo "prometheus: p90 TTFT over 5s = ${answer}s"
awk -v v="$answer" 'BEGIN { exit !(v > 0 && v <= 2.5) }' || fail "TTFT p90 $answer outside (0, 2.5]"

up=$(curl -fsS --get --data-urlencode 'query=up{job="instrumented_server"}' "$api" |
  jq -r '.data.result[0].value[1] // empty')
[ "$up" = "1" ] || fail "up is '$up', want 1"
good=$(curl -fsS --get --data-urlencode 'query=sum(gen_ai_server_requests_good_total)' "$api" |
  jq -r '.data.result[0].value[1] // empty')
[ -n "$good" ] || fail "no gen_ai_server_requests_good_total in prometheus"
echo "prometheus: up=1, requests_good_total=$good"
echo "PASS"
