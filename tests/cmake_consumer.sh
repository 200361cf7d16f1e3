#!/usr/bin/env bash
# Consumer builds: install dynasio to a temporary prefix and build a user project with
# find_package(dynasio CONFIG), then build the same project with add_subdirectory on the checkout.
# Unoptimised (no build type): it checks the packaging, not the code generation.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$src" -B "$work/dynasio" -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_INSTALL_PREFIX="$work/prefix" \
  -DDYNASIO_BUILD_TESTS=OFF -DDYNASIO_BUILD_BENCHMARKS=OFF -DDYNASIO_BUILD_EXAMPLES=OFF -DDYNASIO_INSTALL=ON >/dev/null
cmake --build "$work/dynasio" >/dev/null
cmake --install "$work/dynasio" >/dev/null
for mode in find_package add_subdirectory; do
  args=(-DCMAKE_PREFIX_PATH="$work/prefix")
  [[ $mode == add_subdirectory ]] && args=(-DDYNASIO_SOURCE="$src")
  cmake -S "$src/tests/cmake_consumer" -B "$work/$mode" -G Ninja -DCMAKE_BUILD_TYPE= "${args[@]}" >/dev/null
  cmake --build "$work/$mode" >/dev/null
  for exe in consumer_header_only consumer_compiled; do
    out=$("$work/$mode/$exe")
    [[ $out == "signed 2" ]] || { echo "$mode/$exe printed '$out'"; exit 1; }
  done
  echo "$mode: ok"
done
