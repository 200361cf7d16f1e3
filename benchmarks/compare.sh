#!/usr/bin/env bash
# Batch write throughput against bench_batch_endpoint (a local BatchWriteItem stand-in):
#   (1) wrk replaying one signed 25-item body: the endpoint's ceiling
#   (2) dynasio's batch_writer, max_in_flight 1 and 8
#   (3) boto3's Table.batch_writer()
#   (4) AWS SDK for JavaScript v3 BatchWriteItemCommand, 1 and 8 calls in flight
#   (5) dynasio's sink: a change stream of SINK_EVENTS events over SINK_KEYS keys, committed
#       every SINK_STEP events (bench_sink), 8 calls in flight
#   (6) the rows of (2) alone, built and freed by the same loop with no writer: the part of a
#       row's CPU that is the caller's own, not the library's
# Checks that the endpoint counted every item of every run (for the sink: every put and delete
# it says were acknowledged), then prints the writers' table and the sink's. "CPU us/item" is
# each client's own measure over its writing (startup excluded), "of it system" the kernel's
# share of it (for wrk: /usr/bin/time over its run). No client avoids the kernel's loopback TCP.
# usage: benchmarks/compare.sh [BUILD_DIR]   (default build/release, else build/dev)
# env: ITEMS (default 200000), BOTO3_ITEMS (default 50000), WRK_SECONDS (default 10),
#      WRK_THREADS (default 1), WRK_CONNECTIONS (default 8), SINK_EVENTS (default 1000000),
#      SINK_KEYS (default 100000), SINK_STEP (default 10000), ROUNDS (default 3: rounds of wrk
#      and dynasio's three rows, alternating)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
[[ -x $build/benchmarks/bench_batch_writer ]] || build=$root/build/dev
writer=$build/benchmarks/bench_batch_writer
endpoint_bin=$build/benchmarks/bench_batch_endpoint
sink_bin=$build/benchmarks/bench_sink
for b in "$writer" "$endpoint_bin" "$sink_bin"; do
  [[ -x $b ]] || { echo "compare.sh: $b is missing; build the bench_* targets first" >&2; exit 2; }
done
items=${ITEMS:-200000}
boto3_items=${BOTO3_ITEMS:-50000}
wrk_seconds=${WRK_SECONDS:-10}
wrk_threads=${WRK_THREADS:-1}
wrk_connections=${WRK_CONNECTIONS:-8}
sink_events=${SINK_EVENTS:-1000000}
sink_keys=${SINK_KEYS:-100000}
sink_step=${SINK_STEP:-10000}
rounds=${ROUNDS:-3}
run_limit=600  # seconds any one run may take

tmp=$(mktemp -d)
source "$root/benchmarks/stub_endpoint.sh"
trap 'stop_stub_endpoint; rm -rf "$tmp"' EXIT
start_stub_endpoint "$endpoint_bin" "$tmp"

status=0
rows=()
round=1
# run NAME EXPECTED_ITEMS COMMAND...: one client run; its line gives items/s, CPU and RSS.
run() {
  local name=$1 want=$2
  shift 2
  reset
  local line
  if ! line=$(timeout "$run_limit" "$@"); then
    echo "compare.sh: $name failed" >&2
    status=1
    return
  fi
  local got
  got=$(counted)
  if [[ $got != "$want" ]]; then
    echo "compare.sh: $name: the endpoint counted $got items, expected $want" >&2
    status=1
  fi
  rows+=("$name $(field items_per_s "$line") $(field cpu_us_per_item "$line") $(field peak_rss_kib "$line") $got \
$(field sys_us_per_item "$line") $round")
  echo "$name: $line (endpoint counted $got)" >&2
}

# (1) The ceiling: wrk replays one signed body; its CPU and RSS are wrk's own.
python3 "$root/benchmarks/wrk_script.py" "$url" "$tmp/post.lua"
run_wrk() {
  reset
  /usr/bin/time -f "%U %S %M" -o "$tmp/wrk.time" \
    timeout "$run_limit" wrk -t"$wrk_threads" -c"$wrk_connections" -d"${wrk_seconds}s" -s "$tmp/post.lua" "$url/" >"$tmp/wrk.out"
  wrk_requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.out")
  wrk_items=$(counted)
  # Requests still in flight when wrk stops are counted by the endpoint but not by wrk.
  if (( wrk_items < wrk_requests * 25 || wrk_items > (wrk_requests + wrk_connections) * 25 )); then
    echo "compare.sh: wrk: the endpoint counted $wrk_items items for $wrk_requests requests" >&2
    status=1
  fi
  read -r wrk_user wrk_sys wrk_rss <"$tmp/wrk.time"
  rows+=("$(awk -v r="$wrk_requests" -v s="$wrk_seconds" -v u="$wrk_user" -v y="$wrk_sys" -v m="$wrk_rss" -v c="$wrk_items" \
    -v k="$round" 'BEGIN { printf "wrk-ceiling %.0f %.2f %d %d %.2f %d", r * 25 / s, (u + y) * 1e6 / (r * 25), m, c, y * 1e6 / (r * 25), k }')")
  echo "wrk: $wrk_requests requests in ${wrk_seconds}s (endpoint counted $wrk_items items)" >&2
}

# (1) and (2), ROUNDS times in turn: each dynasio row is set against the ceiling of its own
# round, and the table gives medians, so that the VM's drift between runs weighs less.
for ((round = 1; round <= rounds; ++round)); do
  run_wrk
  run dynasio-inflight-1 "$items" "$writer" "$url" "$items" 1
  run dynasio-inflight-8 "$items" "$writer" "$url" "$items" 8
  # The same rows as a described struct: put_item(const T&) writes them without building an item.
  run dynasio-struct-8 "$items" env ROWS=struct "$writer" "$url" "$items" 8
done
# The other clients against the last round's ceiling.
round=$rounds
# (3) boto3
run boto3-batch_writer "$boto3_items" python3 "$root/benchmarks/boto3_batch_writer.py" "$url" "$boto3_items"
# (4) AWS SDK for JavaScript v3
run sdk-js-v3-inflight-1 "$items" node "$root/benchmarks/sdk_js_batch_writer.cjs" "$url" "$items" 1
run sdk-js-v3-inflight-8 "$items" node "$root/benchmarks/sdk_js_batch_writer.cjs" "$url" "$items" 8

# (5) the sink: the endpoint must have counted exactly the requests the sink says were acknowledged.
reset
if sink_line=$(timeout "$run_limit" "$sink_bin" "$url" "$sink_events" "$sink_keys" "$sink_step" 8); then
  sink_got=$(counted)
  echo "dynasio-sink: $sink_line (endpoint counted $sink_got)" >&2
  if [[ $sink_got != "$(field requests "$sink_line")" ]]; then
    echo "compare.sh: dynasio-sink: the endpoint counted $sink_got requests, the sink $(field requests "$sink_line")" >&2
    status=1
  fi
else
  echo "compare.sh: dynasio-sink failed" >&2
  status=1
  sink_line=""
fi

# (6) the rows alone, no endpoint involved.
alone_item=$(ROWS=item "$writer" --rows-alone "$items") || { echo "compare.sh: rows alone failed" >&2; status=1; }
alone_struct=$(ROWS=struct "$writer" --rows-alone "$items") || { echo "compare.sh: rows alone failed" >&2; status=1; }

# Per client, the median of its rounds (of one value: that value); "x ceiling" is the median of
# each round's rate over that round's ceiling, with its lowest and highest value.
printf '%s\n' "${rows[@]}" | awk -v rounds="$rounds" '
  function median(list,    v, k, i, j, t) {
    k = split(list, v, " ")
    for (i = 2; i <= k; ++i)
      for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; --j) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    rate[$1] = rate[$1] " " $2; cpu[$1] = cpu[$1] " " $3; rss[$1] = rss[$1] " " $4; sys[$1] = sys[$1] " " $6
    if ($1 == "wrk-ceiling") ceiling[$7] = $2
    row_rate[NR] = $2; row_name[NR] = $1; row_round[NR] = $7; rows = NR }
  END {
    for (i = 1; i <= rows; ++i) {
      c = ceiling[row_round[i]]
      if (!c) continue
      x = row_rate[i] / c
      ratio[row_name[i]] = ratio[row_name[i]] " " x
      if (!(row_name[i] in lo) || x < lo[row_name[i]]) lo[row_name[i]] = x
      if (!(row_name[i] in hi) || x > hi[row_name[i]]) hi[row_name[i]] = x
    }
    boto = median(rate["boto3-batch_writer"])
    printf "%d rounds of wrk and dynasio, alternating; medians\n", rounds
    printf "%-22s %12s %12s %13s %13s %19s %9s\n", "client", "items/s", "CPU us/item", "of it system", "peak RSS MiB",
           "x ceiling (range)", "x boto3"
    for (i = 1; i <= n; ++i) {
      k = order[i]
      r = median(rate[k])
      printf "%-22s %12.0f %12.2f %13.2f %13.1f %8.3f (%.2f-%.2f) %9s\n", k, r, median(cpu[k]), median(sys[k]),
             median(rss[k]) / 1024, median(ratio[k]), lo[k], hi[k], boto ? sprintf("%.2f", r / boto) : "-"
    }
  }'
printf '\nthe rows alone (built and freed by the same loop, no writer), CPU us/row: dynasio::item %s, described struct %s\n' \
  "$(field cpu_us_per_item "$alone_item")" "$(field cpu_us_per_item "$alone_struct")"
if [[ -n $sink_line ]]; then
  # The last round's ceiling, measured closest to the sink's run.
  ceiling=$(printf '%s\n' "${rows[@]}" | awk '$1 == "wrk-ceiling" { c = $2 } END { print c }')
  awk -v events="$(field events "$sink_line")" -v secs="$(field seconds "$sink_line")" \
    -v requests="$(field requests "$sink_line")" -v ev_cpu="$(field cpu_us_per_event "$sink_line")" \
    -v ev_sys="$(field sys_us_per_event "$sink_line")" \
    -v rq_cpu="$(field cpu_us_per_request "$sink_line")" -v rss="$(field peak_rss_kib "$sink_line")" -v ceiling="$ceiling" \
    -v keys="$sink_keys" -v step="$sink_step" 'BEGIN {
      printf "\nsink: %d events over %d keys, a commit every %d events, %d requests sent\n", events, keys, step, requests
      printf "%-22s %12s %12s %14s %14s %14s %14s %12s\n", "client", "events/s", "requests/s", "CPU us/event", "of it system",
             "CPU us/request", "peak RSS MiB", "x ceiling"
      printf "%-22s %12.0f %12.0f %14.2f %14.2f %14.2f %14.1f %12.3f\n", "dynasio-sink-inflight-8", events / secs,
             requests / secs, ev_cpu, ev_sys, rq_cpu, rss / 1024, ceiling ? requests / secs / ceiling : 0
    }'
fi
exit $status
