// AWS SDK for JavaScript v3: BatchWriteItemCommand with IN_FLIGHT calls of 25 puts at once,
// re-sending UnprocessedItems at once until written (the documented usage), for ITEMS items
// {pk: S, n: N, s: S(100)}, with the client's retry mode RETRY_MODE (standard, the default, or
// adaptive). A ProvisionedThroughputExceededException left after the SDK's own retries sends
// the call again (a throttled table: benchmarks/throttled.sh); any other error ends the run.
// usage: node sdk_js_batch_writer.cjs ENDPOINT_URL ITEMS IN_FLIGHT [RETRY_MODE]
// Prints the same key=value line as bench_batch_writer.
const path = require("path");
const { DynamoDBClient, BatchWriteItemCommand } = require(
  path.join(__dirname, "..", "node_modules", "@aws-sdk", "client-dynamodb"));

async function main() {
  const [endpoint, itemsArg, inFlightArg, retryMode = "standard"] = process.argv.slice(2);
  const items = Number(itemsArg);
  const inFlight = Number(inFlightArg);
  const client = new DynamoDBClient({
    endpoint, region: "us-east-1", retryMode, maxAttempts: 3,
    credentials: { accessKeyId: "AKIDBENCHMARK", secretAccessKey: "benchmark-secret" },
  });
  const payload = "x".repeat(100);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < items) {
      const reqs = [];
      for (; reqs.length < 25 && next < items; ++next)
        reqs.push({ PutRequest: { Item: { pk: { S: `item-${next}` }, n: { N: String(next) }, s: { S: payload } } } });
      let pending = { bench: reqs };
      // Bounded: a table that never takes the items ends the run with an error.
      for (let attempt = 0; attempt < 100000 && pending && Object.keys(pending).length; ++attempt) {
        try {
          pending = (await client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
        } catch (e) {
          if (e.name !== "ProvisionedThroughputExceededException") throw e;
        }
      }
      if (pending && Object.keys(pending).length) throw new Error("items left unprocessed");
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = cpu.user + cpu.system;
  const rss = process.resourceUsage().maxRSS;
  console.log(`items=${items} seconds=${secs.toFixed(3)} items_per_s=${(items / secs).toFixed(0)} ` +
              `cpu_us_per_item=${(cpuUs / items).toFixed(2)} sys_us_per_item=${(cpu.system / items).toFixed(2)} ` +
              `peak_rss_kib=${rss}`);
  client.destroy();
}

main().catch((e) => { console.error(e); process.exit(1); });
