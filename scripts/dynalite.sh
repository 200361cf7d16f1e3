# Sourced, not run: start_dynalite starts dynalite (pinned in package-lock.json) in memory on a
# free 127.0.0.1 port, waits until ListTables answers, exports DYNASIO_TEST_ENDPOINT,
# DYNASIO_TEST_SERVER=dynalite and the AWS variables for it, and arranges for it to stop when
# the calling shell exits, however it exits.

dynalite_pid=""

stop_dynalite() {
  if [[ -n $dynalite_pid ]] && kill -0 "$dynalite_pid" 2>/dev/null; then
    kill "$dynalite_pid" 2>/dev/null || true
    wait "$dynalite_pid" 2>/dev/null || true
  fi
  dynalite_pid=""
}

start_dynalite() {
  local root port
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  node "$root/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
    --createTableMs 50 --deleteTableMs 50 --updateTableMs 50 >"${DYNALITE_LOG:-/dev/null}" 2>&1 &
  dynalite_pid=$!
  trap stop_dynalite EXIT
  export DYNASIO_TEST_ENDPOINT="http://127.0.0.1:$port"
  export DYNASIO_TEST_SERVER=dynalite
  export AWS_ENDPOINT_URL_DYNAMODB="$DYNASIO_TEST_ENDPOINT"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-dynasio-local}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-dynasio-local-secret}"
  node "$root/scripts/wait-dynamodb.js" "$DYNASIO_TEST_ENDPOINT" 15000
  echo "dynalite: listening on $DYNASIO_TEST_ENDPOINT (pid $dynalite_pid)"
}
