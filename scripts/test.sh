#!/usr/bin/env bash
# README command 2: install dependencies, build with -Werror, run every test, then run the unit
# tests again under AddressSanitizer + UndefinedBehaviorSanitizer, then smoke the fuzz targets.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
echo "== release build + tests" >&2
scripts/build.sh release
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== asan/ubsan build + tests" >&2
scripts/build.sh sanitize
ctest --test-dir build-sanitize --output-on-failure -j "$jobs" -LE integration
echo "== fuzz smoke" >&2
scripts/build.sh fuzz
scripts/fuzz.sh 20
