#!/usr/bin/env bash
# The main example end to end: setup, build, start dynalite, run it, stop dynalite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "${DYNASIO_JOBS:-$(nproc)}" --target example_3_sink_orders
source scripts/dynalite.sh
start_dynalite
build/dev/examples/example_3_sink_orders
