// Cross-checks dynasio-sigv4 against the AWS JavaScript signer (@smithy/signature-v4) on
// DynamoDB-style requests generated deterministically from a seed.
//
//   node tests/sigv4_crosscheck.js PATH/TO/dynasio-sigv4 [--count N] [--seed S]
//
// Every request is POST / with content-type, host, x-amz-date and x-amz-target (and a session
// token in about half of them), a UTF-8 JSON body with non-ASCII text, emoji and control
// characters, and a date that often sits on a month or year boundary. Each is written to a
// .req file, signed by the tool (--print authz) and by @smithy, and the two Authorization
// values must be identical. Prints "N passed, M failed"; exits 1 on any mismatch.
"use strict";

const { SignatureV4 } = require("@smithy/signature-v4");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

// @smithy wants a hash class: new Sha256() hashes, new Sha256(secret) computes an HMAC.
class Sha256 {
  constructor(secret) {
    this.h = secret ? crypto.createHmac("sha256", Buffer.from(secret)) : crypto.createHash("sha256");
  }
  update(data) {
    this.h.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

// A small xorshift32 generator: the same seed gives the same requests on every machine.
function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (a) => a[Math.floor(next() * a.length)],
  };
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const TEXT = ["a", "Z", "7", " ", "\"", "\\", "/", "é", "ß", "ñ", "€", "中", "文", "ሴ", "ü", "\u00a0",
  "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "\u0000", "\u0001", "\t", "\n", "\r", "\u001f", "\u007f", "\u2028", "\ufeff"];
const OPS = ["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchWriteItem", "DescribeTable"];
const HOSTS = [["us-east-1", "dynamodb.us-east-1.amazonaws.com"], ["eu-west-1", "dynamodb.eu-west-1.amazonaws.com"],
  ["ap-northeast-1", "dynamodb.ap-northeast-1.amazonaws.com"], ["us-east-1", "127.0.0.1:4567"],
  ["us-west-2", "localhost:8000"]];
// Dates on the edges the signing key and scope depend on, then random ones.
const EDGES = ["2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z", "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z",
  "2024-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z", "2000-02-29T12:00:00Z",
  "2023-02-28T23:59:59Z", "2023-03-01T00:00:00Z", "2015-08-30T12:36:00Z", "1999-12-31T23:59:59Z",
  "2025-04-30T23:59:59Z", "2025-05-01T00:00:00Z", "2038-01-19T03:14:08Z", "2099-12-31T23:59:59Z"];

function word(r, alphabet, n) {
  let s = "";
  for (let i = 0; i < n; ++i) s += alphabet[r.int(alphabet.length)];
  return s;
}

function text(r, n) {
  let s = "";
  for (let i = 0; i < n; ++i) s += r.pick(TEXT);
  return s;
}

function body(r) {
  const item = { id: { S: text(r, 1 + r.int(20)) }, qty: { N: String(r.int(1e6)) } };
  for (let i = r.int(6); i > 0; --i) item["attr_" + text(r, 3)] = { S: text(r, r.int(200)) };
  if (r.int(10) === 0) item.big = { S: text(r, 2000 + r.int(3000)) };
  let json = JSON.stringify({ TableName: "orders", Item: item });
  // JSON.stringify escapes control characters; put some in raw as well, as bytes.
  if (r.int(3) === 0) json += "\u0000\r\n\t\u001b" + text(r, 5);
  return Buffer.from(json, "utf8");
}

function date(r, i) {
  if (i < EDGES.length) return new Date(EDGES[i]);
  if (r.int(4) === 0) {  // the last second of a random month, or the first of the next
    const y = 2000 + r.int(100), m = r.int(12);
    return new Date(Date.UTC(y, m + 1, 1) - (r.int(2) ? 1000 : 0));
  }
  return new Date(Date.UTC(2000, 0, 1) + r.int(100 * 365.25 * 86400) * 1000);
}

async function main() {
  const args = process.argv.slice(2);
  const tool = args[0];
  if (!tool || !fs.existsSync(tool)) {
    console.error("usage: node sigv4_crosscheck.js PATH/TO/dynasio-sigv4 [--count N] [--seed S]");
    process.exit(2);
  }
  const opt = (name, dflt) => (args.indexOf(name) > 0 ? Number(args[args.indexOf(name) + 1]) : dflt);
  const count = opt("--count", 600), seed = opt("--seed", 20150830);
  const r = rng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dynasio-sigv4-"));
  let passed = 0, failed = 0, withToken = 0;
  try {
    for (let i = 0; i < count; ++i) {
      const [region, host] = r.pick(HOSTS);
      const creds = { accessKeyId: "AKIA" + word(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        secretAccessKey: word(r, B64, 40) };
      if (r.int(2) === 0) {
        creds.sessionToken = word(r, B64, 100 + r.int(300)) + "==";
        ++withToken;
      }
      const when = date(r, i);
      const amzDate = when.toISOString().replace(/\.\d{3}/, "").replace(/[-:]/g, "");
      const target = "DynamoDB_20120810." + r.pick(OPS);
      const payload = body(r);
      const headers = { "content-type": "application/x-amz-json-1.0", host, "x-amz-target": target };

      const signer = new SignatureV4({ credentials: creds, region, service: "dynamodb", sha256: Sha256,
        applyChecksum: false });
      const signed = await signer.sign({ method: "POST", protocol: "https:", hostname: host.split(":")[0],
        path: "/", query: {}, headers: { ...headers }, body: payload }, { signingDate: when });
      const expected = signed.headers.authorization;

      const head = `POST / HTTP/1.1\nContent-Type:${headers["content-type"]}\nHost:${host}\n` +
        `X-Amz-Date:${amzDate}\nX-Amz-Target:${target}\n\n`;
      const file = path.join(dir, `case-${i}.req`);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(head, "utf8"), payload]));
      const argv = ["--request", file, "--region", region, "--service", "dynamodb", "--time", amzDate,
        "--access-key", creds.accessKeyId, "--secret-key", creds.secretAccessKey, "--print", "authz"];
      if (creds.sessionToken) argv.push("--session-token", creds.sessionToken);
      const run = spawnSync(tool, argv, { encoding: "utf8" });
      const got = run.status === 0 ? run.stdout : `exit ${run.status}: ${run.stderr}`;
      if (got === expected) {
        ++passed;
      } else {
        ++failed;
        if (failed <= 5) console.error(`case ${i} (${amzDate}, ${host}):\n  smithy:  ${expected}\n  dynasio: ${got}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed (seed ${seed}, ${withToken} with a session token)`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
