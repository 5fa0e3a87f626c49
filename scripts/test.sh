#!/usr/bin/env bash
# README command 2: install dependencies, build with -Werror, run every test (integration tests
# start real promtool/prometheus), run the unit tests again under AddressSanitizer +
# UndefinedBehaviorSanitizer and the threaded ones under ThreadSanitizer, then smoke the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh chromium  # the browser only the tests need (tests/integration/html_report_chromium.sh)
jobs=$(nproc)
echo "== release build + tests" >&2
scripts/build.sh release
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== asan/ubsan build + tests" >&2
scripts/build.sh sanitize
ctest --test-dir build-sanitize --output-on-failure -j "$jobs" -LE integration
echo "== tsan: the tests that run threads" >&2
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOKIT_TSAN=ON -DSLOKIT_BENCH=OFF >/dev/null
cmake --build build-tsan -j "$jobs" --target metrics_concurrency_test metrics_core_test io_test
ctest --test-dir build-tsan --output-on-failure -j "$jobs" -LE integration -E NOT_BUILT
echo "== fuzz smoke" >&2
scripts/build.sh fuzz
scripts/fuzz.sh 20
