#!/usr/bin/env bash
# The fault soak: WRITES writes (default 1 000 000: puts, deletes and updates over WRITES/10
# keys through the batch writer with 8 calls in flight and 8 update workers, plus a change
# stream of WRITES/5 events through the sink) through bench_fault_proxy in front of a fresh
# in-memory dynalite (or DynamoDB Local with SOAK_SERVER=ddblocal), then a full scan of both
# tables compared with the driver's model. Prints the faults injected by kind, the retries seen,
# the time and lost/stale/duplicated per table; exits 0 only when all are 0.
#   benchmarks/soak.sh [WRITES]
# Every fault kind has rate SOAK_FAULT_RATE (default 0.0025) per request; each BatchWriteItem
# has 30 % of its requests held back as UnprocessedItems; replies are delayed 2.5 s past the
# client's 2 s request timeout. Stops itself within 30 minutes whatever happens (timeout(1) and
# the driver's own watchdog). Needs bench_fault_proxy and bench_soak of the build in
# SOAK_BUILD (default build/dev):
#   cmake --build --preset dev --target bench_fault_proxy bench_soak
set -euo pipefail
cd "$(dirname "$0")/.."
writes=${1:-1000000}
[[ $writes =~ ^[0-9]+$ ]] || { echo "usage: benchmarks/soak.sh [WRITES]" >&2; exit 2; }
build=${SOAK_BUILD:-build/dev}
server=${SOAK_SERVER:-dynalite}
rate=${SOAK_FAULT_RATE:-0.0025}
limit=1800  # the hard bound, in seconds, from here to the end
start=$SECONDS
for b in bench_fault_proxy bench_soak; do
  [[ -x $build/benchmarks/$b ]] || { echo "soak.sh: $build/benchmarks/$b is missing: cmake --build --preset dev --target bench_fault_proxy bench_soak" >&2; exit 2; }
done

source "scripts/$server.sh"
"start_$server" >/dev/null
upstream=${DYNASIO_TEST_ENDPOINT#http://}

proxy_out=$(mktemp)
proxy_pid=""
cleanup() {
  [[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  rm -f "$proxy_out"
  "stop_$server"
}
trap cleanup EXIT
"$build/benchmarks/bench_fault_proxy" --upstream "$upstream" --all-faults "$rate" --unprocessed 0.3 \
  --delay-ms 2500 --seed "${SOAK_SEED:-1}" --duration-limit "$limit" >"$proxy_out" &
proxy_pid=$!
for _ in $(seq 100); do
  grep -q '^port=' "$proxy_out" && break
  sleep 0.1
done
port=$(sed -n 's/^port=//p' "$proxy_out")
[[ -n $port ]] || { echo "soak.sh: the proxy did not start" >&2; exit 1; }

echo "soak.sh: $writes writes through the fault proxy (every kind at rate $rate, 30 % unprocessed) to $server"
left=$((limit - (SECONDS - start) - 10))
status=0
timeout --kill-after=5 "$left" "$build/benchmarks/bench_soak" --endpoint "http://127.0.0.1:$port" \
  --direct "$DYNASIO_TEST_ENDPOINT" --writes "$writes" --in-flight 8 --request-timeout-ms 2000 \
  --time-limit $((left - 5)) --seed "${SOAK_SEED:-1}" || status=$?
echo "soak.sh: finished in $((SECONDS - start)) s, status $status"
exit $status
