#!/usr/bin/env bash
# Compares, for the same SLOs (bench/rules_spec.yaml: the six event SLOs of the example spec), the
# rules `slokit rules` writes with a hand-written Sloth-style rule set (bench/rules_sloth_style.yaml):
# the number of recorded series and Prometheus' rule-group evaluation time, on a real Prometheus
# holding DAYS days of synthetic history of slokit's instrumentation metrics (MODELS models,
# scraped every 30s). Both sets get their recorded history backfilled first (slokit's tiles,
# Sloth's 5m ratios) so that their long windows read as much data as in steady state.
#   bench/rules_bench.sh [path/to/slokit]   (DAYS=3 MODELS=2 SAMPLES=5 WARMUP=330 PORT=19090)
# Needs the Debian packages prometheus (prometheus, promtool), curl and python3. Results:
# bench/RESULTS-rules.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slokit=${1:-$root/build/slokit}
days=${DAYS:-3}
models=${MODELS:-2}
samples=${SAMPLES:-5}
warmup=${WARMUP:-330}  # seconds before the first sample: every group, the 5m ones too, has run
port=${PORT:-19090}
work=$(mktemp -d /tmp/slokit-rules-bench.XXXXXX)
prom_pid=
exporter_pid=
cleanup() {
  if [ -n "$exporter_pid" ]; then kill "$exporter_pid" 2>/dev/null || true; wait "$exporter_pid" 2>/dev/null || true; fi
  if [ -n "$prom_pid" ]; then kill "$prom_pid" 2>/dev/null || true; wait "$prom_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null || { echo "rules_bench: $tool is missing" >&2; exit 2; }
done

now=$(date +%s)
start=$(( (now - days * 86400) / 60 * 60 ))
end=$now
exporter_port=$((port + 1))

echo "== synthetic history: $days days, $models models, 30s scrapes" >&2
python3 - "$work/data.om" "$start" "$end" "$models" <<'PY'
import random, sys
path, start, end, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(7)
ttft_le = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
itl_le = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1]
def cdf(bounds, median):  # share of observations under each bound, roughly log-normal
    return [min(1.0, 0.5 * (b / median) ** 0.8) if b < median else 1 - 0.5 * (median / b) ** 1.6 for b in bounds]
ttft_cdf, itl_cdf = cdf(ttft_le, 0.3), cdf(itl_le, 0.02)
times = list(range(start, end + 1, 30))
series = {}  # name -> list of values
def counter(name, increments):
    total, out = 0, []
    for inc in increments:
        total += inc
        out.append(total)
    series[name] = out
for m in range(models):
    lab = 'model="m%d",endpoint="/v1/chat/completions"' % m
    # Requests per scrape, with a daily cycle and bursts; errors at ~0.05% with an incident.
    reqs = [int(600 * (1.2 + __import__("math").sin(t / 86400 * 6.283)) * rnd.uniform(0.8, 1.2)) for t in times]
    err = [sum(1 for _ in range(3) if rnd.random() < r / 2000) + (r // 20 if (t // 3600) % 31 == 5 else 0)
           for r, t in zip(reqs, times)]
    cancelled = [r // 100 for r in reqs]
    ok = [r - e - c for r, e, c in zip(reqs, err, cancelled)]
    counter('gen_ai_server_requests_total{%s,status="ok"}' % lab, ok)
    counter('gen_ai_server_requests_total{%s,status="error"}' % lab, err)
    counter('gen_ai_server_requests_total{%s,status="cancelled"}' % lab, cancelled)
    counter('gen_ai_server_requests_good_total{%s}' % lab, [int(o * 0.985) for o in ok])
    for name, bounds, shares in (("gen_ai_server_time_to_first_token_seconds", ttft_le, ttft_cdf),
                                 ("gen_ai_server_inter_token_latency_seconds", itl_le, itl_cdf)):
        n = ok
        for b, s in zip(bounds, shares):
            counter('%s_bucket{%s,le="%s"}' % (name, lab, repr(float(b))), [int(x * min(1, s * rnd.uniform(0.998, 1.0))) for x in n])
        counter('%s_bucket{%s,le="+Inf"}' % (name, lab), n)
        counter('%s_count{%s}' % (name, lab), n)
    scored = [o // 10 for o in ok]
    counter('gen_ai_evaluation_results_total{%s,check="quality_score",result="pass"}' % lab, [int(s * 0.97) for s in scored])
    counter('gen_ai_evaluation_results_total{%s,check="quality_score",result="fail"}' % lab, [s - int(s * 0.97) for s in scored])
    counter('gen_ai_evaluation_results_total{%s,check="hallucination",result="pass"}' % lab, [int(s * 0.99) for s in scored])
    counter('gen_ai_evaluation_results_total{%s,check="hallucination",result="fail"}' % lab, [s - int(s * 0.99) for s in scored])
# Where each series ends and how fast it grows: the live exporter continues from there.
import json
json.dump({name: [times[-1], vals[-1], (vals[-1] - vals[-120]) / (times[-1] - times[-120])] for name, vals in series.items()},
          open(path + ".state.json", "w"))
with open(path, "w") as f:
    families = {}
    for name in series:
        families.setdefault(name.split("{")[0], []).append(name)
    for family, names in families.items():
        f.write("# TYPE %s unknown\n" % family)
        for name in names:
            for t, v in zip(times, series[name]):
                f.write("%s %d %d\n" % (name, v, t))
    f.write("# EOF\n")
print("%d series, %d samples" % (len(series), len(series) * len(times)), file=sys.stderr)
PY
promtool tsdb create-blocks-from openmetrics "$work/data.om" "$work/tsdb" >/dev/null
rm "$work/data.om"

# A live exporter continuing every series from where the history ends, so that rules evaluated
# now read fresh raw samples as they would in production (no job/instance labels: see below).
cat >"$work/exporter.py" <<'PY'
import http.server, json, sys, time
state = json.load(open(sys.argv[1]))
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        now = time.time()
        body = "".join("%s %d\n" % (name, int(v + rate * (now - t))) for name, (t, v, rate) in state.items())
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
PY
python3 "$work/exporter.py" "$work/data.om.state.json" "$exporter_port" &
exporter_pid=$!

"$slokit" rules "$root/bench/rules_spec.yaml" -o "$work/slokit.yaml"
cp "$root/bench/rules_sloth_style.yaml" "$work/sloth.yaml"
# The recorded series the long windows read, to backfill: slokit's tiles, Sloth's 5m ratios.
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
def keep(src, dst, pattern):
    text = open(src).read()
    # Rule files as written by slokit and by hand: one "- record:" item per rule, exprs as blocks.
    groups, out = re.split(r"\n  - name: ", text), ["groups:\n"]
    for g in groups[1:]:
        name = g.split("\n")[0]
        rules = re.split(r"\n      - ", g)
        kept = ["      - " + r.rstrip() for r in rules[1:] if re.match(r"record: (%s)\n" % pattern, r)]
        if kept:
            out.append("  - name: %s-backfill\n    rules:\n%s\n" % (name, "\n".join(kept)))
    open(dst, "w").write("".join(out))
keep(work + "/slokit.yaml", work + "/slokit-backfill.yaml", r"slokit:sli_(errors|requests):increase1m")
keep(work + "/sloth.yaml", work + "/sloth-backfill.yaml", r"slo:sli_error:ratio_rate5m")
PY

start_prometheus() {  # start_prometheus RULE_FILE|""
  {
    echo "global: {scrape_interval: 30s, evaluation_interval: 1m}"
    if [ -n "$1" ]; then
      echo "rule_files: [$1]"
      echo "scrape_configs:"
      echo "  - job_name: live"
      echo "    static_configs: [{targets: ['127.0.0.1:$exporter_port']}]"
      echo "    metric_relabel_configs: [{action: labeldrop, regex: job|instance}]"
    fi
  } >"$work/prometheus.yml"
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --storage.tsdb.retention.time=90d --web.listen-address="127.0.0.1:$port" --log.level=warn \
    >"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null; then return 0; fi
    sleep 1
  done
  cat "$work/prometheus.log" >&2
  exit 1
}
stop_prometheus() {
  kill "$prom_pid"
  wait "$prom_pid" 2>/dev/null || true
  prom_pid=
}

echo "== backfilling the recorded history both rule sets read" >&2
start_prometheus ""
for set in slokit sloth; do
  promtool tsdb create-blocks-from rules --start="$start" --end="$now" --eval-interval=1m \
    --url="http://127.0.0.1:$port" --output-dir="$work/backfill-$set" "$work/$set-backfill.yaml" >/dev/null
done
stop_prometheus
for set in slokit sloth; do mv "$work/backfill-$set"/* "$work/tsdb/"; done

query() { curl -sf "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$1" |
  python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'; }

for set in slokit sloth; do
  echo "== $set: evaluating (${samples} one-minute samples after a warm-up)" >&2
  start_prometheus "$work/$set.yaml"
  sleep "$warmup"
  : >"$work/$set.samples"
  for i in $(seq 1 "$samples"); do
    curl -sf "http://127.0.0.1:$port/api/v1/rules" | python3 -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
for g in groups:
    for r in g["rules"]:
        if r.get("health") not in ("ok", None) or r.get("lastError"):
            print("rule %s in %s: %s %s" % (r["name"], g["name"], r.get("health"), r.get("lastError")), file=sys.stderr)
print(sum(g["evaluationTime"] for g in groups), sum(g["evaluationTime"] * 60 / g["interval"] for g in groups),
      len(groups), sum(len(g["rules"]) for g in groups))' >>"$work/$set.samples"
    if [ "$i" -lt "$samples" ]; then sleep 60; fi
  done
  if [ "$set" = slokit ]; then pattern='slokit:.+'; else pattern='slo:.+|sloth_slo_info'; fi
  recorded=$(query "count({__name__=~\"$pattern\"})")
  stop_prometheus
  python3 - "$set" "$work/$set.samples" "$recorded" <<'PY'
import statistics, sys
name, path, recorded = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [l.split() for l in open(path) if l.strip()]
rounds = [float(r[0]) * 1000 for r in rows]
minute = [float(r[1]) * 1000 for r in rows]
print("%-7s | %s groups | %s rules | %s recorded series | every group once: median %.2f ms (min %.2f, max %.2f) | "
      "per minute of wall time: median %.2f ms" % (name, rows[0][2], rows[0][3], recorded, statistics.median(rounds),
      min(rounds), max(rounds), statistics.median(minute)))
PY
done
