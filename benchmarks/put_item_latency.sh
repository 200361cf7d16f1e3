#!/usr/bin/env bash
# PutItem latency and throughput of dynasio's client against the capacity of the same local
# endpoint measured by wrk, for N = 1, 8 and 32 concurrent requests.
# Usage: benchmarks/put_item_latency.sh [BUILD_DIR] (default build/release; needs wrk on PATH).
# Env: REQUESTS (per N for the client, default 20000), WRK_SECONDS (per N, default 5).
set -euo pipefail

build=${1:-build/release}
requests=${REQUESTS:-20000}
wrk_seconds=${WRK_SECONDS:-5}
endpoint_bin=$build/benchmarks/bench_batch_endpoint
client_bin=$build/benchmarks/bench_put_item_latency
for bin in "$endpoint_bin" "$client_bin"; do
  [[ -x $bin ]] || { echo "missing $bin: cmake --preset release -B build/release && cmake --build build/release" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "wrk not found" >&2; exit 2; }

work=$(mktemp -d)
endpoint_pid=
cleanup() {
  [[ -n $endpoint_pid ]] && kill "$endpoint_pid" 2>/dev/null && wait "$endpoint_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$endpoint_bin" --any-target --duration-limit 900 >"$work/endpoint.out" 2>"$work/endpoint.err" &
endpoint_pid=$!
port=
for _ in $(seq 50); do
  port=$(sed -n 's/^port=//p' "$work/endpoint.out")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { echo "bench_batch_endpoint did not start" >&2; exit 1; }
url=http://127.0.0.1:$port

"$client_bin" --endpoint "$url" --wrk-script "$work/put.lua"
"$client_bin" --endpoint "$url" --requests "$requests" --concurrency 1 --concurrency 8 --concurrency 32 \
  | tee "$work/dynasio.txt"

# wrk's latency lines read "50%  123.00us" (or ms/s); convert to microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[0-9]s$/) n *= 1000000; printf "%.1f", n }'; }

printf '\n%-4s | %10s %10s %10s | %10s %10s %10s | %9s\n' N "dyn p50us" "dyn p99us" "dyn req/s" "wrk p50us" "wrk p99us" "wrk req/s" "req/s %"
for n in 1 8 32; do
  wrk -t1 -c"$n" -d"${wrk_seconds}s" --latency -s "$work/put.lua" "$url" >"$work/wrk$n.txt"
  wrk_p50=$(to_us "$(awk '$1 == "50%" { print $2 }' "$work/wrk$n.txt")")
  wrk_p99=$(to_us "$(awk '$1 == "99%" { print $2 }' "$work/wrk$n.txt")")
  wrk_rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$work/wrk$n.txt")
  line=$(grep "^dynasio N=$n " "$work/dynasio.txt")
  field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  printf '%-4s | %10s %10s %10s | %10s %10s %10s | %8.0f%%\n' "$n" "$(field p50_us)" "$(field p99_us)" "$(field rps)" \
    "$wrk_p50" "$wrk_p99" "$wrk_rps" "$(awk -v a="$(field rps)" -v b="$wrk_rps" 'BEGIN { print 100 * a / b }')"
  grep -q "Non-2xx" "$work/wrk$n.txt" && echo "warning: wrk got non-2xx replies at N=$n" >&2
done
echo "(req/s % = dynasio requests/s as a share of wrk's on the same endpoint; both single-threaded)"
