#!/bin/sh
# Drift analysis on two 1M-event traces: wall time and peak memory of `slokit drift`, and of the
# same tests in Python/scipy (bench/drift_peer.py) on the same files, measured in the same run.
# With EMBED=1, also `slokit drift --embedding-field emb` on copies carrying an 8-d vector.
# Usage: bench/drift_bench.sh [build-dir] [threads]   (writes the traces to $TMPDIR)
set -eu
build=${1:-build}
threads=${2:-2}
tmp=${TMPDIR:-/tmp}
ref=$tmp/slokit_drift_bench_ref_1m.jsonl
cur=$tmp/slokit_drift_bench_cur_1m.jsonl
root=$(cd "$(dirname "$0")/.." && pwd)
spec=$root/examples/chat-service.yaml
[ -f "$ref" ] || "$build/slokit" simulate --scenario steady --days 30 --rate 0.4 --seed 1 --events 1000000 -o "$ref"
[ -f "$cur" ] || "$build/slokit" simulate --scenario quality-drop --days 30 --rate 0.4 --seed 2 --events 1000000 -o "$cur"
for run in 1 2 3; do
  /usr/bin/time -f "slokit drift run $run: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
    "$build/slokit" drift "$spec" --reference "$ref" --current "$cur" --threads "$threads" >/dev/null || true
done
"$build/slokit" drift "$spec" --reference "$ref" --current "$cur" --threads "$threads" --format json |
  /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print("slokit drift:", ", ".join(f["field"]+"/"+(f["cohort"] or "(all)") for f in j["fields"] if f["drift"]) or "none")' || true
for run in 1 2 3; do
  /usr/bin/time -f "python/scipy run $run: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
    /usr/bin/python3 "$root/bench/drift_peer.py" "$ref" "$cur" | tail -1
done
if [ "${EMBED:-0}" = 1 ]; then
  # An 8-d vector per event: one direction plus noise; in the current trace ja events turn
  # (+0.5 on the second axis).
  for side in ref cur; do
    eval in=\$$side
    out=${in%.jsonl}_emb.jsonl
    [ -f "$out" ] && continue
    /usr/bin/python3 -c '
import random, sys
random.seed(7)
shift = sys.argv[1] == "cur"
with open(sys.argv[2]) as f, open(sys.argv[3], "w") as out:
    for line in f:
        s = 0.5 if shift and "\"language\":\"ja\"" in line else 0.0
        v = [1.0] + [0.2] * 7
        v[1] += s
        emb = ",".join("%.3f" % (x + random.random() * 0.1) for x in v)
        out.write(line.rstrip("\n")[:-1] + ",\"emb\":[" + emb + "]}\n")
' "$side" "$in" "$out.tmp" && mv "$out.tmp" "$out"
  done
  for run in 1 2 3; do
    /usr/bin/time -f "slokit drift --embedding-field run $run: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
      "$build/slokit" drift "$spec" --reference "${ref%.jsonl}_emb.jsonl" --current "${cur%.jsonl}_emb.jsonl" \
        --embedding-field emb --threads "$threads" >/dev/null || true
  done
fi
