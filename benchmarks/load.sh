#!/usr/bin/env bash
# `dynasio load` against a boto3 JSON Lines loader (boto3_load.py, Table.batch_writer()) on the
# same file, in one run, into bench_batch_endpoint (a local BatchWriteItem stand-in that
# answers at once): items/s, CPU per item and peak RSS of each process, and the ratios.
# Checks that the endpoint counted every item of both runs.
# usage: benchmarks/load.sh [BUILD_DIR]   (default build/release, else build/dev)
# env: ITEMS (lines in the file, default 1000000)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
[[ -x $build/tools/dynasio ]] || build=$root/build/dev
tool=$build/tools/dynasio
endpoint_bin=$build/benchmarks/bench_batch_endpoint
for b in "$tool" "$endpoint_bin"; do
  [[ -x $b ]] || { echo "load.sh: $b is missing; build dynasio_tool and bench_batch_endpoint first" >&2; exit 2; }
done
python3 -c 'import boto3' 2>/dev/null || { echo "load.sh: python3 cannot import boto3" >&2; exit 2; }
items=${ITEMS:-1000000}

tmp=$(mktemp -d)
source "$root/benchmarks/stub_endpoint.sh"
trap 'stop_stub_endpoint; rm -rf "$tmp"' EXIT
start_stub_endpoint "$endpoint_bin" "$tmp"

# The file: a string key, a number, a 100-byte string, a nested map and a list, as one line each.
python3 - "$tmp/items.jsonl" "$items" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
pad = "x" * 100
with open(path, "w") as f:
    for i in range(n):
        f.write(f'{{"pk":"item-{i}","n":{i},"price":{i % 1000}.25,"s":"{pad}",'
                f'"meta":{{"ok":true,"tags":["a","b"]}}}}\n')
PY
size=$(stat -c %s "$tmp/items.jsonl")

export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDBENCHMARK AWS_SECRET_ACCESS_KEY=benchmark-secret
status=0
rows=()
declare -A ips cpu rss
run() {
  local name=$1
  shift
  reset
  local line
  line=$(python3 "$root/benchmarks/measure.py" "$@")
  local got
  got=$(counted)
  if [[ $(field status "$line") != 0 || $got != "$items" ]]; then
    echo "load.sh: $name: $line, the endpoint counted $got of $items items" >&2
    status=1
  fi
  local secs cpu_s
  secs=$(field seconds "$line")
  cpu_s=$(field cpu_s "$line")
  ips[$name]=$(python3 -c "print(round($items / $secs))")
  cpu[$name]=$(python3 -c "print(f'{$cpu_s * 1e6 / $items:.2f}')")
  rss[$name]=$(field peak_rss_kib "$line")
  rows+=("$(printf '%-14s %10s %14s %16s %14s' "$name" "$secs" "${ips[$name]}" "${cpu[$name]}" "${rss[$name]}")")
}

run dynasio "$tool" load --table bench --key pk --progress none --endpoint "$url" "$tmp/items.jsonl"
run boto3 python3 "$root/benchmarks/boto3_load.py" "$url" bench "$tmp/items.jsonl"

echo "load.sh: $items lines ($((size / 1000000)) MB) into bench_batch_endpoint, $(nproc) cores"
printf '%-14s %10s %14s %16s %14s\n' loader seconds items/s cpu_us/item peak_rss_kib
printf '%s\n' "${rows[@]}"
python3 -c "
d, b = ${ips[dynasio]}, ${ips[boto3]}
print(f'dynasio/boto3: {d / b:.1f}x items/s, {${cpu[boto3]} / ${cpu[dynasio]}:.1f}x less CPU per item, '
      f'{${rss[boto3]} / ${rss[dynasio]}:.1f}x less peak RSS')"
exit $status
