#!/usr/bin/env bash
# The whole test suite: setup, build the dev and asan-ubsan presets, start dynalite, run ctest
# on both against it, stop dynalite; then the integration tests of both against DynamoDB Local;
# then a short run of the fuzz targets.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

scripts/setup.sh
# The tree is formatted as .clang-format says (clang-format 14, from setup.sh).
scripts/format.sh --check || { echo "test.sh: run scripts/format.sh" >&2; exit 1; }
jobs=${DYNASIO_JOBS:-$(nproc)}
for preset in dev asan-ubsan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
done
echo "test.sh: built in $((SECONDS - start)) s"

# Everything against dynalite, then the integration tests again against DynamoDB Local (one
# server at a time: each start_* exports DYNASIO_TEST_ENDPOINT and DYNASIO_TEST_SERVER).
source scripts/dynalite.sh
source scripts/ddblocal.sh
start_dynalite
status=0
for preset in dev asan-ubsan; do
  echo "test.sh: ctest --preset $preset (dynalite)"
  ctest --preset "$preset" -j 2 || status=1
done
stop_dynalite
# The fault soak at 50 000 writes: its own dynalite behind bench_fault_proxy (benchmarks/soak.sh).
echo "test.sh: benchmarks/soak.sh 50000"
benchmarks/soak.sh 50000 || status=1
start_ddblocal
for preset in dev asan-ubsan; do
  echo "test.sh: ctest --preset $preset (DynamoDB Local)"
  ctest --preset "$preset" -R '^dynasio_integration_tests$' || status=1
done
stop_ddblocal
# A bounded run of every libFuzzer target from its seeds (about a minute; clang, ASan+UBSan).
echo "test.sh: scripts/fuzz.sh --short"
scripts/fuzz.sh --short || status=1
echo "test.sh: finished in $((SECONDS - start)) s, status $status"
exit $status
