#!/usr/bin/env bash
# Configures and builds one flavour of slokit.
#   scripts/build.sh [release|sanitize|fuzz|tsan] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hashes relative paths below here, so clones of the repository share cached objects.
export CCACHE_BASEDIR="$PWD"
flavour=${1:-release}; shift || true
case "$flavour" in
  release)  dir=build;          args=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir=build-sanitize; args=(-DCMAKE_BUILD_TYPE=Debug -DSLOKIT_SANITIZE=ON -DSLOKIT_BENCH=OFF) ;;
  tsan)     dir=build-tsan;     args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOKIT_TSAN=ON -DSLOKIT_BENCH=OFF) ;;
  fuzz)     dir=build-fuzz;     args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOKIT_FUZZ=ON
                                      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: scripts/build.sh [release|sanitize|fuzz|tsan]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${args[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
