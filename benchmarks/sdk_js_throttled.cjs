// AWS SDK for JavaScript v3 under throttling: BatchWriteItemCommand, IN_FLIGHT calls of 25 puts
// at once, re-sending UnprocessedItems at once until written (the documented usage), with the
// client's retry mode RETRY_MODE (standard or adaptive), for ITEMS items {pk: S, n: N, s: S(100)}.
// usage: node sdk_js_throttled.cjs ENDPOINT_URL ITEMS IN_FLIGHT RETRY_MODE
// Prints the same key=value line as bench_batch_writer.
const path = require("path");
const { DynamoDBClient, BatchWriteItemCommand } = require(
  path.join(__dirname, "..", "node_modules", "@aws-sdk", "client-dynamodb"));

async function main() {
  const [endpoint, itemsArg, inFlightArg, retryMode] = process.argv.slice(2);
  const items = Number(itemsArg);
  const client = new DynamoDBClient({
    endpoint, region: "us-east-1", retryMode, maxAttempts: 3,
    credentials: { accessKeyId: "AKIDBENCHMARK", secretAccessKey: "benchmark-secret" },
  });
  const payload = "x".repeat(100);
  let next = 0;
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < items) {
      const reqs = [];
      for (; reqs.length < 25 && next < items; ++next)
        reqs.push({ PutRequest: { Item: { pk: { S: `item-${next}` }, n: { N: String(next) }, s: { S: payload } } } });
      let pending = { bench: reqs };
      for (let attempt = 0; attempt < 100000 && pending && Object.keys(pending).length; ++attempt) {
        try {
          pending = (await client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
        } catch (e) {
          if (e.name !== "ProvisionedThroughputExceededException") throw e;  // retries spent: again
        }
      }
      if (pending && Object.keys(pending).length) throw new Error("items left unprocessed");
    }
  }
  await Promise.all(Array.from({ length: Number(inFlightArg) }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`items=${items} seconds=${secs.toFixed(3)} items_per_s=${(items / secs).toFixed(0)}`);
  client.destroy();
}

main().catch((e) => { console.error(e); process.exit(1); });
