# Sourced by the benchmark scripts: start_stub_endpoint BIN DIR starts bench_batch_endpoint
# (BIN) in the background, waits for its port and sets `url` and `endpoint_pid`;
# stop_stub_endpoint stops it. reset zeroes its counters, counted prints the items it counted,
# and `field NAME LINE` reads NAME=value out of a key=value line.

endpoint_pid=""
url=""

start_stub_endpoint() {
  local bin=$1 dir=$2 port=""
  "$bin" --duration-limit 3600 >"$dir/endpoint.out" 2>&1 &
  endpoint_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/^port=//p' "$dir/endpoint.out")
    [[ -n $port ]] && break
    sleep 0.1
  done
  [[ -n $port ]] || { echo "the benchmark endpoint did not print its port" >&2; return 1; }
  url=http://127.0.0.1:$port
}

stop_stub_endpoint() {
  if [[ -n $endpoint_pid ]]; then
    kill "$endpoint_pid" 2>/dev/null || true
    wait "$endpoint_pid" 2>/dev/null || true
  fi
  endpoint_pid=""
}

reset() { curl -sf -X POST "$url/reset" >/dev/null; }
counted() { curl -sf "$url/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"])'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
