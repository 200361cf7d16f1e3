// Polls ListTables on a DynamoDB endpoint until it answers 200 or the time runs out.
// Usage: node wait-dynamodb.js http://127.0.0.1:PORT TIMEOUT_MS
const http = require("http");
const [endpoint, timeoutMs] = [process.argv[2], Number(process.argv[3] || 15000)];
const deadline = Date.now() + timeoutMs;
const body = "{}";
function attempt() {
  const req = http.request(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": "DynamoDB_20120810.ListTables",
      // dynalite checks the header's shape, not the signature.
      Authorization: "AWS4-HMAC-SHA256 Credential=wait/20260101/us-east-1/dynamodb/aws4_request, " +
        "SignedHeaders=host, Signature=00",
      "X-Amz-Date": "20260101T000000Z",
      "Content-Length": body.length,
    },
  }, (res) => {
    res.resume();
    if (res.statusCode === 200) process.exit(0);
    retry(`HTTP ${res.statusCode}`);
  });
  req.on("error", (e) => retry(e.message));
  req.end(body);
}
function retry(why) {
  if (Date.now() > deadline) {
    console.error(`wait-dynamodb: ${endpoint} did not answer ListTables: ${why}`);
    process.exit(1);
  }
  setTimeout(attempt, 100);
}
attempt();
