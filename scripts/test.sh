#!/usr/bin/env bash
# The whole test suite: setup, build the dev and asan-ubsan presets, start dynalite, run ctest
# on both against it, stop dynalite. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

scripts/setup.sh
jobs=${DYNASIO_JOBS:-$(nproc)}
for preset in dev asan-ubsan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
done
echo "test.sh: built in $((SECONDS - start)) s"

source scripts/dynalite.sh
start_dynalite
status=0
for preset in dev asan-ubsan; do
  echo "test.sh: ctest --preset $preset"
  ctest --preset "$preset" -j 2 || status=1
done
stop_dynalite
echo "test.sh: finished in $((SECONDS - start)) s, status $status"
exit $status
