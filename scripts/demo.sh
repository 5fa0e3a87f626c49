#!/usr/bin/env bash
# README command 1: install dependencies, build, simulate a 30-day trace with an incident and
# print the SLO report for the example chat service (and write it as out/report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
mkdir -p out
build/slokit simulate --scenario incident --days 30 --seed 7 -o out/requests.jsonl
build/slokit validate examples/chat-service.yaml
# Exit code 1 means an SLO is violated: that is the point of the incident scenario.
build/slokit report examples/chat-service.yaml --events out/requests.jsonl || [ $? -eq 1 ]
build/slokit report examples/chat-service.yaml --events out/requests.jsonl --format html >out/report.html ||
  [ $? -eq 1 ]
echo "The same report as one HTML page: out/report.html" >&2
