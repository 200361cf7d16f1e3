#!/usr/bin/env bash
# Bulk loads into a capacity-limited table (bench_throttled_endpoint: W write units/s, 1 s of
# burst, a unit per KB; the over-capacity part of a call comes back in UnprocessedItems, a call
# nothing fits in gets ProvisionedThroughputExceededException), for each client:
#   dynasio standard, dynasio adaptive, boto3 batch_writer (if importable), the AWS SDK for
#   JavaScript v3 in adaptive mode (if in node_modules)
# at W = 2000 and 20000: goodput (accepted items as a share of W x time + the burst), wasted sends (rejected /
# accepted), calls per accepted item, time to drain ITEMS items. Then one run per client with
# the capacity stepped down to W/2 at 10 s and back up at 20 s, drawn as accepted items/s over
# time against the capacity line: benchmarks/throttled.svg (gnuplot).
# usage: benchmarks/throttled.sh [BUILD_DIR]  (default build/release, else build/dev)
# env: ITEMS (200000), STEP_SECONDS (30: length of the stepped run), IN_FLIGHT (8),
#      STEP_ONLY (set: only the stepped runs and the picture)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
[[ -x $build/benchmarks/bench_throttled_endpoint ]] || build=$root/build/dev
writer=$build/benchmarks/bench_batch_writer
endpoint_bin=$build/benchmarks/bench_throttled_endpoint
for b in "$writer" "$endpoint_bin"; do
  [[ -x $b ]] || { echo "throttled.sh: $b is missing; build bench_batch_writer and bench_throttled_endpoint" >&2; exit 2; }
done
command -v gnuplot >/dev/null || { apt-get update -qq && apt-get install -y -qq gnuplot-nox >/dev/null; } || true
items=${ITEMS:-200000}
step_seconds=${STEP_SECONDS:-30}
in_flight=${IN_FLIGHT:-8}
run_limit=900

clients=("dynasio-standard" "dynasio-adaptive")
python3 -c 'import boto3' 2>/dev/null && clients+=("boto3") || echo "throttled.sh: boto3 not importable, skipped" >&2
[[ -d $root/node_modules/@aws-sdk/client-dynamodb ]] && command -v node >/dev/null && clients+=("sdk-js-adaptive") ||
  echo "throttled.sh: @aws-sdk/client-dynamodb not in node_modules (npm ci), skipped" >&2

tmp=$(mktemp -d)
endpoint_pid=""
stop_endpoint() {
  if [[ -n $endpoint_pid ]]; then kill "$endpoint_pid" 2>/dev/null || true; wait "$endpoint_pid" 2>/dev/null || true; fi
  endpoint_pid=""
}
trap 'stop_endpoint; rm -rf "$tmp"' EXIT

# start_endpoint ARGS...: sets url.
start_endpoint() {
  stop_endpoint
  "$endpoint_bin" --duration-limit 3600 "$@" >"$tmp/endpoint.out" 2>&1 &
  endpoint_pid=$!
  local port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^port=//p' "$tmp/endpoint.out")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "throttled.sh: the endpoint did not start" >&2; exit 1; }
  url=http://127.0.0.1:$port
}

# client_cmd NAME COUNT: the command line of one client run.
client_cmd() {
  case $1 in
    dynasio-standard) echo "$writer $url $2 $in_flight standard" ;;
    dynasio-adaptive) echo "$writer $url $2 $in_flight adaptive" ;;
    boto3) echo "python3 $root/benchmarks/boto3_batch_writer.py $url $2" ;;
    sdk-js-adaptive) echo "node $root/benchmarks/sdk_js_batch_writer.cjs $url $2 $in_flight adaptive" ;;
  esac
}

stat() { curl -sf "$url/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

status=0
printf '%-18s %7s %9s %9s %12s %10s\n' client W goodput wasted calls/item drain_s >"$tmp/table"
for w in ${STEP_ONLY:+none} 2000 20000; do
  [[ $w == none ]] && break
  start_endpoint --wcu "$w" --burst-seconds 1
  for c in "${clients[@]}"; do
    curl -sf -X POST "$url/reset" >/dev/null
    start=$(date +%s.%N)
    if ! timeout "$run_limit" $(client_cmd "$c" "$items") >"$tmp/run.out" 2>"$tmp/run.err"; then
      echo "throttled.sh: $c at W=$w failed: $(tail -3 "$tmp/run.err")" >&2
      printf '%-18s %7s %9s %9s %12s %10s\n' "$c" "$w" failed - - - >>"$tmp/table"
      status=1
      continue
    fi
    secs=$(python3 -c "import time; print($(date +%s.%N) - $start)")
    acc=$(stat accepted); rej=$(stat rejected); calls=$(stat calls)
    python3 - "$c" "$w" "$acc" "$rej" "$calls" "$secs" "$items" >>"$tmp/table" <<'PY'
import sys
c, w, acc, rej, calls, secs, items = sys.argv[1], float(sys.argv[2]), *map(float, sys.argv[3:])
# The capacity of the run: W per second plus the bucket's one second of burst.
print(f"{c:<18} {int(w):>7} {acc / (secs * w + w) * 100:8.1f}% {rej / acc * 100:8.1f}% {calls / acc:12.3f} {secs:10.1f}"
      + ("" if acc >= items else f"  (only {int(acc)} of {int(items)} accepted)"))
PY
  done
done
cat "$tmp/table"

# The stepped runs, one endpoint each so that each has its own series file.
half=$((step_seconds / 3))
plot_args=()
for c in "${clients[@]}"; do
  # The endpoint ends by itself (writing out its series) a little after the client is cut.
  start_endpoint --wcu 2000 --burst-seconds 1 --steps "$half:1000,$((2 * half)):2000" --series "$tmp/$c.series" \
    --duration-limit $((step_seconds + 1))
  # More items than the capacity can take in step_seconds: the run is cut there.
  timeout "$step_seconds" $(client_cmd "$c" 100000000) >/dev/null 2>"$tmp/step.err" || true
  wait "$endpoint_pid" 2>/dev/null || true
  endpoint_pid=""
  plot_args+=("'$tmp/$c.series' using 1:3 with lines title '$c'")
done
if command -v gnuplot >/dev/null; then
  first=${clients[0]}
  {
    echo "set terminal svg size 800,420 dynamic background rgb 'white'"
    echo "set output '$root/benchmarks/throttled.svg'"
    echo "set title 'Accepted items/s against a 2000 WCU table stepped to 1000 and back (1 KB = 1 WCU)'"
    echo "set xlabel 'seconds'; set ylabel 'accepted items/s'; set key bottom right; set yrange [0:3000]"
    # The border behind the plots, and a capacity line unlike it: gnuplot's SVG terminal keeps
    # adding to the last path while colour, width and dashes stay the same, so a black dashed
    # capacity line drawn last took the border into its path (a stray diagonal to the corner).
    echo "set border back"
    printf 'plot '
    printf '%s, ' "'$tmp/$first.series' using 1:2 with lines lw 2 lc rgb '#a0a0a0' title 'capacity'"
    (IFS=,; echo "${plot_args[*]}")
  } >"$tmp/plot.gp"
  gnuplot "$tmp/plot.gp" && echo "throttled.sh: wrote benchmarks/throttled.svg"
else
  echo "throttled.sh: gnuplot not available, no picture" >&2
fi
exit $status
