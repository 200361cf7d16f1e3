#!/usr/bin/env python3
"""End-to-end tests of the `dynasio` tool against the DynamoDB in DYNASIO_TEST_ENDPOINT (the
dynalite that scripts/dynalite.sh starts), plus a scripted fake endpoint for what dynalite
cannot do (throttling, refusing items).

usage: e2e.py PATH/TO/dynasio [TEST-NAME-SUBSTRING...]
Exits 77 (skipped, for CTest) when DYNASIO_TEST_ENDPOINT is not set.
"""
import decimal
import gzip
import http.server
import json
import os
import pty
import random
import select
import subprocess
import sys
import tempfile
import threading
import time

TOOL = None
WORK = None
ENDPOINT = os.environ.get("DYNASIO_TEST_ENDPOINT", "")
_counter = [0]


def table_name(prefix):
    _counter[0] += 1
    return f"cli-{prefix}-{os.getpid()}-{_counter[0]}"


def tool_env(endpoint=None):
    env = dict(os.environ)
    env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint or ENDPOINT
    env.setdefault("AWS_REGION", "us-east-1")
    env.setdefault("AWS_ACCESS_KEY_ID", "dynasio-test")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "dynasio-test-secret")
    return env


def run(*args, stdin=None, endpoint=None, check=None):
    """Runs the tool; returns (status, stdout, stderr). `check`: the status expected."""
    p = subprocess.run([TOOL, *args], input=stdin, capture_output=True, env=tool_env(endpoint), timeout=300)
    out, err = p.stdout.decode(), p.stderr.decode()
    if check is not None and p.returncode != check:
        raise AssertionError(f"dynasio {' '.join(args)}: status {p.returncode}, expected {check}\n{err}")
    return p.returncode, out, err


def path(name):
    return os.path.join(WORK, name)


def write_lines(name, lines):
    with open(path(name), "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    return path(name)


def parse(line):
    return json.loads(line, parse_float=decimal.Decimal, parse_int=decimal.Decimal)


def dump(table, *extra):
    _, out, _ = run("dump", "--table", table, "--progress", "none", *extra, check=0)
    return out.splitlines()


def by_id(lines):
    items = {}
    for line in lines:
        it = parse(line)
        items[it["id"]] = it
    return items


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# The items of the type test: every DynamoDB type, in plain JSON as dump writes it.
TYPED_LINES = [
    '{"id":"all","s":"h\u00e9llo \U0001F600 \\"q\\"\\n","n":-12.5,"i":7,'
    '"big":12345678901234567890123456789012345678,"frac":0.12345678901234567890123456789012345678,'
    '"b":{"$binary":"AAEC/w=="},"t":true,"f":false,"z":null,"l":[1,"two",[],{"k":null}],'
    '"m":{"inner":{"deep":[{"$binary":"AA=="}]}},"ss":{"$ss":["a","b c"]},"ns":{"$ns":[-1,2.5,100]},'
    '"bs":{"$bs":["AA==","AQ=="]},"tagged":{"$map":{"$ss":"just a string"}}}',
    '{"id":"empty-ish","l":[],"m":{},"s":""}',
]


def test_types_and_formats():
    src = write_lines("types.jsonl", TYPED_LINES)
    t1 = table_name("types")
    run("load", "--table", t1, "--create", "id:S", "--progress", "none", src, check=0)
    got = by_id(dump(t1))
    want = by_id(TYPED_LINES)
    expect(got == want, f"plain JSON round trip:\n{got}\n!=\n{want}")
    text = "\n".join(dump(t1))
    expect("12345678901234567890123456789012345678" in text, "38 digits kept")
    expect("0.12345678901234567890123456789012345678" in text, "38 fractional digits kept")
    # DynamoDB JSON out and back in, bare and as {"Item": ...}.
    ddb = dump(t1, "--format", "ddb")
    expect(all(line.startswith('{"Item":') for line in ddb), "ddb lines are {\"Item\": ...}")
    bare = [json.dumps(json.loads(line)["Item"]) for line in ddb]
    for i, lines in enumerate([ddb, bare]):
        t2 = table_name("ddb")
        src2 = write_lines(f"types-{i}.ddb.jsonl", lines)
        run("load", "--table", t2, "--create", "id:S", "--format", "ddb", "--progress", "none", src2, check=0)
        expect(by_id(dump(t2)) == want, "DynamoDB JSON round trip")


def test_dump_load_pipe():
    src = write_lines("pipe.jsonl", TYPED_LINES + [json.dumps({"id": f"p{i}", "v": i}) for i in range(300)])
    t1, t2, t3 = table_name("pipe-a"), table_name("pipe-b"), table_name("pipe-c")
    run("load", "--table", t1, "--create", "id:S", "--progress", "none", src, check=0)
    env = tool_env()
    for target, fmt in ((t2, "json"), (t3, "ddb")):
        cmd = (f"'{TOOL}' dump --table {t1} --segments 3 --format {fmt} --progress none | "
               f"'{TOOL}' load --table {target} --create id:S --format {fmt} --progress none -")
        p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, env=env, timeout=300)
        expect(p.returncode == 0, f"dump | load ({fmt}): {p.stderr.decode()}")
        expect(by_id(dump(target)) == by_id(dump(t1)), f"dump | load ({fmt}) round trip")
    expect(len(dump(t1, "--segments", "4")) == 302, "a 4-segment scan sees every item once")


def test_last_writer_wins_200k():
    rng = random.Random(13)
    want = {}
    lines = []
    for n in range(200_000):
        key = f"k{rng.randrange(20_000)}"
        want[key] = n
        lines.append(f'{{"id":"{key}","n":{n},"pad":"{"x" * (n % 7)}"}}')
    src = write_lines("repeated.jsonl", lines)
    t = table_name("lww")
    _, _, err = run("load", "--table", t, "--create", "id:S", "--key", "id", src, check=0)
    expect("200000 lines read" in err, f"summary counts the lines: {err}")
    got = {k: int(v["n"]) for k, v in by_id(dump(t, "--segments", "4")).items()}
    expect(got == want, f"last writer wins: {len(got)} items, {sum(got.get(k) != v for k, v in want.items())} differ")


def test_gzip_input():
    lines = [json.dumps({"id": f"g{i}", "v": i, "s": "y" * 50}) for i in range(5000)]
    gz = path("input.jsonl.gz")
    with gzip.open(gz, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    t = table_name("gzip")
    run("load", "--table", t, "--create", "id:S", "--progress", "none", gz, check=0)
    expect(by_id(dump(t)) == by_id(lines), "a .gz file loads as its lines")
    with open(gz, "rb") as f:
        data = f.read()
    t2 = table_name("gzip-stdin")
    run("load", "--table", t2, "--create", "id:S", "--progress", "none", stdin=data, check=0)
    expect(by_id(dump(t2)) == by_id(lines), "a gzip stream on stdin loads as its lines")


def test_bad_lines():
    good = [json.dumps({"id": f"b{i}", "v": i}) for i in range(1, 11)]
    bad = '{"id": "bad", "v": 1e999}'
    col = bad.index("1e999") + 1
    for where in (1, 5, 10):
        lines = list(good)
        lines[where - 1] = bad
        src = write_lines(f"bad-{where}.jsonl", lines)
        t = table_name(f"bad{where}")
        status, _, err = run("load", "--table", t, "--create", "id:S", "--progress", "none", src)
        expect(status == 2, f"stop: status {status}")
        expect(f"{src}:{where}:{col}: number 1e999" in err, f"line {where}, column {col} named: {err}")
        got = sorted(by_id(dump(t)))
        expect(got == sorted(f"b{i}" for i in range(1, where)), f"exactly the lines before line {where}: {got}")
        # skip: every other line is written, the bad one goes to --failed with its text.
        t2 = table_name(f"skip{where}")
        failed = path(f"failed-{where}.jsonl")
        status, _, err = run("load", "--table", t2, "--create", "id:S", "--on-error", "skip", "--failed", failed,
                             "--progress", "none", src)
        expect(status == 1, f"skip: status {status}")
        expect(sorted(by_id(dump(t2))) == sorted(f"b{i}" for i in range(1, 11) if i != where), "skip writes the rest")
        with open(failed, encoding="utf-8") as f:
            rows = [json.loads(x) for x in f]
        expect(len(rows) == 1 and rows[0]["$text"] == bad, f"the bad line's text: {rows}")
        expect(rows[0]["$error"].startswith(f"{src}:{where}:{col}: "), f"and its reason: {rows}")
    # The --failed file of bad lines loads again once fixed.
    with open(failed, encoding="utf-8") as f:
        row = json.loads(f.read())
    row["$text"] = row["$text"].replace("1e999", "1e99")
    fixed = write_lines("fixed.jsonl", [json.dumps(row)])
    t3 = table_name("fixed")
    run("load", "--table", t3, "--create", "id:S", "--progress", "none", fixed, check=0)
    expect(list(by_id(dump(t3))) == ["bad"], "the fixed line loads")
    # A malformed line, a line that is not an object, a missing key attribute.
    for text, reason in (('{"id": "x",', "unexpected end of line"), ("[1, 2]", "must be a JSON object"),
                         ('{"other": 1}', "")):
        src = write_lines("malformed.jsonl", [good[0], text])
        status, _, err = run("load", "--table", table_name("malformed"), "--create", "id:S", "--progress", "none", src)
        expect(status == 2 and f"{src}:2:" in err and reason in err, f"{text}: {status} {err}")


class FakeDynamo(http.server.BaseHTTPRequestHandler):
    """BatchWriteItem: throttles the first `throttle` calls, refuses any call holding an item
    with a "poison" attribute (ValidationException), accepts the rest."""
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    throttle = 0
    written = {}

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        target = self.headers.get("X-Amz-Target", "")
        if not target.endswith(".BatchWriteItem"):
            return self.reply(400, {"__type": "com.amazon.coral.validate#ValidationException", "message": target})
        with FakeDynamo.lock:
            if FakeDynamo.throttle > 0:
                FakeDynamo.throttle -= 1
                return self.reply(400, {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                                        "message": "slow down"})
        requests = [r for reqs in body["RequestItems"].values() for r in reqs]
        if any("poison" in r["PutRequest"]["Item"] for r in requests):
            return self.reply(400, {"__type": "com.amazon.coral.validate#ValidationException",
                                    "message": "poison item refused"})
        with FakeDynamo.lock:
            for r in requests:
                FakeDynamo.written[r["PutRequest"]["Item"]["id"]["S"]] = r
        self.reply(200, {"UnprocessedItems": {}})


def test_failed_items_and_throttling():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeDynamo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        FakeDynamo.throttle = 2
        lines = [json.dumps({"id": f"f{i}", "v": i, **({"poison": True} if i % 10 == 3 else {})}) for i in range(100)]
        src = write_lines("poison.jsonl", lines)
        failed = path("poison-failed.jsonl")
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        status, _, err = run("load", "--table", "fake", "--key", "id", "--failed", failed, "--progress", "lines",
                             "--max-in-flight", "1", src, endpoint=endpoint)
        expect(status == 1, f"some items failed: status {status}: {err}")
        summary = err.strip().splitlines()[-1]
        expect("90 items written, 10 failed" in summary, summary)
        retries = int(summary.split(" retries")[0].split()[-1])
        throttles = int(summary.split(" throttles")[0].split()[-1])
        expect(retries >= 2 and throttles >= 2, f"throttling counted: {summary}")
        expect(len(FakeDynamo.written) == 90, f"the fake took {len(FakeDynamo.written)}")
    finally:
        server.shutdown()
    with open(failed, encoding="utf-8") as f:
        rows = [json.loads(x) for x in f]
    expect(sorted(r["id"] for r in rows) == sorted(f"f{i}" for i in range(100) if i % 10 == 3), "the refused items")
    expect(all("poison item refused" in r["$error"] for r in rows), f"with the service's reason: {rows[0]}")
    # The --failed file loads as it is (into a DynamoDB that takes them).
    t = table_name("reload")
    run("load", "--table", t, "--create", "id:S", "--progress", "none", failed, check=0)
    got = by_id(dump(t))
    expect(sorted(got) == sorted(r["id"] for r in rows), "reloaded")
    expect(all("$error" not in it and it["poison"] is True for it in got.values()), "as the items they were")


def test_sink_steps():
    t = table_name("sink")
    lines = [
        '{"id": "a", "qty": 1, "diff": 1, "time": 2}',
        '{"id": "b", "qty": 1, "diff": 1, "time": 2}',
        '{"id": "c", "qty": 1, "diff": 1, "time": 2}',
        # time 4: an update of a within the step (-1 old, +1 new), b deleted
        '{"id": "a", "qty": 1, "diff": -1, "time": 4}',
        '{"id": "a", "qty": 2, "diff": 1, "time": 4}',
        '{"id": "b", "qty": 1, "diff": -1, "time": 4}',
        # time 6: d inserted, e inserted and deleted in the same step, c updated (+1 first)
        '{"id": "d", "qty": 4, "diff": 1, "time": 6}',
        '{"id": "e", "qty": 5, "diff": 1, "time": 6}',
        '{"id": "c", "qty": 3, "diff": 1, "time": 6}',
        '{"id": "c", "qty": 1, "diff": -1, "time": 6}',
        '{"id": "e", "qty": 5, "diff": -1, "time": 6}',
    ]
    src = write_lines("changes.jsonl", lines)
    _, _, err = run("sink", "--table", t, "--key", "id", "--init-mode", "create_if_not_exists", src, check=0)
    expect("3 steps committed" in err, f"one commit per time: {err}")
    got = {k: int(v["qty"]) for k, v in by_id(dump(t)).items()}
    expect(got == {"a": 2, "c": 3, "d": 4}, f"mirrored state: {got}")
    # A bad line: the steps before its own are committed, nothing of its step.
    t2 = table_name("sink-bad")
    bad = lines[:4] + ['{"id": "x", "qty": 1, "diff": 3, "time": 4}'] + lines[4:]
    src = write_lines("changes-bad.jsonl", bad)
    status, _, err = run("sink", "--table", t2, "--key", "id", "--init-mode", "create_if_not_exists",
                         "--progress", "none", src)
    expect(status == 2 and f"{src}:5:31: \"diff\" must be 1 or -1" in err, f"{status}: {err}")
    got = {k: int(v["qty"]) for k, v in by_id(dump(t2)).items()}
    expect(got == {"a": 1, "b": 1, "c": 1}, f"only the first step: {got}")


def progress_file():
    lines = [json.dumps({"id": f"r{i}", "s": "z" * 200}) for i in range(3000)]
    return write_lines("progress.jsonl", lines)


def test_progress_bar_on_a_terminal():
    src = progress_file()
    t = table_name("bar")
    master, slave = pty.openpty()
    p = subprocess.Popen([TOOL, "load", "--table", t, "--create", "id:S", src], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, env=tool_env())
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if not ready:
            if p.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the tool closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    status = p.wait(timeout=60)
    text = out.decode(errors="replace")
    expect(status == 0, f"status {status}: {text}")
    frames = [f for f in text.split("\r") if f.strip()]
    expect("\r" in text and len(frames) >= 2, f"the bar redraws in place: {text!r}")
    expect("100%" in text and "3000 items" in text and "items/s" in text and " MB" in text, f"final frame: {text!r}")
    expect("[" + "#" * 10 in text, f"a bar: {text!r}")
    expect("ETA" in text, f"an ETA: {text!r}")
    expect("load: 3000 lines read, 3000 items written, 0 failed" in text, f"the summary: {text!r}")


def test_progress_lines_without_a_terminal():
    src = progress_file()
    _, _, err = run("load", "--table", table_name("lines"), "--create", "id:S", src, check=0)
    expect("\r" not in err and "\x1b" not in err, f"no bar without a terminal: {err!r}")
    expect(err.strip().splitlines()[-1].startswith("load: 3000 lines read, 3000 items written, 0 failed, "),
           f"the summary: {err!r}")
    _, _, err = run("load", "--table", table_name("quiet"), "--create", "id:S", "--progress", "none", src, check=0)
    expect(err == "", f"--progress none prints nothing: {err!r}")
    _, _, err = run("load", "--table", table_name("forced"), "--create", "id:S", "--progress", "lines", src, check=0)
    expect("\r" not in err, "lines mode never draws a bar")


def test_usage():
    for cmd in ("load", "dump", "sink", "sign"):
        status, out, _ = run(cmd, "--help")
        expect(status == 0 and "example:" in out and "usage:" in out, f"{cmd} --help: {out}")
    status, out, _ = run("--help")
    expect(status == 0 and "load" in out and "sink" in out, out)
    for args, text in ((["load", "--tabel", "x"], "unknown option '--tabel'"),
                       (["load"], "--table is required"),
                       (["load", "--table", "abc", "--format", "csv"], "--format takes json or ddb"),
                       (["load", "--table", "abc", "--create", "id"], "give the type of 'id'"),
                       (["load", "--table", "abc", path("no-such-file")], "cannot open"),
                       (["dump", "--table", "abc", "--segments", "0"], "--segments takes"),
                       (["sink", "--table", "abc"], "--key is required"),
                       (["frobnicate"], "unknown command")):
        status, _, err = run(*args)
        expect(status == 2 and text in err, f"{args}: {status} {err}")
    status, _, err = run("dump", "--table", table_name("missing"), "--progress", "none")
    expect(status == 2 and "ResourceNotFoundException" in err, f"a missing table: {status} {err}")
    status, _, err = run("load", "--table", "abc", "--progress", "none", write_lines("one.jsonl", ['{"id":"1"}']),
                         endpoint="not a url")
    expect(status == 2, f"a bad endpoint is a configuration error: {status} {err}")


def main():
    global TOOL, WORK
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if not ENDPOINT:
        print("e2e: DYNASIO_TEST_ENDPOINT is not set (source scripts/dynalite.sh; start_dynalite): skipped")
        return 77
    TOOL = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="dynasio-cli-") as WORK:
        for name, fn in tests:
            if only and not any(o in name for o in only):
                continue
            start = time.monotonic()
            try:
                fn()
                print(f"ok   {name} ({time.monotonic() - start:.1f} s)", flush=True)
            except Exception as e:  # report every test, then fail
                failures += 1
                print(f"FAIL {name}: {e}", flush=True)
    print(f"e2e: {failures} failed" if failures else "e2e: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
