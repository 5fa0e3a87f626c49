#!/usr/bin/env bash
# The HTML report and the daemon's page in the real browser (Debian's chromium, headless):
#   1. `slokit report --format html` over a simulated incident week: Chromium's DOM has one section
#      per SLO and every alert row of the file, and a screenshot shows the budget curve and the
#      page and ticket lanes of the availability chart (pixels of those colours);
#   2. `slokit serve` fed the same events: its page at / renders in Chromium with the same
#      sections and refreshes itself.
#
#   tests/integration/html_report_chromium.sh path/to/slokit path/to/source
#
# Needs: chromium, curl, python3.
set -euo pipefail

slokit=${1:?usage: html_report_chromium.sh path/to/slokit path/to/source}
source_dir=${2:?usage: html_report_chromium.sh path/to/slokit path/to/source}
spec=$source_dir/examples/chat-service.yaml

for tool in chromium curl python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/deps.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
serve_pid=""
cleanup() {
  local status=$?
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "--- slokit serve output" >&2; tail -20 "$work/serve.log" >&2 2>/dev/null || true
    echo "--- chromium output" >&2; tail -20 "$work/chromium.log" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

# Headless, without the background connections a closed network refuses, in a fresh profile.
browse() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$work/profile-$RANDOM" "$@" 2>>"$work/chromium.log"
}

# For each RGB colour, the pixels of a PNG screenshot within 8 of it (8-bit RGB or RGBA, not
# interlaced): "count count ...".
count_colours() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
wants = [tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)) for h in sys.argv[2:]]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
prev, counts, i = bytearray(stride), [0] * len(wants), 0
for _ in range(height):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        for j, want in enumerate(wants):
            if abs(line[x] - want[0]) <= 8 and abs(line[x + 1] - want[1]) <= 8 and abs(line[x + 2] - want[2]) <= 8:
                counts[j] += 1
    prev = line
print(*counts)
PY
}

# --- 1. the report file
"$slokit" simulate --scenario incident --days 7 --seed 7 -o "$work/trace.jsonl" 2>/dev/null
set +e
"$slokit" report "$spec" --events "$work/trace.jsonl" --format html >"$work/report.html" 2>"$work/report.err"
code=$?
set -e
[ "$code" -eq 1 ] || fail "slokit report --format html exited $code, expected 1 (the incident violates availability)"
slos=$(grep -c '^  - name:' <(sed -n '/^slos:/,/^[a-z]/p' "$spec"))
rows=$(grep -o '<tr class="incident">' "$work/report.html" | wc -l)
[ "$rows" -gt 0 ] || fail "the report lists no alerts"

browse --dump-dom "file://$work/report.html" >"$work/report.dom"
sections=$(grep -o '<section class="slo" id="slo-[^"]*">' "$work/report.dom" | wc -l)
[ "$sections" -eq "$slos" ] || fail "Chromium's DOM has $sections SLO sections, the spec $slos SLOs"
dom_rows=$(grep -o '<tr class="incident">' "$work/report.dom" | wc -l)
[ "$dom_rows" -eq "$rows" ] || fail "Chromium's DOM has $dom_rows alert rows, the file $rows"
charts=$(grep -o '<svg class="budget-chart"' "$work/report.dom" | wc -l)
[ "$charts" -eq "$slos" ] || fail "Chromium's DOM has $charts budget charts, the spec $slos SLOs"
grep -q '<svg class="kpi-chart"' "$work/report.dom" || fail "no regression or capacity chart in Chromium's DOM"

browse --window-size=1200,1400 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null
[ -s "$work/report.png" ] || fail "Chromium wrote no screenshot"
# The stylesheet's colours: the page lane #d32f2f, the ticket lane #f9a825, the budget curve #1565c0.
read -r page ticket curve < <(count_colours "$work/report.png" d32f2f f9a825 1565c0)
echo "screenshot: $page page-span pixels, $ticket ticket-span pixels, $curve curve pixels" >&2
[ "$page" -gt 50 ] || fail "no page span drawn on the availability chart ($page pixels)"
[ "$ticket" -gt 200 ] || fail "no ticket span drawn ($ticket pixels)"
[ "$curve" -gt 200 ] || fail "no budget curve drawn ($curve pixels)"

# --- 2. the daemon's page
printf 'chromium-test-token\n' >"$work/token"
"$slokit" serve -c "$spec" --data-dir "$work/data" --listen 127.0.0.1:0 --token-file "$work/token" \
  --clock events >"$work/serve.log" 2>&1 &
serve_pid=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/serve.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$serve_pid" 2>/dev/null || fail "slokit serve exited early"
  sleep 0.1
done
[ -n "$port" ] || fail "slokit serve did not report its port"
head -n 20000 "$work/trace.jsonl" >"$work/part.jsonl"
curl -sf -X POST -H "Authorization: Bearer chromium-test-token" -H "Content-Type: application/x-ndjson" \
  --data-binary "@$work/part.jsonl" "http://127.0.0.1:$port/api/v1/events" >/dev/null || fail "ingest failed"
browse --dump-dom "http://127.0.0.1:$port/" >"$work/serve.dom"
sections=$(grep -o '<section class="slo" id="slo-[^"]*">' "$work/serve.dom" | wc -l)
[ "$sections" -eq "$slos" ] || fail "the daemon's page has $sections SLO sections in Chromium, the spec $slos SLOs"
grep -q '<meta http-equiv="refresh" content="30">' "$work/serve.dom" || fail "the daemon's page does not refresh itself"
grep -q 'Clock: events.' "$work/serve.dom" || fail "the daemon's page does not say its clock"
echo "ok: report ($slos SLOs, $rows alert rows) and the daemon's page render in Chromium" >&2
